"""What Reverie is doing right now, for the status bar and the tray: every running job
(extraction, decay, capture, import, indexing, answering), scheduled ones included, with its
progress and, where it can stop, a Cancel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

# Engine jobs worth showing (quick reads, such as loading a list, would only make it flicker),
# by the start of their label, and the word shown for them.
SHOWN_ENGINE_WORK = (
    ("extract", "extracting"),
    ("import", "importing"),
    ("answer", "answering"),
    ("forget", "forgetting"),
    ("opening", "indexing"),
    ("index", "indexing"),
    ("delet", "deleting"),
)


@dataclass
class Activity:
    key: str
    label: str
    done: int = 0
    total: int = 0  # 0: no known end
    cancel: Callable[[], None] | None = None
    resume: Callable[[], None] | None = None

    def text(self) -> str:
        if self.total:
            return f"{self.label} {min(self.done, self.total)}/{self.total}"
        return self.label


class ActivityBoard(QObject):
    """The one list of running work; the status bar and the tray both read it."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: dict[str, Activity] = {}

    def set(
        self,
        key: str,
        label: str,
        done: int = 0,
        total: int = 0,
        cancel: Callable[[], None] | None = None,
        resume: Callable[[], None] | None = None,
    ) -> None:
        item = Activity(key, label, done, total, cancel, resume)
        if self._items.get(key) != item:
            self._items[key] = item
            self.changed.emit()

    def clear(self, key: str) -> None:
        if self._items.pop(key, None) is not None:
            self.changed.emit()

    def items(self) -> list[Activity]:
        return list(self._items.values())

    def get(self, key: str) -> Activity | None:
        return self._items.get(key)

    def engine_work(self, label: str) -> None:
        """The engine worker's current job (its label), "" when it is idle."""
        shown = next((word for prefix, word in SHOWN_ENGINE_WORK if label.startswith(prefix)), "")
        if shown:
            self.set("engine", shown)
        else:
            self.clear("engine")

    def summary(self) -> str:
        """ "idle", or every running job: "extracting 12/200 · capturing"."""
        texts = [item.text() for item in self._items.values()]
        return " · ".join(dict.fromkeys(texts)) or "idle"


class ActivityBar(QWidget):
    """The status bar's permanent part: what runs, a progress bar for the first job with a
    known end, and Cancel for the first job that can stop."""

    def __init__(self, board: ActivityBoard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.board = board
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel("idle")
        self.label.setObjectName("statusLabel")
        self.progress = QProgressBar()
        self.progress.setObjectName("statusProgress")
        self.progress.setMaximumWidth(160)
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        self.cancel_button = QToolButton()
        self.cancel_button.setObjectName("statusCancel")
        self.cancel_button.setAutoRaise(True)
        self.cancel_button.clicked.connect(self._cancel)
        row.addWidget(self.label)
        row.addWidget(self.progress)
        self.resume_button = QToolButton()
        self.resume_button.setObjectName("statusResume")
        self.resume_button.setAutoRaise(True)
        self.resume_button.setText("Resume")
        self.resume_button.clicked.connect(self._resume)
        row.addWidget(self.cancel_button)
        row.addWidget(self.resume_button)
        self._cancel_target: Activity | None = None
        self._resume_target: Activity | None = None
        board.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        items = self.board.items()
        self.label.setText(self.board.summary())
        measured = next((i for i in items if i.total), None)
        self.progress.setVisible(measured is not None)
        if measured is not None:
            self.progress.setRange(0, measured.total)
            self.progress.setValue(min(measured.done, measured.total))
        self._cancel_target = next((i for i in items if i.cancel is not None), None)
        self.cancel_button.setVisible(self._cancel_target is not None)
        if self._cancel_target is not None:
            self.cancel_button.setText(f"Cancel {self._cancel_target.label.split()[0]}")
            self.cancel_button.setToolTip(f"Stop {self._cancel_target.label} after this step")
        self._resume_target = next((i for i in items if i.resume is not None), None)
        self.resume_button.setVisible(self._resume_target is not None)

    def _resume(self) -> None:
        target = self._resume_target
        if target is not None and target.resume is not None:
            self.board.clear(target.key)
            target.resume()

    def _cancel(self) -> None:
        target = self._cancel_target
        if target is not None and target.cancel is not None:
            target.cancel()
