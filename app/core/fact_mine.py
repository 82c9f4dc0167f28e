"""Fact rules for what the user calls theirs: "my manager at Helio is Grace", "my blood type
is O negative", "new go-to coffee: iced long black", "upped my running goal to 30 km", and
"my mum is a nurse" (her job, not her name). Part of the fact layer (app/core/facts.py, which
runs these rules with the others). Pure functions of text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app.core.fact_words import (
    _BREED_RE,
    _END,
    _JOB_WORD,
    _PET_RE,
    ME,
    NAME,
    _species,
    canonical_attribute,
)
from app.core.fact_words import (
    PERSON_SLOTS as _PERSON_SLOTS,
)

if TYPE_CHECKING:
    from app.core.facts import MessageReader


# "my store is something I'm always working on", "my journey is inspiring others": a value
# that is a clause or a judgement says how the thing is, not what it is.
_JUDGEMENT = re.compile(
    r"\b(?:I|I'm|I've|I'd|you|you're|we|we're|they|they're|it's)\b"
    r"|^(?:something|anything|everything|nothing|key|crucial|important|great|good|amazing|"
    r"awesome|inspiring|thriving|booming|growing|doing|going|coming|getting|looking|"
    r"taking|making|starting|keeping|all|what|how|why|where|that|this|because|like)\b",
    re.I,
)


def my_x_is(r: MessageReader, s: str, o: int) -> None:
    # "my manager there is Priya Raman", "my favourite coffee is now a cortado",
    # "my manager at Helio is Grace", "my blood type is O negative"
    pattern = (
        r"\bmy\s+((?:new\s+|current\s+)?(?:[a-zà-ÿ\-]+\s+){0,2}?[a-zà-ÿ\-]+)"
        r"(?:\s+(?:there|here|at\s+" + NAME + r"|in\s+" + NAME + r"))?"
        r"\s+(?:is|are|'s|’s)\s+(?:now\s+|still\s+|currently\s+)?(?!not\b|a bit\b|so\b|very\b|really\b|too\b|going\b|getting\b|being\b|over\b|done\b|finished\b|broken\b|in\s+the\b)"
        r"(.+?)" + _END
    )
    for m in re.finditer(pattern, s, re.I):
        attribute = m[1]
        if attribute.lower().split()[-1] in {
            "name",
            "day",
            "life",
            "plan",
            "guess",
            "point",
            "problem",
            "question",
            "idea",
            "bad",
            "turn",
            "treat",
            "fault",
            "pleasure",
        }:
            continue
        if _JUDGEMENT.search(m[2]):
            continue
        value, at = m[2], m.start(2)
        kin = canonical_attribute(attribute)
        titled = re.match(rf"\s*,\s+({NAME})", s[m.end(2) :])
        if kin in _PERSON_SLOTS and re.match(r"(?i)(?:a|an)\s", value) and not titled:
            # "my mum is a nurse at St James": what she does, not who she is
            job = re.match(rf"(?i)(?:a|an)\s+((?:[a-z]+\s+){{0,2}}?{_JOB_WORD})\b", value)
            if job:
                r.add(kin, "job", job[1], s, o + at + job.start(1))
            continue
        # "My new manager is the CFO, Priya Raman.": the person, not their title
        if titled and attribute.split()[-1].lower() in _PERSON_SLOTS:
            value, at = titled[1], m.end(2) + titled.start(1)
        r.add(ME, attribute, value, s, o + at)
    # "my go-to drink has changed, I'm on matcha lattes now"
    for m in re.finditer(
        r"\bmy\s+((?:[a-zà-ÿ\-]+\s+){0,2}?[a-zà-ÿ\-]+)\s+(?:has|have)\s+changed\b[\s,.;:!\-–]*"
        r"(?:it'?s\s+now\s+|now\s+it'?s\s+|I'?m\s+(?:on|into)\s+|I\s+(?:drink|use|have)\s+)(.+?)"
        + _END,
        s,
        re.I,
    ):
        r.add(ME, m[1], m[2], s, o + m.start(2))
    # "bouldering goal for this year: send a V5", later "new goal: V6 by next summer"
    for m in re.finditer(
        r"\b(?:my\s+)?(?:([a-zà-ÿ\-]+)\s+)?goal(?:\s+for\s+(?:this|the|next)\s+year)?\s*[:\-–]\s*(.+?)"
        + _END,
        s,
        re.I,
    ):
        topic = (
            m[1]
            if m[1] and m[1].lower() not in {"new", "my", "the", "a", "so", "main", "big"}
            else None
        )
        topic = topic or next(iter(re.findall(r"\b([a-z]+ing)\b", r.message.lower())), None)
        r.add(ME, f"{topic} goal" if topic else "goal", m[2], s, o + m.start(2))
    # "a little indie band called the Static Pines", "we're called Low Orbit"
    for m in re.finditer(rf"\bband\s+(?:called|named)\s+((?i:the\s+)?{r.name})", s):
        r.add(ME, "band", m[1], s, o + m.start(1))
    if re.search(r"\bband\b", r.message, re.I):
        for m in re.finditer(rf"\b(?i:we're|we are|we’re)\s+(?i:called|named)\s+({r.name})", s):
            r.add(ME, "band", m[1], s, o + m.start(1))
    # "biscuit, 2 yr old beagle mix": a pet named by its age and breed
    for m in re.finditer(
        rf"\b({r.name}),\s+(?:a\s+)?\d+\s*(?:yr|year|yo|month)s?[\s-]*(?:old\s+)?((?i:{_BREED_RE}|{_PET_RE}))\b",
        s,
    ):
        r.add(ME, _species(m[2]), m[1], s, o + m.start(1))
    # "our cat pistache (grey british shorthair, 9 yrs old)": its breed
    for m in re.finditer(rf"\b(?i:my|our)\s+(?i:{_PET_RE})\s+({r.name})\s*\(([^()]*)\)", s):
        breed = re.search(
            rf"\b((?:(?i:british|american|exotic|scottish|norwegian|german|golden|border|cocker|"
            rf"springer|jack)\s+)?(?i:{_BREED_RE}))\b",
            m[2],
        )
        if breed:
            r.add(m[1], "breed", breed[1], s, o + m.start(2) + breed.start(1))
    # "also: cat is Knödel, grey British Shorthair, 6 years": the breed said after the name
    for m in re.finditer(
        rf"\b(?i:my|our|the)?\s*(?i:{_PET_RE})\s+(?:is\s+|called\s+|named\s+)?({r.name}),\s+"
        rf"(?:a\s+)?(?:[a-z]+\s+){{0,2}}?((?:(?i:british|american|exotic|scottish|norwegian|german|"
        rf"golden|border|cocker|springer|jack)\s+)?(?i:{_BREED_RE}))\b",
        s,
    ):
        r.add(m[1], "breed", m[2], s, o + m.start(2))
    # "her name is Pixel" after "we adopted a cat": the pet's name
    pet = re.search(rf"\b({_PET_RE})\b", s, re.I) or re.search(rf"\b({_PET_RE})\b", r.message, re.I)
    for m in re.finditer(rf"\b(?i:her|his|its|their)\s+name\s+is\s+({r.name})", s):
        if pet:
            r.add(ME, pet[1], m[1], s, o + m.start(1))
    for m in re.finditer(
        rf"\b(?i:a|an|our|my)\s+(?:new\s+)?(?i:({_PET_RE}|{_BREED_RE}))\s+(?:called|named)\s+({r.name})",
        s,
    ):
        owner = re.search(
            rf"\b({r.possessor}|[Hh]e|[Ss]he|[Tt]hey)(?:'s|’s)?\s+(?:[^.!?]*?\band\s+)?(?:has|have|got)\s+$",
            s[: m.start()],
        )
        who = r.person(owner[1], s, m.start()) if owner else ME
        if who:
            r.add(who, _species(m[1]), m[2], s, o + m.start(2))


def new_go_to(r: MessageReader, s: str, o: int) -> None:
    # "new go-to coffee: iced long black", "my usual order is a flat white"
    for m in re.finditer(
        r"\b(?:(?:new|current)\s+(go-to|usual|regular|favourite|favorite)|my\s+(?:new\s+)?"
        r"(go-to|usual|regular))\s+([a-z]+(?:\s[a-z]+)?)"
        r"\s*(?::|=|–|-|\s+is)\s*(?:now\s+)?(?:an?\s+)?(.+?)" + _END,
        s,
        re.I,
    ):
        # "New favourite cafe: Pollen" is the favourite cafe, as "my favourite cafe is" reads
        favourite = (m[1] or "").lower() in {"favourite", "favorite"}
        r.add(ME, f"favourite {m[3]}" if favourite else m[3], m[4], s, o + m.start(4))
    # "first week at jb done. manager is dev": the user's, after their own news
    for m in re.finditer(
        rf"(?:^|[.!?,;]\s*)(?i:(?:new|the)\s+)?(?i:(manager|boss|supervisor|team lead))\s+(?:is|'s)\s+({r.name})",
        s,
    ):
        r.add(ME, m[1], m[2], s, o + m.start(2))


def changed_my_x(r: MessageReader, s: str, o: int) -> None:
    # "I upped my weekly running goal to 30 km", "changed my number to ..."
    for m in re.finditer(
        r"\b(?:upped|raised|increased|changed|lowered|reduced|bumped|set|updated|cut|moved|switched)\s+my\s+"
        # "moved my mobile from Vodafone to giffgaff": the mobile, whatever it was before
        r"((?:[a-zà-ÿ]+\s+){0,2}?[a-zà-ÿ]+)\s+(?:up\s+|down\s+)?(?:from\s+(?:[\w'&-]+\s+){1,3}?)?to\s+(.+?)"
        + _END,
        s,
        re.I,
    ):
        r.add(ME, "mobile network" if m[1].lower() == "mobile" else m[1], m[2], s, o + m.start(2))
    # "got a new phone, an iPhone 15", "bought a new bike: a Brompton"
    for m in re.finditer(
        r"\b(?:got|bought|have|picked up|ordered)\s+(?:a|my)\s+new\s+([a-z]+(?:\s[a-z]+)?)\s*[,:\-–]\s*"
        r"(?:(?:a|an|the)\s+)?(.+?)" + _END,
        s,
        re.I,
    ):
        r.add(ME, m[1], m[2], s, o + m.start(2))
