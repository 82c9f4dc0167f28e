"""Review: what the model wrote waits, out of answers, until the user accepts it; what the rules
read from the user's own words is in use at once and listed for a look. One key per decision."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.core.errors import NotFoundError
from app.core.records import MemoryKind
from app.services.recall import RecallOptions, search
from app.services.review import PENDING_CAP
from app.storage.extraction_store import ExtractionStore, NewMemory
from tests.helpers import NOW
from tests.ui.conftest import settle
from ui.main_window import MainWindow


def extracted(window: MainWindow, text: str, subject: str = "Sam") -> int:
    """A memory as the model's extraction writes it, from the first imported message."""
    store = window.reverie.store
    evidence = store.conn.execute("SELECT id FROM evidence ORDER BY id LIMIT 1").fetchone()[0]
    new = NewMemory(MemoryKind.SEMANTIC, text, subject, None, 0.6, (evidence,), "extracted")
    return ExtractionStore(store).add(new, NOW, window.reverie.params).id


def found_by_search(window: MainWindow, words: str) -> list[str]:
    r = window.reverie
    hits = search(r.store, r.index, words, now=NOW, params=r.params, options=RecallOptions(k=10))
    return [h.memory.text for h in hits]


def rows(listing: object) -> list[str]:
    return [listing.item(i).text() for i in range(listing.count())]  # type: ignore[attr-defined]


def active_texts(qtbot: QtBot, window: MainWindow) -> list[str]:
    window.browser.reload()
    settle(qtbot, window)
    return [row.memory.text for row in window.browser.rows]


def test_what_the_model_wrote_waits_until_accepted(qtbot: QtBot, window: MainWindow) -> None:
    memory_id = extracted(window, "Sam keeps bees on the allotment.")
    panel = window.review
    window.tabs.setCurrentWidget(panel)
    panel.reload()
    settle(qtbot, window)
    # Waiting: shown with its kind, subject, why, and the message it came from.
    (row,) = rows(panel.pending)
    assert row.startswith("Sam keeps bees on the allotment.")
    assert "semantic · about Sam · the model wrote this" in row
    assert "signed the lease on a flat in Leeds" in row  # the source message
    assert window.tabs.tabText(window.tabs.indexOf(panel)) == "Review (1)"
    # Not in use: neither in the active list nor found by search (so never in an answer).
    assert "Sam keeps bees on the allotment." not in active_texts(qtbot, window)
    assert "Sam keeps bees on the allotment." not in found_by_search(window, "bees allotment")
    # One key accepts it; then it is a memory like any other.
    panel.pending.setCurrentRow(0)
    qtbot.keyClick(panel.pending, Qt.Key.Key_A)
    settle(qtbot, window)
    assert panel.pending.count() == 0
    assert window.tabs.tabText(window.tabs.indexOf(panel)) == "Review"
    assert window.reverie.store.get_memory(memory_id).reviewed_at is not None
    assert "Sam keeps bees on the allotment." in active_texts(qtbot, window)
    assert "Sam keeps bees on the allotment." in found_by_search(window, "bees allotment")


def test_edit_and_reject_are_one_key_each(qtbot: QtBot, window: MainWindow) -> None:
    keep = extracted(window, "Sam lives in Leeds.")
    wrong = extracted(window, "Ana lives in Leeds.", subject="Ana")
    panel = window.review
    window.tabs.setCurrentWidget(panel)
    panel.reload()
    settle(qtbot, window)
    panel.pending.setCurrentRow(1)
    qtbot.keyClick(panel.pending, Qt.Key.Key_R)
    settle(qtbot, window)
    with pytest.raises(NotFoundError):
        window.reverie.store.get_memory(wrong)
    panel.pending.setCurrentRow(0)
    qtbot.keyClick(panel.pending, Qt.Key.Key_E)
    assert panel.editor.isVisible() and panel.editor.text() == "Sam lives in Leeds."
    panel.editor.setText("Sam lives in Leeds, near Hyde Park.")
    qtbot.keyClick(panel.editor, Qt.Key.Key_Return)
    settle(qtbot, window)
    accepted = window.reverie.store.get_memory(keep)
    assert accepted.text == "Sam lives in Leeds, near Hyde Park." and not accepted.archived
    assert panel.pending.count() == 0 and not panel.editor.isVisible()


def test_a_replacement_waits_and_the_known_fact_stays_in_use(
    qtbot: QtBot, window: MainWindow
) -> None:
    store, params = window.reverie.store, window.reverie.params
    old = extracted(window, "Sam's favourite cafe is Pollen.")
    window.review.reload()
    settle(qtbot, window)
    window.review.accept_all()
    settle(qtbot, window)
    evidence = store.conn.execute("SELECT id FROM evidence ORDER BY id DESC LIMIT 1").fetchone()
    new = NewMemory(MemoryKind.SEMANTIC, "Sam's favourite cafe is Federal.", "Sam", None, 0.6,
                    (evidence[0],), "extracted")  # fmt: skip
    newer = ExtractionStore(store).supersede(old, new, NOW, params)
    window.review.reload()
    settle(qtbot, window)
    (row,) = rows(window.review.pending)
    assert "would replace: “Sam's favourite cafe is Pollen.”" in row
    assert store.get_memory(old).current  # still what Reverie answers with
    assert "Sam's favourite cafe is Pollen." in found_by_search(window, "favourite cafe")
    window.review.pending.setCurrentRow(0)
    qtbot.keyClick(window.review.pending, Qt.Key.Key_A)
    settle(qtbot, window)
    assert store.get_memory(old).superseded_by == newer.id
    assert store.get_memory(newer.id).current and not store.get_memory(newer.id).archived


def test_facts_from_your_own_words_are_in_use_and_listed_as_learned(
    qtbot: QtBot, window: MainWindow
) -> None:
    panel = window.review
    window.tabs.setCurrentWidget(panel)
    panel.reload()
    settle(qtbot, window)
    assert panel.pending.count() == 0
    learned = rows(panel.learned)
    assert learned and all("read from your own words" in row for row in learned)
    first = int(panel.learned.item(0).data(Qt.ItemDataRole.UserRole))
    assert not window.reverie.store.get_memory(first).archived  # in use already
    panel.learned.setCurrentRow(0)
    qtbot.keyClick(panel.learned, Qt.Key.Key_A)  # looks right: off the list, still in use
    settle(qtbot, window)
    assert len(rows(panel.learned)) == len(learned) - 1
    assert not window.reverie.store.get_memory(first).archived


def test_nobody_is_asked_to_review_thousands(qtbot: QtBot, window: MainWindow) -> None:
    for n in range(PENDING_CAP + 5):
        extracted(window, f"Sam noted item number {n}.")
    panel = window.review
    window.tabs.setCurrentWidget(panel)
    panel.reload()
    settle(qtbot, window)
    assert panel.lists_shown is not None and panel.lists_shown.pending_total == PENDING_CAP
    beyond = [row for row in rows(panel.learned) if "Sam noted item number" in row]
    assert len(beyond) == 5 and "already wait for you" in beyond[0]


def test_accept_automatically_uses_what_the_model_wrote_at_once(
    qtbot: QtBot, window: MainWindow
) -> None:
    r = window.reverie
    settings = window.settings
    settings.review_mode.setCurrentIndex(settings.review_mode.findData("auto"))
    settings.save()
    settle(qtbot, window)
    assert r.settings.review_mode == "auto"
    extracted(window, "Sam keeps bees on the allotment.")
    window.review.reload()
    settle(qtbot, window)
    assert window.review.pending.count() == 0
    assert any("accepted automatically" in row for row in rows(window.review.learned))
    assert "Sam keeps bees on the allotment." in active_texts(qtbot, window)


def test_a_fact_said_in_chat_is_listed_as_learned(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.chat.answered, timeout=120_000):
        window.chat.ask("My bike lock code is 4417.")
    settle(qtbot, window)
    assert any(row.startswith("My bike lock code is 4417.") for row in rows(window.review.learned))


def test_an_empty_waiting_list_leaves_the_room_to_what_was_learned(
    qtbot: QtBot, window: MainWindow
) -> None:
    # Seen on a real display: nothing waited, yet its empty list took most of the tab while
    # the learned facts scrolled in a strip below it.
    panel = window.review
    window.resize(1280, 760)
    window.tabs.setCurrentWidget(panel)
    panel.reload()
    settle(qtbot, window)
    assert panel.pending.count() == 0 and panel.learned.count() > 0
    assert "Nothing waits for you" in panel.pending_title.text()
    assert not panel.pending.isVisible()
    assert panel.learned.height() > panel.height() / 2
