"""Import a chat log: parse and validate it whole, store it in one transaction, then learn its
facts and index it, a step at a time."""

from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from app.core.forgetting import ForgettingParams
from app.core.ports import EngineTurn, Progress
from app.importers import DEFAULT_MEMORY_ROLES, read_messages
from app.services.facts import EntityFinder, learn_facts
from app.services.index_sync import sync_index
from app.storage.chroma_index import ChromaIndex
from app.storage.fact_store import LearnReport
from app.storage.sqlite_store import ImportRequest, SqliteMemoryStore

# Messages read by the fact layer (rules and entities) per turn with the engine: about half a
# second on 2 cores, so a question asked during an import waits no longer than that for it.
FACTS_PER_TURN = 64


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
    turn: EngineTurn = nullcontext,
) -> IngestReport:
    """Reading and checking the file needs no engine; storing it is one transaction (one
    `turn`); learning facts and indexing take one turn per step, so the desktop app answers
    questions between them."""
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
    with turn():
        outcome = store.add_messages(request, now, params)
        ids = list(outcome.evidence_ids)
        said = [e for n in range(0, len(ids), 500)
                for e in store.get_evidence(ids[n : n + 500]).values()]  # fmt: skip
    # Oldest first across turns too (as the fact layer orders them), so that a later statement
    # supersedes an earlier one.
    in_order = sorted(said, key=lambda e: (e.timestamp.isoformat() if e.timestamp else "", e.id))
    learned = LearnReport()
    # Facts first, so the index is written once for the messages and the facts read from them.
    for start in range(0, len(in_order), FACTS_PER_TURN):
        chunk = [e.id for e in in_order[start : start + FACTS_PER_TURN]]
        with turn():
            part = learn_facts(store, now, params, chunk, entities=entities)
        learned.added += part.added
        learned.superseded += part.superseded
    indexed = sync_index(store, index, progress, turn)
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
