"""Recall: hybrid keyword + vector search, fused, weighted by the forgetting curve and time."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from app.core.errors import InputError
from app.core.forgetting import ForgettingParams, memory_retention
from app.core.questions import about_the_user, asks_the_assistant, impersonal_request
from app.core.ranking import (
    Candidate,
    RankingWeights,
    newest_first_among_similar,
    reciprocal_rank_fusion,
    weighted_score,
)
from app.core.records import Evidence, Memory, MemoryKind
from app.core.time_expressions import TimeRange, event_time, find_time_range
from app.services.graph_recall import graph_ranking, graph_weights, read_question
from app.services.late_interaction import rerank_by_tokens
from app.storage.chroma_index import CONTEXT, TEXT, ChromaIndex
from app.storage.sqlite_store import SqliteMemoryStore

# A cheap first look for words that can name a time (a month, a day, "week", "ago", a
# number), before the full reading of `find_time_range`.
_NAMES_A_TIME = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|day\b|night\b|week|month"
    r"|year|\bago\b|christmas|xmas|halloween|valentine|\bnye\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RecallOptions:
    k: int = 10
    kind: MemoryKind | None = None
    candidates: int = 50  # per ranking, before fusion
    weights: RankingWeights = field(default_factory=RankingWeights)
    # Two results this close in meaning are taken to be about the same thing.
    same_subject_cosine: float = 0.72
    # How many of the best are reordered by word-level match (0: none). On LoCoMo dev, 100
    # gained nothing over 50; 30 lost half a point at @10, 20 two points.
    rerank_depth: int = 50
    # Also rank the memories linked to entities the question names, and weigh up what a person
    # it names said and what names a kind of entity it asks for (app.services.graph_recall).
    # LoCoMo dev @10: multi-hop 0.466 -> 0.503, overall 0.748 -> 0.768 (README, Memory graph).
    graph: bool = True
    # A question naming a time also counts memories whose words name a time in it ("on the
    # 10th of April", said in May) as from then, not only those said then.
    time_in_text: bool = True


@dataclass(frozen=True)
class RecallHit:
    memory: Memory
    score: float
    retention: float
    sources: tuple[Evidence, ...]
    similarity: float = 0.0  # cosine between the question and the memory (0 if unknown)
    keyword_match: bool = False  # shares a content word with the question
    current: bool = True  # not superseded, nor outdated by a newer similar result

    def to_dict(self) -> dict[str, Any]:
        first = self.sources[0] if self.sources else None
        return {
            "id": self.memory.id,
            "kind": self.memory.kind.value,
            "text": self.memory.text,
            "score": round(self.score, 6),
            "retention": round(self.retention, 4),
            "event_time": self.memory.event_time.isoformat() if self.memory.event_time else None,
            "pinned": self.memory.pinned,
            "source": (
                {
                    "id": first.original_id,
                    "session": first.session,
                    "timestamp": first.timestamp.isoformat() if first.timestamp else None,
                }
                if first
                else None
            ),
            "sources": [e.to_dict() for e in self.sources],
            "similarity": round(self.similarity, 4),
            "current": self.current,
        }


def _dedup(ids: Sequence[int]) -> list[int]:
    return list(dict.fromkeys(ids))


def search(
    store: SqliteMemoryStore,
    index: ChromaIndex,
    query: str,
    *,
    now: datetime,
    params: ForgettingParams,
    options: RecallOptions | None = None,
) -> list[RecallHit]:
    options = options or RecallOptions()
    if not query.strip():
        raise InputError("the search query is empty")
    if options.k < 1:
        raise InputError("-k must be at least 1")
    hits, query_vector, _ = index.query(query, limit=2 * options.candidates, with_vectors=False)
    # Cosine to the question of each memory found by its own text (Chroma's distance is
    # 1 - cosine): the vectors themselves are fetched below only for the few shown.
    similarity: dict[int, float] = {}
    for h in hits:
        if h.view == TEXT:
            similarity.setdefault(h.memory_id, 1.0 - h.distance)
    rankings = [
        _dedup([h.memory_id for h in hits if h.view == TEXT]),
        _dedup([h.memory_id for h in hits if h.view == CONTEXT]),
        store.keyword_search(query, "text", options.candidates, options.kind),
        store.keyword_search(query, "context", options.candidates, options.kind),
    ]
    time_range = find_time_range(query, now)
    if time_range is not None:
        rankings.append(_in_range_by_similarity(store, index, time_range, query_vector, options))
    asked = read_question(store, query) if options.graph else None
    if asked and (linked := graph_ranking(store, index, asked, query_vector, options.candidates)):
        rankings.append(linked)
    fused = reciprocal_rank_fusion(rankings)
    memories = store.get_memories(list(fused), with_evidence=False)
    outdated = store.outdated(list(memories))
    named = (
        _times_named(memories.values(), fused, time_range, options.candidates)
        if time_range is not None and options.time_in_text
        else {}
    )
    about_user = about_the_user(query)
    candidates = [
        Candidate(
            m.id,
            fused[m.id],
            memory_retention(m, now, params),
            m.importance,
            m.current and m.id not in outdated,
            m.event_time,
            m.from_assistant,
            named.get(m.id),
            about_user and not m.from_assistant and impersonal_request(m.text),
        )
        for m in memories.values()
        if not m.archived and (options.kind is None or m.kind == options.kind)
    ]
    to_assistant = asks_the_assistant(query)
    through_graph = graph_weights(store, asked, list(fused)) if asked else {}
    scores = {
        c.memory_id: weighted_score(c, options.weights, time_range, to_assistant, about_user)
        * through_graph.get(c.memory_id, 1.0)
        for c in candidates
    }
    if options.rerank_depth > 0:
        scores = rerank_by_tokens(
            store, index, query, scores, fused, memories, depth=options.rerank_depth, now=now
        )
    retention = {c.memory_id: c.retention for c in candidates}
    valid = {c.memory_id: c.current for c in candidates}
    ranked = sorted(scores, key=lambda m: (-scores[m], m))
    # Only results that made the top k on their own relevance may trade places by recency.
    head = ranked[: options.k]
    order, newer = newest_first_among_similar(
        head,
        scores,
        {m: memories[m].event_time for m in head},
        _similar_pairs(head, _found_vectors(index, head, similarity), options.same_subject_cosine),
    )
    # An assistant's reply restating what the user said ("Noted: you now drive a Leaf") is
    # an echo, not an update: it never makes the user's own message outdated.
    newer = {
        older: newest
        for older, newest in newer.items()
        if memories[older].from_assistant or not memories[newest].from_assistant
    }
    sources = store.evidence_for(order)
    slot_scores = sorted((scores[m] for m in order), reverse=True)
    matched = set(rankings[2]) | set(rankings[3])
    return [
        RecallHit(
            memories[m],
            slot_scores[i],
            retention[m],
            tuple(sources.get(m, ())),
            similarity.get(m, 0.0),
            m in matched,
            valid[m] and m not in newer,
        )
        for i, m in enumerate(order)
    ]


def _times_named(
    memories: Iterable[Memory], fused: dict[int, float], time_range: TimeRange, limit: int
) -> dict[int, TimeRange]:
    """The spans named by the words of the `limit` most relevant memories not said within
    `time_range` (those said then count as inside anyway). Only so many: reading a message's
    dates costs a few tenths of a millisecond, and those ranked lower rarely reach the top."""
    outside = [m for m in memories if not time_range.contains(m.event_time)]
    best = sorted(outside, key=lambda m: -fused[m.id])[:limit]
    return {m.id: named for m in best if (named := _time_named(m)) is not None}


def _time_named(memory: Memory) -> TimeRange | None:
    """The span a memory's words name, read as of when it was said: a message of 1 May that
    says "on the 10th of April" is about April, one that says "last week" about the week
    before it. None when its event time was already read from its words ("Yesterday I…")."""
    said = memory.event_time
    if said is None or not _NAMES_A_TIME.search(memory.text):
        return None
    if event_time(memory.text, said) != said:
        return None
    return find_time_range(memory.text, said)


def _in_range_by_similarity(
    store: SqliteMemoryStore,
    index: ChromaIndex,
    time_range: TimeRange,
    query_vector: np.ndarray[Any, Any],
    options: RecallOptions,
) -> list[int]:
    """Memories from the named time span, most similar to the question first: a question like
    "what did I do last week?" is mostly about *when*, so the span itself is a ranking."""
    ids = store.memories_between(time_range.start, time_range.end, 4 * options.candidates)
    vectors = index.vectors(ids)
    if not vectors:
        return []
    keys = list(vectors)
    sims = np.stack([vectors[k] for k in keys]) @ query_vector
    return [keys[i] for i in np.argsort(-sims)[: options.candidates]]


def _found_vectors(
    index: ChromaIndex, ids: Sequence[int], found: dict[int, float]
) -> dict[int, np.ndarray[Any, Any]]:
    """The text-view vectors of those of `ids` that the vector query found (see
    `_similar_pairs`); none when fewer than two could be compared."""
    keys = [i for i in ids if i in found]
    return index.vectors(keys) if len(keys) >= 2 else {}


def _similar_pairs(
    ids: Sequence[int], vectors: dict[int, np.ndarray[Any, Any]], threshold: float
) -> dict[int, frozenset[int]]:
    """For each memory, the others in `ids` that say nearly the same thing. Only memories the
    vector query found are compared: one found by keyword alone is not close in meaning to
    the question."""
    keys = [i for i in ids if i in vectors]
    if len(keys) < 2:
        return {}
    matrix = np.stack([vectors[k] for k in keys])
    close = np.argwhere(np.triu(matrix @ matrix.T >= threshold, k=1))
    pairs: dict[int, set[int]] = {}
    for a, b in close:
        pairs.setdefault(keys[a], set()).add(keys[b])
        pairs.setdefault(keys[b], set()).add(keys[a])
    return {key: frozenset(group) for key, group in pairs.items()}


def search_batch(
    store: SqliteMemoryStore,
    index: ChromaIndex,
    queries: Sequence[tuple[str, datetime]],
    *,
    params: ForgettingParams,
    options: RecallOptions | None = None,
) -> list[list[RecallHit]]:
    return [search(store, index, q, now=now, params=params, options=options) for q, now in queries]
