"""A memory and the evidence behind it: what a citation chip opens."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QVBoxLayout, QWidget

from app.core.records import Evidence, Memory
from ui.formatting import source_line, when


class MemoryDialog(QDialog):
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
        facts = QLabel(
            f"{memory.kind.value.capitalize()} memory · happened {when(memory.event_time)}"
            f" · learned {when(memory.observed_at)}"
            + (" · pinned" if memory.pinned else "")
            + (" · archived" if memory.archived else "")
            + ("" if memory.current else " · replaced by a newer memory")
        )
        facts.setWordWrap(True)
        layout.addWidget(facts)
        layout.addWidget(QLabel("<b>Evidence</b> (where this memory came from)"))
        self.evidence = QListWidget()
        self.evidence.setWordWrap(True)
        for item in evidence:
            self.evidence.addItem(f"{item.content}\n    {source_line(item)}")
        if not evidence:
            self.evidence.addItem("(no evidence: the memory was added by hand)")
        layout.addWidget(self.evidence)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.resize(560, 360)
