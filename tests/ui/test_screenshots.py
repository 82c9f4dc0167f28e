"""Renders the README's screenshots offscreen from the sample store, in the light and the dark
scheme. They are written to docs/screenshots/ when REVERIE_UPDATE_SCREENSHOTS=1, else to a
temporary folder, and each must show a real, non-blank screen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.helpers import ROOT
from tests.ui.conftest import settle
from tests.ui.test_import_panel import chat_file
from ui.main_window import MainWindow

SCHEMES = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}


def target(tmp_path: Path) -> Path:
    if os.environ.get("REVERIE_UPDATE_SCREENSHOTS") == "1":
        folder = ROOT / "docs" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path


def save(widget: QWidget, path: Path, dark: bool) -> None:
    assert widget.grab().save(str(path))
    image = QImage(str(path))
    assert (image.width(), image.height()) == (widget.width(), widget.height())
    # A blank or unpainted window has a handful of colours; a rendered one has many.
    pixels = [image.pixel(x, y) for x in range(0, image.width(), 7)
              for y in range(0, image.height(), 7)]  # fmt: skip
    assert len(set(pixels)) > 20, f"{path.name} looks blank"
    # And it is in the scheme it is named for (the background decides).
    corner = image.pixelColor(image.width() - 3, image.height() // 2)
    assert (corner.lightnessF() < 0.3) == dark, f"{path.name} is not {'dark' if dark else 'light'}"


@pytest.fixture
def light_again() -> Iterator[None]:
    yield
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)


def ask(qtbot: QtBot, window: MainWindow, question: str) -> None:
    with qtbot.waitSignal(window.chat.answered, timeout=120_000):
        window.chat.ask(question)
    settle(qtbot, window)


def test_screenshots(qtbot: QtBot, window: MainWindow, tmp_path: Path, light_again: None) -> None:
    folder = target(tmp_path)
    # Two conversations in the list at the side; the first one open.
    ask(qtbot, window, "When is Ana's birthday?")
    window.chat.new_conversation()
    ask(qtbot, window, "What book did Priya recommend?")
    window.chat.views[-1].saw_button.click()
    settle(qtbot, window)
    window.browser.reload()
    settle(qtbot, window)
    window.browser.select_memory(next(r.memory.id for r in window.browser.rows
                                      if "Piranesi" in r.memory.text))  # fmt: skip
    window.review.reload()
    window.settings.update_preview()
    settle(qtbot, window)

    for scheme, value in SCHEMES.items():
        dark = scheme == "dark"
        QGuiApplication.styleHints().colorSchemeChanged.emit(value)  # as the desktop does
        assert window.theme.dark == dark
        for page, name in ((window.chat, "chat"), (window.browser, "memories"),
                           (window.review, "review"), (window.settings, "settings")):  # fmt: skip
            window.tabs.setCurrentWidget(page)
            settle(qtbot, window)
            save(window, folder / f"{name}-{scheme}.png", dark)

        steps = window.show_onboarding()
        settle(qtbot, window)
        # The data folder as a user's would read, not the test's temporary one.
        steps.intro.setText(steps.intro.text().replace(str(window.reverie.home),
                                                       "~/.local/share/reverie"))  # fmt: skip
        steps.fit()
        save(steps, folder / f"onboarding-{scheme}.png", dark)
        steps.hide()

    # Imports last: their 700 notes would fill the memory list of the views above.
    for scheme, value in SCHEMES.items():
        QGuiApplication.styleHints().colorSchemeChanged.emit(value)
        window.tabs.setCurrentWidget(window.importer)
        shots: list[int] = []

        def during(
            done: int, total: int, _: str, shots: list[int] = shots, scheme: str = scheme
        ) -> None:
            if 0 < done < total and not shots:
                shots.append(done)
                save(window, folder / f"import-{scheme}.png", scheme == "dark")

        notes = chat_file(tmp_path / f"notes-{scheme}.jsonl", 700)
        notes.write_text(notes.read_text().replace('"id": "b', f'"id": "{scheme}'))  # all new
        job = window.importer.start_import(notes)
        assert job is not None
        job.progressed.connect(during)
        settle(qtbot, window)
        assert shots, "the import was caught mid-way"
