"""How the Graph tab draws what it shows: each node's colour, opacity, size and shape, which
links are dashed, and which nodes carry their name.

Pure (numpy and the graph, no Qt), so it is tested without a window; the view (ui.graph_view)
turns the colour names and opacity steps into pyqtgraph's shared brushes and pens.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from app.core.graph import CLUSTER, ENTITY, MemoryGraph, group_colours, superseded_at

COLOURS = {
    "episodic": "#4e79a7", "semantic": "#59a14f", "procedural": "#f28e2b",
    "user": "#e15759", "person": "#b07aa1", "pet": "#9c755f", "place": "#76b7b2",
    "organisation": "#edc948", "app": "#ff9da7", "product": "#bab0ac", CLUSTER: "#8c8c8c",
}  # fmt: skip
OTHER = "#a0a0a0"  # an entity type without a colour of its own
# Retention shown in eight steps of opacity: few distinct styles, so pyqtgraph renders each
# once into its atlas and 10k nodes cost a handful of renders.
ALPHA_STEPS = 8
REPLACED_ALPHA = 0.25  # a fact a later one replaced
MAX_SIZE = 40  # pixels, however many links
LABELS_UP_TO = 400  # names on entities while there is room to read them
LABEL_CHARS = 32

Point = tuple[float, float]


@dataclass
class GraphStyle:
    """What to draw for a graph: one entry per placed node, in the same order as `keys`."""

    keys: list[str]
    positions: npt.NDArray[np.float64]  # (n, 2), where each node is placed
    sizes: npt.NDArray[np.float64]  # (n,), in pixels
    colours: list[str]  # "#rrggbb": a colour group's, else the kind's or type's, else OTHER
    alphas: list[int]  # opacity in steps of 1 / ALPHA_STEPS
    symbols: list[str]  # "o" a memory or entity, "s" a cluster
    solid: npt.NDArray[np.float64]  # (2m, 2): pairs of points, the links that hold
    dashed: npt.NDArray[np.float64]  # links no longer true (closed or replaced)
    labels: list[tuple[str, Point]]  # names written next to entities and clusters


def alpha_step(graph: MemoryGraph, key: str, as_of: datetime | None) -> int:
    """A memory fades with its retention (never below 0.3) and a replaced fact to
    REPLACED_ALPHA; entities and clusters stay opaque."""
    node = graph.nodes[key]
    alpha = 1.0 if node.kind in (ENTITY, CLUSTER) else 0.3 + 0.7 * node.retention
    if superseded_at(node, as_of):
        alpha = REPLACED_ALPHA
    return round(alpha * ALPHA_STEPS)


def node_size(graph: MemoryGraph, key: str, links: int) -> int:
    """Bigger with more links; entities a step bigger, memories by their importance."""
    node = graph.nodes[key]
    size = 7 + 3 * math.sqrt(links) + (6 if node.kind == ENTITY else 0)
    size += 8 * node.importance if node.kind != ENTITY else 0
    return min(round(size), MAX_SIZE)


def style_graph(
    graph: MemoryGraph,
    placed: dict[str, Point],
    groups: Iterable[tuple[str, str]],
    as_of: datetime | None,
) -> GraphStyle:
    """The style of every node of `graph` that has a place, and of the links between them,
    as the graph stands at `as_of` (None: now); `groups` are the colour groups (words,
    colour)."""
    keys = [k for k in graph.nodes if k in placed]
    degree = graph.degree()
    grouped = group_colours(graph, groups)
    positions = np.zeros((len(keys), 2))
    sizes = np.zeros(len(keys))
    colours: list[str] = []
    alphas: list[int] = []
    symbols: list[str] = []
    for i, key in enumerate(keys):
        node = graph.nodes[key]
        positions[i] = placed[key]
        sizes[i] = node_size(graph, key, degree.get(key, 0))
        colours.append(grouped.get(key) or COLOURS.get(node.group, OTHER))
        alphas.append(alpha_step(graph, key, as_of))
        symbols.append("s" if node.kind == CLUSTER else "o")
    solid: list[Point] = []
    dashed: list[Point] = []
    for edge in graph.edges:
        if edge.a in placed and edge.b in placed:
            target = dashed if edge.closed or edge.relation == "supersedes" else solid
            target += [placed[edge.a], placed[edge.b]]
    labels: list[tuple[str, Point]] = []
    if len(keys) <= LABELS_UP_TO:
        labels = [(graph.nodes[k].label[:LABEL_CHARS], placed[k]) for k in keys
                  if graph.nodes[k].kind in (ENTITY, CLUSTER)]  # fmt: skip
    return GraphStyle(
        keys=keys,
        positions=positions,
        sizes=sizes,
        colours=colours,
        alphas=alphas,
        symbols=symbols,
        solid=np.array(solid, dtype=float).reshape(-1, 2),
        dashed=np.array(dashed, dtype=float).reshape(-1, 2),
        labels=labels,
    )
