"""The review list in SQLite: what waits for the user and what was learned for a look.

A pending memory is archived ("held for review") so that recall, answers, decay and the
"active" lists leave it alone; the fact it would replace stays current until it is accepted.
Every change is one transaction with its history entries, like the engine's own changes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.core.records import Evidence, HistoryAction, Memory
from app.storage.rows import to_text
from app.storage.sqlite_store import SqliteMemoryStore

PENDING, LEARNED, DONE = "pending", "learned", "done"
HELD = "held for review"


@dataclass(frozen=True)
class ReviewItem:
    memory: Memory
    state: str  # pending or learned
    why: str
    sources: tuple[Evidence, ...]
    replaces: Memory | None  # the fact it would replace (pending) or replaced (learned)


class ReviewStore:
    def __init__(self, store: SqliteMemoryStore) -> None:
        self.store = store

    # ---- listing

    def unlisted_extractions(self) -> list[tuple[int, int | None]]:
        """Memories the model wrote that the review policy has not seen yet, with the memory
        each closed (an update), oldest first."""
        rows = self.store.conn.execute(
            "SELECT m.id, (SELECT o.id FROM memories o WHERE o.superseded_by = m.id LIMIT 1)"
            " FROM memories m WHERE m.origin = 'extraction' AND m.reviewed_at IS NULL"
            " AND m.archived_at IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM review_items r WHERE r.memory_id = m.id)"
            " ORDER BY m.id"
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def count(self, state: str) -> int:
        row = self.store.conn.execute(
            "SELECT count(*) FROM review_items WHERE state = ?", (state,)
        ).fetchone()
        return int(row[0])

    def items(self, state: str, limit: int) -> list[ReviewItem]:
        """Pending: oldest first (the order they came in); learned: the latest first."""
        order = "ASC" if state == PENDING else "DESC"
        rows = self.store.conn.execute(
            "SELECT r.memory_id, r.why, r.replaces FROM review_items r"
            f" WHERE r.state = ? ORDER BY r.memory_id {order} LIMIT ?",
            (state, limit),
        ).fetchall()
        ids = [r[0] for r in rows]
        replaced = [r[2] for r in rows if r[2] is not None]
        found = self.store.get_memories([*ids, *replaced])
        sources = self.store.evidence_for(ids)
        return [
            ReviewItem(
                found[r[0]],
                state,
                r[1],
                tuple(sources.get(r[0], [])),
                found.get(r[2]) if r[2] is not None else None,
            )
            for r in rows
            if r[0] in found
        ]

    # ---- the policy's writes

    def hold(self, memory_id: int, replaces: int | None, why: str, now: datetime) -> None:
        """Out of answers until accepted; an update's older fact is current again meanwhile."""
        with self.store.transaction() as conn:
            before = self.store.memory_in(conn, memory_id)
            conn.execute(
                "UPDATE memories SET archived_at = ? WHERE id = ?", (to_text(now), memory_id)
            )
            self.store.record(
                conn,
                memory_id,
                now,
                HistoryAction.ARCHIVE,
                HELD,
                before,
                self.store.memory_in(conn, memory_id),
            )
            if replaces is not None:
                old = self.store.memory_in(conn, replaces)
                conn.execute(
                    "UPDATE memories SET valid_to = NULL, superseded_by = NULL WHERE id = ?",
                    (replaces,),
                )
                self.store.record(
                    conn,
                    replaces,
                    now,
                    HistoryAction.UPDATE,
                    f"current until the user accepts memory #{memory_id}",
                    old,
                    self.store.memory_in(conn, replaces),
                )
            self._list(conn, memory_id, PENDING, why, replaces, now)

    def list_learned(self, memory_id: int, replaces: int | None, why: str, now: datetime) -> None:
        with self.store.transaction() as conn:
            self._list(conn, memory_id, LEARNED, why, replaces, now)

    def list_rule_facts(self, now: datetime) -> int:
        """Facts the rules read from the user's words, new since the last look."""
        with self.store.transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO review_items (memory_id, state, why, replaces, listed_at)"
                " SELECT m.id, 'learned', 'read from your own words by the fact rules',"
                " (SELECT o.id FROM memories o WHERE o.superseded_by = m.id LIMIT 1), ?"
                " FROM memories m WHERE m.origin = 'rules'"
                " AND NOT EXISTS (SELECT 1 FROM review_items r WHERE r.memory_id = m.id)",
                (to_text(now),),
            )
            return int(cursor.rowcount)

    def _list(
        self,
        conn: sqlite3.Connection,
        memory_id: int,
        state: str,
        why: str,
        replaces: int | None,
        now: datetime,
    ) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO review_items (memory_id, state, why, replaces, listed_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (memory_id, state, why, replaces, to_text(now)),
        )

    # ---- the user's decisions

    def accept(self, memory_ids: Sequence[int], now: datetime) -> int:
        """Pending ones become active (and replace what they would replace); learned ones are
        marked as looked at."""
        accepted = 0
        with self.store.transaction() as conn:
            for memory_id in memory_ids:
                row = conn.execute(
                    "SELECT state, replaces FROM review_items WHERE memory_id = ?", (memory_id,)
                ).fetchone()
                if row is None or row[0] == DONE:
                    continue
                before = self.store.memory_in(conn, memory_id)
                conn.execute(
                    "UPDATE memories SET reviewed_at = ?, archived_at = CASE WHEN ? THEN NULL"
                    " ELSE archived_at END, last_recalled_at = CASE WHEN ? THEN ? ELSE"
                    " last_recalled_at END WHERE id = ?",
                    (to_text(now), row[0] == PENDING, row[0] == PENDING, to_text(now), memory_id),
                )
                action = HistoryAction.RESTORE if row[0] == PENDING else HistoryAction.UPDATE
                self.store.record(
                    conn,
                    memory_id,
                    now,
                    action,
                    "accepted in review",
                    before,
                    self.store.memory_in(conn, memory_id),
                )
                if row[0] == PENDING and row[1] is not None:
                    self._close(conn, row[1], memory_id, now)
                conn.execute(
                    "UPDATE review_items SET state = 'done' WHERE memory_id = ?", (memory_id,)
                )
                accepted += 1
        return accepted

    def _close(self, conn: sqlite3.Connection, old_id: int, new_id: int, now: datetime) -> None:
        old = self.store.memory_in(conn, old_id)
        if old.valid_to is not None or old.superseded_by is not None:
            return
        conn.execute(
            "UPDATE memories SET valid_to = ?, superseded_by = ? WHERE id = ?",
            (to_text(now), new_id, old_id),
        )
        self.store.record(
            conn,
            old_id,
            now,
            HistoryAction.SUPERSEDE,
            f"replaced by memory #{new_id}, accepted in review",
            old,
            self.store.memory_in(conn, old_id),
        )

    def reopen_replaced(self, memory_id: int, now: datetime) -> int | None:
        """Before a learned fact is rejected: the fact it replaced is current again."""
        with self.store.transaction() as conn:
            row = conn.execute(
                "SELECT id FROM memories WHERE superseded_by = ?", (memory_id,)
            ).fetchone()
            if row is None:
                return None
            old = self.store.memory_in(conn, row[0])
            conn.execute(
                "UPDATE memories SET valid_to = NULL, superseded_by = NULL WHERE id = ?", (row[0],)
            )
            self.store.record(
                conn,
                row[0],
                now,
                HistoryAction.UPDATE,
                f"current again: memory #{memory_id} was rejected in review",
                old,
                self.store.memory_in(conn, row[0]),
            )
            return int(row[0])
