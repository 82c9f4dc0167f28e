"""Which remembered fact or how-to answers a question: the subject it asks about (a person it
names, else the user; "my sister" resolved to her name), the attribute its words ask for, and
the how-to whose goal holds its specific words. Pure functions of a question and facts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from app.core.fact_words import ME, PERSON_RELATIONS, PETS, canonical_attribute
from app.core.keywords import keywords
from app.core.questions import (
    GENERIC,
    HOW_TO_WORDS,
    Question,
    analyse,
    fold,
    term,
    terms,
)
from app.core.records import Memory

# Question phrasings of attributes the fact layer knows, as extra words for matching.
_ATTRIBUTE_CUES = (
    (r"\b(?:live|lives|living|reside|based|hometown|city|town|moved)\b|\bmy home\b", "home city"),
    (
        # not "how do I get to work at the moment"
        r"\bwork(?:s|ing)?\s+(?:for|at)\b(?!\s+the\s+moment)|\bemploy|\bcompany\b|\bemployer\b|\bwhere\s+do(?:es)?\s+\w+\s+work\b(?!\s+out)",
        "employer",
    ),
    (
        r"\bfor a living\b|\bfor work\b|\bjob\b|\boccupation\b|\bprofession\b|\bwork(?:s)? as\b|\bjob title\b|\bwhat does \w+ do\b(?!\s+(?:if|when|with|about|after|before|to)\b)|\bwhat do i do\b(?!\s+(?:if|when|with|about|after|before|to)\b)|\brole\b|\bposition\b",
        "job",
    ),
    (
        r"\b(?:previous|former|old|last|past)\s+(?:job|occupation|role|position|profession|career)\b"
        r"|\bused\s+to\s+(?:work|do\s+for\s+a\s+living)\b",
        "past job",
    ),
    (
        r"\bget(?:ting)? to work\b|\bcommute|\btravel to work\b|\bgo to work\b|\bto the office\b",
        "commute",
    ),
    (r"\ballerg", "allergy"),
    (r"\bhow\s+old\b", "age"),
    (
        r"\b(?:medication|medicine|meds|tablets?|pills?|prescribed|dose|taking\s+for)\b",
        "medication",
    ),
    (r"\b(?:GP|family doctor)\b", "gp"),
    (r"\bdiet|\bcan'?t eat\b|\bdon'?t eat\b|\bintoleran", "diet"),
    (r"\boriginally from\b|\bwhere\s+(?:is|was|are)\s+[\w ]+\s+from\b", "grew up in"),
    (r"\bgr[eo]w(?:n)? up\b|\braised\b", "grew up in"),
    (r"\bbirthday\b|\bborn\b", "birthday"),
    (r"\bboss\b", "manager"),
    (r"\b(?:am|are|is)\s+\w+\s+(?:dating|seeing)\b|\bgoing\s+out\s+with\b", "partner"),
    (r"\bvegetarian\b|\bvegan\b", "diet"),
    # "which mobile provider", "which network is my mobile on": the network, not the phone
    (
        r"\b(?:mobile|phone|cell)\b[^?]*\b(?:provider|network|carrier|operator)\b"
        r"|\b(?:provider|network|carrier|operator)\b[^?]*\b(?:mobile|phone|cell)\b",
        "mobile network",
    ),
)


CUED_ATTRIBUTES = frozenset(a for _, a in _ATTRIBUTE_CUES)
# Words that name what is asked about a subject: a memory lacking one cannot answer, however
# close in meaning ("When is Naomi's birthday?" / "Naomi and I are a thing").
# Not the words for what people take, their doctor or their network: "he's on Semintra"
# answers "What medication is Crumpet on?" without saying "medication".
_SAID_OTHERWISE = frozenset({"medication", "gp", "mobile network"})
ATTRIBUTE_WORDS = frozenset(
    t
    for a in (*(c for c in CUED_ATTRIBUTES if c not in _SAID_OTHERWISE), *PERSON_RELATIONS, *PETS)
    for t in terms(a)
) | frozenset(terms("birthday born work live move"))


def attribute_words(attribute: str) -> set[str]:
    """The words that name an attribute, with those people use for it ("commute": work,
    commute, office, train, bus, ...)."""
    found = terms(attribute)
    found |= {term(w) for w in _ATTRIBUTE_WORDS.get(attribute, "").split()}
    return found - {term(w) for w in GENERIC}


_ATTRIBUTE_WORDS = {
    "commute": "commute commuting work office train bus tram ferry tube metro bike cycle drive car walk",
    "home city": "live living moved move flat house home apartment city",
    "employer": "job work works company joined offer role",
    "job": "job work works role position title",
    "partner": "girlfriend boyfriend partner wife husband dating together",
    "diet": "eat eating diet vegan vegetarian meat",
}


def _question_attribute_terms(question: str) -> set[str]:
    found = terms(question)
    for pattern, attribute in _ATTRIBUTE_CUES:
        if re.search(pattern, question, re.I):
            found |= terms(attribute) | {"§" + attribute}
    for word in keywords(fold(question)):
        if word not in {"home", "city", "address", "role", "position"}:  # too vague alone
            found |= terms(canonical_attribute(word))
    return found


def _attribute_matches(attribute: str, asked: set[str]) -> bool:
    if "§" + attribute in asked:
        return True
    wanted = terms(attribute)
    return bool(wanted) and wanted <= asked


_RELATIONS = frozenset((*PERSON_RELATIONS, *PETS))


def _adds_a_number(question: str, value: str) -> bool:
    return bool(
        set(re.findall(r"\d+(?:\.\d+)?", value)) - set(re.findall(r"\d+(?:\.\d+)?", question))
    )


def _name_in(question: str, subject: str) -> bool:
    folded = fold(question)
    subject = fold(subject)
    if re.search(rf"\b{re.escape(subject)}\b", folded):
        return True
    first = subject.split()[0] if subject.split() else ""
    return len(first) >= 3 and bool(re.search(rf"\b{re.escape(first)}\b", folded))


def _is_me(subject: str | None, me: set[str]) -> bool:
    return subject is not None and fold(subject) in me


def resolve_relations(
    question: str, facts: Sequence[Memory], user_names: Iterable[str] = ()
) -> str:
    """ "Where does my sister live?" becomes "Where does Inês live?" when the facts name the
    sister, so the next hop is an ordinary question about a named person; "my brother's
    wife" takes two hops. A question about the relation itself ("Who is my sister?") is
    left alone."""
    names = list(user_names)
    me = {fold(ME), *(fold(n) for n in names)}
    relations = sorted(
        (f for f in facts if f.attribute in _RELATIONS and f.value and f.subject),
        key=lambda f: (-len(f.attribute or ""), -(f.valid_from or f.observed_at).timestamp()),
    )
    # "Which vet does our kelpie go to?": the pet of that breed, by name
    for fact in facts:
        if fact.attribute == "breed" and fact.value and fact.subject:
            breed = [w for w in fact.value.split() if w.lower() not in {"cross", "mix"}]
            said = rf"(?:{re.escape(' '.join(breed))}|{re.escape(breed[-1])})" if breed else ""
            if said:
                question = re.sub(
                    rf"\b(?:my|our)\s+{said}(?:\s+(?:cross|mix))?\b",
                    fact.subject,
                    question,
                    flags=re.I,
                )
    for _ in range(3):
        hopped = _one_hop(question, relations, me, names)
        if hopped == question:
            break
        question = hopped
    return question


def _one_hop(question: str, relations: list[Memory], me: set[str], names: list[str]) -> str:
    folded = fold(question)
    for fact in relations:
        assert fact.attribute is not None and fact.value is not None and fact.subject
        if _is_me(fact.subject, me):
            owner = r"(?:my|our)"
        else:
            first = re.escape(fold(fact.subject).split()[0])
            owner = rf"{first}(?:\s+\w+)?(?:'s|’s)"
        for found in re.finditer(rf"\b{owner}\s+([\w-]+)(?:\s+([\w-]+))?", folded):
            one, two = found[1], found[2]
            # "my sister", "my running partner", "my college roommate" (modifier + relation)
            if canonical_attribute(one) == fact.attribute:
                end, words = found.end(1), [one]
            elif two and fact.attribute in {
                canonical_attribute(f"{one} {two}"),
                canonical_attribute(two),
            }:
                end, words = found.end(2), [one, two]
            else:
                continue
            span = question[found.start() : end]
            hopped = question.replace(span, fact.value, 1)
            left = analyse(question.replace(span, " ", 1), names).focus - terms(fact.attribute)
            left -= {term(w) for w in words}
            cued = any(
                re.search(p, hopped, re.I) for p, a in _ATTRIBUTE_CUES if a != fact.attribute
            )
            if left or cued:
                return hopped
    return question


def _says_my(question: str, attribute: str, user_names: Iterable[str]) -> bool:
    """ "my manager", "my boss", "Maya's cat": the question names this relation of the user."""
    owners = "|".join(["my", "our", *(re.escape(n) + "(?:'s|’s)" for n in user_names)])
    for match in re.finditer(rf"\b(?:{owners})\s+((?:[\w-]+\s+)?[\w-]+)", question, re.I):
        words = match[1].lower().split()
        forms = {" ".join(words), words[0], words[-1]}
        if attribute in {canonical_attribute(f) for f in forms}:
            return True
    return False


_PLACE_ATTRIBUTES = frozenset({"home city", "grew up in"})


def _answers_the_kind(question: Question, attribute: str) -> bool:
    """ "Who is the director of the studio I work at?" wants a person, not the employer the
    question mentions; "Where…" wants a place or a workplace, not a person."""
    if question.wh in {"who", "whom"}:
        return attribute in _RELATIONS or attribute not in CUED_ATTRIBUTES | _PLACE_ATTRIBUTES
    return True


def match_fact(
    question: Question, facts: Sequence[Memory], user_names: Iterable[str] = ()
) -> Memory | None:
    """The fact that answers the question, if one does: the right subject (a person the
    question names, else the user) and an attribute the question asks about. The most
    recently stated fact wins among equals; the most specific attribute among several."""
    asked = _question_attribute_terms(question.text)
    me = {fold(ME), *(fold(n) for n in user_names)}
    semantic = [f for f in facts if f.attribute and f.attribute != "procedure" and f.subject]
    named = [
        f
        for f in semantic
        if not _is_me(f.subject, me) and _name_in(question.text, f.subject or "")
    ]
    if named:
        candidates = named
    elif question.first_person:
        # "Who am I dating?" asks for the partner without saying "my partner"
        cued_now = {a for p, a in _ATTRIBUTE_CUES if re.search(p, question.text, re.I)}
        candidates = [
            f for f in semantic
            if _is_me(f.subject, me)
            and (f.attribute not in _RELATIONS or f.attribute in cued_now
                 or _says_my(question.text, f.attribute or "", user_names))
        ]  # fmt: skip
        # "In which city lives my sister?" with no sister named: about her, so none of the
        # user's own facts answers; only the relation itself ("Who is my sister?") may.
        relatives = {
            canonical_attribute(m[1])
            for m in re.finditer(r"\b(?:my|our)\s+([\w-]+)", question.text, re.I)
        } & _RELATIONS
        if relatives:
            candidates = [f for f in candidates if f.attribute in relatives]
    else:
        return None
    cued = {a for _, a in _ATTRIBUTE_CUES if "§" + a in asked}
    about = [
        f for f in candidates
        if _attribute_matches(f.attribute or "", asked)
        # "Where does Naomi work?" asks for an employer: her job's words match, not its kind.
        and (not cued or f.attribute in cued or f.attribute not in CUED_ATTRIBUTES)
        # "which neighbourhood of Denver" (but "what dose of losartan" / "losartan 50mg")
        and not (
            _name_in(question.text, f.value or "")
            and not _adds_a_number(question.text, f.value or "")
        )
        and _answers_the_kind(question, f.attribute or "")
        and not _asks_another_thing(question.text, f.attribute or "")
    ]  # fmt: skip
    if not about:
        return None

    def strength(f: Memory) -> tuple[bool, int]:
        return "§" + (f.attribute or "") in asked, len(terms(f.attribute or ""))

    best = max(strength(f) for f in about)
    about = [f for f in about if strength(f) == best]
    return max(about, key=lambda m: (m.valid_from or m.observed_at, m.id))


_HEAD = re.compile(
    r"^\s*(?:what|which)\s+(?:kind\s+of\s+|sort\s+of\s+|type\s+of\s+)?([a-z]+)\b", re.I
)
_AUXILIARY = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "am",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "will",
        "would",
        "can",
        "should",
        "s",
    ]
)


def _asks_another_thing(question: str, attribute: str) -> bool:
    """ "What part do I sing in the choir?" asks for a part: the choir is only where, so
    the fact naming the choir does not answer it."""
    named = "|".join(re.escape(w) for w in attribute.split())
    # "Where does my choir's musical director play?": about someone of the choir
    if re.search(rf"\b(?:my|our)\s+(?:{named})(?:'s|’s)\s+\w", question, re.I):
        return True
    head = _HEAD.match(question)
    if head is None or head[1].lower() in _AUXILIARY or term(head[1]) in terms(attribute):
        return False
    return bool(
        re.search(
            rf"\b(?:in|at|on|for|with|from|of)\s+(?:the\s+|my\s+|our\s+)?(?:{named})\b",
            question,
            re.I,
        )
    )


def match_procedure(question: Question, procedures: Sequence[Memory]) -> Memory | None:
    """The how-to whose goal holds the question's specific words (most of them)."""
    if not question.procedure or not question.focus:
        return None
    # "What are my steps for centering clay?": the words that ask for a how-to are not
    # what it is about.
    focus = question.focus - HOW_TO_WORDS
    question = replace(question, focus=focus or question.focus)
    best: tuple[float, float, int] | None = None
    chosen: Memory | None = None
    for memory in procedures:
        goal = terms(memory.subject or "")
        if not goal:
            continue
        # "brew" matches "homebrew", "bass" matches "p-bass".
        shared = sum(
            1 for w in question.focus if w in goal or any(len(w) >= 4 and w in g for g in goal)
        )
        shared = min(shared, len(goal))
        share = shared / len(question.focus)
        precision = shared / len(goal)
        key = (share, precision, memory.id)
        # A long goal read from a rambling message holds other words too: two shared words
        # are enough there.
        precise = precision >= 0.5 or (shared >= 2 and len(goal) > 6)
        if shared and not (share >= 0.66 and precise):
            # "centering finally clicked: 1. wedge the clay ... 3. wheel fast": the goal
            # names one of the words and its steps all the others.
            steps = terms(memory.text)
            found = sum(1 for w in question.focus if w in goal or w in steps)
            # "How do I bake my sourdough bread?" / "Sourdough (my weekend routine): ... bread
            # flour ... dutch oven": of three or more words, the steps may lack one.
            # One word ("How do I get to work?") is too little to find a how-to by its steps.
            every = len(question.focus) >= 2 and found == len(question.focus)
            if every or (len(question.focus) >= 3 and found >= len(question.focus) - 1):
                share, precise = 0.66, True
                key = (share, precision, memory.id)
        if share >= 0.66 and precise and (best is None or key > best):
            best, chosen = key, memory
    return chosen
