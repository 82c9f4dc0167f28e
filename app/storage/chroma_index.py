"""ChromaIndex: the vector side of recall. Derived from SQLite and rebuildable at any time.

Each memory is indexed twice: its own text ("<id>") and its text with the message before it
("<id>:ctx"), since a reply like "Yes, last Tuesday!" means little without what it answers.
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

    def __init__(self, path: Path, embedding_function: Any) -> None:
        self.path = path
        self._embedding_function = embedding_function
        self._client: Any = None
        self._collection: Any = None
        self._count: int | None = None  # cached: Chroma's count() costs a round trip per query

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

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return np.asarray(self._embedding_function(list(texts)), dtype=np.float32)

    def upsert(self, items: Sequence[tuple[int, str, str]]) -> None:
        """Index (memory_id, text, context) triples, both views at once."""
        if not items:
            return
        ids, docs, metas = [], [], []
        for memory_id, text, context in items:
            for view, doc in ((TEXT, text), (CONTEXT, context or text)):
                ids.append(_doc_id(memory_id, view))
                docs.append(doc)
                metas.append({"memory_id": memory_id, "view": view})
        self.collection.upsert(ids=ids, documents=docs, metadatas=metas)
        self._count = None

    def delete(self, memory_ids: Sequence[int]) -> None:
        if memory_ids:
            self.collection.delete(
                ids=[_doc_id(m, view) for m in memory_ids for view in (TEXT, CONTEXT)]
            )
            self._count = None

    def count(self) -> int:
        if self._count is None:
            self._count = int(self.collection.count())
        return self._count

    def query(
        self, text: str, limit: int
    ) -> tuple[list[VectorHit], npt.NDArray[np.float32], dict[int, npt.NDArray[np.float32]]]:
        """Nearest documents of both views, the query's vector, and the text-view vectors of
        the memories found (returned with the hits to save a second round trip)."""
        vector = self.embed([text])[0]
        total = self.count()
        if total == 0:
            return [], vector, {}
        found = self.collection.query(
            query_embeddings=[vector],
            n_results=min(limit, total),
            include=["distances", "embeddings"],
        )
        hits = []
        vectors: dict[int, npt.NDArray[np.float32]] = {}
        for doc_id, distance, embedding in zip(
            found["ids"][0], found["distances"][0], found["embeddings"][0], strict=True
        ):
            memory_id, view = _parse_doc_id(doc_id)
            hits.append(VectorHit(memory_id, view, float(distance)))
            if view == TEXT:
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
