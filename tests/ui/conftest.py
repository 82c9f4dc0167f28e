"""Fixtures for the desktop app: the real widgets on the real engine, offscreen."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.runtime import Reverie
from app.services.ingest import ingest_file
from tests.helpers import NOW, SAMPLE
from ui.collector import MainThreadCollector
from ui.launch import ICON
from ui.main_window import MainWindow


@pytest.fixture(scope="package", autouse=True)
def collector(qapp: QApplication) -> Iterator[MainThreadCollector]:
    """Cycles are collected on the GUI thread, as the app does (ui.collector): left to run on
    an engine worker, the collector froze a run of these tests for good."""
    guard = MainThreadCollector(qapp)
    yield guard
    guard.stop()


def load_sample(reverie: Reverie, path: Path = SAMPLE) -> None:
    ingest_file(reverie.store, reverie.index, path, fmt="auto", now=NOW, params=reverie.params)


class Ticker:
    """A timer on the GUI thread that records when it fires: while it keeps firing, the event
    loop is free (work that ran on the GUI thread would stop it until done)."""

    def __init__(self) -> None:
        self.ticks: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(lambda: self.ticks.append(time.monotonic()))

    def __enter__(self) -> Ticker:
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.stop()

    def ticked_between(self, start: float, end: float) -> bool:
        return any(start < tick < end for tick in self.ticks)


def settle(qtbot: QtBot, window: MainWindow, timeout: int = 60_000) -> None:
    """Wait until the engine worker and the background jobs have nothing left to do (and
    their results are shown)."""
    qtbot.waitUntil(lambda: window.runner.idle() and window.scheduler.idle(), timeout=timeout)
    # The jobs' last reports were sent before they went idle and may still be queued for the
    # GUI thread: let them arrive before anything is read off the window.
    qtbot.wait(50)


def opened(qtbot: QtBot, reverie: Reverie) -> MainWindow:
    """The main window as it opens on a desktop without a tray; the scheduler is not started
    (tests call its jobs directly)."""
    window = MainWindow(
        reverie, tray=False, icon=QIcon(str(ICON)), start_scheduler=False, onboarding=False
    )  # the first-run steps have their own tests
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)
    return window


@pytest.fixture
def empty_window(qtbot: QtBot, reverie: Reverie) -> Iterator[MainWindow]:
    window = opened(qtbot, reverie)
    yield window
    window.shutdown()


@pytest.fixture
def window(qtbot: QtBot, reverie: Reverie) -> Iterator[MainWindow]:
    """The main window over a store holding the sample chat."""
    load_sample(reverie)
    window = opened(qtbot, reverie)
    yield window
    window.shutdown()
