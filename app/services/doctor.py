"""`reverie doctor`: is this installation and this data folder healthy?"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.core.errors import ReverieError
from app.embed.minilm import MiniLmEmbedder
from app.llm.catalog import discover_models
from app.storage.chroma_index import CONTEXT, TEXT, ChromaIndex
from app.storage.sqlite_store import SqliteMemoryStore

OK, WARN, FAIL = "ok", "warn", "fail"


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


LOW_SPACE_BYTES = 200 * 1024 * 1024  # an import or a day of capture can take this much


def check_data_dir(home: Path) -> Check:
    import shutil

    writable = os.access(home, os.W_OK)
    free = shutil.disk_usage(home).free
    if not writable:
        return Check("data folder", FAIL, f"{home} is NOT writable: Reverie runs read-only")
    space = f"{free / 1e9:.1f} GB free" if free >= 1e9 else f"{free / 1e6:.0f} MB free"
    if free < LOW_SPACE_BYTES:
        return Check("data folder", WARN, f"{home} (writable, only {space}: imports and "
                     "capture stop, undone whole, when the disk is full)")  # fmt: skip
    return Check("data folder", OK, f"{home} (writable, {space})")


def check_store(store: SqliteMemoryStore) -> Check:
    problems = store.integrity_problems()
    if problems:
        return Check("memory store", FAIL, "; ".join(problems))
    counts = store.counts()
    return Check(
        "memory store",
        OK,
        f"{store.path}: {counts['memories']} memories, {counts['evidence']} messages, integrity ok",
    )


def check_embedder(embedder: MiniLmEmbedder) -> Check:
    try:
        vectors = embedder.embed(["Reverie self-test", "a second, different sentence"])
    except ReverieError as error:
        return Check("embedder", FAIL, str(error))
    norms = np.linalg.norm(vectors, axis=1)
    healthy = vectors.shape == (2, embedder.dimensions) and np.allclose(norms, 1.0, atol=1e-3)
    return Check(
        "embedder",
        OK if healthy else FAIL,
        f"MiniLM int8 ONNX, {vectors.shape[1]} dimensions"
        + ("" if healthy else " - produced malformed vectors"),
    )


def check_models(folders: list[Path]) -> Check:
    models = discover_models(folders)
    if not models:
        return Check(
            "language models",
            WARN,
            "no GGUF model found; recall works, answering "
            "needs one (rerun the README's setup, or put a .gguf in models/)",
        )
    broken = [m.name for m in models if not m.valid]
    listed = ", ".join(f"{m.name} ({m.size_bytes / 1e6:.0f} MB, {m.origin})" for m in models)
    if broken:
        return Check("language models", WARN, f"not GGUF files: {', '.join(broken)}; {listed}")
    return Check("language models", OK, listed)


def check_llama_runtime() -> Check:
    import importlib.util

    if importlib.util.find_spec("llama_cpp") is None:
        return Check(
            "llama.cpp",
            WARN,
            "llama-cpp-python is not installed; search works, "
            "`ask` and `extract` need it (rerun the README's setup command)",
        )
    from importlib.metadata import version

    return Check("llama.cpp", OK, f"llama-cpp-python {version('llama-cpp-python')}")


def check_index(store: SqliteMemoryStore, index: ChromaIndex) -> Check:
    pending = store.pending_index_count()
    try:
        indexed = index.indexed_memory_ids()
    except ReverieError as error:
        return Check("vector index", FAIL, f"{index.where}: {error}")
    expected = store.memory_ids()
    missing = expected - indexed.keys()
    stray = indexed.keys() - expected
    partial = [m for m, views in indexed.items() if views != {TEXT, CONTEXT}]
    problems = []
    if pending:
        problems.append(f"{pending} index updates pending")
    if missing:
        problems.append(f"{len(missing)} memories missing from the index")
    if stray:
        problems.append(f"{len(stray)} vectors of memories that do not exist")
    if partial:
        problems.append(f"{len(partial)} memories indexed only partly")
    tokens = index.tokens.memory_ids() if index.tokens is not None else expected
    if tokens - expected:
        # Token vectors are words in another form: an erased memory must not leave them.
        problems.append(f"{len(tokens - expected)} token vectors of memories that do not exist")
    if problems:
        return Check(
            "vector index", FAIL, f"{index.where}: {'; '.join(problems)} (fix: reverie reindex)"
        )
    # Missing token vectors are no fault: they are computed when a memory is first ranked.
    without = len(expected - tokens)
    note = f"; {without} without token vectors yet" if without else ""
    return Check(
        "vector index",
        OK,
        f"{index.where}: consistent with the store ({len(expected)} memories{note})",
    )


def check_capture() -> Check:
    """Screen capture is optional: what stops it here is a warning, never a failure."""
    from app.capture.keys import keyring_available
    from app.capture.ocr import ocr_problem
    from app.capture.x11 import session_problem

    problems = [p for p in (session_problem(), ocr_problem()) if p]
    keys = "OS keyring" if keyring_available() else "no OS keyring (thumbnails need a passphrase)"
    if problems:
        return Check("screen capture", WARN, f"{'; '.join(problems)}; {keys}")
    return Check("screen capture", OK, f"X11, tesseract; {keys}")


def check_graph(store: SqliteMemoryStore) -> Check:
    from app.services.graph import graph_problems
    from app.storage.graph_store import GraphStore

    problems = graph_problems(store)
    if problems:
        return Check("memory graph", WARN, "; ".join(problems) + " (fix: reverie reindex)")
    counts = GraphStore(store).counts()
    return Check("memory graph", OK, f"{counts['entities']} entities, {counts['mention_links']} "
                 f"mentions, {counts['relations']} relations, consistent")  # fmt: skip


def check_encryption(home: Path, store: SqliteMemoryStore) -> Check:
    """Encrypted at rest, or a store from before that `reverie encrypt` would convert."""
    from app.services.store_encryption import remove_plaintext_leftovers
    from app.store_key import StoreKey

    leftovers = remove_plaintext_leftovers(home)
    cleaned = f"; removed {len(leftovers)} plaintext files an interrupted encrypt left" if (
        leftovers) else ""  # fmt: skip
    if not store.encrypted:
        return Check("encryption", WARN, "the memory store is NOT encrypted (made before "
                     "encryption at rest): run `reverie encrypt`" + cleaned)  # fmt: skip
    record = StoreKey(home).record()
    where = "the OS keyring" if record and record.method == "keyring" else "your passphrase"
    return Check("encryption", OK, f"SQLCipher (AES-256), key from {where}; the vector "
                 "index holds no text" + cleaned)  # fmt: skip


def run_checks(
    home: Path,
    store: SqliteMemoryStore,
    index: ChromaIndex,
    embedder: MiniLmEmbedder,
    model_folders: list[Path],
) -> list[Check]:
    return [
        check_data_dir(home),
        check_store(store),
        check_encryption(home, store),
        check_embedder(embedder),
        check_models(model_folders),
        check_llama_runtime(),
        check_index(store, index),
        check_graph(store),
        check_capture(),
    ]
