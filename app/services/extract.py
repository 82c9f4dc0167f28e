"""Extraction: queued evidence -> typed memories, by one schema-constrained model call per batch,
then grounding, date resolution and consolidation. Nothing unchecked reaches the store."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import numpy as np

from app.core.consolidation import (
    Action,
    Decision,
    Neighbour,
    decide,
    decision_schema,
    eligible,
    model_decision,
)
from app.core.extraction import (
    CandidateMemory,
    MalformedOutput,
    check_grounding,
    drop_duplicates,
    parse_candidates,
    salvage,
    schema_for,
)
from app.core.forgetting import ForgettingParams, memory_retention, reinforced_stability
from app.core.ports import NoProgress, Progress
from app.core.records import Evidence
from app.core.time_expressions import resolve_relative_date
from app.llm.prompts import load_prompt
from app.services.capability import writes_well
from app.services.facts import learn_facts
from app.services.index_sync import sync_index
from app.storage.chroma_index import ChromaIndex
from app.storage.extraction_store import ExtractionStore, NewMemory
from app.storage.message_names import message_name
from app.storage.sqlite_store import SqliteMemoryStore

log = logging.getLogger(__name__)
BATCH_MESSAGES = 6
TOKENS_PER_MESSAGE = 110  # one memory with steps is ~90 tokens of JSON
PROMPT = "extract_v1"
CONSOLIDATE_PROMPT = "consolidate_v1"


class JsonModel(Protocol):
    def complete_json(
        self, messages: list[dict[str, str]], schema: dict[str, Any], max_tokens: int
    ) -> tuple[str, str]: ...


@dataclass
class ExtractReport:
    batches: int = 0
    messages: int = 0
    added: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: list[str] = field(default_factory=list)  # why each candidate was refused
    failed_batches: list[str] = field(default_factory=list)
    facts: int = 0  # facts and how-tos the rules read from messages not read before
    superseded: int = 0  # older facts those replaced
    model_used: bool = False  # False: the model is too small to write memories; rules only

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__}


def output_budget(messages: int) -> int:
    """Room for about one memory per message, plus the JSON around them."""
    return 60 + TOKENS_PER_MESSAGE * messages


def numbered(batch: list[Evidence]) -> str:
    lines = []
    for number, evidence in enumerate(batch, start=1):
        day = evidence.timestamp.strftime("%Y-%m-%d") if evidence.timestamp else "undated"
        who = evidence.speaker or evidence.role
        lines.append(f"[{number}] {day} {who}: {' '.join(evidence.content.split())[:400]}")
    return "\n".join(lines)


def build_messages(batch: list[Evidence]) -> list[dict[str, str]]:
    prompt = load_prompt(PROMPT)
    messages = [{"role": "system", "content": prompt["system"]}]
    for example in prompt["examples"]:
        messages.append({"role": "user", "content": example["messages"]})
        messages.append({"role": "assistant", "content": json.dumps(example["memories"])})
    messages.append({"role": "user", "content": numbered(batch)})
    return messages


def _dated(candidate: CandidateMemory, source: Evidence) -> tuple[str, datetime | None]:
    """Event time from the source's own time, with relative phrases resolved against it."""
    if source.timestamp is None:
        return candidate.full_text, None
    span = resolve_relative_date(source.content, source.timestamp)
    if span is None:
        return candidate.full_text, source.timestamp
    return f"{candidate.full_text} (on {span.start:%-d %B %Y})", span.start


class Extractor:
    def __init__(
        self,
        store: SqliteMemoryStore,
        index: ChromaIndex,
        model: JsonModel,
        params: ForgettingParams,
    ) -> None:
        self.store = store
        self.queue = ExtractionStore(store)
        self.index = index
        self.model = model
        self.params = params

    def run(
        self, now: datetime, *, max_batches: int | None = None, progress: Progress | None = None
    ) -> ExtractReport:
        progress = progress or NoProgress()
        report = ExtractReport()
        # The rules first: messages stored before the fact layer existed are read now.
        learned = learn_facts(self.store, now, self.params)
        report.facts, report.superseded = learned.added, learned.superseded
        report.model_used = writes_well(self.model)
        pending = self.queue.pending_count()
        progress.start(pending, "extracting")
        try:
            while max_batches is None or report.batches < max_batches:
                batches = self.queue.pending_batches(BATCH_MESSAGES, 1)
                if not batches:
                    break
                if report.model_used:
                    self.extract_batch(batches[0], now, report)
                else:
                    # Free extraction by a 135M model yields inventions and broken JSON; its
                    # messages were read by the rules, which is all it could add reliably.
                    report.batches += 1
                    report.messages += len(batches[0])
                    self.queue.mark([e.id for e in batches[0]], "done", "read by the fact layer")
                progress.advance(len(batches[0]))
        finally:
            progress.finish()
        sync_index(self.store, self.index)
        return report

    def extract_batch(self, batch: list[Evidence], now: datetime, report: ExtractReport) -> None:
        report.batches += 1
        report.messages += len(batch)
        ids = [e.id for e in batch]
        try:
            raw, finish = self.model.complete_json(
                build_messages(batch), schema_for(len(batch)), output_budget(len(batch))
            )
            if finish == "length":
                # Keep the memories that were complete before the cut.
                raw = salvage(raw)
            candidates = drop_duplicates(parse_candidates(raw, len(batch)))
        except MalformedOutput as error:
            # Nothing from this batch is written; the messages stay searchable as they are.
            report.failed_batches.append(f"messages {ids}: {error}")
            self.queue.mark(ids, "failed", str(error))
            return
        speakers = frozenset((e.speaker or "").lower() for e in batch if e.speaker)
        for candidate in candidates:
            source = batch[candidate.source - 1]
            text, event_time = _dated(candidate, source)
            said = f"{source.speaker or ''} {source.content}"  # "Sam" may name the speaker
            vectors = self.index.embed([candidate.full_text, source.content])
            grounding = check_grounding(candidate.full_text, said, float(vectors[0] @ vectors[1]))
            if not grounding.supported:
                report.rejected.append(f"{candidate.full_text!r}: {grounding.reason}")
                continue
            new = NewMemory(
                candidate.kind,
                text,
                candidate.subject or None,
                event_time,
                candidate.importance,
                (source.id,),
                f"extracted ({PROMPT}) from {message_name(source)}",
            )
            neighbours = self._neighbours(vectors[0])
            decision = decide(
                candidate.kind, candidate.full_text, candidate.subject, neighbours, speakers
            )
            if decision.action is Action.NEW:
                decision = self._ask_model(candidate.full_text, candidate, neighbours) or decision
            self._apply(decision, new, now, report)
        self.queue.mark(ids, "done", f"{len(candidates)} candidates")

    def _ask_model(
        self, text: str, candidate: CandidateMemory, neighbours: list[Neighbour]
    ) -> Decision | None:
        """The model compares the candidate with the few closest memories, which it sees only
        as handles [1]..[n]; its answer stands only where similarity supports it."""
        shown = eligible(candidate.kind, neighbours)
        if not shown:
            return None
        prompt = load_prompt(CONSOLIDATE_PROMPT)
        known = "\n".join(f"[{i}] {n.memory.text}" for i, n in enumerate(shown, start=1))
        messages = [
            {"role": "system", "content": prompt["system"]},
            {"role": "user", "content": prompt["example"]["question"]},
            {"role": "assistant", "content": prompt["example"]["answer"]},
            {"role": "user", "content": f"NEW: {text}\nKNOWN:\n{known}"},
        ]
        raw, finish = self.model.complete_json(messages, decision_schema(len(shown)), 40)
        return None if finish == "length" else model_decision(raw, shown)

    def _neighbours(self, vector: np.ndarray[Any, Any]) -> list[Neighbour]:
        sims = self.index.similar_to(vector, 20)
        memories = self.store.get_memories(list(sims), with_evidence=False)
        return [Neighbour(m, sims[m.id]) for m in memories.values() if not m.archived]

    def _apply(
        self, decision: Decision, new: NewMemory, now: datetime, report: ExtractReport
    ) -> None:
        if decision.action is Action.DUPLICATE and decision.target is not None:
            existing = self.store.get_memory(decision.target)
            stability = reinforced_stability(
                existing.stability_days, memory_retention(existing, now, self.params), self.params
            )
            self.queue.confirm(existing.id, new.evidence_ids, now, stability)
            report.duplicates += 1
        elif decision.action is Action.UPDATE and decision.target is not None:
            self.queue.supersede(decision.target, new, now, self.params)
            report.updated += 1
        elif decision.action is Action.NEW:
            self.queue.add(new, now, self.params)
            report.added += 1
        # New memories go into the index now, so later candidates of the same run see them.
        sync_index(self.store, self.index)
