"""ChromaIndex: the vector side of recall. Derived from SQLite and rebuildable at any time.

Each memory is indexed twice: its own text ("<id>") and its text with the message before it
("<id>:ctx"), since a reply like "Yes, last Tuesday!" means little without what it answers.
With a TokenVectorStore, the same pass also keeps each memory's word-piece vectors (of its text
and of the message before it) for the late-interaction rerank.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from app.core.errors import EnvironmentProblem
from app.core.keywords import STOPWORDS
from app.storage.token_vectors import MemoryTokens, TokenVectorStore

COLLECTION = "memories"
TEXT, CONTEXT = "text", "ctx"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VectorHit:
    memory_id: int
    view: str  # TEXT or CONTEXT
    distance: float  # cosine distance: 0 identical, 2 opposite


def _doc_id(memory_id: int, view: str) -> str:
    return str(memory_id) if view == TEXT else f"{memory_id}:{CONTEXT}"


def _parse_doc_id(doc_id: str) -> tuple[int, str]:
    head, _, tail = doc_id.partition(":")
    return int(head), (CONTEXT if tail else TEXT)


class ChromaIndex:
    """Opened lazily: listing or pinning memories never pays Chroma's start-up cost."""

    def __init__(
        self, path: Path, embedding_function: Any, tokens: TokenVectorStore | None = None
    ) -> None:
        """With `tokens`, `embedding_function` must also offer `embed_with_tokens` and
        `embed_tokens` (MiniLmChromaFunction does)."""
        self.path = path
        self._embedding_function = embedding_function
        self.tokens = tokens
        self._client: Any = None
        self._collection: Any = None
        self._count: int | None = None  # cached: Chroma's count() costs a round trip per query
        # The last question's token vectors, from the pass that embedded it for `query`: the
        # rerank asks for them next, and a second pass cost ~8 ms of a loaded 2-core search.
        self._question: tuple[str, Any] | None = None

    @property
    def where(self) -> str:
        """Where the vectors live, in words (doctor reports it)."""
        return f"local folder {self.path}"

    @property
    def collection(self) -> Any:
        if self._collection is None:
            import chromadb
            from chromadb.config import Settings

            try:
                self._client = chromadb.PersistentClient(
                    path=str(self.path),
                    settings=Settings(anonymized_telemetry=False, allow_reset=True),
                )
                self._collection = self._client.get_or_create_collection(
                    COLLECTION,
                    embedding_function=self._embedding_function,
                    configuration={"hnsw": {"space": "cosine"}},
                )
            except Exception as error:  # Chroma raises many types for a damaged folder
                raise EnvironmentProblem(
                    f"cannot open the vector index at {self.path}: {error}. "
                    "It is rebuilt from the memory store by `reverie reindex`."
                ) from error
        return self._collection

    def close_client(self) -> None:
        """Release Chroma's files (Reverie.close calls it): an unclosed PersistentClient kept
        about a dozen file descriptors per store opened, so a long-lived process that opens
        stores again and again (the test suite, the vault's imports) ran out of them."""
        if self._client is not None:
            self._client.close()
            self._client = self._collection = None

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return np.asarray(self._embedding_function(list(texts)), dtype=np.float32)

    def upsert(self, items: Sequence[tuple[int, str, str]]) -> None:
        """Index (memory_id, text, context) triples, both views at once."""
        if not items:
            return
        texts = [text for _, text, _ in items]
        contexts = [context or text for _, text, context in items]
        if self.tokens is None:
            text_vectors = self.embed(texts)
        else:
            # One forward pass gives the text view's sentence vectors and its token vectors.
            text_vectors, own = self._embedding_function.embed_with_tokens(texts, skip=STOPWORDS)
            self.tokens.put(self._with_context(items, own))
        # A memory without context (a screen frame, an extracted fact) has both views alike.
        differ = [row for row in range(len(items)) if contexts[row] != texts[row]]
        context_vectors = text_vectors.copy()
        if differ:
            context_vectors[differ] = self.embed([contexts[row] for row in differ])
        ids, metas, vectors = [], [], []
        for row, (memory_id, _, _) in enumerate(items):
            for view, vector in ((TEXT, text_vectors[row]), (CONTEXT, context_vectors[row])):
                ids.append(_doc_id(memory_id, view))
                vectors.append(vector)
                metas.append({"memory_id": memory_id, "view": view})
        # Ids and vectors only: Chroma's files are not encrypted, so the text stays in the
        # (encrypted) memory store and never reaches them.
        self.collection.upsert(ids=ids, embeddings=vectors, metadatas=metas)
        self._count = None

    def put_vectors(
        self,
        items: Sequence[
            tuple[int, npt.NDArray[np.float32], npt.NDArray[np.float32], MemoryTokens | None]
        ],
    ) -> None:
        """Index (memory_id, text vector, context vector, token vectors) computed elsewhere (a
        vault written with the same embedding model): no forward pass. Token vectors may be
        None only when this index keeps none."""
        if not items:
            return
        ids, metas, vectors = [], [], []
        for memory_id, text_vector, context_vector, _ in items:
            for view, vector in ((TEXT, text_vector), (CONTEXT, context_vector)):
                ids.append(_doc_id(memory_id, view))
                vectors.append(vector)
                metas.append({"memory_id": memory_id, "view": view})
        self.collection.upsert(ids=ids, embeddings=vectors, metadatas=metas)
        self._count = None
        if self.tokens is not None:
            self.tokens.put({m: t for m, _, _, t in items if t is not None})

    def _with_context(
        self, items: Sequence[tuple[int, str, str]], own: Sequence[Any]
    ) -> dict[int, MemoryTokens]:
        """Pair each memory's token vectors with those of the message before it. That message
        is usually another memory of the same batch, whose vectors are then reused. (Scoring
        the message before on its own gave 1 point more LoCoMo dev recall than taking its part
        of the context view's pass.)"""
        known = {text: states.vectors for (_, text, _), states in zip(items, own, strict=True)}
        befores = [_before(text, context) for _, text, context in items]
        missing = list(dict.fromkeys(b for b in befores if b and b not in known))
        if missing:
            computed = self._embedding_function.embed_tokens(missing, skip=STOPWORDS)
            known.update((b, states.vectors) for b, states in zip(missing, computed, strict=True))
        assert self.tokens is not None
        nothing = np.zeros((0, self.tokens.dimensions), dtype=np.float32)
        return {
            memory_id: MemoryTokens(
                own[row].vectors,
                known[befores[row]] if befores[row] else nothing,
                own[row].every_piece,
            )
            for row, (memory_id, _, _) in enumerate(items)
        }

    def query_tokens(self, text: str) -> tuple[npt.NDArray[np.float32], tuple[int, ...]]:
        """A question's token vectors and their word pieces. Stopwords stay: "when" and
        "where" find dates and places, and rarity weighting already makes common words count
        little."""
        question = self._question
        if question is not None and question[0] == text:
            states = question[1]
        else:
            [states] = self._embedding_function.embed_tokens([text])
        return np.asarray(states.vectors, dtype=np.float32), tuple(states.pieces)

    def stored_tokens(self, memory_ids: Sequence[int]) -> dict[int, MemoryTokens]:
        """The token vectors kept for these memories (none without a TokenVectorStore)."""
        return {} if self.tokens is None else self.tokens.get(memory_ids)

    def text_tokens(self, texts: Sequence[str]) -> list[MemoryTokens]:
        """Token vectors of texts as memories keep them, without context, computed now (for
        memories whose vectors are not stored yet)."""
        computed = self._embedding_function.embed_tokens(list(texts), skip=STOPWORDS)
        return [MemoryTokens(s.vectors, s.vectors[:0], s.every_piece) for s in computed]

    def document_frequency(self, pieces: Sequence[int]) -> tuple[int, dict[int, int]]:
        """How many memories have token vectors, and how many contain each word piece."""
        return (0, {}) if self.tokens is None else self.tokens.document_frequency(pieces)

    def delete(self, memory_ids: Sequence[int]) -> None:
        if memory_ids:
            self.collection.delete(
                ids=[_doc_id(m, view) for m in memory_ids for view in (TEXT, CONTEXT)]
            )
            self._count = None
            if self.tokens is not None:
                self.tokens.delete(memory_ids)

    def count(self) -> int:
        if self._count is None:
            self._count = int(self.collection.count())
        return self._count

    def query(
        self, text: str, limit: int, *, with_vectors: bool = True
    ) -> tuple[list[VectorHit], npt.NDArray[np.float32], dict[int, npt.NDArray[np.float32]]]:
        """Nearest documents of both views, the query's vector, and the text-view vectors of
        the memories found (none with `with_vectors=False`: returning 100 vectors took
        Chroma 3-4 ms of a 22 ms search at 10k memories, against ~1 ms to `vectors()` the
        few that are needed)."""
        if self.tokens is None:
            vector = self.embed([text])[0]
        else:
            sentence, [states] = self._embedding_function.embed_with_tokens([text])
            vector, self._question = sentence[0], (text, states)
        total = self.count()
        if total == 0:
            return [], vector, {}
        found = self.collection.query(
            query_embeddings=[vector],
            n_results=min(limit, total),
            include=["distances", "embeddings"] if with_vectors else ["distances"],
        )
        hits = []
        vectors: dict[int, npt.NDArray[np.float32]] = {}
        embeddings = found["embeddings"][0] if with_vectors else [None] * len(found["ids"][0])
        for doc_id, distance, embedding in zip(
            found["ids"][0], found["distances"][0], embeddings, strict=True
        ):
            memory_id, view = _parse_doc_id(doc_id)
            hits.append(VectorHit(memory_id, view, float(distance)))
            if view == TEXT and embedding is not None:
                vectors[memory_id] = np.asarray(embedding, dtype=np.float32)
        return hits, vector, vectors

    def similar_to(self, vector: npt.NDArray[np.float32], limit: int) -> dict[int, float]:
        """Memories whose own text is nearest to `vector`, with their cosine similarity."""
        total = self.count()
        if total == 0:
            return {}
        found = self.collection.query(
            query_embeddings=[vector], n_results=min(2 * limit, total),
            include=["distances"],
        )  # fmt: skip
        sims: dict[int, float] = {}
        for doc_id, distance in zip(found["ids"][0], found["distances"][0], strict=True):
            memory_id, view = _parse_doc_id(doc_id)
            if view == TEXT and len(sims) < limit:
                sims[memory_id] = 1.0 - float(distance)
        return sims

    def vectors(self, memory_ids: Sequence[int]) -> dict[int, npt.NDArray[np.float32]]:
        """The stored text-view vectors of these memories (for similarity between results)."""
        if not memory_ids:
            return {}
        got = self.collection.get(ids=[str(m) for m in memory_ids], include=["embeddings"])
        return {
            int(doc_id): np.asarray(vec, dtype=np.float32)
            for doc_id, vec in zip(got["ids"], got["embeddings"], strict=True)
        }

    def both_views(
        self, memory_ids: Sequence[int]
    ) -> dict[int, tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]]:
        """The stored (text view, context view) vectors of these memories, for those that
        have both (what a vault carries so that its import need not embed again)."""
        if not memory_ids:
            return {}
        doc_ids = [_doc_id(m, view) for m in memory_ids for view in (TEXT, CONTEXT)]
        got = self.collection.get(ids=doc_ids, include=["embeddings"])
        found: dict[int, dict[str, npt.NDArray[np.float32]]] = {}
        for doc_id, vec in zip(got["ids"], got["embeddings"], strict=True):
            memory_id, view = _parse_doc_id(doc_id)
            found.setdefault(memory_id, {})[view] = np.asarray(vec, dtype=np.float32)
        return {m: (v[TEXT], v[CONTEXT]) for m, v in found.items() if len(v) == 2}

    def indexed_memory_ids(self) -> dict[int, set[str]]:
        """Every memory id in the index with the views it has."""
        got = self.collection.get(include=[])
        views: dict[int, set[str]] = {}
        for doc_id in got["ids"]:
            memory_id, view = _parse_doc_id(doc_id)
            views.setdefault(memory_id, set()).add(view)
        return views

    def reset(self) -> None:
        """Drop every vector; the caller re-queues all memories from SQLite."""
        _ = self.collection
        self._client.delete_collection(COLLECTION)
        self._collection = None
        self._count = None
        if self.tokens is not None:
            self.tokens.reset()


def _before(text: str, context: str) -> str:
    """The message before a memory, from its context view ("<before>\n<text>"); empty when
    the context is the text alone."""
    if not context or context == text:
        return ""
    if context.endswith(text):
        return context[: len(context) - len(text)].rstrip("\n")
    return context
