"""The memory browser: filter and search the list, inspect and change one memory."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.forgetting import memory_retention
from app.core.records import Memory, MemoryKind
from app.runtime import Reverie
from app.services.recall import RecallOptions, search
from app.storage.curation_store import BrowseFilter, CurationStore
from ui.formatting import memory_time, when
from ui.memory_detail import MemoryDetail
from ui.tasks import EngineRunner

TIME_RANGES = {"Any time": None, "Last 24 hours": 1, "Last 7 days": 7, "Last 30 days": 30,
               "Last 365 days": 365}  # fmt: skip
STATES = {"Active": False, "Forgotten (archived)": True, "All": None}
NO_MEMORIES = (
    "<b>No memories yet.</b><br>Import a chat log from the Import tab (or drop a file on the"
    " window), or tell Reverie something in Chat: what you say there is remembered."
)
NO_MATCH = "<b>Nothing matches.</b><br>Try other words, or fewer filters."


@dataclass(frozen=True)
class Query:
    filter: BrowseFilter
    words: str
    by_meaning: bool


@dataclass(frozen=True)
class Row:
    memory: Memory
    retention: float
    match: float | None = None  # search by meaning: relative to the best match (1.0)


# Search by meaning ranks every memory; matches scoring below this share of the best one are
# weak (they share a word or a topic at most) and are left out.
WEAK_MATCH = 0.5
# A message's memory reads "Sam: I signed the lease…" (speaker first); a chat turn may read
# "me: …" or "assistant: …".
_SPEAKER = re.compile(r"^\s*([A-Za-zÀ-ÿ][\w .'-]{0,30}?)\s*:\s+")
_ROLES = {"me": "you", "user": "you", "assistant": "assistant", "reverie": "Reverie"}


def speaker_and_text(memory: Memory) -> tuple[str, str]:
    """Who said it, and the words without the "Sam:"/"me:"/"assistant:" prefix."""
    found = _SPEAKER.match(memory.text) if memory.origin == "ingest" else None
    if found is None:
        return _ROLES.get(memory.role or "", memory.role or ""), memory.text
    who = found.group(1)
    return _ROLES.get(who.lower(), who), memory.text[found.end() :]


def run_query(reverie: Reverie, query: Query) -> list[Row]:
    chosen = query.filter
    matches: dict[int, float] = {}
    if query.words.strip() and query.by_meaning:
        hits = search(reverie.store, reverie.index, query.words, now=reverie.now(),
                      params=reverie.params, options=RecallOptions(k=50))  # fmt: skip
        best = max((h.score for h in hits), default=0.0)
        matches = {h.memory.id: h.score / best for h in hits if best > 0}
        strong = [h.memory.id for h in hits if best > 0 and h.score >= WEAK_MATCH * best]
        chosen = replace(chosen, ids=tuple(strong))
    elif query.words.strip():
        chosen = replace(chosen, text=query.words)
    now = reverie.now()
    memories = CurationStore(reverie.store).browse(chosen)
    return [Row(m, memory_retention(m, now, reverie.params), matches.get(m.id)) for m in memories]


class MemoryBrowser(QWidget):
    loaded = Signal(int)  # rows shown
    changed = Signal()

    def __init__(self, reverie: Reverie, runner: EngineRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.reverie, self.runner = reverie, runner
        self.rows: list[Row] = []
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search your memories…")
        self.search.setClearButtonEnabled(True)
        self.mode = QComboBox()
        self.mode.addItems(["Words", "Meaning"])
        self.mode.setToolTip("Words: full-text search. Meaning: semantic search (similar ideas)")
        self.kind = QComboBox()
        self.kind.addItem("All kinds", None)
        for kind in MemoryKind:
            self.kind.addItem(kind.value.capitalize(), kind)
        self.source = QComboBox()
        self.source.addItem("All sources", None)
        for name, label in (("import", "Imported"), ("chat", "Chat"), ("screen", "Screen")):
            self.source.addItem(label, name)
        self.period = QComboBox()
        self.period.addItems(list(TIME_RANGES))
        self.state = QComboBox()
        self.state.addItems(list(STATES))
        self.pinned = QCheckBox("Pinned only")
        filters.addWidget(self.search, 2)
        for widget in (self.mode, self.kind, self.source, self.period, self.state, self.pinned):
            filters.addWidget(widget)
        layout.addLayout(filters)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(["When", "Kind", "Who", "Memory", "Retention",
                                              "Match"])  # fmt: skip
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        # The memory's text takes the room; the short columns only what they hold (at 100 px
        # each the text was wrapped onto five lines beside half-empty columns).
        for column in (0, 1, 2, 4, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selected)
        # In place of an empty table: what to do (no memories yet) or that nothing matches.
        self.empty = QLabel(NO_MEMORIES)
        self.empty.setObjectName("emptyState")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty)
        splitter.addWidget(self.list_stack)
        self.detail = MemoryDetail(reverie, runner)
        self.detail.changed.connect(self._detail_changed)
        splitter.addWidget(self.detail)
        splitter.setSizes([560, 420])
        layout.addWidget(splitter, 1)
        self.count = QLabel()
        layout.addWidget(self.count)
        # Typing waits for a pause before searching; the other filters apply at once.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.reload)
        self.search.textChanged.connect(self._debounce.start)
        for combo in (self.mode, self.kind, self.source, self.period, self.state):
            combo.currentIndexChanged.connect(self.reload)
        self.pinned.toggled.connect(self.reload)

    def query(self) -> Query:
        days = TIME_RANGES[self.period.currentText()]
        kind = self.kind.currentData()  # Qt hands the enum back as its string value
        start = self.reverie.now() - timedelta(days=days) if days else None
        return Query(
            BrowseFilter(
                kind=MemoryKind(kind) if kind else None,
                start=start,
                source_kind=self.source.currentData(),
                pinned=True if self.pinned.isChecked() else None,
                archived=STATES[self.state.currentText()],
            ),
            self.search.text(),
            self.mode.currentText() == "Meaning",
        )

    def reload(self) -> None:
        query = self.query()
        self.runner.submit("loading memories", lambda _: run_query(self.reverie, query),
                           on_done=self._show, on_error=self.count.setText)  # fmt: skip

    def _show(self, rows: list[Row]) -> None:
        # The detail pane keeps its memory across reloads (a just-forgotten memory stays open,
        # so Restore is one click away); the list re-selects it when it is still listed.
        keep = self.detail.current.memory.id if self.detail.current else None
        self.rows = rows
        self.table.blockSignals(True)
        self.table.clearSelection()
        # Emptied first: replacing an item of a filled table re-measured the whole column
        # each time (12 ms a cell), so a reload of 200 rows took 2.8 s of CPU, a first fill 0.04 s.
        self.table.setRowCount(0)
        self.table.setRowCount(len(rows))
        for n, row in enumerate(rows):
            memory = row.memory
            who, text = speaker_and_text(memory)
            # Words, not emoji: a missing glyph showed as an empty box.
            marks = ("[pinned] " if memory.pinned else "") + (
                "[forgotten] " if memory.archived else "")  # fmt: skip
            match = f"{row.match:.0%}" if row.match is not None else ""
            cells = [when(memory_time(memory)), memory.kind.value, who, marks + text,
                     f"{row.retention:.0%}", match]  # fmt: skip
            for column, cell in enumerate(cells):
                item = QTableWidgetItem(cell)
                item.setData(Qt.ItemDataRole.UserRole, memory.id)
                if column == 3:
                    item.setToolTip(memory.text)
                self.table.setItem(n, column, item)
            if memory.id == keep:
                self.table.selectRow(n)
        if keep is None or keep not in {row.memory.id for row in rows}:
            # The open memory left this list (forgotten from "Active"): no other row looks
            # selected while the detail pane still shows it.
            self.table.setCurrentCell(-1, -1)
            self.table.clearSelection()
        self.table.setColumnHidden(5, not any(row.match is not None for row in rows))
        self.table.resizeRowsToContents()
        self.table.blockSignals(False)
        self.count.setText(f"{len(rows)} memor{'y' if len(rows) == 1 else 'ies'} shown")
        filtered = bool(self.search.text().strip()) or self.query().filter != BrowseFilter(
            archived=False)  # fmt: skip
        self.empty.setText(NO_MATCH if filtered else NO_MEMORIES)
        self.list_stack.setCurrentWidget(self.table if rows else self.empty)
        self.loaded.emit(len(rows))

    def selected_id(self) -> int | None:
        items = self.table.selectedItems()
        return int(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def select_memory(self, memory_id: int) -> bool:
        for n, row in enumerate(self.rows):
            if row.memory.id == memory_id:
                self.table.blockSignals(True)
                self.table.selectRow(n)
                self.table.blockSignals(False)
                self.detail.show_memory(memory_id)
                return True
        return False

    def open_memory(self, memory_id: int) -> None:
        """Show one memory (a citation's "Show in Memories"): selected when it is listed,
        in the detail pane either way."""
        if not self.select_memory(memory_id):
            self.table.clearSelection()
            self.detail.show_memory(memory_id)

    def _selected(self) -> None:
        selected = self.selected_id()
        if selected is not None:
            self.detail.show_memory(selected)

    def _detail_changed(self) -> None:
        self.changed.emit()
        self.reload()
