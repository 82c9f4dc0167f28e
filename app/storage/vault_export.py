"""The store's side of a vault export: every record as a plain dict keyed by global ids (see
app/storage/vault_records.py for how records are named). No file format here: the vault
adapter writes the dicts, the vault service joins the two.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from app.storage.vault_records import (
    BATCH,
    EVIDENCE_FIELDS,
    LINK_REFERENCES,
    MEMORY_FIELDS,
    OPTIONAL_TABLES,
)


def record_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """What `export_records` will yield, per table (inside the same read transaction)."""

    def one(sql: str) -> int:
        return int(conn.execute(sql).fetchone()[0])

    return {
        "evidence": one("SELECT count(*) FROM evidence"),
        "memory": one("SELECT count(*) FROM memories"),
        "entity": one("SELECT count(*) FROM entities"),
        "link": one("SELECT count(*) FROM links"),
        "episode": one("SELECT count(*) FROM episodes"),
        "frame": one("SELECT count(*) FROM frames"),
        "fact_read": one("SELECT count(*) FROM fact_reads"),
        "extraction": one("SELECT count(*) FROM extraction_queue"),
        **{kind: _optional_count(conn, kind, table) for kind, table in _optional(conn)},
    }


# graph_positions names nodes by local row id, as app/services/graph.py keys them ("m12",
# "e7"); a vault names them by global id. Positions of rows since deleted are not carried.
_MEMORY_POSITIONS = (
    "FROM graph_positions p JOIN memories m ON m.id = CAST(substr(p.node, 2) AS INTEGER)"
    " WHERE p.node GLOB 'm[0-9]*'"
)
_ENTITY_POSITIONS = (
    "FROM graph_positions p JOIN entities e ON e.id = CAST(substr(p.node, 2) AS INTEGER)"
    " WHERE p.node GLOB 'e[0-9]*'"
)
# A chip is named by its answer's uid (the answer's message is evidence) and its memory's uid,
# NULL when that memory was deleted for good (memory_id has no foreign key, by design).
_CHAT_CITATIONS = (
    "FROM chat_citations c JOIN evidence e ON e.id = c.evidence_id"
    " LEFT JOIN memories m ON m.id = c.memory_id"
)


def _optional(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return [(kind, table) for kind, table in OPTIONAL_TABLES if table in present]


def _optional_count(conn: sqlite3.Connection, kind: str, table: str) -> int:
    if kind == "position":
        return sum(int(conn.execute(f"SELECT count(*) {part}").fetchone()[0])
                   for part in (_MEMORY_POSITIONS, _ENTITY_POSITIONS))  # fmt: skip
    if kind == "chat_citation":
        return int(conn.execute(f"SELECT count(*) {_CHAT_CITATIONS}").fetchone()[0])
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _batches(conn: sqlite3.Connection, sql: str) -> Iterator[sqlite3.Row]:
    """Rows of `sql` (which must select `id` and end in `WHERE ... id > ?` order) by pages."""
    last = 0
    while True:
        rows = conn.execute(sql, (last, BATCH)).fetchall()
        if not rows:
            return
        yield from rows
        last = rows[-1]["id"]


def export_records(conn: sqlite3.Connection) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every record worth carrying, referencing others only by global ids. Run inside one read
    transaction, so the whole export is one consistent snapshot. Rows are read in pages and
    references resolved by joins, so memory does not grow with the store."""
    for row in _batches(conn, "SELECT * FROM evidence WHERE id > ? ORDER BY id LIMIT ?"):
        yield "evidence", {"uid": row["uid"], **{f: row[f] for f in EVIDENCE_FIELDS}}
    for row in _batches(
        conn,
        "SELECT m.*, s.uid AS superseded_uid FROM memories m"
        " LEFT JOIN memories s ON s.id = m.superseded_by WHERE m.id > ? ORDER BY m.id LIMIT ?",
    ):
        memory_id = row["id"]
        evidence = [
            r[0]
            for r in conn.execute(
                "SELECT e.uid FROM memory_evidence me JOIN evidence e ON e.id = me.evidence_id"
                " WHERE me.memory_id = ? ORDER BY me.evidence_id",
                (memory_id,),
            )
        ]
        history = [
            {k: h[k] for k in ("at", "action", "reason", "before", "after")}
            for h in conn.execute(
                "SELECT * FROM history WHERE memory_id = ? ORDER BY id", (memory_id,)
            )
        ]
        review = conn.execute(
            "SELECT r.*, m.uid AS replaces_uid FROM review_items r"
            " LEFT JOIN memories m ON m.id = r.replaces WHERE r.memory_id = ?",
            (memory_id,),
        ).fetchone()
        yield (
            "memory",
            {
                "uid": row["uid"],
                **{f: row[f] for f in MEMORY_FIELDS},
                "superseded_by": row["superseded_uid"],
                "evidence": evidence,
                "history": history,
                "review": None
                if review is None
                else {
                    "state": review["state"],
                    "why": review["why"],
                    "replaces": review["replaces_uid"],
                    "listed_at": review["listed_at"],
                },
            },
        )
    for row in conn.execute("SELECT * FROM entities ORDER BY id"):
        names = row.keys()  # sqlite3.Row iterates over values, not names
        # Columns naming other rows by local id (canonical_id) are recomputed by the graph.
        yield "entity", {k: row[k] for k in names if k != "id" and not k.endswith("_id")}
    link_columns = _link_columns(conn)
    for row in _batches(
        conn,
        "SELECT l.*, m.uid AS memory_uid, t.uid AS target_uid, e.name AS entity_name,"
        " e.kind AS entity_kind FROM links l JOIN memories m ON m.id = l.memory_id"
        " LEFT JOIN memories t ON t.id = l.target_memory_id"
        " LEFT JOIN entities e ON e.id = l.entity_id WHERE l.id > ? ORDER BY l.id LIMIT ?",
    ):
        names = row.keys()
        extra = {k: row[k] for k in names if k in link_columns and k not in LINK_REFERENCES}
        yield (
            "link",
            {
                **extra,
                "memory": row["memory_uid"],
                "target": row["target_uid"],
                "entity": [row["entity_name"], row["entity_kind"]] if row["entity_id"] else None,
            },
        )
    for row in conn.execute(
        "SELECT p.*, e.uid AS summary_uid FROM episodes p"
        " LEFT JOIN evidence e ON e.id = p.summary_evidence_id ORDER BY p.id"
    ):
        yield (
            "episode",
            {
                "key": [row["started_at"], row["app"], row["title"]],
                "ended_at": row["ended_at"],
                "frames": row["frames"],
                "closed": row["closed"],
                "summary_evidence": row["summary_uid"],
            },
        )
    for row in _batches(
        conn,
        "SELECT f.*, p.started_at AS episode_start, p.app AS episode_app,"
        " p.title AS episode_title, e.uid AS evidence_uid FROM frames f"
        " JOIN episodes p ON p.id = f.episode_id LEFT JOIN evidence e ON e.id = f.evidence_id"
        " WHERE f.id > ? ORDER BY f.id LIMIT ?",
    ):
        yield (
            "frame",
            {
                "key": [row["captured_at"], row["monitor"], row["dhash"]],
                "episode": [row["episode_start"], row["episode_app"], row["episode_title"]],
                "app": row["app"],
                "title": row["title"],
                "evidence": row["evidence_uid"],
                "redactions": row["redactions"],
                "thumbnail": row["thumbnail"],  # a local path; the service swaps in the picture
            },
        )
    for row in conn.execute(
        "SELECT r.*, e.uid FROM fact_reads r JOIN evidence e ON e.id = r.evidence_id"
        " ORDER BY r.evidence_id"
    ):
        yield "fact_read", {"evidence": row["uid"], "read_at": row["read_at"],
                            "found": row["found"]}  # fmt: skip
    for row in conn.execute(
        "SELECT q.*, e.uid FROM extraction_queue q JOIN evidence e ON e.id = q.evidence_id"
        " ORDER BY q.evidence_id"
    ):
        yield (
            "extraction",
            {
                "evidence": row["uid"],
                "queued_at": row["queued_at"],
                "status": row["status"],
                "detail": row["detail"],
            },
        )
    tables = dict(_optional(conn))
    if "entity_choice" in tables:
        for row in conn.execute("SELECT * FROM entity_choices ORDER BY id"):
            yield "entity_choice", {k: row[k] for k in ("at", "action", "name", "target")}
    if "entity_read" in tables:
        for row in conn.execute(
            "SELECT e.uid FROM entity_reads r JOIN evidence e ON e.id = r.evidence_id"
            " ORDER BY r.evidence_id"
        ):
            yield "entity_read", {"evidence": row[0]}
    if "colour_group" in tables:
        for row in conn.execute("SELECT query, colour FROM graph_colour_groups ORDER BY id"):
            yield "colour_group", {"query": row[0], "colour": row[1]}
    if "position" in tables:
        for row in conn.execute(f"SELECT m.uid, p.x, p.y {_MEMORY_POSITIONS} ORDER BY p.node"):
            yield "position", {"node": ["memory", row[0]], "x": row[1], "y": row[2]}
        for row in conn.execute(
            f"SELECT e.name, e.kind, p.x, p.y {_ENTITY_POSITIONS} ORDER BY p.node"
        ):
            yield "position", {"node": ["entity", row[0], row[1]], "x": row[2], "y": row[3]}
    if "chat_citation" in tables:
        for row in conn.execute(
            f"SELECT e.uid, c.rank, m.uid, c.excerpt {_CHAT_CITATIONS}"
            " ORDER BY c.evidence_id, c.rank"
        ):
            yield "chat_citation", {"answer": row[0], "rank": row[1], "memory": row[2],
                                    "excerpt": row[3]}  # fmt: skip


def _link_columns(conn: sqlite3.Connection) -> set[str]:
    return {r[1] for r in conn.execute("PRAGMA table_info(links)")}
