"""A vault's optional vectors (`--include-embeddings`): written beside each memory on export,
and put straight into the vector index on import when the vault was embedded by the same model,
so that an import skips the forward passes that dominate its time.

Each `embedding` record holds what the index keeps for one memory: the text view's vector, the
context view's vector (None when the memory has no context of its own), and the token vectors
of the late-interaction rerank as the index stores them (sign bits and word-piece ids). A
vector is used only for a memory whose text and context here are exactly those the vault
embedded (a conflict resolved for "mine" keeps our text, so it is embedded again), and only
when it is complete for this index (a vault without token vectors, or with vectors of another
size, is re-embedded).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from app.embed.model_files import MODEL_ID
from app.storage.chroma_index import ChromaIndex
from app.storage.sqlite_store import IndexWork, SqliteMemoryStore
from app.storage.token_vectors import MemoryTokens, pack, unpack

BATCH = 128  # memories per index write (as index_sync's batches)

Vector = npt.NDArray[np.float32]
Record = tuple[str, dict[str, Any]]


# ------------------------------------------------------------------ export


class VectorExport:
    """The vectors of one export: which memories of the snapshot have them (counted before the
    manifest is written), then their records, fetched from the index a batch at a time so that
    memory does not grow with the store."""

    def __init__(self, index: ChromaIndex, conn: Any) -> None:
        self.index = index
        self.conn = conn
        indexed = index.indexed_memory_ids()
        self._ids = {
            r[0]: r[1]
            for r in conn.execute("SELECT uid, id FROM memories")
            if len(indexed.get(r[1], ())) == 2
        }
        self.count = len(self._ids)

    def attach(self, records: Iterator[Record]) -> Iterator[Record]:
        """The records, each memory followed by its embedding record when it has one."""
        batch: list[Record] = []
        for table, record in records:
            if table == "memory":
                batch.append((table, record))
                if len(batch) >= BATCH:
                    yield from self._flush(batch)
                    batch = []
                continue
            if batch:
                yield from self._flush(batch)
                batch = []
            yield table, record
        yield from self._flush(batch)

    def _flush(self, batch: list[Record]) -> Iterator[Record]:
        wanted = {r["uid"]: self._ids[r["uid"]] for _, r in batch if r["uid"] in self._ids}
        vectors = self.index.both_views(list(wanted.values()))
        tokens = self.index.stored_tokens(list(wanted.values()))
        for table, record in batch:
            yield table, record
            memory_id = wanted.get(record["uid"])
            if memory_id is None:
                continue
            views = vectors.get(memory_id)
            if views is None:
                # Removed from the index since the count (a rebuild meanwhile): computed now,
                # so that the vault holds what its manifest promised.
                text = record["text"]
                both = self.index.embed([text, record["context"] or text])
                views = (both[0], both[1])
            yield "embedding", embedding_record(record, views, tokens.get(memory_id))


def embedding_record(
    memory: dict[str, Any], views: tuple[Vector, Vector], tokens: MemoryTokens | None
) -> dict[str, Any]:
    text_vector, context_vector = views
    has_context = bool(memory["context"]) and memory["context"] != memory["text"]
    return {
        "memory": memory["uid"],
        "model": MODEL_ID,
        "vector": [float(x) for x in text_vector],
        "context_vector": [float(x) for x in context_vector] if has_context else None,
        "tokens": None if tokens is None else _tokens_record(tokens),
    }


def _tokens_record(tokens: MemoryTokens) -> dict[str, Any]:
    both = np.concatenate([tokens.own, tokens.context])
    pieces = np.asarray(sorted(tokens.pieces), dtype=np.uint16).tobytes()
    return {
        "own": len(tokens.own),
        "context": len(tokens.context),
        "bits": base64.b64encode(pack(both) if len(both) else b"").decode(),
        "pieces": base64.b64encode(pieces).decode(),
    }


# ------------------------------------------------------------------ import


@dataclass
class _Candidate:
    uid: str
    text: str
    context: str
    text_vector: Vector
    context_vector: Vector | None
    tokens: MemoryTokens | None


def reuse_vectors(
    store: SqliteMemoryStore,
    index: ChromaIndex,
    records: Iterator[Record],
    manifest: dict[str, Any],
    dimensions: int,
) -> int:
    """Index, from the vault's embedding records, the memories waiting in the outbox whose
    text here is what the vault embedded; their outbox work is cleared, the rest stays for
    `sync_index` to embed. Returns how many memories were indexed this way."""
    if manifest.get("embedding_model") != MODEL_ID:
        return 0
    if not (manifest.get("contents") or {}).get("embeddings"):
        return 0
    used = 0
    batch: list[_Candidate] = []
    memory: dict[str, Any] | None = None
    for table, record in records:
        if table == "memory":
            memory = record
        elif table == "embedding" and memory is not None:
            candidate = _candidate(memory, record, dimensions, index.tokens is not None)
            memory = None
            if candidate is not None:
                batch.append(candidate)
            if len(batch) >= BATCH:
                used += _put(store, index, batch)
                batch = []
    return used + _put(store, index, batch)


def _candidate(
    memory: dict[str, Any], r: dict[str, Any], dimensions: int, need_tokens: bool
) -> _Candidate | None:
    """The record's vectors, or None when they cannot stand in for embedding this memory."""
    if r.get("memory") != memory.get("uid") or r.get("model") != MODEL_ID:
        return None
    text, context = memory.get("text"), memory.get("context") or ""
    if not isinstance(text, str) or not text or not isinstance(context, str):
        return None
    try:
        text_vector = _vector(r["vector"], dimensions)
        context_vector = (
            _vector(r["context_vector"], dimensions) if r.get("context_vector") else None
        )
        tokens = _tokens(r.get("tokens"), dimensions)
    except (KeyError, TypeError, ValueError):
        return None
    if text_vector is None or (need_tokens and tokens is None):
        return None
    if context and context != text and context_vector is None:
        return None  # a vault of Reverie 0.1.0 carried only the text view
    return _Candidate(memory["uid"], text, context, text_vector, context_vector, tokens)


def _vector(values: Any, dimensions: int) -> Vector | None:
    vector = np.asarray(values, dtype=np.float32)
    if vector.shape != (dimensions,) or not np.all(np.isfinite(vector)):
        return None
    return vector


def _tokens(r: Any, dimensions: int) -> MemoryTokens | None:
    if not isinstance(r, dict):
        return None
    own, context = int(r["own"]), int(r["context"])
    bits = base64.b64decode(r["bits"], validate=True)
    if own < 0 or context < 0 or len(bits) != (own + context) * ((dimensions + 7) // 8):
        return None
    rows = unpack(bits, own + context, dimensions)
    pieces = np.frombuffer(base64.b64decode(r["pieces"], validate=True), dtype=np.uint16)
    return MemoryTokens(rows[:own], rows[own:], frozenset(int(p) for p in pieces))


def _put(store: SqliteMemoryStore, index: ChromaIndex, batch: Sequence[_Candidate]) -> int:
    if not batch:
        return 0
    marks = ",".join("?" * len(batch))
    rows = store.conn.execute(
        "SELECT m.id, m.uid, m.text, m.context FROM memories m"
        f" JOIN index_outbox o ON o.memory_id = m.id AND o.op = 'upsert' WHERE m.uid IN ({marks})",
        [c.uid for c in batch],
    ).fetchall()
    waiting = {r[1]: (r[0], r[2], r[3] or "") for r in rows}
    items = []
    done = []
    for c in batch:
        local = waiting.get(c.uid)
        if local is None or (local[1], local[2]) != (c.text, c.context):
            continue  # not waiting to be indexed, or our text differs from the vault's
        context_vector = c.context_vector if c.context_vector is not None else c.text_vector
        items.append((local[0], c.text_vector, context_vector, c.tokens))
        done.append(IndexWork(local[0], "upsert", c.text, c.context))
    index.put_vectors(items)
    store.clear_index_work(done)
    return len(items)
