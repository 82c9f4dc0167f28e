"""The store's side of the fact layer: current facts, and learning new ones with supersession.

Shares SqliteMemoryStore's connection, lock and history, so learning from one message (its
facts, the older facts they close, the note that it was read) is one transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.core.entities import Mention
from app.core.forgetting import ForgettingParams
from app.core.records import Evidence, HistoryAction, Memory, MemoryKind
from app.storage.message_names import message_name
from app.storage.rows import evidence_from_row, memory_from_row, to_text
from app.storage.sqlite_store import SqliteMemoryStore

FACT_IMPORTANCE = 0.7  # a stated fact about oneself matters more than small talk
PROCEDURE = "procedure"
RULES = "rules"  # the origin of memories the fact layer wrote


@dataclass(frozen=True)
class LearnedFact:
    """One fact or procedure to store, with the words to index it by."""

    kind: MemoryKind
    text: str  # what the user reads: their own sentence, or the numbered steps
    context: str  # extra words for search: "manager: Ana Lima"
    subject: str
    attribute: str
    value: str | None


@dataclass
class LearnReport:
    messages: int = 0
    added: int = 0
    superseded: int = 0
    confirmed: int = 0
    procedures: int = 0


class FactStore:
    def __init__(self, store: SqliteMemoryStore) -> None:
        self.store = store

    def unread(self, limit: int, evidence_ids: Sequence[int] | None = None) -> list[Evidence]:
        """Evidence the rules have not read yet (all of it, or among `evidence_ids`), by time."""
        where = ""
        args: list[object] = []
        if evidence_ids is not None:
            if not evidence_ids:
                return []
            where = f"AND e.id IN ({','.join('?' * len(evidence_ids))})"
            args = list(evidence_ids)
        rows = self.store.conn.execute(
            "SELECT e.* FROM evidence e LEFT JOIN fact_reads r ON r.evidence_id = e.id"
            f" WHERE r.evidence_id IS NULL {where}"
            " ORDER BY coalesce(e.timestamp, ''), e.id LIMIT ?",
            [*args, limit],
        ).fetchall()
        return [evidence_from_row(r) for r in rows]

    def unread_count(self) -> int:
        row = self.store.conn.execute(
            "SELECT count(*) FROM evidence e LEFT JOIN fact_reads r ON r.evidence_id = e.id"
            " WHERE r.evidence_id IS NULL"
        ).fetchone()
        return int(row[0])

    def user_names(self) -> list[str]:
        """The names the user's own messages were signed with ("me", "Sam")."""
        rows = self.store.conn.execute(
            "SELECT DISTINCT speaker FROM evidence WHERE role = 'user' AND speaker IS NOT NULL"
            " LIMIT 20"
        )
        return [r[0] for r in rows]

    def people(self, relations: frozenset[str]) -> list[str]:
        """Names the facts know for people: the values of these relations."""
        rows = self.store.conn.execute(
            "SELECT DISTINCT attribute, value, subject FROM memories"
            " WHERE attribute IS NOT NULL AND kind = 'semantic'"
        ).fetchall()
        # Only people the user named by their relation ("my sister Immy"): subjects of facts
        # and the recogniser's guesses ("Southsea" as a person) would feed errors back.
        names = {r["value"] for r in rows if r["attribute"] in relations and r["value"]}
        return sorted(n for n in names if len(n) < 40)

    def current_facts(self) -> list[Memory]:
        """Facts and procedures that hold now: not closed, not archived."""
        rows = self.store.conn.execute(
            "SELECT * FROM memories WHERE attribute IS NOT NULL AND valid_to IS NULL"
            " AND superseded_by IS NULL AND archived_at IS NULL ORDER BY id"
        ).fetchall()
        links: dict[int, list[int]] = {}
        if rows:
            ids = [r["id"] for r in rows]
            for chunk in range(0, len(ids), 900):
                part = ids[chunk : chunk + 900]
                for link in self.store.conn.execute(
                    "SELECT memory_id, evidence_id FROM memory_evidence WHERE memory_id IN"
                    f" ({','.join('?' * len(part))}) ORDER BY evidence_id",
                    part,
                ):
                    links.setdefault(link[0], []).append(link[1])
        return [memory_from_row(r, tuple(links.get(r["id"], ()))) for r in rows]

    def learn(
        self,
        evidence: Evidence,
        found: Sequence[LearnedFact],
        now: datetime,
        params: ForgettingParams,
        mentions: Sequence[Mention] = (),
    ) -> LearnReport:
        """Store what the rules read from one message, atomically. A new value for a known
        subject and attribute closes the older fact (valid_to, superseded_by, history); the
        same value again only adds this message as evidence. A message older than the fact
        it contradicts (an old log imported late) is stored already closed by it."""
        report = LearnReport(messages=1)
        said_at = evidence.timestamp or now
        with self.store.transaction() as conn:
            for fact in found:
                existing = self._current(conn, fact.subject, fact.attribute)
                same = [m for m in existing if _same_value(m, fact)]
                if same:
                    conn.executemany(
                        "INSERT OR IGNORE INTO memory_evidence (memory_id, evidence_id)"
                        " VALUES (?, ?)",
                        [(m.id, evidence.id) for m in same],
                    )
                    report.confirmed += 1
                    continue
                new_id = self.store.insert_memory(
                    conn,
                    fact.kind,
                    fact.text,
                    fact.context,
                    evidence.timestamp,
                    now,
                    params,
                    FACT_IMPORTANCE,
                    RULES,
                    (evidence.id,),
                    f"read by the fact layer from {message_name(evidence)}",
                    subject=fact.subject,
                    role=evidence.role,
                    attribute=fact.attribute,
                    value=fact.value,
                )
                report.added += 1
                report.procedures += fact.kind is MemoryKind.PROCEDURAL
                for old in existing:
                    old_time = old.valid_from or old.observed_at
                    if old_time <= said_at:
                        self._close(conn, old, new_id, said_at, fact.value, now)
                    else:
                        self._close(conn, self.store.memory_in(conn, new_id), old.id,
                                    old_time, old.value, now)  # fmt: skip
                    report.superseded += 1
            self._link_mentions(conn, evidence.id, mentions)
            conn.execute(
                "INSERT OR REPLACE INTO fact_reads (evidence_id, read_at, found) VALUES (?, ?, ?)",
                (evidence.id, to_text(now), len(found)),
            )
        return report

    def _link_mentions(
        self, conn: sqlite3.Connection, evidence_id: int, mentions: Sequence[Mention]
    ) -> None:
        """Every memory of this message links to the entities it names."""
        if not mentions:
            return
        memory_ids = [
            r[0]
            for r in conn.execute(
                "SELECT memory_id FROM memory_evidence WHERE evidence_id = ?", (evidence_id,)
            )
        ]
        for mention in {(m.name, m.kind) for m in mentions}:
            conn.execute("INSERT OR IGNORE INTO entities (name, kind) VALUES (?, ?)", mention)
            entity_id = conn.execute(
                "SELECT id FROM entities WHERE name = ? AND kind = ?", mention
            ).fetchone()[0]
            conn.executemany(
                "INSERT INTO links (memory_id, entity_id, relation) SELECT ?, ?, 'mentions'"
                " WHERE NOT EXISTS (SELECT 1 FROM links WHERE memory_id = ? AND entity_id = ?"
                " AND relation = 'mentions')",
                [(m, entity_id, m, entity_id) for m in memory_ids],
            )

    def replaced(self, fact: Memory) -> Memory | None:
        """The fact this one replaced (the user's manager before the new one), if any."""
        row = self.store.conn.execute(
            "SELECT * FROM memories WHERE superseded_by = ? AND attribute IS NOT NULL"
            " ORDER BY valid_to DESC, id DESC LIMIT 1",
            (fact.id,),
        ).fetchone()
        if row is None:
            return None
        links = self.store.conn.execute(
            "SELECT evidence_id FROM memory_evidence WHERE memory_id = ? ORDER BY evidence_id",
            (row["id"],),
        ).fetchall()
        return memory_from_row(row, tuple(link[0] for link in links))

    def _current(self, conn: sqlite3.Connection, subject: str, attribute: str) -> list[Memory]:
        rows = conn.execute(
            "SELECT * FROM memories WHERE attribute = ? AND lower(subject) = lower(?)"
            " AND valid_to IS NULL AND superseded_by IS NULL AND archived_at IS NULL",
            (attribute, subject),
        ).fetchall()
        return [memory_from_row(r) for r in rows]

    def _close(
        self,
        conn: sqlite3.Connection,
        old: Memory,
        new_id: int,
        closed_at: datetime,
        new_value: str | None,
        now: datetime,
    ) -> None:
        conn.execute(
            "UPDATE memories SET valid_to = ?, superseded_by = ? WHERE id = ?",
            (to_text(closed_at), new_id, old.id),
        )
        after = self.store.memory_in(conn, old.id)
        self.store.record(
            conn,
            old.id,
            now,
            HistoryAction.SUPERSEDE,
            f"superseded by #{new_id}: {old.attribute} is now {new_value}",
            old,
            after,
        )

    def correct(
        self, old_id: int, fact: LearnedFact, evidence: Evidence, now: datetime,
        params: ForgettingParams,
    ) -> int:  # fmt: skip
        """The user said a fact is wrong: the corrected value replaces it from now on."""
        with self.store.transaction() as conn:
            old = self.store.memory_in(conn, old_id)
            new_id = self.store.insert_memory(
                conn, fact.kind, fact.text, fact.context, evidence.timestamp, now, params,
                FACT_IMPORTANCE, RULES, (evidence.id,),
                f"corrected by the user in message {evidence.original_id}",
                subject=fact.subject, role=evidence.role, attribute=fact.attribute,
                value=fact.value,
            )  # fmt: skip
            if old.current:
                self._close(conn, old, new_id, evidence.timestamp or now, fact.value, now)
        return new_id


def _same_value(memory: Memory, fact: LearnedFact) -> bool:
    if fact.kind is MemoryKind.PROCEDURAL:
        return memory.text.casefold() == fact.text.casefold()
    # "Bluestem" and "Bluestem Medical" are one employer, said shorter the second time.
    old, new = (memory.value or "").casefold(), (fact.value or "").casefold()
    return old == new or (
        bool(old and new) and (old.startswith(new + " ") or new.startswith(old + " "))
    )
