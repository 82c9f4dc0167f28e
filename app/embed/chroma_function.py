"""Our embedder as a *registered* Chroma embedding function.

Registration matters: when a collection is reopened Chroma rebuilds its embedding function
from the stored name, and an unknown name silently falls back to Chroma's default, which tries
to download a model (and fails offline).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from app.embed.minilm import MiniLmEmbedder, TokenStates
from app.embed.model_files import MODEL_ID

FUNCTION_NAME = "reverie-minilm-int8"


@register_embedding_function
class MiniLmChromaFunction(EmbeddingFunction[Documents]):
    def __init__(self, embedder: MiniLmEmbedder | None = None) -> None:
        self.embedder = embedder or MiniLmEmbedder()

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.embed(list(input)))

    # Token vectors for the late-interaction rerank, from the same model (ChromaIndex uses
    # these beside Chroma's sentence vectors; Chroma itself never calls them).
    def embed_with_tokens(
        self, texts: Sequence[str], *, sentences: bool = True, skip: frozenset[str] = frozenset()
    ) -> tuple[npt.NDArray[np.float32], list[TokenStates]]:
        return self.embedder.embed_with_tokens(texts, sentences=sentences, skip=skip)

    def embed_tokens(
        self, texts: Sequence[str], skip: frozenset[str] = frozenset()
    ) -> list[TokenStates]:
        return self.embedder.embed_tokens(texts, skip=skip)

    @staticmethod
    def name() -> str:
        return FUNCTION_NAME

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        return {"model": MODEL_ID}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLmChromaFunction:
        return MiniLmChromaFunction()
