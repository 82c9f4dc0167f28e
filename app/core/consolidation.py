"""Deciding what a new candidate memory means for the memories already kept (Mem0-style
add / update / duplicate / ignore), as a deterministic rule the tiny model cannot derail."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from app.core.records import Memory, MemoryKind


class Action(StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"  # reinforce the existing memory, link the new evidence
    UPDATE = "update"  # the candidate supersedes the existing memory (history keeps both)
    IGNORE = "ignore"


@dataclass(frozen=True)
class Decision:
    action: Action
    target: int | None
    reason: str


@dataclass(frozen=True)
class Neighbour:
    memory: Memory
    similarity: float  # cosine, 1 = same meaning


DUPLICATE_AT = 0.9
SAME_SUBJECT_AT = 0.5
_NAME = re.compile(r"\b[A-Z][a-zà-ÿ]{2,}\b")


def names(text: str, ignore: frozenset[str]) -> set[str]:
    """Capitalised words (people, places, things) minus those in `ignore` (the speakers,
    who appear in nearly every memory and say nothing about its subject)."""
    return {n.lower() for n in _NAME.findall(text)} - ignore


def decide(
    kind: MemoryKind,
    text: str,
    subject: str,
    neighbours: list[Neighbour],
    speakers: frozenset[str] = frozenset(),
) -> Decision:
    """Compare with the most similar kept memories of the same kind."""
    pool = sorted(
        (n for n in neighbours if n.memory.kind == kind and n.memory.current and not n.memory.raw),
        key=lambda n: n.similarity,
        reverse=True,
    )
    if not pool:
        return Decision(Action.NEW, None, "nothing similar is known")
    best = pool[0]
    if best.similarity >= DUPLICATE_AT:
        return Decision(Action.DUPLICATE, best.memory.id, f"same as #{best.memory.id}")
    if kind is MemoryKind.EPISODIC:
        return Decision(Action.NEW, None, "events do not replace each other")
    mine = names(text, speakers)
    for neighbour in pool:
        if neighbour.similarity < SAME_SUBJECT_AT:
            break
        same_subject = bool(subject) and subject == (neighbour.memory.subject or "")
        shared = mine & names(neighbour.memory.text, speakers)
        if same_subject or shared:
            about = f"subject '{subject}'" if same_subject else f"'{sorted(shared)[0]}'"
            return Decision(
                Action.UPDATE,
                neighbour.memory.id,
                f"newer statement about {about} than #{neighbour.memory.id}",
            )
    return Decision(Action.NEW, None, "related memories are about something else")
