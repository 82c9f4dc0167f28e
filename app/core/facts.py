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

from app.core.fact_places import ORG, commute, home, learn, work
from app.core.fact_services import care, member, provider, school, traded
from app.core.fact_words import (
    _BREED_RE,
    _CALENDAR,
    _COMMON,
    _END,
    _JOB_WORD,
    _MODIFIER,
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


class MessageReader:
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
        self.org = rf"({self.name})" if self.lowercase else ORG
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
        if attribute in _PERSON_SLOTS and value.split()[0].lower() in _CALENDAR:
            return  # "Tuesday I have the dentist, Wednesday evening is choir": a day, no one
        dated = _A_DATE.fullmatch(value) or _A_DATE.match(self.message[start : end + 6])
        if dated and not re.search(r"day|date|anniversary|due", attribute):
            return  # "meeting with rafael as my supervisor is jan 22": when, not who

        if subject != ME and subject.lower() in {"he", "she", "they", "it", "i", "we"}:
            return
        fact = Fact(subject, attribute, value, sentence, start, end)
        if all(f.key != fact.key for f in self.facts):
            self.facts.append(fact)
        if subject == ME and attribute in _PERSON_SLOTS:
            # "my sister Bia ... with her husband Duarte": Bia is whom a later "her" means
            self.known.add(value.lower())

    def person(self, word: str, sentence: str = "", at: int = 0) -> str | None:
        """A pronoun resolved to the last person named before it in this message."""
        if word.lower() not in {"he", "she", "they"}:
            return word
        if self.lowercase:
            here = self.offset + at
            named = [name for position, name in self.people if position < here]
            return named[-1] if named else None
        before = _people(names_in(sentence[:at]), sentence[:at])
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
        # "a seven-year-old chocolate Labrador. His vet is ...": a breed is no one's name
        names = [n for n in names if not re.fullmatch(rf"(?i:{_BREED_RE})", n)]
        names = _people(names, sentence)
        known = self.known_in(names)
        if known or names:
            self.last_person = (known or names)[-1]
            self.last_person_at = offset


_TITLE_CONTEXT = re.compile(
    r"\b(?:ward|wards|shift|hospital|nurses?|matron|church|pastor|parish|convent|fellowship)\b",
    re.I,
)


def _people(names: list[str], sentence: str) -> list[str]:
    """The names a later "she" or "his" may stand for: not a place ("she lives in Freiburg
    with her husband Jan", "met Gerard in Charlie Byrne's bookshop. He ...") nor a day
    ("Meera's 40th last Sat. her husband Callum")."""
    quoted = " ".join(re.findall(r"(?<!\w)['‘\"“]([^'’\"”]+)['’\"”](?!\w)", sentence))
    return [
        n
        for n in names
        if n != "I"
        and n.split()[0].lower().removesuffix("s") not in _CALENDAR  # "on Fridays"
        and n.split()[0].lower() not in _CALENDAR
        and not re.search(
            rf"\b(?:in|near|(?<!bumped\s)(?<!ran\s)into|around|at)\s+{re.escape(n)}\b", sentence
        )
        # "kept calling me 'little Kai'": a name in quotes is what someone said
        and not re.search(rf"\b{re.escape(n)}\b", quoted)
    ]


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


def _my_relation_name(r: MessageReader, s: str, o: int) -> None:
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
        rf"\b(?i:my|our)\s+{_MODIFIER}(?i:({_REL_RE}))(?:\s+(?i:here|there|now))?(?:,)?\s+(?:called\s+|named\s+)?({r.name})",
        s,
    ):
        r.add(ME, m[1], m[2], s, o + m.start(2))
    # "Jonas is my running partner", "Priya is my new boss"
    for m in re.finditer(
        rf"\b({r.name})(?:\s+is|'s|’s)\s+(?:(?:now|officially|also)\s+)*my\s+{_MODIFIER}(?i:({_REL_RE}))\b",
        s,
    ):
        r.add(ME, m[2], m[1], s, o + m.start(1))
    # "he lives in Omaha with his wife Priscilla": the pronoun's person
    for m in re.finditer(
        rf"\b(?i:with\s+)?(?i:his|her|their)\s+(?i:({_REL_RE})),?\s+"
        rf"(?:(?:Auntie|Aunty|Uncle|Dr\.?|Mr\.?|Mrs\.?|Ms\.?|Pastor)\s+)?({r.name})",
        s,
    ):
        who = r.person("he", s, m.start())
        if who and who != "I" and not re.search(r"(?:'s|’s)\s*$", s[: m.start()]):
            r.add(who, m[1], m[2], s, o + m.start(2))
    # Notes: "team lead = Priya Raman", "new dentist = Dr. Okafor", "Aylin = my best friend"
    for m in re.finditer(
        rf"(?:^|[.:;!?]\s+|\b(?i:note|also)\s*:\s*)(?i:my\s+|our\s+)?(?:[a-z]+\s+)?(?i:({_REL_RE}))\s*=\s*((?:(?:Dr|Mrs|Mr|Ms|Prof)\.?\s+)?{r.name})",
        s,
    ):
        r.add(ME, m[1], m[2], s, o + m.start(2))
    for m in re.finditer(rf"\b({r.name})\s*=\s*(?i:my|our)\s+{_MODIFIER}(?i:({_REL_RE}))\b", s):
        r.add(ME, m[2], m[1], s, o + m.start(1))
    # "also: cat is Knödel", "Dog is Biscuit": a note that names one
    for m in re.finditer(rf"(?:^\s*|\b(?i:note|also)\s*:\s*)((?i:{_REL_RE}))\s+is\s+({r.name})", s):
        if m[2].lower() not in _COMMON:
            r.add(ME, m[1].lower(), m[2], s, o + m.start(2))
    # "Callum turned 7 today!", "It's Dev's 44th today", "Dev turned 45, not what I said"
    for m in re.finditer(
        rf"\b({r.name})\s+(?:has\s+|just\s+)*turned\s+(\d{{1,3}})\b"
        rf"|\b(?i:it's|it’s|it\s+is)\s+({r.name})(?:'s|’s)\s+(\d{{1,3}})(?:st|nd|rd|th)\b",
        s,
    ):
        who, age = (m[1], m[2]) if m[1] else (m[3], m[4])
        relative = any(w.lower().strip("'’") in PERSON_RELATIONS for w in who.split())
        if who.lower() not in _COMMON and who not in {"I", "We"} and not relative:
            r.add(who, "age", age, s, o + (m.start(2) if m[1] else m.start(4)))
    # "Sister Katrin called": a relation said as a title, at the start of a sentence.
    for m in re.finditer(
        rf"^\s*(?i:(?:big|little|older|younger)\s+)?((?i:{_REL_RE}))\s+({r.name})", s
    ):
        titled = len(m[2].split()) > 1 or _TITLE_CONTEXT.search(r.message)
        if m[1].lower() in {"sister", "brother"} and titled:
            # "Sister Joanne Whitaker runs the ward", "Brother Kwesi led the prayers": a
            # nurse's or a church's title, not the user's sibling
            continue
        if m[1][0].isupper() or not r.lowercase:
            r.add(ME, m[1].lower(), m[2], s, o + m.start(2))
    # "Ruby's teacher is Ms. Kaur", "his vet is Dr. Anita Sharma"
    for m in re.finditer(
        rf"\b({r.possessor}|[Hh]is|[Hh]er|[Tt]heir)(?:'s|’s)?\s+(?:new\s+)?(?i:({_REL_RE}))\s+is\s+(?:now\s+)?({r.name})",
        s,
    ):
        owner = m[1].lower()
        who = r.person("he", s, m.start()) if owner in {"his", "her", "their"} else m[1]
        if owner in {"the", "our"}:
            who = ME  # "The flatmate is Dario": the user's own, said plainly
        if who and who != "I" and not m[1].lower().startswith("my"):
            r.add(who, m[2].lower(), m[3], s, o + m.start(3))
    # "referred me to an allergist, Dr. Pauline Marsh"
    for m in re.finditer(rf"\b(?i:an?|the)\s+(?i:({_REL_RE})),\s+({r.name})", s):
        r.add(ME, m[1].lower(), m[2], s, o + m.start(2))
    # "Inês and her partner Rui", "Tom's wife Ana"
    for m in re.finditer(
        rf"\b({r.possessor})(?:\s+and|'s|’s)\s+(?:his|her|their)?\s*(?i:({_REL_RE}))\s+({r.name})",
        s,
    ):
        r.add(m[1], m[2], m[3], s, o + m.start(3))


def _together(r: MessageReader, s: str, o: int) -> None:
    # "naomi and I are officially a thing", "I'm seeing Naomi", "started dating Naomi"
    learn(
        r,
        s,
        o,
        rf"\b({r.name})\s+and\s+I\s+(?:are|'re)\s+(?:now\s+|officially\s+)*(?:a\s+thing|together|dating|going\s+out|a\s+couple|engaged|married|official)\b",
        "partner",
    )
    learn(
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


def _my_x_is(r: MessageReader, s: str, o: int) -> None:
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


def _new_go_to(r: MessageReader, s: str, o: int) -> None:
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


def _changed_my_x(r: MessageReader, s: str, o: int) -> None:
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


# A lower-case name does not run on over a joining word: "my boyfriend idris and our cat
# pistache" leaves "our cat pistache" to be read too.
_LOWER_NAME = (
    r"[^\W\d_][\w'’\-]*(?:\s+(?!(?:and|or|with|my|our|but|so|the|a|an)\b)[^\W\d_][\w'’\-]*){0,2}"
)


_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
DATE = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+(?:{_MONTHS})|(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?)(?:,?\s+\d{{4}})?"


_DIETS = r"vegetarian|vegan|pescatarian|teetotal|gluten[- ]free|lactose intolerant|coeliac|celiac"


def _personal(r: MessageReader, s: str, o: int) -> None:
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


_A_DATE = re.compile(
    r"(?i)(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
)
_PERSON_SLOTS = frozenset(PERSON_RELATIONS) | {"manager", "partner", "mum", "dad", "flatmate"}
NAME_SLOTS = _PERSON_SLOTS | frozenset(PETS) | {"home city", "employer", "grew up in"}

_RULES = (
    _together,
    _my_relation_name,
    _my_x_is,
    _changed_my_x,
    _new_go_to,
    provider,
    traded,
    school,
    care,
    member,
    home,
    work,
    commute,
    _personal,
)


def read_facts(message: str, known_people: Iterable[str] = ()) -> list[Fact]:
    """Facts a speaker states about themselves (ME) or about people they name;
    `known_people` are names already known, which a lower-case message does not mark."""
    reader = MessageReader(message, known_people)
    for offset, sentence in _sentences(reader.message):
        reader.read(sentence, offset)
    return reader.facts
