"""Keep the vector index in step with SQLite by draining the outbox of pending index work."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime

from app.core.ports import EngineTurn, NoProgress, Progress
from app.storage.chroma_index import ChromaIndex
from app.storage.sqlite_store import SqliteMemoryStore

# Small enough that progress moves (and Cancel acts) every second or so on 2 cores.
BATCH = 128


def sync_index(
    store: SqliteMemoryStore,
    index: ChromaIndex,
    progress: Progress | None = None,
    turn: EngineTurn = nullcontext,
) -> int:
    """Apply all pending index work; each batch is cleared only after Chroma has it, so a crash
    at any point leaves work queued and the next call finishes it. Each batch is one `turn`
    with the engine."""
    progress = progress or NoProgress()
    with turn():
        total = store.pending_index_count()
    if total == 0:
        return 0
    progress.start(total, "indexing")
    done = 0
    try:
        while True:
            with turn():
                work = store.pending_index_work(BATCH)
                if not work:
                    break
                upserts = [
                    (w.memory_id, w.text, w.context) for w in work if w.op == "upsert" and w.text
                ]
                deletes = [w.memory_id for w in work if w.op == "delete" or not w.text]
                index.upsert(upserts)
                index.delete(deletes)
                store.clear_index_work(work)
            done += len(work)
            progress.advance(len(work))
    finally:
        progress.finish()
    return done


def rebuild_index(
    store: SqliteMemoryStore, index: ChromaIndex, now: datetime, progress: Progress | None = None
) -> int:
    """Throw the vector index away and rebuild it from SQLite, the source of truth."""
    index.reset()
    store.queue_full_reindex(now)
    return sync_index(store, index, progress)
