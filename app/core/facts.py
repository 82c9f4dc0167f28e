"""The fact layer: first-person facts and how-tos read from a message by rules, no model.

A small language model extracts almost nothing reliably, yet "my new manager is Ana Lima" is
the sentence people most need remembered right. These rules turn such sentences into facts
with a subject, an attribute and a value taken verbatim from the source (a span, never
rewritten words), so a newer fact about the same subject and attribute can replace an older
one. Sequences of steps ("first ..., then ...", numbered lists, "here is how I ...") become
procedures with a goal and ordered steps (app/core/procedures.py). Pure functions of text: no
I/O, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from app.core.fact_words import (
    _BREED_RE,
    _COMMON,
    _END,
    _JOB_WORD,
    _MODIFIER,
    _NAME_WORD,
    _PET_RE,
    _REL_RE,
    ME,
    NAME,
    PERSON_RELATIONS,
    PETS,
    _namey,
    _sentences,
    _species,
    _value_at,
    canonical_attribute,
    lower_case_style,
    names_in,
)


@dataclass(frozen=True)
class Fact:
    """ "<subject>'s <attribute> is <value>", with where the value sits in the source."""

    subject: str  # ME, or a person's name as written
    attribute: str  # canonical, lower-case: "manager", "home city", "employer", "cat"
    value: str  # verbatim from the source
    sentence: str  # the source sentence it was read from
    start: int  # the value's character span in the source message
    end: int

    @property
    def key(self) -> tuple[str, str]:
        return self.subject.lower(), self.attribute

    @property
    def statement(self) -> str:
        """A short readable form, in the user's terms ("manager: Ana Lima")."""
        who = "" if self.subject == ME else f"{self.subject}'s "
        return f"{who}{self.attribute}: {self.value}"


class _Reader:
    """Reads one message: facts and procedures, with the last person named for pronouns."""

    def __init__(self, message: str, known_people: Iterable[str] = ()) -> None:
        # "i'm", "i live": the rules read a capital I; same length, so spans still map back.
        # "ELLA IS MOVING TO LONDON", "I'M ENGAGED": shouted words read as written in lower
        # case (same length, so spans still map back).
        message = re.sub(
            r"\b[A-Z][A-Z'’]+(?:\s+[A-Z][A-Z'’]*){2,}\b", lambda m: m.group().lower(), message
        )
        message = re.sub(r"\bi(?=\b|['’])", "I", message)
        self.message = message
        self.facts: list[Fact] = []
        self.last_person: str | None = None
        # Lower-case chat ("my boss is dana whitfield"): names are not capitalised, so a name
        # slot takes any words, cut at the first common word.
        self.lowercase = lower_case_style(message)
        self.name = _LOWER_NAME if self.lowercase else NAME
        self.org = rf"({self.name})" if self.lowercase else _ORG
        self.possessor = r"[^\W\d_][\w\-]*" if self.lowercase else NAME
        self.offset = 0  # of the sentence being read, in the message
        self.people: list[tuple[int, str]] = []  # people named so far, by position
        self.known = {p.lower() for p in known_people}
        # People the store already knows ("priscilla"), wherever this message names them, in
        # any case: "fen says hi. she's a midwife" in an otherwise capitalised message.
        self.known_at: list[tuple[int, str]] = sorted(
            (m.start(), person)
            for person in known_people
            for m in re.finditer(rf"\b{re.escape(person.lower())}\b", message.lower())
        )
        self.last_person_at = -1
        if self.lowercase:
            self.people.extend((at, message[at : at + len(p)]) for at, p in self.known_at)
            self.people.sort()

    def name_before(self, words: str) -> str:
        """The name that ends `words` ("with my friend Yasmin" -> "Yasmin"): in lower-case
        chat the last word, else the capitalised run at the end."""
        if self.lowercase:
            last = words.split()[-1] if words.split() else ""
            return last if _namey(last, 1) == last else ""
        run = re.search(rf"({NAME})\s*$", words)
        return run[1] if run else ""

    def known_in(self, names: list[str]) -> list[str]:
        """The known people among capitalised names ("Rang Immy" holds "Immy")."""
        found = []
        for name in names:
            words = name.split()
            for size in range(len(words), 0, -1):
                tail = " ".join(words[-size:])
                if tail.lower() in self.known:
                    found.append(tail)
                    break
        return found

    def add(self, subject: str, attribute: str, raw: str, sentence: str, offset: int) -> None:
        found = _value_at(self.message, offset, raw)
        if found is None:
            return
        value, start, end = found
        attribute = canonical_attribute(attribute)
        if self.lowercase:
            if attribute in NAME_SLOTS:
                value = _namey(value, 3 if attribute in {"employer", "home city"} else 2)
                end = start + len(value)
            if subject != ME:
                subject = _namey(subject, 2)
                if subject.lower() in {"he", "she", "they"}:
                    return
            if not value or not subject:
                return
            if attribute in _PERSON_SLOTS:
                self.people.append((start, value))
        if not attribute or attribute in {"name", "it", "this", "that"}:
            return
        if subject != ME and subject.lower() in {"he", "she", "they", "it", "i", "we"}:
            return
        fact = Fact(subject, attribute, value, sentence, start, end)
        if all(f.key != fact.key for f in self.facts):
            self.facts.append(fact)

    def person(self, word: str, sentence: str = "", at: int = 0) -> str | None:
        """A pronoun resolved to the last person named before it in this message."""
        if word.lower() not in {"he", "she", "they"}:
            return word
        if self.lowercase:
            here = self.offset + at
            named = [name for position, name in self.people if position < here]
            return named[-1] if named else None
        before = [n for n in names_in(sentence[:at]) if n != "I"]
        # People already known (a cousin named earlier) before any capitalised word ("Kent").
        known = self.known_in(before)
        before = known or before
        if before:
            return before[-1]
        here = self.offset + at
        mentioned = [(p, n) for p, n in self.known_at if p < here]
        if mentioned and mentioned[-1][0] > self.last_person_at:
            return mentioned[-1][1]
        return self.last_person

    def read(self, sentence: str, offset: int) -> None:
        # "i'm", "i live": the rules read a capital I; same length, so spans still map back.
        self.offset = offset
        if self.lowercase:
            # "her name is naomi", "my boss is marcus": people a later "she"/"he" refers to.
            for m in re.finditer(
                rf"\b(?:name\s+is|(?:girlfriend|boyfriend|wife|husband|partner|boss|manager|brother|sister|friend|roommate)\s+(?:is\s+)?)\s*({_LOWER_NAME})",
                sentence,
            ):
                name = _namey(m[1], 2)
                if name:
                    self.people.append((offset + m.start(1), name))
            self.people.sort()
        for rule in _RULES:
            rule(self, sentence, offset)
        names = [] if self.lowercase else names_in(sentence)
        known = self.known_in(names)
        if known or names:
            self.last_person = (known or names)[-1]
            self.last_person_at = offset


# "yasmin (my big sister)", "femke (bestie since nursing school)"
_ASIDE = re.compile(
    rf"\(\s*(?:(?i:my|our)\s+{_MODIFIER}(?i:({_REL_RE}))\b[^()]*"
    rf"|{_MODIFIER}(?i:({_REL_RE}))(?:\s+(?i:since|from)\b[^()]*)?)\)"
)
# "an actual tutor on zoom. her name is giulia"
_NAMED_LATER = re.compile(
    rf"\b(?i:my|our|a|an)\s+(?:[\w-]+\s+)?(?i:({_REL_RE}))\b[^.!?]{{0,40}}[.!?,]?\s+"
    rf"(?i:(?:her|his|their)\s+name(?:'s|’s|\s+is))\s+"
)


def _my_relation_name(r: _Reader, s: str, o: int) -> None:
    # "yasmin (my big sister) and her husband pieter": the aside names the relation of the
    # name before it, and is blanked (same length) so "yasmin ... and her husband pieter"
    # reads on.
    for m in _ASIDE.finditer(s):
        before = re.search(rf"\b({r.name})\s*$", s[: m.start()])
        if before:
            name = r.name_before(before[1])
            if name:
                r.add(ME, m[1] or m[2], name, s, o + before.end(1) - len(name))
    s = _ASIDE.sub(lambda m: " " * len(m.group()), s)
    for m in _NAMED_LATER.finditer(r.message):
        given = re.match(rf"({r.name})", r.message[m.end() :])
        if given and o <= m.end() < o + len(s):
            value = _namey(given[1], 2) if r.lowercase else given[1]
            if value:
                r.add(ME, m[1], value, r.message[m.start() : m.end() + len(value)], m.end())
    # "my cat's name is Luna", "our dog's called Rex"
    for m in re.finditer(
        rf"\b(?i:my|our)\s+{_MODIFIER}(?i:({_REL_RE}))(?:'s|’s)\s+(?:name\s+is|(?:is\s+)?called|named)\s+({r.name})",
        s,
    ):
        r.add(ME, m[1], m[2], s, o + m.start(2))
    # "my sister Inês", "our cat Pixel", "my running partner Jonas"
    for m in re.finditer(
        rf"\b(?i:my|our)\s+{_MODIFIER}(?i:({_REL_RE}))(?:,)?\s+(?:called\s+|named\s+)?({r.name})",
        s,
    ):
        r.add(ME, m[1], m[2], s, o + m.start(2))
    # "Jonas is my running partner", "Priya is my new boss"
    for m in re.finditer(
        rf"\b({r.name})(?:\s+is|'s|’s)\s+(?:now\s+)?my\s+{_MODIFIER}(?i:({_REL_RE}))\b", s
    ):
        r.add(ME, m[2], m[1], s, o + m.start(1))
    # "he lives in Omaha with his wife Priscilla": the pronoun's person
    for m in re.finditer(rf"\b(?i:with\s+)?(?i:his|her|their)\s+(?i:({_REL_RE}))\s+({r.name})", s):
        who = r.person("he", s, m.start())
        if who and who != "I" and not re.search(r"(?:'s|’s)\s*$", s[: m.start()]):
            r.add(who, m[1], m[2], s, o + m.start(2))
    # "Inês and her partner Rui", "Tom's wife Ana"
    for m in re.finditer(
        rf"\b({r.possessor})(?:\s+and|'s|’s)\s+(?:his|her|their)?\s*(?i:({_REL_RE}))\s+({r.name})",
        s,
    ):
        r.add(m[1], m[2], m[3], s, o + m.start(3))


def _learn(r: _Reader, s: str, o: int, pattern: str, attribute: str) -> None:
    """The user's fact in each match of `pattern`: its first group is the value."""
    for m in re.finditer(pattern, s):
        r.add(ME, attribute, m[1], s, o + m.start(1))


def _together(r: _Reader, s: str, o: int) -> None:
    # "naomi and I are officially a thing", "I'm seeing Naomi", "started dating Naomi"
    _learn(
        r,
        s,
        o,
        rf"\b({r.name})\s+and\s+I\s+(?:are|'re)\s+(?:now\s+|officially\s+)*(?:a\s+thing|together|dating|going\s+out|a\s+couple|engaged|married|official)\b",
        "partner",
    )
    _learn(
        r,
        s,
        o,
        rf"\bI(?:'m|\s+am|\s+started|\s+have\s+started|'ve\s+started)\s+(?:now\s+|officially\s+)?(?:dating|seeing|going\s+out\s+with)\s+({r.name})",
        "partner",
    )


# "my store is something I'm always working on", "my journey is inspiring others": a value
# that is a clause or a judgement says how the thing is, not what it is.
_JUDGEMENT = re.compile(
    r"\b(?:I|I'm|I've|I'd|you|you're|we|we're|they|they're|it's)\b"
    r"|^(?:something|anything|everything|nothing|key|crucial|important|great|good|amazing|"
    r"awesome|inspiring|thriving|booming|growing|doing|going|coming|getting|looking|"
    r"taking|making|starting|keeping|all|what|how|why|where|that|this|because|like)\b",
    re.I,
)


def _my_x_is(r: _Reader, s: str, o: int) -> None:
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
        r.add(ME, attribute, m[2], s, o + m.start(2))
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


def _new_go_to(r: _Reader, s: str, o: int) -> None:
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


def _changed_my_x(r: _Reader, s: str, o: int) -> None:
    # "I upped my weekly running goal to 30 km", "changed my number to ..."
    for m in re.finditer(
        r"\b(?:upped|raised|increased|changed|lowered|reduced|bumped|set|updated|cut|moved)\s+my\s+"
        r"((?:[a-zà-ÿ]+\s+){0,2}[a-zà-ÿ]+)\s+(?:up\s+|down\s+)?to\s+(.+?)" + _END,
        s,
        re.I,
    ):
        r.add(ME, m[1], m[2], s, o + m.start(2))
    # "got a new phone, an iPhone 15", "bought a new bike: a Brompton"
    for m in re.finditer(
        r"\b(?:got|bought|have|picked up|ordered)\s+(?:a|my)\s+new\s+([a-z]+(?:\s[a-z]+)?)\s*[,:\-–]\s*"
        r"(?:(?:a|an|the)\s+)?(.+?)" + _END,
        s,
        re.I,
    ):
        r.add(ME, m[1], m[2], s, o + m.start(2))


_LIVE = r"(?:live|living|'m living|am living|'re living|are living|moved|'ve moved|have moved|just moved|relocated|'ve relocated|settled)"


def _home(r: _Reader, s: str, o: int) -> None:
    _learn(
        r,
        s,
        o,
        rf"\b(?:I|[Ww]e)(?:'ve|\s+have)?\s+(?:just\s+|finally\s+)?(?:found|bought|rented|got|signed\s+for)\s+(?:a|an|our|the)\s+(?:[\w-]+\s+){{0,3}}(?:flat|house|place|terrace|apartment|cottage|home|bungalow|condo)\s+(?:to\s+rent\s+)?in\s+({r.name})",
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
    for m in re.finditer(
        rf"\b({r.name}|[Hh]e|[Ss]he|[Tt]hey)(?:'s|’s|\s+is|\s+are)?\s+(?:[^.!?:;]*?\band\s+(?:is\s+|are\s+)?)?(?:now\s+)?moving\s+(?:back\s+)?to\s+({r.name})",
        s,
    ):
        who = r.person(m[1], s, m.start())
        if who and who != "I":
            r.add(who, "home city", m[2], s, o + m.start(2))
    for m in re.finditer(
        rf"\b({r.name}|[Hh]e|[Ss]he|[Tt]hey|I)(?:'s|’s|'m|\s+is|\s+am|\s+are)\s+originally\s+from\s+({r.name})",
        s,
    ):
        who = ME if m[1] == "I" else r.person(m[1], s, m.start())
        if who:
            r.add(who, "grew up in", m[2], s, o + m.start(2))
    _learn(
        r,
        s,
        o,
        rf"\b(?:I|[Ww]e)\s+(?:have\s+|'ve\s+|just\s+|finally\s+)?(?:moved|relocated)\s+(?:house\s+|home\s+)?from\s+{r.name}\s+to\s+({r.name})",
        "home city",
    )
    if not r.lowercase:
        # "We closed on the Westerville house", "moved into the Carlton place"
        _learn(
            r,
            s,
            o,
            rf"\b(?:I|[Ww]e)\s+(?:have\s+|'ve\s+|just\s+|finally\s+)?(?:closed\s+on|bought|moved\s+into)\s+(?:the|our|a)\s+(?:new\s+)?({_NAME_WORD})\s+(?:house|place|condo|flat|apartment|home|townhouse)\b",
            "home city",
        )
    _learn(
        r,
        s,
        o,
        rf"\b(?:I|[Ww]e)\s+(?:now\s+|just\s+|finally\s+|still\s+)?{_LIVE}\s+(?:back\s+)?(?:in|to)\s+({r.name})",
        "home city",
    )
    for m in re.finditer(
        rf"\b({r.name}|[Hh]e|[Ss]he|[Tt]hey)(?:'s|’s)?\s+(?:now\s+|just\s+|still\s+|finally\s+)?(?:lives|moved|has moved|relocated|'s moved|is living)\s+(?:back\s+|up\s+|down\s+|over\s+|out\s+)?(?:in|to)\s+({r.name})",
        s,
    ):
        who = r.person(m[1], s, m.start())
        if who:
            r.add(who, "home city", m[2], s, o + m.start(2))
    for m in re.finditer(rf"\b({r.name}|[Hh]e|[Ss]he|[Tt]hey|I)\s+grew\s+up\s+in\s+({r.name})", s):
        who = ME if m[1] == "I" else r.person(m[1], s, m.start())
        if who:
            r.add(who, "grew up in", m[2], s, o + m.start(2))


_ORG = rf"({NAME}(?:\s+(?:&|and)\s+{_NAME_WORD})?)"
_LONG_ORG = rf"({NAME}(?:\s+(?:&|and|of|of the|for)\s+{_NAME_WORD}(?:\s+{_NAME_WORD})*)?)"
# A lower-case name does not run on over a joining word: "my boyfriend idris and our cat
# pistache" leaves "our cat pistache" to be read too.
_LOWER_NAME = (
    r"[^\W\d_][\w'’\-]*(?:\s+(?!(?:and|or|with|my|our|but|so|the|a|an)\b)[^\W\d_][\w'’\-]*){0,2}"
)
# Words that follow "my boss is" or "my sister" in lower-case chat but are no name.


def _work(r: _Reader, s: str, o: int) -> None:
    for m in re.finditer(
        rf"\b((?i:(?:(?:senior|junior|lead|principal|staff|head|chief|sous|pastry|trainee|assistant)\s+)?(?:[a-z]+\s+)?{_JOB_WORD}))\s+(?:at|for|with)\s+{r.org}",
        s,
    ):
        before = s[: m.start()]
        if re.search(
            r"\b(?:he|she|they|his|her|their)\b|(?:'s|\bmy|\bour|\bthe|\ba|\ban)\s*$", before, re.I
        ):
            continue
        if m[1].split()[0].lower() in {"my", "our", "the", "a", "an", "his", "her"}:
            continue
        # Only where the message says it is the user's own job ("I'm a ...", "got the offer").
        if re.search(
            r"\b(?:I'?m|I\s+am|I\s+work\s+as|offer|got\s+the\s+job|new\s+(?:job|role))\b",
            r.message,
            re.I,
        ):
            r.add(ME, "job", m[1], s, o + m.start(1))
            r.add(ME, "employer", m[2], s, o + m.start(2))
    for m in re.finditer(
        rf"\b({r.name}|[Hh]e|[Ss]he|[Tt]hey)(?:'s|’s|\s+is|\s+was|\s+has\s+been|'s\s+been|’s\s+been)\s+(?:now\s+|also\s+|still\s+)?(?:a|an)\s+((?:[a-z]+\s+){{0,2}}?{_JOB_WORD})\b(?:\s+(?:at|for|with)\s+{r.org})?",
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
        rf"\b({r.name}|[Hh]e|[Ss]he)\s+(?:just\s+|finally\s+|has\s+)?(?:accepted|got|took|landed|started)\s+(?:a|the|his|her)\s+(?:new\s+)?(?:job|position|role|offer)\s+(?:with|at)\s+(?:the\s+)?{_LONG_ORG if not r.lowercase else r.org}",
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
        rf"\b(?i:first)\s+(?:day|week)\s+(?:at|with)\s+{r.org}",
        rf"\bI\s+(?:just\s+|have\s+|'ve\s+)?(?:joined|started at|am joining|'m joining)\s+{r.org}",
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
            # "my last day ... before I joined X" is about leaving; a "leaving do" earlier in
            # a long sentence is not, so only the clause just before counts.
            clause = re.split(r"[–—()\-;:]", s[: m.start()])[-1]
            if re.search(r"\b(?:last day|left|quit|leaving)\b", clause, re.I):
                continue
            r.add(ME, "employer", m[1], s, o + m.start(1))
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


def _commute(r: _Reader, s: str, o: int) -> None:
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
    if re.search(r"\bcommut|\bto\s+(?:work|the\s+office)\b", s, re.I):
        m = re.search(
            r"\bI\s+(?:usually\s+|now\s+|always\s+|mostly\s+)?((?:take|ride|catch|bike|cycle|walk|drive|get)\s+.+?)"
            + _END,
            s,
        )
        if m and not any(f.key == (ME, "commute") for f in r.facts):
            r.add(ME, "commute", m[1], s, o + m.start(1))


_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
DATE = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+(?:{_MONTHS})|(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?)(?:,?\s+\d{{4}})?"


_DIETS = r"vegetarian|vegan|pescatarian|teetotal|gluten[- ]free|lactose intolerant|coeliac|celiac"


def _personal(r: _Reader, s: str, o: int) -> None:
    for m in re.finditer(
        r"\bI(?:'m|’m| am)\s+(?:very\s+|severely\s+|really\s+|mildly\s+)?allergic\s+to\s+(.+?)"
        + _END,
        s,
    ):
        r.add(ME, "allergy", m[1], s, o + m.start(1))
    for m in re.finditer(r"\bI\s+have\s+(?:a|an)\s+([a-z]+(?:\s[a-z]+)?)\s+allergy\b", s, re.I):
        r.add(ME, "allergy", m[1], s, o + m.start(1))
    for m in re.finditer(
        rf"\bI(?:'m|’m| am|'ve gone|’ve gone| have gone| went| turned|'ve become| became)\s+(?:now\s+|still\s+|fully\s+)?(?:a\s+)?({_DIETS})\b"
        # "Started eating fish again, so pescatarian now I guess"
        rf"|(?:^|[,;–-]\s*)(?:so\s+)?(?:I'm\s+|I’m\s+)?(?:a\s+)?({_DIETS})\s+now\b"
        # "been vegetarian since i was 19"
        rf"|(?:^|\bI(?:'ve|’ve| have)\s+|[,;–-]\s*)been\s+(?:a\s+)?({_DIETS})\s+(?:since|for)\b",
        s,
        re.I,
    ):
        group = next(i for i in (1, 2, 3) if m[i])
        r.add(ME, "diet", m[group], s, o + m.start(group))
    for m in re.finditer(
        rf"\b({r.possessor}|[Mm]y|[Hh]is|[Hh]er)(?:'s|’s)?\s+(?i:birthday|bday|b-day)\s+(?:is|was|'s)\s+(?:on\s+)?(?:(?i:yesterday|today|tomorrow),?\s+)?((?i:{DATE}))",
        s,
    ):
        who = {"my": ME, "his": r.last_person, "her": r.last_person}.get(m[1].lower(), m[1])
        if who:
            r.add(who, "birthday", m[2], s, o + m.start(2))
    # "our team uses Airflow for orchestration", "at Helio the team uses Dagster"
    for m in re.finditer(
        rf"\b(?i:our|my|the)\s+(team|company|office|department|squad)\s+(?:now\s+)?(?:uses|is using|switched to|moved to|runs on)\s+({r.name})(?:\s+for\s+([a-z]+))?",
        s,
    ):
        attribute = f"{m[1]} tool" + (f" for {m[3]}" if m[3] else "")
        r.add(ME, attribute, m[2], s, o + m.start(2))


_PERSON_SLOTS = frozenset(PERSON_RELATIONS) | {"manager", "partner", "mum", "dad", "flatmate"}
NAME_SLOTS = _PERSON_SLOTS | frozenset(PETS) | {"home city", "employer", "grew up in"}

_RULES = (
    _together,
    _my_relation_name,
    _my_x_is,
    _changed_my_x,
    _new_go_to,
    _home,
    _work,
    _commute,
    _personal,
)


def read_facts(message: str, known_people: Iterable[str] = ()) -> list[Fact]:
    """Facts a speaker states about themselves (ME) or about people they name;
    `known_people` are names already known, which a lower-case message does not mark."""
    reader = _Reader(message, known_people)
    for offset, sentence in _sentences(reader.message):
        reader.read(sentence, offset)
    return reader.facts
