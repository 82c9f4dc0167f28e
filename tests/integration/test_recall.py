"""Recall on the real stack: what a user would notice about search results."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from app.core.errors import InputError
from app.core.records import MemoryKind
from app.runtime import Reverie
from app.services.ingest import ingest_file
from app.services.recall import RecallOptions, search
from tests.helpers import NOW, SAMPLE


@pytest.fixture
def loaded(reverie: Reverie) -> Reverie:
    ingest_file(reverie.store, reverie.index, SAMPLE, fmt="jsonl", now=NOW, params=reverie.params)
    return reverie


def ask(reverie: Reverie, query: str, k: int = 3, **kw: object) -> list[str]:
    hits = search(
        reverie.store,
        reverie.index,
        query,
        now=kw.pop("now", NOW),  # type: ignore[arg-type]
        params=reverie.params,
        options=RecallOptions(k=k, **kw),
    )  # type: ignore[arg-type]
    return [h.sources[0].original_id for h in hits]


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("What is my sister's name?", "m03"),
        ("How do I take my coffee?", "m04"),
        ("How do I deploy the blog?", "m06"),
        ("What book did Priya recommend?", "m08"),
        ("When is Ana's birthday?", "m12"),
        ("Where am I flying in June?", "m20"),
    ],
)
def test_the_right_message_comes_first(loaded: Reverie, question: str, message: str) -> None:
    assert ask(loaded, question)[0] == message


def test_results_carry_provenance_and_scores(loaded: Reverie) -> None:
    [hit] = search(
        loaded.store,
        loaded.index,
        "dentist appointment",
        now=NOW,
        params=loaded.params,
        options=RecallOptions(k=1),
    )
    data = hit.to_dict()
    assert data["source"] == {
        "id": "m05",
        "session": "2026-02-09",
        "timestamp": "2026-02-09T08:31:00+00:00",
    }
    assert data["kind"] == "episodic" and 0 < data["retention"] <= 1 and data["score"] > 0
    assert data["event_time"] == "2026-02-09T08:31:00+00:00"


def test_the_newer_of_two_statements_about_the_same_thing_ranks_first(
    reverie: Reverie, tmp_path: Path
) -> None:
    log = tmp_path / "moves.jsonl"
    log.write_text(
        '{"id": "old", "timestamp": "2025-01-10T09:00:00Z", "role": "user", '
        '"content": "I live in Leeds, in a flat near the park."}\n'
        '{"id": "other", "timestamp": "2025-03-01T09:00:00Z", "role": "user", '
        '"content": "My favourite band is Wet Leg."}\n'
        '{"id": "new", "timestamp": "2025-06-02T09:00:00Z", "role": "user", '
        '"content": "I live in Manchester now, in a flat near the canal."}\n'
    )
    ingest_file(reverie.store, reverie.index, log, fmt="jsonl", now=NOW, params=reverie.params)
    # The newer message (and the fact read from it) above the older one, which is outdated.
    found = ask(reverie, "Where do I live?", k=4)
    assert found[0] == "new" and found.index("old") > found.index("new")
    hits = search(reverie.store, reverie.index, "Where do I live?", now=NOW,
                  params=reverie.params, options=RecallOptions(k=4))  # fmt: skip
    assert not [h for h in hits if h.sources[0].original_id == "old" and h.current]


def test_a_named_time_prefers_what_happened_then(loaded: Reverie) -> None:
    # As of 20 May 2026, "last week" is 11-17 May: the dal was cooked on the 11th.
    assert ask(loaded, "What did I cook last week?")[0] == "m19"
    assert ask(loaded, "What did I do in March?", k=5)[0] in {"m10", "m11", "m12", "m13", "m16"}


def test_a_time_is_read_relative_to_now(loaded: Reverie) -> None:
    assert ask(loaded, "What happened last week?", k=1, now=NOW - timedelta(days=56))[0] in {
        "m13",
        "m14",
    }


def test_forgotten_memories_are_not_recalled_until_restored(loaded: Reverie) -> None:
    [top] = search(
        loaded.store,
        loaded.index,
        "coffee order",
        now=NOW,
        params=loaded.params,
        options=RecallOptions(k=1),
    )
    loaded.store.archive(top.memory.id, NOW, "forgotten by the user")
    assert "m04" not in ask(loaded, "coffee order", k=20)
    loaded.store.restore(top.memory.id, NOW)
    assert ask(loaded, "coffee order")[0] == "m04"


def test_kind_filter(loaded: Reverie) -> None:
    def kinds(kind: MemoryKind) -> set[MemoryKind]:
        hits = search(loaded.store, loaded.index, "coffee", now=NOW, params=loaded.params,
                      options=RecallOptions(k=10, kind=kind))  # fmt: skip
        assert hits
        return {h.memory.kind for h in hits}

    # Messages are episodic; the preferences read from them are semantic.
    assert kinds(MemoryKind.SEMANTIC) == {MemoryKind.SEMANTIC}
    assert kinds(MemoryKind.EPISODIC) == {MemoryKind.EPISODIC}


def test_an_empty_store_and_an_empty_query(reverie: Reverie) -> None:
    assert ask(reverie, "anything at all") == []
    with pytest.raises(InputError, match="empty"):
        ask(reverie, "   ")


def test_a_message_that_names_the_asked_time_counts_as_from_then(
    reverie: Reverie, tmp_path: Path
) -> None:
    # Said on 2 May, about 10 April: "in April" must find it, though it was not said then.
    log = tmp_path / "april.jsonl"
    log.write_text(
        '{"id": "told-later", "timestamp": "2026-05-02T09:00:00Z", "role": "user", '
        '"content": "Could you suggest books on urban planning? By the way, I went to a '
        'lecture on it at the public library on the 10th of April."}\n'
        '{"id": "april-1", "timestamp": "2026-04-14T09:00:00Z", "role": "user", '
        '"content": "I need to prepare slides for the lecture I give next month."}\n'
        '{"id": "april-2", "timestamp": "2026-04-22T09:00:00Z", "role": "user", '
        '"content": "Any tips for taking notes in long lectures?"}\n'
        '{"id": "plans", "timestamp": "2026-05-03T09:00:00Z", "role": "user", '
        '"content": "I hope to attend more lectures this year."}\n'
    )
    ingest_file(reverie.store, reverie.index, log, fmt="jsonl", now=NOW, params=reverie.params)
    question = "Which lectures did I attend in April?"
    assert ask(reverie, question, k=1) == ["told-later"]
    # Only its words place it in April: read by when it was said, it ranks below April's.
    assert ask(reverie, question, k=4, time_in_text=False)[0] != "told-later"
