"""The late-interaction rerank on the real stack (MiniLM, Chroma, SQLite): what a user would
notice, and that its token vectors follow the memory store like the rest of the index."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from app.runtime import Reverie
from app.services.curation import erase_memory
from app.services.index_sync import rebuild_index
from app.services.ingest import ingest_file
from app.services.recall import RecallOptions, search
from tests.helpers import NOW, SAMPLE

WEEK = [
    (
        "plans",
        "Long week ahead. Monday is the quarterly review, Tuesday I have the dentist, Wednesday"
        " evening is choir practice, and on Thursday I finally pick up the new bike from"
        " Halfords on Clarence Street before the kids' swimming lesson at six.",
    ),
    (
        "wish",
        "I have been thinking about getting a new bicycle for the commute, the old one is"
        " falling apart.",
    ),
    ("rain", "Cycling to work in the rain again, soaked by the time I arrived."),
    ("pump", "My neighbour lent me his bike pump, the tyres were flat."),
    ("dinner", "Booked a table at Dishoom for Saturday night."),
    ("gears", "The bike shop said the gears need a service."),
]


def first_ids(reverie: Reverie, question: str, **options: int) -> list[str]:
    hits = search(
        reverie.store,
        reverie.index,
        question,
        now=NOW,
        params=reverie.params,
        options=RecallOptions(k=3, **options),
    )
    return [h.sources[0].original_id for h in hits]


def test_a_long_message_naming_what_was_asked_beats_one_merely_on_topic(
    reverie: Reverie, tmp_path: Path
) -> None:
    log = tmp_path / "week.jsonl"
    log.write_text(
        "".join(
            json.dumps(
                {"id": i, "timestamp": f"2026-03-0{n + 2}T09:00:00Z", "role": "user", "content": c}
            )
            + "\n"
            for n, (i, c) in enumerate(WEEK)
        )
    )
    ingest_file(reverie.store, reverie.index, log, fmt="jsonl", now=NOW, params=reverie.params)
    question = "Where do I pick up the new bike?"
    # As one vector, the long message is mostly a week's plans, and the wish for "a new
    # bicycle" looks closer; word by word, only the plans say where the bike is picked up.
    assert first_ids(reverie, question, rerank_depth=0)[0] == "wish"
    assert first_ids(reverie, question)[0] == "plans"


def test_reindex_rebuilds_the_token_vectors_and_erasing_a_memory_removes_them(
    reverie: Reverie,
) -> None:
    ingest_file(reverie.store, reverie.index, SAMPLE, fmt="jsonl", now=NOW, params=reverie.params)
    tokens = reverie.index.tokens
    assert tokens is not None
    memories = reverie.store.memory_ids()
    assert tokens.memory_ids() == memories
    before = first_ids(reverie, "What book did Priya recommend?")

    tokens.reset()  # as if the token file had been lost
    assert tokens.memory_ids() == set()
    assert rebuild_index(reverie.store, reverie.index, NOW) == len(memories)
    assert tokens.memory_ids() == memories
    assert first_ids(reverie, "What book did Priya recommend?") == before

    gone = min(memories)
    erase_memory(reverie.store, reverie.index, gone, NOW)
    assert gone not in tokens.memory_ids()
    assert tokens.memory_ids() == reverie.store.memory_ids()


def test_a_store_from_before_token_vectors_is_reranked_at_once_and_fills_itself(
    reverie: Reverie,
) -> None:
    ingest_file(reverie.store, reverie.index, SAMPLE, fmt="jsonl", now=NOW, params=reverie.params)
    tokens = reverie.index.tokens
    assert tokens is not None
    tokens.reset()  # an upgraded data folder: Chroma is complete, the token file is new
    assert first_ids(reverie, "What book did Priya recommend?")[0] == "m08"
    # The memories it had to score on the fly are queued, and the next sync stores them.
    queued = reverie.store.pending_index_count()
    assert queued > 0
    assert reverie.heal() == queued
    assert len(tokens.memory_ids()) == queued


def test_the_token_store_counts_how_many_memories_hold_each_word_piece(tmp_path: Path) -> None:
    from app.storage.token_vectors import MemoryTokens, TokenVectorStore

    store = TokenVectorStore(tmp_path / "tokens.sqlite3", 4)
    vectors = np.array([[0.5, 0.5, -0.5, 0.5], [-0.5, 0.5, 0.5, 0.5]], dtype=np.float32)

    def memory(*pieces: int) -> MemoryTokens:
        return MemoryTokens(vectors, vectors[:0], frozenset(pieces))

    store.put({1: memory(10, 11), 2: memory(11, 12)})
    assert store.document_frequency([10, 11, 12, 13]) == (2, {10: 1, 11: 2, 12: 1})
    store.put({2: memory(12, 13)})  # memory 2 edited: its old words no longer count
    assert store.document_frequency([10, 11, 12, 13]) == (2, {10: 1, 11: 1, 12: 1, 13: 1})
    store.delete([1])
    assert store.document_frequency([10, 11, 12, 13]) == (1, {12: 1, 13: 1})
    [kept] = store.get([2]).values()
    assert kept.pieces == {12, 13} and np.array_equal(np.sign(kept.own), np.sign(vectors))
    store.close()
