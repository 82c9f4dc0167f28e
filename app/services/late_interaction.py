"""Late-interaction rerank: recall's best candidates reordered by how well each word of the
question finds its match among the memory's words (MaxSim over MiniLM token vectors, as in
ColBERT).

A whole-text vector blurs a long message into one point, so a message that names exactly what
was asked can rank below one that is merely on the same topic; matching word by word keeps the
specific words. Measured on LoCoMo dev (bench/retrieval.py, README): turn-level recall@10 from
0.66 to 0.75.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from app.core.records import Memory
from app.storage.chroma_index import ChromaIndex
from app.storage.sqlite_store import SqliteMemoryStore
from app.storage.token_vectors import MemoryTokens

Vectors = npt.NDArray[np.float32]

# How sharply token match decides against the weights a score already carries: a weight 0.6
# times lower (a nearly forgotten memory) is made up by a match 0.026 higher. Matches of the
# top 50 differ by a few hundredths, so multiplying the weights onto the raw match let them
# decide too much (LoCoMo dev @10: 0.736 multiplied, 0.742 with this temperature).
TEMPERATURE = 0.05


def maxsim(query: Vectors, memory: Vectors) -> npt.NDArray[Any]:
    """For each query token, its best cosine among the memory's tokens (0 when it has none).
    Rows are unit length, so the dot product is the cosine."""
    if len(memory) == 0 or len(query) == 0:
        return np.zeros(len(query), dtype=np.float32)
    return np.asarray((query @ memory.T).max(axis=1))


def token_match(
    query: Vectors, tokens: MemoryTokens, weights: npt.NDArray[Any] | None = None
) -> float:
    """The weighted mean best match of the question's tokens, half in the memory's own words
    and half in its words or the message before it: a reply ("Yes, last Tuesday!") is found
    through what it answers, without that message's words counting in full. (Own words only:
    4 points lower at @5 on LoCoMo dev; context only: 5 lower.) `weights` sum to 1; None
    weighs every question token alike."""
    return token_matches(query, {0: tokens}, weights)[0]


def token_matches(
    query: Vectors, tokens: Mapping[int, MemoryTokens], weights: npt.NDArray[Any] | None = None
) -> dict[int, float]:
    """`token_match` for many memories at once: one matrix product against all their tokens,
    then each memory's best per question token (two products per memory cost more than the
    arithmetic at the rerank's 50 memories)."""
    ids = list(tokens)
    if not ids:
        return {}
    # Blocks 2j and 2j+1: memory j's own words and its context's.
    blocks = [block for m in ids for block in (tokens[m].own, tokens[m].context)]
    sizes = np.array([len(block) for block in blocks])
    best = np.zeros((len(query), len(blocks)), dtype=np.float32)
    filled = np.flatnonzero(sizes)
    if len(query) and len(filled):
        sims = query @ np.concatenate([blocks[i] for i in filled]).T
        # Each filled block's columns run up to the next filled block's first column.
        starts = np.concatenate([[0], np.cumsum(sizes[filled])[:-1]])
        best[:, filled] = np.maximum.reduceat(sims, starts, axis=1)
    own = best[:, 0::2]
    with_context = np.maximum(own, best[:, 1::2])
    both = (own + with_context) / 2
    scores = both.mean(axis=0) if weights is None else weights @ both
    return {m: float(score) for m, score in zip(ids, scores, strict=True)}


def rarity_weights(
    pieces: Sequence[int], memories: int, containing: Mapping[int, int]
) -> npt.NDArray[Any]:
    """Question-token weights from how rare each word piece is among the stored memories:
    the square root of its inverse document frequency, normalised to sum to 1. A name that
    occurs in three messages then counts for more than "what" or "did", which occur in most
    (+1 point at @10 on LoCoMo dev; the full IDF, without the root, gained less at @5)."""
    idf = np.array(
        [max(math.log((memories + 1) / (containing.get(p, 0) + 0.5)), 0.0) for p in pieces]
    )
    weights = np.sqrt(idf)
    total = weights.sum()
    return weights / total if total > 0 else np.full(len(pieces), 1.0 / max(len(pieces), 1))


def rerank_by_tokens(
    store: SqliteMemoryStore,
    index: ChromaIndex,
    query: str,
    scores: Mapping[int, float],
    relevance: Mapping[int, float],
    memories: Mapping[int, Memory],
    *,
    depth: int,
    now: datetime,
) -> dict[int, float]:
    """New scores: the `depth` best by `scores` are reordered by token match, each keeping
    the weights its score already carries (retention, importance, validity, time range,
    speaker: `scores[m] / relevance[m]`), and all stay above everything below them, whose
    order is unchanged."""
    head = sorted(scores, key=lambda m: (-scores[m], m))[:depth]
    if not head or index.tokens is None:
        return dict(scores)
    question, pieces = index.query_tokens(query)
    if len(question) == 0:
        return dict(scores)
    tokens = index.stored_tokens(head)
    missing = [m for m in head if m not in tokens]
    if missing:
        # Memories indexed before token vectors existed: scored now on their own words, and
        # queued so the next index sync stores their vectors with their context.
        computed = index.text_tokens([memories[m].text for m in missing])
        tokens.update(zip(missing, computed, strict=True))
        with store.transaction() as conn:
            store.queue_index(conn, missing, "upsert", now)
    weights = rarity_weights(pieces, *index.document_frequency(pieces))
    match = token_matches(question, {m: tokens[m] for m in head}, weights)
    best = max(match.values())
    floor = max((s for m, s in scores.items() if m not in match), default=0.0)
    reranked = dict(scores)
    for m in head:
        carried = scores[m] / relevance[m] if relevance.get(m, 0.0) > 0 else 1.0
        reranked[m] = floor + math.exp((match[m] - best) / TEMPERATURE) * carried
    return reranked
