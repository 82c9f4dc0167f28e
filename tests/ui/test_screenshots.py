"""Renders the README's screenshots offscreen from the sample store. They are written to
docs/screenshots/ when REVERIE_UPDATE_SCREENSHOTS=1, else to a temporary folder, and each must
show a real, non-blank screen."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from tests.helpers import ROOT
from tests.ui.conftest import settle
from tests.ui.test_import_panel import chat_file
from ui.main_window import MainWindow


def target(tmp_path: Path) -> Path:
    if os.environ.get("REVERIE_UPDATE_SCREENSHOTS") == "1":
        folder = ROOT / "docs" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path


def save(window: MainWindow, path: Path) -> None:
    assert window.grab().save(str(path))
    image = QImage(str(path))
    assert (image.width(), image.height()) == (window.width(), window.height())
    # A blank or unpainted window has a handful of colours; a rendered one has many.
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}  # fmt: skip
    assert len(colours) > 20, f"{path.name} looks blank"


def test_screenshots(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    folder = target(tmp_path)
    with qtbot.waitSignal(window.chat.answered, timeout=120_000):
        window.chat.ask("What book did Priya recommend?")
    window.chat.views[-1].saw_button.click()
    settle(qtbot, window)
    save(window, folder / "chat.png")

    window.tabs.setCurrentWidget(window.browser)
    window.browser.reload()
    settle(qtbot, window)
    window.browser.select_memory(next(r.memory.id for r in window.browser.rows
                                      if "Piranesi" in r.memory.text))  # fmt: skip
    settle(qtbot, window)
    save(window, folder / "memories.png")

    window.tabs.setCurrentWidget(window.settings)
    window.settings.update_preview()
    settle(qtbot, window)
    save(window, folder / "settings.png")

    window.tabs.setCurrentWidget(window.importer)
    shots: list[int] = []

    def during(done: int, total: int, _: str) -> None:
        if 0 < done < total and not shots:
            shots.append(done)
            save(window, folder / "import.png")

    job = window.importer.start_import(chat_file(tmp_path / "notes.jsonl", 700))
    assert job is not None
    job.progressed.connect(during)
    settle(qtbot, window)
    assert shots, "the import was caught mid-way"
