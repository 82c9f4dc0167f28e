"""Deciding what a new candidate memory means for the memories already kept (Mem0-style
add / update / duplicate / ignore), as a deterministic rule the tiny model cannot derail."""

from __future__ import annotations

import json
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
    pool = eligible(kind, neighbours, limit=len(neighbours))
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


# ---------------------------------------------------------------- the model's opinion

MODEL_DUPLICATE_AT = 0.8  # the model may call something a duplicate only this close
MODEL_UPDATE_AT = 0.45


def decision_schema(handles: int) -> dict[str, object]:
    """What the model may answer: an action and a handle (0 = none), never a real id."""
    return {
        "type": "object",
        "properties": {
            "action": {"type": "string", "enum": [a.value for a in Action]},
            "target": {"type": "integer", "enum": list(range(handles + 1))},
        },
        "required": ["action", "target"],
    }


def eligible(kind: MemoryKind, neighbours: list[Neighbour], limit: int = 3) -> list[Neighbour]:
    """The few kept memories worth showing the model: same kind, current, distilled."""
    pool = [
        n for n in neighbours if n.memory.kind == kind and n.memory.current and not n.memory.raw
    ]
    return sorted(pool, key=lambda n: n.similarity, reverse=True)[:limit]


def model_decision(raw: str, shown: list[Neighbour]) -> Decision | None:
    """The model's reply mapped from handles back to memory ids, if it is usable *and* the
    similarity supports it; None means "decide by the rule"."""
    try:
        data = json.loads(raw)
        action, target = Action(data["action"]), int(data["target"])
    except (ValueError, KeyError, TypeError):
        return None
    if action is Action.NEW:
        return Decision(Action.NEW, None, "the model saw nothing it replaces")
    if not 1 <= target <= len(shown):
        return None
    chosen = shown[target - 1]
    floor = MODEL_UPDATE_AT if action is Action.UPDATE else MODEL_DUPLICATE_AT
    if chosen.similarity < floor:
        return None  # vetoed: the texts are too far apart for that decision
    reason = f"the model judged it {action.value} of #{chosen.memory.id}"
    target_id = None if action is Action.IGNORE else chosen.memory.id
    return Decision(action, target_id, reason)
