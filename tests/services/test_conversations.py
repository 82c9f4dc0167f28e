"""A past conversation is read back with each answer's citations, kept with the answer's
message in the same transaction, and showing what became of the cited memories since."""

from __future__ import annotations

import pytest

from app.runtime import Reverie
from app.services.chat import ChatSession
from app.services.conversations import past_conversation
from app.services.curation import erase_memory
from app.services.ingest import ingest_file
from app.storage.conversation_store import ConversationStore
from tests.helpers import NOW, SAMPLE

SESSION = "chat-2026-05-20T12-00-00-abcdef"


def chat(reverie: Reverie) -> ChatSession:
    return ChatSession(reverie.store, reverie.index, reverie.model, reverie.params,
                       session=SESSION)  # fmt: skip


def test_an_answers_citations_come_back_with_the_conversation(reverie: Reverie) -> None:
    ingest_file(reverie.store, reverie.index, SAMPLE, fmt="auto", now=NOW, params=reverie.params)
    answer = chat(reverie).say("When is Ana's birthday?", NOW)
    assert answer.citations, "the sample chat answers this with a citation"

    past = past_conversation(reverie.store, SESSION)
    assert [m.said.role for m in past] == ["user", "assistant"]
    assert past[0].citations == ()
    restored = past[1].citations
    assert [(c.number, c.memory_id, c.excerpt) for c in restored] == [
        (c.number, c.hit.memory.id, c.excerpt) for c in answer.citations
    ]
    first = restored[0]
    assert first.memory is not None and first.state == ""
    assert [e.id for e in first.sources] == list(first.memory.evidence_ids)

    # Forgotten since: still opens, marked as such.
    reverie.store.archive(first.memory_id, NOW, "forgotten by the user")
    assert past_conversation(reverie.store, SESSION)[1].citations[0].state == "forgotten"
    # Deleted for good: the chip keeps its place, not the memory's words.
    erase_memory(reverie.store, reverie.index, first.memory_id, NOW)
    gone = past_conversation(reverie.store, SESSION)[1].citations[0]
    assert gone.memory is None and gone.state == "deleted" and gone.excerpt == ""


def test_a_deleted_memorys_chip_never_opens_a_later_memory(reverie: Reverie) -> None:
    talk = chat(reverie)
    talk.say("My manager is Ana Lima.", NOW)
    answer = talk.say("Who is my manager?", NOW)
    cited = answer.citations[0].hit.memory.id
    newest = reverie.store.conn.execute("SELECT max(id) FROM memories").fetchone()[0]
    assert cited == newest  # so SQLite would give its id to the next memory
    erase_memory(reverie.store, reverie.index, cited, NOW)
    talk.say("My manager is Ben Ortiz.", NOW)
    # The chips of the answers given before the erase (the last reply cites Ben's own).
    before = past_conversation(reverie.store, SESSION)[:4]
    chips = [c for m in before for c in m.citations]
    assert chips and all(c.memory is None or "Ben" not in c.memory.text for c in chips)


def test_a_statement_keeps_the_facts_it_cites(reverie: Reverie) -> None:
    answer = chat(reverie).say("My bike lock code is 4417.", NOW)
    assert answer.citations
    restored = past_conversation(reverie.store, SESSION)[1].citations
    assert [c.memory_id for c in restored] == [c.hit.memory.id for c in answer.citations]


def test_the_exchange_and_its_citations_are_one_transaction(
    reverie: Reverie, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_file(reverie.store, reverie.index, SAMPLE, fmt="auto", now=NOW, params=reverie.params)

    def broken(*_: object) -> None:
        raise RuntimeError("disk trouble while keeping the citations")

    monkeypatch.setattr(ConversationStore, "keep_citations", broken)
    with pytest.raises(RuntimeError):
        chat(reverie).say("When is Ana's birthday?", NOW)
    assert ConversationStore(reverie.store).messages(SESSION) == []
