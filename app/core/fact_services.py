"""Fact rules for what the user has and uses: who provides the broadband, the mobile network
or the bank; medication and the GP; the clubs they belong to; the car they traded for; where
the children go to school. Part of the fact layer (app/core/facts.py, which runs these rules
with the others). Pure functions of text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app.core.fact_words import _COMMON, ME, NAME, canonical_attribute

if TYPE_CHECKING:
    from app.core.facts import MessageReader


_SERVICES = (
    r"broadband|internet|wifi|energy|gas|electricity|mobile|phone|bank|insurance|mortgage|pension"
)


def provider(r: MessageReader, s: str, o: int) -> None:
    """Who provides a service: "we've gone with Airband for the broadband", "Phone: we are
    with Freedom Mobile", "phone switch done: we are now at Fizz"."""
    for m in re.finditer(
        rf"\b(?:gone|going|went|signed\s+up|switched|moved)\s+(?:with|to)\s+({r.name})\s+for\s+"
        rf"(?:the\s+|our\s+|my\s+)?({_SERVICES})\b",
        s,
        re.I,
    ):
        r.add(ME, _service(m[2]), m[1], s, o + m.start(1))
    for m in re.finditer(
        rf"\b({_SERVICES})\b[^.!?]{{0,25}}?:\s*(?:we|I)(?:'re|'m|\s+are|\s+am)\s+(?:now\s+)?"
        rf"(?:with|at|on)\s+({r.name})",
        s,
        re.I,
    ):
        r.add(ME, _service(m[1]), m[2], s, o + m.start(2))


_TRADED_FOR = re.compile(
    r"\b(?:part[- ]exchanged|traded(?:\s+in)?|swapped|px'd)\b[^.!?]{0,80}?\bfor\s+(?:a|an|the)\s+"
    r"(?:(?:new|used|second-?hand|brand\s+new|\d{4}|white|black|silver|grey|gray|red|blue)\s+)*"
    r"((?:[a-z]-)?[A-Z][\w-]*(?:\s+[A-Z0-9][\w-]*){0,2})"
)
_CAR_TALK = re.compile(
    r"\b(?:car|drive|driving|miles|mileage|garage|dealer|clutch|MOT|electric)\b", re.I
)


def traded(r: MessageReader, s: str, o: int) -> None:
    """A car traded for another: "part exchanged it at the Kia place for a 2021 e-Niro"."""
    if not _CAR_TALK.search(r.message):
        return
    for m in _TRADED_FOR.finditer(s):
        r.add(ME, "car", m[1], s, o + m.start(1))


_SCHOOL = r"(?:Primary|School|High|College|Academy|Kindergarten|Preschool|Nursery|Montessori|Elementary|Middle)"


def school(r: MessageReader, s: str, o: int) -> None:
    """Where children go to school: "Kids started at Belmont Primary today", "Ruby starts at
    St Mary's School on Monday"."""
    for m in re.finditer(
        rf"\b((?i:the\s+)?(?i:kids|children|boys|girls)|{NAME})\s+(?:both\s+|have\s+|just\s+)*"
        rf"(?:started|start|starts|go|goes|going|moved)\s+(?:at|to)\s+({NAME}(?:'s|’s)?\s+{_SCHOOL}|{NAME}(?=\s+(?i:school)))",
        s,
    ):
        who = re.sub(r"(?i)^the\s+", "", m[1])
        group = who.lower() in {"kids", "children", "boys", "girls"}
        if group or who.lower() not in _COMMON:
            r.add(who.lower() if group else who, "school", m[2], s, o + m.start(2))


def _service(word: str) -> str:
    """The provider's attribute: a mobile's network is not the phone itself ("Pixel 8")."""
    word = word.lower()
    return "mobile network" if word in {"mobile", "phone"} else canonical_attribute(word)


_DOSE = r"(?:\s+\d+(?:\.\d+)?\s*(?:mg|mcg|µg|ml|g)\b)?"


def care(r: MessageReader, s: str, o: int) -> None:
    """Medication and the doctor: "he's put me on losartan 50mg instead", "I'm now on
    sertraline 50mg", "registered at the new surgery ... saw Dr Okonkwo"."""
    for m in re.finditer(
        rf"\b(?:put|putting|switched|switching|moved|started|starting|changed)\s+me\s+(?:on(?:to)?|over\s+onto)\s+"
        rf"(?:the\s+)?([a-z][a-z-]{{3,}}{_DOSE})",
        s,
        re.I,
    ):
        # "bram put me on early shifts": only where the message is about medicine
        medical = re.search(
            r"\b(?:mg|tablets?|pills?|dose|prescri\w*|GP|Dr|doctor|meds|medication|blood)\b",
            s,
            re.I,
        )
        if medical and m[1].split()[0].lower() not in _COMMON:
            r.add(ME, "medication", m[1], s, o + m.start(1))
    for m in re.finditer(
        r"\bI(?:'m|’m|\s+am)\s+(?:now\s+)?on\s+([a-z][a-z-]{3,}\s*\d+(?:\.\d+)?\s*mg)\b", s, re.I
    ):
        r.add(ME, "medication", m[1], s, o + m.start(1))
    if re.search(r"\bnew\s+(?:GP|surgery|practice|doctor|doctor's)\b", s, re.I):
        for m in re.finditer(r"\b(?:saw|seen|see|with|is)\s+((?:Dr|Doctor)\.?\s+[A-Z][\w'-]+)", s):
            r.add(ME, "gp", m[1], s, o + m.start(1))


def member(r: MessageReader, s: str, o: int) -> None:
    """A club the user belongs to: "first rehearsal with the Ludlow Community Choir",
    "joined the Hillside Running Club"."""
    for m in re.finditer(
        rf"\b(?i:joined|first\s+(?:rehearsal|practice|session|meeting|game|match)\s+(?:with|at)|"
        rf"signed\s+up\s+(?:to|with|for)|member\s+of|(?:I|we)\s+sing\s+(?:in|with))\s+"
        rf"(?:the\s+)?({r.name}\s+(?i:(choir|club|society|band|orchestra|team|group|league|crew)))\b",
        s,
    ):
        if m[1].split()[0].lower() not in _COMMON:  # "joined a new band"
            r.add(ME, m[2].lower(), m[1], s, o + m.start(1))
