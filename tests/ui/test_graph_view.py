"""The Graph tab on the real app: the sample store's entities and memories, clicks that open
them, the "as of" slider across a knowledge update, filters, entity choices that stick, and a
GUI that keeps running while the layout is computed."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot

from app.core.graph import ENTITY, Edge, MemoryGraph, Node
from app.runtime import Reverie
from app.services.graph import rebuild_graph
from app.services.ingest import ingest_file
from tests.helpers import NOW
from tests.ui.conftest import Ticker, settle
from tests.ui.test_screenshots import SCHEMES, light_again, save, target  # noqa: F401
from ui.graph_view import GraphView
from ui.main_window import MainWindow

UPDATE = [  # a knowledge update: the manager changes in April
    ("u1", "2026-01-12T09:00:00Z", "My manager is Ana Lima, she runs the data team."),
    ("u2", "2026-04-07T09:00:00Z", "My new manager is Ben Ortiz since the reorg."),
]


def open_graph(qtbot: QtBot, window: MainWindow) -> GraphView:
    window.tabs.setCurrentWidget(window.graph)
    view = window.graph
    # The names in the sample are read on the engine in small turns, then the view reloads.
    qtbot.waitUntil(lambda: view.full is not None and view.reading is None
                    and view.layouts_running == 0, timeout=60_000)  # fmt: skip
    settle(qtbot, window)
    qtbot.waitUntil(lambda: view.layouts_running == 0, timeout=60_000)
    return view


def labels(view: GraphView, kind: str | None = None) -> set[str]:
    return {n.label for n in view.shown.nodes.values() if kind in (None, n.kind)}


def key_of(view: GraphView, text: str) -> str:
    return next(k for k, n in view.shown.nodes.items() if n.label == text)


def add_update(reverie: Reverie, tmp_path: Path) -> None:
    path = tmp_path / "update.jsonl"
    lines = [{"id": i, "session": t[:10], "timestamp": t, "role": "user", "speaker": "Sam",
              "content": text} for i, t, text in UPDATE]  # fmt: skip
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    ingest_file(reverie.store, reverie.index, path, fmt="auto", now=NOW, params=reverie.params)


def test_graph_tab_shows_the_sample_stores_entities_and_memories(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = open_graph(qtbot, window)
    assert window.tabs.tabText(window.tabs.indexOf(view)) == "Graph"
    assert window.tabs.indexOf(view) == window.tabs.indexOf(window.browser) + 1
    entities = labels(view, ENTITY)
    # A store this small opens whole: every entity and memory.
    assert {"Sam (you)", "Ana", "Manchester", "Tomás", "Leeds", "Priya Raman"} <= entities
    memories = labels(view, "semantic") | labels(view, "episodic") | labels(view, "procedural")
    assert "My sister Ana is helping me move." in memories
    assert any("signed the lease on a flat in Leeds" in text for text in memories)
    assert view.full is not None and len(view.shown.nodes) == len(view.full.nodes)
    # Focused on Ana, one link deep: her facts and the messages naming her, not Leeds.
    assert view.focus_on("Ana")
    view.set_depth(1)
    qtbot.waitUntil(lambda: view.layouts_running == 0, timeout=60_000)
    near = labels(view)
    assert "Ana's birthday is on 28 March." in near and "Sam (you)" in near
    assert "Leeds" not in near and len(near) < len(view.full.nodes)
    # Every node drawn has a laid-out position, in one batched scatter item.
    assert len(view.nodes_item.data) == len(view.shown.nodes)
    assert set(view.placed) >= set(view.shown.nodes)


def test_clicking_a_node_opens_the_right_memory_with_its_evidence(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = open_graph(qtbot, window)
    key = key_of(view, "My sister Ana is helping me move.")
    view.plot.getViewBox().autoRange(padding=0.1)
    qtbot.wait(50)
    point = view.scene_point(key).toPoint()
    qtbot.mouseClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=point)
    detail = view.memory_detail
    qtbot.waitUntil(lambda: detail.current is not None, timeout=10_000)
    assert view.detail.currentWidget() is detail
    assert detail.current is not None and detail.current.memory.id == view.shown.nodes[key].ref
    evidence = [detail.evidence.item(i).text() for i in range(detail.evidence.count())]
    assert any("She's driving up from Bristol with her van" in e for e in evidence)

    # An entity opens with the memories that name it.
    qtbot.mouseClick(view.canvas.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.scene_point(key_of(view, "Ana")).toPoint())  # fmt: skip
    panel = view.entity_panel
    qtbot.waitUntil(lambda: panel.memories.count() > 0, timeout=10_000)
    assert view.detail.currentWidget() is panel
    listed = [panel.memories.item(i).text() for i in range(panel.memories.count())]
    assert any("Ana's birthday is on 28 March" in m for m in listed)


def test_time_slider_hides_later_memories_and_shows_the_older_fact_before_an_update(
    qtbot: QtBot, reverie: Reverie, window: MainWindow, tmp_path: Path
) -> None:
    add_update(reverie, tmp_path)
    view = open_graph(qtbot, window)
    lima, ortiz = UPDATE[0][2], UPDATE[1][2]

    def manager_edges() -> dict[str, Edge]:
        return {view.shown.nodes[e.a].label: e for e in view.shown.edges
                if e.relation == "manager of"}  # fmt: skip

    # Now: Ben Ortiz is the manager; the Ana Lima link is drawn closed (dashed, faded).
    assert manager_edges()["Ben Ortiz"].closed is False
    assert manager_edges()["Ana Lima"].closed is True
    assert view.shown.nodes[key_of(view, lima)].valid_to is not None
    assert len(view.edges.dashed) > 0  # drawn dashed

    # March: before the update. Ben and all later memories are hidden; Ana Lima holds.
    view.set_as_of(datetime(2026, 3, 1, tzinfo=UTC))
    assert view.slider.value() < view.slider.maximum()
    shown = labels(view)
    assert lima in shown and ortiz not in shown and "Ben Ortiz" not in shown
    assert manager_edges()["Ana Lima"].closed is False
    assert not any("Manchester now" in text for text in shown)  # said in May
    learned = [n.learned_at for n in view.shown.nodes.values() if n.learned_at is not None]
    assert learned and max(learned) <= datetime(2026, 3, 1, tzinfo=UTC)

    # The slider itself, all the way left then right: nothing, then everything again.
    view.slider.setValue(view.slider.maximum())
    assert ortiz in labels(view) and view.as_of is None


def test_a_filter_hides_a_kind(qtbot: QtBot, window: MainWindow) -> None:
    view = open_graph(qtbot, window)
    assert labels(view, "episodic")
    view.kind_boxes["episodic"].setChecked(False)
    assert not labels(view, "episodic")
    assert labels(view, "semantic") and labels(view, ENTITY)
    view.kind_boxes["episodic"].setChecked(True)
    assert labels(view, "episodic")
    # By source: nothing of the sample came from the screen; by time: the last 30 days
    # (the tests' now is 20 May) keep May's memories only.
    view.source.setCurrentIndex(view.source.findData("screen"))
    assert not labels(view, "episodic") and labels(view, ENTITY)
    view.source.setCurrentIndex(view.source.findData("import"))
    assert labels(view, "episodic")
    view.period.setCurrentIndex(view.period.findData(30))
    recent = [n for n in view.shown.nodes.values() if n.kind != ENTITY]
    assert recent and all(n.learned_at and n.learned_at.month == 5 for n in recent)


def test_rename_and_merge_show_in_the_view_and_persist(
    qtbot: QtBot, reverie: Reverie, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = open_graph(qtbot, window)
    view.select(key_of(view, "Ana"))
    panel = view.entity_panel
    qtbot.waitUntil(lambda: panel.label == "Ana", timeout=10_000)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Ana Costa", True))
    with qtbot.waitSignal(view.drawn, timeout=30_000, check_params_cb=lambda: "Ana Costa"
                          in labels(view)):  # fmt: skip
        panel.rename_button.click()
    assert "Ana" not in labels(view, ENTITY)

    view.set_depth(3)
    view.select(key_of(view, "Headingley"))
    qtbot.waitUntil(lambda: panel.label == "Headingley", timeout=10_000)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Leeds", True))
    with qtbot.waitSignal(view.drawn, timeout=30_000, check_params_cb=lambda: "Headingley"
                          not in labels(view, ENTITY)):  # fmt: skip
        panel.merge_button.click()
    settle(qtbot, window)
    assert "Leeds" in labels(view, ENTITY)

    # A rebuild from scratch (reverie reindex) replays the choices.
    with reverie.work_lock:
        rebuild_graph(reverie.store, reverie.entities)
    with qtbot.waitSignal(view.drawn, timeout=30_000):
        view.reload()
    settle(qtbot, window)
    entities = labels(view, ENTITY)
    assert "Ana Costa" in entities and "Ana" not in entities and "Headingley" not in entities
    leeds = view.shown.nodes[key_of(view, "Leeds")]
    assert "Headingley" in next(r.names for r in _rows(reverie) if r.id == leeds.ref)


def _rows(reverie: Reverie) -> list:  # type: ignore[type-arg]
    from app.services.graph import entities

    return entities(reverie.store)


def synthetic(hubs: int, per_hub: int) -> MemoryGraph:
    """A star of entities, each with its own memories, some memories shared."""
    graph = MemoryGraph()
    graph.nodes["e0"] = Node("e0", "You", ENTITY, "user", 0)
    for h in range(1, hubs + 1):
        graph.nodes[f"e{h}"] = Node(f"e{h}", f"Person {h}", ENTITY, "person", h)
        graph.edges.append(Edge(f"e{h}", "e0", "friend of"))
        for m in range(per_hub):
            key = f"m{h * 1000 + m}"
            graph.nodes[key] = Node(key, f"memory {h}/{m}", "episodic", "episodic", h * 1000 + m,
                                    learned_at=NOW)  # fmt: skip
            graph.edges.append(Edge(key, f"e{h}", "mentions"))
            graph.edges.append(Edge(key, f"e{1 + (h % hubs)}", "mentions"))
    return graph


def test_gui_keeps_processing_events_during_layout(qtbot: QtBot, window: MainWindow) -> None:
    view = open_graph(qtbot, window)
    view.full = synthetic(60, 45)  # 2,761 nodes, 5,460 links: under the collapse threshold
    view.focus = "e0"
    view.saved = {}
    with Ticker() as ticker:
        start = time.monotonic()
        view._rebuild_hood()
        qtbot.waitUntil(lambda: view.layouts_running == 0, timeout=60_000)
        end = time.monotonic()
    assert len(view.shown.nodes) == 2761
    assert ticker.ticked_between(start + 0.2, end - 0.05), "the GUI froze during the layout"
    # The layout moved the nodes from where they were put at first, and was saved.
    settle(qtbot, window)
    assert len(view.saved) >= 2761


def test_above_the_threshold_clusters_collapse_and_open_on_click(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = open_graph(qtbot, window)
    view.full = synthetic(40, 120)  # 4,841 nodes
    view.focus = "e0"
    view._rebuild_hood()
    qtbot.waitUntil(lambda: view.layouts_running == 0, timeout=60_000)
    assert view.clusters and len(view.shown.nodes) <= 3000
    cluster = next(iter(view.clusters))
    view.select(cluster)
    qtbot.waitUntil(lambda: view.layouts_running == 0, timeout=60_000)
    assert cluster not in view.shown.nodes


@pytest.mark.usefixtures("light_again")
def test_graph_screenshot_and_view_export(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    view = open_graph(qtbot, window)
    view.select(key_of(view, "Ana"))
    settle(qtbot, window)
    window.resize(1280, 800)
    for scheme, value in SCHEMES.items():
        QGuiApplication.styleHints().colorSchemeChanged.emit(value)  # as the desktop does
        qtbot.wait(200)  # the edge image is restroked once the view rests
        save(window, target(tmp_path) / f"graph-{scheme}.png", dark=scheme == "dark")
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    view.export_view(tmp_path / "view.png")
    view.export_view(tmp_path / "view.svg")
    assert (tmp_path / "view.png").stat().st_size > 5000
    svg = (tmp_path / "view.svg").read_text()
    assert "<svg" in svg and "Manchester" in svg


def test_keyboard_steps_through_neighbours_and_focuses(qtbot: QtBot, window: MainWindow) -> None:
    view = open_graph(qtbot, window)
    ana = key_of(view, "Ana")
    view.select(ana)
    view.canvas.setFocus()
    neighbours = view.shown.adjacency()[ana]
    seen = set()
    for _ in range(len(neighbours)):
        qtbot.keyClick(view.canvas, Qt.Key.Key_Right)
        assert view.selected in neighbours
        seen.add(view.selected)
    assert seen == neighbours  # every neighbour once, then round again
    qtbot.keyClick(view.canvas, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.layouts_running == 0, timeout=60_000)
    assert view.focus == view.selected and view.focus in seen


def test_time_lapse_plays_memories_in_the_order_they_were_learned(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = open_graph(qtbot, window)
    counts: list[int] = []
    view.drawn.connect(lambda: counts.append(len(view.shown.nodes)))
    view.play_button.click()
    assert view.play_button.text() == "Stop" and view.slider.value() == 0
    qtbot.waitUntil(lambda: not view.player.isActive(), timeout=60_000)
    assert view.play_button.text() == "Play" and view.as_of is None
    assert counts[0] < counts[-1] == len(view.full.nodes if view.full else {})
    assert counts == sorted(counts)  # only ever more: nothing learned is lost on the way


def test_a_colour_group_colours_what_matches_and_is_kept(qtbot: QtBot, window: MainWindow) -> None:
    view = open_graph(qtbot, window)

    def colour_of(label: str) -> str:
        key = key_of(view, label)
        spots = view.nodes_item.data
        index = list(spots["data"]).index(key)
        return str(spots["brush"][index].color().name())

    before = colour_of("Ana")
    view.group_words.setText("ana")
    qtbot.keyClick(view.group_words, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.group_list.count() == 1, timeout=10_000)
    colour = view.groups[0][1]
    assert colour != before and colour_of("Ana") == colour
    assert colour_of("Ana's birthday is on 28 March.") == colour
    assert colour_of("Manchester") != colour  # no match, its own type's colour
    # Kept in the store: a reload (or the next start) colours the same.
    with qtbot.waitSignal(view.drawn, timeout=30_000):
        view.reload()
    assert view.group_list.currentData() == "ana" and colour_of("Ana") == colour
    view.remove_group_button.click()
    qtbot.waitUntil(lambda: view.group_list.count() == 0, timeout=10_000)
    assert colour_of("Ana") == before
