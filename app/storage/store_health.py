"""The store's health: a file that cannot be read (DamagedStore), a data folder that cannot be
written (ReadOnlyStore), what a failed write means to the user, the integrity check `doctor`
runs, and the snapshot taken before a schema upgrade."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from app.core.errors import EnvironmentProblem
from app.storage import sqlcipher
from app.storage.schema import SCHEMA_VERSION


class DamagedStore(EnvironmentProblem):
    """The store file cannot be read (damaged, or not a store): Reverie does not start on it."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        super().__init__(
            f"the memory store {path} cannot be read ({detail}): it is damaged. Reverie will "
            "not start on it. Run `reverie doctor --repair` to restore the last snapshot or "
            "salvage what is readable, then rebuild the index."
        )


UPGRADE_SNAPSHOTS_KEPT = 3


def snapshot_before_upgrade(
    path: Path, key: bytes | None, folder: Path, now: datetime
) -> Path | None:
    """Copy a store that is about to be upgraded to a newer schema into `folder` (named as
    app.storage.snapshots lists them, so `doctor --repair` can restore it), keeping the last
    few such copies. None when no upgrade is due (or there is no store yet)."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    conn = sqlcipher.connect(path, key)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if not 0 < version < SCHEMA_VERSION:
            return None
        folder.mkdir(parents=True, exist_ok=True)
        stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
        target = folder / f"memory-{stamp}-before-schema-{SCHEMA_VERSION}.sqlite3"
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        conn.execute("VACUUM INTO ?", (str(partial),))  # keeps the store's key
        os.replace(partial, target)
    finally:
        conn.close()
    earlier = sorted(folder.glob("memory-*-before-schema-*.sqlite3"), reverse=True)
    for old in earlier[UPGRADE_SNAPSHOTS_KEPT:]:
        old.unlink()
    return target


class ReadOnlyStore(EnvironmentProblem):
    """The data folder cannot be written: Reverie shows what it has and changes nothing."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            f"the data folder {path.parent} is read-only: {detail}. Reverie can show and "
            "search your memories but not change them until the folder is writable again."
        )


def open_checked(path: Path, key: bytes | None, *, read_only: bool) -> Any:
    """A connection to the store at `path` (typed as sqlcipher.connect's), or DamagedStore
    (ReadOnlyStore for a read-only store that would need a schema upgrade)."""
    # A WAL file at open means the last run did not close the store (a crash, a kill, a
    # power cut): only then is the whole file checked, which a clean start does not pay.
    unclean = Path(f"{path}-wal").exists()
    try:
        conn = sqlcipher.connect(path, key, read_only=read_only)
        if unclean and not read_only:
            verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                conn.close()
                raise DamagedStore(path, verdict)
    except sqlcipher.DatabaseError as error:
        raise DamagedStore(path, str(error)) from None
    except sqlcipher.Error as error:
        raise EnvironmentProblem(f"cannot open the memory store {path}: {error}") from None
    if read_only:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version != SCHEMA_VERSION:
            conn.close()
            raise ReadOnlyStore(path, f"it needs an upgrade (schema {version} to "
                                f"{SCHEMA_VERSION}), which cannot be written")  # fmt: skip
    return conn


def write_problem(path: Path, error: Exception) -> Exception:
    """What a failed write means to the user; the transaction was rolled back whole."""
    text = str(error).lower()
    if "full" in text:
        return EnvironmentProblem(
            f"the disk holding {path.parent} is full: the change being saved was undone "
            "whole (everything saved before it is kept). Free some space and try again."
        )
    if "readonly" in text or "read-only" in text:
        return ReadOnlyStore(path, "the change was not saved")
    return error


def integrity_problems(conn: sqlite3.Connection, *, read_only: bool) -> list[str]:
    """What is wrong inside the store, each with its fix; empty when it is sound."""
    problems: list[str] = []
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlcipher.DatabaseError as error:  # a page that does not decrypt
        result = str(error)
    if result != "ok":
        return [f"SQLite integrity check: {result} (fix: reverie doctor --repair)"]
    try:
        if not read_only:  # the check is a command written as an INSERT
            conn.execute("INSERT INTO memories_fts(memories_fts) VALUES ('integrity-check')")
    except sqlcipher.DatabaseError as error:
        problems.append(f"keyword index is out of step with the memories: {error}")
    orphans = conn.execute(
        "SELECT count(*) FROM memories m WHERE NOT EXISTS"
        " (SELECT 1 FROM memory_evidence e WHERE e.memory_id = m.id)"
    ).fetchone()[0]
    if orphans:
        problems.append(f"{orphans} memories have no evidence (provenance lost)")
    fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    if fk:
        problems.append(f"{len(fk)} rows point at missing rows (foreign keys)")
    return problems
