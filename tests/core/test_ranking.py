from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from app.core.keywords import fts5_query, keywords
from app.core.ranking import (
    Candidate,
    RankingWeights,
    names_time_within,
    newest_first_among_similar,
    reciprocal_rank_fusion,
    weighted_score,
)
from app.core.time_expressions import TimeRange

W = RankingWeights()


def at(day: int) -> datetime:
    return datetime(2024, 3, day, tzinfo=UTC)


def test_fusion_rewards_agreement_between_rankings() -> None:
    fused = reciprocal_rank_fusion([[1, 2, 3], [2, 3, 1], [2, 9]])
    assert max(fused, key=fused.__getitem__) == 2
    assert set(fused) == {1, 2, 3, 9}


def test_faded_superseded_and_off_time_memories_rank_lower() -> None:
    base = Candidate(1, 1.0, retention=1.0, importance=0.5, current=True, event_time=at(10))
    faded = Candidate(2, 1.0, retention=0.05, importance=0.5, current=True, event_time=at(10))
    old = Candidate(3, 1.0, retention=1.0, importance=0.5, current=False, event_time=at(10))
    assert weighted_score(faded, W, None) < weighted_score(base, W, None)
    assert weighted_score(old, W, None) < weighted_score(base, W, None)
    span = TimeRange(at(1), at(5), "early March")
    inside = Candidate(4, 1.0, 1.0, 0.5, True, at(2))
    assert weighted_score(inside, W, span) > weighted_score(base, W, span)


def test_a_memory_that_names_a_time_in_the_asked_span_counts_as_inside() -> None:
    span = TimeRange(at(1), at(8), "early March")
    said_later = Candidate(5, 1.0, 1.0, 0.5, True, at(20), names_time=TimeRange(at(3), at(4), "x"))
    plain = Candidate(6, 1.0, 1.0, 0.5, True, at(20))
    assert weighted_score(said_later, W, span) > weighted_score(plain, W, span)
    assert not names_time_within(TimeRange(at(10), at(11), "10 March"), span)
    # Wider than what was asked ("this year" for "early March"): not a time inside it.
    this_year = TimeRange(datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC), "")
    assert not names_time_within(this_year, span)
    assert not names_time_within(None, span)


def test_the_newest_of_similar_memories_takes_the_best_slot() -> None:
    ranked = [10, 20, 30]  # 10 (older) and 30 (newer) say nearly the same thing
    scores = {10: 3.0, 20: 2.0, 30: 1.0}
    times = {10: at(1), 20: at(5), 30: at(20)}
    similar = {10: frozenset({30}), 30: frozenset({10})}
    assert newest_first_among_similar(ranked, scores, times, similar) == ([30, 20, 10], {10: 30})
    assert newest_first_among_similar(ranked, scores, times, {}) == (ranked, {})


def test_keywords_drop_function_words() -> None:
    assert keywords("Where do I live, and where did I live?") == ["live"]
    assert fts5_query("What's the name of my sister?", "text") == 'text : ("name" OR "sister")'
    assert fts5_query("is it?") is None


@given(
    st.lists(st.integers(0, 30), unique=True, min_size=1),
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30))),
    st.lists(st.integers(1, 28), min_size=31, max_size=31),
)
def test_reordering_is_always_a_permutation(
    ranked: list[int], edges: list[tuple[int, int]], days: list[int]
) -> None:
    similar: dict[int, set[int]] = {}
    for a, b in edges:
        similar.setdefault(a, set()).add(b)
        similar.setdefault(b, set()).add(a)
    out, _ = newest_first_among_similar(
        ranked,
        {m: 1.0 / (i + 1) for i, m in enumerate(ranked)},
        {m: at(days[m]) for m in ranked},
        {k: frozenset(v) for k, v in similar.items()},
    )
    assert sorted(out) == sorted(ranked)


def test_a_chain_of_similarity_is_not_one_subject() -> None:
    # 1~2 and 2~3 but not 1~3: {1, 2} is a group; 3 stays where it was.
    similar = {1: frozenset({2}), 2: frozenset({1, 3}), 3: frozenset({2})}
    times = {1: at(1), 2: at(2), 3: at(3)}
    order, _ = newest_first_among_similar([1, 2, 3], {1: 3, 2: 2, 3: 1}, times, similar)
    assert order == [2, 1, 3]


def test_a_request_telling_nothing_of_the_user_ranks_below_when_asked_about_their_life() -> None:
    request = Candidate(7, 1.0, 1.0, 0.5, True, at(10), impersonal_request=True)
    account = Candidate(8, 1.0, 1.0, 0.5, True, at(10))
    assert weighted_score(request, W, None, about_user=True) < weighted_score(account, W, None)
    # Asked about something else ("What did Caroline research?"), a request is not weighed down.
    assert weighted_score(request, W, None) == weighted_score(account, W, None)
