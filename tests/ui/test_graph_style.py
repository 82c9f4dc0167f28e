"""How the Graph tab draws nodes and links (ui.graph_style): what a user sees as colour,
fading, size, dashes and names, computed without a window."""

from __future__ import annotations

from datetime import UTC, datetime

from app.core.graph import ENTITY, Edge, MemoryGraph, Node
from ui.graph_style import ALPHA_STEPS, COLOURS, LABELS_UP_TO, MAX_SIZE, OTHER, style_graph

JAN, MAR, MAY = (datetime(2026, m, 1, tzinfo=UTC) for m in (1, 3, 5))


def graph() -> MemoryGraph:
    """You, Ana (a person), a spaceship (a type with no colour), a fresh and a faded memory,
    and a fact replaced in March."""
    g = MemoryGraph()
    g.nodes["e1"] = Node("e1", "You", ENTITY, "user", 1)
    g.nodes["e2"] = Node("e2", "Ana", ENTITY, "person", 2)
    g.nodes["e3"] = Node("e3", "Rocinante", ENTITY, "spaceship", 3)
    g.nodes["m1"] = Node("m1", "Ana moved to Leeds.", "episodic", "episodic", 1, retention=1.0)
    g.nodes["m2"] = Node("m2", "Lunch with Ana.", "episodic", "episodic", 2, retention=0.1)
    g.nodes["m3"] = Node("m3", "Ana manages the team.", "semantic", "semantic", 3,
                         learned_at=JAN, valid_to=MAR)  # fmt: skip
    g.edges += [Edge("m1", "e2", "mentions"), Edge("m2", "e2", "mentions"),
                Edge("e2", "e1", "sister of"), Edge("m3", "e2", "about", closed=True)]  # fmt: skip
    return g


def placed(g: MemoryGraph) -> dict[str, tuple[float, float]]:
    return {k: (float(i), float(-i)) for i, k in enumerate(g.nodes)}


def looks(
    g: MemoryGraph, groups: list[tuple[str, str]] | None = None, as_of: datetime | None = None
) -> dict[str, tuple[str, int, float]]:
    """Each drawn node's colour, opacity step and size."""
    style = style_graph(g, placed(g), groups or [], as_of)
    return {k: (c, a, float(s)) for k, c, a, s in
            zip(style.keys, style.colours, style.alphas, style.sizes, strict=True)}  # fmt: skip


def test_colour_is_the_type_then_other_and_a_colour_group_wins() -> None:
    g = graph()
    seen = looks(g)
    assert seen["e2"][0] == COLOURS["person"] and seen["m1"][0] == COLOURS["episodic"]
    assert seen["e3"][0] == OTHER  # an entity of a type without a colour of its own
    grouped = looks(g, groups=[("rocinante", "#123456")])
    assert grouped["e3"][0] == "#123456" and grouped["e2"][0] == COLOURS["person"]


def test_a_faded_memory_is_drawn_more_transparent_and_a_replaced_fact_faintest() -> None:
    g = graph()
    seen = looks(g)
    assert seen["e2"][1] == ALPHA_STEPS  # entities stay opaque
    assert seen["m2"][1] < seen["m1"][1] == ALPHA_STEPS  # retention 0.1 against 1.0
    assert seen["m3"][1] < seen["m2"][1]  # replaced by now
    # In February the fact still held: drawn by its retention, not faded as replaced.
    assert looks(g, as_of=datetime(2026, 2, 1, tzinfo=UTC))["m3"][1] == ALPHA_STEPS


def test_more_links_draw_bigger_up_to_a_cap() -> None:
    g = graph()
    seen = looks(g)
    assert seen["e2"][2] > seen["e1"][2]  # Ana has four links, you one
    for i in range(400):
        g.nodes[f"x{i}"] = Node(f"x{i}", f"note {i}", "episodic", "episodic", 100 + i)
        g.edges.append(Edge(f"x{i}", "e2", "mentions"))
    assert looks(g)["e2"][2] == MAX_SIZE


def test_closed_links_are_dashed_unplaced_nodes_are_left_out_and_entities_named() -> None:
    g = graph()
    where = placed(g)
    del where["m2"]  # not laid out yet
    style = style_graph(g, where, [], None)
    assert "m2" not in style.keys and len(style.keys) == len(g.nodes) - 1
    assert style.solid.shape == (4, 2)  # m1-Ana and Ana-you; m2's link is not drawn
    assert [tuple(p) for p in style.dashed] == [where["m3"], where["e2"]]
    assert [name for name, _ in style.labels] == ["You", "Ana", "Rocinante"]
    for i in range(LABELS_UP_TO):
        g.nodes[f"x{i}"] = Node(f"x{i}", f"note {i}", "episodic", "episodic", 100 + i)
    assert style_graph(g, placed(g), [], None).labels == []  # too many to read: no names
