"""Whole-store snapshots: a consistent copy of the memory store taken while it stays in use, and
putting one back in a single transaction. Used before a vault replaces the store (and meant
for use before risky migrations too)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.core.errors import EnvironmentProblem, NotFoundError
from app.storage.sqlite_store import SqliteMemoryStore

SNAPSHOTS_DIR = "snapshots"
SUFFIX = ".sqlite3"
BUSY, LOCKED = 5, 6  # SQLite result codes
BUSY_TIMEOUT_S = 30


@dataclass(frozen=True)
class Snapshot:
    path: Path
    reason: str
    taken_at: str  # as in the file name, UTC


def open_like(store: SqliteMemoryStore, path: Path) -> SqliteMemoryStore:
    """Another store file (a snapshot, a store being built) opened as `store` is: with its
    at-rest key when it has one."""
    key = getattr(store, "key", None)
    if key is None:
        return SqliteMemoryStore(path)
    return SqliteMemoryStore(path, key)  # type: ignore[call-arg,unused-ignore]


def take_snapshot(store: SqliteMemoryStore, folder: Path, now: datetime, reason: str) -> Snapshot:
    """Copy the store to `folder` (VACUUM INTO: one read transaction, so the copy is
    consistent while others keep writing), check the copy opens clean, and name it after
    the time and reason."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    slug = "".join(c if c.isalnum() else "-" for c in reason)[:40]
    final = folder / f"memory-{stamp}-{slug}{SUFFIX}"
    partial = final.with_name(final.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with store.transaction():
            pass  # wait for any writer of ours to finish
        store.conn.execute("VACUUM INTO ?", (str(partial),))
        copy = open_like(store, partial)
        try:
            problems = copy.integrity_problems()
        finally:
            if copy.conn.in_transaction:
                copy.conn.rollback()
            copy.close()
        if problems:
            raise EnvironmentProblem(f"the snapshot of the store is not sound: {problems[0]}")
        os.replace(partial, final)
    except BaseException:
        partial.unlink(missing_ok=True)
        _remove_sidecars(partial)
        raise
    _remove_sidecars(partial)
    return Snapshot(final, reason, stamp)


def list_snapshots(folder: Path) -> list[Snapshot]:
    """Snapshots in `folder`, newest first."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"memory-*{SUFFIX}"):
        parts = path.name.removesuffix(SUFFIX).split("-", 2)
        if len(parts) == 3:
            found.append(Snapshot(path, parts[2], parts[1]))
    return sorted(found, key=lambda s: s.taken_at, reverse=True)


def restore_into(store: SqliteMemoryStore, snapshot: Path) -> None:
    """Make `store` hold exactly what `snapshot` holds, in one write transaction on the live
    file (SQLite's backup API), so open connections stay valid and a crash leaves either
    the old or the new contents, never a mix."""
    if not snapshot.is_file():
        raise NotFoundError(f"there is no snapshot at {snapshot}")
    source = open_like(store, snapshot)
    try:
        problems = source.integrity_problems()
        if source.conn.in_transaction:  # the FTS check writes, which opens a transaction
            source.conn.rollback()
        if problems:
            raise EnvironmentProblem(f"the snapshot {snapshot} is not sound: {problems[0]}")
        with store.transaction():
            pass  # wait for any writer of ours to finish
        started = time.monotonic()

        def give_up_when_busy(status: int, remaining: int, total: int) -> None:
            # Python retries a busy destination forever; another program holding the store
            # (the app, during a command-line restore) must get an answer instead.
            if status in (BUSY, LOCKED) and time.monotonic() - started > BUSY_TIMEOUT_S:
                raise EnvironmentProblem(
                    "the memory store is in use by another program; close Reverie there and "
                    "try again (nothing was changed)"
                )

        with store._lock:  # the store's own writer lock, held across the copy
            source.conn.backup(store.conn, progress=give_up_when_busy)
    finally:
        source.close()
        _remove_sidecars(snapshot)


def _remove_sidecars(path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
