"""The store's side of the memory graph: entity rows (names as written) and which entity each
is, links from memories to entities and to other memories, the fact layer's relations between
entities, the user's entity choices, and the view's saved positions.

Shares SqliteMemoryStore's connection and lock; every change is one transaction. Everything
here except entity_choices and graph_positions is derived from memories and evidence and can
be rebuilt.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from app.core.entities import Mention
from app.core.entity_merge import ME_NAME, USER, Choice, Group, Surface, group_kind
from app.core.fact_words import ME
from app.core.graph import entity_kind_for, relation_for
from app.core.records import Evidence, Memory
from app.storage.rows import evidence_from_row, from_text, memory_from_row, to_text
from app.storage.sqlite_store import SqliteMemoryStore

DERIVED = ("supersedes", "same episode", "shares entities")
MEANING = "close in meaning"


@dataclass(frozen=True)
class EntityRow:
    id: int  # the canonical row's id: the entity's id
    label: str
    kind: str
    names: tuple[str, ...]  # every way it was written
    memories: int


@dataclass(frozen=True)
class RelationRow:
    source: int  # canonical entity ids
    target: int
    relation: str
    memory_id: int
    valid_from: datetime | None
    valid_to: datetime | None


@dataclass(frozen=True)
class LinkRow:
    memory_id: int
    other: int  # an entity id (canonical) or a memory id
    relation: str
    to_entity: bool


class GraphStore:
    def __init__(self, store: SqliteMemoryStore) -> None:
        self.store = store

    @property
    def conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection = self.store.conn
        return conn

    # ------------------------------------------------------------ entity rows

    def _entity(self, conn: sqlite3.Connection, name: str, kind: str, trusted: bool) -> int:
        conn.execute(
            "INSERT OR IGNORE INTO entities (name, kind, trusted) VALUES (?, ?, ?)",
            (name, kind, int(trusted)),
        )
        if trusted:
            conn.execute(
                "UPDATE entities SET trusted = 1 WHERE name = ? AND kind = ?", (name, kind)
            )
        row = conn.execute(
            "SELECT id FROM entities WHERE name = ? AND kind = ?", (name, kind)
        ).fetchone()
        return int(row[0])

    def _link(self, conn: sqlite3.Connection, memory_ids: Iterable[int], entity_id: int,
              relation: str) -> None:  # fmt: skip
        conn.executemany(
            "INSERT INTO links (memory_id, entity_id, relation) SELECT ?, ?, ?"
            " WHERE NOT EXISTS (SELECT 1 FROM links WHERE memory_id = ? AND entity_id = ?"
            " AND relation = ?)",
            [(m, entity_id, relation, m, entity_id, relation) for m in memory_ids],
        )

    def unread_evidence(self, limit: int) -> list[Evidence]:
        """Messages and screens the recogniser has not read (the assistant's words are not
        read: they echo the user's)."""
        rows = self.conn.execute(
            "SELECT e.* FROM evidence e LEFT JOIN entity_reads r ON r.evidence_id = e.id"
            " WHERE r.evidence_id IS NULL AND e.role != 'assistant' ORDER BY e.id LIMIT ?",
            (limit,),
        ).fetchall()
        return [evidence_from_row(r) for r in rows]

    def unread_count(self) -> int:
        return int(self.conn.execute(
            "SELECT count(*) FROM evidence e LEFT JOIN entity_reads r ON r.evidence_id = e.id"
            " WHERE r.evidence_id IS NULL AND e.role != 'assistant'"
        ).fetchone()[0])  # fmt: skip

    def record_mentions(self, found: Sequence[tuple[int, Sequence[Mention]]]) -> None:
        """Link each message's memories to the entities named in it; mark them read."""
        with self.store.transaction() as conn:
            for evidence_id, mentions in found:
                memory_ids = [r[0] for r in conn.execute(
                    "SELECT memory_id FROM memory_evidence WHERE evidence_id = ?", (evidence_id,)
                )]  # fmt: skip
                for name, kind in sorted({(m.name, m.kind) for m in mentions}):
                    trusted = kind == "pet"  # only the "my cat Pixel" pattern says pet
                    self._link(conn, memory_ids, self._entity(conn, name, kind, trusted),
                               "mentions")  # fmt: skip
                conn.execute(
                    "INSERT OR IGNORE INTO entity_reads (evidence_id) VALUES (?)", (evidence_id,)
                )

    def sync_derived(self, user_names: Sequence[str]) -> None:
        """Entities, links and relations that follow from the facts, the screens and the
        memories themselves (rewritten whole: cheap SQL, and always in step)."""
        with self.store.transaction() as conn:
            me = self._entity(conn, ME_NAME, USER, True)
            for name in user_names:  # the names the user signs with are the user
                self._entity(conn, name, USER, True)
            conn.execute("DELETE FROM entity_relations")
            conn.execute("DELETE FROM links WHERE relation IN ('about', 'seen in')")
            facts = conn.execute(
                "SELECT * FROM memories WHERE attribute IS NOT NULL AND kind = 'semantic'"
                " AND archived_at IS NULL ORDER BY id"
            ).fetchall()
            for row in facts:
                self._fact(conn, memory_from_row(row), me)
            for app, ids in self._screen_memories(conn).items():
                self._link(conn, ids, self._entity(conn, app, "app", True), "seen in")
            conn.execute(
                "DELETE FROM links WHERE target_memory_id IS NOT NULL AND relation IN"
                f" ({','.join('?' * len(DERIVED))})",
                DERIVED,
            )
            self._memory_links(conn)

    def _fact(self, conn: sqlite3.Connection, fact: Memory, me: int) -> None:
        assert fact.attribute is not None
        subject = me if (fact.subject or ME) == ME else self._entity(
            conn, fact.subject or ME, "person", True)  # fmt: skip
        self._link(conn, [fact.id], subject, "about")
        kind = entity_kind_for(fact.attribute)
        if kind is None or not fact.value:
            return
        value = self._entity(conn, fact.value, kind, True)
        # The fact and the message it was read from both name the value.
        raw = [r[0] for r in conn.execute(
            "SELECT DISTINCT b.memory_id FROM memory_evidence a"
            " JOIN memory_evidence b ON b.evidence_id = a.evidence_id WHERE a.memory_id = ?",
            (fact.id,),
        )]  # fmt: skip
        self._link(conn, {fact.id, *raw}, value, "mentions")
        relation = relation_for(fact.attribute)
        if relation is None:
            return
        label, value_first = relation
        source, target = (value, subject) if value_first else (subject, value)
        conn.execute(
            "INSERT INTO entity_relations (source_id, target_id, relation, memory_id,"
            " valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?)",
            (source, target, label, fact.id,
             to_text(fact.valid_from or fact.event_time or fact.observed_at),
             to_text(fact.valid_to) if fact.valid_to else None),
        )  # fmt: skip

    def _screen_memories(self, conn: sqlite3.Connection) -> dict[str, set[int]]:
        found: dict[str, set[int]] = {}
        for app, memory_id in conn.execute(
            "SELECT ep.app, me.memory_id FROM episodes ep"
            " JOIN frames f ON f.episode_id = ep.id"
            " JOIN memory_evidence me ON me.evidence_id IN (f.evidence_id, ep.summary_evidence_id)"
            " WHERE ep.app != ''"
        ):
            found.setdefault(app, set()).add(memory_id)
        return found

    def _memory_links(self, conn: sqlite3.Connection) -> None:
        # supersedes: the newer fact points at the one it closed
        conn.execute(
            "INSERT INTO links (memory_id, target_memory_id, relation)"
            " SELECT superseded_by, id, 'supersedes' FROM memories WHERE superseded_by IS NOT NULL"
        )
        # same episode: each memory to the one before it in its conversation or screen episode
        rows = conn.execute(
            "SELECT me.memory_id, e.session, min(e.seq) AS seq FROM memory_evidence me"
            " JOIN evidence e ON e.id = me.evidence_id JOIN memories m ON m.id = me.memory_id"
            " WHERE m.archived_at IS NULL AND m.origin = 'ingest'"
            " GROUP BY me.memory_id ORDER BY e.session, seq, me.memory_id"
        ).fetchall()
        pairs = [(b[0], a[0]) for a, b in itertools.pairwise(rows) if a[1] == b[1]]
        conn.executemany(
            "INSERT INTO links (memory_id, target_memory_id, relation)"
            " VALUES (?, ?, 'same episode')",
            pairs,
        )
        # shares entities: two memories naming the same two or more entities (people, places)
        conn.execute(
            "INSERT INTO links (memory_id, target_memory_id, relation)"
            " SELECT a.memory_id, b.memory_id, 'shares entities' FROM links a"
            " JOIN entities ea ON ea.id = a.entity_id"
            " JOIN links b ON b.entity_id = a.entity_id AND b.memory_id > a.memory_id"
            " WHERE a.relation = 'mentions' AND b.relation = 'mentions' AND ea.kind != 'user'"
            " AND (SELECT count(*) FROM links x WHERE x.entity_id = a.entity_id) <= 50"
            " GROUP BY a.memory_id, b.memory_id HAVING count(DISTINCT a.entity_id) >= 2"
        )

    def replace_meaning_links(self, pairs: Sequence[tuple[int, int]]) -> None:
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM links WHERE relation = ?", (MEANING,))
            conn.executemany(
                "INSERT INTO links (memory_id, target_memory_id, relation) VALUES (?, ?, ?)",
                [(a, b, MEANING) for a, b in pairs],
            )

    def forget_derived(self) -> None:
        """For a rebuild from scratch: entity rows, links and relations go; the user's choices
        and the saved positions stay."""
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM entity_relations")
            conn.execute("DELETE FROM links")
            conn.execute("DELETE FROM entity_reads")
            conn.execute("UPDATE entities SET canonical_id = NULL")
            conn.execute("DELETE FROM entities")

    # ------------------------------------------------------------ identity

    def surfaces(self) -> list[Surface]:
        sessions: dict[int, set[str]] = {}
        for entity_id, session in self.conn.execute(
            "SELECT DISTINCT l.entity_id, e.session FROM links l"
            " JOIN memory_evidence me ON me.memory_id = l.memory_id"
            " JOIN evidence e ON e.id = me.evidence_id WHERE l.entity_id IS NOT NULL"
        ):
            sessions.setdefault(entity_id, set()).add(session)
        rows = self.conn.execute(
            "SELECT e.id, e.name, e.kind, e.trusted, count(l.id) AS n FROM entities e"
            " LEFT JOIN links l ON l.entity_id = e.id GROUP BY e.id ORDER BY e.id"
        ).fetchall()
        return [
            Surface(
                r["id"],
                r["name"],
                r["kind"],
                r["n"],
                bool(r["trusted"]),
                frozenset(sessions.get(r["id"], ())),
            )
            for r in rows
        ]

    def write_groups(self, groups: Sequence[Group]) -> None:
        with self.store.transaction() as conn:
            conn.execute("UPDATE entities SET canonical_id = NULL, label = NULL")
            for group in groups:
                conn.execute(
                    "UPDATE entities SET label = ? WHERE id = ?", (group.label, group.canonical)
                )
                others = [m for m in group.members if m != group.canonical]
                conn.executemany(
                    "UPDATE entities SET canonical_id = ? WHERE id = ?",
                    [(group.canonical, m) for m in others],
                )

    def choices(self) -> list[Choice]:
        return [
            Choice(r["action"], r["name"], r["target"])
            for r in self.conn.execute("SELECT * FROM entity_choices ORDER BY id")
        ]

    def add_choice(self, choice: Choice, now: datetime) -> None:
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO entity_choices (at, action, name, target) VALUES (?, ?, ?, ?)",
                (to_text(now), choice.action, choice.name, choice.target),
            )

    # ------------------------------------------------------------ reading

    def entities(self) -> list[EntityRow]:
        names: dict[int, list[str]] = {}
        for row in self.conn.execute(
            "SELECT coalesce(canonical_id, id), name FROM entities ORDER BY id"
        ):
            names.setdefault(row[0], []).append(row[1])
        counts = dict(self.conn.execute(
            "SELECT coalesce(e.canonical_id, e.id), count(DISTINCT l.memory_id) FROM links l"
            " JOIN entities e ON e.id = l.entity_id GROUP BY 1"
        ).fetchall())  # fmt: skip
        kinds = self._group_kinds()
        rows = self.conn.execute(
            "SELECT id, coalesce(label, name) AS label FROM entities WHERE canonical_id IS NULL"
            " ORDER BY id"
        ).fetchall()
        return [
            EntityRow(
                r["id"],
                r["label"],
                kinds.get(r["id"], "person"),
                tuple(names.get(r["id"], ())),
                int(counts.get(r["id"], 0)),
            )
            for r in rows
        ]

    def _group_kinds(self) -> dict[int, str]:
        members: dict[int, list[Surface]] = {}
        for r in self.conn.execute(
            "SELECT id, name, kind, trusted, coalesce(canonical_id, id) AS g FROM entities"
        ):
            members.setdefault(r["g"], []).append(
                Surface(r["id"], r["name"], r["kind"], 0, bool(r["trusted"]))
            )
        return {g: group_kind(s) for g, s in members.items()}

    def links(self) -> Iterator[LinkRow]:
        for r in self.conn.execute(
            "SELECT l.memory_id, coalesce(e.canonical_id, e.id, l.target_memory_id) AS other,"
            " l.relation, l.entity_id IS NOT NULL AS to_entity FROM links l"
            " LEFT JOIN entities e ON e.id = l.entity_id"
        ):
            yield LinkRow(r[0], r[1], r[2], bool(r[3]))

    def relations(self) -> list[RelationRow]:
        return [
            RelationRow(r[0], r[1], r[2], r[3], from_text(r[4]), from_text(r[5]))
            for r in self.conn.execute(
                "SELECT coalesce(s.canonical_id, s.id), coalesce(t.canonical_id, t.id),"
                " r.relation, r.memory_id, r.valid_from, r.valid_to FROM entity_relations r"
                " JOIN entities s ON s.id = r.source_id JOIN entities t ON t.id = r.target_id"
                " ORDER BY r.id"
            )
        ]

    def live_memories(self) -> list[tuple[Memory, str]]:
        """Memories not archived, with where their first evidence came from."""
        rows = self.conn.execute(
            "SELECT m.*, (SELECT e.source_kind FROM memory_evidence me JOIN evidence e"
            " ON e.id = me.evidence_id WHERE me.memory_id = m.id ORDER BY e.id LIMIT 1) AS src"
            " FROM memories m WHERE m.archived_at IS NULL ORDER BY m.id"
        ).fetchall()
        return [(memory_from_row(r), r["src"] or "") for r in rows]

    def counts(self) -> dict[str, int]:
        one = self.conn.execute
        return {
            "entities": one("SELECT count(*) FROM entities WHERE canonical_id IS NULL")
            .fetchone()[0],
            "names": one("SELECT count(*) FROM entities").fetchone()[0],
            "mention_links": one("SELECT count(*) FROM links WHERE entity_id IS NOT NULL")
            .fetchone()[0],
            "memory_links": one("SELECT count(*) FROM links WHERE target_memory_id IS NOT NULL")
            .fetchone()[0],
            "relations": one("SELECT count(*) FROM entity_relations").fetchone()[0],
        }  # fmt: skip

    def problems(self) -> list[str]:
        """What `doctor` reports: links to nothing, aliases of aliases, facts without links."""
        found: list[str] = []
        one = self.conn.execute
        chained = one(
            "SELECT count(*) FROM entities a JOIN entities b ON b.id = a.canonical_id"
            " WHERE b.canonical_id IS NOT NULL"
        ).fetchone()[0]
        if chained:
            found.append(f"{chained} entity names point at an alias, not an entity")
        dangling = one(
            "SELECT count(*) FROM links l LEFT JOIN entities e ON e.id = l.entity_id"
            " LEFT JOIN memories m ON m.id = l.target_memory_id"
            " WHERE (l.entity_id IS NOT NULL AND e.id IS NULL)"
            " OR (l.target_memory_id IS NOT NULL AND m.id IS NULL)"
        ).fetchone()[0]
        if dangling:
            found.append(f"{dangling} links point at missing entities or memories")
        unlinked = one(
            "SELECT count(*) FROM memories m WHERE m.attribute IS NOT NULL AND m.kind = 'semantic'"
            " AND m.archived_at IS NULL AND NOT EXISTS"
            " (SELECT 1 FROM links l WHERE l.memory_id = m.id AND l.relation = 'about')"
        ).fetchone()[0]
        if unlinked:
            found.append(f"{unlinked} facts are not linked to the entity they are about")
        return found

    # ------------------------------------------------------------ positions

    def positions(self) -> dict[str, tuple[float, float]]:
        return {r[0]: (r[1], r[2]) for r in self.conn.execute("SELECT * FROM graph_positions")}

    def save_positions(self, positions: dict[str, tuple[float, float]]) -> None:
        with self.store.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO graph_positions (node, x, y) VALUES (?, ?, ?)",
                [(k, x, y) for k, (x, y) in positions.items()],
            )

    # ------------------------------------------------------------ colour groups

    def colour_groups(self) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT query, colour FROM graph_colour_groups ORDER BY id")]  # fmt: skip

    def save_colour_group(self, query: str, colour: str) -> None:
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO graph_colour_groups (query, colour) VALUES (?, ?)",
                (query, colour),
            )

    def remove_colour_group(self, query: str) -> None:
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM graph_colour_groups WHERE query = ?", (query,))
