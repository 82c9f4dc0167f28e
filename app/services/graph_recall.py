"""Recall through the memory graph.

A question that names an entity ("Where does Jonas live now?") also ranks the memories linked
to that entity and to the entities one relation away (Jonas's employer, his sister), ordered by
closeness in meaning to the question: one more ranking for recall's fusion, so it can only add
candidates and move them up.

Two more things the graph knows weigh the candidates themselves, so that the word-level rerank
(which reorders the best by the question's words alone) keeps them:
- who said a message. A person the question names who speaks in the user's chats ("What
  activities does Melanie do?") said the messages that are about them; other people's
  messages name them mostly to address them ("Thanks, Melanie!"), so the mention links alone
  point the wrong way.
- what kind of entity the question asks for ("Which cities...", "What books...", "Who...").
  A memory that names a place, a work or a person answers those more often than one on the
  same topic that names none.

A question naming nothing known, and asking for no kind, changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from weakref import WeakKeyDictionary

import numpy as np

from app.core.entity_merge import USER, normalise
from app.storage.sqlite_store import SqliteMemoryStore

MOST_LINKED = 2000  # memories scored per question at most (the most recent ones)
# An entity named in more than this share of all memories (the other person in a two-person
# chat) says nothing about which ones matter: it is left out of the ranking.
BROAD = 0.03
BROAD_FLOOR = 25  # in a small store no entity is too broad below this many memories
NEIGHBOUR_PENALTY = 0.05  # one relation away ranks a little below the entity's own
# Weights on a candidate's score (they carry through the word-level rerank: a weight w is
# worth a token match higher by 0.05 * ln w, app.services.late_interaction). Measured on
# LoCoMo dev (README, Memory graph): the speaker's weight 2 / 5 / 8 gave multi-hop @10
# 0.475 / 0.497 / 0.502 and overall 0.757 / 0.760 / 0.761; the kind's 1.5 / 3 added 0.7 and
# 1.0 points of multi-hop.
SPEAKER_WEIGHT = 5.0
KIND_WEIGHT = 3.0
# Words that ask for a kind of entity, and the kinds that answer them (the recogniser's and
# the fact layer's kinds; spaCy's small model often calls a pet's name a person's). "Who" and
# "names" asking for people gained nothing on LoCoMo dev: most names in a chat are the people
# talking, and "name" asks for a restaurant's as often.
ASKS_FOR: dict[frozenset[str], frozenset[str]] = {
    frozenset({"where", "city", "cities", "country", "countries", "state", "states", "town",
               "towns"}): frozenset({"place"}),
    frozenset({"book", "books", "novel", "novels", "movie", "movies", "film", "films", "song",
               "songs", "show", "shows", "game", "games"}): frozenset({"work", "product"}),
    frozenset({"pet", "pets", "dog", "dogs", "cat", "cats"}): frozenset({"pet", "person"}),
    frozenset({"company", "companies", "brand", "brands", "band", "bands", "organisation",
               "organisations", "organization", "organizations"}):
        frozenset({"organisation", "product"}),
}  # fmt: skip


# Per store: (its change counters when read, (names by entity, the user's entities)). PRAGMA
# data_version moves when another connection commits, total_changes when this one writes.
_NAMES: WeakKeyDictionary[
    SqliteMemoryStore, tuple[tuple[int, int], tuple[dict[int, set[str]], set[int]]]
] = WeakKeyDictionary()


class VectorSource(Protocol):
    def vectors(self, memory_ids: Sequence[int]) -> dict[int, Any]: ...


@dataclass(frozen=True)
class GraphQuestion:
    """What a question says to the graph."""

    named: frozenset[int]  # entities (canonical ids) it names, the user's included
    ranked: frozenset[int]  # of those, the ones whose memories are ranked (not the user, not broad)
    speakers: frozenset[str]  # the names (normalised) those entities are written as
    kinds: frozenset[str]  # the kinds of entity it asks for

    @property
    def empty(self) -> bool:
        return not (self.named or self.kinds)


def _words(question: str) -> str:
    text = question.casefold().replace("’", "'").replace("'s ", " ")
    return " " + " ".join(re.findall(r"[\w-]+", text)) + " "


def kinds_asked_for(question: str) -> frozenset[str]:
    words = set(_words(question).split())
    return frozenset(k for asking, kinds in ASKS_FOR.items() if words & asking for k in kinds)


def read_question(store: SqliteMemoryStore, question: str) -> GraphQuestion:
    """The entities whose name, or a name they were written as, the question contains as
    whole words, and the kinds of entity it asks for."""
    padded = _words(question)
    names, users = _entity_names(store)
    written = {e: {n for n in forms if len(n) >= 3 and f" {n} " in padded}
               for e, forms in names.items()}  # fmt: skip
    named = {e for e, found in written.items() if found}
    ranked = named - users
    # A speaker is found by the names it is written as, but the user's entity only by the
    # name the question gives: it gathers every name the user's messages are signed with,
    # and in a chat log with no other roles that is everyone who speaks.
    speakers = {n for e in named for n in (written[e] if e in users else names[e])}
    return GraphQuestion(
        frozenset(named),
        frozenset(ranked - _broad(store, ranked)),
        frozenset(speakers),
        kinds_asked_for(question),
    )


def _entity_names(store: SqliteMemoryStore) -> tuple[dict[int, set[str]], set[int]]:
    """Each entity's names, normalised, and which entities are the user: read again only
    when the store has changed since (normalising every name for every question cost ~3 ms
    per thousand entities on the loaded 2-core machine, and recall now always asks)."""
    version = (int(store.conn.execute("PRAGMA data_version").fetchone()[0]),
               int(store.conn.total_changes))  # fmt: skip
    cached = _NAMES.get(store)
    if cached is not None and cached[0] == version:
        return cached[1]
    names: dict[int, set[str]] = {}
    users: set[int] = set()
    for entity_id, name, kind in store.conn.execute(
        "SELECT coalesce(canonical_id, id), name, kind FROM entities"
    ):
        names.setdefault(int(entity_id), set()).add(normalise(name))
        if kind == USER:
            users.add(int(entity_id))
    _NAMES[store] = (version, (names, users))
    return names, users


def named_entities(store: SqliteMemoryStore, question: str) -> set[int]:
    """Entities (canonical ids) the question names whose memories are ranked: the user is
    left out (every message is theirs), and so is an entity in too many memories."""
    return set(read_question(store, question).ranked)


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
    asked: GraphQuestion,
    question_vector: Any,
    limit: int,
) -> list[int]:
    """The memories linked to what the question names, closest in meaning first."""
    ids, direct = linked_memories(store, set(asked.ranked))
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


def graph_weights(
    store: SqliteMemoryStore, asked: GraphQuestion, memory_ids: Sequence[int]
) -> dict[int, float]:
    """Weights above 1 for those of `memory_ids` said by a person the question names, and
    for those naming an entity of a kind it asks for (other than the ones it names)."""
    if asked.empty or not memory_ids:
        return {}
    marks = ",".join("?" * len(memory_ids))
    weights: dict[int, float] = {}
    if asked.speakers:
        said = {
            int(memory_id)
            for memory_id, speaker in store.conn.execute(
                "SELECT me.memory_id, e.speaker FROM memory_evidence me"
                f" JOIN evidence e ON e.id = me.evidence_id WHERE me.memory_id IN ({marks})"
                " AND e.speaker IS NOT NULL",
                list(memory_ids),
            )
            if normalise(speaker) in asked.speakers
        }
        weights.update(dict.fromkeys(said, SPEAKER_WEIGHT))
    if asked.kinds:
        kinds = sorted(asked.kinds)
        named = sorted(asked.named)
        for (memory_id,) in store.conn.execute(
            "SELECT DISTINCT l.memory_id FROM links l JOIN entities e ON e.id = l.entity_id"
            f" WHERE l.memory_id IN ({marks}) AND e.kind IN ({','.join('?' * len(kinds))})"
            f" AND coalesce(e.canonical_id, e.id) NOT IN ({','.join('?' * len(named))})",
            [*memory_ids, *kinds, *named],
        ):
            weights[int(memory_id)] = weights.get(int(memory_id), 1.0) * KIND_WEIGHT
    return weights
