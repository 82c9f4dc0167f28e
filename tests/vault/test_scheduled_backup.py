"""The scheduler's backup job: with backups on in Settings it writes a vault when one is due and
not otherwise, keeps only the chosen number, and reports a failure (no passphrase, a folder
that cannot be written) as its result and in Settings' status instead of raising."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from app.core.errors import InputError
from app.scheduler.jobs import JobResult, MaintenanceScheduler
from app.services.vault import import_vault
from app.services.vault_backup import backups, last_status
from app.settings import Settings
from tests.helpers import NOW
from tests.vault.conftest import PASSPHRASE, copy_home, open_home


def _run(home: Path, embedder: Any, day: float, secret: str | None = PASSPHRASE) -> Any:
    """One tick of the backup job on `day` days after NOW, as the app's scheduler runs it."""
    results: list[JobResult] = []
    with open_home(home, embedder, NOW + timedelta(days=day)) as reverie:
        scheduler = MaintenanceScheduler(reverie, results.append,
                                         backup_passphrase=lambda: secret)  # fmt: skip
        try:
            returned = scheduler.run_backup()
        finally:
            scheduler.stop()
    assert (returned is None) == (results == [])
    return returned


def _turn_on(home: Path, embedder: Any, folder: Path, every: str = "daily", keep: int = 2) -> None:
    with open_home(home, embedder) as reverie:
        reverie.apply_settings(replace(reverie.settings, backup_enabled=True,
                                       backup_folder=str(folder), backup_every=every,
                                       backup_keep=keep))  # fmt: skip


@pytest.fixture
def home(rich_home: Path, tmp_path: Path) -> Path:
    return copy_home(rich_home, tmp_path / "home")


def test_writes_when_due_and_keeps_only_n(home: Path, tmp_path: Path, embedder: Any) -> None:
    folder = tmp_path / "backups"
    assert _run(home, embedder, 0) is None  # off by default: nothing written
    assert not folder.exists()
    _turn_on(home, embedder, folder, "daily", keep=2)
    outcomes = [_run(home, embedder, day) for day in (0, 0.5, 1, 2.5, 3)]
    written = [o is not None for o in outcomes]
    assert written == [True, False, True, True, False]  # day 0.5 and 3: the newest is recent
    assert all(o.summary["ok"] for o in outcomes if o is not None)
    kept = backups(folder)
    assert [str(p) for p in kept] == [outcomes[2].summary["path"], outcomes[3].summary["path"]]
    status = last_status(home)
    assert status is not None and status.ok and status.path == str(kept[-1])
    with open_home(tmp_path / "restored", embedder) as reverie:
        assert import_vault(reverie, kept[-1], PASSPHRASE).counts["memory"]["added"] > 10


def test_weekly_waits_a_week(home: Path, tmp_path: Path, embedder: Any) -> None:
    folder = tmp_path / "weekly"
    _turn_on(home, embedder, folder, "weekly", keep=5)
    written = [_run(home, embedder, day) is not None for day in (0, 3, 6.9, 7)]
    assert written == [True, False, False, True]
    assert len(backups(folder)) == 2


def test_a_folder_that_cannot_be_written_is_reported(
    home: Path, tmp_path: Path, embedder: Any
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    folder = blocker / "backups"  # cannot be created, even by root
    _turn_on(home, embedder, folder)
    result = _run(home, embedder, 0)
    assert result is not None and result.summary["ok"] is False
    assert str(folder) in result.summary["message"] and "failed" in result.summary["message"]
    status = last_status(home)
    assert status is not None and not status.ok and status.message == result.summary["message"]
    assert blocker.read_text() == "not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_reported(home: Path, tmp_path: Path, embedder: Any) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        _turn_on(home, embedder, folder)
        result = _run(home, embedder, 0)
    finally:
        folder.chmod(0o755)
    assert result is not None and result.summary["ok"] is False
    assert list(folder.iterdir()) == []


def test_no_passphrase_is_a_clear_status(home: Path, tmp_path: Path, embedder: Any) -> None:
    folder = tmp_path / "backups"
    _turn_on(home, embedder, folder)
    result = _run(home, embedder, 0, secret=None)
    assert result is not None and result.summary["ok"] is False
    assert "passphrase" in result.summary["message"]
    assert not folder.exists() or backups(folder) == []
    status = last_status(home)
    assert status is not None and "keyring" in status.message


def test_settings_refuse_backups_without_a_folder_or_period() -> None:
    with pytest.raises(InputError, match="folder"):
        Settings(backup_enabled=True)
    with pytest.raises(InputError, match="daily"):
        Settings(backup_every="hourly")
    with pytest.raises(InputError, match="backup_keep"):
        Settings(backup_keep=0)
