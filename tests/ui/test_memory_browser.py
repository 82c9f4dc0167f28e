"""The memory browser: filters, search, and every change a user can make, with its history."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.core.errors import NotFoundError
from app.core.records import MemoryKind
from app.storage.curation_store import BrowseFilter, CurationStore
from tests.helpers import NOW
from tests.ui.conftest import settle
from ui.main_window import MainWindow
from ui.memory_browser import MemoryBrowser


def shown(browser: MemoryBrowser) -> list[str]:
    return [row.memory.text for row in browser.rows]


def open_memory(qtbot: QtBot, window: MainWindow, needle: str) -> int:
    browser = window.browser
    browser.reload()
    settle(qtbot, window)
    memory_id = next(r.memory.id for r in browser.rows if needle in r.memory.text)
    assert browser.select_memory(memory_id)
    settle(qtbot, window)
    assert browser.detail.current is not None and browser.detail.current.memory.id == memory_id
    return memory_id


def history_actions(window: MainWindow) -> list[str]:
    items = window.browser.detail.history
    return [items.item(i).text().split(" · ")[1] for i in range(items.count())]


def test_filters_and_both_kinds_of_search(qtbot: QtBot, window: MainWindow) -> None:
    browser = window.browser
    browser.reload()
    settle(qtbot, window)
    live = CurationStore(window.reverie.store).browse(BrowseFilter())
    assert len(browser.rows) == len(live) > 20  # the sample's 20 messages and facts from them
    browser.search.setText("Piranesi")
    qtbot.waitUntil(lambda: len(browser.rows) == 1, timeout=5000)
    assert "Piranesi" in browser.rows[0].memory.text
    browser.search.setText("a novel a colleague suggested")
    browser.mode.setCurrentText("Meaning")
    settle(qtbot, window)
    qtbot.waitUntil(lambda: bool(browser.rows) and "Piranesi" in shown(browser)[0], timeout=5000)
    browser.search.clear()
    browser.mode.setCurrentText("Words")
    browser.kind.setCurrentIndex(browser.kind.findData(MemoryKind.SEMANTIC))
    settle(qtbot, window)
    # Nothing extracted yet: the semantic memories are the facts the rules read.
    assert browser.rows and {r.memory.origin for r in browser.rows} == {"rules"}
    browser.kind.setCurrentIndex(0)
    browser.source.setCurrentIndex(browser.source.findData("chat"))
    settle(qtbot, window)
    assert browser.rows == []
    browser.source.setCurrentIndex(browser.source.findData("import"))
    browser.period.setCurrentText("Last 7 days")  # NOW is 20 May; the chat ends mid-May
    settle(qtbot, window)
    assert 0 < len(browser.rows) < len(live)
    assert all(r.memory.event_time and (NOW - r.memory.event_time).days < 7 for r in browser.rows)


def test_pin_edit_forget_restore_each_show_in_history(qtbot: QtBot, window: MainWindow) -> None:
    store = window.reverie.store
    memory_id = open_memory(qtbot, window, "Piranesi")
    detail = window.browser.detail
    detail.pin_button.click()
    settle(qtbot, window)
    assert store.get_memory(memory_id).pinned and detail.pin_button.text() == "Unpin"

    detail.editor.setPlainText("Priya recommended Piranesi by Susanna Clarke (a novel).")
    detail.save_button.click()
    settle(qtbot, window)
    assert store.get_memory(memory_id).text.endswith("(a novel).")

    detail.forget_button.click()
    settle(qtbot, window)
    assert store.get_memory(memory_id).archived
    assert memory_id not in [r.memory.id for r in window.browser.rows]  # hidden from "Active"
    window.browser.state.setCurrentText("Forgotten (archived)")
    settle(qtbot, window)
    assert [r.memory.id for r in window.browser.rows] == [memory_id]
    assert window.browser.select_memory(memory_id)
    settle(qtbot, window)
    assert detail.restore_button.isEnabled() and not detail.forget_button.isEnabled()
    detail.restore_button.click()
    settle(qtbot, window)
    assert not store.get_memory(memory_id).archived
    assert history_actions(window) == ["add", "pin", "update", "archive", "restore"]


def test_delete_for_good_asks_first_and_leaves_no_words_behind(
    qtbot: QtBot, window: MainWindow
) -> None:
    store = window.reverie.store
    memory_id = open_memory(qtbot, window, "Dr Okafor")
    detail = window.browser.detail
    questions: list[str] = []
    detail.confirm = lambda _parent, text: questions.append(text) or False
    detail.delete_button.click()
    settle(qtbot, window)
    assert questions and store.get_memory(memory_id)  # declined: nothing changed
    detail.confirm = lambda _parent, _text: True
    detail.delete_button.click()
    settle(qtbot, window)
    with pytest.raises(NotFoundError):
        store.get_memory(memory_id)
    words = store.conn.execute(
        "SELECT count(*) FROM history WHERE memory_id = ? AND"
        " (coalesce(before, '') || coalesce(after, '') || reason) LIKE '%Okafor%'",
        (memory_id,),
    ).fetchone()[0]
    leftover = store.conn.execute(
        "SELECT count(*) FROM evidence WHERE content LIKE '%Okafor%'"
    ).fetchone()[0]
    assert (words, leftover) == (0, 0)
    assert "Deleted for good" in detail.message.text()
    assert memory_id not in window.reverie.index.indexed_memory_ids()  # gone from search too


def cell(browser: MemoryBrowser, memory_id: int, column: int) -> str:
    row = next(n for n, r in enumerate(browser.rows) if r.memory.id == memory_id)
    item = browser.table.item(row, column)
    return item.text() if item is not None else ""


def test_after_forget_the_list_and_the_detail_agree(qtbot: QtBot, window: MainWindow) -> None:
    browser = window.browser
    memory_id = open_memory(qtbot, window, "Piranesi")
    browser.detail.forget_button.click()
    settle(qtbot, window)
    assert memory_id not in [r.memory.id for r in browser.rows]  # left the "Active" list
    assert browser.table.selectedItems() == [] and browser.table.currentRow() == -1
    detail = browser.detail
    assert detail.current is not None and detail.current.memory.id == memory_id
    assert detail.restore_button.isEnabled()  # the forgotten memory, one click from Restore


def test_pinned_reads_as_words_and_the_speaker_has_its_own_column(
    qtbot: QtBot, window: MainWindow
) -> None:
    browser = window.browser
    memory_id = open_memory(qtbot, window, "Piranesi")
    browser.detail.pin_button.click()
    settle(qtbot, window)
    text = cell(browser, memory_id, 3)
    assert text.startswith("[pinned] Had lunch with Priya")  # no emoji: no missing glyph
    assert cell(browser, memory_id, 2) == "Sam"  # the speaker, in a column of its own
    window.chat.ask("My bike lock code is 4417.")
    settle(qtbot, window)
    browser.reload()
    settle(qtbot, window)
    said = next(r.memory for r in browser.rows if "4417" in r.memory.text)
    assert not cell(browser, said.id, 3).lower().startswith(("me:", "user:", "assistant:"))


def test_search_by_meaning_shows_a_score_and_leaves_out_weak_matches(
    qtbot: QtBot, window: MainWindow
) -> None:
    browser = window.browser
    browser.mode.setCurrentText("Meaning")
    browser.search.setText("a novel a colleague suggested")
    qtbot.waitUntil(lambda: bool(browser.rows) and browser.rows[0].match is not None,
                    timeout=10_000)  # fmt: skip
    settle(qtbot, window)
    assert "Piranesi" in browser.rows[0].memory.text and cell(
        browser, browser.rows[0].memory.id, 5) == "100%"  # fmt: skip
    assert not browser.table.isColumnHidden(5)
    total = len(CurationStore(window.reverie.store).browse(BrowseFilter()))
    assert 0 < len(browser.rows) < total  # not every memory, as before


def test_the_memory_text_takes_the_room_the_short_columns_do_not_need(
    qtbot: QtBot, window: MainWindow
) -> None:
    # Seen on a real display: kind, speaker and retention took 100 px each, and each memory's
    # text wrapped onto five lines in what was left.
    window.resize(1280, 760)
    window.tabs.setCurrentWidget(window.browser)
    settle(qtbot, window)
    table = window.browser.table
    qtbot.waitUntil(lambda: table.rowCount() > 0)
    widths = [
        table.columnWidth(c) for c in range(table.columnCount()) if not table.isColumnHidden(c)
    ]
    assert table.columnWidth(3) >= 0.4 * sum(widths), widths
