"""A past conversation as it is shown again: what was said, and each answer's citation chips
with the memories they open, as those memories are now (forgotten or deleted since, too)."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.records import Evidence, Memory
from app.storage.conversation_store import ConversationStore
from app.storage.sqlite_store import SqliteMemoryStore


@dataclass(frozen=True)
class PastCitation:
    number: int
    memory_id: int
    excerpt: str  # the memory's words the chip showed; empty: it showed the memory's text
    memory: Memory | None  # None: the memory was deleted for good since
    sources: tuple[Evidence, ...] = ()

    @property
    def state(self) -> str:
        """What became of the memory since the answer: "", "forgotten" or "deleted"."""
        if self.memory is None:
            return "deleted"
        return "forgotten" if self.memory.archived else ""


@dataclass(frozen=True)
class PastMessage:
    said: Evidence
    citations: tuple[PastCitation, ...] = ()


def past_conversation(store: SqliteMemoryStore, session: str) -> list[PastMessage]:
    conversations = ConversationStore(store)
    messages = conversations.messages(session)
    saved = conversations.citations([m.id for m in messages if m.role == "assistant"])
    cited = sorted({c.memory_id for chips in saved.values() for c in chips})
    memories = store.get_memories(cited)
    sources = store.evidence_for(list(memories))
    return [
        PastMessage(
            message,
            tuple(
                PastCitation(
                    c.rank,
                    c.memory_id,
                    c.excerpt,
                    memories.get(c.memory_id),
                    tuple(sources.get(c.memory_id, ())),
                )
                for c in saved.get(message.id, [])
            ),
        )
        for message in messages
    ]
