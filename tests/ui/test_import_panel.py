"""Importing from the window: progress, cancel, errors, drag and drop, and a free GUI thread."""

from __future__ import annotations

import json
import time
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.helpers import SAMPLE
from tests.ui.conftest import Ticker, settle
from ui.main_window import MainWindow


def chat_file(path: Path, messages: int) -> Path:
    lines = [
        {"id": f"b{n}", "session": f"2026-03-{1 + n % 28:02d}",
         "timestamp": f"2026-03-{1 + n % 28:02d}T10:{n % 60:02d}:00Z", "role": "user",
         "speaker": "Sam", "content": f"Note {n}: the plant on shelf {n % 7} needs water."}
        for n in range(messages)
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    return path


def memory_count(window: MainWindow) -> int:
    return int(window.reverie.store.conn.execute("SELECT count(*) FROM memories").fetchone()[0])


def test_an_import_shows_progress_then_the_new_memories(
    qtbot: QtBot, empty_window: MainWindow
) -> None:
    panel = empty_window.importer
    empty_window.tabs.setCurrentWidget(panel)
    steps: list[tuple[int, int]] = []
    with qtbot.waitSignal(panel.imported, timeout=60_000):
        job = panel.start_import(SAMPLE)
        assert job is not None and panel.progress.isVisible() and panel.cancel_button.isVisible()
        job.progressed.connect(lambda done, total, _: steps.append((done, total)))
    indexed = empty_window.reverie.store.counts()["memories"]  # 20 messages, facts from them
    assert indexed > 20 and steps and steps[-1] == (indexed, indexed)
    assert "20 messages read, 20 new" in panel.status.text()
    assert "facts and how-tos learned" in panel.status.text()
    assert panel.new_memories.count() == 20 and "Leeds" in panel.new_memories.item(0).text()
    assert not panel.progress.isVisible()
    # Extraction is queued in the background, with its status visible.
    assert "Extraction:" in panel.extraction.text()
    settle(qtbot, empty_window, timeout=180_000)
    assert len(empty_window.browser.rows) >= 20  # the browser shows what was imported


def test_a_bad_file_is_refused_whole_and_changes_nothing(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    good = SAMPLE.read_text(encoding="utf-8").splitlines()[0]
    bad.write_text(f"{good}\n{{not json\n", encoding="utf-8")
    before = memory_count(window)
    window.importer.start_import(bad)
    settle(qtbot, window)
    assert window.importer.status.text().startswith("Nothing was imported:")
    assert "line 2" in window.importer.status.text()
    assert memory_count(window) == before


def test_cancel_stops_an_import_and_loses_nothing(
    qtbot: QtBot, empty_window: MainWindow, tmp_path: Path
) -> None:
    panel = empty_window.importer
    empty_window.tabs.setCurrentWidget(panel)
    big = chat_file(tmp_path / "big.jsonl", 600)
    job = panel.start_import(big)
    assert job is not None
    job.progressed.connect(lambda done, total, _: done > 0 and panel.cancel())
    settle(qtbot, empty_window)
    assert panel.status.text().startswith("Import cancelled")
    assert panel.choose_button.isEnabled() and not panel.progress.isVisible()
    reverie = empty_window.reverie
    saved = memory_count(empty_window)
    assert saved == 600  # the messages were committed before indexing began
    assert 0 < reverie.store.pending_index_count() < 600  # indexing stopped part-way
    reverie.heal()  # what the next start does
    assert reverie.store.pending_index_count() == 0
    assert len(reverie.index.indexed_memory_ids()) == 600


def test_dropping_a_file_on_the_window_imports_it(qtbot: QtBot, empty_window: MainWindow) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(SAMPLE))])
    where = QPointF(20, 20)
    none = (Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    # Qt's drag-enter event takes a whole-pixel point, the drop a fractional one.
    enter = QDragEnterEvent(where.toPoint(), Qt.DropAction.CopyAction, mime, *none)
    drop = QDropEvent(where, Qt.DropAction.CopyAction, mime, *none)
    with qtbot.waitSignal(empty_window.importer.imported, timeout=60_000):
        assert QApplication.sendEvent(empty_window, enter) and enter.isAccepted()
        QApplication.sendEvent(empty_window, drop)
    assert empty_window.tabs.currentWidget() is empty_window.importer
    assert memory_count(empty_window) == empty_window.reverie.store.counts()["memories"] > 20


def test_the_window_keeps_processing_events_during_an_import(
    qtbot: QtBot, empty_window: MainWindow, tmp_path: Path
) -> None:
    steps: list[float] = []
    imported = empty_window.importer.imported
    with Ticker() as ticker, qtbot.waitSignal(imported, timeout=120_000):
        job = empty_window.importer.start_import(chat_file(tmp_path / "mid.jsonl", 300))
        assert job is not None
        job.progressed.connect(lambda *_: steps.append(time.monotonic()))
    assert len(steps) > 2
    assert ticker.ticked_between(steps[0], steps[-1])


def test_a_question_asked_during_an_import_is_answered_before_the_import_ends(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    # Seen in the app: a question asked while a chat was importing waited for the whole import
    # (one engine worker ran both). The import now takes the engine a step at a time.
    panel = window.importer
    asked: list[object] = []
    importing_when_answered: list[bool] = []
    window.chat.answered.connect(lambda _: importing_when_answered.append(panel.job is not None))

    def ask_once(done: int, total: int, _: str) -> None:
        if done > 0 and not asked:  # the first of 5 index steps is done
            asked.append(window.chat.ask("What book did Priya recommend?"))

    job = panel.start_import(chat_file(tmp_path / "big.jsonl", 600))
    assert job is not None
    job.progressed.connect(ask_once)
    qtbot.waitUntil(lambda: bool(importing_when_answered), timeout=180_000)
    assert importing_when_answered == [True], "the answer came only after the import"
    assert "Piranesi" in window.chat.views[-1].text.text()
    settle(qtbot, window, timeout=180_000)
    assert panel.status.text().startswith("Imported") and "600 new" in panel.status.text()
    assert window.reverie.store.pending_index_count() == 0
