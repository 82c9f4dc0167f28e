"""The first-run steps: shown on a fresh data folder and not again, skippable without changing
anything, and each offer (import, capture, model) does what it says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from pytestqt.qtbot import QtBot

from app.runtime import Reverie
from app.settings import Settings
from tests.helpers import SAMPLE, write_fake_gguf
from tests.ui.conftest import settle
from ui.launch import ICON
from ui.main_window import MainWindow
from ui.onboarding import OnboardingDialog


def first_start(qtbot: QtBot, reverie: Reverie) -> MainWindow:
    """The window as `reverie-gui` opens it (first-run steps as the settings say)."""
    window = MainWindow(reverie, tray=False, icon=QIcon(str(ICON)), start_scheduler=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)
    return window


def steps_of(qtbot: QtBot, window: MainWindow) -> OnboardingDialog:
    qtbot.waitUntil(lambda: window.onboarding is not None and window.onboarding.isVisible(),
                    timeout=10_000)  # fmt: skip
    assert window.onboarding is not None
    settle(qtbot, window)  # the model list is read on the worker
    return window.onboarding


@pytest.fixture(autouse=True)
def no_other_apps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Models other apps keep are looked for under a home of the test's own."""
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    for variable in ("OLLAMA_MODELS", "XDG_DATA_HOME"):
        monkeypatch.delenv(variable, raising=False)


def test_the_first_run_steps_show_once_and_skipping_changes_nothing(
    qtbot: QtBot, reverie: Reverie
) -> None:
    window = first_start(qtbot, reverie)
    steps = steps_of(qtbot, window)
    intro = steps.intro.text()
    assert str(reverie.home) in intro and "leaves this machine" in intro
    words = " ".join(label.text() for label in steps.findChildren(type(steps.intro)))
    for fmt in ("JSON Lines", "ChatGPT", "plain-text", "LoCoMo", "LongMemEval"):
        assert fmt in words
    assert "Password managers" in words and "never captured" in words
    assert not steps.capture.isChecked()  # capture stays off unless the user turns it on
    assert steps.model.currentData() == ""  # the bundled model
    qtbot.mouseClick(steps.skip_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.onboarding is None, timeout=10_000)
    saved = Settings.load(reverie.home)
    assert saved.onboarded and not saved.capture_enabled and saved.model == ""
    window.shutdown()

    again = first_start(qtbot, reverie)  # the second start
    qtbot.wait(200)
    assert again.onboarding is None
    again.getting_started_action.trigger()  # Help → Getting started shows it again
    assert steps_of(qtbot, again).isVisible()
    again.shutdown()


def test_a_model_found_on_this_computer_is_chosen_in_the_first_run_steps(
    qtbot: QtBot, reverie: Reverie
) -> None:
    found = write_fake_gguf(reverie.home / "models" / "tiny-instruct.Q4_K_M.gguf",
                            size_label="1B")  # fmt: skip
    window = first_start(qtbot, reverie)
    steps = steps_of(qtbot, window)
    index = steps.model.findData(str(found))
    assert index > 0 and steps.model.itemText(index).startswith("tiny-instruct.Q4_K_M.gguf")
    steps.model.setCurrentIndex(index)
    with qtbot.waitSignal(steps.finished_choosing, timeout=10_000):
        qtbot.mouseClick(steps.done_button, Qt.MouseButton.LeftButton)
    assert reverie.settings.model == str(found)  # used from the next answer
    assert Settings.load(reverie.home).model == str(found)
    assert window.settings.model.currentData() == str(found)  # Settings shows it
    assert not reverie.settings.capture_enabled
    window.shutdown()


def test_chats_imported_from_the_first_run_steps_become_memories(
    qtbot: QtBot, reverie: Reverie
) -> None:
    window = first_start(qtbot, reverie)
    steps = steps_of(qtbot, window)
    with qtbot.waitSignal(window.importer.imported, timeout=60_000):
        steps.import_chat(SAMPLE)  # as "Choose a chat file…" does with the chosen file
    settle(qtbot, window)
    assert "Imported sample_chat.jsonl: 20 new messages" in steps.import_status.text()
    # What was learned, not a count of messages called memories (seen on a real display).
    learned = re.search(r"(\d+) facts and how-tos learned", steps.import_status.text())
    assert learned is not None and int(learned[1]) > 0
    assert len(window.browser.rows) > 20
    window.shutdown()


def test_capture_turned_on_in_the_first_run_steps_is_saved(qtbot: QtBot, reverie: Reverie) -> None:
    window = first_start(qtbot, reverie)
    steps = steps_of(qtbot, window)
    steps.capture.setChecked(True)
    with qtbot.waitSignal(steps.finished_choosing, timeout=10_000):
        qtbot.mouseClick(steps.done_button, Qt.MouseButton.LeftButton)
    assert Settings.load(reverie.home).capture_enabled
    assert window.settings.capture_enabled.isChecked()
    window.shutdown()
