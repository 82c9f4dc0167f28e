"""What encryption at rest costs: plain SQLite against SQLCipher (`sqlcipher3`) and SQLite3
Multiple Ciphers (`apsw-sqlite3mc`), on the same ingest and keyword-search workload as the
memory store (WAL, synchronous=FULL, FTS5 with bm25, rows fetched by id), then Reverie itself
(ingest of a chat export and `search`) on a plaintext and on an encrypted store.

    nice -n 10 .venv/bin/python -m bench.encryption [--rows 5000] [--queries 300]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

KEY = bytes(range(32)).hex()
WORDS = (
    "ana",
    "lisbon",
    "sister",
    "moved",
    "flight",
    "tuesday",
    "recipe",
    "lentil",
    "dal",
    "manager",
    "meeting",
    "garden",
    "bike",
    "dentist",
    "birthday",
    "paris",
    "concert",
    "python",
    "project",
    "deadline",
    "coffee",
    "train",
    "weekend",
    "hiking",
    "doctor",
    "rent",
    "landlord",
    "piano",
    "lesson",
    "cat",
    "vet",
    "marathon",
    "report",
    "budget",
    "wedding",
    "museum",
    "painting",
    "kitchen",
    "tiles",
    "holiday",
    "beach",
    "novel",
    "chapter",
    "interview",
    "offer",
    "salary",
    "mortgage",
)


def texts(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30))) for _ in range(count)]


def _plain(path: Path) -> Any:
    import sqlite3

    return sqlite3.connect(str(path))


def _sqlcipher(path: Path) -> Any:
    import sqlcipher3

    conn = sqlcipher3.connect(str(path))
    conn.execute(f"PRAGMA key = \"x'{KEY}'\"")
    return conn


def _sqlite3mc(path: Path) -> Any:
    import apsw

    conn = apsw.Connection(str(path))
    conn.execute(f"PRAGMA hexkey = '{KEY}'")  # sqlite3mc's default cipher: ChaCha20-Poly1305
    return conn


ENGINES: dict[str, Callable[[Path], Any]] = {
    "sqlite (plain)": _plain,
    "sqlcipher3": _sqlcipher,
    "apsw-sqlite3mc": _sqlite3mc,
}


def _run(conn: Any, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    return list(conn.execute(sql, params))


def engine_workload(
    name: str, folder: Path, rows: list[str], queries: list[str]
) -> dict[str, float]:
    path = folder / f"{name.split()[0]}.db"
    conn = ENGINES[name](path)
    _run(conn, "PRAGMA journal_mode = WAL")
    _run(conn, "PRAGMA synchronous = FULL")
    _run(conn, "CREATE TABLE memories (id INTEGER PRIMARY KEY, text TEXT, retention REAL)")
    _run(conn, "CREATE VIRTUAL TABLE memories_fts USING fts5(text, content='memories', "
               "content_rowid='id')")  # fmt: skip
    start = time.perf_counter()
    for first in range(0, len(rows), 100):  # one transaction per import batch, as ingest does
        _run(conn, "BEGIN")
        for offset, text in enumerate(rows[first : first + 100]):
            rowid = first + offset + 1
            _run(conn, "INSERT INTO memories VALUES (?, ?, 1.0)", (rowid, text))
            _run(conn, "INSERT INTO memories_fts (rowid, text) VALUES (?, ?)", (rowid, text))
        _run(conn, "COMMIT")
    ingest = time.perf_counter() - start
    timings = []
    for query in queries:
        began = time.perf_counter()
        ids = [
            r[0]
            for r in _run(
                conn,
                "SELECT rowid FROM memories_fts WHERE memories_fts MATCH ? "
                "ORDER BY bm25(memories_fts) LIMIT 50",
                (query,),
            )
        ]
        marks = ",".join("?" * len(ids)) or "NULL"
        _run(conn, f"SELECT id, text FROM memories WHERE id IN ({marks})", tuple(ids))
        timings.append(time.perf_counter() - began)
    conn.close()
    began = time.perf_counter()
    again = ENGINES[name](path)
    _run(again, "SELECT count(*) FROM memories")
    reopen = time.perf_counter() - began
    again.close()
    return {
        "ingest_rows_per_s": len(rows) / ingest,
        "search_p50_ms": 1000 * statistics.median(timings),
        "search_p95_ms": 1000 * statistics.quantiles(timings, n=20)[18],
        "open_ms": 1000 * reopen,
        "file_mb": path.stat().st_size / 1e6,
    }


def reverie_workload(folder: Path, encrypted: bool, chat: Path) -> dict[str, float]:
    """Ingest a chat export into a fresh data folder and time `search`, through Reverie."""
    from app.runtime import Reverie
    from app.services.ingest import ingest_file
    from app.services.recall import RecallOptions, search

    home = folder / ("encrypted" if encrypted else "plain")
    home.mkdir()
    if not encrypted:
        from app.home import DB_NAME
        from app.storage.sqlite_store import SqliteMemoryStore

        SqliteMemoryStore(home / DB_NAME).close()  # a plaintext store, as from before encryption
    with Reverie(home, passphrase="bench passphrase") as reverie:
        began = time.perf_counter()
        report = ingest_file(
            reverie.store, reverie.index, chat, fmt="auto", now=reverie.now(),
            params=reverie.params,
        )  # fmt: skip
        ingest = time.perf_counter() - began
        questions = [m.text.split(":", 1)[-1][:60] for m in reverie.store.list_memories(limit=60)]
        search(reverie.store, reverie.index, "warm up", now=reverie.now(), params=reverie.params)
        timings = []
        for question in questions:
            began = time.perf_counter()
            search(reverie.store, reverie.index, question, now=reverie.now(),
                   params=reverie.params, options=RecallOptions(k=10))  # fmt: skip
            timings.append(time.perf_counter() - began)
    return {
        "memories": report.memories,
        "ingest_s": ingest,
        "ingest_memories_per_s": report.memories / ingest,
        "search_p50_ms": 1000 * statistics.median(timings),
        "search_p95_ms": 1000 * statistics.quantiles(timings, n=20)[18],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--chat", type=Path, default=None, help="chat export for the Reverie run")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows = texts(args.rows)
    rng = random.Random(11)
    queries = [" OR ".join(rng.sample(WORDS, 3)) for _ in range(args.queries)]
    results: dict[str, Any] = {}
    for repeat in range(args.repeats):
        for name in ENGINES:
            with tempfile.TemporaryDirectory() as folder:
                got = engine_workload(name, Path(folder), rows, queries)
            results.setdefault(name, []).append(got)
            print(repeat, name, {k: round(v, 2) for k, v in got.items()}, flush=True)
    summary = {
        name: {k: round(statistics.median(r[k] for r in runs), 2) for k in runs[0]}
        for name, runs in results.items()
    }
    chat = args.chat or Path(__file__).resolve().parent / "scenarios" / "maya.jsonl"
    if chat.exists():
        runs: dict[str, list[dict[str, float]]] = {}
        for _ in range(args.repeats):
            for encrypted in (False, True):
                with tempfile.TemporaryDirectory() as folder:
                    got = reverie_workload(Path(folder), encrypted, chat)
                # "plain": the same driver without a key, as a store from before encryption.
                label = "reverie encrypted" if encrypted else "reverie plain"
                print(label, {k: round(v, 2) for k, v in got.items()}, flush=True)
                runs.setdefault(label, []).append(got)
        for label, measured in runs.items():
            summary[label] = {
                k: round(statistics.median(r[k] for r in measured), 2) for k in measured[0]
            }
    print(json.dumps(summary, indent=2))
    out = Path(__file__).resolve().parent / "results" / "encryption.json"
    out.write_text(json.dumps({"rows": args.rows, "cpu_count": os.cpu_count(), **summary},
                              indent=2) + "\n")  # fmt: skip


if __name__ == "__main__":
    main()
