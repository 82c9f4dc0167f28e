"""The app's quick actions (open, ask, pause/resume capture, capture now, quit) and its status,
shared by the tray menu and, where there is no tray, a toolbar in the window."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction

from ui.activity import ActivityBoard


class CaptureControl(Protocol):
    """What the controls need from screen capture (the capture agent provides it)."""

    @property
    def paused(self) -> bool: ...

    def pause(self, minutes: float | None) -> None: ...

    def resume(self) -> None: ...

    def capture_now(self) -> None: ...


class AppControls(QObject):
    status_changed = Signal(str)
    open_requested = Signal()
    ask_requested = Signal()
    quit_requested = Signal()
    forget_requested = Signal(float)  # minutes

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.capture: CaptureControl | None = None
        # Everything that runs (engine work, background jobs, capture): the status's source.
        self.board = ActivityBoard(self)
        self.board.changed.connect(lambda: self.status_changed.emit(self.status()))
        self.open_action = QAction("Open Reverie", self)
        self.ask_action = QAction("Ask…", self)
        self.pause_action = QAction("Pause capture", self)
        self.snooze_15_action = QAction("Pause capture for 15 minutes", self)
        self.snooze_60_action = QAction("Pause capture for 1 hour", self)
        self.capture_action = QAction("Capture now", self)
        self.capture_action.setShortcut("Ctrl+Shift+S")
        self.forget_action = QAction("Forget the last 15 minutes of capture", self)
        self.forget_action.triggered.connect(lambda: self.forget_requested.emit(15.0))
        self.quit_action = QAction("Quit Reverie", self)
        self.quit_action.setShortcut("Ctrl+Q")
        self.open_action.triggered.connect(self.open_requested)
        self.ask_action.triggered.connect(self.ask_requested)
        self.quit_action.triggered.connect(self.quit_requested)
        self.pause_action.triggered.connect(self.toggle_pause)
        self.snooze_15_action.triggered.connect(lambda: self.snooze(15))
        self.snooze_60_action.triggered.connect(lambda: self.snooze(60))
        self.capture_action.triggered.connect(self.capture_now)
        self.set_capture(None)

    def actions(self) -> list[QAction]:
        return [self.open_action, self.ask_action, self.pause_action, self.snooze_15_action,
                self.snooze_60_action, self.capture_action, self.forget_action,
                self.quit_action]  # fmt: skip

    # ------------------------------------------------------------ capture

    def set_capture(self, capture: CaptureControl | None) -> None:
        self.capture = capture
        for action in (self.pause_action, self.snooze_15_action, self.snooze_60_action,
                       self.capture_action, self.forget_action):  # fmt: skip
            action.setEnabled(capture is not None)
            action.setToolTip("" if capture else "Screen capture is off (turn it on in Settings)")
        self.refresh()

    def toggle_pause(self) -> None:
        if self.capture is None:
            return
        if self.capture.paused:
            self.capture.resume()
        else:
            self.capture.pause(None)
        self.refresh()

    def snooze(self, minutes: float) -> None:
        if self.capture is not None:
            self.capture.pause(minutes)
            self.refresh()

    def capture_now(self) -> None:
        if self.capture is not None:
            self.capture.capture_now()

    # ------------------------------------------------------------ status

    def set_work(self, label: str) -> None:
        """The engine worker's current job ("" when idle)."""
        self.board.engine_work(label)

    def status(self) -> str:
        """Idle, or everything that runs: "extracting memories 3/200 · capturing"."""
        return self.board.summary()

    def refresh(self) -> None:
        paused = self.capture is not None and self.capture.paused
        self.pause_action.setText("Resume capture" if paused else "Pause capture")
        if self.capture is None:
            self.board.clear("capture")
        else:
            self.board.set("capture", "capture paused" if paused else "capturing")
        self.status_changed.emit(self.status())
