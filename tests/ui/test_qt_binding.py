"""The Qt binding itself must survive a long session: PySide6-Essentials 6.12.0 dropped a
reference to None on every Qt call that returns nothing, so after enough clicks and repaints
Python aborted ("none_dealloc"). pyproject pins a version without the leak."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot


def test_many_qt_calls_leave_python_objects_intact(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for _ in range(20_000):
        widget.setEnabled(True)
        widget.update()
    # A few references may come and go with the interpreter's own work; a leak is 40,000.
    assert abs(sys.getrefcount(None) - before) < 100
