"""The Graph tab's time controls: the "as of" slider, from the first thing learned to now, and
Play, which moves it step by step so the graph replays in the order things were learned.

The widget only turns slider positions into moments; the view (ui.graph_view) shows the graph
as it stood then.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

TIME_STEPS = 200  # slider positions between the first and the last thing learned
PLAY_MS = 60  # one step of Play
PLAY_STRIDE = 2  # slider positions per step: the whole span in about six seconds


class Timeline(QWidget):
    """Play, the "as of" slider and the day it shows."""

    moved = Signal(object)  # the moment the slider was moved to (None: now)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.span: tuple[datetime, datetime] | None = None  # first and last thing learned
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)  # sits in the view's row as if its own widgets
        self.play_button = QPushButton("Play")
        self.play_button.setToolTip("Replay the graph in the order things were learned")
        self.play_button.clicked.connect(self.toggle_play)
        row.addWidget(self.play_button)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, TIME_STEPS)
        self.slider.setValue(TIME_STEPS)
        self.slider.valueChanged.connect(self._slid)
        row.addWidget(self.slider, 1)
        self.time_label = QLabel("As of now")
        self.time_label.setMinimumWidth(140)
        row.addWidget(self.time_label)
        self.player = QTimer(self)
        self.player.setInterval(PLAY_MS)
        self.player.timeout.connect(self._play_step)

    def show_moment(self, moment: datetime | None) -> None:
        """Put the slider and its label at `moment` (None: now), without emitting `moved`."""
        if self.span is not None:
            start, end = self.span
            if moment is None or moment >= end:
                value = TIME_STEPS
            else:
                share = (moment - start) / (end - start) if end > start else 0.0
                value = max(0, min(TIME_STEPS, round(share * TIME_STEPS)))
            self.slider.blockSignals(True)
            self.slider.setValue(value)
            self.slider.blockSignals(False)
        self.time_label.setText(f"As of {moment:%d %b %Y}" if moment else "As of now")

    def _slid(self, value: int) -> None:
        if self.span is None:
            return
        start, end = self.span
        if value >= TIME_STEPS:
            moment = None
        else:
            moment = start + (end - start) * (value / TIME_STEPS) + timedelta(seconds=1)
        self.time_label.setText(f"As of {moment:%d %b %Y}" if moment else "As of now")
        self.moved.emit(moment)

    def toggle_play(self) -> None:
        if self.player.isActive():
            self.player.stop()
            self.play_button.setText("Play")
            return
        if self.slider.value() >= TIME_STEPS:
            self.slider.setValue(0)
        self.play_button.setText("Stop")
        self.player.start()

    def _play_step(self) -> None:
        if self.slider.value() >= TIME_STEPS:
            self.toggle_play()
            return
        self.slider.setValue(self.slider.value() + PLAY_STRIDE)
