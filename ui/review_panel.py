"""Review: what waits for the user's decision, and what was learned, for a look.

Waiting: what the model wrote (and above all what would replace a fact you stated), out of
answers until accepted. Learned: facts read from your own words, active already; the latest
ones are listed so a misreading is easy to spot. One key each: A accept, E edit, R reject.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.runtime import Reverie
from app.services import review
from app.storage.review_store import PENDING, ReviewItem, ReviewStore
from ui.formatting import short, when
from ui.tasks import EngineRunner

KEYS = {Qt.Key.Key_A: "accept", Qt.Key.Key_E: "edit", Qt.Key.Key_R: "reject",
        Qt.Key.Key_Delete: "reject"}  # fmt: skip


def describe(item: ReviewItem) -> str:
    """Three short lines: the memory; its kind, subject and why; the message it came from."""
    memory = item.memory
    about = f" · about {memory.subject}" if memory.subject else ""
    lines = [memory.text, f"{memory.kind.value}{about} · {item.why}"]
    if item.replaces is not None:
        verb = "would replace" if item.state == PENDING else "replaced"
        lines.append(f"{verb}: “{short(item.replaces.text, 90)}”")
    if item.sources:
        source = item.sources[0]
        who = source.speaker or source.role
        lines.append(f"from “{short(source.content, 110)}” — {who}, {when(source.timestamp)}")
    return "\n".join(lines)


class ReviewList(QListWidget):
    """A list answering the review keys."""

    key_action = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = KEYS.get(Qt.Key(event.key()))
        if action is not None and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.key_action.emit(action)
            return
        super().keyPressEvent(event)


class ReviewPanel(QWidget):
    count_changed = Signal(int)
    changed = Signal()

    def __init__(self, reverie: Reverie, runner: EngineRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.reverie, self.runner = reverie, runner
        self.lists_shown: review.ReviewLists | None = None
        self._editing: int | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            "<b>Waiting for you</b>: what the model wrote and what would replace a fact you"
            " stated. Reverie does not use these until you accept them. Keys: <b>A</b> accept,"
            " <b>E</b> edit, <b>R</b> reject."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.pending_title = QLabel()
        self.pending_title.setObjectName("sectionTitle")
        layout.addWidget(self.pending_title)
        self.pending = self._list()
        layout.addWidget(self.pending, 3)
        self.learned_title = QLabel()
        self.learned_title.setObjectName("sectionTitle")
        layout.addWidget(self.learned_title)
        self.learned = self._list()
        layout.addWidget(self.learned, 2)
        self.editor = QLineEdit()
        self.editor.setPlaceholderText("Correct the memory, then Enter (Esc: leave it)")
        self.editor.setVisible(False)
        self.editor.returnPressed.connect(self._save_edit)
        layout.addWidget(self.editor)
        row = QHBoxLayout()
        self.accept_button = QPushButton("Accept  (A)")
        self.edit_button = QPushButton("Edit  (E)")
        self.reject_button = QPushButton("Reject  (R)")
        self.accept_all_button = QPushButton("Accept all waiting")
        self.accept_button.clicked.connect(lambda: self.act("accept"))
        self.edit_button.clicked.connect(lambda: self.act("edit"))
        self.reject_button.clicked.connect(lambda: self.act("reject"))
        self.accept_all_button.clicked.connect(self.accept_all)
        for button in (self.accept_button, self.edit_button, self.reject_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.accept_all_button)
        layout.addLayout(row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        layout.addStretch(0)  # takes the room only while both lists are hidden
        self._show(review.ReviewLists([], [], 0, 0))

    def _list(self) -> ReviewList:
        listing = ReviewList()
        listing.setWordWrap(True)
        listing.setAlternatingRowColors(True)
        listing.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        listing.key_action.connect(self.act)
        listing.itemSelectionChanged.connect(lambda: self._selected_in(listing))
        return listing

    def _selected_in(self, listing: QListWidget) -> None:
        # One selection at a time across both lists: the keys act on what is highlighted.
        if listing.selectedItems():
            other = self.learned if listing is self.pending else self.pending
            other.blockSignals(True)
            other.clearSelection()
            other.blockSignals(False)

    # ---------------------------------------------------------------- loading

    def reload(self) -> None:
        self.runner.submit("loading the review list", lambda _: self._lists(self.reverie.now()),
                           on_done=self._show, on_error=self.status.setText)  # fmt: skip

    def _lists(self, now: datetime) -> review.ReviewLists:
        """On the worker."""
        return review.review_lists(self.reverie.store, now, self.reverie.settings.review_mode)

    def _show(self, lists: review.ReviewLists) -> None:
        self.lists_shown = lists
        for listing, items in ((self.pending, lists.pending), (self.learned, lists.learned)):
            listing.clear()
            for entry in items:
                item = QListWidgetItem(describe(entry))
                item.setData(Qt.ItemDataRole.UserRole, entry.memory.id)
                item.setData(Qt.ItemDataRole.UserRole + 1, entry.memory.text)
                listing.addItem(item)
        more = lists.pending_total - len(lists.pending)
        self.pending_title.setText(
            f"Waiting for you ({lists.pending_total})"
            + (f" — the first {len(lists.pending)} shown" if more > 0 else "")
        )
        if not lists.pending_total:
            self.pending_title.setText(
                "Nothing waits for you. What the model is unsure of, and anything that would"
                " replace a fact you stated, will wait here until you accept it."
            )
        self.learned_title.setText(
            f"Learned from your own words — the latest {len(lists.learned)} of"
            f" {lists.learned_total}, already in use (A: looks right, R: wrong)"
            if lists.learned
            else "Learned: nothing yet. Import a chat (Import tab) or tell Reverie about"
            " yourself in Chat; the facts it reads from your words show here."
        )
        # An empty list is said in its title; hidden, it leaves the room to the other (an empty
        # waiting list took most of the tab while the learned facts scrolled in a strip).
        self.pending.setVisible(bool(lists.pending))
        self.learned.setVisible(bool(lists.learned))
        self.accept_all_button.setEnabled(bool(lists.pending))
        self.count_changed.emit(lists.pending_total)

    # ---------------------------------------------------------------- acting

    def focused_list(self) -> QListWidget:
        return self.learned if self.learned.selectedItems() else self.pending

    def selected_ids(self) -> list[int]:
        items = self.focused_list().selectedItems()
        if not items and self.focused_list().currentItem() is not None:
            items = [self.focused_list().currentItem()]
        return [int(i.data(Qt.ItemDataRole.UserRole)) for i in items]

    def act(self, action: str) -> None:
        ids = self.selected_ids()
        if not ids:
            self.status.setText("Select a memory first (click it, or use the arrow keys).")
            return
        if action == "accept":
            self._apply(
                "accepting", lambda store, index, now: review.accept(store, index, ids, now)
            )
        elif action == "reject":
            self._apply(
                "rejecting", lambda store, index, now: review.reject(store, index, ids, now)
            )
        elif action == "edit":
            item = self.focused_list().selectedItems() or [self.focused_list().currentItem()]
            self._editing = ids[0]
            self.editor.setText(str(item[0].data(Qt.ItemDataRole.UserRole + 1)))
            self.editor.setVisible(True)
            self.editor.setFocus()
            self.editor.selectAll()

    def accept_all(self) -> None:
        """Everything waiting (not only what is shown)."""

        def work(store: object, index: object, now: datetime) -> int:
            waiting = ReviewStore(self.reverie.store).items(PENDING, 100_000)
            ids = [entry.memory.id for entry in waiting]
            return review.accept(self.reverie.store, self.reverie.index, ids, now)

        self._apply("accepting", work)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.editor.isVisible():
            self._close_editor()
            return
        super().keyPressEvent(event)

    def _save_edit(self) -> None:
        memory_id, text = self._editing, self.editor.text()
        self._close_editor()
        if memory_id is None:
            return
        self._apply("saving an edit",
                    lambda store, index, now: review.edit_and_accept(store, index, memory_id,
                                                                     text, now))  # fmt: skip

    def _close_editor(self) -> None:
        self._editing = None
        self.editor.setVisible(False)
        self.focused_list().setFocus()

    def _apply(self, label: str, change: Callable[..., object]) -> None:
        def work(_: object) -> review.ReviewLists:
            now = self.reverie.now()
            change(self.reverie.store, self.reverie.index, now)
            return self._lists(now)

        self.runner.submit(label, work, on_done=self._changed, on_error=self.status.setText)

    def _changed(self, lists: review.ReviewLists) -> None:
        self.status.setText("")
        row = max(0, self.pending.currentRow())
        self._show(lists)
        if self.pending.count():  # the next one is ready for the next key
            self.pending.setCurrentRow(min(row, self.pending.count() - 1))
            self.pending.setFocus()
        self.changed.emit()
