"""Keyword search on a real store where most matches are archived, as in an old store."""

from __future__ import annotations

from datetime import timedelta

from app.core.records import MemoryKind, Message
from app.runtime import Reverie
from app.storage.sqlite_store import ImportRequest
from tests.helpers import NOW


def test_live_matches_are_found_behind_many_archived_better_ones(reverie: Reverie) -> None:
    # Short texts score higher in BM25: 1,100 archived ones outrank the few live ones.
    archived = [f"lantern {i}" for i in range(1100)]
    live = [f"the lantern by the door number {i}, and a long tail of other words" for i in range(7)]
    messages = [
        Message(f"m{i}", "s", NOW - timedelta(hours=i), "user", text, "Sam")
        for i, text in enumerate(archived + live)
    ]
    request = ImportRequest(messages, "import", None, "jsonl", "test", extract=False)
    ids = reverie.store.add_messages(request, NOW, reverie.params).memory_ids
    reverie.store.archive_many([(m, "faded") for m in ids[:1100]], NOW)
    found = reverie.store.keyword_search("lantern", "text", 5)
    assert len(found) == 5 and set(found) <= set(ids[1100:])
    assert set(reverie.store.keyword_search("lantern", "text", 50)) == set(ids[1100:])
    assert reverie.store.keyword_search("lantern", "text", 5, MemoryKind.SEMANTIC) == []
    assert reverie.store.keyword_search("lantern", "text", 5, MemoryKind.EPISODIC) == found


def test_words_in_most_of_a_big_store_do_not_drown_the_telling_ones(reverie: Reverie) -> None:
    texts = [f"work note {i}" for i in range(1100)] + ["work note about the lantern"] * 3
    messages = [
        Message(f"w{i}", "s", NOW - timedelta(minutes=i), "user", text, "Sam")
        for i, text in enumerate(texts)
    ]
    request = ImportRequest(messages, "import", None, "jsonl", "test", extract=False)
    ids = reverie.store.add_messages(request, NOW, reverie.params).memory_ids
    # "work" is in every memory: only "lantern" picks the matches.
    assert set(reverie.store.keyword_search("work lantern", "text", 50)) == set(ids[-3:])
    # Every word common: the rarest still searches; one word is always searched.
    assert len(reverie.store.keyword_search("work note", "text", 50)) == 50
    assert len(reverie.store.keyword_search("work", "text", 50)) == 50
