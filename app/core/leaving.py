"""Saying a thing was left or replaced: "Last day at Monzo", "Traded the Golf in",
"Cancelled PureGym", "taking me off the lisinopril". A later message that leaves what an
answer names makes that answer out of date (app/services/selection.py). Pure functions of text.
"""

from __future__ import annotations

import re

# Words that say a thing was replaced: with the attribute, a looser closeness in meaning will
# do ("Dropped my phone in the sea, so I got a Pixel 8" after "My phone is an iPhone 12").
CHANGE = re.compile(
    r"\b(?:switched|swapped|traded|replaced|sold|upgraded|no longer|gave up|so I got|"
    r"got a new|bought a new|now I have)\b",
    re.I,
)


_LEAVING = (
    r"\b(?:last day (?:at|with)|left|quit|resigned from|leaving|sold|traded(?: in)?|"
    r"cancell?ed|switched from|swapped|replaced|moved out of|no longer (?:at|with|in)|gave up|"
    r"ditch(?:ed|ing)|dropp(?:ed|ing)|stopp(?:ed|ing)|quitting|stepped\s+(?:back|down)\s+from|"
    r"(?:taking|took|taken|coming|came|come|going|went|got)\s+(?:me\s+|him\s+|her\s+)?off)"
    r"\s+(?:(?:the|my|our|a|an)\s+)?"
)


# Said after the thing: "the Octavia went for scrap", "The Corolla went off on the back of a
# lorry to the scrapyard", "the old Fiesta was sold".
_LEFT_AFTER = (
    r"\s+(?:went|has\s+gone|is\s+gone|got\s+sent|was\s+sent)\b[^.!?;]{0,40}?\bscrap"
    r"|\s+(?:was|got|has\s+been|is\s+being)\s+(?:scrapped|sold|written\s+off|traded\s+in|"
    r"towed\s+away|returned)\b"
)


def leaves(value: str, text: str) -> bool:
    """Whether `text` says the user left or got rid of `value` ("Last day at Monzo",
    "Traded the Golf in", "Cancelled PureGym", "the Octavia went for scrap"), named in full
    or by its head ("PureGym" of "PureGym on the high street", "Golf" of "2012 Golf")."""
    return any(
        re.search(_LEAVING + re.escape(head) + r"\b", text, re.I) is not None
        or re.search(r"\b" + re.escape(head) + _LEFT_AFTER, text, re.I) is not None
        for head in _heads(value)
    )


_NAMED = r"(?:[A-Z][\w'-]*|[a-z]+[A-Z][\w-]*)"  # "PureGym", "Golf", "iPhone"


def _heads(value: str) -> set[str]:
    value = value.strip()
    heads = {value}
    # The run of capitalised words it starts with, after a year or count.
    named = re.match(rf"(?:\d+\s+)?({_NAMED}(?:\s+(?:{_NAMED}|\d+))*)", value)
    if named:
        heads.add(named[1])
    return {h for h in heads if len(h) >= 2}


def left_since(chosen: str, later: str) -> bool:
    """Whether `later` says the user left or got rid of a thing `chosen` names ("I drive a
    2012 Golf" / "Traded the Golf in for a Kia Niro"; "I'm learning Spanish" / "Switched from
    Spanish to Italian")."""
    named = re.findall(rf"(?<![.!?]\s)(?<!^)\b{_NAMED}", chosen)
    return any(leaves(n, later) for n in set(named) - {"I", "I'm", "I've"})


# A clause telling what was left: the verbs above, and "retired the xps", "packed in
# swimming", "out of the life sciences centre".
_LEFT_CLAUSE = re.compile(
    # not "a cancelled train" (said of a thing), nor "dropped her to 1.25mg" (a new amount)
    r"(?<!\ba\s)(?<!\ban\s)(?<!\bthe\s)(?!dropp\w*\s+\w+\s+(?:down\s+)?to\s+\d)"
    + _LEAVING
    + r"|\bretired\s+(?:the|my|our|his|her)\b|\bpacked\s+in\b"
    r"|\bout\s+of\s+(?:the|my|our)\b|\bmoved\s+out\b",
    re.I,
)
# Where a sentence divides into clauses, outside brackets: ", ", "; ", " – ", " and ", " but ".
_BETWEEN = re.compile(r",\s+|;\s+|\s[–—-]\s|\s+(?:and|but)\s+", re.I)
# A question about the leaving itself ("Which gym did I cancel?") keeps it.
_ASKS_LEAVING = re.compile(
    r"\b(?:left|leave|quit|cancel\w*|sold|sell|retire\w*|stop\w*|drop\w*|gave\s+up|give\s+up"
    r"|switch\w*|swap\w*|trade\w*|replace\w*|before|previous|used\s+to|old)\b",
    re.I,
)


def _clauses(sentence: str) -> list[str]:
    """The sentence cut where `_BETWEEN` divides it, never inside brackets."""
    parts, depth, start = [], 0, 0
    for at, char in enumerate(sentence):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and (found := _BETWEEN.match(sentence, at)) and found.start() == at:
            if at > start:
                parts.append(sentence[start:at])
            start = found.end()
    parts.append(sentence[start:])
    return [p for p in parts if p.strip()]


def current_part(question: str, sentence: str) -> str:
    """The sentence less the clauses that tell what was left, when the question asks what
    is so now: "finally retired the xps, bought a macbook pro 14" → "… bought a macbook
    pro 14" (the old value, quoted, would read as current). Unchanged when the question asks
    about the leaving or the past, or when nothing else would be left to quote."""
    if _ASKS_LEAVING.search(question):
        return sentence
    clauses = _clauses(sentence)
    kept = [c for c in clauses if not _LEFT_CLAUSE.search(c)]
    if len(kept) == len(clauses) or len(" ".join(kept).split()) < 3:
        return sentence
    return ("" if kept[0] == clauses[0] else "… ") + ", ".join(c.strip() for c in kept)
