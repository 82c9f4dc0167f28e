"""The memory graph's pure operations: neighbourhoods, as-of, filters, clusters, export text."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from app.core.graph import (
    CLUSTER,
    ENTITY,
    Edge,
    Filters,
    MemoryGraph,
    Node,
    collapse,
    relation_for,
    superseded_at,
    to_graphml,
    to_json,
)

JAN, MAR, MAY = (datetime(2026, m, 1, tzinfo=UTC) for m in (1, 3, 5))


def sample() -> MemoryGraph:
    """me <-manager of- Ana Lima (Jan, closed in Mar) and Ben (from Mar); their facts."""
    g = MemoryGraph()
    for key, label, kind, group, learned, until in (
        ("e1", "You", ENTITY, "user", None, None),
        ("e2", "Ana Lima", ENTITY, "person", JAN, None),
        ("e3", "Ben Ortiz", ENTITY, "person", MAR, None),
        ("m1", "My manager is Ana Lima.", "semantic", "semantic", JAN, MAR),
        ("m2", "My new manager is Ben Ortiz.", "semantic", "semantic", MAR, None),
        ("m3", "Lunch at the canteen.", "episodic", "episodic", MAY, None),
    ):
        g.nodes[key] = Node(key, label, kind, group, int(key[1:]), learned, until,
                            source="chat" if kind != ENTITY else "")  # fmt: skip
    g.edges = [
        Edge("e2", "e1", "manager of", JAN, MAR),
        Edge("e3", "e1", "manager of", MAR, None),
        Edge("m1", "e2", "mentions"),
        Edge("m2", "e3", "mentions"),
        Edge("m2", "m1", "supersedes"),
        Edge("m3", "m2", "same episode"),
    ]
    return g


def test_relations_point_the_way_the_words_do() -> None:
    assert relation_for("sister") == ("sister of", True)  # Ana -sister of-> me
    assert relation_for("home city") == ("lives in", False)  # me -lives in-> Leeds
    assert relation_for("employer") == ("works at", False)
    assert relation_for("birthday") is None


def test_neighbourhood_grows_with_depth() -> None:
    g = sample()
    assert set(g.neighbourhood(["e2"], 1).nodes) == {"e2", "e1", "m1"}
    assert set(g.neighbourhood(["e2"], 2).nodes) == {"e2", "e1", "m1", "e3", "m2"}
    assert set(g.neighbourhood(["e2"], 3).nodes) == set(g.nodes)


def test_as_of_before_an_update_shows_the_older_fact_as_current() -> None:
    before = sample().as_of(datetime(2026, 2, 1, tzinfo=UTC))
    assert set(before.nodes) == {"e1", "e2", "m1"}
    (edge,) = [e for e in before.edges if e.relation == "manager of"]
    assert edge.a == "e2" and not edge.closed
    assert not superseded_at(before.nodes["m1"], datetime(2026, 2, 1, tzinfo=UTC))
    after = sample().as_of(datetime(2026, 4, 1, tzinfo=UTC))
    closed = {e.a: e.closed for e in after.edges if e.relation == "manager of"}
    assert closed == {"e2": True, "e3": False}
    assert superseded_at(after.nodes["m1"], datetime(2026, 4, 1, tzinfo=UTC))
    assert "m3" not in after.nodes


def test_filters_by_kind_type_source_and_time() -> None:
    g = sample()
    assert "m3" not in g.filtered(Filters(kinds=frozenset({"semantic", ENTITY}))).nodes
    people = g.filtered(Filters(entity_types=frozenset({"person"}))).nodes
    assert "e1" not in people and "e2" in people
    assert not [k for k in g.filtered(Filters(sources=frozenset({"screen"}))).nodes
                if k.startswith("m")]  # fmt: skip
    assert set(k for k in g.filtered(Filters(start=MAR)).nodes if k.startswith("m")) == {"m2", "m3"}


def test_clusters_collapse_busy_entities_until_the_graph_fits() -> None:
    g = MemoryGraph()
    g.nodes["e1"] = Node("e1", "Ana", ENTITY, "person", 1)
    for i in range(50):
        g.nodes[f"m{i}"] = Node(f"m{i}", f"memory {i}", "episodic", "episodic", i, JAN)
        g.edges.append(Edge(f"m{i}", "e1", "mentions"))
    shown, clusters = collapse(g, 10)
    assert len(shown.nodes) == 2 and shown.nodes["ce1"].kind == CLUSTER
    assert shown.nodes["ce1"].label == "50 memories · Ana" and len(clusters["ce1"]) == 50
    opened, none = collapse(g, 10, frozenset({"e1"}))
    assert len(opened.nodes) == 51 and not none


def test_exports_are_valid_graphml_and_json() -> None:
    g = sample().now()
    root = ET.fromstring(to_graphml(g))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall(".//g:node", ns)) == 6 and len(root.findall(".//g:edge", ns)) == 6
    data = json.loads(to_json(g))
    assert {n["id"] for n in data["nodes"]} == set(g.nodes)
    closed = [e for e in data["edges"] if e["closed"]]
    assert [(e["source"], e["relation"]) for e in closed] == [("e2", "manager of")]
