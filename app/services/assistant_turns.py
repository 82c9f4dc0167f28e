"""The assistant's turns in answer selection: what a reply of the assistant's answered (the
user's messages just before it), and which of its suggestions the user took (their reply to
it). Used by app/services/selection.py."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from app.core.forgetting import ForgettingParams, memory_retention
from app.core.questions import terms
from app.services.recall import RecallHit
from app.storage.sqlite_store import SqliteMemoryStore


def what_it_answered(store: SqliteMemoryStore, hits: list[RecallHit]) -> dict[int, str]:
    """Each memory's context; for the assistant's messages, the two messages before them
    in full: the user's question is often at the end of a long message ("... ~40k cells and
    the batch effects are brutal. what would you use for batch correction?"), and who it is
    about one message further back ("Eli is visiting!" / "any restaurant recs?")."""
    contexts = store.contexts([h.memory.id for h in hits])
    for h in hits:
        at = h.memory.event_time
        if not h.memory.from_assistant or at is None:
            continue
        near = store.get_memories(
            store.memories_between(at - timedelta(hours=12), at, 6), with_evidence=False
        )
        before = sorted(
            (m for m in near.values() if m.raw and m.id != h.memory.id and m.event_time),
            key=lambda m: (m.event_time, m.id),
        )[-2:]
        contexts[h.memory.id] = "\n".join([*(m.text for m in before), h.memory.text])
    return contexts


ASKS_CHOICE = re.compile(
    r"\b(?:did|do)\s+(?:i|we)\s+(?:end\s+up\s+)?(?:go(?:ing)?\s+(?:with|for)|choose|pick|take|"
    r"book|buy|get|order|use|try|decide\s+on|settle\s+on)\b",
    re.I,
)


def reply_to(
    suggestion: RecallHit, store: SqliteMemoryStore, now: datetime, params: ForgettingParams
) -> RecallHit | None:
    """The user's next message after the assistant's suggestions, when it takes one of them
    up: it shares a specific word with them ("A gin distillery tour for two ..." / "Oh I love
    the distillery tour idea. I'll book one at Four Pillars")."""
    said_at = suggestion.memory.event_time
    if said_at is None:
        return None
    soon = store.memories_between(said_at + timedelta(seconds=1), said_at + timedelta(days=3), 20)
    replies = sorted(
        (m for m in store.get_memories(soon, with_evidence=False).values()
         if m.raw and not m.from_assistant and m.event_time is not None),
        key=lambda m: (m.event_time, m.id),
    )  # fmt: skip
    if not replies:
        return None
    first = replies[0]
    shared = {w for w in terms(first.text) if len(w) > 3} & terms(suggestion.memory.text)
    if not shared:
        return None
    sources = store.evidence_for([first.id]).get(first.id, [])
    return RecallHit(first, 1.0, memory_retention(first, now, params), tuple(sources), 1.0, True)
