"""What a person does to their memories by hand: browse with filters, edit, erase for good,
(review lives in review_store.py). Every change is one transaction with its history entry and
its vector-index work, like the engine's own changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from app.core.errors import InputError
from app.core.keywords import fts5_query
from app.core.records import HistoryAction, Memory, MemoryKind
from app.storage.rows import to_text
from app.storage.sqlite_store import SqliteMemoryStore

ERASED = "erased by the user"


@dataclass(frozen=True)
class BrowseFilter:
    kind: MemoryKind | None = None
    start: datetime | None = None  # on the event time, else when it was learned
    end: datetime | None = None
    source_kind: str | None = None  # chat, import, screen
    pinned: bool | None = None
    archived: bool | None = False  # None: both
    text: str = ""  # full-text words (FTS5), best match first
    ids: tuple[int, ...] | None = None  # restrict to these (semantic search), in this order


class CurationStore:
    def __init__(self, store: SqliteMemoryStore) -> None:
        self.store = store

    def browse(self, chosen: BrowseFilter, limit: int = 200) -> list[Memory]:
        where: list[str] = []
        args: list[Any] = []
        when = "coalesce(m.event_time, m.observed_at)"
        if chosen.kind is not None:
            where.append("m.kind = ?")
            args.append(chosen.kind.value)
        if chosen.start is not None:
            where.append(f"{when} >= ?")
            args.append(to_text(chosen.start))
        if chosen.end is not None:
            where.append(f"{when} < ?")
            args.append(to_text(chosen.end))
        if chosen.source_kind:
            where.append(
                "EXISTS (SELECT 1 FROM memory_evidence me JOIN evidence e ON e.id = me.evidence_id"
                " WHERE me.memory_id = m.id AND e.source_kind = ?)"
            )
            args.append(chosen.source_kind)
        if chosen.pinned is not None:
            where.append("m.pinned = ?")
            args.append(int(chosen.pinned))
        if chosen.archived is not None:
            where.append(f"m.archived_at IS {'NOT ' if chosen.archived else ''}NULL")
        if chosen.archived is not False:
            # Held for review is not forgotten: it is in Review, not among the memories yet.
            where.append("NOT EXISTS (SELECT 1 FROM review_items r WHERE r.memory_id = m.id"
                         " AND r.state = 'pending')")  # fmt: skip
        if chosen.ids is not None:
            if not chosen.ids:
                return []
            where.append(f"m.id IN ({','.join('?' * len(chosen.ids))})")
            args.extend(chosen.ids)
        order = f"{when} DESC, m.id DESC"
        source = "memories m"
        if chosen.text.strip():
            match = fts5_query(chosen.text, "text")  # not the neighbouring message
            if match is None:
                return []
            source = "memories_fts f JOIN memories m ON m.id = f.rowid"
            where.append("memories_fts MATCH ?")
            args.append(match)
            # FTS5's own `rank` (bm25 here): bm25() through the join scored every match the
            # slow way (100k memories: 116 ms of CPU per search of the browser).
            order = "f.rank"
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self.store.conn.execute(
            f"SELECT m.id FROM {source} {clause} ORDER BY {order} LIMIT ?", [*args, limit]
        ).fetchall()
        ids = [r[0] for r in rows]
        if chosen.ids is not None:
            rank = {memory_id: n for n, memory_id in enumerate(chosen.ids)}
            ids.sort(key=rank.__getitem__)
        found = self.store.get_memories(ids)
        return [found[i] for i in ids]

    def source_kinds(self) -> list[str]:
        return [r[0] for r in self.store.conn.execute(
            "SELECT DISTINCT source_kind FROM evidence ORDER BY source_kind")]  # fmt: skip

    def edit(
        self, memory_id: int, now: datetime, *, text: str | None = None,
        kind: MemoryKind | None = None, importance: float | None = None,
    ) -> Memory:  # fmt: skip
        """The user's correction. Blank text or an importance outside [0, 1] changes nothing."""
        columns: dict[str, Any] = {}
        if text is not None:
            if not text.strip():
                raise InputError("a memory cannot be empty; use Forget or Delete instead")
            columns["text"] = text.strip()
            columns["context"] = text.strip()
        if kind is not None:
            columns["kind"] = kind.value
        if importance is not None:
            if not 0.0 <= importance <= 1.0:
                raise InputError("importance must be between 0 and 1")
            columns["importance"] = importance
        with self.store.transaction() as conn:
            before = self.store.memory_in(conn, memory_id)
            if columns:
                assignments = ", ".join(f"{name} = ?" for name in columns)
                conn.execute(f"UPDATE memories SET {assignments} WHERE id = ?",
                             [*columns.values(), memory_id])  # fmt: skip
            # An edited extraction is a reviewed one: the user has read it.
            if before.origin == "extraction" and before.reviewed_at is None:
                conn.execute("UPDATE memories SET reviewed_at = ? WHERE id = ?",
                             (to_text(now), memory_id))  # fmt: skip
            after = self.store.memory_in(conn, memory_id)
            if after == before:
                return after
            self.store.record(conn, memory_id, now, HistoryAction.UPDATE, "edited by the user",
                              before, after)  # fmt: skip
            if text is not None:
                self.store.queue_index(conn, [memory_id], "upsert", now)
        return after

    def erase(self, memory_id: int, now: datetime) -> list[Path]:
        """Delete for good: the memory, its words in history, and the text of evidence that no
        other memory uses. The evidence row stays (blanked) so that importing the same file
        again does not bring the memory back. Screen frames behind that evidence go too;
        returns their thumbnail files, for the caller to delete once this has committed."""
        with self.store.transaction() as conn:
            erased = self.store.memory_in(conn, memory_id)  # NotFoundError for an unknown id
            # A message erased for good takes the facts and how-tos read from it alone: they
            # hold its words. (Erasing a fact leaves the message it came from.)
            derived = (
                [
                    r[0]
                    for r in conn.execute(
                        "SELECT m.id FROM memories m WHERE m.origin != 'ingest' AND EXISTS"
                        " (SELECT 1 FROM memory_evidence e WHERE e.memory_id = m.id) AND NOT"
                        " EXISTS (SELECT 1 FROM memory_evidence e WHERE e.memory_id = m.id AND"
                        " e.evidence_id NOT IN (SELECT evidence_id FROM memory_evidence"
                        " WHERE memory_id = ?))",
                        (memory_id,),
                    )
                ]
                if erased.raw
                else []
            )
            gone = [memory_id, *derived]
            every = ",".join("?" * len(gone))
            orphaned = [
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT me.evidence_id FROM memory_evidence me WHERE me.memory_id"
                    f" IN ({every}) AND NOT EXISTS (SELECT 1 FROM memory_evidence o"
                    f" WHERE o.evidence_id = me.evidence_id AND o.memory_id NOT IN ({every}))",
                    [*gone, *gone],
                )
            ]
            for one in gone:
                conn.execute("UPDATE memories SET superseded_by = NULL WHERE superseded_by = ?",
                             (one,))  # fmt: skip
                conn.execute("DELETE FROM memories WHERE id = ?", (one,))
                # A chat answer's chip that quoted it keeps its place, not its words, nor the
                # id (SQLite may give the highest id to the next memory; 0 is never given).
                conn.execute("UPDATE chat_citations SET excerpt = '', memory_id = 0"
                             " WHERE memory_id = ?", (one,))  # fmt: skip
                conn.execute(
                    "UPDATE history SET before = NULL, after = NULL, reason = ?"
                    " WHERE memory_id = ?",
                    (ERASED, one),
                )
                self.store.record(conn, one, now, HistoryAction.DELETE, ERASED, None, None)
            marks = ",".join("?" * len(orphaned))
            thumbnails: list[Path] = []
            if orphaned:
                thumbnails = [Path(r[0]) for r in conn.execute(
                    f"SELECT thumbnail FROM frames WHERE thumbnail IS NOT NULL"
                    f" AND evidence_id IN ({marks})", orphaned)]  # fmt: skip
                conn.execute(f"DELETE FROM frames WHERE evidence_id IN ({marks})", orphaned)
                conn.execute(
                    "DELETE FROM episodes WHERE closed = 1 AND NOT EXISTS"
                    " (SELECT 1 FROM frames f WHERE f.episode_id = episodes.id)"
                )
                conn.execute(f"UPDATE evidence SET content = '' WHERE id IN ({marks})", orphaned)
                conn.execute(
                    f"UPDATE extraction_queue SET status = 'done', detail = ?"
                    f" WHERE evidence_id IN ({marks})",
                    [ERASED, *orphaned],
                )
            self.store.queue_index(conn, gone, "delete", now)
        return thumbnails

    def history_details(self, memory_id: int) -> list[dict[str, Any]]:
        """History as plain rows for display: what changed, field by field."""
        rows = []
        for entry in self.store.history(memory_id):
            before = entry.before or {}
            after = entry.after or {}
            changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
            rows.append({"at": entry.at, "action": entry.action.value, "reason": entry.reason,
                         "changed": changed, "after": after})  # fmt: skip
        return rows
