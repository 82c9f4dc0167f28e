"""A chat with Reverie: what the user says is evidence like any imported message, so
"remember that I..." needs no special command: facts are learned at once by the rules, and
the model's extraction follows in the background (post-answer reflection, as in
Think-in-Memory and Mem0)."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from app.core.fact_phrasing import describe_fact
from app.core.facts import read_facts
from app.core.forgetting import ForgettingParams, memory_retention
from app.core.procedures import read_procedure
from app.core.questions import fold
from app.core.records import Memory, MemoryKind, Message
from app.services.answer import Answer, Citation, answer_question
from app.services.extract import Extractor, ExtractReport
from app.services.facts import EntityFinder, learn_facts
from app.services.index_sync import sync_index
from app.services.recall import RecallHit
from app.storage.chroma_index import ChromaIndex
from app.storage.conversation_store import ConversationStore, SavedCitation
from app.storage.fact_store import FactStore, LearnedFact
from app.storage.sqlite_store import ImportRequest, SqliteMemoryStore, dedup_key


class ChatSession:
    """One conversation. Questions are answered and kept as evidence of the conversation,
    never as memories (a question is not a fact, and must not come back as an answer);
    statements are remembered, and the facts in them are learned at once; "that's wrong,
    it's X" after an answer corrects the fact it cited."""

    def __init__(
        self,
        store: SqliteMemoryStore,
        index: ChromaIndex,
        model: Any,
        params: ForgettingParams,
        speaker: str = "me",
        previous: Answer | None = None,
        entities: EntityFinder | None = None,
        session: str | None = None,
    ) -> None:
        self.store, self.index, self.model, self.params = store, index, model, params
        self.entities = entities
        self.speaker = speaker
        self.last = previous  # the answer a correction refers to
        # The conversation's evidence session (the app gives each conversation its own, from
        # when it started); None: one per day, "chat-2026-05-20".
        self.session = session

    def _message(self, text: str, role: str, now: datetime) -> Message:
        digest = hashlib.sha1(f"{now.isoformat()}|{role}|{text}".encode()).hexdigest()[:16]
        speaker = self.speaker if role == "user" else "Reverie"
        session = self.session or f"chat-{now:%Y-%m-%d}"
        return Message(digest, session, now, role, text, speaker)

    def say(
        self, text: str, now: datetime, on_token: Callable[[str], None] | None = None
    ) -> Answer:
        corrected = correction(text)
        cited = self._cited_fact()
        if corrected is not None and cited is not None:
            reply = self._correct(text, corrected, cited, now)
        elif is_question(text):
            # Answer first, so nothing of this exchange is searched while answering.
            reply = answer_question(
                text, store=self.store, index=self.index, model=self.model, now=now,
                params=self.params, on_token=on_token,
            )  # fmt: skip
            self._store_exchange(text, reply.text, now, remember=False, citations=reply.citations)
        else:
            reply = self._remember(text, now)
        if on_token and reply.notes and reply.notes[0].startswith(("noted", "corrected")):
            on_token(reply.text)
        self.last = reply
        return reply

    def _store_exchange(
        self,
        text: str,
        reply: str,
        now: datetime,
        *,
        remember: bool,
        citations: Sequence[Citation] = (),
    ) -> tuple[int, ...]:
        """One transaction for the exchange and the reply's citations (a caller's enclosing
        transaction takes it in). Reverie's reply is kept as evidence of the conversation,
        never as a memory (it is derived from memories already); the user's words become a
        memory only when they state something."""
        exchange = [self._message(text, "user", now), self._message(reply, "assistant", now)]
        with self.store.transaction() as conn:
            outcome = self.store.add_messages(
                ImportRequest(exchange, "chat", None, "chat", exchange[0].original_id,
                              frozenset({"user"}) if remember else frozenset(),
                              extract=remember),
                now, self.params,
            )  # fmt: skip
            if citations:
                self._keep_citations(conn, exchange[1], citations)
        return outcome.evidence_ids

    def _keep_citations(
        self, conn: sqlite3.Connection, reply: Message, citations: Sequence[Citation]
    ) -> None:
        """The chips as shown, kept with the reply's message so that the conversation shows
        them again when it is reopened (after a restart too)."""
        key = dedup_key("chat", reply.session, reply.original_id)
        row = conn.execute("SELECT id FROM evidence WHERE dedup_key = ?", (key,)).fetchone()
        saved = [SavedCitation(c.number, c.hit.memory.id, c.excerpt) for c in citations]
        ConversationStore.keep_citations(conn, int(row[0]), saved)

    def _remember(self, text: str, now: datetime) -> Answer:
        # The reply is worded before anything is stored, so the conversation keeps it as said
        # (a restored conversation shows "Noted: Your manager is Ana Lima.", not "Noted.").
        reply = noted(text, FactStore(self.store).current_facts())
        # The facts it cites are learned from the stored message: one transaction for the
        # exchange, the facts and the citations kept with the reply.
        with self.store.transaction() as conn:
            evidence_ids = self._store_exchange(text, reply, now, remember=True)
            learn_facts(self.store, now, self.params, evidence_ids[:1], entities=self.entities)
            new = [
                m for m in FactStore(self.store).current_facts()
                if evidence_ids[0] in m.evidence_ids
            ]  # fmt: skip
            shown = [self._hit(m, now) for m in new]
            citations = [Citation(i, h) for i, h in enumerate(shown, start=1)]
            self._keep_citations(conn, self._message(reply, "assistant", now), citations)
        sync_index(self.store, self.index)
        return Answer(text, reply, citations, False, shown, notes=["noted"])

    def _cited_fact(self) -> Memory | None:
        if self.last is None or not self.last.citations:
            return None
        memory = self.last.citations[0].hit.memory
        return memory if memory.attribute and memory.attribute != "procedure" else None

    def _correct(self, text: str, value: str, cited: Memory, now: datetime) -> Answer:
        reply = f"Corrected: {describe_fact(cited.subject, cited.attribute or '', value)}"
        with self.store.transaction() as conn:
            evidence_ids = self._store_exchange(text, reply, now, remember=True)
            evidence = self.store.get_evidence(list(evidence_ids[:1]))[evidence_ids[0]]
            fact = LearnedFact(MemoryKind.SEMANTIC, text, f"{cited.attribute}: {value}",
                               cited.subject or "me", cited.attribute or "", value)  # fmt: skip
            new_id = FactStore(self.store).correct(cited.id, fact, evidence, now, self.params)
            shown = [self._hit(self.store.get_memory(new_id), now)]
            citations = [Citation(1, shown[0])]
            self._keep_citations(conn, self._message(reply, "assistant", now), citations)
        sync_index(self.store, self.index)
        return Answer(text, f"{reply} [1]", citations, False, shown, notes=["corrected"])

    def _hit(self, memory: Memory, now: datetime) -> RecallHit:
        sources = self.store.evidence_for([memory.id]).get(memory.id, [])
        retention = memory_retention(memory, now, self.params)
        return RecallHit(memory, 1.0, retention, tuple(sources), 1.0, True, True)

    def reflect(self, now: datetime, max_batches: int | None = None) -> ExtractReport:
        """Extract memories from what was said (the app runs this in the background)."""
        return Extractor(self.store, self.index, self.model, self.params).run(
            now, max_batches=max_batches
        )


_QUESTION_START = re.compile(
    r"^(?:who|whom|whose|what|when|where|which|why|how|do|does|did|is|are|was|were|am|can|"
    r"could|would|will|should|have|has|had|tell me|remind me|any idea)\b",
    re.I,
)
_CORRECTION = re.compile(
    r"^(?:no|nope|wrong|not quite|that'?s (?:wrong|not right|incorrect|outdated|old|not true)"
    r"|that is (?:wrong|not right|incorrect|outdated|not true)|actually)\b[,.!:;\s-]*"
    r"(?:(?:it|she|he|they|that)(?:'s| is| was| are|'re) (?:now |actually )?|now (?:it'?s )?|"
    r"it should be |the (?:right|correct) (?:answer|one) is )?(?P<value>.+?)[.!]*$",
    re.I,
)


def noted(text: str, known: list[Memory]) -> str:
    """What Reverie says to a statement: the facts it read from it, in the user's terms."""
    facts = read_facts(text)
    said = [describe_fact(f.subject, f.attribute, f.value) for f in facts]
    procedure = read_procedure(text)
    if procedure is not None:
        said.append(f"how to {procedure.goal} ({len(procedure.steps)} steps).")
    current = {(fold(m.subject or ""), m.attribute): (m.value or "") for m in known}
    replaces = any(
        current.get((fold(f.subject), f.attribute), f.value).casefold() != f.value.casefold()
        for f in facts
    )
    if not said:
        return "Noted."
    return (
        "Noted: "
        + " ".join(said)
        + (" (This replaces what you told me before.)" if replaces else "")
    )


def is_question(text: str) -> bool:
    stripped = text.strip()
    return stripped.endswith("?") or bool(_QUESTION_START.match(stripped))


def correction(text: str) -> str | None:
    """The corrected value in "that's wrong, it's Porto" / "no, Tomás"; None otherwise."""
    match = _CORRECTION.match(text.strip())
    if match is None or is_question(text):
        return None
    value = match["value"].strip(" ,")
    return value if 0 < len(value) <= 80 else None
