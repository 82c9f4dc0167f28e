"""Settings' Backups box: the choices are saved and used by the scheduler's backup job, and the
last backup's time and outcome (or why none was written) show there."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.services.vault_backup import backups
from app.settings import Settings
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def own_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return config


def test_backup_choices_are_saved_and_the_outcome_shows(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    box = window.settings.backups
    assert not box.folder.isEnabled()  # off: nothing to fill in yet
    box.enabled.setChecked(True)
    assert box.folder.isEnabled()
    folder = tmp_path / "backups"
    box.folder.setText(str(folder))
    box.every.setCurrentIndex(box.every.findData("weekly"))
    box.keep.setValue(3)
    with qtbot.waitSignal(window.settings.saved, timeout=10_000):
        window.settings.save_button.click()
    stored = Settings.load(window.reverie.home)
    assert (stored.backup_enabled, stored.backup_folder) == (True, str(folder))
    assert (stored.backup_every, stored.backup_keep) == ("weekly", 3)

    window.scheduler.backup_passphrase = lambda: None  # no passphrase in the keyring
    window.scheduler.run_backup()
    qtbot.waitUntil(lambda: "keyring" in box.status.text(), timeout=10_000)
    assert backups(folder) == []

    window.scheduler.backup_passphrase = lambda: "a long vault passphrase"
    window.scheduler.run_backup()
    qtbot.waitUntil(lambda: "backed up to reverie-backup-" in box.status.text(), timeout=10_000)
    assert len(backups(folder)) == 1

    box.show_status(None)
    assert "backed up" not in box.status.text()
    window.settings.load()  # reopened: the status is read back from the data folder
    qtbot.waitUntil(lambda: "backed up to" in box.status.text(), timeout=10_000)
