"""The Graph tab's colour groups: saved searches whose matching nodes are drawn in the group's
colour. Words typed here are saved as a group (kept in the store, through app.services.graph,
on the engine); the chosen one can be removed. The view (ui.graph_view) redraws on `changed`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from app.runtime import Reverie
from app.services.graph import add_colour_group, remove_colour_group
from ui.tasks import EngineRunner


class ColourGroups(QWidget):
    """The words of a new group, the groups saved, and Remove."""

    changed = Signal()  # a group was saved or removed: `groups` holds the new list
    failed = Signal(str)  # a group could not be saved

    def __init__(self, reverie: Reverie, runner: EngineRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.reverie, self.runner = reverie, runner
        self.groups: list[tuple[str, str]] = []  # (words, colour)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)  # sits in the view's row as if its own widgets
        self.words = QLineEdit()
        self.words.setPlaceholderText("Colour group: words…")
        self.words.setMaximumWidth(180)
        self.words.returnPressed.connect(self.add)
        row.addWidget(self.words)
        self.chosen = QComboBox()
        self.chosen.setMinimumWidth(120)
        row.addWidget(self.chosen)
        self.remove_button = QPushButton("Remove group")
        self.remove_button.clicked.connect(self.remove)
        row.addWidget(self.remove_button)

    def show_groups(self, groups: list[tuple[str, str]]) -> None:
        """List `groups` (as read from the store), each in its colour."""
        self.groups = groups
        self.chosen.clear()
        for words, colour in groups:
            self.chosen.addItem(f"● {words}", words)
            self.chosen.setItemData(self.chosen.count() - 1, QColor(colour),
                                    Qt.ItemDataRole.ForegroundRole)  # fmt: skip
        self.remove_button.setEnabled(bool(groups))

    def add(self) -> None:
        """Save the words as a colour group: what matches them is drawn in its colour."""
        words, store = self.words.text(), self.reverie.store

        def done(groups: list[tuple[str, str]]) -> None:
            self.words.clear()
            self.show_groups(groups)
            self.changed.emit()

        self.runner.submit("saving a colour group", lambda _: add_colour_group(store, words),
                           on_done=done, on_error=self.failed.emit)  # fmt: skip

    def remove(self) -> None:
        words, store = self.chosen.currentData(), self.reverie.store
        if not words:
            return

        def done(groups: list[tuple[str, str]]) -> None:
            self.show_groups(groups)
            self.changed.emit()

        self.runner.submit("removing a colour group",
                           lambda _: remove_colour_group(store, words), on_done=done)  # fmt: skip
