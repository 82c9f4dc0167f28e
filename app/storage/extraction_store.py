"""The store's side of extraction: the queue of evidence and the writes consolidation makes.

Kept apart from SqliteMemoryStore's general reads and writes; it shares its connection, lock
and history so every change is still one transaction with its history entry.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.core.forgetting import ForgettingParams
from app.core.records import Evidence, HistoryAction, Memory, MemoryKind
from app.storage.rows import evidence_from_row, to_text
from app.storage.sqlite_store import SqliteMemoryStore


@dataclass(frozen=True)
class NewMemory:
    kind: MemoryKind
    text: str
    subject: str | None
    event_time: datetime | None
    importance: float
    evidence_ids: tuple[int, ...]
    reason: str


class ExtractionStore:
    def __init__(self, store: SqliteMemoryStore) -> None:
        self.store = store

    def pending_batches(self, max_messages: int, limit: int) -> list[list[Evidence]]:
        """Queued evidence grouped by session, in order, at most `max_messages` per batch."""
        rows = self.store.conn.execute(
            "SELECT e.* FROM extraction_queue q JOIN evidence e ON e.id = q.evidence_id"
            " WHERE q.status = 'pending' ORDER BY e.session, e.seq, e.id LIMIT ?",
            (max_messages * limit,),
        ).fetchall()
        batches: list[list[Evidence]] = []
        for row in rows:
            evidence = evidence_from_row(row)
            last = batches[-1] if batches else None
            if last and last[0].session == evidence.session and len(last) < max_messages:
                last.append(evidence)
            else:
                batches.append([evidence])
        return batches[:limit]

    def pending_count(self) -> int:
        row = self.store.conn.execute(
            "SELECT count(*) FROM extraction_queue WHERE status = 'pending'"
        ).fetchone()
        return int(row[0])

    def queue_counts(self) -> dict[str, int]:
        rows = self.store.conn.execute(
            "SELECT status, count(*) FROM extraction_queue GROUP BY status"
        )
        return {r[0]: r[1] for r in rows}

    def mark(self, evidence_ids: Sequence[int], status: str, detail: str = "") -> None:
        with self.store.transaction() as conn:
            conn.executemany(
                "UPDATE extraction_queue SET status = ?, detail = ? WHERE evidence_id = ?",
                [(status, detail, e) for e in evidence_ids],
            )

    def _insert(
        self, conn: sqlite3.Connection, new: NewMemory, now: datetime, params: ForgettingParams
    ) -> int:
        return self.store.insert_memory(
            conn,
            new.kind,
            new.text,
            new.text,
            new.event_time,
            now,
            params,
            new.importance,
            "extraction",
            new.evidence_ids,
            new.reason,
            subject=new.subject,
        )

    def add(self, new: NewMemory, now: datetime, params: ForgettingParams) -> Memory:
        with self.store.transaction() as conn:
            memory_id = self._insert(conn, new, now, params)
        return self.store.get_memory(memory_id)

    def supersede(
        self, old_id: int, new: NewMemory, now: datetime, params: ForgettingParams
    ) -> Memory:
        """Add the newer memory and close the old one (valid_to, superseded_by) atomically;
        history keeps both versions."""
        with self.store.transaction() as conn:
            new_id = self._insert(conn, new, now, params)
            before = self.store.memory_in(conn, old_id)
            closed_at = new.event_time or now
            conn.execute(
                "UPDATE memories SET valid_to = ?, superseded_by = ? WHERE id = ?",
                (to_text(closed_at), new_id, old_id),
            )
            after = self.store.memory_in(conn, old_id)
            self.store.record(
                conn,
                old_id,
                now,
                HistoryAction.SUPERSEDE,
                f"superseded by #{new_id}: {new.text}",
                before,
                after,
            )
        return self.store.get_memory(new_id)

    def confirm(
        self, memory_id: int, evidence_ids: Sequence[int], now: datetime, new_stability: float
    ) -> Memory:
        """A duplicate candidate: the existing memory gains the new evidence and is reinforced."""
        with self.store.transaction() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO memory_evidence (memory_id, evidence_id) VALUES (?, ?)",
                [(memory_id, e) for e in evidence_ids],
            )
        return self.store.record_recall(
            memory_id,
            now,
            new_stability,
            f"stated again (evidence {', '.join(map(str, evidence_ids))})",
        )
