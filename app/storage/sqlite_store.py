"""SqliteMemoryStore: the source of truth. Every write is one transaction with its history."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from app.core.errors import NotFoundError
from app.core.forgetting import ForgettingParams, initial_stability
from app.core.records import (
    Evidence,
    HistoryAction,
    HistoryEntry,
    Memory,
    MemoryKind,
    Message,
)
from app.core.time_expressions import event_time
from app.storage import sqlcipher
from app.storage.keyword_search import keyword_search
from app.storage.message_names import imported_from
from app.storage.rows import (
    evidence_from_row,
    history_from_row,
    memory_from_row,
    memory_snapshot,
    to_text,
)
from app.storage.schema import NEXT_MEMORY_ID, migrate
from app.storage.store_health import (
    DamagedStore,
    ReadOnlyStore,
    integrity_problems,
    open_checked,
    write_problem,
)

CONTEXT_CHARS = 300  # how much of the previous message travels with a memory as its context
DEFAULT_IMPORTANCE = 0.5  # until the model (or the user) says otherwise


@dataclass(frozen=True)
class ImportRequest:
    messages: Sequence[Message]
    source_kind: str  # "import" for files, "chat" for Reverie's own chat window
    source_path: str | None
    format: str
    sha256: str
    memory_roles: frozenset[str] | None = None  # None: every role becomes a memory
    extract: bool = True  # queue the new messages for the model's extraction


@dataclass(frozen=True)
class ImportOutcome:
    read: int
    added: int
    duplicates: int
    memory_ids: tuple[int, ...]
    evidence_ids: tuple[int, ...] = ()  # the new evidence rows, in import order


@dataclass(frozen=True)
class IndexWork:
    memory_id: int
    op: str
    text: str
    context: str


def dedup_key(source_kind: str, session: str, original_id: str) -> str:
    return hashlib.sha256(f"{source_kind}\x1f{session}\x1f{original_id}".encode()).hexdigest()


class SqliteMemoryStore:
    def __init__(self, path: Path, key: bytes | None = None, *, read_only: bool = False) -> None:
        """`key`: the store's SQLCipher key; None only for a store from before encryption.
        `read_only`: the data folder cannot be written; every change raises ReadOnlyStore."""
        self.read_only = read_only
        self.path = path
        self.key = key  # snapshots of an encrypted store are opened with it
        self.encrypted = key is not None
        conn = open_checked(path, key, read_only=read_only)
        conn.row_factory = sqlcipher.Row
        self.db = sqlite_utils.Database(conn)
        self.conn = conn
        self._lock = threading.RLock()  # one writer at a time, whichever thread asks
        if read_only:
            return
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")  # a committed import survives power loss
        try:
            migrate(conn)
        except sqlcipher.DatabaseError as error:
            conn.close()
            raise DamagedStore(path, str(error)) from None

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is kept, or (on any error) none of it."""
        if self.read_only:
            raise ReadOnlyStore(self.path, "nothing can be changed")
        try:
            with self._lock, self.db.atomic():
                yield self.conn
        except sqlcipher.OperationalError as error:
            raise write_problem(self.path, error) from error

    # ----------------------------------------------------------------- ingest

    def add_messages(
        self, request: ImportRequest, now: datetime, params: ForgettingParams
    ) -> ImportOutcome:
        """Store new messages as evidence plus one episodic memory each, atomically."""
        added: list[int] = []
        new_evidence_ids: list[int] = []
        duplicates = 0
        previous: dict[str, str] = {}  # session -> "author: text" of the last memory's message
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO imports (path, format, sha256, imported_at, messages, added)"
                " VALUES (?, ?, ?, ?, ?, 0)",
                (
                    request.source_path or "",
                    request.format,
                    request.sha256,
                    to_text(now),
                    len(request.messages),
                ),
            )
            import_id = cursor.lastrowid
            for seq, message in enumerate(request.messages):
                key = dedup_key(request.source_kind, message.session, message.original_id)
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO evidence (dedup_key, original_id, session, seq,"
                    " timestamp, role, speaker, content, source_kind, source_path, import_id)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        key,
                        message.original_id,
                        message.session,
                        seq,
                        to_text(message.timestamp),
                        message.role,
                        message.speaker,
                        message.content,
                        request.source_kind,
                        request.source_path,
                        import_id,
                    ),
                )
                line = f"{message.author}: {message.content}"
                if cursor.rowcount == 0:
                    duplicates += 1
                    previous[message.session] = line
                    continue
                evidence_id = cursor.lastrowid
                assert evidence_id is not None
                new_evidence_ids.append(evidence_id)
                wanted = request.memory_roles is None or message.role in request.memory_roles
                # An assistant's reply is no source of facts about the user (it echoes them).
                if request.extract and wanted and message.role != "assistant":
                    conn.execute(
                        "INSERT INTO extraction_queue (evidence_id, queued_at) VALUES (?, ?)",
                        (evidence_id, to_text(now)),
                    )
                if request.memory_roles is not None and message.role not in request.memory_roles:
                    continue
                before = previous.get(message.session)
                context = f"{before[:CONTEXT_CHARS]}\n{line}" if before else line
                previous[message.session] = line
                memory_id = self.insert_memory(
                    conn,
                    MemoryKind.EPISODIC,
                    line,
                    context,
                    event_time(message.content, message.timestamp),
                    now,
                    params,
                    DEFAULT_IMPORTANCE,
                    "ingest",
                    (evidence_id,),
                    imported_from(
                        request.source_kind,
                        request.format,
                        request.source_path,
                        message.original_id,
                        message.position,
                    ),
                    role=message.role,
                )
                added.append(memory_id)
            new_evidence = len(request.messages) - duplicates
            conn.execute("UPDATE imports SET added = ? WHERE id = ?", (new_evidence, import_id))
        return ImportOutcome(
            len(request.messages), new_evidence, duplicates, tuple(added), tuple(new_evidence_ids)
        )

    def insert_memory(
        self,
        conn: sqlite3.Connection,
        kind: MemoryKind,
        text: str,
        context: str,
        event_time: datetime | None,
        now: datetime,
        params: ForgettingParams,
        importance: float,
        origin: str,
        evidence_ids: Sequence[int],
        reason: str,
        *,
        subject: str | None = None,
        role: str | None = None,
        attribute: str | None = None,
        value: str | None = None,
    ) -> int:
        """Insert a memory with its evidence links, index work and history (caller's
        transaction)."""
        stability = initial_stability(kind, importance, params)
        cursor = conn.execute(
            "INSERT INTO memories (id, kind, text, context, event_time, observed_at, valid_from,"
            " importance, stability_days, origin, subject, role, attribute, value)"
            f" VALUES ({NEXT_MEMORY_ID}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                kind.value,
                text,
                context,
                to_text(event_time),
                to_text(now),
                to_text(event_time or now),
                importance,
                stability,
                origin,
                subject,
                role,
                attribute,
                value,
            ),
        )
        memory_id = cursor.lastrowid
        assert memory_id is not None
        conn.executemany(
            "INSERT INTO memory_evidence (memory_id, evidence_id) VALUES (?, ?)",
            [(memory_id, e) for e in evidence_ids],
        )
        self.queue_index(conn, [memory_id], "upsert", now)
        memory = self.memory_in(conn, memory_id)
        self.record(conn, memory_id, now, HistoryAction.ADD, reason, None, memory)
        return memory_id

    # ------------------------------------------------------------ index outbox

    def queue_index(
        self, conn: sqlite3.Connection, ids: Iterable[int], op: str, now: datetime
    ) -> None:
        conn.executemany(
            "INSERT INTO index_outbox (memory_id, op, queued_at) VALUES (?, ?, ?)"
            " ON CONFLICT(memory_id)"
            " DO UPDATE SET op = excluded.op, queued_at = excluded.queued_at",
            [(i, op, to_text(now)) for i in ids],
        )

    def pending_index_work(self, limit: int) -> list[IndexWork]:
        rows = self.conn.execute(
            "SELECT o.memory_id, o.op, coalesce(m.text, '') AS text,"
            " coalesce(m.context, '') AS context FROM index_outbox o"
            " LEFT JOIN memories m ON m.id = o.memory_id ORDER BY o.memory_id LIMIT ?",
            (limit,),
        ).fetchall()
        return [IndexWork(r["memory_id"], r["op"], r["text"], r["context"]) for r in rows]

    def pending_index_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM index_outbox").fetchone()[0])

    def clear_index_work(self, done: Sequence[IndexWork]) -> None:
        """Drop finished work, unless the memory changed again meanwhile (op differs)."""
        with self.transaction() as conn:
            conn.executemany(
                "DELETE FROM index_outbox WHERE memory_id = ? AND op = ?",
                [(w.memory_id, w.op) for w in done],
            )

    def queue_full_reindex(self, now: datetime) -> int:
        with self.transaction() as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM memories")]
            self.queue_index(conn, ids, "upsert", now)
        return len(ids)

    # ------------------------------------------------------------------ reads

    def memory_in(self, conn: sqlite3.Connection, memory_id: int) -> Memory:
        row = conn.execute("SELECT * FROM memories WHERE id = ?", (memory_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"there is no memory #{memory_id}")
        evidence = conn.execute(
            "SELECT evidence_id FROM memory_evidence WHERE memory_id = ? ORDER BY evidence_id",
            (memory_id,),
        ).fetchall()
        return memory_from_row(row, tuple(e[0] for e in evidence))

    def get_memory(self, memory_id: int) -> Memory:
        return self.memory_in(self.conn, memory_id)

    def get_memories(self, ids: Sequence[int], *, with_evidence: bool = True) -> dict[int, Memory]:
        """Memories by id; `with_evidence=False` skips the provenance links (faster, for
        scoring many candidates of which only a few are shown)."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        links: dict[int, list[int]] = {}
        if with_evidence:
            for row in self.conn.execute(
                "SELECT memory_id, evidence_id FROM memory_evidence"
                f" WHERE memory_id IN ({marks}) ORDER BY evidence_id",
                list(ids),
            ):
                links.setdefault(row[0], []).append(row[1])
        rows = self.conn.execute(f"SELECT * FROM memories WHERE id IN ({marks})", list(ids))
        return {r["id"]: memory_from_row(r, tuple(links.get(r["id"], ()))) for r in rows}

    def contexts(self, ids: Sequence[int]) -> dict[int, str]:
        """Each memory's context: for a message, the one before it and itself."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            f"SELECT id, context FROM memories WHERE id IN ({marks})", list(ids)
        )
        return {r[0]: r[1] for r in rows}

    def get_evidence(self, ids: Sequence[int]) -> dict[int, Evidence]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(f"SELECT * FROM evidence WHERE id IN ({marks})", list(ids))
        return {r["id"]: evidence_from_row(r) for r in rows}

    def list_memories(
        self,
        *,
        kind: MemoryKind | None = None,
        pinned: bool | None = None,
        archived: bool | None = False,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Memory]:
        where: list[str] = []
        args: list[Any] = []
        if kind is not None:
            where.append("kind = ?")
            args.append(kind.value)
        if pinned is not None:
            where.append("pinned = ?")
            args.append(int(pinned))
        if archived is not None:
            where.append("archived_at IS NOT NULL" if archived else "archived_at IS NULL")
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self.conn.execute(
            f"SELECT id FROM memories {clause}"
            " ORDER BY coalesce(event_time, observed_at) DESC, id DESC LIMIT ? OFFSET ?",
            [*args, limit, offset],
        ).fetchall()
        found = self.get_memories([r[0] for r in rows])
        return [found[r[0]] for r in rows]

    def iter_live_memories(self, batch: int = 1000) -> Iterator[Memory]:
        """Every memory that is neither archived nor pinned (those the forgetting curve acts on)."""
        last = 0
        while True:
            rows = self.conn.execute(
                "SELECT * FROM memories WHERE id > ? AND archived_at IS NULL AND pinned = 0"
                " ORDER BY id LIMIT ?",
                (last, batch),
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield memory_from_row(row)
            last = rows[-1]["id"]

    def keyword_search(
        self, query: str, column: str, limit: int, kind: MemoryKind | None = None
    ) -> list[int]:
        """Ids of live memories whose `column` matches the query's words, best BM25 first."""
        return keyword_search(self.conn, query, column, limit, kind)

    def evidence_for(self, memory_ids: Sequence[int]) -> dict[int, list[Evidence]]:
        memories = self.get_memories(memory_ids)
        evidence = self.get_evidence(sorted({e for m in memories.values() for e in m.evidence_ids}))
        return {m.id: [evidence[e] for e in m.evidence_ids] for m in memories.values()}

    def history(self, memory_id: int) -> list[HistoryEntry]:
        self.get_memory(memory_id)  # raises NotFoundError for an unknown id
        rows = self.conn.execute(
            "SELECT * FROM history WHERE memory_id = ? ORDER BY id", (memory_id,)
        )
        return [history_from_row(r) for r in rows]

    def memory_ids(self) -> set[int]:
        return {r[0] for r in self.conn.execute("SELECT id FROM memories")}

    def counts(self) -> dict[str, Any]:
        one = self.conn.execute
        by_kind = {
            r[0]: r[1]
            for r in one(
                "SELECT kind, count(*) FROM memories WHERE archived_at IS NULL GROUP BY kind"
            )
        }
        span = one("SELECT min(timestamp), max(timestamp) FROM evidence").fetchone()
        return {
            "evidence": one("SELECT count(*) FROM evidence").fetchone()[0],
            "sessions": one("SELECT count(DISTINCT session) FROM evidence").fetchone()[0],
            "imports": one("SELECT count(*) FROM imports").fetchone()[0],
            "memories": one("SELECT count(*) FROM memories").fetchone()[0],
            "live_by_kind": by_kind,
            "pinned": one("SELECT count(*) FROM memories WHERE pinned = 1").fetchone()[0],
            "archived": one(
                "SELECT count(*) FROM memories WHERE archived_at IS NOT NULL"
            ).fetchone()[0],
            "superseded": one(
                "SELECT count(*) FROM memories WHERE valid_to IS NOT NULL"
            ).fetchone()[0],
            "history_entries": one("SELECT count(*) FROM history").fetchone()[0],
            "pending_index": self.pending_index_count(),
            "first_message": span[0],
            "last_message": span[1],
        }

    def integrity_problems(self) -> list[str]:
        return integrity_problems(self.conn, read_only=self.read_only)

    # ------------------------------------------------- changes, with history

    def record(
        self,
        conn: sqlite3.Connection,
        memory_id: int,
        now: datetime,
        action: HistoryAction,
        reason: str,
        before: Memory | None,
        after: Memory | None,
    ) -> None:
        conn.execute(
            "INSERT INTO history (memory_id, at, action, reason, before, after)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                memory_id,
                to_text(now),
                action.value,
                reason,
                json.dumps(memory_snapshot(before)) if before else None,
                json.dumps(memory_snapshot(after)) if after else None,
            ),
        )

    def _change(
        self,
        memory_id: int,
        now: datetime,
        action: HistoryAction,
        reason: str,
        columns: dict[str, Any],
    ) -> Memory:
        with self.transaction() as conn:
            before = self.memory_in(conn, memory_id)
            assignments = ", ".join(f"{name} = ?" for name in columns)
            conn.execute(
                f"UPDATE memories SET {assignments} WHERE id = ?", [*columns.values(), memory_id]
            )
            after = self.memory_in(conn, memory_id)
            self.record(conn, memory_id, now, action, reason, before, after)
        return after

    def set_pinned(self, memory_id: int, pinned: bool, now: datetime) -> Memory:
        action = HistoryAction.PIN if pinned else HistoryAction.UNPIN
        reason = "pinned by the user" if pinned else "unpinned by the user"
        return self._change(memory_id, now, action, reason, {"pinned": int(pinned)})

    def archive(self, memory_id: int, now: datetime, reason: str) -> Memory:
        current = self.get_memory(memory_id)
        if current.archived:
            return current
        return self._change(
            memory_id, now, HistoryAction.ARCHIVE, reason, {"archived_at": to_text(now)}
        )

    def restore(self, memory_id: int, now: datetime) -> Memory:
        """Bring an archived memory back; its forgetting clock restarts so it is not re-archived
        by the very next decay run."""
        return self._change(
            memory_id,
            now,
            HistoryAction.RESTORE,
            "restored by the user",
            {"archived_at": None, "last_recalled_at": to_text(now)},
        )

    def record_recall(
        self, memory_id: int, now: datetime, new_stability: float, reason: str
    ) -> Memory:
        current = self.get_memory(memory_id)
        return self._change(
            memory_id,
            now,
            HistoryAction.RECALL,
            reason,
            {
                "stability_days": new_stability,
                "last_recalled_at": to_text(now),
                "recall_count": current.recall_count + 1,
            },
        )

    def archive_many(self, decisions: Sequence[tuple[int, str]], now: datetime) -> int:
        """Archive several memories in one transaction (a decay run is all or nothing); returns
        how many were archived (pinned or already archived ones are left alone)."""
        archived = 0
        stamp = to_text(now)
        with self.transaction() as conn:
            # In chunks of 500 with one read, one UPDATE and one history insert each: a first
            # decay of a year of screen frames archives tens of thousands at once, and two
            # queries plus two statements per memory made 100k take minutes on two cores.
            for start in range(0, len(decisions), 500):
                chunk = decisions[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = {
                    r["id"]: r
                    for r in conn.execute(
                        f"SELECT * FROM memories WHERE id IN ({marks})", [m for m, _ in chunk]
                    )
                }
                updates: list[tuple[str | None, int]] = []
                entries: list[tuple[Any, ...]] = []
                for memory_id, reason in chunk:
                    if memory_id not in rows:
                        raise NotFoundError(f"there is no memory #{memory_id}")
                    row = rows[memory_id]
                    if row["archived_at"] is not None or row["pinned"]:
                        continue
                    before = memory_snapshot(memory_from_row(row))  # no evidence ids in it
                    updates.append((stamp, memory_id))
                    entries.append((memory_id, stamp, HistoryAction.ARCHIVE.value, reason,
                                    json.dumps(before),
                                    json.dumps({**before, "archived_at": stamp})))  # fmt: skip
                conn.executemany("UPDATE memories SET archived_at = ? WHERE id = ?", updates)
                conn.executemany(
                    "INSERT INTO history (memory_id, at, action, reason, before, after)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    entries,
                )
                archived += len(updates)
        return archived

    def memories_between(self, start: datetime, end: datetime, limit: int) -> list[int]:
        """Live memories whose event happened in [start, end), most recent first."""
        rows = self.conn.execute(
            "SELECT id FROM memories WHERE event_time >= ? AND event_time < ?"
            " AND archived_at IS NULL ORDER BY event_time DESC LIMIT ?",
            (to_text(start), to_text(end), limit),
        )
        return [r[0] for r in rows]

    def outdated(self, ids: Sequence[int]) -> set[int]:
        """Those of `ids` whose message also produced a memory that was since superseded: the
        raw "I live in Leeds" is as outdated as the fact distilled from it."""
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            "SELECT DISTINCT me.memory_id FROM memory_evidence me"
            " JOIN memory_evidence other ON other.evidence_id = me.evidence_id"
            " AND other.memory_id != me.memory_id"
            " JOIN memories s ON s.id = other.memory_id AND s.valid_to IS NOT NULL"
            f" WHERE me.memory_id IN ({marks})",
            list(ids),
        )
        return {r[0] for r in rows}
