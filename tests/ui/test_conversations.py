"""Conversations: each has its own place in the list, survives a restart, and a new one is
one click away; an empty chat says what to do, with examples from the user's own memories."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.runtime import Reverie
from app.services.curation import erase_memory
from tests.helpers import NOW
from tests.ui.conftest import opened, settle
from ui.chat_panel import NO_MEMORIES_HINT, AnswerView, ChatPanel
from ui.main_window import MainWindow
from ui.memory_dialog import MemoryDialog


def said(chat: ChatPanel) -> list[str]:
    """The transcript as a user reads it: every bubble's text, in order."""
    from ui.chat_panel import Bubble

    return [b.text() for b in chat.transcript.findChildren(Bubble) if b.isVisibleTo(chat)]


def ask(qtbot: QtBot, window: MainWindow, text: str) -> None:
    with qtbot.waitSignal(window.chat.answered, timeout=120_000):
        window.chat.ask(text)
    settle(qtbot, window)


def listed(chat: ChatPanel) -> list[str]:
    return [chat.conversations.item(i).text().split("\n")[0]
            for i in range(chat.conversations.count())]  # fmt: skip


def test_the_conversation_is_restored_after_a_restart(
    qtbot: QtBot, window: MainWindow, embedder: object
) -> None:
    ask(qtbot, window, "My bike lock code is 4417.")
    ask(qtbot, window, "What is my bike lock code?")
    assert listed(window.chat) == ["My bike lock code is 4417."]
    window.shutdown()
    with Reverie(window.reverie.home, clock=lambda: NOW, embedder=embedder) as again:
        restarted = opened(qtbot, again)
        try:
            chat = restarted.chat
            qtbot.waitUntil(lambda: len(said(chat)) == 4, timeout=10_000)
            assert listed(chat) == ["My bike lock code is 4417."]
            texts = said(chat)
            assert texts[0] == "My bike lock code is 4417." and texts[2] == (
                "What is my bike lock code?")  # fmt: skip
            assert "4417" in texts[3]  # the answer, as it was given
            assert not chat.hint.isVisibleTo(chat)
        finally:
            restarted.shutdown()


def test_a_new_conversation_is_one_click_and_the_old_one_stays(
    qtbot: QtBot, window: MainWindow
) -> None:
    chat = window.chat
    ask(qtbot, window, "When is Ana's birthday?")
    chat.new_button.click()
    assert said(chat) == [] and chat.hint.isVisibleTo(chat)
    ask(qtbot, window, "What book did Priya recommend?")
    assert listed(chat) == ["What book did Priya recommend?", "When is Ana's birthday?"]
    chat.conversations.item(1).setSelected(True)
    chat._picked(chat.conversations.item(1))
    settle(qtbot, window)
    assert said(chat)[0] == "When is Ana's birthday?" and len(said(chat)) == 2


def test_the_hint_leaves_after_the_first_message_and_examples_are_the_users_own(
    qtbot: QtBot, window: MainWindow
) -> None:
    chat = window.chat
    examples = [b.text() for b in chat.example_buttons()]
    # From what the imported chat taught (the sample is this user's data here).
    assert examples == [
        "How do I cook Ana's lentil dal recipe?",
        "Who is my friend?",
        "What is my favourite cafe?",  # "New favourite cafe: Pollen in Ancoats."
    ]
    assert chat.hint.isVisibleTo(chat)
    with qtbot.waitSignal(chat.answered, timeout=120_000):
        chat.example_buttons()[0].click()
    assert not chat.hint.isVisibleTo(chat)
    assert "red lentils" in said(chat)[1]  # the example is answered with its steps


def test_an_empty_chat_says_what_to_do(empty_window: MainWindow) -> None:
    chat = empty_window.chat
    assert chat.hint.text() == NO_MEMORIES_HINT and chat.example_buttons() == []
    assert "Import" in chat.hint.text()


def test_the_chat_scrolls_to_the_newest_answer(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(900, 420)
    bar = window.chat.scroller.verticalScrollBar()
    for question in ["When is Ana's birthday?", "Where do I live?", "How do I deploy the blog?",
                     "What book did Priya recommend?"]:  # fmt: skip
        ask(qtbot, window, question)
    assert bar.maximum() > 0  # the transcript is taller than the window
    qtbot.waitUntil(lambda: bar.value() == bar.maximum(), timeout=2000)


def reopen(qtbot: QtBot, window: MainWindow, title: str) -> AnswerView:
    """Click the conversation in the list, as a user reopens it; its last answer."""
    chat = window.chat
    chat.new_button.click()
    qtbot.waitUntil(lambda: chat.conversations.count() > 0, timeout=10_000)
    rows = [chat.conversations.item(i) for i in range(chat.conversations.count())]
    item = next(r for r in rows if r.text().startswith(title))
    rect = chat.conversations.visualItemRect(item)
    qtbot.mouseClick(chat.conversations.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.center())  # fmt: skip
    settle(qtbot, window)
    assert said(chat)[0] == title
    return chat.views[-1]


def test_a_reopened_conversation_after_a_restart_shows_its_citation_chips(
    qtbot: QtBot, window: MainWindow, embedder: object
) -> None:
    ask(qtbot, window, "What book did Priya recommend?")
    view = window.chat.views[-1]
    assert view.answer is not None and view.answer.citations
    shown = [chip.text() for chip in view.chip_buttons()]
    cited = view.answer.citations[0].hit.memory.id
    window.shutdown()
    with Reverie(window.reverie.home, clock=lambda: NOW, embedder=embedder) as again:
        restarted = opened(qtbot, again)
        try:
            restored = reopen(qtbot, restarted, "What book did Priya recommend?")
            chips = restored.chip_buttons()
            assert [chip.text() for chip in chips] == shown
            assert "Piranesi" in restored.text.text()
            qtbot.mouseClick(chips[0], Qt.MouseButton.LeftButton)
            dialog = restored.findChild(MemoryDialog)
            assert dialog is not None and dialog.isVisible()
            assert dialog.memory.id == cited
            assert "Piranesi" in dialog.evidence.item(0).text()  # the cited message itself
        finally:
            restarted.shutdown()


def test_a_reopened_chip_says_when_its_memory_was_forgotten_or_deleted(
    qtbot: QtBot, window: MainWindow
) -> None:
    ask(qtbot, window, "What book did Priya recommend?")
    view = window.chat.views[-1]
    assert view.answer is not None
    cited = view.answer.citations[0].hit.memory.id
    store = window.reverie.store
    store.archive(cited, NOW, "forgotten by the user")
    chip = reopen(qtbot, window, "What book did Priya recommend?").chip_buttons()[0]
    assert chip.text().endswith("(forgotten)") and chip.isEnabled()
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    dialog = window.chat.views[-1].findChild(MemoryDialog)
    assert dialog is not None and "archived" in dialog.facts.text()
    dialog.close()
    erase_memory(store, window.reverie.index, cited, NOW)
    chip = reopen(qtbot, window, "What book did Priya recommend?").chip_buttons()[0]
    assert chip.text() == "[1] deleted memory" and not chip.isEnabled()
    assert "Piranesi" not in chip.toolTip()  # the deleted memory's words are gone
