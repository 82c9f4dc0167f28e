"""Recall through the memory graph: a question that names an entity ("Where does Jonas live
now?") also ranks the memories linked to that entity and to the entities one relation away
(Jonas's employer, his sister), ordered by closeness in meaning to the question.

One more ranking for recall's fusion, so it can only add candidates and move them up; a
question naming nothing known adds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from app.core.entity_merge import USER, normalise
from app.storage.sqlite_store import SqliteMemoryStore

MOST_LINKED = 2000  # memories scored per question at most (the most recent ones)
# An entity named in more than this share of all memories (the other person in a two-person
# chat) says nothing about which ones matter: it is left out.
BROAD = 0.03
BROAD_FLOOR = 25  # in a small store no entity is too broad below this many memories
NEIGHBOUR_PENALTY = 0.05  # one relation away ranks a little below the entity's own


class VectorSource(Protocol):
    def vectors(self, memory_ids: Sequence[int]) -> dict[int, Any]: ...


def named_entities(store: SqliteMemoryStore, question: str) -> set[int]:
    """Entities (canonical ids) whose name, or a name they were written as, the question
    contains as whole words; the user is left out (every message is theirs)."""
    words = " ".join(re.findall(r"[\w-]+", question.casefold().replace("’", "'")
                                .replace("'s ", " ")))  # fmt: skip
    padded = f" {words} "
    found: set[int] = set()
    for entity_id, name in store.conn.execute(
        "SELECT coalesce(canonical_id, id), name FROM entities WHERE kind != ?", (USER,)
    ):
        norm = normalise(name)
        if len(norm) >= 3 and f" {norm} " in padded:
            found.add(int(entity_id))
    return found - _broad(store, found)


def _broad(store: SqliteMemoryStore, entities: set[int]) -> set[int]:
    if not entities:
        return set()
    total = store.conn.execute("SELECT count(*) FROM memories WHERE archived_at IS NULL")
    limit = max(BROAD_FLOOR, BROAD * int(total.fetchone()[0]))
    marks = ",".join("?" * len(entities))
    return {
        int(r[0])
        for r in store.conn.execute(
            "SELECT coalesce(e.canonical_id, e.id), count(DISTINCT l.memory_id) FROM links l"
            f" JOIN entities e ON e.id = l.entity_id WHERE coalesce(e.canonical_id, e.id)"
            f" IN ({marks}) GROUP BY 1",
            list(entities),
        )
        if r[1] > limit
    }


def linked_memories(store: SqliteMemoryStore, entities: set[int]) -> tuple[list[int], set[int]]:
    """(memories linked to these entities or to entities one relation away, the direct ones)."""
    if not entities:
        return [], set()
    marks = ",".join("?" * len(entities))
    neighbours = {
        int(r[0])
        for r in store.conn.execute(
            "SELECT coalesce(t.canonical_id, t.id) FROM entity_relations r"
            " JOIN entities s ON s.id = r.source_id JOIN entities t ON t.id = r.target_id"
            f" WHERE coalesce(s.canonical_id, s.id) IN ({marks})"
            " UNION SELECT coalesce(s.canonical_id, s.id) FROM entity_relations r"
            " JOIN entities s ON s.id = r.source_id JOIN entities t ON t.id = r.target_id"
            f" WHERE coalesce(t.canonical_id, t.id) IN ({marks})",
            [*entities, *entities],
        )
    } - entities
    neighbours -= _broad(store, neighbours)
    users = {int(r[0]) for r in store.conn.execute(
        "SELECT id FROM entities WHERE kind = ?", (USER,))}  # fmt: skip
    wanted = entities | (neighbours - users)
    rows = store.conn.execute(
        "SELECT DISTINCT l.memory_id, coalesce(e.canonical_id, e.id) FROM links l"
        " JOIN entities e ON e.id = l.entity_id JOIN memories m ON m.id = l.memory_id"
        f" WHERE coalesce(e.canonical_id, e.id) IN ({','.join('?' * len(wanted))})"
        " AND m.archived_at IS NULL ORDER BY l.memory_id DESC",
        list(wanted),
    ).fetchall()
    direct = {int(r[0]) for r in rows if int(r[1]) in entities}
    ordered = list(dict.fromkeys(int(r[0]) for r in rows))[:MOST_LINKED]
    return ordered, direct


def graph_ranking(
    store: SqliteMemoryStore,
    vectors: VectorSource,
    question: str,
    question_vector: Any,
    limit: int,
) -> list[int]:
    """The memories linked to what the question names, closest in meaning first."""
    ids, direct = linked_memories(store, named_entities(store, question))
    if not ids:
        return []
    found = vectors.vectors(ids)
    if not found:
        return []
    query = np.asarray(question_vector, dtype=np.float32)
    scores = {
        m: float(np.asarray(v, dtype=np.float32) @ query)
        - (0.0 if m in direct else NEIGHBOUR_PENALTY)
        for m, v in found.items()
    }
    return sorted(scores, key=lambda m: (-scores[m], m))[:limit]
