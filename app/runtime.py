"""The composition root: builds the store, index and embedder for one data folder.

Services get their adapters from here; nothing below this module wires anything together.
Reading the wall clock happens here too (the domain only ever receives `now`).
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.blas_threads import use_one_blas_thread
from app.core.errors import EnvironmentProblem
from app.core.forgetting import ForgettingParams
from app.core.ports import Clock, Progress
from app.embed.minilm import MiniLmEmbedder
from app.home import DB_NAME, TOKENS_DB, VECTORS_DIR, resolve_home
from app.services.index_sync import sync_index
from app.settings import Settings
from app.storage.chroma_index import ChromaIndex
from app.storage.snapshots import SNAPSHOTS_DIR
from app.storage.sqlite_store import SqliteMemoryStore
from app.storage.store_health import snapshot_before_upgrade
from app.storage.token_vectors import TokenVectorStore
from app.store_key import open_store_key

log = logging.getLogger(__name__)
LOW_DISK_BYTES = 64 * 1024 * 1024  # below this, check that Chroma can still open its folder


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
        model_path: Path | None = None,
        passphrase: str | None = None,
    ) -> None:
        """`passphrase` unlocks a store kept with one (default: $REVERIE_PASSPHRASE); a store
        whose key is in the OS keyring needs none."""
        use_one_blas_thread()
        self.home = resolve_home(home, writable=False)
        # A data folder that cannot be written (a read-only mount, a full disk's remount):
        # Reverie still opens it, to show and search, and says why nothing can change.
        self.read_only = not os.access(self.home, os.W_OK)
        self.clock = clock
        self.settings = Settings.load(self.home)
        self.params = params or self.settings.forgetting_params()
        self.embedder = embedder or MiniLmEmbedder()
        self._key = open_store_key(self.home, passphrase)
        db = self.home / DB_NAME
        if not self.read_only:
            snapshot_before_upgrade(db, self._key, self.home / SNAPSHOTS_DIR, self.clock())
        elif not db.exists():
            raise EnvironmentProblem(f"the data folder {self.home} is read-only and holds no "
                                     "memory store yet")  # fmt: skip
        self.store = SqliteMemoryStore(db, self._key, read_only=self.read_only)
        # One engine operation at a time across threads (the app's worker, the scheduler's
        # jobs): they share one SQLite connection, the index and the model.
        self.work_lock = threading.RLock()
        self._index: ChromaIndex | None = None
        self._scratch: Path | None = None  # a read-only folder's index copy
        self._entities: Any = None
        self._model: Any = None
        self.model_path = model_path

    @property
    def index(self) -> ChromaIndex:
        if self._index is None:
            # Imported here: Chroma takes a second to import, and most commands never need it.
            from app.embed.chroma_function import MiniLmChromaFunction

            function: Any = MiniLmChromaFunction(self.embedder)
            tokens: TokenVectorStore | None = None
            if not (self.read_only and not (self.home / TOKENS_DB).exists()):
                try:
                    tokens = TokenVectorStore(self.home / TOKENS_DB, self.embedder.dimensions,
                                              self._key, read_only=self.read_only)  # fmt: skip
                except EnvironmentProblem as problem:
                    # Derived data (a full disk, a damaged file): rank without stored token
                    # vectors, computing them per query, rather than not at all.
                    log.warning("%s; ranking without stored token vectors", problem)
            if self.settings.vector_server:
                # The user's own Chroma server (off by default): see app/storage/chroma_server.py.
                from app.storage.chroma_server import ChromaServer, ChromaServerIndex, server_token

                server = ChromaServer.parse(
                    self.settings.vector_server, self.settings.vector_collection
                )
                self._index = ChromaServerIndex(server, function, tokens, server_token())
            else:
                self._index = self._local_index(function, tokens)
        return self._index

    def _local_index(self, function: Any, tokens: TokenVectorStore | None) -> ChromaIndex:
        """Chroma writes even to open its folder: on a read-only data folder, or a full disk,
        it works on a temporary copy (ids and vectors only, no text), removed at close, so
        search keeps working while nothing can be saved."""
        import shutil

        folder = self.home / VECTORS_DIR
        if not self.read_only:
            index = ChromaIndex(folder, function, tokens)
            if shutil.disk_usage(self.home).free > LOW_DISK_BYTES:
                return index  # opened lazily, as usual
            try:
                _ = index.collection
                return index
            except EnvironmentProblem as problem:
                if "full" not in str(problem) and "readonly" not in str(problem):
                    raise
                log.warning("%s; searching a temporary copy of the index", problem)
        import tempfile

        self._scratch = Path(tempfile.mkdtemp(prefix="reverie-read-only-"))
        if folder.is_dir():
            shutil.copytree(folder, self._scratch / VECTORS_DIR)
        return ChromaIndex(self._scratch / VECTORS_DIR, function, tokens)

    @property
    def entities(self) -> Any:
        """The entity recogniser (spaCy), loaded on first use."""
        if self._entities is None:
            from app.nlp.spacy_entities import SpacyEntities

            self._entities = SpacyEntities()
        return self._entities

    def model_folders(self) -> list[Path]:
        return [Path(__file__).resolve().parents[1] / "models", self.home / "models"]

    def chosen_model_path(self) -> Path:
        """--model, else the settings' choice, else the bundled SmolLM2."""
        from app.llm.catalog import bundled_model

        if self.model_path is not None:
            return self.model_path
        if self.settings.model:
            return Path(self.settings.model).expanduser()
        bundled = bundled_model()
        if bundled is None:
            raise EnvironmentProblem(
                "no language model: the bundled one is not installed (run the README's setup "
                "command) and none is chosen (reverie models --use FILE.gguf)"
            )
        return bundled.path

    @property
    def model(self) -> Any:
        """The local model, created on first use (loading happens on its own thread)."""
        if self._model is None and self.settings.server_url and self.model_path is None:
            from app.llm.remote import RemoteModel

            self._model = RemoteModel(self.settings.server_url)
        if self._model is None:
            from app.llm.runtime import LocalModel, ModelSettings

            self._model = LocalModel(
                self.chosen_model_path(), ModelSettings(context_tokens=self.settings.context_tokens)
            )
        return self._model

    def apply_settings(self, chosen: Settings) -> None:
        """Save new settings and use them now: the forgetting curve at once, a different model
        from its next use (the old one is unloaded)."""
        previous = self.settings
        chosen.save(self.home)
        self.settings = chosen
        self.params = chosen.forgetting_params()
        model_changed = (previous.model, previous.server_url, previous.context_tokens) != (
            chosen.model, chosen.server_url, chosen.context_tokens)  # fmt: skip
        if model_changed and self._model is not None and self.model_path is None:
            self._model.close()
            self._model = None
        moved = (previous.vector_server, previous.vector_collection) != (
            chosen.vector_server, chosen.vector_collection)  # fmt: skip
        if moved and self._index is not None:
            # The index lives elsewhere from now on: the next use opens it there.
            if self._index.tokens is not None:
                self._index.tokens.close()
            self._index.close_client()
            self._index = None

    def capture_agent(self, passphrase: str | None = None, **overrides: Any) -> Any:
        """A screen-capture agent for this data folder (X11 window list, mss, tesseract when
        installed, thumbnail key from the keyring or `passphrase`). Its `notes` say what is
        degraded and why; EnvironmentProblem when capture cannot work here at all (Wayland,
        no display)."""
        from app.capture.keys import ThumbnailKey
        from app.capture.ocr import TesseractOcr, ocr_problem
        from app.capture.screen import ScreenGrabber
        from app.capture.x11 import X11Windows
        from app.services.capture import CaptureAgent, CaptureOptions

        options = CaptureOptions.from_settings(self.settings, **overrides)
        notes: list[str] = []
        problem = ocr_problem()
        ocr = None if problem else TesseractOcr()
        if problem:
            notes.append(problem)
        key = None
        if options.thumbnails:
            keeper = ThumbnailKey(self.home / "captures", passphrase)
            key = keeper.load()
            notes.append(keeper.status)
        agent = CaptureAgent(self, X11Windows(), ScreenGrabber(), ocr, options, key)
        agent.notes = notes
        return agent

    def now(self) -> datetime:
        return self.clock()

    def heal(self, progress: Progress | None = None) -> int:
        """Finish index work a crash left behind (SQLite committed, Chroma not yet updated)."""
        if self.read_only or self.store.pending_index_count() == 0:
            return 0
        try:
            return sync_index(self.store, self.index, progress)
        except Exception as error:  # Chroma and SQLite word a full disk their own ways
            if not any(word in str(error).lower() for word in ("full", "no space", "readonly")):
                raise
            # The work stays queued and is finished once there is room; keyword search
            # already finds the memories that wait for their vectors.
            log.warning("index updates wait for disk space: %s", error)
            return 0

    def close(self) -> None:
        if self._model is not None:
            self._model.close()
        if self._index is not None and self._index.tokens is not None:
            self._index.tokens.close()
        if self._index is not None:
            self._index.close_client()  # Chroma's files, or a Chroma server's connections
        self.store.close()
        if self._scratch is not None:
            import shutil

            shutil.rmtree(self._scratch, ignore_errors=True)

    def __enter__(self) -> Reverie:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
