"""Past conversations in Reverie's own chat, read back from the evidence they left.

Each conversation is one evidence session ("chat-2026-05-20T14-03-11-5f3a9c"; before
conversations had their own ids, one per day: "chat-2026-05-20"). The list and the transcripts
are what was said, as it was kept; each answer's citations are kept beside its message
(chat_citations), so a reopened conversation shows its chips again.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from app.core.records import Evidence
from app.storage.rows import from_text
from app.storage.sqlite_store import SqliteMemoryStore

CHAT = "chat"


@dataclass(frozen=True)
class Conversation:
    session: str
    title: str  # the first thing the user said
    started: datetime | None
    last: datetime | None
    messages: int


@dataclass(frozen=True)
class SavedCitation:
    """One chip of an answer as it was shown: its number, the memory it opens, and the words
    of that memory it showed (empty when it showed the memory's own text)."""

    rank: int
    memory_id: int
    excerpt: str = ""


class ConversationStore:
    def __init__(self, store: SqliteMemoryStore) -> None:
        self.store = store

    def conversations(self, limit: int = 200) -> list[Conversation]:
        """The latest first."""
        rows = self.store.conn.execute(
            "SELECT session, min(timestamp), max(timestamp), count(*),"
            " (SELECT f.content FROM evidence f WHERE f.session = e.session"
            "  AND f.source_kind = ? AND f.role = 'user' ORDER BY f.id LIMIT 1)"
            " FROM evidence e WHERE source_kind = ? GROUP BY session"
            " ORDER BY max(timestamp) DESC, max(id) DESC LIMIT ?",
            (CHAT, CHAT, limit),
        ).fetchall()
        return [
            Conversation(
                r[0],
                " ".join((r[4] or "").split()) or "(nothing said)",
                from_text(r[1]),
                from_text(r[2]),
                int(r[3]),
            )
            for r in rows
        ]

    def messages(self, session: str) -> list[Evidence]:
        """What was said, in order (blanked words of erased messages are left out)."""
        ids = [r[0] for r in self.store.conn.execute(
            "SELECT id FROM evidence WHERE session = ? AND source_kind = ? AND content != ''"
            " ORDER BY id", (session, CHAT))]  # fmt: skip
        found = self.store.get_evidence(ids)
        return [found[i] for i in ids]

    @staticmethod
    def keep_citations(
        conn: sqlite3.Connection, answer_id: int, citations: Sequence[SavedCitation]
    ) -> None:
        """Inside the caller's transaction, the one that stores the answer's message. The
        same answer said again at the same moment is one message: its chips are replaced."""
        conn.execute("DELETE FROM chat_citations WHERE evidence_id = ?", (answer_id,))
        conn.executemany(
            "INSERT INTO chat_citations (evidence_id, rank, memory_id, excerpt)"
            " VALUES (?, ?, ?, ?)",
            [(answer_id, c.rank, c.memory_id, c.excerpt) for c in citations],
        )

    def citations(self, answer_ids: Sequence[int]) -> dict[int, list[SavedCitation]]:
        """Each answer's citations, by rank (answers without any are left out)."""
        if not answer_ids:
            return {}
        marks = ",".join("?" * len(answer_ids))
        found: dict[int, list[SavedCitation]] = {}
        for row in self.store.conn.execute(
            "SELECT evidence_id, rank, memory_id, excerpt FROM chat_citations"
            f" WHERE evidence_id IN ({marks}) ORDER BY evidence_id, rank",
            list(answer_ids),
        ):
            found.setdefault(row[0], []).append(SavedCitation(row[1], row[2], row[3]))
        return found


def new_session(now: datetime) -> str:
    """A conversation's own id: when it started, and a few random letters (two
    conversations started within the same second stay two)."""
    return f"chat-{now:%Y-%m-%dT%H-%M-%S}-{uuid.uuid4().hex[:6]}"
