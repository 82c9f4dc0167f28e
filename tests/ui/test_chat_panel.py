"""The chat panel on the real engine and the bundled model: streaming, citations, abstention."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.storage.curation_store import BrowseFilter, CurationStore
from tests.ui.conftest import Ticker
from ui.main_window import MainWindow
from ui.memory_dialog import MemoryDialog


def test_an_answer_streams_in_and_its_citation_chip_opens_the_evidence(
    qtbot: QtBot, window: MainWindow
) -> None:
    tokens: list[str] = []
    with qtbot.waitSignal(window.chat.answered, timeout=120_000) as answered:
        job = window.chat.ask("What book did Priya recommend?")
        job.token.connect(tokens.append)
    answer = answered.args[0]
    view = window.chat.views[-1]
    assert len(tokens) > 1, "the answer arrives token by token"
    assert "Piranesi" in view.text.text() and not answer.abstained
    chips = view.chip_buttons()
    assert chips, "the answer shows the memories it cites"
    qtbot.mouseClick(chips[0], Qt.MouseButton.LeftButton)
    dialog = view.findChild(MemoryDialog)
    assert dialog is not None and dialog.isVisible()
    evidence = dialog.evidence.item(0).text()
    assert "Piranesi" in evidence and "message m08" in evidence  # the original message
    assert "Thu 23 Feb 2026" in evidence or "23 Feb 2026" in evidence  # with its time
    assert "sample_chat.jsonl" in evidence  # and its source
    # "What the model saw" lists the retrieved memories behind the answer.
    assert view.saw_button.isVisible() and not view.saw.isVisible()
    view.saw_button.click()
    assert view.saw.isVisible() and view.saw.count() == len(answer.shown) >= 1


def test_a_question_without_memories_is_shown_as_an_abstention(
    qtbot: QtBot, window: MainWindow
) -> None:
    with qtbot.waitSignal(window.chat.answered, timeout=120_000):
        window.chat.ask("What is my cat's name?")
    view = window.chat.views[-1]
    assert view.property("abstained") is True
    assert "did not guess" in view.status.text()
    assert view.chip_buttons() == []


def test_what_the_user_says_becomes_evidence(qtbot: QtBot, window: MainWindow) -> None:
    window.chat.input.setText("Remember that my bike lock code is 4512.")
    with qtbot.waitSignal(window.chat.answered, timeout=120_000):
        qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
    said = CurationStore(window.reverie.store).browse(BrowseFilter(source_kind="chat"))
    assert [m.text for m in said] == ["me: Remember that my bike lock code is 4512."]


def test_the_window_keeps_processing_events_while_an_answer_streams(
    qtbot: QtBot, window: MainWindow
) -> None:
    tokens: list[float] = []
    with Ticker() as ticker, qtbot.waitSignal(window.chat.answered, timeout=120_000):
        job = window.chat.ask("When is my dentist appointment?")
        job.token.connect(lambda _: tokens.append(time.monotonic()))
    assert len(tokens) > 1
    # The timer ticked between the first and the last token: the GUI thread was free while
    # the model generated (had it run there, no tick could fire until the answer was done).
    assert ticker.ticked_between(tokens[0], tokens[-1])
