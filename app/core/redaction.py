"""Secrets and personal identifiers taken out of screen text before it is stored or shown to
the model. Patterns err on the side of hiding: a screen memory that lost a long random-looking
string is a small loss; a stored API key is not."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

_PRIVATE_KEY = re.compile(
    r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----.*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|\Z)",
    re.DOTALL,
)
# Tokens with a known shape: OpenAI/Anthropic, GitHub, GitLab, Slack, AWS, Google, Stripe, JWT.
_TOKENS = re.compile(
    r"\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_\-]{16,}"
    r"|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}"
    r"|glpat-[A-Za-z0-9_\-]{16,}"
    r"|xox[abpors]-[A-Za-z0-9\-]{10,}"
    r"|(?:AKIA|ASIA)[A-Z0-9]{16}"
    r"|AIza[0-9A-Za-z_\-]{30,}"
    r"|[rs]k_(?:live|test)_[A-Za-z0-9]{16,}"
    r"|eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,})"
)
# "password: hunter2", "API key = abc...", "token=...": the value after the label.
_LABELLED = re.compile(
    r"(?i)\b(pass(?:word|wd|phrase)?|pwd|pin|secret|api[ _-]?key|access[ _-]?key|token|"
    r"client[ _-]?secret)(\s*[:=]\s*|\s+is\s+)(\S+)"
)
# Long random-looking strings (hex or base64 with mixed classes), as in keys pasted anywhere.
_RANDOM = re.compile(
    r"\b(?=[A-Za-z0-9+/_\-]*\d)(?=[A-Za-z0-9+/_\-]*[A-Za-z])[A-Za-z0-9+/_\-]{32,}\b"
)
_CARD = re.compile(r"\b(?:\d[ -]?){12,18}\d\b")
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}\b")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ .\-]?)?(?:\(\d{2,4}\)[ .\-]?)?\d{2,4}(?:[ .\-]\d{2,4}){2,4}\b"
)


@dataclass(frozen=True)
class Redacted:
    text: str
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def redact(text: str, *, contacts: bool = False) -> Redacted:
    """Replace secrets (and, if asked, e-mail addresses and phone numbers) with [kind hidden]."""
    counts: Counter[str] = Counter()

    def hide(kind: str) -> str:
        counts[kind] += 1
        return f"[{kind} hidden]"

    text = _PRIVATE_KEY.sub(lambda _: hide("private key"), text)
    text = _TOKENS.sub(lambda _: hide("token"), text)
    text = _LABELLED.sub(lambda m: f"{m.group(1)}{m.group(2)}{hide('secret')}", text)

    def card(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        return (
            hide("card number")
            if 13 <= len(digits) <= 19 and luhn_valid(digits)
            else match.group(0)
        )

    text = _CARD.sub(card, text)
    text = _RANDOM.sub(lambda _: hide("key"), text)
    if contacts:
        text = _EMAIL.sub(lambda _: hide("e-mail"), text)
        text = _PHONE.sub(lambda _: hide("phone number"), text)
    return Redacted(text, counts)
