"""The window as a whole: first run, tray or no tray, the scheduler's refreshes, launching."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QIcon
from pytestqt.qtbot import QtBot

from app.runtime import Reverie
from app.scheduler.jobs import JobProgress
from app.storage.extraction_store import ExtractionStore
from tests.helpers import NETGUARD, ROOT
from tests.ui.conftest import settle
from ui.launch import ICON, RAISE_REQUEST
from ui.main_window import MainWindow


def test_without_a_tray_the_controls_are_in_the_window(empty_window: MainWindow) -> None:
    toolbar = empty_window.toolbar
    assert empty_window.tray is None and toolbar.isVisible()
    names = [action.text() for action in toolbar.actions()]
    for wanted in ("Ask…", "Pause capture", "Capture now", "Quit Reverie"):
        assert wanted in names
    assert all(not action.icon().isNull() for action in toolbar.actions())
    assert empty_window.status_label.text() == "idle"


@pytest.fixture
def tray_window(qtbot: QtBot, reverie: Reverie) -> Iterator[MainWindow]:
    window = MainWindow(reverie, tray=True, icon=QIcon(str(ICON)), start_scheduler=False)
    qtbot.addWidget(window)
    window.show()
    settle(qtbot, window)
    yield window
    window.shutdown()


# Offscreen Qt has no tray window to follow; it says so once.
@pytest.mark.qt_log_ignore("systemTrayWindowChanged")
def test_with_a_tray_closing_the_window_keeps_reverie_running(tray_window: MainWindow) -> None:
    assert tray_window.tray is not None and not tray_window.toolbar.isVisible()
    menu = [a.text() for a in tray_window.tray.menu.actions() if a.text()]
    assert menu[0] == "Reverie: idle"
    for wanted in ("Open Reverie", "Ask…", "Pause capture", "Capture now", "Quit Reverie"):
        assert wanted in menu
    tray_window.close()
    assert not tray_window.isVisible() and not tray_window.runner._closed
    tray_window.controls.open_action.trigger()
    assert tray_window.isVisible()


def test_the_status_follows_background_work(qtbot: QtBot, window: MainWindow) -> None:
    seen: list[str] = []
    cancellable: list[bool] = []
    window.controls.status_changed.connect(seen.append)
    window.board.changed.connect(
        lambda: cancellable.append(window.activity.cancel_button.isVisibleTo(window))
    )
    window.extract_now()  # on the scheduler's thread, as its timer does every minute
    settle(qtbot, window, timeout=180_000)
    progress = [s for s in seen if s.startswith("extracting memories ")]
    assert progress[0] == "extracting memories 0/17" and progress[-1].endswith("/17")
    assert len(progress) > 2 and any(cancellable)  # steps shown, with a Cancel while it ran
    assert seen[-1] == "idle" and not window.activity.cancel_button.isVisibleTo(window)


def test_extraction_can_be_cancelled_and_resumed_from_the_status_bar(
    qtbot: QtBot, window: MainWindow
) -> None:
    bar = window.activity
    clicked: list[bool] = []

    def click_cancel_once(progress: JobProgress) -> None:
        if progress.done and not clicked:
            clicked.append(True)
            bar.cancel_button.click()

    window.bridge.progress.connect(click_cancel_once)
    window.extract_now()
    settle(qtbot, window, timeout=180_000)
    assert window.scheduler.extraction_paused
    assert "extraction paused" in window.status_label.text()
    assert bar.resume_button.isVisibleTo(window)
    bar.resume_button.click()
    settle(qtbot, window, timeout=180_000)
    assert window.status_label.text() == "idle" and not window.scheduler.extraction_paused
    assert ExtractionStore(window.reverie.store).pending_count() == 0


def test_scheduled_jobs_refresh_the_views(qtbot: QtBot, window: MainWindow) -> None:
    window.browser.reload()
    settle(qtbot, window)
    # 20 messages, and the facts read from them
    assert len(window.browser.rows) == window.reverie.store.counts()["memories"] > 20
    reverie = window.reverie
    reverie.clock = lambda: reverie.store.get_memory(1).observed_at + timedelta(days=400)
    # The job runs on APScheduler's thread, as it does every few hours in the app.
    with qtbot.waitSignal(window.browser.loaded, timeout=30_000):
        threading.Thread(target=window.scheduler.run_decay).start()
    settle(qtbot, window)
    assert len(window.browser.rows) < 29  # faded memories left the "Active" list


def gui_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}}  # fmt: skip
    return {**env, "PYTHONPATH": f"{NETGUARD}{os.pathsep}{ROOT}", **extra}


@pytest.mark.parametrize("program", [["ui.launch"], ["app", "gui"]])
def test_without_a_display_the_app_explains_instead_of_aborting(
    tmp_path: Path, program: list[str]
) -> None:
    result = subprocess.run([sys.executable, "-m", *program, "--home", str(tmp_path)],
                            capture_output=True, text=True, env=gui_env(), timeout=60)  # fmt: skip
    assert result.returncode == 2
    assert "needs a graphical display" in result.stderr
    assert "reverie --help" in result.stderr and "xvfb-run" in result.stderr


def test_the_app_starts_and_shows_its_window(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ui.launch", "--home", str(tmp_path), "--startup-probe"],
        capture_output=True, text=True, env=gui_env(QT_QPA_PLATFORM="offscreen"), timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("window-shown")
    assert (tmp_path / "memory.sqlite3").exists()


def test_a_second_app_on_the_same_data_folder_is_refused(tmp_path: Path) -> None:
    from ui.launch import single_instance

    held = single_instance(tmp_path)
    assert held is not None
    try:
        result = subprocess.run(
            [sys.executable, "-m", "ui.launch", "--home", str(tmp_path), "--startup-probe"],
            capture_output=True, text=True, env=gui_env(QT_QPA_PLATFORM="offscreen"), timeout=120,
        )  # fmt: skip
    finally:
        held.close()
    assert result.returncode == 3 and "already running" in result.stderr
    assert "window-shown" not in result.stdout
    assert (tmp_path / RAISE_REQUEST).exists()  # the running app is asked to come forward


# Offscreen Qt has no tray window to follow; it says so once.
@pytest.mark.qt_log_ignore("systemTrayWindowChanged")
def test_a_second_launch_brings_the_running_window_forward(
    qtbot: QtBot, tray_window: MainWindow
) -> None:
    tray_window.close()  # in the tray
    assert not tray_window.isVisible()
    (tray_window.reverie.home / RAISE_REQUEST).write_text("1\n")  # as ui.launch writes it
    qtbot.waitUntil(tray_window.isVisible, timeout=10_000)
    assert not (tray_window.reverie.home / RAISE_REQUEST).exists()
