"""`reverie doctor --repair`: bring back a memory store that SQLite can no longer read whole.

Two ways back, and the one that keeps more memories wins: the newest sound snapshot (taken
before schema upgrades and vault imports), or a salvage that copies every row SQLite can still
read from the damaged file into a fresh store, skipping unreadable stretches. The damaged file
is never deleted: it is moved to `damaged/` for a later, more careful recovery. The vector
index is rebuilt afterwards (the caller runs reindex).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from app.core.errors import EnvironmentProblem
from app.home import DB_NAME
from app.services.store_encryption import exclusive
from app.storage import sqlcipher
from app.storage.schema import migrate
from app.storage.snapshots import SNAPSHOTS_DIR, list_snapshots

DAMAGED_DIR = "damaged"
CHUNK = 500  # rows read at a time; an unreadable chunk is retried row by row


@dataclass
class RepairReport:
    needed: bool
    method: str = ""  # "snapshot", "salvage" or "" when nothing was needed
    memories: int = 0
    kept_at: Path | None = None  # where the damaged file was moved
    snapshot: Path | None = None
    skipped_rows: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # what the damaged file showed

    def to_dict(self) -> dict[str, Any]:
        return {
            "needed": self.needed,
            "method": self.method,
            "memories": self.memories,
            "damaged_copy": str(self.kept_at) if self.kept_at else None,
            "snapshot": str(self.snapshot) if self.snapshot else None,
            "skipped_rows": self.skipped_rows,
            "problems": self.problems,
        }


def store_problems(db: Path, key: bytes | None) -> list[str]:
    """Why the store cannot be used as it is (empty when it is sound)."""
    try:
        conn = sqlcipher.connect(db, key)
    except sqlcipher.Error as error:
        return [f"cannot be read: {error}"]
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        problems = [str(r[0]) for r in rows if r[0] != "ok"]
        if not problems:
            conn.execute("INSERT INTO memories_fts(memories_fts) VALUES ('integrity-check')")
        return problems[:5]
    except sqlcipher.Error as error:
        return [str(error)]
    finally:
        conn.close()


def repair_store(home: Path, key: bytes | None, now: datetime) -> RepairReport:
    db = home / DB_NAME
    if not db.exists():
        raise EnvironmentProblem(f"there is no memory store in {home} to repair")
    with exclusive(home):
        problems = store_problems(db, key)
        if not problems:
            return RepairReport(needed=False)
        report = RepairReport(needed=True, problems=problems)
        stamp = now.strftime("%Y%m%dT%H%M%SZ")
        salvaged = db.with_name(db.name + ".salvage")
        for leftover in (salvaged, *_sidecars(salvaged)):
            leftover.unlink(missing_ok=True)
        salvaged_memories = _salvage(db, salvaged, key, report)
        snapshot, snapshot_memories = _best_snapshot(home, key)
        # Move the damaged file (and its WAL, which belongs to it) out of the way, kept.
        kept = home / DAMAGED_DIR / f"memory-{stamp}.sqlite3"
        kept.parent.mkdir(exist_ok=True)
        for source, target in zip((db, *_sidecars(db)), (kept, *_sidecars(kept)), strict=True):
            if source.exists():
                os.replace(source, target)
        report.kept_at = kept
        if snapshot is not None and snapshot_memories > salvaged_memories:
            shutil.copyfile(snapshot, salvaged.with_name(salvaged.name + ".copy"))
            os.replace(salvaged.with_name(salvaged.name + ".copy"), db)
            for leftover in (salvaged, *_sidecars(salvaged)):
                leftover.unlink(missing_ok=True)
            report.method, report.memories, report.snapshot = (
                "snapshot",
                snapshot_memories,
                snapshot,
            )
        else:
            os.replace(salvaged, db)
            report.method, report.memories = "salvage", salvaged_memories
        _fsync_folder(home)
        return report


def _sidecars(path: Path) -> tuple[Path, Path]:
    return Path(str(path) + "-wal"), Path(str(path) + "-shm")


def _fsync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _best_snapshot(home: Path, key: bytes | None) -> tuple[Path | None, int]:
    for snapshot in list_snapshots(home / SNAPSHOTS_DIR):  # newest first
        if store_problems(snapshot.path, key):
            continue
        conn = sqlcipher.connect(snapshot.path, key)
        try:
            return snapshot.path, _sound_memories(conn)
        finally:
            conn.close()
    return None, -1


def _salvage(db: Path, target: Path, key: bytes | None, report: RepairReport) -> int:
    """Copy what is readable into a fresh store with the current schema; the keyword index is
    refilled by its triggers. Returns the memories saved (-1 when nothing could be read)."""
    try:
        old = sqlcipher.connect(db, key)
    except sqlcipher.Error:
        return -1  # not even the schema page reads: only a snapshot can help
    new = sqlcipher.connect(target, key)
    try:
        new.execute("PRAGMA journal_mode = WAL")
        migrate(new)
        new.execute("PRAGMA foreign_keys = OFF")  # rows may arrive before what they point at
        try:
            tables = [r[0] for r in old.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name NOT LIKE '%fts%'")]  # fmt: skip
        except sqlcipher.Error:
            return -1
        wanted = {r[0] for r in new.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for table in tables:
            if table in wanted:
                skipped = _copy_table(old, new, table)
                if skipped:
                    report.skipped_rows[table] = skipped
        new.commit()
        return _sound_memories(new)
    finally:
        old.close()
        new.close()


def _sound_memories(conn: Any) -> int:
    """Memories that kept their provenance: what a way back is judged by."""
    return int(conn.execute(
        "SELECT count(*) FROM memories m WHERE EXISTS"
        " (SELECT 1 FROM memory_evidence e WHERE e.memory_id = m.id)").fetchone()[0])  # fmt: skip


def _columns(conn: Any, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def _copy_table(old: Any, new: Any, table: str) -> int:
    """Copy rows in rowid order. A chunk that fails to read is read again one rowid at a time,
    and the rowids that still fail are skipped and counted."""
    try:
        columns = [c for c in _columns(old, table) if c in set(_columns(new, table))]
    except sqlcipher.Error:
        return 0
    names = ", ".join(f'"{c}"' for c in columns)
    insert = f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'
    try:
        old.execute(f'SELECT rowid FROM "{table}" LIMIT 0')
    except sqlcipher.OperationalError:  # WITHOUT ROWID: by primary key, from both ends
        return _copy_by_key(old, new, table, names, insert)
    chunk = f'SELECT rowid, {names} FROM "{table}" WHERE rowid > ? ORDER BY rowid LIMIT ?'
    one = f'SELECT rowid, {names} FROM "{table}" WHERE rowid = ?'
    try:  # the largest rowid, from the b-tree's right edge; unknown when that is damaged
        top = old.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0]
    except sqlcipher.Error:
        top = None
    last, skipped, blind = 0, 0, 0
    while True:
        try:
            rows = old.execute(chunk, (last, CHUNK)).fetchall()
        except sqlcipher.Error:
            rows = None
        if rows is None:
            found = 0
            for rowid in range(last + 1, last + CHUNK + 1):
                try:
                    row = old.execute(one, (rowid,)).fetchone()
                except sqlcipher.Error:
                    skipped += top is None or rowid <= top
                    continue
                if row is not None:
                    found += 1
                    _insert(new, insert, row)
            last += CHUNK
            blind = 0 if found else blind + 1
            if (top is not None and last >= top) or (top is None and blind > 20):
                break
            continue
        if not rows:
            break
        for row in rows:
            skipped += _insert(new, insert, row)
        last = rows[-1][0]
    return skipped


def _copy_by_key(old: Any, new: Any, table: str, names: str, insert: str) -> int:
    """Read forward until the damage, then backward from the end until the damage."""
    key = [r[1] for r in sorted(old.execute(f'PRAGMA table_info("{table}")'), key=lambda r: r[5])
           if r[5]]  # fmt: skip
    order = ", ".join(f'"{k}"' for k in key) or "1"
    failed = 0
    for direction in ("ASC", "DESC"):
        try:  # the first step already reads pages: a damaged one fails here too
            cursor = old.execute(f'SELECT 0, {names} FROM "{table}" ORDER BY {order} {direction}')
            for row in cursor:
                _insert(new, insert, row)
        except sqlcipher.Error:
            failed += 1
            continue
        break  # the whole table read in one direction: nothing was lost
    return failed


def _insert(new: Any, insert: str, row: Any) -> int:
    try:
        new.execute(insert, tuple(row[1:]))
        return 0
    except sqlcipher.Error:
        return 1
