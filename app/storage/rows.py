"""Conversions between SQLite rows (ISO text, 0/1 ints) and the core records."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

from app.core.records import Evidence, HistoryAction, HistoryEntry, Memory, MemoryKind


def to_text(moment: datetime | None) -> str | None:
    """UTC ISO-8601 with a fixed shape, so that text order is time order in SQL."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("times stored by Reverie must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def memory_from_row(row: sqlite3.Row, evidence_ids: tuple[int, ...] = ()) -> Memory:
    observed = from_text(row["observed_at"])
    assert observed is not None  # NOT NULL in the schema
    return Memory(
        id=row["id"],
        kind=MemoryKind(row["kind"]),
        text=row["text"],
        event_time=from_text(row["event_time"]),
        observed_at=observed,
        importance=row["importance"],
        stability_days=row["stability_days"],
        last_recalled_at=from_text(row["last_recalled_at"]),
        recall_count=row["recall_count"],
        pinned=bool(row["pinned"]),
        archived_at=from_text(row["archived_at"]),
        valid_from=from_text(row["valid_from"]),
        valid_to=from_text(row["valid_to"]),
        superseded_by=row["superseded_by"],
        subject=row["subject"],
        evidence_ids=evidence_ids,
        origin=row["origin"],
        reviewed_at=from_text(row["reviewed_at"]),
        role=row["role"],
        attribute=row["attribute"],
        value=row["value"],
    )


def memory_snapshot(memory: Memory) -> dict[str, Any]:
    """What history records of a memory's state: everything a user could want to undo."""
    return {
        "kind": memory.kind.value,
        "text": memory.text,
        "subject": memory.subject,
        "event_time": to_text(memory.event_time),
        "importance": memory.importance,
        "stability_days": round(memory.stability_days, 4),
        "last_recalled_at": to_text(memory.last_recalled_at),
        "recall_count": memory.recall_count,
        "pinned": memory.pinned,
        "archived_at": to_text(memory.archived_at),
        "valid_to": to_text(memory.valid_to),
        "superseded_by": memory.superseded_by,
        "attribute": memory.attribute,
        "value": memory.value,
    }


def evidence_from_row(row: sqlite3.Row) -> Evidence:
    return Evidence(
        id=row["id"],
        original_id=row["original_id"],
        session=row["session"],
        timestamp=from_text(row["timestamp"]),
        role=row["role"],
        speaker=row["speaker"],
        content=row["content"],
        source_kind=row["source_kind"],
        source_path=row["source_path"],
    )


def history_from_row(row: sqlite3.Row) -> HistoryEntry:
    at = from_text(row["at"])
    assert at is not None
    return HistoryEntry(
        id=row["id"],
        memory_id=row["memory_id"],
        at=at,
        action=HistoryAction(row["action"]),
        reason=row["reason"],
        before=json.loads(row["before"]) if row["before"] else None,
        after=json.loads(row["after"]) if row["after"] else None,
    )
