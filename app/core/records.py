"""The records Reverie keeps: evidence (what was said or seen) and memories derived from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class MemoryKind(StrEnum):
    EPISODIC = "episodic"  # what happened, when, with whom
    SEMANTIC = "semantic"  # facts and preferences
    PROCEDURAL = "procedural"  # how the user does things


class HistoryAction(StrEnum):
    ADD = "add"
    UPDATE = "update"
    SUPERSEDE = "supersede"
    RECALL = "recall"
    PIN = "pin"
    UNPIN = "unpin"
    ARCHIVE = "archive"
    RESTORE = "restore"
    DELETE = "delete"


@dataclass(frozen=True)
class Message:
    """One chat message as an importer read it, before it is stored.

    `original_id` is the id the source gave it (LoCoMo's dia_id, a JSONL id); importers
    generate a deterministic one when the source has none, so re-imports are idempotent.
    `position` says where it was read ("line 12"), for error messages.
    """

    original_id: str
    session: str
    timestamp: datetime | None
    role: str
    content: str
    speaker: str | None = None
    position: str = ""

    @property
    def author(self) -> str:
        return self.speaker or self.role


@dataclass(frozen=True)
class Evidence:
    """A stored message (or, later, a screenshot's text): the provenance of memories."""

    id: int
    original_id: str
    session: str
    timestamp: datetime | None
    role: str
    speaker: str | None
    content: str
    source_kind: str
    source_path: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.original_id,
            "evidence_id": self.id,
            "session": self.session,
            "timestamp": self.timestamp.isoformat() if self.timestamp else None,
            "role": self.role,
            "speaker": self.speaker,
            "kind": self.source_kind,
            "path": self.source_path,
        }


@dataclass(frozen=True)
class Memory:
    id: int
    kind: MemoryKind
    text: str
    event_time: datetime | None
    observed_at: datetime
    importance: float
    stability_days: float
    last_recalled_at: datetime | None = None
    recall_count: int = 0
    pinned: bool = False
    archived_at: datetime | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    superseded_by: int | None = None
    subject: str | None = None
    evidence_ids: tuple[int, ...] = field(default=())
    origin: str = "ingest"  # ingest (a raw message), extraction (the model), user
    reviewed_at: datetime | None = None  # when the user accepted an extracted memory
    role: str | None = None  # who said a raw message: user, assistant, other
    attribute: str | None = None  # a fact's attribute ("manager"); "procedure" for how-tos
    value: str | None = None  # a fact's value, verbatim from its source

    @property
    def raw(self) -> bool:
        """A message stored as it was said, rather than a memory distilled from it."""
        return self.origin == "ingest"

    @property
    def fact(self) -> bool:
        """Read from the user's words by the fact layer (or the model), with an attribute."""
        return self.attribute is not None

    @property
    def from_assistant(self) -> bool:
        return self.role == "assistant"

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    @property
    def current(self) -> bool:
        """Still valid: not closed by a newer memory about the same thing."""
        return self.valid_to is None and self.superseded_by is None

    @property
    def strength_since(self) -> datetime:
        """The moment the forgetting clock last restarted: the last recall, else when it was
        said. An imported message from months ago has been fading since then, not since the
        import; a time in the future (a plan) or none starts it when Reverie learned it."""
        if self.last_recalled_at is not None:
            return self.last_recalled_at
        if self.event_time is not None and self.event_time < self.observed_at:
            return self.event_time
        return self.observed_at


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    memory_id: int
    at: datetime
    action: HistoryAction
    reason: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
