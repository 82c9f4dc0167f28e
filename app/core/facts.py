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

from app.core.fact_mine import changed_my_x, my_x_is, new_go_to
from app.core.fact_places import ORG, commute, home, learn, work
from app.core.fact_services import care, member, provider, school, traded
from app.core.fact_words import (
    _BREED_RE,
    _CALENDAR,
    _COMMON,
    _END,
    _MODIFIER,
    _REL_RE,
    ME,
    NAME,
    PERSON_RELATIONS,
    PETS,
    _namey,
    _sentences,
    _value_at,
    canonical_attribute,
    lower_case_style,
    names_in,
)
from app.core.fact_words import (
    PERSON_SLOTS as _PERSON_SLOTS,
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
    # "Priya comes in at 4 to taste the menu — she's the boss now": whom the pronoun means
    for m in re.finditer(
        r"\b([Hh]e|[Ss]he)(?:'s|’s|\s+is)\s+(?:now\s+)?(?:my|the)\s+(?:new\s+)?"
        r"(boss|manager|supervisor|line manager)\s+now\b",
        s,
    ):
        who = r.person(m[1], s, m.start())
        if who and who != "I":
            at = r.message.find(who, max(0, o - 400))
            if at >= 0:
                r.add(ME, m[2], who, s, at)
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
NAME_SLOTS = _PERSON_SLOTS | frozenset(PETS) | {"home city", "employer", "grew up in"}

_RULES = (
    _together,
    _my_relation_name,
    my_x_is,
    changed_my_x,
    new_go_to,
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
