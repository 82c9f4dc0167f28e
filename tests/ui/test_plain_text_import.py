"""A plain-text chat imported through the Import tab is shown by file and line, never by
the content hashes that identify its messages inside the store."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget
from pytestqt.qtbot import QtBot

from app.importers.reading import content_id
from app.storage.message_names import named_by_source
from tests.ui.conftest import settle
from ui.main_window import MainWindow
from ui.memory_dialog import MemoryDialog

HASH = re.compile(r"\bh?[0-9a-f]{16}\b")
CHAT = """\
[2026-03-01 10:00] me: My sister Lena lives in Porto.

[2026-03-01 10:02] Ana: nice, when did she move?
[2026-03-02 09:00] me: My bike lock code is 4417.
"""


def lines(widget: QListWidget) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count())]


def test_a_plain_text_import_is_shown_by_file_and_line_not_by_hash(
    qtbot: QtBot, empty_window: MainWindow, tmp_path: Path
) -> None:
    window = empty_window
    chat = tmp_path / "chat with ana.txt"
    chat.write_text(CHAT, encoding="utf-8")
    with qtbot.waitSignal(window.importer.imported, timeout=60_000):
        window.importer.start_import(chat)
    settle(qtbot, window)

    browser = window.browser
    browser.reload()
    settle(qtbot, window)
    for needle, line in [("Ana: nice", "line 3"), ("me: My bike lock", "line 4")]:
        memory_id = next(r.memory.id for r in browser.rows if needle in r.memory.text)
        assert browser.select_memory(memory_id)
        settle(qtbot, window)
        detail = browser.detail
        shown = [detail.title.text(), detail.facts.text(), *lines(detail.evidence),
                 *lines(detail.history)]  # fmt: skip
        assert not [s for s in shown if HASH.search(s)], shown
        assert any(f"imported from chat with ana.txt, {line}" in s for s in shown), shown
        assert "chat with ana.txt" in lines(detail.evidence)[0]
    # The fact read from it names the message too.
    fact = next(r.memory.id for r in browser.rows if r.memory.text == "My bike lock code is 4417.")
    assert browser.select_memory(fact)
    settle(qtbot, window)
    history = lines(browser.detail.history)
    assert any("your message in chat with ana.txt" in s for s in history), history
    assert not [s for s in history if HASH.search(s)]

    # A citation of it opens the same human source.
    with qtbot.waitSignal(window.chat.answered, timeout=120_000):
        window.chat.ask("What is my bike lock code?")
    view = window.chat.views[-1]
    qtbot.mouseClick(view.chip_buttons()[0], Qt.MouseButton.LeftButton)
    dialog = view.findChild(MemoryDialog)
    assert dialog is not None
    evidence = lines(dialog.evidence)
    assert "chat with ana.txt" in evidence[0] and not [s for s in evidence if HASH.search(s)]


def test_content_hashes_are_recognised_and_source_ids_kept() -> None:
    # The importers' own format for unnamed messages (the two must not drift apart).
    assert not named_by_source("import", content_id("chat", "", "me", "hello", 1))
    assert named_by_source("import", "m08")
    assert not named_by_source("chat", "m08")
