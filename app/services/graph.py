"""The memory graph: keeping entities and links in step with the memories, the user's entity
choices, and the graph the view and `reverie graph export` read.

Entities come from three places, none of them the language model: the fact layer ("my sister
Ana", "I live in Leeds": the user, people, pets, places, employers, and the relations between
them with the time they held), the recogniser (spaCy plus the relation patterns) over every
message and screen, and the apps of captured windows. Which names are one entity is decided
by app.core.entity_merge, then the user's choices are replayed, so they stick across rebuilds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from app.core.entities import Mention
from app.core.entity_merge import USER, Choice, Group, find_group, normalise, resolve
from app.core.errors import InputError
from app.core.forgetting import ForgettingParams, memory_retention
from app.core.graph import ENTITY, GROUP_COLOURS, Edge, MemoryGraph, Node, to_graphml, to_json
from app.core.ports import NoProgress, Progress
from app.layout.force import LayoutPool as LayoutPool  # the view lays out through here
from app.storage.fact_store import FactStore
from app.storage.graph_store import EntityRow, GraphStore
from app.storage.sqlite_store import SqliteMemoryStore

BATCH = 200
MEANING_SIMILARITY = 0.8  # cosine of MiniLM vectors: "close in meaning" (A-MEM style links)
MEANING_PER_MEMORY = 3


class EntityFinder(Protocol):
    def find(self, texts: Sequence[str]) -> list[list[Mention]]: ...


class VectorSource(Protocol):
    def vectors(self, memory_ids: Sequence[int]) -> dict[int, Any]: ...


@dataclass(frozen=True)
class GraphReport:
    read: int  # messages the recogniser read this time
    entities: int
    mention_links: int
    memory_links: int
    relations: int

    def to_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def user_names(store: SqliteMemoryStore) -> list[str]:
    return [n for n in FactStore(store).user_names() if n and n.casefold() != "user"]


def refresh_graph(
    store: SqliteMemoryStore,
    finder: EntityFinder | None = None,
    vectors: VectorSource | None = None,
    progress: Progress | None = None,
) -> GraphReport:
    """Bring entities and links up to date: the recogniser reads what it has not read, then
    everything derived from facts and memories is rewritten and the names regrouped."""
    graph = GraphStore(store)
    progress = progress or NoProgress()
    read = 0
    if finder is not None:
        progress.start(graph.unread_count(), "entities")
        try:
            while batch := graph.unread_evidence(BATCH):
                found = finder.find([e.content for e in batch])
                graph.record_mentions([(e.id, m) for e, m in zip(batch, found, strict=True)])
                read += len(batch)
                progress.advance(len(batch))
        finally:
            progress.finish()
    names = user_names(store)
    graph.sync_derived(names)
    if vectors is not None:
        graph.replace_meaning_links(_close_in_meaning(graph, vectors))
    graph.write_groups(resolve(graph.surfaces(), graph.choices(), names))
    counts = graph.counts()
    return GraphReport(read, counts["entities"], counts["mention_links"],
                       counts["memory_links"], counts["relations"])  # fmt: skip


def unread_count(store: SqliteMemoryStore) -> int:
    """Messages and screens the recogniser has not read yet."""
    return GraphStore(store).unread_count()


def read_entities(
    store: SqliteMemoryStore,
    finder: EntityFinder,
    turn: Callable[[], AbstractContextManager[object]],
    progress: Progress | None = None,
    batch: int = 64,
) -> GraphReport:
    """The recogniser over everything unread, one small batch per `turn` (the engine held
    only for that batch, so questions asked meanwhile go first), then a refresh. A store
    imported before the graph existed is read this way the first time the view opens."""
    graph = GraphStore(store)
    progress = progress or NoProgress()
    progress.start(graph.unread_count(), "reading names")
    try:
        while True:
            with turn():
                found = graph.unread_evidence(batch)
                if not found:
                    break
                named = finder.find([e.content for e in found])
                graph.record_mentions([(e.id, m) for e, m in zip(found, named, strict=True)])
            progress.advance(len(found))
    finally:
        progress.finish()
    with turn():
        return refresh_graph(store)


def rebuild_graph(
    store: SqliteMemoryStore,
    finder: EntityFinder | None,
    vectors: VectorSource | None = None,
    progress: Progress | None = None,
) -> GraphReport:
    """From scratch (`reverie reindex`): every entity and link is derived again from SQLite;
    the user's choices and the view's positions are kept and replayed."""
    GraphStore(store).forget_derived()
    return refresh_graph(store, finder, vectors, progress)


def _close_in_meaning(graph: GraphStore, source: VectorSource) -> list[tuple[int, int]]:
    ids = [m.id for m, _ in graph.live_memories()]
    found: dict[int, Any] = {}
    for start in range(0, len(ids), 1000):
        found.update(source.vectors(ids[start : start + 1000]))
    if len(found) < 2:
        return []
    keys = sorted(found)
    matrix = np.stack([np.asarray(found[k], dtype=np.float32) for k in keys])
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)
    pairs: set[tuple[int, int]] = set()
    for start in range(0, len(keys), 512):
        sims = matrix[start : start + 512] @ matrix.T
        for row, line in enumerate(sims):
            i = start + row
            line[i] = -1.0
            best = np.argsort(line)[::-1][:MEANING_PER_MEMORY]
            for j in best:
                if line[j] >= MEANING_SIMILARITY:
                    pairs.add((keys[min(i, int(j))], keys[max(i, int(j))]))
    return sorted(pairs)


# ---------------------------------------------------------------- the user's choices


def _groups(graph: GraphStore, store: SqliteMemoryStore) -> list[Group]:
    return resolve(graph.surfaces(), graph.choices(), user_names(store))


def _find(groups: Sequence[Group], name: str) -> Group:
    # The user is shown as "Sam (you)" (or "You"): either means the user entity.
    shown = name.strip()
    if shown.casefold() == "you" or shown.endswith(" (you)"):
        shown = "me"
    group = find_group(groups, shown)
    if group is None:
        raise InputError(f"no entity is called {name!r} (see `reverie entities list`)")
    return group


def choose(store: SqliteMemoryStore, choice: Choice, now: datetime) -> EntityRow:
    """Rename, merge or split an entity; the choice is kept and replayed on every rebuild.
    A choice that cannot apply (no such entity or name) is refused and changes nothing."""
    graph = GraphStore(store)
    groups = _groups(graph, store)
    group = _find(groups, choice.name)
    target = (choice.target or "").strip()
    if not target:
        raise InputError(f"{choice.action} needs a name")
    if choice.action == "merge":
        into = _find(groups, target)
        if into is group:
            raise InputError(f"{choice.name!r} and {target!r} are already one entity")
        keep = into
    elif choice.action == "split":
        names = {normalise(n) for n in _names(graph, group)}
        if normalise(target) not in names:
            raise InputError(f"{group.label!r} was never written as {target!r}")
        if len(names) < 2:
            raise InputError(f"{group.label!r} has only one name; nothing to split")
        keep = group
    elif choice.action == "rename":
        keep = group
    else:
        raise InputError(f"unknown entity action {choice.action!r}")
    # Kept by names as written (never by row ids, which a rebuild renumbers).
    written = {s.id: s.name for s in graph.surfaces()}
    stored = written[keep.canonical] if choice.action == "merge" else target
    graph.add_choice(Choice(choice.action, written[group.canonical], stored), now)
    graph.write_groups(_groups(graph, store))
    if choice.action == "rename":
        return entity(store, target)
    return entity(store, target if choice.action == "split" else written[keep.canonical])


def _names(graph: GraphStore, group: Group) -> list[str]:
    return [s.name for s in graph.surfaces() if s.id in group.members]


def entities(store: SqliteMemoryStore) -> list[EntityRow]:
    """Every entity, most mentioned first; the user shown by their name ("Sam (you)")."""
    rows = [replace(r, label=_entity_label(r, store)) for r in GraphStore(store).entities()]
    return sorted(rows, key=lambda e: (-e.memories, e.label.casefold()))


def entity(store: SqliteMemoryStore, name: str) -> EntityRow:
    groups = _groups(GraphStore(store), store)
    group = _find(groups, name)
    for row in GraphStore(store).entities():
        if row.id == group.canonical:
            return replace(row, label=_entity_label(row, store))
    raise InputError(f"no entity is called {name!r}")


def entity_memories(store: SqliteMemoryStore, entity_id: int) -> list[int]:
    """The memories that name this entity (any of its names) or are about it."""
    return sorted({
        link.memory_id for link in GraphStore(store).links()
        if link.to_entity and link.other == entity_id
    })  # fmt: skip


# ---------------------------------------------------------------- the graph


def entity_key(entity_id: int) -> str:
    return f"e{entity_id}"


def memory_key(memory_id: int) -> str:
    return f"m{memory_id}"


def load_graph(store: SqliteMemoryStore, now: datetime, params: ForgettingParams) -> MemoryGraph:
    """Every live memory and entity, with mentions, memory links and entity relations."""
    graph_store = GraphStore(store)
    graph = MemoryGraph()
    for memory, source in graph_store.live_memories():
        key = memory_key(memory.id)
        graph.nodes[key] = Node(
            key=key,
            label=memory.text,
            kind=memory.kind.value,
            group=memory.kind.value,
            ref=memory.id,
            learned_at=memory.valid_from or memory.event_time or memory.observed_at,
            valid_to=memory.valid_to,
            source="chat" if memory.origin == "chat" else source or memory.origin,
            importance=memory.importance,
            retention=memory_retention(memory, now, params),
        )
    linked: dict[int, list[datetime]] = {}
    for link in graph_store.links():
        a = memory_key(link.memory_id)
        b = entity_key(link.other) if link.to_entity else memory_key(link.other)
        if a not in graph.nodes or (not link.to_entity and b not in graph.nodes):
            continue
        if link.to_entity:
            when = graph.nodes[a].learned_at
            if when is not None:
                linked.setdefault(link.other, []).append(when)
        graph.edges.append(Edge(a, b, link.relation))
    relations = graph_store.relations()
    for row in graph_store.entities():
        if row.memories == 0 and not any(row.id in (r.source, r.target) for r in relations):
            continue  # a name no memory uses any more
        key = entity_key(row.id)
        first = min(linked.get(row.id, []), default=None)
        graph.nodes[key] = Node(key=key, label=_entity_label(row, store), kind=ENTITY,
                                group=row.kind, ref=row.id,
                                learned_at=None if row.kind == USER else first,
                                importance=min(1.0, 0.3 + 0.05 * row.memories))  # fmt: skip
    for relation in relations:
        a, b = entity_key(relation.source), entity_key(relation.target)
        if a in graph.nodes and b in graph.nodes:
            graph.edges.append(Edge(a, b, relation.relation, relation.valid_from,
                                    relation.valid_to))  # fmt: skip
    # A superseded fact's own links end when it was closed.
    closed = {k: n.valid_to for k, n in graph.nodes.items() if n.valid_to is not None}
    graph.edges = [
        Edge(e.a, e.b, e.relation, e.valid_from, e.valid_to or closed.get(e.a))
        if e.relation in ("about", "mentions") else e
        for e in graph.edges
    ]  # fmt: skip
    return graph


def _entity_label(row: EntityRow, store: SqliteMemoryStore) -> str:
    if row.kind == USER and row.label.casefold() in ("me", "user"):
        names = user_names(store)
        return f"{names[0]} (you)" if names else "You"
    return row.label


def user_key(graph: MemoryGraph) -> str | None:
    for key, node in graph.nodes.items():
        if node.kind == ENTITY and node.group == USER:
            return key
    return None


def export_graph(
    store: SqliteMemoryStore,
    path: Path,
    fmt: str,
    now: datetime,
    params: ForgettingParams,
    as_of: datetime | None = None,
) -> MemoryGraph:
    """Write the graph (as it stood at `as_of`, else now) as GraphML or JSON, atomically."""
    if fmt not in ("graphml", "json"):
        raise InputError(f"unknown graph format {fmt!r} (graphml or json)")
    graph = load_graph(store, now, params)
    graph = graph.as_of(as_of) if as_of is not None else graph.now()
    text = to_graphml(graph) if fmt == "graphml" else to_json(graph)
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {error}") from None
    return graph


def positions(store: SqliteMemoryStore) -> dict[str, tuple[float, float]]:
    return GraphStore(store).positions()


def save_positions(store: SqliteMemoryStore, laid_out: dict[str, tuple[float, float]]) -> None:
    GraphStore(store).save_positions(laid_out)


def graph_problems(store: SqliteMemoryStore) -> list[str]:
    return GraphStore(store).problems()


def colour_groups(store: SqliteMemoryStore) -> list[tuple[str, str]]:
    """The saved searches whose matches the view draws in their own colour."""
    return GraphStore(store).colour_groups()


def add_colour_group(store: SqliteMemoryStore, query: str) -> list[tuple[str, str]]:
    """Save a search as a colour group (the next free colour); kept in the store."""
    words = " ".join(query.split())
    if not words:
        raise InputError("a colour group needs words to match")
    graph = GraphStore(store)
    taken = [c for q, c in graph.colour_groups() if q != words]
    free = [c for c in GROUP_COLOURS if c not in taken] or list(GROUP_COLOURS)
    graph.save_colour_group(words, free[0])
    return graph.colour_groups()


def remove_colour_group(store: SqliteMemoryStore, query: str) -> list[tuple[str, str]]:
    graph = GraphStore(store)
    graph.remove_colour_group(query)
    return graph.colour_groups()
