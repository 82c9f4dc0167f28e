"""Questions answered by arithmetic on the dates of remembered events: "How many days passed
between the mass and the Ash Wednesday service?", "How many months ago did I book the
Airbnb?", "Which did I do first, X or Y?". Pure parsing and date arithmetic; finding each
event's memory is the selection's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

UNITS = ("days", "weeks", "months", "years")
_UNIT = r"(days?|weeks?|months?|years?)"
_PASSED = r"(?:had\s+|have\s+|has\s+)?(?:passed|elapsed|gone\s+by|been)"
_DAY_OF = r"(?:the\s+day\s+(?:when\s+|that\s+)?|when\s+|the\s+time\s+)?"


@dataclass(frozen=True)
class Elapsed:
    """How long from `earlier` to `later` (an event's words, or None for now)."""

    unit: str  # days, weeks, months, years, or "" to choose one that reads well
    earlier: str
    later: str | None


@dataclass(frozen=True)
class WhichFirst:
    """Which of two events happened first."""

    options: tuple[str, str]


def _clean(phrase: str) -> str:
    phrase = re.sub(r"^(?:the\s+day\s+|that\s+|when\s+)", "", phrase.strip(), flags=re.I)
    return phrase.strip(" ,?.!'\"")


def _unit(word: str) -> str:
    return word.lower().rstrip("s") + "s"


def parse_date_question(question: str) -> Elapsed | WhichFirst | None:
    q = " ".join(question.strip().split())
    patterns: list[tuple[str, str]] = [
        # "How many days had passed between A and B?"
        (rf"^how many {_UNIT} {_PASSED} between {_DAY_OF}(.+?) and {_DAY_OF}(.+?)\??$", "ab"),
        # "How many days had passed since A when B?"
        (rf"^how many {_UNIT} {_PASSED} since (.+?) when (.+?)\??$", "ab"),
        # "How many days ago did I A when I B?" (A before B)
        (rf"^how many {_UNIT} ago did (.+?) when (.+?)\??$", "ab"),
        # "How many days before A did I B?" (B happened first)
        (rf"^how many {_UNIT} before (.+?) did (.+?)\??$", "ba"),
        # "How many days after A did I B?"
        (rf"^how many {_UNIT} after (.+?) did (.+?)\??$", "ab"),
        # "How many days did it take for me to A after B?"
        (rf"^how many {_UNIT} did it take (?:for )?(?:me |us )?to (.+?) after (.+?)\??$", "ba"),
        # "How many weeks have I been A when I B?"
        (rf"^how many {_UNIT} (?:had|have) (?:i|we) been (.+?) when (.+?)\??$", "ab"),
        # "How many months have passed since A?"
        (rf"^how many {_UNIT} {_PASSED} since (.+?)\??$", "a"),
        # "How many weeks ago did I A?"
        (rf"^how many {_UNIT} ago did (.+?)\??$", "a"),
    ]
    # "How many days did it take for my backpack to arrive after I bought it?": "it" is the
    # backpack, and the arrival came second.
    m = re.match(
        rf"^how many {_UNIT} did it take (?:for )?((?:my|our|the) [\w' -]+?) to (.+?)"
        r" after (.+?)\??$",
        q,
        re.I,
    )
    if m:
        thing = m[2]
        earlier = re.sub(r"\b(?:it|them)\b", thing, m[4], flags=re.I)
        return Elapsed(_unit(m[1]), _clean(earlier), _clean(f"{thing} {m[3]}"))
    for pattern, order in patterns:
        m = re.match(pattern, q, re.I)
        if not m:
            continue
        unit = _unit(m[1])
        if order == "a":
            return Elapsed(unit, _clean(m[2]), None)
        first, second = _clean(m[2]), _clean(m[3])
        if order == "ba":
            first, second = second, first
        return Elapsed(unit, first, second)
    # "How long had I been using the rug when I rearranged the furniture?"
    m = re.match(r"^how long (?:had|have) (?:i|we) been (.+?) when (.+?)\??$", q, re.I)
    if m:
        return Elapsed("", _clean(m[1]), _clean(m[2]))
    m = re.match(r"^how long ago did (.+?)\??$", q, re.I)
    if m:
        return Elapsed("", _clean(m[1]), None)
    # "Who did I meet first, the woman selling jam or the tourist from Australia?"
    m = re.match(r"^(?:which|who|what)\b.*?\bfirst\s*[,:]\s*(.+?)\s+or\s+(.+?)\??$", q, re.I)
    if m:
        return WhichFirst((_clean(m[1]), _clean(m[2])))
    return None


def elapsed_in(unit: str, earlier: datetime, later: datetime) -> tuple[int, str]:
    """The whole number of `unit`s from one day to another (calendar days, not hours); with
    no unit, the one that reads best (days under two weeks, weeks under two months)."""
    days = abs((later.date() - earlier.date()).days)
    if not unit:
        unit = (
            "days" if days < 14 else "weeks" if days < 61 else "months" if days < 730 else "years"
        )
    if unit == "days":
        amount = days
    elif unit == "weeks":
        amount = round(days / 7)
    elif unit == "months":
        a, b = sorted((earlier, later))
        amount = (b.year - a.year) * 12 + b.month - a.month - (1 if b.day < a.day else 0)
        amount = max(amount, 0)
    else:
        amount = round(days / 365.25)
    word = unit if amount != 1 else unit[:-1]
    return amount, word
