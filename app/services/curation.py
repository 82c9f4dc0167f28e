"""Changes a person makes by hand that touch more than the store: deleting for good also
removes screen thumbnails from disk and the memory from the vector index."""

from __future__ import annotations

from datetime import datetime

from app.services.index_sync import sync_index
from app.storage.chroma_index import ChromaIndex
from app.storage.curation_store import CurationStore
from app.storage.sqlite_store import SqliteMemoryStore


def erase_memory(
    store: SqliteMemoryStore, index: ChromaIndex, memory_id: int, now: datetime
) -> None:
    for thumbnail in CurationStore(store).erase(memory_id, now):
        thumbnail.unlink(missing_ok=True)  # after the commit: a crash leaves a file, not a hole
    sync_index(store, index)
