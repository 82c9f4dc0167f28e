"""Whether a message can answer a question at all, before how well: whose thing it tells of
("Fen's brother", "his cat", "lina turned 6" for "my birthday"), whether it tells the deed
asked ("What did I get ...?", "When did I retire?", a break-up), the names the question gives,
and the words naming the kind of answer wanted. Pure functions of a question and a text.
"""

from __future__ import annotations

import re

from app.core.fact_words import (
    PERSON_RELATIONS,
    PETS,
    canonical_attribute,
    lower_case_style,
    names_in,
)
from app.core.questions import Question, term, terms

RELATION_WORDS = frozenset(w for r in (*PERSON_RELATIONS, *PETS) for w in r.split()[-1:])


_MY_RELATION = re.compile(r"\b(?:my|our)\s+([\w-]+)", re.I)


def someone_elses(q: Question, text: str) -> bool:
    """ "What's my brother's name?" is not answered by "Fen's brother Tomasz": the message
    names the relation only as someone else's."""
    # "When is my birthday?" is not answered by "lina turned 6 today".
    if re.search(r"\bmy\s+(?:birthday|bday|b-day)\b", q.text, re.I) and not re.search(
        r"\b(?:my\s+(?:\w+\s+)?(?:birthday|bday|b-day)|I(?:'m|\s+am)?\s+(?:\w+\s+)?turn(?:ed|ing|s)?"
        r"|my\s+\d+(?:st|nd|rd|th))\b",
        text,
        re.I,
    ):
        return True
    for match in _MY_RELATION.finditer(q.text):
        relation = match[1].lower()
        if relation not in RELATION_WORDS:
            continue
        lowered = text.lower()
        theirs = (
            rf"(?:\w+(?:'s|’s)|his|her|their|your)\s+(?:[\w-]+\s+)?{re.escape(relation)}\b"
            # "he's from footscray and has a cat named tofu"
            rf"|\b(?:he|she|they)\b[^.!?]*?\b(?:has|have|got)\s+(?:a|an)\s+(?:[\w-]+\s+)?"
            rf"{re.escape(relation)}\b"
        )
        mine = rf"\b(?:my|our)\s+(?:[\w-]+\s+)?{re.escape(relation)}\b"
        if re.search(theirs, lowered) and not re.search(mine, lowered):
            return True
    # "When is Fen's birthday?" is not answered by "Fen's mum's birthday".
    # ("Callum's best friend": the friend). Not for a how-to: "Maureen's brown soda bread"
    # is taught as "her mother's brown soda bread".
    for match in (
        ()
        if q.procedure
        else re.finditer(
            r"\b(?!(?i:what|who|where|when|how|that|it|there|here|he|she)(?:'s|’s))([\w-]+)(?:'s|’s)\s+"
            r"(?:(?:best|new|old|little|big|older|younger)\s+)?([\w-]+)",
            q.text,
        )
    ):
        owner, thing = match[1].lower(), match[2].lower()
        lowered = text.lower().replace("’", "'")
        said_for = re.findall(rf"\b([\w-]+)'s\s+{re.escape(thing)}\b", lowered)
        if said_for and owner not in said_for:
            return True
        # "What is Idris's mother's name?" is not answered by "my mum cried on the phone".
        if thing in RELATION_WORDS:
            kin = canonical_attribute(thing)
            own = [
                w for w in re.findall(r"\bmy\s+([\w-]+)", lowered) if canonical_attribute(w) == kin
            ]
            other = re.search(
                rf"\b(?:{re.escape(owner)}(?:'s|')?|his|her|their)\s+([\w-]+)", lowered
            )
            if own and not (other and canonical_attribute(other[1]) == kin):
                return True
        # "When is Idris's birthday?" is not answered by "idris' grandma turned 90": the
        # message names them only as someone's owner.
        mentions = list(re.finditer(rf"\b{re.escape(owner)}(?:'s|')?\s+([\w-]+)", lowered))
        if (
            mentions
            and thing not in RELATION_WORDS
            and all(m.group().split()[0] != owner and m[1] in RELATION_WORDS for m in mentions)
            and len(mentions) == len(re.findall(rf"\b{re.escape(owner)}\b", lowered))
        ):
            return True
    return False


_ASKS_DEED = re.compile(
    r"\bwhat\s+did\s+(?:i|we)\s+(get|buy|give|send|order|make|bake|cook)\b", re.I
)


_ASKS_MY_DEED = re.compile(r"\b(?:when|where|why|how)\s+did\s+(?:i|we)\s+([a-z]+)\b", re.I)


_LIGHT_VERBS = frozenset(
    "have get go do make take be see meet start say tell buy pay first last".split()  # noqa: SIM905
)


_MINE = frozenset({"i", "we", "my", "our", "i'm", "i’m", "i've", "we're", "we've"})


_THEIRS = frozenset({"a", "an", "the", "his", "her", "their", "he", "she", "they"})


def _done_by_the_user(stem: str, text: str) -> bool:
    """Whether some word of `stem` in `text` is not said of someone else ("I am officially
    retired", "retired last week" / "a retired firefighter", "his retirement")."""
    words = re.findall(r"[\w'’]+", text)
    seen = False
    for i, word in enumerate(words):
        if not term(word).startswith(stem):
            continue
        seen = True
        before = [w.lower() for w in words[max(0, i - 3) : i]]
        if _MINE & set(before) or not _THEIRS & set(before):
            return True
    return not seen


_ASKS_BREAK_UP = re.compile(r"\bbr(?:eak|oke)\s+up\b|\bsplit\s+up\b|\bdivorce", re.I)


_BROKE_UP = re.compile(
    r"\b(?:br(?:eak|oke|oken|eaking)\s+up|split(?:\s+up)?|dumped|divorc\w*|ended\s+things|"
    r"called\s+it\s+off|separated)\b",
    re.I,
)


_DEEDS = {
    "get": "got|gotten|getting|bought|picked up|ordered",
    "buy": "bought|buying|got|picked up|ordered",
    "give": "gave|given|giving|got|bought",
    "send": "sent|sending|posted|mailed",
    "order": "ordered|ordering|got|bought",
    "make": "made|making|baked|cooked|built|knitted|sewed",
    "bake": "baked|baking|made",
    "cook": "cooked|cooking|made",
}


def names_asked(q: Question) -> list[set[str]]:
    """The names a question gives (capitalised runs of its specific words, not its first
    word), each as the set of its words: "Callum Ferreira" is named by either."""
    runs: list[set[str]] = []
    previous_end = -2
    for w in list(re.finditer(r"[\wÀ-ÿ'’-]+", q.text))[1:]:
        word = w.group()
        if not word[:1].isupper() or word in {"I", "I'm", "I've"}:
            continue
        if term(word) not in q.focus:
            continue
        if runs and q.text[previous_end : w.start()].strip() == "":
            runs[-1].add(term(word))
        else:
            runs.append({term(word)})
        previous_end = w.end()
    return runs


def misses_a_name(q: Question, text: str) -> bool:
    said_terms = terms(text)
    return any(not name & said_terms for name in names_asked(q))


_ASKS_NAME = re.compile(
    r"\b(?:what(?:'s|\s+is|\s+was)\s+(?:the\s+)?name|name\s+of"
    r"|what(?:'s|\s+is|\s+was|\s+are|\s+were)\s+[\w'’ ]+?\s+called"
    r"|what(?:'s|\s+is|\s+was)\s+[\w'’ ]+?(?:'s|’s)\s+name)\b",
    re.I,
)


# The thing whose name is asked: "my sister's name", "the name of the apartment",
# "Callum's best friend called", "Knödel's vet".
_NAMED_THING = re.compile(
    # "the Dolans' cat called", "the guinea pigs called", "Clare's café called"
    r"(?:\b(?:my|our|the)|\b[\w-]+(?:'s|’s)|\b[\w-]+s['’])\s+"
    r"(?:(?:best|new|old|little|big|older|younger)\s+)?(?:guinea\s+)?"
    r"(?!(?:the|a|an|my|our|your|his|her|their)\b)([^\W\d_]+)(?:'s|’s)?\s+(?:name|called)\b"
    r"|\bname\s+of\s+(?:my|our|the|[\w-]+(?:'s|’s))\s+(?:(?:best|new|old)\s+)?([a-z]+(?:\s+[a-z]+)?)\b",
    re.I,
)


_NOT_A_THING = frozenset(
    "we i you he she they that which who is was did do does at in on again now called".split()  # noqa: SIM905
)
_KIN = frozenset(
    """sister brother mum mom mother dad father partner wife husband boyfriend girlfriend son
    daughter cousin aunt uncle niece nephew grandma grandmother grandpa grandfather friend
    bestie flatmate roommate housemate neighbour neighbor colleague coworker boss""".split()  # noqa: SIM905
)


def names_no_one_new(q: Question, sentence: str, message: str) -> bool:
    """ "What's the name of Knödel's vet?" is not answered by "Knödel vet check: thyroid
    better", nor "What's my sister's name?" by "... and my sister coming down": asked for
    a name, the sentence must give one the question does not hold, by the thing named
    ("my sister Inês", "Inês, my sister", "his name is Biscuit") when the question says
    what it is. Only where the writer capitalises names at all."""
    if not _ASKS_NAME.search(q.text) or lower_case_style(message):
        return False
    asked = terms(q.text)
    new = [
        word
        for found in names_in(sentence)
        for word in re.findall(r"[^\W\d_][\w'’-]*", found)
        if word not in {"I", "I'm", "I've", "I'll"} and term(word) not in asked
    ]
    thing = _NAMED_THING.search(q.text)
    # "the name of my netball team": netball or team ("the apartment we stayed at": apartment)
    nouns = [
        w for w in ((thing[1] or thing[2]).lower().split() if thing else [])
        if w not in _NOT_A_THING
    ]  # fmt: skip
    # A relative's name must stand by the relation; any other thing's only where the
    # sentence speaks of that thing ("saw Dr Okonkwo" names a GP without saying "GP").
    bound = any(n in _KIN or re.search(rf"\b{re.escape(n)}", sentence, re.I) for n in nouns)
    if not new or not nouns or not bound:
        return not new
    name = rf"\b(?:(?:Dr|Mrs|Mr|Ms|Miss)\.?\s+)?(?:{'|'.join(re.escape(n) for n in new)})\b"
    kin = "(?:" + "|".join(re.escape(n) for n in nouns) + ")"
    by = (
        # "my physical therapist, Kendra" (not "an apartment near Four Mile Beach")
        rf"\b{kin}s?(?:\s+(?!(?:near|in|at|on|by|with|from|to|for|of|and|or|coming|going)\b)[a-z]+)?"
        rf"\s*(?:,|is|was|'s|called|named|=)?\s*{name}"
        rf"|{name}(?:'s|’s)?\s*(?:,|is|=)?\s*(?:(?:my|our|the|a|an)\s+)?(?:\w+\s+)?{kin}s?\b"
        rf"|\b(?:name\s+is|called|named)\s+(?:the\s+)?{name}"  # "his name is Biscuit"
    )
    return re.search(by, sentence, re.I) is None


_KIND_OF_ANSWER = re.compile(
    r"^\W*(?:what|which)\s+((?:[\w'’-]+\s+){1,3}?)(?:did|do|does|is|was|are|were|have|has|had|"
    r"can|could|should|will|would|am)\b",
    re.I,
)


def kind_words(q: Question) -> set[str]:
    """The words naming the kind of answer a "what X did I ..." question wants ("health
    issue"), as focus terms."""
    asked = _KIND_OF_ANSWER.search(q.text)
    return (terms(asked[1]) & q.focus) if asked else set()


def tells_the_deed_asked(q: Question, text: str) -> bool:
    """ "What did I get Immy for her 30th?" is answered by what the user got or bought, not by
    a message that only names Immy's 30th ("she got bitten" is not the user getting)."""
    mine = _ASKS_MY_DEED.search(q.text)
    # "When did I retire?" is not answered by "a retired firefighter named Gus"
    if mine and mine[1].lower() not in _LIGHT_VERBS and not _done_by_the_user(term(mine[1]), text):
        return False
    if _ASKS_BREAK_UP.search(q.text):
        # "When did Kai and I break up?" is not answered by "kai and i are official"
        return _BROKE_UP.search(text) is not None
    asked = _ASKS_DEED.search(q.text)
    if asked is None:
        return True
    verbs = _DEEDS[asked[1].lower()]
    return re.search(rf"\b(?:I|we)\s+(?:\w+\s+)?(?:{verbs})\b", text, re.I) is not None
