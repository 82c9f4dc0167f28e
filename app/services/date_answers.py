"""Answers computed from the dates of remembered events: how long between two of them, how
long ago one was, which came first. Each event is found the way any answer is (its words in
one of the user's own messages); if either is missing, there is no answer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from app.core.answer_spans import best_sentence
from app.core.date_questions import Elapsed, WhichFirst, elapsed_in
from app.core.questions import Question, analyse
from app.core.time_expressions import day_it_happened
from app.services.recall import RecallHit

Find = Callable[[str], list[RecallHit]]
Choose = Callable[[Question, list[RecallHit]], RecallHit | None]


def _day(hit: RecallHit, q: Question, text: str) -> datetime | None:
    said_at = hit.sources[0].timestamp if hit.sources and hit.sources[0].timestamp else None
    if said_at is not None:
        named = day_it_happened(best_sentence(q, text), said_at)
        if named is not None:
            return named
    return hit.memory.event_time


def _event(
    words: str, find: Find, choose: Choose, said: Callable[[RecallHit], str], names: list[str]
) -> tuple[RecallHit, datetime] | None:
    q = analyse(words, names)
    hits = [h for h in find(words) if not h.memory.from_assistant]
    chosen = choose(q, hits)
    if chosen is None:
        return None
    day = _day(chosen, q, said(chosen))
    return (chosen, day) if day is not None else None


def _day_words(moment: datetime) -> str:
    return f"{moment:%-d %B %Y}"


def date_answer(
    asked: Elapsed | WhichFirst,
    question: str,
    now: datetime,
    find: Find,
    choose: Choose,
    said: Callable[[RecallHit], str],
    names: list[str],
) -> tuple[str, list[RecallHit]] | None:
    """The answer's text (citing [1] and [2]) and the memories it rests on, or None."""
    if isinstance(asked, WhichFirst):
        # The options are often bare ("Rachel or Alex"); the question's own words say what
        # event each one stands for ("Who became a parent first").
        stem = question.split(",")[0] if "," in question else question
        # An option that names its event ("the Dell XPS 13") is looked for by its own words;
        # a bare one ("Rachel") with the question's ("Who became a parent first").
        found = [
            _event(
                option if len(analyse(option, names).focus) >= 2 else f"{option} {stem}",
                find, choose, said, names,
            )
            for option in asked.options
        ]  # fmt: skip
        if any(f is None for f in found):
            return None
        (a, day_a), (b, day_b) = found  # type: ignore[misc]
        if a.memory.id == b.memory.id or day_a.date() == day_b.date():
            return None
        pairs = sorted(zip(asked.options, (a, b), (day_a, day_b), strict=True), key=lambda p: p[2])
        (first, _, first_day), (second, _, second_day) = pairs
        text = (
            f"{first[:1].upper()}{first[1:]}, on {_day_words(first_day)} [1]; "
            f"then {second}, on {_day_words(second_day)} [2]."
        )
        return text, [pairs[0][1], pairs[1][1]]
    earlier = _event(asked.earlier, find, choose, said, names)
    if earlier is None:
        return None
    hit_a, day_a = earlier
    if asked.later is None:
        amount, unit = elapsed_in(asked.unit, day_a, now)
        return f"{amount} {unit} ago: {_day_words(day_a)} [1].", [hit_a]
    later = _event(asked.later, find, choose, said, names)
    if later is None:
        return None
    hit_b, day_b = later
    if hit_a.memory.id == hit_b.memory.id:
        return None
    amount, unit = elapsed_in(asked.unit, day_a, day_b)
    if amount == 0 and not asked.unit:
        # "How long had I been using the rug when…" is not "0 days": the start was not found,
        # only another mention from the same day.
        return None
    return (
        f"{amount} {unit}: from {_day_words(min(day_a, day_b))} [1]"
        f" to {_day_words(max(day_a, day_b))} [2].",
        [hit_a, hit_b] if day_a <= day_b else [hit_b, hit_a],
    )
