"""A memory and the evidence behind it: what a citation chip opens, with Pin and a way to the
memory in the Memories tab (where it can be edited, forgotten or deleted)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.records import Evidence, Memory
from ui.formatting import source_line, when


class MemoryDialog(QDialog):
    pin_requested = Signal(int, bool)  # memory id, pinned
    show_requested = Signal(int)  # memory id: open it in the Memories tab

    def __init__(
        self, memory: Memory, evidence: list[Evidence], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Memory #{memory.id}")
        self.setObjectName("memoryDialog")
        self.memory = memory
        layout = QVBoxLayout(self)
        self.text = QLabel(memory.text)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setObjectName("memoryText")
        layout.addWidget(self.text)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        layout.addWidget(self.facts)
        layout.addWidget(QLabel("<b>Evidence</b> (where this memory came from)"))
        self.evidence = QListWidget()
        self.evidence.setWordWrap(True)
        for item in evidence:
            self.evidence.addItem(f"{item.content}\n    {source_line(item)}")
        if not evidence:
            self.evidence.addItem("(no evidence: the memory was added by hand)")
        layout.addWidget(self.evidence)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.pin_button = QPushButton()
        self.pin_button.setObjectName("dialogPin")
        self.pin_button.clicked.connect(
            lambda: self.pin_requested.emit(self.memory.id, not self.memory.pinned)
        )
        self.show_button = QPushButton("Show in Memories")
        self.show_button.setToolTip("Open this memory in the Memories tab to edit or forget it")
        self.show_button.clicked.connect(self._show_in_memories)
        buttons.addButton(self.pin_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.show_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.show_memory(memory)
        self.resize(560, 360)

    def _show_in_memories(self) -> None:
        # Closed on the way: left open, it covered the Memories tab it had just opened.
        self.show_requested.emit(self.memory.id)
        self.close()

    def show_memory(self, memory: Memory) -> None:
        """Shown again after a change (pinned or unpinned)."""
        self.memory = memory
        self.facts.setText(
            f"{memory.kind.value.capitalize()} memory · happened {when(memory.event_time)}"
            f" · learned {when(memory.observed_at)}"
            + (" · pinned: never fades" if memory.pinned else "")
            + (" · archived" if memory.archived else "")
            + ("" if memory.current else " · replaced by a newer memory")
        )
        self.pin_button.setText("Unpin" if memory.pinned else "Pin")
        self.pin_button.setToolTip(
            "Let it fade again" if memory.pinned else "Keep this memory: pinned ones never fade"
        )
