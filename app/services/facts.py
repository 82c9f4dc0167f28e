"""Learning facts and how-tos from messages by rules, as soon as they are stored.

No language model is involved, so this runs at import and chat time, in milliseconds per
message: typed memories and knowledge updates never wait for (or depend on) the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from app.core.entities import Mention
from app.core.fact_words import ME, PETS
from app.core.facts import NAME_SLOTS, Fact, read_facts
from app.core.forgetting import ForgettingParams
from app.core.ports import NoProgress, Progress
from app.core.procedures import Procedure, read_procedure
from app.core.records import Evidence, MemoryKind
from app.storage.fact_store import PROCEDURE, FactStore, LearnedFact, LearnReport
from app.storage.sqlite_store import SqliteMemoryStore

BATCH = 500
PEOPLE = NAME_SLOTS - {"home city", "employer", "grew up in"} - frozenset(PETS)


def subject_of(evidence: Evidence) -> str:
    """Whose "I" it is: the user's own messages speak for ME; in a chat between two people
    (LoCoMo) the other person's "I" is that person."""
    if evidence.role == "user" or not evidence.speaker:
        return ME
    return evidence.speaker


def found_in(evidence: Evidence, known_people: Sequence[str] = ()) -> list[LearnedFact]:
    if evidence.role == "assistant":
        return []  # an assistant's "Noted: your manager is X" echoes, it does not tell
    speaker = subject_of(evidence)
    learned = [_as_fact(f, speaker) for f in read_facts(evidence.content, known_people)]
    procedure = read_procedure(evidence.content)
    if procedure is not None:
        learned.append(_as_procedure(procedure, speaker))
    return learned


def _as_fact(fact: Fact, speaker: str) -> LearnedFact:
    subject = speaker if fact.subject == ME else fact.subject
    return LearnedFact(
        MemoryKind.SEMANTIC,
        fact.sentence,
        f"{fact.statement}",
        subject,
        fact.attribute,
        fact.value,
    )


def _as_procedure(procedure: Procedure, speaker: str) -> LearnedFact:
    return LearnedFact(
        MemoryKind.PROCEDURAL, procedure.text, procedure.sentence, procedure.goal, PROCEDURE, None
    )


class EntityFinder(Protocol):
    def find(self, texts: Sequence[str]) -> list[list[Mention]]: ...


def learn_facts(
    store: SqliteMemoryStore,
    now: datetime,
    params: ForgettingParams,
    evidence_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
    entities: EntityFinder | None = None,
) -> LearnReport:
    """Read every message the rules have not read (or those of `evidence_ids`), oldest first
    so that later statements supersede earlier ones; with an entity finder, link each
    message's memories to the people, places and organisations it names (and use the people
    for "he" and "she"). The caller syncs the vector index."""
    facts = FactStore(store)
    progress = progress or NoProgress()
    total = LearnReport()
    progress.start(facts.unread_count() if evidence_ids is None else len(evidence_ids), "facts")
    try:
        while batch := facts.unread(BATCH, evidence_ids):
            people = facts.people(PEOPLE)
            said = [e for e in batch if e.role != "assistant"]
            named = (
                dict(
                    zip([e.id for e in said], entities.find([e.content for e in said]), strict=True)
                )
                if entities and said
                else {}
            )
            for evidence in batch:
                mentions = named.get(evidence.id, [])
                found = found_in(evidence, people)
                report = facts.learn(evidence, found, now, params, mentions)
                people += [f.value for f in found if f.value and f.attribute in PEOPLE]
                total.messages += 1
                total.added += report.added
                total.superseded += report.superseded
                total.confirmed += report.confirmed
                total.procedures += report.procedures
            progress.advance(len(batch))
    finally:
        progress.finish()
    return total
