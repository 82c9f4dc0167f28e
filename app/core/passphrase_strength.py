"""A rough strength hint for a vault passphrase: bits of guessing work if it were random over
the characters it uses (or, for several words, about 11 bits a word, as diceware lists give).
A hint for people, not a guarantee: it cannot see that a passphrase is a famous quote."""

from __future__ import annotations

import math
import string
from dataclasses import dataclass


@dataclass(frozen=True)
class Strength:
    bits: int
    label: str  # "too short", "weak", "fair", "strong"
    hint: str


def passphrase_strength(passphrase: str) -> Strength:
    if len(passphrase) < 8:
        return Strength(0, "too short", "Use at least 8 characters; four or more words is best.")
    pool = 0
    for chars in (string.ascii_lowercase, string.ascii_uppercase, string.digits):
        if any(c in chars for c in passphrase):
            pool += len(chars)
    if any(not c.isalnum() for c in passphrase):
        pool += 33
    by_characters = len(passphrase) * math.log2(max(pool, 2))
    words = [w for w in passphrase.split() if w]
    by_words = len(words) * 11 if len(words) >= 3 else 0
    # Repeats and runs ("aaaaaaaa", "12345678") are worth far less than their length.
    distinct = len(set(passphrase)) / len(passphrase)
    bits = int(max(by_characters * min(1.0, distinct * 2), by_words))
    if bits < 40:
        return Strength(bits, "weak", "Weak: add words; a vault can be attacked offline.")
    if bits < 60:
        return Strength(bits, "fair", "Fair: one or two more words would make it strong.")
    return Strength(bits, "strong", "Strong.")
