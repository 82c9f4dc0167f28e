"""The review queue: memories the model extracted, waiting for a person to accept, correct or
reject them (a small model gets subjects and details wrong; the user is the final judge)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.records import Memory
from app.runtime import Reverie
from app.services.curation import erase_memory
from app.services.index_sync import sync_index
from app.storage.curation_store import CurationStore
from ui.formatting import when
from ui.tasks import EngineRunner


class ReviewPanel(QWidget):
    count_changed = Signal(int)
    changed = Signal()

    def __init__(self, reverie: Reverie, runner: EngineRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.reverie, self.runner = reverie, runner
        self.memories: list[Memory] = []
        layout = QVBoxLayout(self)
        intro = QLabel(
            "New memories the model extracted from your messages. Accept what is right, fix "
            "what is almost right (double-click to edit), reject what is wrong."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.itemChanged.connect(self._edited)
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.accept_button = QPushButton("Accept")
        self.accept_all_button = QPushButton("Accept all")
        self.reject_button = QPushButton("Reject")
        self.accept_button.clicked.connect(self.accept_selected)
        self.accept_all_button.clicked.connect(self.accept_all)
        self.reject_button.clicked.connect(self.reject_selected)
        for button in (self.accept_button, self.accept_all_button, self.reject_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.status = QLabel()
        layout.addWidget(self.status)

    def reload(self) -> None:
        self.runner.submit("loading the review queue",
                           lambda _: CurationStore(self.reverie.store).review_queue(),
                           on_done=self._show, on_error=self.status.setText)  # fmt: skip

    def _show(self, memories: list[Memory]) -> None:
        self.memories = memories
        self.list.blockSignals(True)
        self.list.clear()
        for memory in memories:
            item = QListWidgetItem(memory.text)
            item.setData(Qt.ItemDataRole.UserRole, memory.id)
            item.setToolTip(f"{memory.kind.value} · learned {when(memory.observed_at)}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.status.setText("Nothing to review." if not memories else "")
        for button in (self.accept_button, self.accept_all_button, self.reject_button):
            button.setEnabled(bool(memories))
        self.count_changed.emit(len(memories))

    def _ids(self, items: list[QListWidgetItem]) -> list[int]:
        return [int(i.data(Qt.ItemDataRole.UserRole)) for i in items]

    def _apply(self, label: str, change: Callable[[CurationStore, datetime], object]) -> None:
        def work(_: object) -> list[Memory]:
            change(CurationStore(self.reverie.store), self.reverie.now())
            sync_index(self.reverie.store, self.reverie.index)
            return CurationStore(self.reverie.store).review_queue()

        self.runner.submit(label, work, on_done=self._changed, on_error=self.status.setText)

    def _changed(self, memories: list[Memory]) -> None:
        self._show(memories)
        self.changed.emit()

    def accept_selected(self) -> None:
        ids = self._ids(self.list.selectedItems())
        self._apply("accepting", lambda c, now: c.accept(ids, now))

    def accept_all(self) -> None:
        ids = [m.id for m in self.memories]
        self._apply("accepting", lambda c, now: c.accept(ids, now))

    def reject_selected(self) -> None:
        ids = self._ids(self.list.selectedItems())

        def reject(curation: CurationStore, now: datetime) -> None:
            for memory_id in ids:
                erase_memory(curation.store, self.reverie.index, memory_id, now)

        self._apply("rejecting", reject)

    def _edited(self, item: QListWidgetItem) -> None:
        memory_id = int(item.data(Qt.ItemDataRole.UserRole))
        text = item.text()
        self._apply("saving an edit", lambda c, now: c.edit(memory_id, now, text=text))
