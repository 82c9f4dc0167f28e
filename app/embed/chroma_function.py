"""Our embedder as a *registered* Chroma embedding function.

Registration matters: when a collection is reopened Chroma rebuilds its embedding function
from the stored name, and an unknown name silently falls back to Chroma's default, which tries
to download a model (and fails offline).
"""

from __future__ import annotations

from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from app.embed.minilm import MiniLmEmbedder
from app.embed.model_files import MODEL_ID

FUNCTION_NAME = "reverie-minilm-int8"


@register_embedding_function
class MiniLmChromaFunction(EmbeddingFunction[Documents]):
    def __init__(self, embedder: MiniLmEmbedder | None = None) -> None:
        self.embedder = embedder or MiniLmEmbedder()

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.embed(list(input)))

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
