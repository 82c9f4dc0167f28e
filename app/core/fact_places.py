"""Fact rules for where the user (or someone they name) lives, works and how they get to
work: home city, employer, job and commute, read from a message by patterns. Part of the fact
layer (app/core/facts.py, which runs these rules with the others). Pure functions of text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app.core.fact_words import _COMMON, _END, _JOB_WORD, _NAME_WORD, ME, NAME

if TYPE_CHECKING:
    from app.core.facts import MessageReader


def learn(r: MessageReader, s: str, o: int, pattern: str, attribute: str) -> None:
    """The user's fact in each match of `pattern`: its first group that matched is the
    value (a pattern of alternatives has one group each)."""
    for m in re.finditer(pattern, s):
        at = next(i for i in range(1, (m.lastindex or 1) + 1) if m[i] is not None)
        r.add(ME, attribute, m[at], s, o + m.start(at))


def _their_home(r: MessageReader, s: str, o: int, pattern: str) -> None:
    """Someone else's home in each match of `pattern`: who (a name or a pronoun), then where."""
    for m in re.finditer(pattern, s):
        who = r.person(m[1], s, m.start())
        if who and who != "I":
            r.add(who, "home city", m[2], s, o + m.start(2))


_LIVE = r"(?:live|living|'m living|am living|'re living|are living|moved|'ve moved|have moved|just moved|relocated|'ve relocated|settled)"


def home(r: MessageReader, s: str, o: int) -> None:
    learn(
        r,
        s,
        o,
        rf"\b(?:I|[Ww]e)(?:'ve|\s+have)?\s+(?:just\s+|finally\s+)?(?:found|bought|rented|got|signed\s+for)\s+(?:a|an|our|the)\s+(?:[\w-]+\s+){{0,3}}(?:flat|house|place|terrace|apartment|cottage|home|bungalow|condo)\s+(?:to\s+rent\s+)?in\s+({r.name})"
        # "the move is done!! New piso in Peckham"
        rf"|(?:^|[.!?]\s+)(?:(?:our|my)\s+)?(?i:new)\s+(?:flat|house|place|apartment|home|piso|pad)\s+in\s+({r.name})",
        "home city",
    )
    for m in re.finditer(
        rf"\b(?:I'?m\s+|I\s+am\s+|we'?re\s+)?(?:now\s+)?based\s+(?:in|out\s+of)\s+({r.name})", s
    ):
        if not re.search(r"\b(?:he|she|they|company|team|firm)\b[^.]*$", s[: m.start()], re.I):
            r.add(ME, "home city", m[1], s, o + m.start(1))
    if re.search(
        r"\b(?:I|[Ww]e)\b[^.!?]*\b(?:relocated|moved)\b|^(?:[Ww]e|I)?\s*(?:relocated|moved)\b",
        r.message,
    ):
        for m in re.finditer(rf"\bfrom\s+{r.name}\s+to\s+({r.name})", s):
            r.add(ME, "home city", m[1], s, o + m.start(1))
    _their_home(
        r,
        s,
        o,
        rf"\b({r.name}|[Hh]e|[Ss]he|[Tt]hey)(?:'s|’s|\s+is|\s+are)?\s+(?:[^.!?:;]*?\band\s+(?:is\s+|are\s+)?)?(?:now\s+)?moving\s+(?:back\s+)?to\s+({r.name})",
    )
    for m in re.finditer(
        rf"\b({r.name}|[Hh]e|[Ss]he|[Tt]hey|I)(?:'s|’s|'m|\s+is|\s+am|\s+are)\s+originally\s+from\s+({r.name})",
        s,
    ):
        who = ME if m[1] == "I" else r.person(m[1], s, m.start())
        if who:
            r.add(who, "grew up in", m[2], s, o + m.start(2))
    learn(
        r,
        s,
        o,
        rf"\b(?:I|[Ww]e)\s+(?:have\s+|'ve\s+|just\s+|finally\s+)?(?:moved|relocated)\s+(?:house\s+|home\s+)?from\s+{r.name}\s+to\s+({r.name})",
        "home city",
    )
    if not r.lowercase:
        # "We closed on the Westerville house", "moved into the Carlton place"
        learn(
            r,
            s,
            o,
            rf"\b(?:I|[Ww]e)\s+(?:have\s+|'ve\s+|just\s+|finally\s+)?(?:closed\s+on|bought|moved\s+into)\s+(?:the|our|a)\s+(?:new\s+)?({_NAME_WORD})\s+(?:house|place|condo|flat|apartment|home|townhouse)\b",
            "home city",
        )
    learn(
        r,
        s,
        o,
        rf"\b(?:I|[Ww]e)\s+(?:now\s+|just\s+|finally\s+|still\s+)?{_LIVE}\s+(?:back\s+|now\s+|officially\s+)*(?:in|to)\s+({r.name})",
        "home city",
    )
    for m in re.finditer(
        rf"\b({r.name}|[Hh]e|[Ss]he|[Tt]hey)(?:'s|’s)?\s+(?:now\s+|just\s+|still\s+|finally\s+)?(?:lives|moved|has moved|relocated|'s moved|is living)\s+(?:back\s+|up\s+|down\s+|over\s+|out\s+)?(?:in|to)\s+({r.name})",
        s,
    ):
        who = r.person(m[1], s, m.start())
        if who:
            r.add(who, "home city", m[2], s, o + m.start(2))
        # "Katrin, Jan and Mila moved to Hamburg": each of them
        listed = re.search(rf"((?:{r.name},\s+)*{r.name})\s+and\s+$", s[: m.start()])
        if listed and who and who != "I":
            for name in re.split(r",\s+", listed[1]):
                if name.lower() not in _COMMON:
                    r.add(name, "home city", m[2], s, o + m.start(2))
    # "my sister Bia (Beatriz, 28) is coming down from Porto next weekend", "My sister Laura
    # and her husband Pete drove over from Boise": people come over from where they live.
    # (Not "back from", which is a trip.)
    _their_home(
        r,
        s,
        o,
        rf"\b({r.name})\b(?:\s*\([^)]*\))?(?:\s+and\s+(?:his|her|their)\s+\w+\s+{r.name})?"
        rf"\s+(?:is\s+|are\s+|was\s+|were\s+)?(?:coming|came|drove|driving|flew|flying|"
        rf"popped|popping)\s+(?:down|over|up|in|across)\s+from\s+({r.name})",
    )
    # "He drives the number 38 bus for Arriva in London": a bus driver there
    for m in re.finditer(
        rf"\b({r.name}|[Hh]e|[Ss]he)\s+(?:now\s+|still\s+)?drives\s+(?:a|an|the)\s+(?:[\w-]+\s+){{0,3}}?"
        rf"(bus|taxi|cab|lorry|truck|train|tram|van|ambulance)(?:es|s)?\s+(?:for|with|at)\s+{r.org}",
        s,
    ):
        who = r.person(m[1], s, m.start())
        if who and who != "I":  # (the job is not said in so many words: the employer is)
            r.add(who, "employer", m[3], s, o + m.start(3))
    # "Efua had her first day yesterday as a teaching assistant at Crowcroft Park"
    for m in re.finditer(
        rf"\b({r.name}|[Hh]e|[Ss]he)\s+(?:had|has\s+had|started)\s+(?:his|her|their)\s+first\s+"
        rf"(?:day|week|shift)\s+(?:\w+\s+)?as\s+(?:a|an)\s+((?:[a-z]+\s+){{0,2}}?{_JOB_WORD})"
        rf"\s+(?:at|with|for)\s+{r.org}",
        s,
    ):
        who = r.person(m[1], s, m.start())
        if who and who != "I":
            r.add(who, "job", m[2], s, o + m.start(2))
            r.add(who, "employer", m[3], s, o + m.start(3))
    # "Tariq's gone to Toronto now": gone to live there, not for a visit
    _their_home(
        r,
        s,
        o,
        rf"\b({r.name}|[Hh]e|[Ss]he|[Tt]hey)(?:'s|’s|\s+has)\s+(?:now\s+)?gone\s+(?:out\s+|over\s+)?to\s+({r.name})\s+(?:now|for\s+good)\b",
    )
    for m in re.finditer(rf"\b({r.name}|[Hh]e|[Ss]he|[Tt]hey|I)\s+grew\s+up\s+in\s+({r.name})", s):
        who = ME if m[1] == "I" else r.person(m[1], s, m.start())
        if who:
            r.add(who, "grew up in", m[2], s, o + m.start(2))


ORG = rf"({NAME}(?:\s+(?:&|and)\s+{_NAME_WORD})?)"
LONG_ORG = rf"({NAME}(?:\s+(?:&|and|of|of the|for)\s+{_NAME_WORD}(?:\s+{_NAME_WORD})*)?)"


_STARTED_SOMETHING_ELSE = re.compile(
    r"\b(?:kids|children|son|daughter|he|she|they|course|class(?:es)?|lessons?|school|term|"
    r"semester|training|programm?e?)\s+(?:just\s+)?$",
    re.I,
)


def work(r: MessageReader, s: str, o: int) -> None:
    for m in re.finditer(
        rf"\b((?i:(?:(?:senior|junior|lead|principal|staff|head|chief|sous|pastry|trainee|assistant)\s+)?(?:[a-z]+\s+)?{_JOB_WORD}))\s+(?:at|for|with)\s+{r.org}",
        s,
    ):
        before = s[: m.start()]
        named = re.search(rf"\b({NAME})\s+(?:is|was)\s+(?:now\s+)?$", before)
        if not r.lowercase and named and named[1] not in {"I", "It", "This", "That", "There"}:
            # "Dario is pastry chef at Luca": his job, whatever else the message says of me
            r.add(named[1], "job", m[1], s, o + m.start(1))
            r.add(named[1], "employer", m[2], s, o + m.start(2))
            continue
        if re.search(
            r"\b(?:he|she|they|his|her|their)\b|(?:'s|\bmy|\bour|\bthe|\ba|\ban)\s*$", before, re.I
        ):
            continue
        if m[1].split()[0].lower() in {"my", "our", "the", "a", "an", "his", "her"}:
            continue
        # Only where the message says it is the user's own job ("I'm a ...", "got the offer").
        if re.search(
            r"\b(?:I'?m|I\s+am|I\s+work\s+as|offer(?:ed)?|got\s+the\s+job|new\s+(?:job|role))\b",
            r.message,
            re.I,
        ):
            r.add(ME, "job", m[1], s, o + m.start(1))
            r.add(ME, "employer", m[2], s, o + m.start(2))
    for m in re.finditer(
        # "Priya, I should explain, is a GP": an aside between commas may stand before "is"
        rf"\b({r.name}|[Hh]e|[Ss]he|[Tt]hey)(?:,\s+[^,]{{3,30}},)?(?:'s|’s|\s+is|\s+was|\s+has\s+been|'s\s+been|’s\s+been)\s+(?:now\s+|also\s+|still\s+)?(?:a|an|the)\s+((?:(?:[A-Z][a-z]+\s+){{1,2}}(?=[a-z]))?(?:[a-z]+\s+){{0,2}}?{_JOB_WORD}(?:\s+{_JOB_WORD})?)\b(?:\s+(?:at|for|with)\s+{r.org})?",
        s,
    ):
        who = r.person(m[1], s, m.start())
        if who and who != "I":
            r.add(who, "job", m[2], s, o + m.start(2))
            if m[3]:
                r.add(who, "employer", m[3], s, o + m.start(3))
    # "pieter finally got his licence as a harbour pilot", "Tom qualified as a vet"
    for m in re.finditer(
        rf"\b({r.name}|[Hh]e|[Ss]he)\s+(?:(?:finally|just|has|have|'s)\s+)*(?:got\s+(?:his|her|their)\s+(?:licen[cs]e|qualification|papers)\s+as|qualified\s+as|became)\s+(?:a|an)\s+((?:[a-z]+\s+)?{_JOB_WORD})\b"
        # "bec just got her paramedic registration"
        rf"|\b({r.name}|[Hh]e|[Ss]he)\s+(?:(?:finally|just|has|have|'s)\s+)*got\s+(?:his|her|their)\s+({_JOB_WORD})\s+(?:registration|licen[cs]e|qualification|certification|degree)\b",
        s,
    ):
        at = 2 if m[2] else 4
        who = r.person(m[at - 1], s, m.start())
        if who and who != "I":
            r.add(who, "job", m[at], s, o + m.start(at))
    # "he accepted a job with the Ohio Department of Transportation"
    for m in re.finditer(
        rf"\b({r.name}|[Hh]e|[Ss]he)\s+(?:just\s+|finally\s+|has\s+)?(?:accepted|got|took|landed|started)\s+(?:a|the|his|her)\s+(?:new\s+)?(?:job|position|role|offer)\s+(?:with|at)\s+(?:the\s+)?{LONG_ORG if not r.lowercase else r.org}",
        s,
    ):
        who = r.person(m[1], s, m.start())
        if who and who != "I":
            r.add(who, "employer", m[2], s, o + m.start(2))
    # "She's doing really well, still a vet nurse in York"
    for m in re.finditer(
        rf"\b([Hh]e|[Ss]he)(?:'s|’s|\s+is)\b[^.!?]*?\bstill\s+(?:a|an)\s+((?:[a-z]+\s+){{0,2}}{_JOB_WORD})\b",
        s,
    ):
        who = r.person(m[1], s, m.start())
        if who and who != "I":
            r.add(who, "job", m[2], s, o + m.start(2))
    for m in re.finditer(
        rf"\bto\s+be(?:come)?\s+(?:(?:a|an|the)\s+)?((?:[a-z]+\s+){{0,2}}?{_JOB_WORD})\b", s
    ):
        pronoun = re.search(r"\b(?:he|she|they)\b", s[: m.start()], re.I)
        # The person the pronoun stands for: named before the pronoun, not after it.
        who = r.person("he", s, pronoun.start()) if pronoun else None
        subject = re.match(rf"\s*({r.possessor})\b", s)
        who = who or (subject[1] if subject and subject[1].lower() not in _COMMON else None)
        if who and who != "I":
            r.add(who, "job", m[1], s, o + m.start(1))
    patterns = (
        rf"\bI\s+(?:now\s+|still\s+|currently\s+)?(?:work|am working|'m working|started working)\s+(?:at|for)\s+{r.org}",
        rf"\bstarted\s+(?:working\s+)?(?:at|for|with)\s+{r.org}",
        rf"\bI(?:'m|’m|\s+am)\s+now\s+(?:with|at|working\s+for)\s+{r.org}",
        rf"\b(?:new\s+)?(?:job|position|role|offer|contract)\s+(?:at|with|from)\s+{r.org}",
        rf"\b(?i:first)\s+(?:(?:night|day|early|late)\s+)?(?:day|week|shift)\s+(?:(?:at|with)\s+)?{r.org}",
        rf"\bI\s+(?:just\s+|have\s+|'ve\s+)?(?:joined|started at|am joining|'m joining)\s+{r.org}",
        # "GOT IT!!! start at St James's on Mon 1 Sept"
        rf"(?:^|[.!?]\s+|\bI\s+)(?i:start|starting)\s+at\s+{r.org}(?:'s|’s)?\s+(?:on|in|from|next)\b",
    )
    for pattern in patterns:
        for m in re.finditer(pattern, s):
            # "kai got a job at readings": his job, not the user's
            subject = re.search(
                rf"\b({r.name}|[Hh]e|[Ss]he|[Tt]hey|I|[Ww]e)\s+(?:\w+\s+)?(?:got|landed|accepted|took|has|was\s+offered|got\s+offered)\s+(?:a|an|the|his|her|their|my)\s+(?:[\w-]+\s+){{0,2}}$",
                s[: m.start()],
            )
            if subject and subject[1] not in {"I", "We", "we"}:
                who = r.person(subject[1], s, subject.start())
                if who and who != "I" and who.lower() not in _COMMON:
                    r.add(who, "employer", m[1], s, o + m.start(1))
                continue
            # "Kids started at Belmont Primary", "French course started at Alliance
            # Française": their school or a course, not the user's job
            if _STARTED_SOMETHING_ELSE.search(s[: m.start()]):
                continue
            # "Tom's first day at Roundhay School today": his workplace
            theirs = re.search(rf"\b({r.name})(?:'s|’s)\s+$", s[: m.start()])
            if theirs and theirs[1] not in {"I", "It", "That", "There"}:
                r.add(theirs[1], "employer", m[1], s, o + m.start(1))
                continue
            # "my last day ... before I joined X" is about leaving; a "leaving do" earlier in
            # a long sentence is not, so only the clause just before counts.
            clause = re.split(r"[–—()\-;:]", s[: m.start()])[-1]
            if re.search(r"\b(?:last day|left|quit|leaving)\b", clause, re.I):
                continue
            r.add(ME, "employer", m[1], s, o + m.start(1))
    # "in my previous role as a marketing specialist at a small startup": what the user did
    # before, kept apart from the job they have now.
    for m in re.finditer(
        r"\b(?:(?i:my)\s+(?:previous|former|old|last)\s+(?:role|job|position|career)\s+as"
        r"|I\s+used\s+to\s+work\s+as|I\s+(?:previously|formerly)\s+worked\s+as)\s+(?:a|an)\s+(.+?)"
        + r"(?=\s+(?:was|is|were|had|has|did)\b|"
        + _END[3:],
        s,
    ):
        r.add(ME, "past job", m[1], s, o + m.start(1))
    for m in re.finditer(
        r"\bI\s+(?:now\s+|still\s+|currently\s+)?work\s+(?:there\s+|here\s+)?as\s+(?:a|an)\s+(.+?)"
        + _END,
        s,
    ):
        r.add(ME, "job", m[1], s, o + m.start(1))
    for m in re.finditer(
        rf"\b({r.name}|[Hh]e|[Ss]he|[Tt]hey)\s+(?:now\s+|still\s+|currently\s+)?works?\s+as\s+(?:a|an)\s+(.+?)"
        + _END,
        s,
    ):
        who = r.person(m[1], s, m.start())
        if who and who not in {"I"}:
            r.add(who, "job", m[2], s, o + m.start(2))


_MODES = (
    r"(?:driv(?:e|ing)|cycl(?:e|ing)|bik(?:e|ing)|walk(?:ing)?|run(?:ning)?|"
    r"(?:tak(?:e|ing)|get(?:ting)?|catch(?:ing)?)\s+the\s+(?:bus|train|tube|metro|tram|ferry|subway)|"
    r"(?:by|on the)\s+(?:bus|train|tube|metro|tram|ferry|bike|car|subway|foot))"
)


def commute(r: MessageReader, s: str, o: int) -> None:
    if not re.search(r"\b(?:work|office|commute|commuting|station)\b", s, re.I):
        return
    switched = re.search(
        rf"\bswitched\s+from\s+{_MODES}\s+to\s+({_MODES}(?:\s+to\s+work)?)", s, re.I
    ) or re.search(
        r"\b(?:swapped|traded|switched|replaced|ditched)\s+(?:the|my)\s+[\w-]+\s+(?:for|to)\s+"
        r"((?:the|a)\s+(?:[\w-]+\s+)?(?:bus|train|ferry|tram|tube|metro|subway|line|bike|car|scooter))",
        s,
        re.I,
    )
    if switched:
        r.add(ME, "commute", switched[1], s, o + switched.start(1))
        return
    m = re.search(
        rf"\bI\s+(?:usually\s+|now\s+|always\s+|mostly\s+|still\s+)?({_MODES}(?:\s+to\s+(?:work|the office|the station)(?:\s+and\s+then\s+{_MODES})?)?)",
        s,
        re.I,
    )
    if m and re.search(r"\b(?:to work|to the office|commute|to the station)\b", s, re.I):
        r.add(ME, "commute", m[1], s, o + m.start(1))
    m = re.search(rf"\bI\s+commute\s+({_MODES}|by\s+\w+)", s, re.I)
    if m:
        r.add(ME, "commute", m[1], s, o + m.start(1))
    # "my commute is so much better. I ride my bike ... to the Tideline office"
    if re.search(r"\bcommut|\bto\s+(?:work|the\s+(?:[A-Z][\w-]+\s+)?office)\b", s, re.I) or (
        re.search(r"\bcommut", r.message, re.I) and re.search(r"\boffice\b", s, re.I)
    ):
        m = re.search(
            r"\bI\s+(?:usually\s+|now\s+|always\s+|mostly\s+)?((?:take|ride|catch|bike|cycle|walk|drive|get)\s+.+?)"
            + _END,
            s,
        )
        if m and not any(f.key == (ME, "commute") for f in r.facts):
            # "ride my bike along the river path to the Tideline office on Moorabool Street":
            # the way, as far as where it goes
            way = re.match(r".*?\b(?:office|work)\b", m[1]) if len(m[1]) > 80 else None
            r.add(ME, "commute", way[0] if way else m[1], s, o + m.start(1))
