"""Import a chat log: parse and validate it whole, store it in one transaction, then index it."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from app.core.forgetting import ForgettingParams
from app.core.ports import Progress
from app.importers import DEFAULT_MEMORY_ROLES, read_messages
from app.services.facts import EntityFinder, learn_facts
from app.services.index_sync import sync_index
from app.storage.chroma_index import ChromaIndex
from app.storage.sqlite_store import ImportRequest, SqliteMemoryStore


@dataclass(frozen=True)
class IngestReport:
    path: str
    format: str
    messages: int
    added: int
    duplicates: int
    memories: int
    indexed: int
    facts: int  # semantic and procedural memories the fact layer learned
    superseded: int  # older facts these messages replaced
    seconds: float
    memory_ids: tuple[int, ...] = field(default=(), repr=False)  # the new memories

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["memory_ids"]
        return data


def ingest_file(
    store: SqliteMemoryStore,
    index: ChromaIndex,
    path: Path,
    *,
    fmt: str,
    now: datetime,
    params: ForgettingParams,
    roles: frozenset[str] | None = None,
    progress: Progress | None = None,
    entities: EntityFinder | None = None,
) -> IngestReport:
    started = time.perf_counter()
    messages, chosen, source = read_messages(path, fmt)
    request = ImportRequest(
        messages=messages,
        source_kind="import",
        source_path=str(path.resolve()),
        format=chosen,
        sha256=source.sha256,
        memory_roles=roles if roles is not None else DEFAULT_MEMORY_ROLES.get(chosen),
    )
    outcome = store.add_messages(request, now, params)
    # Facts first, so the index is written once for the messages and the facts read from them.
    learned = learn_facts(store, now, params, outcome.evidence_ids, entities=entities)
    indexed = sync_index(store, index, progress)
    return IngestReport(
        path=str(path),
        format=chosen,
        messages=outcome.read,
        added=outcome.added,
        duplicates=outcome.duplicates,
        memories=len(outcome.memory_ids),
        indexed=indexed,
        facts=learned.added,
        superseded=learned.superseded,
        seconds=round(time.perf_counter() - started, 3),
        memory_ids=outcome.memory_ids,
    )
