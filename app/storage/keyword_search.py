"""Keyword search over the FTS5 index of memories: BM25 ranking, skipping archived memories and
words too common in a big store to tell memories apart."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from app.core.keywords import fts5_query, keywords
from app.core.records import MemoryKind


def keyword_search(
    conn: sqlite3.Connection, query: str, column: str, limit: int, kind: MemoryKind | None = None
) -> list[int]:
    """Ids of live memories whose `column` matches the query's words, best BM25 first."""
    match = fts5_query(" ".join(telling_words(conn, query, column)), column)
    if match is None:
        return []
    # FTS5 ranks first (`rank` is bm25 here) and only then are the best looked up in
    # memories: joined before ranking, SQLite scored every match through the join, 10x
    # slower at 100k memories (p50 ~360 ms against ~45 ms under load). Archived memories
    # (most of an old store) are skipped: the ranking costs the same for 1,000 rows as for
    # 50, so ask for plenty at once, and for more only when even those were archived.
    wanted = 20 * limit
    while True:
        ranked = [
            r[0]
            for r in conn.execute(
                "SELECT rowid FROM memories_fts WHERE memories_fts MATCH ? ORDER BY rank LIMIT ?",
                (match, wanted),
            )
        ]
        live = live_in_order(conn, ranked, limit, kind)
        if len(live) >= limit or len(ranked) < wanted:
            return live[:limit]
        wanted *= 4


def live_in_order(
    conn: sqlite3.Connection, ids: Sequence[int], limit: int, kind: MemoryKind | None
) -> list[int]:
    """The first `limit` of `ids` that are live memories (of `kind`), in their order. Looked
    up a few at a time: reading all 1,000 ranked rows cost 2.6 of a 22 ms search at 10k
    memories, where the first 100 usually hold the 50 wanted."""
    live: list[int] = []
    step = 2 * limit
    for start in range(0, len(ids), step):
        chunk = list(ids[start : start + step])
        marks = ",".join("?" * len(chunk))
        state = {
            r[0]: (r[1], r[2])
            for r in conn.execute(
                f"SELECT id, kind, archived_at FROM memories WHERE id IN ({marks})", chunk
            )
        }
        live += [
            i
            for i in chunk
            if i in state and state[i][1] is None and (kind is None or state[i][0] == kind.value)
        ]
        if len(live) >= limit:
            break
    return live


def telling_words(conn: sqlite3.Connection, query: str, column: str) -> list[str]:
    """The query's content words, less those in a large share of a big store's memories
    (a first name said every day, "work"): FTS5 scores every match of an OR query, so one
    such word made a search rank tens of thousands of rows at 100k memories, for a word
    whose BM25 weight is small anyway. The rarest word stays when every word is common.
    Stores under 50,000 memories drop only words in over 1,000 of them."""
    words = keywords(query)
    if len(words) < 2:
        return words
    size = conn.execute("SELECT max(rowid) FROM memories").fetchone()[0] or 0
    common = max(1000, size // 50)
    counts = {
        word: conn.execute(
            "SELECT count(*) FROM memories_fts WHERE memories_fts MATCH ?",
            (f'{column} : "{word}"',),
        ).fetchone()[0]
        for word in words
    }
    return [w for w in words if counts[w] <= common] or [min(words, key=counts.__getitem__)]
