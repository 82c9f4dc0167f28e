"""`reverie encrypt`: turn a memory store from before encryption into an encrypted one.

The steps are ordered so that a crash at any point leaves a store that opens: the encrypted
copy is written beside the old file and checked (integrity, every table's row count, schema
version) before one rename puts it in place; only then is the old plaintext overwritten and
removed. The derived files that held text or word pieces in the clear (Chroma's folder from
before ids-only indexing, the token-vector file) are removed the same way and rebuilt.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.errors import EnvironmentProblem, InputError
from app.home import DB_NAME, TOKENS_DB, VECTORS_DIR
from app.storage import sqlcipher
from app.storage.snapshots import SNAPSHOTS_DIR
from app.store_key import StoreKey, is_plaintext

LEFTOVER = ".plaintext"  # the old file's second name while it is being replaced
STAGING = ".encrypting"
APP_LOCK = "app.lock"  # held by the desktop app while it runs (ui/launch.py)


@dataclass(frozen=True)
class EncryptReport:
    path: Path
    method: str  # "keyring" or "passphrase"
    rows: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "method": self.method, "rows": self.rows,
                "seconds": round(self.seconds, 2)}  # fmt: skip


@contextmanager
def exclusive(home: Path) -> Iterator[None]:
    """Hold the data folder's app lock: the store must not be swapped under a running app."""
    handle = (home / APP_LOCK).open("a")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InputError(
                f"the Reverie app is running on {home}: quit it first (the store cannot be "
                "replaced while it is open)"
            ) from None
        yield
    finally:
        handle.close()


def table_counts(conn: Any) -> dict[str, int]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'")]  # fmt: skip
    return {n: int(conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]) for n in names}


def _checked(conn: Any, what: str) -> tuple[dict[str, int], int]:
    result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise EnvironmentProblem(f"{what} fails SQLite's integrity check ({result}); "
                                 "run `reverie doctor --repair` first")  # fmt: skip
    return table_counts(conn), int(conn.execute("PRAGMA user_version").fetchone()[0])


def encrypt_store(home: Path, passphrase: str | None) -> EncryptReport:
    db = home / DB_NAME
    if not db.exists():
        raise InputError(f"there is no memory store in {home} to encrypt")
    if not is_plaintext(db):
        remove_plaintext_leftovers(home)  # a run that stopped after the swap
        raise InputError(f"the memory store in {home} is already encrypted")
    started = time.perf_counter()
    with exclusive(home):
        source = sqlcipher.connect(db, None)
        try:
            before = _checked(source, str(db))
            # Fold the WAL into the file so that the file alone is the whole store.
            source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            source.close()
        keeper = StoreKey(home, passphrase)
        key = keeper.load()  # creates the key (keyring, else passphrase), or reuses one
        staging = db.with_name(db.name + STAGING)
        sqlcipher.export_encrypted(db, staging, key)
        copy = sqlcipher.connect(staging, key)
        try:
            after = _checked(copy, "the encrypted copy")
        finally:
            copy.close()
        if after != before:
            staging.unlink()
            raise EnvironmentProblem(
                "the encrypted copy does not match the store (rows per table or schema "
                "version differ); the store was left as it was"
            )
        old = db.with_name(db.name + LEFTOVER)
        _discard(old, db)
        os.link(db, old)  # keeps the old inode reachable, to overwrite it after the swap
        os.replace(staging, db)
        _sync_folder(home)
        remove_plaintext_leftovers(home)
        _encrypt_snapshots(home, key)
        _remove_derived(home)
    return EncryptReport(db, keeper.method, sum(before[0].values()),
                         time.perf_counter() - started)  # fmt: skip


def remove_plaintext_leftovers(home: Path) -> list[Path]:
    """Overwrite and remove what an interrupted `encrypt` left in the clear."""
    db = home / DB_NAME
    removed = []
    for leftover in (db.with_name(db.name + LEFTOVER), db.with_name(db.name + STAGING)):
        if leftover.exists():
            _discard(leftover, db)
            removed.append(leftover)
    return removed


def _discard(path: Path, db: Path) -> None:
    if not path.exists():
        return
    if db.exists() and os.path.samefile(path, db):
        path.unlink()  # another name of the live store: removing the name is enough
    else:
        sqlcipher.shred(path)


def _encrypt_snapshots(home: Path, key: bytes) -> None:
    """Snapshots of the plaintext store are plaintext too: each becomes an encrypted copy."""
    for path in sorted((home / SNAPSHOTS_DIR).glob("*")):
        if path.is_file() and is_plaintext(path):
            staging = path.with_name(path.name + STAGING)
            sqlcipher.export_encrypted(path, staging, key)
            os.link(path, path.with_name(path.name + LEFTOVER))
            os.replace(staging, path)
            sqlcipher.shred(path.with_name(path.name + LEFTOVER))


def _remove_derived(home: Path) -> None:
    """Chroma's folder and the token-vector file from before held text or word pieces in the
    clear: overwrite them and let reindex build them again (ids and vectors only, encrypted
    token vectors)."""
    tokens = home / TOKENS_DB
    for path in (tokens, *(tokens.with_name(tokens.name + s) for s in ("-wal", "-shm"))):
        if path.exists():
            sqlcipher.shred(path)
    vectors = home / VECTORS_DIR
    if vectors.is_dir():
        for path in sorted(vectors.rglob("*")):
            if path.is_file() and not path.is_symlink():
                sqlcipher.shred(path)
        shutil.rmtree(vectors)


def _sync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
