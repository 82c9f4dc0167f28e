"""Before a store is upgraded to a newer schema, a snapshot of it is taken (the last few kept),
so `doctor --repair` has a way back if the upgrade goes wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.home import DB_NAME
from app.runtime import Reverie
from app.storage import sqlcipher
from app.storage.schema import MIGRATIONS, SCHEMA_VERSION, _split
from app.storage.snapshots import SNAPSHOTS_DIR, list_snapshots
from app.store_key import StoreKey, passphrase_from_env
from tests.helpers import NOW


def older_store(home: Path, version: int) -> None:
    """An encrypted store as an older Reverie left it: schema `version`, one message."""
    home.mkdir(parents=True, exist_ok=True)
    key = StoreKey(home, passphrase_from_env()).load()
    conn = sqlcipher.connect(home / DB_NAME, key)
    for number in range(version):
        for statement in _split(MIGRATIONS[number]):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("INSERT INTO imports (path, format, sha256, imported_at, messages, added)"
                 " VALUES ('old.jsonl', 'jsonl', 'x', '2025-01-01', 1, 1)")  # fmt: skip
    conn.commit()
    conn.close()


def test_an_upgrade_is_preceded_by_a_snapshot_and_three_are_kept(
    tmp_path: Path, embedder: Any
) -> None:
    home = tmp_path / "home"
    for round_number in range(4):
        (home / DB_NAME).unlink(missing_ok=True)
        older_store(home, SCHEMA_VERSION - 1)
        clock = NOW.replace(minute=round_number)
        with Reverie(home, clock=lambda at=clock: at, embedder=embedder) as reverie:
            assert reverie.store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    snapshots = list_snapshots(home / SNAPSHOTS_DIR)
    assert len(snapshots) == 3  # the oldest was let go
    assert all(s.reason == f"before-schema-{SCHEMA_VERSION}" for s in snapshots)
    key = StoreKey(home, passphrase_from_env()).load()
    copy = sqlcipher.connect(snapshots[0].path, key)  # encrypted with the store's key
    try:
        assert copy.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION - 1
        assert copy.execute("SELECT path FROM imports").fetchone()[0] == "old.jsonl"
    finally:
        copy.close()
    # A store already at the current schema is opened without another snapshot.
    Reverie(home, clock=lambda: NOW, embedder=embedder).close()
    assert len(list(home.joinpath(SNAPSHOTS_DIR).iterdir())) == 3
