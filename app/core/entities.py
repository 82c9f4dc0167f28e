"""Entities named in what the user said or saw: people, places, organisations, products."""

from __future__ import annotations

from dataclasses import dataclass

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
    kind: str  # person, place, organisation, product, event, work, group
    start: int  # span in the message
    end: int
