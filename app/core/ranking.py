"""How candidate memories from several rankings become one ordered answer list.

Keyword and vector search each rank memories twice: by the message alone, and by the message
together with the one before it (its conversational context). Reciprocal-rank fusion merges the
rankings; the fused score is then weighted by retention, importance, validity and, when the
question names a time, by whether the memory happened then.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from app.core.time_expressions import TimeRange

_UNDATED = datetime.min.replace(tzinfo=UTC)
RRF_K = 60  # the constant from Cormack et al.; flattens the head of each ranking


@dataclass(frozen=True)
class RankingWeights:
    """Multipliers on the fused relevance; 1.0 means "no effect"."""

    retention_floor: float = 0.6  # a nearly forgotten memory keeps this share of its score
    importance_span: float = 0.4  # importance 0..1 maps to 1 - span/2 .. 1 + span/2
    superseded: float = 0.5  # an outdated version of a fact ranks below the current one
    in_time_range: float = 2.0  # the question names a time and the memory happened then
    out_of_time_range: float = 0.6
    # An assistant's reply ranks below the user's own words (it often only echoes them),
    # unless the question asks what the assistant said.
    assistant: float = 0.6
    # A request that tells nothing of its writer ("Could you tell me about the Grand
    # Fleet's ships?") ranks below the user's own accounts when the question asks about the
    # user's life: it can share the question's words ("different types") but not answer it.
    impersonal_request: float = 0.5


def reciprocal_rank_fusion(
    rankings: Iterable[Sequence[int]], weights: Sequence[float] | None = None
) -> dict[int, float]:
    """Fuse ranked id lists: each list adds weight / (RRF_K + rank) to every id it holds."""
    fused: dict[int, float] = {}
    for index, ranking in enumerate(rankings):
        weight = 1.0 if weights is None else weights[index]
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (RRF_K + rank)
    return fused


@dataclass(frozen=True)
class Candidate:
    memory_id: int
    relevance: float
    retention: float
    importance: float
    current: bool
    event_time: datetime | None
    from_assistant: bool = False
    # The time span the memory's own words name ("on the 10th of April", "last week"),
    # resolved against when it was said; None when they name none.
    names_time: TimeRange | None = None
    impersonal_request: bool = False  # a user's request telling nothing of them


def weighted_score(
    candidate: Candidate,
    weights: RankingWeights,
    time_range: TimeRange | None,
    to_assistant: bool = False,
    about_user: bool = False,
) -> float:
    score = candidate.relevance
    if candidate.from_assistant and not to_assistant:
        score *= weights.assistant
    if candidate.impersonal_request and about_user:
        score *= weights.impersonal_request
    score *= weights.retention_floor + (1.0 - weights.retention_floor) * candidate.retention
    score *= 1.0 + weights.importance_span * (candidate.importance - 0.5)
    if not candidate.current:
        score *= weights.superseded
    if time_range is not None:
        inside = time_range.contains(candidate.event_time) or names_time_within(
            candidate.names_time, time_range
        )
        score *= weights.in_time_range if inside else weights.out_of_time_range
    return score


def names_time_within(named: TimeRange | None, asked: TimeRange) -> bool:
    """Whether a memory's words name a time inside the asked span: "I went to a lecture on
    the 10th of April", said on 1 May, is about April. The named span must overlap the asked
    one and be no longer, so "this year" does not count as "in April"."""
    if named is None:
        return False
    overlaps = named.start < asked.end and asked.start < named.end
    return overlaps and named.end - named.start <= asked.end - asked.start


def newest_first_among_similar(
    ranked: Sequence[int],
    scores: Mapping[int, float],
    event_times: Mapping[int, datetime | None],
    similar: Mapping[int, frozenset[int]],
) -> tuple[list[int], dict[int, int]]:
    """Within each group of similar memories, put the most recent in the group's best slot.

    Returns the new order and, for every older member of a group, the newest member that
    outdates it.

    When two memories say different things about the same subject ("I live in Leeds", later
    "I moved to Manchester"), the newer one is the one to believe, so it takes the best slot
    any member of its group earned. Slots outside any group do not move, and the result is a
    permutation of `ranked`.
    """
    # Complete linkage, in rank order: a memory joins the first group whose every member it
    # is similar to. Chains (A~B, B~C, A!~C) would otherwise lump unrelated memories together.
    groups: list[list[int]] = []
    for slot, m in enumerate(ranked):
        near = similar.get(m, frozenset())
        for group in groups:
            if all(ranked[s] in near for s in group):
                group.append(slot)
                break
        else:
            groups.append([slot])
    order = list(ranked)
    newer: dict[int, int] = {}
    for slots in groups:
        if len(slots) < 2:
            continue
        # Undated memories count as oldest; ties keep the better-scored one first.
        by_recency = sorted(
            (ranked[s] for s in slots),
            key=lambda m: (event_times.get(m) or _UNDATED, scores[m]),
            reverse=True,
        )
        for slot, member in zip(slots, by_recency, strict=True):
            order[slot] = member
        newer.update({older: by_recency[0] for older in by_recency[1:]})
    return order, newer
