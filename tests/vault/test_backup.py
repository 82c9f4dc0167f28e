"""Backups into a folder: written when due, skipped when the newest is recent, the oldest
removed beyond the number to keep (and nothing else in the folder touched)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from app.services.vault import import_vault
from app.services.vault_backup import backup, backups
from app.vault.header import CHEAP_KDF
from tests.helpers import NOW
from tests.vault.conftest import PASSPHRASE, open_home


def test_backups_rotate(rich_home: Path, tmp_path: Path, embedder: Any) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    written = []
    for day in (0, 1, 3, 6, 9):
        with open_home(rich_home, embedder, NOW + timedelta(days=day)) as reverie:
            report = backup(reverie, folder, PASSPHRASE, every_days=2, keep=2, kdf=CHEAP_KDF)
            written.append(report is not None)
    assert written == [True, False, True, True, True]  # day 1: the last is a day old
    kept = backups(folder)
    assert [p.name[15:23] for p in kept] == ["20260526", "20260529"]  # days 6 and 9
    assert (folder / "notes.txt").read_text() == "mine"
    with open_home(tmp_path / "restored", embedder) as reverie:
        assert import_vault(reverie, kept[-1], PASSPHRASE).counts["memory"]["added"] > 10
