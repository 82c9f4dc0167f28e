"""A process killed (SIGKILL) during export leaves no vault file and an intact store; killed
during import, it leaves the store exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from app.services.vault import export_vault, import_vault
from app.vault.header import CHEAP_KDF
from tests.helpers import cli_env
from tests.vault.conftest import PASSPHRASE, copy_home, db_hash, open_home, state

KILLED = Path(__file__).with_name("killed.py")


def run_killed(action: str, home: Path, file: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(KILLED), action, str(home), str(file)],
        env=cli_env(home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr


def test_killed_during_export(rich_home: Path, tmp_path: Path, embedder: Any) -> None:
    home = copy_home(rich_home, tmp_path / "home")
    with open_home(home, embedder) as reverie:
        before = state(reverie)
    target = tmp_path / "backup.reverie-vault"
    run_killed("export", home, target)
    assert not target.exists()
    leftovers = list(tmp_path.glob(".backup.reverie-vault.*.partial"))
    assert leftovers  # the killed process could not clean up: the next export does
    with open_home(home, embedder) as reverie:
        assert reverie.store.integrity_problems() == []
        assert state(reverie) == before
        export_vault(reverie, target, PASSPHRASE, kdf=CHEAP_KDF)
    assert (
        target.exists()
        and not any(tmp_path.glob("*.partial"))
        and not any(p for p in tmp_path.iterdir() if p.name.endswith(".partial"))
    )
    assert os.path.getsize(target) > 0


def test_killed_during_import(
    rich_home: Path, rich_vault: Path, tmp_path: Path, embedder: Any
) -> None:
    home = tmp_path / "home"
    with open_home(home, embedder):
        pass
    before = db_hash(home)
    run_killed("import", home, rich_vault)
    with open_home(home, embedder) as reverie:
        assert reverie.store.integrity_problems() == []
        assert reverie.store.counts()["memories"] == 0
        reverie.store.conn.rollback()  # the integrity check's probe opened a transaction
    assert db_hash(home) == before
    with open_home(home, embedder) as reverie:  # and the vault still imports in full after
        report = import_vault(reverie, rich_vault, PASSPHRASE)
    assert report.counts["memory"]["added"] > 0
