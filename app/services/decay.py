"""Apply the forgetting curve: archive what has faded below the threshold (never delete)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core.forgetting import ForgettingParams, memory_retention, should_archive
from app.storage.sqlite_store import SqliteMemoryStore


@dataclass(frozen=True)
class Faded:
    memory_id: int
    retention: float
    text: str


@dataclass(frozen=True)
class DecayReport:
    now: datetime
    checked: int
    archived: tuple[Faded, ...]
    dry_run: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(),
            "checked": self.checked,
            "dry_run": self.dry_run,
            "archived": [
                {"id": f.memory_id, "retention": round(f.retention, 4), "text": f.text}
                for f in self.archived
            ],
        }


def apply_decay(
    store: SqliteMemoryStore, now: datetime, params: ForgettingParams, *, dry_run: bool = False
) -> DecayReport:
    """Deterministic for a given clock: the same store and `now` archive the same memories."""
    checked = 0
    faded: list[Faded] = []
    for memory in store.iter_live_memories():
        checked += 1
        if should_archive(memory, now, params):
            faded.append(Faded(memory.id, memory_retention(memory, now, params), memory.text))
    if faded and not dry_run:
        store.archive_many(
            [
                (
                    f.memory_id,
                    f"retention {f.retention:.3f} fell below {params.archive_threshold:.3f}",
                )
                for f in faded
            ],
            now,
        )
    return DecayReport(now, checked, tuple(faded), dry_run)
