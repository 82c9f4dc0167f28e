"""Entities named in what the user said or saw: people, places, organisations, products."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.core.fact_words import PERSON_RELATIONS, PETS

# spaCy's labels, as the kinds Reverie keeps (the rest, dates and numbers, are not entities).
KINDS = {
    "PERSON": "person",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "ORG": "organisation",
    "PRODUCT": "product",
    "EVENT": "event",
    "WORK_OF_ART": "work",
    "NORP": "group",
}


@dataclass(frozen=True)
class Mention:
    name: str  # as written
    kind: str  # person, pet, place, organisation, product, event, work, group, app
    start: int  # span in the message
    end: int


# "my brother Tom", "my cat Pixel", "our dog Biscuit": a relation word, then a capitalised name.
_PATTERN = re.compile(
    rf"\b(?:[Mm]y|[Oo]ur)\s+(?:(?:new|little|older|younger|big|best|old|twin|baby)\s+)?"
    rf"(?P<rel>{'|'.join(sorted((*PERSON_RELATIONS, *PETS), key=len, reverse=True))}),?\s+"
    rf"(?P<name>[A-ZÀ-Ý][\wÀ-ÿ'-]+(?:\s+[A-ZÀ-Ý][\wÀ-ÿ'-]+)?)"
)
_NOT_NAMES = frozenset({"I", "I'm", "I've", "And", "But", "The", "She", "He", "They", "We"})


def relation_mentions(text: str) -> list[Mention]:
    """People and pets the user names by their relation, whatever the recogniser makes of
    them (spaCy often reads a pet's name as an organisation or a product)."""
    found: list[Mention] = []
    for match in _PATTERN.finditer(text):
        name = match.group("name")
        if name.split()[0] in _NOT_NAMES:
            continue
        kind = "pet" if match.group("rel").lower() in PETS else "person"
        found.append(Mention(name, kind, match.start("name"), match.end("name")))
    return found


def is_label(text: str, mention: Mention) -> bool:
    """A one-word field label the recogniser took for a name: "Goal: ..." in a how-to,
    "Password:" on a captured login screen."""
    return " " not in mention.name and text[mention.end : mention.end + 1] == ":"


def with_patterns(text: str, recognised: list[Mention]) -> list[Mention]:
    """The pattern mentions, plus what the recogniser found that does not overlap them (and
    is not a field label)."""
    patterns = relation_mentions(text)
    kept = [
        m
        for m in recognised
        if not any(m.start < p.end and p.start < m.end for p in patterns) and not is_label(text, m)
    ]
    return sorted([*patterns, *kept], key=lambda m: m.start)
