"""The detail pane of the memory browser: one memory, why it exists, and what to do with it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.forgetting import effective_stability, elapsed_days, memory_retention
from app.core.records import Evidence, HistoryEntry, Memory
from app.runtime import Reverie
from app.services.curation import erase_memory
from app.services.index_sync import sync_index
from app.storage.curation_store import CurationStore
from ui.curve_plot import CurvePlot
from ui.formatting import source_line, when
from ui.tasks import EngineRunner


@dataclass(frozen=True)
class MemoryFile:
    """Everything the pane shows about one memory, read in one go on the worker."""

    memory: Memory
    evidence: list[Evidence]
    history: list[HistoryEntry]
    retention: float
    elapsed_days: float
    threshold: float
    stability_days: float  # as the user's settings scale it


def read_memory(reverie: Reverie, memory_id: int) -> MemoryFile:
    memory = reverie.store.get_memory(memory_id)
    evidence = reverie.store.get_evidence(list(memory.evidence_ids))
    now = reverie.now()
    return MemoryFile(
        memory,
        [evidence[e] for e in memory.evidence_ids if e in evidence],
        reverie.store.history(memory_id),
        memory_retention(memory, now, reverie.params),
        elapsed_days(memory.strength_since, now),
        reverie.params.archive_threshold,
        effective_stability(memory, reverie.params),
    )


def confirm_erase(parent: QWidget, text: str) -> bool:
    answer = QMessageBox.question(
        parent,
        "Delete for good?",
        f"Delete this memory for good?\n\n“{text}”\n\nIts words are removed from history too. "
        "This cannot be undone (Forget hides a memory and can be undone).",
    )
    return answer == QMessageBox.StandardButton.Yes


class MemoryDetail(QWidget):
    changed = Signal()  # a memory was edited, pinned, forgotten, restored or deleted

    def __init__(self, reverie: Reverie, runner: EngineRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.reverie, self.runner = reverie, runner
        self.current: MemoryFile | None = None
        self.confirm = confirm_erase  # replaceable, so tests can answer the question
        layout = QVBoxLayout(self)
        self.title = QLabel("Select a memory to see where it came from.")
        self.title.setObjectName("detailTitle")
        layout.addWidget(self.title)
        self.editor = QPlainTextEdit()
        self.editor.setMaximumHeight(90)
        self.editor.setEnabled(False)
        layout.addWidget(self.editor)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        layout.addWidget(self.facts)
        self.curve = CurvePlot()
        layout.addWidget(self.curve)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save edit")
        self.pin_button = QPushButton("Pin")
        self.forget_button = QPushButton("Forget")
        self.restore_button = QPushButton("Restore")
        self.delete_button = QPushButton("Delete for good…")
        self.forget_button.setToolTip("Archive: hidden from answers, restorable at any time")
        for button in (self.save_button, self.pin_button, self.forget_button,
                       self.restore_button, self.delete_button):  # fmt: skip
            button.setEnabled(False)
            buttons.addWidget(button)
        self.save_button.clicked.connect(self.save_edit)
        self.pin_button.clicked.connect(self.toggle_pin)
        self.forget_button.clicked.connect(self.forget)
        self.restore_button.clicked.connect(self.restore)
        self.delete_button.clicked.connect(self.erase)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("<b>Evidence</b>"))
        self.evidence = QListWidget()
        self.evidence.setWordWrap(True)
        layout.addWidget(self.evidence, 1)
        layout.addWidget(QLabel("<b>History</b>"))
        self.history = QListWidget()
        self.history.setWordWrap(True)
        layout.addWidget(self.history, 1)
        self.message = QLabel()
        self.message.setObjectName("detailMessage")
        layout.addWidget(self.message)

    # ------------------------------------------------------------------ loading

    def show_memory(self, memory_id: int | None) -> None:
        if memory_id is None:
            self._clear()
            return
        self.runner.submit("reading a memory", lambda _: read_memory(self.reverie, memory_id),
                           on_done=self._render, on_error=self._error)  # fmt: skip

    def _clear(self) -> None:
        self.current = None
        self.title.setText("Select a memory to see where it came from.")
        self.editor.setPlainText("")
        self.facts.setText("")
        self.evidence.clear()
        self.history.clear()
        self.curve.show_curve(0, 0, 0.05, False)
        for button in (self.save_button, self.pin_button, self.forget_button,
                       self.restore_button, self.delete_button):  # fmt: skip
            button.setEnabled(False)

    def _render(self, file: MemoryFile) -> None:
        self.current = file
        memory = file.memory
        state = "archived (forgotten)" if memory.archived else "active"
        if not memory.current:
            state += ", replaced by a newer memory"
        self.title.setText(f"Memory #{memory.id} · {memory.kind.value} · {state}")
        self.editor.setEnabled(True)
        self.editor.setPlainText(memory.text)
        self.facts.setText(
            f"Happened: {when(memory.event_time)}   Learned: {when(memory.observed_at)}\n"
            f"Importance {memory.importance:.2f} · retention now {file.retention:.0%}"
            f"{' (pinned: never fades)' if memory.pinned else ''} · recalled "
            f"{memory.recall_count} time{'s' if memory.recall_count != 1 else ''}"
            f" · from {memory.origin}"
        )
        self.curve.show_curve(file.stability_days, file.elapsed_days, file.threshold,
                              memory.pinned)  # fmt: skip
        self.evidence.clear()
        for item in file.evidence:
            self.evidence.addItem(f"{item.content or '(erased)'}\n    {source_line(item)}")
        self.history.clear()
        for entry in file.history:
            self.history.addItem(f"{when(entry.at)} · {entry.action.value} · {entry.reason}")
        self.save_button.setEnabled(True)
        self.pin_button.setEnabled(True)
        self.pin_button.setText("Unpin" if memory.pinned else "Pin")
        self.forget_button.setEnabled(not memory.archived)
        self.restore_button.setEnabled(memory.archived)
        self.delete_button.setEnabled(True)
        self.message.setText("")

    def _error(self, message: str) -> None:
        self.message.setText(message)

    # ------------------------------------------------------------------ actions

    def _act(self, label: str, change: Any, erased: bool = False) -> None:
        assert self.current is not None
        memory_id = self.current.memory.id

        def work(_: object) -> MemoryFile | None:
            change(memory_id, self.reverie.now())
            sync_index(self.reverie.store, self.reverie.index)
            return None if erased else read_memory(self.reverie, memory_id)

        self.runner.submit(label, work, on_done=self._after, on_error=self._error)

    def _after(self, file: MemoryFile | None) -> None:
        if file is None:
            self._clear()
            self.message.setText("Deleted for good.")
        else:
            self._render(file)
        self.changed.emit()

    def save_edit(self) -> None:
        text = self.editor.toPlainText()
        curation = CurationStore(self.reverie.store)
        self._act("saving an edit", lambda i, now: curation.edit(i, now, text=text))

    def toggle_pin(self) -> None:
        assert self.current is not None
        pinned = not self.current.memory.pinned
        self._act("pinning", lambda i, now: self.reverie.store.set_pinned(i, pinned, now))

    def forget(self) -> None:
        store = self.reverie.store
        self._act("forgetting", lambda i, now: store.archive(i, now, "forgotten by the user"))

    def restore(self) -> None:
        self._act("restoring", self.reverie.store.restore)

    def erase(self) -> None:
        assert self.current is not None
        if not self.confirm(self, self.current.memory.text):
            return
        store, index = self.reverie.store, self.reverie.index
        self._act("deleting", lambda i, now: erase_memory(store, index, i, now), erased=True)
