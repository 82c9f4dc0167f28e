"""The shape of the answer a question wants, and whether a text has it: a time of day
("What time do my netball games start?"), an amount, a span of time, a make of phone or car,
a day for a birthday. Pure functions of a question and a text, used by answer selection.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from app.core.answer_spans import nearest_to_focus, short_span
from app.core.fact_words import _JOB_WORD
from app.core.questions import Question, coverage, kind_asked, kind_members
from app.core.time_expressions import when_it_happened

# The parts of a sentence: its clauses, between dashes, semicolons, brackets, commas, stops.
CLAUSE = re.compile(r"\s[–—-]\s|;|\((?!the \d{1,2}(?:st|nd|rd|th)\))|(?<!st|nd|rd|th)\)|,\s|\.\s")

# A span of time that is over: "How long was I in Korea?", "how long did the drive take?"
HOW_LONG_IT_WAS = re.compile(r"\bhow\s+long\s+(?:was|were|did)\b", re.I)


CLOCK = re.compile(
    r"\b(?:\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d{2}|noon|midnight)", re.I
)
_WEEKDAY = re.compile(
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|\bweekends?\b|\bweekdays?\b", re.I
)


def asks_clock(q: Question) -> bool:
    return re.search(r"\bwhat time\b|\bat what time\b", q.text, re.I) is not None


# Any day serves to ask whether a text names a time at all.
_NOON = datetime(2000, 6, 15, 12, tzinfo=UTC)


_ASKS_JOB = re.compile(
    r"^\W*what\s+(?:does|did|do)\s+[\w'’ -]+?\s+do(?:\s+for\s+(?:a\s+living|work))?\s*\??\s*$",
    re.I,
)
_TELLS_A_JOB = re.compile(
    rf"\b(?:is|was|'s|’s|as|became|become|works?|working)\s+(?:(?:now|also|still)\s+)?"
    rf"(?:a|an|the)\s+(?:[\w-]+\s+){{0,2}}?{_JOB_WORD}\b"
    r"|\bworks?\s+(?:at|for|in|as)\b|\b(?:job|career|profession)\b|\bteach(?:es|ing)?\b"
    r"|\b(?:runs|owns|opened)\s+(?:a|an|the|his|her|their)\b",
    re.I,
)


def gives_what_is_asked(q: Question, text: str) -> bool:
    """Whether a text holds the kind of answer the question wants (a time of day, an
    amount), when it wants one: "I go to the gym on Mondays" does not say at what time."""
    if asks_clock(q):
        return CLOCK.search(text) is not None
    if q.wh in {"how many", "how much", "how long"}:
        return short_span(q, text) is not None
    if kind := kind_asked(q):  # "What phone do I have?": one that names a phone
        return bool(kind_members(kind, text))
    if q.asks_when and "birthday" in q.text.lower():
        # "When is Dev's birthday?": "It's Dev's 44th today" (a day) over "Dev turned 45"
        clauses = [c for c in CLAUSE.split(text) if coverage(q, c) > 0]
        return any(when_it_happened(c, _NOON) is not None for c in clauses)
    if _ASKS_JOB.search(q.text):
        # "What does Priya do?": a message that says what work she does, not any with her name
        return _TELLS_A_JOB.search(text) is not None
    if q.wh == "where" and re.search(r"\bfrom\s*\??\s*$", q.text):
        # "Where's Kai from?": a message that says where from
        return re.search(r"\bfrom\s+[\w-]", text, re.I) is not None
    return True


def gives_the_amount_asked(q: Question, text: str) -> bool:
    """Whether a text gives the time of day or the amount a question asks for (not just any
    words of it)."""
    if asks_clock(q):
        return CLOCK.search(text) is not None
    return q.wh in {"how many", "how much", "how long"} and short_span(q, text) is not None


def clock_answer(q: Question, sentence: str) -> str | None:
    """ "What time do I go to the gym?" wants a time of day, "What day of the week…" a day."""
    if asks_clock(q):
        times = list(CLOCK.finditer(sentence))
        return nearest_to_focus(q, sentence, times) if times else None
    if re.search(r"\bwhat day of the week\b|\bwhich day(?:s)?\b|\bwhat days\b", q.text, re.I):
        days = list(dict.fromkeys(m.group() for m in _WEEKDAY.finditer(sentence)))
        return " and ".join(days) if days else None
    return None


def wants_a_shape(q: Question) -> bool:
    """A question whose answer has a shape to recognise: a time of day, an amount, a make."""
    return asks_clock(q) or q.wh in {"how many", "how much", "how long"} or bool(kind_asked(q))
