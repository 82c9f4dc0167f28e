"""The fact layer: first-person facts and how-tos read from a message by rules, no model.

A small language model extracts almost nothing reliably, yet "my new manager is Ana Lima" is
the sentence people most need remembered right. These rules turn such sentences into facts
with a subject, an attribute and a value taken verbatim from the source (a span, never
rewritten words), so a newer fact about the same subject and attribute can replace an older
one. Sequences of steps ("first ..., then ...", numbered lists, "here is how I ...") become
procedures with a goal and ordered steps. Pure functions of text: no I/O, no clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.core.keywords import STOPWORDS

ME = "me"  # the subject of whatever the user says about themselves

_NAME_WORD = r"[A-ZÀ-Ý][\wÀ-ÿ\-]*(?:['’][A-Z][\wÀ-ÿ]*)?"
NAME = rf"{_NAME_WORD}(?:\s+(?:de |da |do |van |von )?{_NAME_WORD}){{0,3}}"
_END = r"(?=\s*(?:[.,;:!?\n)]|\s-\s|\s(?:and|but|so|because|which|who|since|although|though|while|when|if|as|for|with|from|after|before|until)\s|$))"
# Words after a value that are about when or how sure, not part of the value.
_TRAILING = re.compile(
    r"\s+(?:now|there|here|too|again|already|anymore|these days|nowadays|for now|at the moment"
    r"|currently|today|finally|instead|as well|by the way|actually)$",
    re.I,
)

# Relations between people (and pets) that are named right after "my": "my sister Inês".
PERSON_RELATIONS = (
    "sister", "brother", "mum", "mom", "mother", "dad", "father", "partner", "wife", "husband",
    "boyfriend", "girlfriend", "fiancé", "fiancée", "fiance", "fiancee", "son", "daughter",
    "cousin", "aunt", "uncle", "niece", "nephew", "grandma", "grandmother", "grandpa",
    "grandfather", "friend", "best friend", "flatmate", "roommate", "housemate", "neighbour",
    "neighbor", "colleague", "coworker", "boss", "manager", "line manager", "team lead",
    "mentor", "therapist", "doctor", "dentist", "gp", "landlord", "landlady", "running partner",
    "climbing partner", "tutor", "teacher", "coach", "trainer", "accountant", "lawyer",
)  # fmt: skip
PETS = (
    "cat", "dog", "kitten", "puppy", "rabbit", "bunny", "hamster", "guinea pig", "parrot",
    "budgie", "tortoise", "turtle", "horse", "pony", "fish", "ferret", "snake", "lizard",
)  # fmt: skip
_REL_RE = "|".join(sorted((*PERSON_RELATIONS, *PETS), key=len, reverse=True))
_PET_RE = "|".join(sorted(PETS, key=len, reverse=True))

# Different words for the same attribute; facts and questions are both mapped through this.
ATTRIBUTE_SYNONYMS = {
    "boss": "manager",
    "line manager": "manager",
    "new manager": "manager",
    "current manager": "manager",
    "team lead": "manager",
    "mom": "mum",
    "mother": "mum",
    "father": "dad",
    "neighbor": "neighbour",
    "coworker": "colleague",
    "kitten": "cat",
    "puppy": "dog",
    "bunny": "rabbit",
    "roommate": "flatmate",
    "housemate": "flatmate",
    "fiance": "fiancé",
    "fiancee": "fiancée",
    "favorite": "favourite",
    "job title": "job",
    "job": "job",
    "role": "job",
    "position": "job",
    "occupation": "job",
    "profession": "job",
    "mobile": "phone",
    "mobile phone": "phone",
    "cell phone": "phone",
    "smartphone": "phone",
    "company": "employer",
    "workplace": "employer",
    "home town": "home city",
    "hometown": "home city",
    "city": "home city",
    "home": "home city",
    "address": "home city",
}

_STEP_SPLIT = re.compile(
    r"\s*(?:\n\s*(?:\d{1,2}[.)]|[-*•])\s*|(?<!\d)\b\d{1,2}[.)]\s+|,?\s*\band then\b\s*"
    r"|,?\s*\bthen\b\s*|,?\s*\b(?:and )?finally\b,?\s*|,?\s*\bafter that\b,?\s*|;\s*"
    r"|,\s*(?:and\s+)?)",
    re.I,
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


@dataclass(frozen=True)
class Procedure:
    goal: str  # "restore the staging database"
    steps: tuple[str, ...]
    sentence: str

    @property
    def text(self) -> str:
        numbered = " ".join(f"{i}. {s}" for i, s in enumerate(self.steps, start=1))
        return f"How to {self.goal}: {numbered}"


def canonical_attribute(words: str) -> str:
    words = " ".join(words.lower().replace("favorite", "favourite").split())
    words = re.sub(r"^(?:new|current|old|former|previous|present|latest|own)\s+", "", words)
    words = re.sub(r"\s+(?:there|now|here)$", "", words)
    return ATTRIBUTE_SYNONYMS.get(words, words)


def _clean_value(value: str) -> str:
    value = value.strip(" \t\"'“”‘’")
    value = re.sub(r"^(?:now|currently|still|actually)\s+", "", value, flags=re.I)
    previous = None
    while previous != value:
        previous = value
        value = _TRAILING.sub("", value).strip()
    value = re.sub(r"^(?:a|an|the|some)\s+", "", value, flags=re.I)
    return value.strip(" ,")


def _value_at(message: str, offset: int, raw: str) -> tuple[str, int, int] | None:
    """The cleaned value and its span in the message, or None when nothing is left."""
    value = _clean_value(raw)
    if not value or len(value) > 80:
        return None
    start = message.find(value, offset)
    if start < 0:
        return None
    return value, start, start + len(value)


def _sentences(message: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs; a numbered list stays one sentence with its heading."""
    if re.search(r"\n\s*(?:\d{1,2}[.)]|[-*•])\s", message):
        return [(0, message)]
    out: list[tuple[int, str]] = []
    for match in re.finditer(r"[^.!?\n]+(?:[.!?]+|$)", message):
        text = match.group().strip()
        if text:
            out.append((match.start() + match.group().find(text), text))
    return out


def names_in(sentence: str) -> list[str]:
    """Capitalised names in a sentence; its first word only when it does not look like an
    ordinary word capitalised to start the sentence ("Starting", "The")."""
    found = []
    for m in re.finditer(rf"\b({NAME})", sentence):
        name = m[1]
        if m.start() == len(sentence) - len(sentence.lstrip()):
            first = name.split()[0].lower()
            if first in STOPWORDS or first.endswith(("ing", "ed", "ly")) or first in _OPENERS:
                rest = name.split()[1:]
                if not rest:
                    continue
                name = " ".join(rest)
        found.append(name)
    return found


_OPENERS = frozenset(
    [
        "got",
        "went",
        "saw",
        "had",
        "called",
        "booked",
        "sold",
        "back",
        "big",
        "heads",
        "lunch",
        "dinner",
        "accepted",
        "first",
        "starting",
        "here",
        "when",
        "to",
        "thanks",
        "yes",
        "no",
        "ok",
        "okay",
        "sure",
    ]
)


class _Reader:
    """Reads one message: facts and procedures, with the last person named for pronouns."""

    def __init__(self, message: str) -> None:
        self.message = message
        self.facts: list[Fact] = []
        self.last_person: str | None = None

    def add(self, subject: str, attribute: str, raw: str, sentence: str, offset: int) -> None:
        found = _value_at(self.message, offset, raw)
        if found is None:
            return
        value, start, end = found
        attribute = canonical_attribute(attribute)
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
        before = [n for n in names_in(sentence[:at]) if n != "I"]
        return before[-1] if before else self.last_person

    def read(self, sentence: str, offset: int) -> None:
        for rule in _RULES:
            rule(self, sentence, offset)
        names = names_in(sentence)
        if names:
            self.last_person = names[-1]


def _my_relation_name(r: _Reader, s: str, o: int) -> None:
    # "my sister Inês", "our cat Pixel", "my running partner Jonas"
    for m in re.finditer(
        rf"\b(?i:my|our)\s+(?i:new\s+|little\s+|older\s+|younger\s+|big\s+)?(?i:({_REL_RE}))(?:,)?\s+(?:called\s+|named\s+)?({NAME})",
        s,
    ):
        r.add(ME, m[1], m[2], s, o + m.start(2))
    # "Jonas is my running partner", "Priya is my new boss"
    for m in re.finditer(rf"\b({NAME})\s+is\s+(?:now\s+)?my\s+(?:new\s+)?(?i:({_REL_RE}))\b", s):
        r.add(ME, m[2], m[1], s, o + m.start(1))
    # "Inês and her partner Rui", "Tom's wife Ana"
    for m in re.finditer(
        rf"\b({NAME})(?:\s+and|'s|’s)\s+(?:his|her|their)?\s*(?i:({_REL_RE}))\s+({NAME})", s
    ):
        r.add(m[1], m[2], m[3], s, o + m.start(3))


def _my_x_is(r: _Reader, s: str, o: int) -> None:
    # "my manager there is Priya Raman", "my favourite coffee is now a cortado",
    # "my manager at Helio is Grace", "my blood type is O negative"
    pattern = (
        r"\bmy\s+((?:new\s+|current\s+)?(?:[a-zà-ÿ]+\s+){0,2}?[a-zà-ÿ]+)"
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
        r.add(ME, attribute, m[2], s, o + m.start(2))
    # "her name is Pixel" after "we adopted a cat": the pet's name
    pet = re.search(rf"\b({_PET_RE})\b", s, re.I) or re.search(rf"\b({_PET_RE})\b", r.message, re.I)
    for m in re.finditer(rf"\b(?i:her|his|its|their)\s+name\s+is\s+({NAME})", s):
        if pet:
            r.add(ME, pet[1], m[1], s, o + m.start(1))
    for m in re.finditer(
        rf"\b(?i:a|an|our|my)\s+(?:new\s+)?(?i:({_PET_RE}))\s+(?:called|named)\s+({NAME})", s
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
    for m in re.finditer(
        rf"\b(?:I|[Ww]e)\s+(?:have\s+|'ve\s+|just\s+|finally\s+)?(?:moved|relocated)\s+(?:house\s+|home\s+)?from\s+{NAME}\s+to\s+({NAME})",
        s,
    ):
        r.add(ME, "home city", m[1], s, o + m.start(1))
    for m in re.finditer(
        rf"\b(?:I|[Ww]e)\s+(?:now\s+|just\s+|finally\s+|still\s+)?{_LIVE}\s+(?:back\s+)?(?:in|to)\s+({NAME})",
        s,
    ):
        r.add(ME, "home city", m[1], s, o + m.start(1))
    for m in re.finditer(
        rf"\b({NAME}|[Hh]e|[Ss]he|[Tt]hey)\s+(?:now\s+|just\s+|still\s+)?(?:lives|moved|has moved|relocated|'s moved|is living)\s+(?:back\s+)?(?:in|to)\s+({NAME})",
        s,
    ):
        who = r.person(m[1], s, m.start())
        if who:
            r.add(who, "home city", m[2], s, o + m.start(2))
    for m in re.finditer(rf"\b({NAME}|[Hh]e|[Ss]he|[Tt]hey|I)\s+grew\s+up\s+in\s+({NAME})", s):
        who = ME if m[1] == "I" else r.person(m[1], s, m.start())
        if who:
            r.add(who, "grew up in", m[2], s, o + m.start(2))


_ORG = rf"({NAME}(?:\s+(?:&|and)\s+{_NAME_WORD})?)"


def _work(r: _Reader, s: str, o: int) -> None:
    patterns = (
        rf"\bI\s+(?:now\s+|still\s+|currently\s+)?(?:work|am working|'m working)\s+(?:at|for)\s+{_ORG}",
        rf"\b(?:new\s+)?(?:job|position|role|offer|contract)\s+(?:at|with|from)\s+{_ORG}",
        rf"\b(?i:first)\s+(?:day|week)\s+(?:at|with)\s+{_ORG}",
        rf"\bI\s+(?:just\s+|have\s+|'ve\s+)?(?:joined|started at|am joining|'m joining)\s+{_ORG}",
    )
    for pattern in patterns:
        for m in re.finditer(pattern, s):
            if re.search(r"\b(?:last day|left|quit|leaving)\b", s[: m.start()], re.I):
                continue
            r.add(ME, "employer", m[1], s, o + m.start(1))
    for m in re.finditer(
        r"\bI\s+(?:now\s+|still\s+|currently\s+)?work\s+(?:there\s+|here\s+)?as\s+(?:a|an)\s+(.+?)"
        + _END,
        s,
    ):
        r.add(ME, "job", m[1], s, o + m.start(1))
    for m in re.finditer(
        rf"\b({NAME}|[Hh]e|[Ss]he|[Tt]hey)\s+(?:now\s+|still\s+|currently\s+)?works?\s+as\s+(?:a|an)\s+(.+?)"
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


_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
DATE = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+(?:{_MONTHS})|(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?)(?:,?\s+\d{{4}})?"


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
        r"\bI(?:'m|’m| am)\s+(?:now\s+|still\s+)?(?:a\s+)?(vegetarian|vegan|pescatarian|teetotal|gluten[- ]free|lactose intolerant|coeliac|celiac)\b",
        s,
        re.I,
    ):
        r.add(ME, "diet", m[1], s, o + m.start(1))
    for m in re.finditer(
        rf"\b({NAME}|[Mm]y|[Hh]is|[Hh]er)(?:'s|’s)?\s+birthday\s+is\s+(?:on\s+)?((?i:{DATE}))", s
    ):
        who = {"my": ME, "his": r.last_person, "her": r.last_person}.get(m[1].lower(), m[1])
        if who:
            r.add(who, "birthday", m[2], s, o + m.start(2))
    # "our team uses Airflow for orchestration", "at Helio the team uses Dagster"
    for m in re.finditer(
        rf"\b(?i:our|my|the)\s+(team|company|office|department|squad)\s+(?:now\s+)?(?:uses|is using|switched to|moved to|runs on)\s+({NAME})(?:\s+for\s+([a-z]+))?",
        s,
    ):
        attribute = f"{m[1]} tool" + (f" for {m[3]}" if m[3] else "")
        r.add(ME, attribute, m[2], s, o + m.start(2))


_RULES = (_my_relation_name, _my_x_is, _changed_my_x, _home, _work, _commute, _personal)


def read_facts(message: str) -> list[Fact]:
    """Facts a speaker states about themselves (ME) or about people they name."""
    reader = _Reader(message)
    for offset, sentence in _sentences(message):
        reader.read(sentence, offset)
    return reader.facts


_HOWTO = re.compile(
    r"^(?:(?:here(?:'s| is)\s+)?how\s+I\s+(?P<a>[^:]+?)\s*[:\-–]"
    r"|my\s+(?P<b>[^:]*?(?:routine|steps|process|recipe|procedure|method|checklist|workflow)[^:]*?)\s*[:\-–]"
    r"|when\s+I\s+(?P<d>\w+(?:\s+\w+){0,5}?)\s+I\s+(?:usually\s+|always\s+)?(?=\w+\s.*\bthen\b)"
    r"|(?:to|when\s+I)\s+(?P<c>[^:,]+?)\s*[:,]\s*(?=(?:I\s+)?(?:first\s+)?[a-z]))",
    re.I,
)


def _goal(raw: str) -> str:
    goal = raw.strip().rstrip(":,")
    goal = re.sub(r"^(?:here(?:'s| is)\s+)?how\s+I\s+", "", goal, flags=re.I)
    goal = re.sub(r"^(?:my|the)\s+", "", goal, flags=re.I)
    goal = re.sub(r"\bmy\b", "your", goal, flags=re.I)
    return goal


def read_procedure(message: str) -> Procedure | None:
    """A how-to with at least three ordered steps, or None."""
    text = message.strip()
    head = _HOWTO.match(text)
    numbered = re.search(r"\n\s*(?:\d{1,2}[.)]|[-*•])\s", text)
    sequenced = re.search(
        r"\bfirst\b.*\bthen\b|\bthen\b.*\b(?:and then|finally|after that)\b", text, re.I | re.S
    )
    if head is None and not (numbered and ":" in text.split("\n", 1)[0]):
        return None
    if head is not None:
        goal = _goal(head["a"] or head["b"] or head["c"] or head["d"] or "")
        body = text[head.end() :]
    else:
        first, body = text.split("\n", 1)
        goal = _goal(first.split(":", 1)[0])
    if (
        head is not None
        and (head["c"] or head["d"])
        and not (numbered or sequenced or body.count(",") >= 2)
    ):
        return None
    body = re.sub(r"^\s*(?:I\s+)?(?:first\s+)", "", body, flags=re.I)
    steps = []
    for part in _STEP_SPLIT.split(body):
        step = part.strip(" .;:\n")
        step = re.sub(r"^(?:I\s+|first\s+|and\s+|then\s+|finally\s+)+", "", step, flags=re.I)
        if len(step) >= 3:
            steps.append(step)
    if len(steps) < 3 or not goal:
        return None
    return Procedure(goal, tuple(steps[:12]), text)
