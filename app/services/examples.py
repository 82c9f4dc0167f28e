"""Example questions for an empty chat, drawn from what the user's own memories hold (a
new user's chat should not suggest questions about the sample chat's people)."""

from __future__ import annotations

from app.core.records import Memory, MemoryKind
from app.storage.fact_store import FactStore
from app.storage.sqlite_store import SqliteMemoryStore

_ME = {"me", "i", "myself"}
_ASKED = {
    "home city": "Where do {i} live?",
    "birthday": "When is {whose} birthday?",
    "employer": "Where do {i} work?",
    "sister": "What is {whose} sister's name?",
    "brother": "What is {whose} brother's name?",
    "partner": "Who is {whose} partner?",
}
# People someone has: asked with "who".
_PEOPLE = {"friend", "manager", "boss", "dentist", "doctor", "landlord", "mother", "father",
           "wife", "husband", "colleague", "neighbour", "neighbor", "best friend"}  # fmt: skip


def question_for(memory: Memory) -> str | None:
    """A question this fact answers, or None when there is no natural way to ask it."""
    if memory.kind is MemoryKind.PROCEDURAL and memory.subject:
        return f"How do I {memory.subject}?"
    attribute = (memory.attribute or "").strip()
    if not attribute or attribute == "procedure" or len(attribute.split()) > 2:
        return None
    me = memory.subject is None or memory.subject.lower() in _ME
    whose = "my" if me else f"{memory.subject}'s"
    default = (
        "Who is {whose} {attribute}?" if attribute in _PEOPLE else "What is {whose} {attribute}?"
    )
    template = _ASKED.get(attribute, default)
    if "{i}" in template and not me:
        return None
    return template.format(i="I", whose=whose, attribute=attribute)


def example_questions(store: SqliteMemoryStore, limit: int = 3) -> list[str]:
    """The newest facts first, a how-to among them when there is one."""
    facts = sorted(FactStore(store).current_facts(), key=lambda m: m.id, reverse=True)
    procedures = [m for m in facts if m.kind is MemoryKind.PROCEDURAL]
    ordered = procedures[:1] + [m for m in facts if m not in procedures[:1]]
    questions: list[str] = []
    for memory in ordered:
        question = question_for(memory)
        if question and question not in questions:
            questions.append(question)
        if len(questions) == limit:
            break
    return questions
