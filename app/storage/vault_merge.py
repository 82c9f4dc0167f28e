"""The store's side of a vault import: merging records (plain dicts keyed by global ids, as
app/storage/vault_export.py yields them) into a store by those ids. No file format here: the
vault adapter reads the dicts, the vault service joins the two.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.core.merge_policy import Prefer
from app.storage.schema import NEXT_MEMORY_ID
from app.storage.vault_records import (
    BATCH,
    EVIDENCE_FIELDS,
    LINK_REFERENCES,
    MEMORY_DEFAULTS,
    MEMORY_FIELDS,
    REPORTED_KINDS,
    history_key,
)

ThumbnailSink = Callable[[int, bytes], tuple[str, int]]  # frame id, webp -> (path, size)
# A chip whose memory was deleted for good names no memory in a vault; imported, it points at
# row 0, which SQLite never gives a row, so the chat shows it as deleted, in its place.
NO_MEMORY = 0


@dataclass
class MergeReport:
    """What a merge did (or, in a dry run, would do), by kind of record."""

    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {
            k: {"added": 0, "updated": 0, "conflicting": 0, "unchanged": 0} for k in REPORTED_KINDS
        }
    )
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    touched: int = 0  # memories added or changed (queued for the vector index)
    thumbnails_written: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str) -> None:
        self.counts[kind][outcome] += 1


class VaultMergeError(Exception):
    """The vault's records do not fit together (a reference to a record it does not hold)."""


class Merger:
    """Merges vault records into a store, inside the caller's transaction. Records arrive in
    export order (evidence before the memories that cite it, and so on)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        now_text: str,
        prefer: Prefer,
        import_id: int,
        thumbnails: ThumbnailSink | None,
    ) -> None:
        self.conn = conn
        self.now = now_text
        self.prefer = prefer
        self.import_id = import_id
        self.thumbnails = thumbnails
        self.report = MergeReport()
        # Records are looked up by their indexed ids in SQL rather than held in maps, so memory
        # does not grow with the vault; only records known here under another id (the same
        # message imported on both sides) are remembered.
        self._ev_alias: dict[str, int] = {}  # vault evidence uid -> local id
        self._mem_alias: dict[str, int] = {}  # vault memory uid -> local id
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS vault_deferred (memory_id INTEGER PRIMARY KEY,"
            " superseded TEXT, review TEXT)"
        )
        conn.execute("DELETE FROM vault_deferred")
        self._column_cache: dict[str, set[str]] = {}

    def add(self, table: str, record: dict[str, Any]) -> None:
        handler = getattr(self, f"_{table}", None)
        if handler is None:
            self.report.notes.append(f"records of kind {table!r} were not understood; skipped")
            return
        try:
            handler(record)
        except (KeyError, TypeError, ValueError) as error:
            raise VaultMergeError(f"a {table} record is malformed ({error!r})") from None

    # -- evidence

    def _one(self, sql: str, *args: Any) -> int | None:
        row = self.conn.execute(sql, args).fetchone()
        return None if row is None else int(row[0])

    def _evidence(self, r: dict[str, Any]) -> None:
        uid = r["uid"]
        if self._one("SELECT id FROM evidence WHERE uid = ?", uid) is not None:
            self.report.count("evidence", "unchanged")
            return
        same = self._one("SELECT id FROM evidence WHERE dedup_key = ?", r["dedup_key"])
        if same is not None:
            self._ev_alias[uid] = same
            self.report.count("evidence", "unchanged")
            return
        self.conn.execute(
            f"INSERT INTO evidence (uid, {', '.join(EVIDENCE_FIELDS)}, import_id)"
            f" VALUES (?, {', '.join('?' * len(EVIDENCE_FIELDS))}, ?)",
            [uid, *(r[f] for f in EVIDENCE_FIELDS), self.import_id],
        )
        self.report.count("evidence", "added")

    def _evidence_id(self, uid: str | None) -> int | None:
        if uid is None:
            return None
        local = self._ev_alias.get(uid) or self._one("SELECT id FROM evidence WHERE uid = ?", uid)
        if local is None:
            raise VaultMergeError(f"a record cites evidence {uid} that the vault does not hold")
        return local

    def _known_memory(self, uid: str | None) -> int | None:
        if uid is None:
            return None
        return self._mem_alias.get(uid) or self._one("SELECT id FROM memories WHERE uid = ?", uid)

    def _defer(self, local: int, r: dict[str, Any]) -> None:
        """Supersession and review name memories that may come later in the vault; they are
        set in finish(). The memory is also queued for the vector index."""
        review = json.dumps(r["review"]) if r["review"] is not None else None
        self.conn.execute(
            "INSERT OR REPLACE INTO vault_deferred (memory_id, superseded, review)"
            " VALUES (?, ?, ?)",
            (local, r["superseded_by"], review),
        )
        self.conn.execute(
            "INSERT INTO index_outbox (memory_id, op, queued_at) VALUES (?, 'upsert', ?)"
            " ON CONFLICT(memory_id) DO UPDATE SET op = excluded.op,"
            " queued_at = excluded.queued_at",
            (local, self.now),
        )
        self.report.touched += 1

    # -- memories, with their history and review state

    def _memory(self, r: dict[str, Any]) -> None:
        r = {**MEMORY_DEFAULTS, **r}
        uid = r["uid"]
        evidence = [self._evidence_id(e) for e in r["evidence"]]
        local = self._one("SELECT id FROM memories WHERE uid = ?", uid)
        if local is None:
            local = self._alias(r, evidence)
            if local is not None:
                self._mem_alias[uid] = local
        if local is None:
            self._insert_memory(r, evidence)
            return
        row = self.conn.execute("SELECT * FROM memories WHERE id = ?", (local,)).fetchone()
        local_uid = row["uid"]
        mine = {history_key(local_uid, dict(h)) for h in self._history_rows(local)}
        theirs = {history_key(local_uid, h): h for h in r["history"]}
        same = all(row[f] == r[f] for f in MEMORY_FIELDS)
        outcome = "unchanged"
        take_theirs = False
        if not same:
            if set(theirs) <= mine:
                outcome = "unchanged"  # ours already holds every change theirs has
            elif mine <= set(theirs):
                outcome, take_theirs = "updated", True
            else:
                outcome = "conflicting"
                take_theirs = self._theirs_wins(local, r)
                self.report.conflicts.append(
                    {
                        "uid": local_uid,
                        "text": row["text"][:80],
                        "kept": "theirs" if take_theirs else "mine",
                    }
                )
        self.report.count("memory", outcome)
        for key, h in theirs.items():
            if key in mine:
                self.report.count("history", "unchanged")
            else:
                self._insert_history(local, h)
        self.conn.executemany(
            "INSERT OR IGNORE INTO memory_evidence (memory_id, evidence_id) VALUES (?, ?)",
            [(local, e) for e in evidence],
        )
        if take_theirs:
            assignments = ", ".join(f"{f} = ?" for f in MEMORY_FIELDS)
            self.conn.execute(
                f"UPDATE memories SET {assignments} WHERE id = ?",
                [*(r[f] for f in MEMORY_FIELDS), local],
            )
            self._defer(local, r)

    def _theirs_wins(self, local: int, r: dict[str, Any]) -> bool:
        if self.prefer == "theirs":
            return True
        if self.prefer == "mine":
            return False
        mine_last = max((h["at"] for h in self._history_rows(local)), default="")
        theirs_last = max((h["at"] for h in r["history"]), default="")
        return bool(theirs_last > mine_last)

    def _alias(self, r: dict[str, Any], evidence: list[int | None]) -> int | None:
        """A local memory that is this one under another id: both sides imported the same
        message (or learned the same fact from it) before they shared anything."""
        for evidence_id in evidence:
            # Two steps on purpose: joined, SQLite picks the memories_by_fact index for
            # `attribute IS NULL` and scans every raw memory, once per record.
            cited = [
                r[0]
                for r in self.conn.execute(
                    "SELECT memory_id FROM memory_evidence WHERE evidence_id = ?", (evidence_id,)
                )
            ]
            for memory_id in cited:
                row = self.conn.execute(
                    "SELECT kind, text, attribute, value FROM memories WHERE id = ?",
                    (memory_id,),
                ).fetchone()
                if row is not None and tuple(row) == (
                    r["kind"], r["text"], r["attribute"], r["value"]):  # fmt: skip
                    return int(memory_id)
        return None

    def _insert_memory(self, r: dict[str, Any], evidence: list[int | None]) -> None:
        cursor = self.conn.execute(
            f"INSERT INTO memories (id, uid, {', '.join(MEMORY_FIELDS)})"
            f" VALUES ({NEXT_MEMORY_ID}, ?, {', '.join('?' * len(MEMORY_FIELDS))})",
            [r["uid"], *(r[f] for f in MEMORY_FIELDS)],
        )
        local = cursor.lastrowid
        assert local is not None
        self.conn.executemany(
            "INSERT INTO memory_evidence (memory_id, evidence_id) VALUES (?, ?)",
            [(local, e) for e in evidence],
        )
        for h in r["history"]:
            self._insert_history(local, h)
        self._defer(local, r)
        self.report.count("memory", "added")

    def _history_rows(self, memory_id: int) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT at, action, reason, before, after FROM history WHERE memory_id = ?",
            (memory_id,),
        ).fetchall()

    def _insert_history(self, memory_id: int, h: dict[str, Any]) -> None:
        self.conn.execute(
            "INSERT INTO history (memory_id, at, action, reason, before, after)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (memory_id, h["at"], h["action"], h["reason"], h["before"], h["after"]),
        )
        self.report.count("history", "added")

    # -- the graph

    def _columns(self, table: str) -> set[str]:
        if table not in self._column_cache:
            rows = self.conn.execute(f"PRAGMA table_info({table})").fetchall()
            self._column_cache[table] = {r[1] for r in rows}
        return self._column_cache[table]

    def _entity(self, r: dict[str, Any]) -> None:
        names = ["name", "kind", *sorted(k for k in r if k in self._columns("entities")
                                         and k not in ("id", "name", "kind"))]  # fmt: skip
        cursor = self.conn.execute(
            f"INSERT OR IGNORE INTO entities ({', '.join(names)})"
            f" VALUES ({', '.join('?' * len(names))})",
            [r[n] for n in names],
        )
        self.report.count("entity", "added" if cursor.rowcount else "unchanged")

    def _entity_id(self, key: list[str]) -> int:
        row = self.conn.execute(
            "SELECT id FROM entities WHERE name = ? AND kind = ?", (key[0], key[1])
        ).fetchone()
        if row is None:
            raise VaultMergeError(f"a link names entity {key!r}, which the vault does not hold")
        return int(row[0])

    def _memory_id(self, uid: str) -> int:
        local = self._known_memory(uid)
        if local is None:
            raise VaultMergeError(f"a record cites memory {uid}, which the vault does not hold")
        return local

    def _episode_id(self, key: list[Any]) -> int | None:
        return self._one(
            "SELECT id FROM episodes WHERE started_at = ? AND app = ? AND title = ?", *key
        )

    def _link(self, r: dict[str, Any]) -> None:
        memory = self._memory_id(r["memory"])
        target = self._memory_id(r["target"]) if r["target"] else None
        entity = self._entity_id(r["entity"]) if r["entity"] else None
        exists = self.conn.execute(
            "SELECT 1 FROM links WHERE memory_id = ? AND target_memory_id IS ?"
            " AND entity_id IS ? AND relation = ?",
            (memory, target, entity, r["relation"]),
        ).fetchone()
        if exists:
            self.report.count("link", "unchanged")
            return
        extra = sorted(k for k in r if k in self._columns("links")
                       and k not in (*LINK_REFERENCES, "relation"))  # fmt: skip
        self.conn.execute(
            f"INSERT INTO links (memory_id, target_memory_id, entity_id, relation"
            f"{''.join(', ' + k for k in extra)}) VALUES (?, ?, ?, ?{', ?' * len(extra)})",
            (memory, target, entity, r["relation"], *(r[k] for k in extra)),
        )
        self.report.count("link", "added")

    # -- screen capture

    def _episode(self, r: dict[str, Any]) -> None:
        started, app, title = r["key"]
        if self._episode_id(r["key"]) is not None:
            self.report.count("episode", "unchanged")
            return
        self.conn.execute(
            "INSERT INTO episodes (app, title, started_at, ended_at, frames, closed,"
            " summary_evidence_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                app,
                title,
                started,
                r["ended_at"],
                r["frames"],
                r["closed"],
                self._evidence_id(r["summary_evidence"]),
            ),
        )
        self.report.count("episode", "added")

    def _frame(self, r: dict[str, Any]) -> None:
        captured, monitor, dhash = r["key"]
        row = self.conn.execute(
            "SELECT id FROM frames WHERE captured_at = ? AND monitor = ? AND dhash = ?",
            (captured, monitor, dhash),
        ).fetchone()
        if row is not None:
            self.report.count("frame", "unchanged")
            return
        episode = self._episode_id(r["episode"])
        if episode is None:
            raise VaultMergeError("a screen frame belongs to an episode the vault does not hold")
        self.conn.execute(
            "INSERT INTO frames (episode_id, captured_at, monitor, app, title, dhash,"
            " evidence_id, redactions) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                episode,
                captured,
                monitor,
                r["app"],
                r["title"],
                dhash,
                self._evidence_id(r["evidence"]),
                r["redactions"],
            ),
        )
        self.report.count("frame", "added")

    def _thumbnail(self, r: dict[str, Any]) -> None:
        # The picture goes to its frame when that frame has none here (new, or known without).
        frame = self._one(
            "SELECT id FROM frames WHERE captured_at = ? AND monitor = ? AND dhash = ?"
            " AND thumbnail IS NULL",
            *r["frame"],
        )
        if frame is None:
            self.report.count("thumbnail", "unchanged")
            return
        if self.thumbnails is None:
            self.report.notes.append(
                "screen thumbnails were not imported: there is no thumbnail key here "
                "(no OS keyring and no passphrase)"
            )
            self.thumbnails = _skip_thumbnails
        import base64

        path, size = self.thumbnails(frame, base64.b64decode(r["webp"]))
        if not path:
            return
        self.report.thumbnails_written.append(path)
        self.conn.execute(
            "UPDATE frames SET thumbnail = ?, thumbnail_bytes = ? WHERE id = ?",
            (path, size, frame),
        )
        self.report.count("thumbnail", "added")

    # -- what the fact rules and the model have already read

    def _fact_read(self, r: dict[str, Any]) -> None:
        cursor = self.conn.execute(
            "INSERT OR IGNORE INTO fact_reads (evidence_id, read_at, found) VALUES (?, ?, ?)",
            (self._evidence_id(r["evidence"]), r["read_at"], r["found"]),
        )
        self.report.count("fact_read", "added" if cursor.rowcount else "unchanged")

    def _extraction(self, r: dict[str, Any]) -> None:
        cursor = self.conn.execute(
            "INSERT OR IGNORE INTO extraction_queue (evidence_id, queued_at, status, detail)"
            " VALUES (?, ?, ?, ?)",
            (self._evidence_id(r["evidence"]), r["queued_at"], r["status"], r["detail"]),
        )
        self.report.count("extraction", "added" if cursor.rowcount else "unchanged")

    def _entity_choice(self, r: dict[str, Any]) -> None:
        if "entity_choices" not in self._tables():
            self.report.notes.append("the graph's entity choices were skipped (no graph here)")
            return
        key = (r["at"], r["action"], r["name"], r["target"])
        exists = self.conn.execute(
            "SELECT 1 FROM entity_choices WHERE at = ? AND action = ? AND name = ? AND target = ?",
            key,
        ).fetchone()
        if exists:
            self.report.count("entity_choice", "unchanged")
            return
        self.conn.execute(
            "INSERT INTO entity_choices (at, action, name, target) VALUES (?, ?, ?, ?)", key
        )
        self.report.count("entity_choice", "added")

    def _entity_read(self, r: dict[str, Any]) -> None:
        if "entity_reads" not in self._tables():
            return
        cursor = self.conn.execute(
            "INSERT OR IGNORE INTO entity_reads (evidence_id) VALUES (?)",
            (self._evidence_id(r["evidence"]),),
        )
        self.report.count("entity_read", "added" if cursor.rowcount else "unchanged")

    # -- the graph view's choices: ours first (this computer's view stays as the user left it)

    def _colour_group(self, r: dict[str, Any]) -> None:
        if "graph_colour_groups" not in self._tables():
            return
        query, colour = str(r["query"]), str(r["colour"])
        row = self.conn.execute(
            "SELECT colour FROM graph_colour_groups WHERE query = ?", (query,)
        ).fetchone()
        if row is None:
            self.conn.execute(
                "INSERT INTO graph_colour_groups (query, colour) VALUES (?, ?)", (query, colour)
            )
            self.report.count("colour_group", "added")
        elif row[0] == colour:
            self.report.count("colour_group", "unchanged")
        else:
            take_theirs = self.prefer == "theirs"
            if take_theirs:
                self.conn.execute(
                    "UPDATE graph_colour_groups SET colour = ? WHERE query = ?", (colour, query)
                )
            self.report.count("colour_group", "conflicting")
            self.report.conflicts.append({"uid": None, "text": f"graph colour group {query}",
                                          "kept": "theirs" if take_theirs else "mine"})  # fmt: skip

    def _position(self, r: dict[str, Any]) -> None:
        if "graph_positions" not in self._tables():
            return
        node = r["node"]
        if node[0] == "memory":
            key = f"m{self._memory_id(node[1])}"
        elif node[0] == "entity":
            key = f"e{self._entity_id([node[1], node[2]])}"
        else:
            raise ValueError(f"unknown graph node {node!r}")
        x, y = float(r["x"]), float(r["y"])
        cursor = self.conn.execute(
            "INSERT OR IGNORE INTO graph_positions (node, x, y) VALUES (?, ?, ?)", (key, x, y)
        )
        # A node placed here keeps its place: each computer's layout is its own view.
        self.report.count("position", "added" if cursor.rowcount else "unchanged")

    # -- the chat's citation chips: ours first, as for the graph view's choices

    def _chat_citation(self, r: dict[str, Any]) -> None:
        if "chat_citations" not in self._tables():
            return
        if not r["answer"]:
            raise ValueError("a chat citation names no answer")
        rank = int(r["rank"])
        if rank < 1:
            raise ValueError(f"a chat citation's rank is {rank}")
        answer = self._evidence_id(r["answer"])
        memory = self._memory_id(r["memory"]) if r["memory"] else NO_MEMORY
        excerpt = str(r["excerpt"])
        row = self.conn.execute(
            "SELECT memory_id, excerpt FROM chat_citations WHERE evidence_id = ? AND rank = ?",
            (answer, rank),
        ).fetchone()
        if row is None:
            self.conn.execute(
                "INSERT INTO chat_citations (evidence_id, rank, memory_id, excerpt)"
                " VALUES (?, ?, ?, ?)",
                (answer, rank, memory, excerpt),
            )
            self.report.count("chat_citation", "added")
            return
        # Any chip here of a memory deleted for good is the same as theirs naming none.
        ours = row[0] if self._one("SELECT id FROM memories WHERE id = ?", row[0]) else NO_MEMORY
        if (ours, row[1]) == (memory, excerpt):
            self.report.count("chat_citation", "unchanged")
            return
        take_theirs = self.prefer == "theirs"
        if take_theirs:
            self.conn.execute(
                "UPDATE chat_citations SET memory_id = ?, excerpt = ?"
                " WHERE evidence_id = ? AND rank = ?",
                (memory, excerpt, answer, rank),
            )
        self.report.count("chat_citation", "conflicting")
        self.report.conflicts.append({"uid": None, "text": f"chat answer {r['answer']} chip {rank}",
                                      "kept": "theirs" if take_theirs else "mine"})  # fmt: skip

    def _tables(self) -> set[str]:
        if "" not in self._column_cache:
            rows = self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            self._column_cache[""] = {r[0] for r in rows}
        return self._column_cache[""]

    def _settings(self, r: dict[str, Any]) -> None:
        pass  # carried for a replace; the service applies them

    def _embedding(self, r: dict[str, Any]) -> None:
        pass  # read by the service when the embedding model matches

    def finish(self) -> MergeReport:
        """Resolve references that may point forward in the vault (supersession, review)."""
        last = 0
        while True:
            rows = self.conn.execute(
                "SELECT memory_id, superseded, review FROM vault_deferred WHERE memory_id > ?"
                " ORDER BY memory_id LIMIT ?",
                (last, BATCH),
            ).fetchall()
            if not rows:
                break
            for local, superseded_uid, review_text in rows:
                self.conn.execute(
                    "UPDATE memories SET superseded_by = ? WHERE id = ?",
                    (self._known_memory(superseded_uid), local),
                )
                if review_text is not None:
                    review = json.loads(review_text)
                    self.conn.execute(
                        "INSERT OR REPLACE INTO review_items (memory_id, state, why, replaces,"
                        " listed_at) VALUES (?, ?, ?, ?, ?)",
                        (local, review["state"], review["why"],
                         self._known_memory(review["replaces"]), review["listed_at"]),
                    )  # fmt: skip
            last = rows[-1][0]
        self.conn.execute("DELETE FROM vault_deferred")
        return self.report


def _skip_thumbnails(frame: int, webp: bytes) -> tuple[str, int]:
    return "", 0
