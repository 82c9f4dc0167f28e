"""The memory graph as the user explores it: memories and entities as nodes, mentions,
relations and memory-to-memory links as edges, each knowing when it held.

Pure functions of the graph: a neighbourhood to a depth, the graph "as of" a moment (what was
learned after it is hidden, what was closed before it is marked superseded), filters, and
GraphML/JSON text. No I/O, no clock.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from app.core.fact_words import PERSON_RELATIONS, PETS

ENTITY = "entity"
MEMORY_KINDS = ("episodic", "semantic", "procedural")

# How a fact's attribute reads as an edge between two entities, and which way it points:
# "my sister Ana" is Ana -sister of-> me; "I live in Leeds" is me -lives in-> Leeds.
PLACE_RELATIONS = {"home city": "lives in", "grew up in": "grew up in"}
WORK_RELATIONS = {"employer": "works at"}


def relation_for(attribute: str) -> tuple[str, bool] | None:
    """(label, value_is_source) for a fact attribute that links two entities, else None."""
    if attribute in PLACE_RELATIONS:
        return PLACE_RELATIONS[attribute], False
    if attribute in WORK_RELATIONS:
        return WORK_RELATIONS[attribute], False
    if attribute in PERSON_RELATIONS or attribute in PETS or attribute in {"mum", "dad"}:
        return f"{attribute} of", True
    return None


def entity_kind_for(attribute: str) -> str | None:
    """The kind of entity a fact's value names, when the attribute says it."""
    if attribute in PLACE_RELATIONS:
        return "place"
    if attribute in WORK_RELATIONS:
        return "organisation"
    if attribute in PETS:
        return "pet"
    if attribute in PERSON_RELATIONS or attribute in {"mum", "dad"}:
        return "person"
    return None


@dataclass(frozen=True)
class Node:
    key: str  # "e12" for entity 12, "m34" for memory 34
    label: str
    kind: str  # a memory kind, or ENTITY
    group: str  # what colours it: the memory kind or the entity's type
    ref: int  # the memory's or the entity's id
    learned_at: datetime | None = None  # when it became known (None: always)
    valid_to: datetime | None = None  # when a fact stopped holding
    source: str = ""  # chat, import, screen (memories)
    importance: float = 0.5
    retention: float = 1.0  # the forgetting curve's strength now, 0..1


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    relation: str  # mentions, about, supersedes, same episode, shares entities, ...
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    closed: bool = False  # superseded at the moment shown (drawn dashed and faded)


@dataclass(frozen=True)
class Filters:
    kinds: frozenset[str] | None = None  # memory kinds and/or ENTITY shown; None: all
    entity_types: frozenset[str] | None = None
    sources: frozenset[str] | None = None
    start: datetime | None = None  # memories learned in [start, end]
    end: datetime | None = None

    def keeps(self, node: Node) -> bool:
        if self.kinds is not None and node.kind not in self.kinds:
            return False
        if node.kind == ENTITY:
            return self.entity_types is None or node.group in self.entity_types
        if self.sources is not None and node.source not in self.sources:
            return False
        if node.learned_at is not None:
            if self.start is not None and node.learned_at < self.start:
                return False
            if self.end is not None and node.learned_at > self.end:
                return False
        return True


@dataclass
class MemoryGraph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def adjacency(self) -> dict[str, set[str]]:
        around: dict[str, set[str]] = {k: set() for k in self.nodes}
        for edge in self.edges:
            if edge.a in around and edge.b in around:
                around[edge.a].add(edge.b)
                around[edge.b].add(edge.a)
        return around

    def degree(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.adjacency().items()}

    def neighbourhood(self, focus: Iterable[str], depth: int) -> MemoryGraph:
        """Nodes within `depth` links of the focus (breadth first), with the edges among them."""
        around = self.adjacency()
        seen = {f for f in focus if f in self.nodes}
        queue = deque((f, 0) for f in seen)
        while queue:
            key, far = queue.popleft()
            if far >= depth:
                continue
            for other in sorted(around[key]):
                if other not in seen:
                    seen.add(other)
                    queue.append((other, far + 1))
        return self.only(seen)

    def only(self, keys: Iterable[str]) -> MemoryGraph:
        keep = set(keys)
        return MemoryGraph(
            {k: n for k, n in self.nodes.items() if k in keep},
            [e for e in self.edges if e.a in keep and e.b in keep],
        )

    def as_of(self, moment: datetime) -> MemoryGraph:
        """The graph as it stood then: nothing learned later; links and facts closed by then
        marked closed (the older fact before a knowledge update is current again)."""
        nodes = {
            k: n for k, n in self.nodes.items() if n.learned_at is None or n.learned_at <= moment
        }
        edges = [
            replace(e, closed=e.valid_to is not None and e.valid_to <= moment)
            for e in self.edges
            if e.a in nodes and e.b in nodes and (e.valid_from is None or e.valid_from <= moment)
        ]
        return MemoryGraph(nodes, edges)

    def now(self) -> MemoryGraph:
        """Every node, with the links closed by now marked closed."""
        return MemoryGraph(
            dict(self.nodes), [replace(e, closed=e.valid_to is not None) for e in self.edges]
        )

    def filtered(self, filters: Filters) -> MemoryGraph:
        return self.only(k for k, n in self.nodes.items() if filters.keeps(n))

    def search(self, text: str) -> list[str]:
        """Nodes whose label holds the words, entities first, then shorter labels."""
        words = text.casefold().split()
        hits = [n for n in self.nodes.values() if all(w in n.label.casefold() for w in words)]
        hits.sort(key=lambda n: (n.kind != ENTITY, len(n.label), n.key))
        return [n.key for n in hits]


GROUP_COLOURS = ("#d62728", "#9467bd", "#17becf", "#bcbd22", "#e377c2", "#8c564b")


def matches(node: Node, query: str) -> bool:
    """A node belongs to a colour group when its label holds every word of the query."""
    label = node.label.casefold()
    return all(word in label for word in query.casefold().split())


def group_colours(graph: MemoryGraph, groups: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each node's colour group colour (the first group it matches), for the nodes in one."""
    chosen: dict[str, str] = {}
    for query, colour in groups:
        for key, node in graph.nodes.items():
            if key not in chosen and matches(node, query):
                chosen[key] = colour
    return chosen


def superseded_at(node: Node, moment: datetime | None) -> bool:
    """A fact that no longer held at that moment (or now, without one)."""
    if node.valid_to is None:
        return False
    return moment is None or node.valid_to <= moment


def _time(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def to_json(graph: MemoryGraph) -> str:
    return json.dumps(
        {
            "nodes": [
                {
                    "id": n.key,
                    "label": n.label,
                    "kind": n.kind,
                    "type": n.group,
                    "ref": n.ref,
                    "learned_at": _time(n.learned_at) or None,
                    "valid_to": _time(n.valid_to) or None,
                    "source": n.source or None,
                    "importance": n.importance,
                    "retention": round(n.retention, 4),
                }
                for n in graph.nodes.values()
            ],
            "edges": [
                {
                    "source": e.a,
                    "target": e.b,
                    "relation": e.relation,
                    "valid_from": _time(e.valid_from) or None,
                    "valid_to": _time(e.valid_to) or None,
                    "closed": e.closed,
                }
                for e in graph.edges
            ],
        },
        indent=1,
        ensure_ascii=False,
    )


_NODE_KEYS = ("label", "kind", "type", "learned_at", "valid_to", "source")
_EDGE_KEYS = ("relation", "valid_from", "valid_to", "closed")


def to_graphml(graph: MemoryGraph) -> str:
    """GraphML (readable by Gephi, yEd, Cytoscape, networkx, igraph)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    ]
    lines += [f'  <key id="n_{k}" for="node" attr.name="{k}" attr.type="string"/>'
              for k in _NODE_KEYS]  # fmt: skip
    lines += [f'  <key id="n_{k}" for="node" attr.name="{k}" attr.type="double"/>'
              for k in ("importance", "retention")]  # fmt: skip
    lines += [f'  <key id="e_{k}" for="edge" attr.name="{k}" attr.type="string"/>'
              for k in _EDGE_KEYS]  # fmt: skip
    lines.append('  <graph id="reverie" edgedefault="directed">')
    for n in graph.nodes.values():
        values = {"label": n.label, "kind": n.kind, "type": n.group,
                  "learned_at": _time(n.learned_at), "valid_to": _time(n.valid_to),
                  "source": n.source, "importance": f"{n.importance:g}",
                  "retention": f"{n.retention:.4f}"}  # fmt: skip
        data = "".join(f'<data key="n_{k}">{escape(v)}</data>' for k, v in values.items() if v)
        lines.append(f"    <node id={quoteattr(n.key)}>{data}</node>")
    for i, e in enumerate(graph.edges):
        values = {"relation": e.relation, "valid_from": _time(e.valid_from),
                  "valid_to": _time(e.valid_to), "closed": "true" if e.closed else ""}  # fmt: skip
        data = "".join(f'<data key="e_{k}">{escape(v)}</data>' for k, v in values.items() if v)
        lines.append(
            f'    <edge id="x{i}" source={quoteattr(e.a)} target={quoteattr(e.b)}>{data}</edge>'
        )
    lines += ["  </graph>", "</graphml>", ""]
    return "\n".join(lines)


CLUSTER = "cluster"


def collapse(
    graph: MemoryGraph, limit: int, expanded: frozenset[str] = frozenset()
) -> tuple[MemoryGraph, dict[str, set[str]]]:
    """Above `limit` nodes, the memories around each busy entity fold into one cluster node
    ("240 memories · Ana"), largest first, until the graph fits; a cluster in `expanded` (by
    its entity's key) stays open. Returns the graph shown and each cluster's members."""
    if len(graph.nodes) <= limit:
        return graph, {}
    around = graph.adjacency()
    hubs = sorted(
        (k for k, n in graph.nodes.items() if n.kind == ENTITY and k not in expanded),
        key=lambda k: (-len(around[k]), k),
    )
    taken: set[str] = set()
    clusters: dict[str, set[str]] = {}
    shown = len(graph.nodes)
    for hub in hubs:
        if shown <= limit:
            break
        members = {m for m in around[hub] if graph.nodes[m].kind != ENTITY and m not in taken}
        if len(members) < 3:
            continue
        taken |= members
        clusters[f"c{hub}"] = members
        shown -= len(members) - 1
    nodes = {k: n for k, n in graph.nodes.items() if k not in taken}
    owner = {m: c for c, ms in clusters.items() for m in ms}
    for key, members in clusters.items():
        centre = graph.nodes[key[1:]]
        times = [t for t in (graph.nodes[m].learned_at for m in members) if t is not None]
        nodes[key] = Node(key, f"{len(members)} memories · {centre.label}", CLUSTER, CLUSTER,
                          centre.ref, learned_at=min(times, default=None),
                          importance=1.0)  # fmt: skip
    edges: dict[tuple[str, str, str], Edge] = {}
    for edge in graph.edges:
        a, b = owner.get(edge.a, edge.a), owner.get(edge.b, edge.b)
        if a != b:
            edges.setdefault((a, b, edge.relation), replace(edge, a=a, b=b))
    return MemoryGraph(nodes, list(edges.values())), clusters
