"""The vault from the app: File → Export with the passphrase asked twice and its strength hint,
progress on the worker, then File → Import into an empty window: a dry-run preview first
(nothing changes), then the import, after which the memories are shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from app.runtime import Reverie
from tests.helpers import NOW
from tests.ui.conftest import opened
from ui.main_window import MainWindow
from ui.vault_dialog import VaultDialog

PASSPHRASE = "four words make strong"


def memory_count(window: MainWindow) -> int:
    return int(window.reverie.store.conn.execute("SELECT count(*) FROM memories").fetchone()[0])


def test_export_then_preview_and_import_from_the_app(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    target = tmp_path / "backup.reverie-vault"
    window.export_vault_action.trigger()
    dialog = window.findChildren(VaultDialog)[-1]
    dialog.path.setText(str(target))
    dialog.passphrase.setText("short")
    assert "at least 8" in dialog.strength.text() and not dialog.go_button.isEnabled()
    dialog.passphrase.setText("password")
    assert dialog.strength.text().startswith("Weak")
    dialog.passphrase.setText(PASSPHRASE)
    dialog.again.setText(PASSPHRASE + "!")
    assert "differ" in dialog.strength.text() and not dialog.go_button.isEnabled()
    dialog.again.setText(PASSPHRASE)
    assert dialog.strength.text() == "Strong." and dialog.go_button.isEnabled()
    steps: list[tuple[int, int]] = []
    with qtbot.waitSignal(dialog.exported, timeout=120_000) as exported:
        job = dialog.start()
        assert job is not None and dialog.progress.isVisible() and dialog.cancel_button.isVisible()
        job.progressed.connect(lambda done, total, _: steps.append((done, total)))
    report = exported.args[0]
    assert target.is_file() and report.counts["memory"] == memory_count(window)
    assert f"{report.counts['memory']} memories" in dialog.status.text()
    assert steps and steps[-1][0] == steps[-1][1]
    qtbot.waitUntil(lambda: not dialog.progress.isVisible() and dialog.job is None)


def test_import_shows_a_preview_before_changing_anything(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, embedder: Any
) -> None:
    from app.services.vault import export_vault
    from app.vault.header import CHEAP_KDF

    target = tmp_path / "backup.reverie-vault"
    export_vault(window.reverie, target, PASSPHRASE, kdf=CHEAP_KDF)
    expected = memory_count(window)
    with Reverie(tmp_path / "new-laptop", clock=lambda: NOW, embedder=embedder) as other:
        empty_window = opened(qtbot, other)
        try:
            import_into(qtbot, empty_window, target, expected)
        finally:
            empty_window.shutdown()


def import_into(qtbot: QtBot, empty_window: MainWindow, target: Path, expected: int) -> None:
    dialog = empty_window.show_vault("import")
    dialog.path.setText(str(target))
    dialog.passphrase.setText("not the passphrase")
    assert not dialog.go_button.isEnabled()  # no import before a preview
    with qtbot.waitSignal(dialog.failed, timeout=60_000) as failed:
        dialog.preview()
    assert "wrong passphrase" in failed.args[0] and "wrong passphrase" in dialog.status.text()
    qtbot.waitUntil(lambda: dialog.job is None and dialog.preview_button.isEnabled())
    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.previewed, timeout=60_000):
        dialog.preview()
    assert "Dry run, nothing changed" in dialog.summary.toPlainText()
    assert any(
        line.split()[:3] == ["memory", str(expected), "to"]
        for line in dialog.summary.toPlainText().splitlines()
    )
    qtbot.waitUntil(lambda: dialog.job is None)
    assert memory_count(empty_window) == 0 and dialog.go_button.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=120_000):
        dialog.start()
    assert memory_count(empty_window) == expected
    assert "Imported." in dialog.status.text()
    qtbot.waitUntil(lambda: len(empty_window.browser.rows) > 0, timeout=60_000)


def test_cancel_leaves_no_vault(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    target = folder / "cancelled.reverie-vault"
    dialog = window.show_vault("export")
    dialog.path.setText(str(target))
    dialog.passphrase.setText(PASSPHRASE)
    dialog.again.setText(PASSPHRASE)
    job = dialog.start()
    assert job is not None
    with qtbot.waitSignal(job.cancelled, timeout=60_000):
        dialog.cancel_button.click()  # the key derivation alone takes about a second
    qtbot.waitUntil(lambda: dialog.job is None)
    assert "Cancelled" in dialog.status.text()
    assert list(folder.iterdir()) == []  # no vault, no temporary file


def test_settings_open_the_vault_dialogs(window: MainWindow) -> None:
    window.settings.export_vault.click()
    window.settings.import_vault.click()
    modes = [d.mode for d in window.findChildren(VaultDialog)]
    assert modes[-2:] == ["export", "import"]
