"""The Graph tab: memories and the people, places and things they name, explored through time.

Opens on the user's neighbourhood (depth 2) rather than the whole hairball; search focuses on
another node, and the depth goes from 1 to 5. Nodes are sized by their links, coloured by
memory kind or entity type and fade with retention; links closed by a knowledge update are
dashed and faded. The "as of" slider shows the graph as it stood on a day (the older fact is
current again before the update) and Play replays it in the order things were learned.

Reading the store runs on the engine worker; the layout (igraph) in a process of its own,
since igraph keeps the GIL while it works. The GUI thread only draws: every node is one point
of a single scatter item and every edge a segment stroked into one image (ui.graph_edges), so
10k nodes pan smoothly. Above COLLAPSE_AT visible nodes, the memories around the busiest
entities fold into cluster nodes that open on click.

Parts with a concept of their own live beside it: how nodes and links look (ui.graph_style,
pure), the time controls (ui.graph_timeline), colour groups (ui.colour_groups), the entity
panel (ui.entity_panel) and export to a file (ui.graph_export).
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.entity_merge import Choice
from app.core.graph import (
    CLUSTER,
    ENTITY,
    MEMORY_KINDS,
    Filters,
    MemoryGraph,
    collapse,
)
from app.runtime import Reverie
from app.services.graph import (
    LayoutPool,
    choose,
    colour_groups,
    entity,
    entity_memories,
    load_graph,
    positions,
    read_entities,
    refresh_graph,
    save_positions,
    unread_count,
    user_key,
)
from ui.colour_groups import ColourGroups
from ui.entity_panel import EntityPanel
from ui.graph_edges import EdgeLayer
from ui.graph_export import export_canvas
from ui.graph_style import ALPHA_STEPS, COLOURS, style_graph
from ui.graph_timeline import Timeline
from ui.memory_detail import MemoryDetail
from ui.tasks import EngineRunner

COLLAPSE_AT = 3000
DEFAULT_DEPTH = 2
# A store this small opens whole; a bigger one on the user's neighbourhood (depth 2), not a
# hairball.
SHOW_ALL_UP_TO = 500
SOURCES = ("chat", "import", "screen")
TIME_RANGES = {"Learned any time": None, "Last 30 days": 30, "Last 90 days": 90,
               "Last 365 days": 365}  # fmt: skip


def position_key(graph: MemoryGraph, key: str) -> str:
    """Where a node's saved position is kept: memories by id, entities by name (a rebuild
    renumbers entity rows)."""
    node = graph.nodes[key]
    return f"entity:{node.label.casefold()}" if node.kind == ENTITY else key


# What the view reads from the store in one go: the graph, saved positions, how many
# messages wait for the recogniser, and the colour groups.
Loaded = tuple[MemoryGraph, dict[str, tuple[float, float]], int, list[tuple[str, str]]]


class _LayoutBridge(QObject):
    """Brings a finished layout from the pool's thread to the GUI thread."""

    ready = Signal(int, object)


class GraphView(QWidget):
    drawn = Signal()  # the view shows the current state (after load, layout, filter, time)
    changed = Signal()  # entities were renamed, merged or split

    def __init__(self, reverie: Reverie, runner: EngineRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.reverie, self.runner = reverie, runner
        self.full: MemoryGraph | None = None
        self.hood = MemoryGraph()  # the neighbourhood laid out (before time and filters)
        self.shown = MemoryGraph()  # what is drawn
        self.clusters: dict[str, set[str]] = {}
        self.expanded: set[str] = set()
        self.saved: dict[str, tuple[float, float]] = {}
        self.placed: dict[str, tuple[float, float]] = {}
        self.focus: str | None = None
        self.as_of: datetime | None = None
        self.selected: str | None = None
        self.anchor: str | None = None  # where the arrow keys step from
        self.pool = LayoutPool()
        self._layout_token = 0
        self.layouts_running = 0
        self.reading: Any = None  # the job reading names, while it runs
        self.bridge = _LayoutBridge(self)
        self.bridge.ready.connect(self._laid_out)
        self._build()

    # ------------------------------------------------------------------ widgets

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Focus on… (a name or words of a memory; Enter; empty: all)")
        self.search.returnPressed.connect(lambda: self.focus_on(self.search.text()))
        top.addWidget(self.search, 2)
        top.addWidget(QLabel("Depth"))
        self.depth_box = QSpinBox()
        self.depth_box.setRange(1, 5)
        self.depth_box.setValue(DEFAULT_DEPTH)
        self.depth_box.valueChanged.connect(lambda _: self._rebuild_hood())
        top.addWidget(self.depth_box)
        self.kind_boxes: dict[str, QCheckBox] = {}
        for kind in (*MEMORY_KINDS, ENTITY):
            box = QCheckBox("entities" if kind == ENTITY else kind)
            box.setChecked(True)
            box.toggled.connect(lambda _: self.redraw())
            self.kind_boxes[kind] = box
            top.addWidget(box)
        self.entity_type = QComboBox()
        self.entity_type.addItem("All entity types", None)
        self.entity_type.currentIndexChanged.connect(lambda _: self.redraw())
        top.addWidget(self.entity_type)
        self.source = QComboBox()
        self.source.addItem("All sources", None)
        for source in SOURCES:
            self.source.addItem(source, source)
        self.source.currentIndexChanged.connect(lambda _: self.redraw())
        top.addWidget(self.source)
        self.period = QComboBox()
        for label, days in TIME_RANGES.items():
            self.period.addItem(label, days)
        self.period.currentIndexChanged.connect(lambda _: self.redraw())
        top.addWidget(self.period)
        layout.addLayout(top)

        time_row = QHBoxLayout()
        self.timeline = Timeline()
        self.timeline.moved.connect(self._moved_in_time)
        time_row.addWidget(self.timeline, 1)
        self.group_bar = ColourGroups(self.reverie, self.runner)
        self.group_bar.changed.connect(self._draw)
        time_row.addWidget(self.group_bar)
        # Their parts stay reachable from the view, as before they had widgets of their own.
        self.slider, self.play_button = self.timeline.slider, self.timeline.play_button
        self.player = self.timeline.player
        self.group_words, self.group_list = self.group_bar.words, self.group_bar.chosen
        self.remove_group_button = self.group_bar.remove_button
        self.png_button = QPushButton("Export PNG…")
        self.svg_button = QPushButton("Export SVG…")
        self.png_button.clicked.connect(lambda: self._export_dialog("png"))
        self.svg_button.clicked.connect(lambda: self._export_dialog("svg"))
        time_row.addWidget(self.png_button)
        time_row.addWidget(self.svg_button)
        layout.addLayout(time_row)

        split = QSplitter()
        self.canvas = pg.PlotWidget()
        self.canvas.setObjectName("graphCanvas")
        self.canvas.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.canvas.installEventFilter(self)
        self.plot = self.canvas.getPlotItem()
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.plot.setAspectLocked(True)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.edges = EdgeLayer(self.plot.getViewBox())
        self.nodes_item = pg.ScatterPlotItem(pxMode=True, hoverable=True)
        self.nodes_item.sigClicked.connect(self._clicked)
        for item in (self.edges, self.nodes_item):
            self.plot.addItem(item)
        self.labels: list[pg.TextItem] = []
        split.addWidget(self.canvas)
        self.detail = QStackedWidget()
        self.empty = QLabel("Click a node to open the memory or the entity.")
        self.empty.setWordWrap(True)
        self.memory_detail = MemoryDetail(self.reverie, self.runner)
        self.entity_panel = EntityPanel()
        self.entity_panel.open_memory.connect(self.open_memory)
        self.entity_panel.change.connect(self.change_entity)
        for page in (self.empty, self.memory_detail, self.entity_panel):
            self.detail.addWidget(page)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)
        bottom = QHBoxLayout()
        self.status = QLabel()
        self.group_bar.failed.connect(self.status.setText)
        bottom.addWidget(self.status, 1)
        legend = " ".join(f'<span style="color:{COLOURS[k]}">●</span> {k}' for k in
                          ("episodic", "semantic", "procedural", "user", "person", "pet",
                           "place", "organisation"))  # fmt: skip
        self.legend = QLabel(legend + " · faded: forgotten or replaced; dashed: no longer true")
        bottom.addWidget(self.legend)
        layout.addLayout(bottom)

    # ------------------------------------------------------------------ loading

    def reload(self) -> None:
        """Bring entities up to date and read the graph, on the engine worker."""
        reverie = self.reverie

        def work(_: object) -> Loaded:
            refresh_graph(reverie.store)  # quick: facts, apps, links; names read below
            graph = load_graph(reverie.store, reverie.now(), reverie.params)
            return (graph, positions(reverie.store), unread_count(reverie.store),
                    colour_groups(reverie.store))  # fmt: skip

        self.runner.submit("reading the memory graph", work, on_done=self._loaded,
                           on_error=self.status.setText)  # fmt: skip

    def _read_names(self) -> None:
        """Messages the recogniser has not read (a store from before the graph, or imported
        without it) are read in small turns on the engine, questions first; then reload."""
        if self.reading is not None:
            return
        reverie = self.reverie

        def done(_: object) -> None:
            self.reading = None
            self.reload()

        def failed(message: str) -> None:
            self.reading = None
            self.status.setText(message)

        job = self.runner.submit_long(
            "reading names in your memories",
            lambda job: read_entities(reverie.store, reverie.entities, job.turn, job),
            on_done=done, on_error=failed,
        )  # fmt: skip
        job.progressed.connect(self._reading_progress)
        self.reading = job

    def _reading_progress(self, done: int, total: int, _label: str) -> None:
        self.status.setText(f"Reading names in your memories: {done} of {total}…")

    def _loaded(self, result: Loaded) -> None:
        self.full, self.saved, unread, groups = result
        self.group_bar.show_groups(groups)
        if unread:
            self._read_names()
        times = [n.learned_at for n in self.full.nodes.values() if n.learned_at is not None]
        self.timeline.span = (min(times), max(times)) if times else None
        types = sorted({n.group for n in self.full.nodes.values() if n.kind == ENTITY})
        chosen = self.entity_type.currentData()
        self.entity_type.blockSignals(True)
        self.entity_type.clear()
        self.entity_type.addItem("All entity types", None)
        for kind in types:
            self.entity_type.addItem(kind, kind)
        self.entity_type.setCurrentIndex(max(0, self.entity_type.findData(chosen)))
        self.entity_type.blockSignals(False)
        if self.focus is not None and self.focus not in self.full.nodes:
            self.focus = None
        if self.focus is None and len(self.full.nodes) > SHOW_ALL_UP_TO:
            self.focus = user_key(self.full) or self._busiest()
        self._rebuild_hood()

    def _busiest(self) -> str | None:
        assert self.full is not None
        degree = self.full.degree()
        return max(degree, key=lambda k: (degree[k], k)) if degree else None

    def _rebuild_hood(self) -> None:
        if self.full is None:
            return
        if self.focus is None:  # a small store: all of it
            hood = self.full
        else:
            hood = self.full.neighbourhood([self.focus], self.depth_box.value())
        self.hood, self.clusters = collapse(hood, COLLAPSE_AT, frozenset(self.expanded))
        missing = [k for k in self.hood.nodes if position_key(self.hood, k) not in self.saved]
        self.placed = {k: self.saved[position_key(self.hood, k)] for k in self.hood.nodes
                    if k not in missing}  # fmt: skip
        if missing:
            self._start_layout()
        self.redraw()

    def _start_layout(self) -> None:
        keys = sorted(self.hood.nodes)
        index = {k: i for i, k in enumerate(keys)}
        edges = sorted({(index[e.a], index[e.b]) for e in self.hood.edges})
        rng = random.Random(len(keys))  # the same view lays out the same way
        spread = math.sqrt(len(keys)) * 2 + 1
        seed = np.array([
            self.placed.get(k, (rng.uniform(-spread, spread), rng.uniform(-spread, spread)))
            for k in keys
        ])  # fmt: skip
        # Provisional positions so something shows at once.
        self.placed = {k: (float(x), float(y)) for k, (x, y) in zip(keys, seed, strict=True)}
        self._layout_token += 1
        token = self._layout_token
        self.layouts_running += 1
        future = self.pool.submit(len(keys), edges, seed)
        future.add_done_callback(lambda done: self.bridge.ready.emit(token, (keys, done)))

    def _laid_out(self, token: int, result: tuple[list[str], Any]) -> None:
        self.layouts_running -= 1
        keys, future = result
        if token != self._layout_token or future.cancelled():
            return
        try:
            coords = future.result()
        except Exception as error:  # a crashed worker: keep the provisional layout
            self.status.setText(f"Layout failed: {error}")
            return
        self.placed = {k: (float(x), float(y)) for k, (x, y) in zip(keys, coords, strict=True)}
        laid = {position_key(self.hood, k): p for k, p in self.placed.items()}
        self.saved.update(laid)
        store = self.reverie.store
        self.runner.submit("saving graph positions", lambda _: save_positions(store, laid))
        self.redraw()
        self.plot.autoRange()

    # ------------------------------------------------------------------ drawing

    def filters(self) -> Filters:
        kinds = frozenset(k for k, box in self.kind_boxes.items() if box.isChecked())
        kinds |= {CLUSTER} if ENTITY in kinds else set()
        entity_type = self.entity_type.currentData()
        source = self.source.currentData()
        days = self.period.currentData()
        return Filters(
            kinds=kinds,
            entity_types=frozenset({entity_type, "user"}) if entity_type else None,
            sources=frozenset({source}) if source else None,
            start=self.reverie.now() - timedelta(days=days) if days else None,
        )

    @property
    def groups(self) -> list[tuple[str, str]]:
        """The colour groups: (words, colour); ui.colour_groups keeps them."""
        return self.group_bar.groups

    def redraw(self) -> None:
        graph = self.hood.as_of(self.as_of) if self.as_of is not None else self.hood.now()
        self.shown = graph.filtered(self.filters())
        self._draw()
        self.drawn.emit()

    def _draw(self) -> None:
        graph = self.shown
        style = style_graph(graph, self.placed, self.groups, self.as_of)
        # Brushes and pens are shared, one per distinct style (ui.graph_style keeps them few):
        # pyqtgraph renders each once into its atlas, so 10k nodes cost a handful of renders.
        brushes: dict[tuple[str, int], QBrush] = {}
        pens: dict[tuple[str, int, bool], QPen] = {}
        highlight = self.palette().highlight().color()
        brush_list: list[QBrush] = []
        pen_list: list[QPen] = []
        for key, name, step in zip(style.keys, style.colours, style.alphas, strict=True):
            if (name, step) not in brushes:
                colour = QColor(name)
                colour.setAlphaF(step / ALPHA_STEPS)
                brushes[name, step] = pg.mkBrush(colour)
            selected = key == self.selected
            if (name, step, selected) not in pens:
                outline = highlight if selected else brushes[name, step].color()
                # pg.mkPen: a plain QPen(colour, width) draws the symbol's whole square here.
                pens[name, step, selected] = pg.mkPen(outline, width=2.5 if selected else 0.5)
            brush_list.append(brushes[name, step])
            pen_list.append(pens[name, step, selected])
        self.nodes_item.setData(pos=style.positions, size=style.sizes, brush=brush_list,
                                pen=pen_list, symbol=style.symbols, data=style.keys)  # fmt: skip
        text = self.palette().text().color()
        self.canvas.setBackground(self.palette().base().color())  # follows light and dark
        self.edges.set_segments(style.solid, style.dashed, text)
        for label in self.labels:
            self.plot.removeItem(label)
        self.labels = []
        for name, (x, y) in style.labels:
            label = pg.TextItem(name, color=text, anchor=(0.5, 1.6))
            label.setPos(x, y)
            self.plot.addItem(label)
            self.labels.append(label)
        hidden = len(self.hood.nodes) - len(graph.nodes)
        when = self.as_of.date().isoformat() if self.as_of else "now"
        focus = self.full.nodes.get(self.focus) if self.full and self.focus else None
        around = (f"Around {focus.label} (depth {self.depth_box.value()}): " if focus
                  else "Everything: ")  # fmt: skip
        self.status.setText(
            f"{around}{len(graph.nodes)} nodes, {len(graph.edges)} links as of {when}"
            + (f" ({hidden} hidden by time or filters)" if hidden else "")
            + (f"; {len(self.clusters)} clusters (click to open)" if self.clusters else "")
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keys on the canvas: arrows step through the neighbours of the node last opened,
        Enter focuses the view on the selected node, + and - zoom, Home fits the view."""
        if watched is self.canvas and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Up):
                self.step(1 if key in (Qt.Key.Key_Right, Qt.Key.Key_Down) else -1)
            elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected:
                self.focus = self.selected
                self._rebuild_hood()
            elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal, Qt.Key.Key_Minus):
                factor = 1.25 if key == Qt.Key.Key_Minus else 0.8
                self.plot.getViewBox().scaleBy((factor, factor))
            elif key == Qt.Key.Key_Home:
                self.plot.autoRange()
            else:
                return False
            return True
        return False

    def step(self, direction: int) -> None:
        """Select the next (or previous) neighbour of the anchor: the node last clicked or
        opened with Enter; the focus node at first."""
        anchor = self.anchor if self.anchor in self.shown.nodes else self.focus
        if anchor not in self.shown.nodes:
            anchor = next(iter(sorted(self.shown.nodes)), None)
        if anchor is None:
            return
        self.anchor = anchor
        ring = sorted(self.shown.adjacency()[anchor],
                      key=lambda k: (self.shown.nodes[k].label.casefold(), k))  # fmt: skip
        if not ring:
            self.select(anchor, anchor=False)
            return
        at = ring.index(self.selected) if self.selected in ring else (-1 if direction > 0 else 0)
        self.select(ring[(at + direction) % len(ring)], anchor=False)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # light or dark: redraw in its colours
            self._draw()

    # ------------------------------------------------------------------ time

    def set_as_of(self, moment: datetime | None) -> None:
        """Show the graph as it stood at `moment` (None: now); moves the slider."""
        self.as_of = moment
        self.timeline.show_moment(moment)
        self.redraw()

    def _moved_in_time(self, moment: datetime | None) -> None:
        self.as_of = moment
        self.redraw()

    # ------------------------------------------------------------------ focus, clicks

    def focus_on(self, text: str) -> bool:
        """Centre the view on the first node matching `text`, to the depth chosen; empty
        text shows a small store whole again (a big one around the user)."""
        if self.full is None:
            return False
        if not text.strip():
            self.focus = None
            self._loaded((self.full, self.saved, 0, self.groups))
            return True
        hits = self.full.search(text)
        if not hits:
            self.status.setText(f"Nothing called {text!r}.")
            return False
        self.focus = hits[0]
        self._rebuild_hood()
        self.select(hits[0])
        return True

    def set_depth(self, depth: int) -> None:
        self.depth_box.setValue(depth)

    def scene_point(self, key: str) -> QPointF:
        """Where a node is drawn, in the canvas viewport's pixels (for clicks and tests)."""
        x, y = self.placed[key]
        scene = self.plot.getViewBox().mapViewToScene(QPointF(x, y))
        point: QPointF = self.canvas.mapFromScene(scene).toPointF()
        return point

    def _clicked(self, _item: Any, points: Any, _event: Any = None) -> None:
        if len(points):
            self.select(str(points[0].data()))

    def select(self, key: str, anchor: bool = True) -> None:
        node = self.shown.nodes.get(key) or self.hood.nodes.get(key)
        if node is None:
            return
        self.selected = key
        if anchor:
            self.anchor = key
        if node.kind == CLUSTER:
            self.expanded.add(key[1:])
            self._rebuild_hood()
            return
        if node.kind == ENTITY:
            self.open_entity(node.ref, node.label)
        else:
            self.open_memory(node.ref)
        self._draw()

    def open_memory(self, memory_id: int) -> None:
        self.detail.setCurrentWidget(self.memory_detail)
        self.memory_detail.show_memory(memory_id)

    def open_entity(self, entity_id: int, shown: str | None = None) -> None:
        store = self.reverie.store

        def work(_: object) -> dict[str, Any]:
            row = entity(store, f"#{entity_id}")
            ids = entity_memories(store, row.id)
            found = store.get_memories(ids, with_evidence=False)
            memories = sorted(found.values(), key=lambda m: m.event_time or m.observed_at)
            return {"row": row, "memories": memories, "shown": shown or row.label}

        self.detail.setCurrentWidget(self.entity_panel)
        self.runner.submit("reading an entity", work, on_done=self.entity_panel.show_entity,
                           on_error=self.status.setText)  # fmt: skip

    def change_entity(self, choice: Choice) -> None:
        """Rename, merge or split (kept, and replayed on every rebuild); then reload."""
        store, now = self.reverie.store, self.reverie.now()

        def done(row: Any) -> None:
            self.changed.emit()
            self.reload()
            self.open_entity(row.id)

        self.runner.submit("changing an entity", lambda _: choose(store, choice, now),
                           on_done=done, on_error=self.status.setText)  # fmt: skip

    # ------------------------------------------------------------------ export

    def _export_dialog(self, fmt: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, f"Export the view as {fmt.upper()}",
                                              f"reverie-graph.{fmt}", f"*.{fmt}")  # fmt: skip
        if path:
            self.export_view(Path(path))

    def export_view(self, path: Path) -> None:
        """The current view as PNG (pixels) or SVG (vectors): ui.graph_export."""
        if not export_canvas(self.canvas, path):
            self.status.setText(f"Could not write {path}")
            return
        self.status.setText(f"Exported the view to {path}")

    def shutdown(self) -> None:
        self.timeline.player.stop()
        if self.reading is not None:
            self.reading.cancel()
        # The plot's items go with the window, not in the interpreter's final collection.
        self.edges.timer.stop()
        self.plot.clear()
        self.pool.close()
