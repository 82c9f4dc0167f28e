"""SQLite connections through SQLCipher (the `sqlcipher3` wheel: a drop-in for `sqlite3`, so
sqlite-utils wraps it unchanged). Without a key the same driver reads and writes plain SQLite
files, which is how stores from before encryption keep opening until `reverie encrypt`.

The key is raw (32 bytes, given as x'..'), so SQLCipher skips its own PBKDF2: the key already
comes from the keyring or from Argon2id.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2

Error = dbapi2.Error
DatabaseError = dbapi2.DatabaseError
OperationalError = dbapi2.OperationalError
Row = dbapi2.Row


def connect(
    path: Path | str, key: bytes | None, *, timeout: float = 30, read_only: bool = False
) -> Any:
    """A connection that has proven it can read the file (wrong key or damage: DatabaseError).
    `read_only`: for a data folder that cannot be written (a read-only mount)."""
    if read_only:
        # Without a WAL (a clean close) nothing can change the file under us: `immutable`
        # needs no -shm file, which a read-only folder could not hold. With a WAL left by a
        # crash, its committed pages must be read, so plain read-only mode.
        wal = Path(f"{path}-wal").exists()
        uri = Path(path).resolve().as_uri() + ("?mode=ro" if wal else "?immutable=1")
        conn = dbapi2.connect(uri, uri=True, check_same_thread=False, timeout=timeout)
    else:
        conn = dbapi2.connect(str(path), check_same_thread=False, timeout=timeout)
    try:
        # SQLCipher prints each page that fails its HMAC to stderr; damage is reported by us.
        conn.execute("PRAGMA cipher_log_level = NONE")
        if key is not None:
            conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        conn.close()
        raise
    return conn


def export_encrypted(source: Path, target: Path, key: bytes) -> None:
    """Copy a plaintext SQLite file into a new encrypted one (SQLCipher's sqlcipher_export),
    schema version included; `target` must not exist."""
    if target.exists():
        target.unlink()
    conn = connect(source, None)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        conn.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(target),))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute(f"PRAGMA encrypted.user_version = {version}")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()
    _fsync(target)


def _fsync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def shred(path: Path) -> None:
    """Overwrite a file with zeros, flush it to disk, then remove it. On copy-on-write or
    wear-levelled storage (btrfs, SSDs) old blocks may survive: full-disk encryption is what
    covers those; this removes what a plain reader of the disk would find."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with path.open("r+b") as handle:
        chunk = b"\x00" * (1 << 20)
        left = size
        while left > 0:
            handle.write(chunk[: min(left, len(chunk))])
            left -= len(chunk)
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()
