"""The composition root: builds the store, index and embedder for one data folder.

Services get their adapters from here; nothing below this module wires anything together.
Reading the wall clock happens here too (the domain only ever receives `now`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.core.forgetting import ForgettingParams
from app.core.ports import Clock, Progress
from app.embed.minilm import MiniLmEmbedder
from app.home import DB_NAME, VECTORS_DIR, resolve_home
from app.services.index_sync import sync_index
from app.storage.chroma_index import ChromaIndex
from app.storage.sqlite_store import SqliteMemoryStore


def system_clock() -> datetime:
    return datetime.now(UTC)


class Reverie:
    def __init__(
        self,
        home: str | Path | None = None,
        *,
        clock: Clock = system_clock,
        params: ForgettingParams | None = None,
        embedder: MiniLmEmbedder | None = None,
    ) -> None:
        self.home = resolve_home(home)
        self.clock = clock
        self.params = params or ForgettingParams()
        self.embedder = embedder or MiniLmEmbedder()
        self.store = SqliteMemoryStore(self.home / DB_NAME)
        self._index: ChromaIndex | None = None

    @property
    def index(self) -> ChromaIndex:
        if self._index is None:
            # Imported here: Chroma takes a second to import, and most commands never need it.
            from app.embed.chroma_function import MiniLmChromaFunction

            function: Any = MiniLmChromaFunction(self.embedder)
            self._index = ChromaIndex(self.home / VECTORS_DIR, function)
        return self._index

    def now(self) -> datetime:
        return self.clock()

    def heal(self, progress: Progress | None = None) -> int:
        """Finish index work a crash left behind (SQLite committed, Chroma not yet updated)."""
        if self.store.pending_index_count() == 0:
            return 0
        return sync_index(self.store, self.index, progress)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Reverie:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
