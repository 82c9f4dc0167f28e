"""Screen capture from the window: it runs off the GUI thread, and the controls (capture now,
pause, forget) act on it. Real X server, real OCR, offscreen Qt for Reverie's own window."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QIcon
from pytestqt.qtbot import QtBot

from app.runtime import Reverie
from app.settings import Settings
from tests.ui.conftest import settle
from tests.xserver import Shown
from ui.launch import ICON
from ui.main_window import MainWindow


@pytest.fixture
def capturing(qtbot: QtBot, reverie: Reverie, display: str) -> Iterator[MainWindow]:
    reverie.apply_settings(Settings(capture_enabled=True, welcomed=True))
    window = MainWindow(reverie, tray=False, icon=QIcon(str(ICON)), start_scheduler=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.controls.capture is not None, timeout=10_000)
    settle(qtbot, window)
    yield window
    window.shutdown()


def frames(window: MainWindow) -> int:
    return int(window.reverie.store.conn.execute("SELECT count(*) FROM frames").fetchone()[0])


def test_capture_now_pause_and_forget_from_the_window(
    qtbot: QtBot,
    capturing: MainWindow,
    show: Shown,
) -> None:
    show("libreoffice", "Q3 report.odt - LibreOffice Writer", 0, 0, 900, 500,
         "Quarterly report draft: revenue grew twelve percent.")  # fmt: skip
    controls = capturing.controls
    assert controls.capture_action.isEnabled() and controls.status() == "capturing"
    with qtbot.waitSignal(capturing.capture.cycle, timeout=30_000,
                          check_params_cb=lambda outcome: bool(outcome.kept)):  # fmt: skip
        controls.capture_action.trigger()
    settle(qtbot, capturing)
    assert frames(capturing) >= 1
    assert "Today:" in capturing.settings.capture_figures.text()
    controls.pause_action.trigger()
    assert (
        controls.status() == "capture paused" and controls.pause_action.text() == "Resume capture"
    )
    assert capturing.status_label.text() == "capture paused"  # the status bar names each job
    controls.pause_action.trigger()
    assert controls.status() == "capturing"
    capturing.settings.forget_minutes.setValue(5)
    capturing.settings.forget_button.click()
    settle(qtbot, capturing)
    assert frames(capturing) == 0
    assert "Forgot the last 5 minutes" in capturing.statusBar().currentMessage()


def test_without_a_keyring_the_app_asks_for_a_thumbnail_passphrase(
    qtbot: QtBot,
    reverie: Reverie,
    display: str,
    show: Shown,
) -> None:
    from app.capture import keys

    assert not keys.keyring_available()  # as on this machine and in CI: no Secret Service
    reverie.apply_settings(Settings(capture_enabled=True, capture_thumbnails=True, welcomed=True))
    asked: list[str] = []

    class Window(MainWindow):
        def ask_passphrase(self) -> str | None:
            asked.append("passphrase")
            return "a long passphrase"

    window = Window(reverie, tray=False, icon=QIcon(str(ICON)), start_scheduler=False)
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: window.controls.capture is not None, timeout=10_000)
        assert asked == ["passphrase"] and window.capture.agent.key is not None
        assert "derived from your passphrase" in window.settings.capture_figures.text()
    finally:
        window.shutdown()
