"""The chat panel on the real engine and the bundled model: answers, citations, abstention,
knowledge updates and corrections."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from app.runtime import Reverie
from app.storage.curation_store import BrowseFilter, CurationStore
from tests.helpers import SCENARIO, SCENARIO_NOW, SCENARIO_QUESTIONS
from tests.ui.conftest import Ticker, load_sample, opened
from ui.main_window import MainWindow
from ui.memory_dialog import MemoryDialog


def test_an_answer_arrives_whole_and_its_citation_chip_opens_the_evidence(
    qtbot: QtBot, window: MainWindow
) -> None:
    tokens: list[str] = []
    with qtbot.waitSignal(window.chat.answered, timeout=120_000) as answered:
        job = window.chat.ask("What book did Priya recommend?")
        job.token.connect(tokens.append)
    answer = answered.args[0]
    view = window.chat.views[-1]
    # With the bundled model the answer is selected, so it is shown once, whole: no words
    # appear that could later be withdrawn.
    assert tokens == [answer.text]
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
    # The message itself, and the fact read from it at once.
    assert sorted(m.text for m in said) == [
        "Remember that my bike lock code is 4512.",
        "me: Remember that my bike lock code is 4512.",
    ]
    assert "Your bike lock code is 4512" in window.chat.views[-1].text.text()


def test_a_question_asked_in_chat_is_not_a_memory_that_answers_later(
    qtbot: QtBot, window: MainWindow
) -> None:
    for _ in range(2):
        with qtbot.waitSignal(window.chat.answered, timeout=120_000) as answered:
            window.chat.ask("What is my blood type?")
        assert answered.args[0].abstained, "asking once must not make the question an answer"
    said = CurationStore(window.reverie.store).browse(BrowseFilter(source_kind="chat"))
    assert said == []


def test_the_window_keeps_processing_events_while_answering(
    qtbot: QtBot, window: MainWindow
) -> None:
    with Ticker() as ticker, qtbot.waitSignal(window.chat.answered, timeout=120_000):
        asked = time.monotonic()
        window.chat.ask("When is my dentist appointment?")
    answered = time.monotonic()
    # The timer ticked while the engine searched and selected: the GUI thread was free (had
    # the work run there, no tick could fire until the answer was done).
    assert ticker.ticked_between(asked, answered)


@pytest.fixture
def maya_window(qtbot: QtBot, tmp_path: Path, embedder: Any) -> Iterator[MainWindow]:
    """The window over the dev scenario: a year of chat with jobs, moves and a new manager."""
    with Reverie(tmp_path / "home", clock=lambda: SCENARIO_NOW, embedder=embedder) as reverie:
        load_sample(reverie, SCENARIO)
        window = opened(qtbot, reverie)
        yield window
        window.shutdown()


def ask(qtbot: QtBot, window: MainWindow, question: str) -> Any:
    with qtbot.waitSignal(window.chat.answered, timeout=120_000) as answered:
        window.chat.ask(question)
    return answered.args[0]


def test_knowledge_updates_are_answered_with_the_current_fact(
    qtbot: QtBot, maya_window: MainWindow
) -> None:
    spec = json.loads(SCENARIO_QUESTIONS.read_text())
    updates = [q for q in spec["questions"] if q["type"] == "knowledge-update"]
    assert len(updates) >= 8
    for item in updates:
        answer = ask(qtbot, maya_window, item["question"])
        shown = maya_window.chat.views[-1].text.text()
        assert not answer.abstained, item["question"]
        for group in item["answer"]:
            assert any(g.lower() in shown.lower() for g in group.split("|")), (item, shown)
        for stale in item["stale"]:
            assert stale.lower() not in shown.lower(), (item, shown)
        # The answer cites the user's own words, not the assistant's echo of them.
        assert all(s.role == "user" for c in answer.citations for s in c.hit.sources)


def test_a_correction_in_chat_replaces_the_fact(qtbot: QtBot, maya_window: MainWindow) -> None:
    assert "Grace Okafor" in ask(qtbot, maya_window, "Who is my manager?").text
    corrected = ask(qtbot, maya_window, "That's wrong, it's Helen Park now.")
    assert "Helen Park" in corrected.text
    answer = ask(qtbot, maya_window, "Who is my manager?")
    assert "Helen Park" in answer.text and "Grace" not in answer.text


def test_a_short_answer_shows_the_words_it_was_taken_from(
    qtbot: QtBot, maya_window: MainWindow
) -> None:
    answer = ask(qtbot, maya_window, "When did we adopt Pixel?")
    view = maya_window.chat.views[-1]
    assert "28 February" in view.text.text()
    chips = [c.text() for c in view.findChildren(QPushButton, "citationChip")]
    assert answer.citations[0].excerpt
    assert chips and "Pixel" in chips[0] and "“" in chips[0], chips


def test_a_cited_memory_is_pinned_from_its_citation_and_shown_in_memories(
    qtbot: QtBot, window: MainWindow
) -> None:
    # Seen on a real display: the citation showed a memory but offered no way to keep it.
    with qtbot.waitSignal(window.chat.answered, timeout=120_000):
        window.chat.ask("What book did Priya recommend?")
    view = window.chat.views[-1]
    qtbot.mouseClick(view.chip_buttons()[0], Qt.MouseButton.LeftButton)
    dialog = view.dialogs[-1]
    cited = dialog.memory.id
    assert dialog.pin_button.text() == "Pin" and not dialog.memory.pinned
    qtbot.mouseClick(dialog.pin_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pin_button.text() == "Unpin", timeout=30_000)
    assert "pinned: never fades" in dialog.facts.text()
    assert window.reverie.store.get_memory(cited).pinned
    qtbot.mouseClick(dialog.show_button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is window.browser
    assert not dialog.isVisible()  # it would cover the memory it opened
    qtbot.waitUntil(lambda: window.browser.detail.current is not None, timeout=30_000)
    detail = window.browser.detail
    assert detail.current is not None and detail.current.memory.id == cited
    assert detail.pin_button.text() == "Unpin"


def test_a_short_question_stays_on_one_line(qtbot: QtBot, window: MainWindow) -> None:
    # Seen on a real display: "What am I allergic to?" wrapped onto two lines beside empty space.
    question = "What am I allergic to?"
    with qtbot.waitSignal(window.chat.answered, timeout=120_000):
        window.chat.ask(question)
    bubbles = [b for b in window.chat.transcript.findChildren(QLabel, "userBubble")]
    bubble = next(b for b in bubbles if b.text() == question)
    assert bubble.contentsRect().width() >= bubble.fontMetrics().horizontalAdvance(question)
