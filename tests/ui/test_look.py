"""The look: icons on the navigation, the system's light or dark preference followed (icons
redrawn to stay readable), the forgetting plot's axes and "now", empty states that say what
to do."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.conftest import load_sample, settle
from ui.curve_plot import CurvePlot
from ui.main_window import MainWindow


def ink(icon: QIcon) -> float:
    """The mean lightness (0 dark … 1 light) of an icon's drawn pixels."""
    image = icon.pixmap(QSize(24, 24)).toImage()
    values = [QColor.fromRgba(image.pixel(x, y)) for x in range(24) for y in range(24)]
    drawn = [c.lightnessF() for c in values if c.alpha() > 200]
    assert drawn, "the icon draws nothing"
    return sum(drawn) / len(drawn)


def system_prefers(scheme: Qt.ColorScheme) -> None:
    """What the desktop sends when the user switches its light/dark preference."""
    QGuiApplication.styleHints().colorSchemeChanged.emit(scheme)


@pytest.fixture
def light_again() -> Iterator[None]:
    yield
    system_prefers(Qt.ColorScheme.Light)


def test_the_navigation_has_icons(empty_window: MainWindow) -> None:
    tabs = empty_window.tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "Chat", "Memories", "Graph", "Review", "Import", "Settings"]  # fmt: skip
    assert all(not tabs.tabIcon(i).isNull() for i in range(tabs.count()))
    assert not empty_window.getting_started_action.icon().isNull()


def test_a_dark_system_preference_gives_a_dark_window_and_light_icons(
    qtbot: QtBot, empty_window: MainWindow, light_again: None
) -> None:
    palette = QApplication.palette()
    assert palette.color(QPalette.ColorRole.Window).lightnessF() > 0.8
    assert ink(empty_window.tabs.tabIcon(1)) < 0.3  # dark lines on a light tab
    system_prefers(Qt.ColorScheme.Dark)
    palette = QApplication.palette()
    assert palette.color(QPalette.ColorRole.Window).lightnessF() < 0.2
    assert palette.color(QPalette.ColorRole.Base).lightnessF() < 0.2
    assert palette.color(QPalette.ColorRole.Text).lightnessF() > 0.8
    assert ink(empty_window.tabs.tabIcon(1)) > 0.7  # redrawn light, readable on dark
    assert ink(empty_window.controls.capture_action.icon()) > 0.7
    image = empty_window.grab().toImage()
    assert QColor(image.pixel(image.width() // 2, image.height() // 2)).lightnessF() < 0.3
    system_prefers(Qt.ColorScheme.Light)
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightnessF() > 0.8
    assert ink(empty_window.tabs.tabIcon(1)) < 0.3


def test_the_forgetting_plot_has_axes_and_marks_now(qtbot: QtBot) -> None:
    plot = CurvePlot()
    qtbot.addWidget(plot)
    plot.resize(400, 140)
    plot.show_curve(stability_days=10.0, elapsed_days=5.0, threshold=0.05, pinned=False)
    plot.grab()  # paints
    assert {"retention", "0%", "50%", "100%", "0"} <= set(plot.drawn)
    assert "days since said or last recalled" in plot.drawn
    assert "now 61%" in plot.drawn  # exp(-5/10)
    span = plot.span_days()
    assert f"{span:.0f}" in plot.drawn
    assert plot.now_x is not None and 0 < plot.now_x < plot.width() / 2  # 5 of 35 days


def test_empty_lists_say_what_to_do(qtbot: QtBot, empty_window: MainWindow) -> None:
    browser = empty_window.browser
    assert browser.list_stack.currentWidget() is browser.empty
    assert "No memories yet" in browser.empty.text() and "Import" in browser.empty.text()
    review = empty_window.review
    assert "will wait here" in review.pending_title.text()
    assert "Import a chat" in review.learned_title.text()

    load_sample(empty_window.reverie)
    browser.reload()
    settle(qtbot, empty_window)
    assert browser.list_stack.currentWidget() is browser.table
    browser.search.setText("zebra crossing in Ulaanbaatar")
    with qtbot.waitSignal(browser.loaded, timeout=10_000):
        pass
    assert browser.list_stack.currentWidget() is browser.empty
    assert "Nothing matches" in browser.empty.text()
