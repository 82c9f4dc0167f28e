"""The Graph tab's entity panel: an entity's memories, and rename, merge and split, which
the view carries out through the engine (ui/graph_view.py)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.entity_merge import Choice


class EntityPanel(QWidget):
    """An entity: its names and the memories that name it, with rename, merge and split."""

    open_memory = Signal(int)
    change = Signal(object)  # a Choice

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("detailTitle")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.names = QLabel()
        self.names.setWordWrap(True)
        layout.addWidget(self.names)
        buttons = QHBoxLayout()
        self.rename_button = QPushButton("Rename…")
        self.merge_button = QPushButton("Merge into…")
        self.split_button = QPushButton("Split off a name…")
        for button in (self.rename_button, self.merge_button, self.split_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("<b>Memories</b>"))
        self.memories = QListWidget()
        self.memories.setWordWrap(True)
        self.memories.itemActivated.connect(self._activated)
        self.memories.itemClicked.connect(self._activated)
        layout.addWidget(self.memories, 1)
        self.label = ""
        self.aliases: tuple[str, ...] = ()
        self.rename_button.clicked.connect(self._rename)
        self.merge_button.clicked.connect(self._merge)
        self.split_button.clicked.connect(self._split)

    def show_entity(self, data: dict[str, Any]) -> None:
        row = data["row"]
        self.label, self.aliases = row.label, row.names
        self.title.setText(f"{data['shown']} · {row.kind} · {row.memories} memories")
        others = [n for n in row.names if n != row.label]
        self.names.setText(f"Also written as: {', '.join(others)}" if others else "")
        self.split_button.setEnabled(len(set(row.names)) > 1)
        self.memories.clear()
        for memory in data["memories"]:
            item = QListWidgetItem(f"#{memory.id} · {memory.kind.value} · {memory.text}")
            item.setData(Qt.ItemDataRole.UserRole, memory.id)
            self.memories.addItem(item)

    def _activated(self, item: QListWidgetItem) -> None:
        self.open_memory.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def _rename(self) -> None:
        text, ok = QInputDialog.getText(self, "Rename", f"New name for {self.label}:",
                                        text=self.label)  # fmt: skip
        if ok and text.strip():
            self.change.emit(Choice("rename", self.label, text.strip()))

    def _merge(self) -> None:
        text, ok = QInputDialog.getText(self, "Merge", f"Merge {self.label} into (a name):")
        if ok and text.strip():
            self.change.emit(Choice("merge", self.label, text.strip()))

    def _split(self) -> None:
        names = sorted({n for n in self.aliases if n != self.label}) or list(self.aliases)
        text, ok = QInputDialog.getItem(self, "Split", "Make this name its own entity:", names,
                                        0, False)  # fmt: skip
        if ok and text:
            self.change.emit(Choice("split", self.label, text))
