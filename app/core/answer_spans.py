"""The words of a remembered message that answer a question: its statements (not its
questions), the sentence holding the question's words, and within it the short span (a name,
a place, a date, an amount) when the sentence gives it plainly. Pure functions.
"""

from __future__ import annotations

import re

from app.core.fact_words import SENTENCE
from app.core.keywords import STOPWORDS
from app.core.questions import GENERIC, Question, fold, term, terms

_SENTENCE = re.compile(SENTENCE)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


# Questions that tell: "remember when I got pre-approved for $400,000?", "did I mention I
# adopted a cat?", "I start on Monday, right?".
_TELLING_QUESTION = re.compile(
    r"(?:^\W*|[-–—;:,]\s+)(?:(?:oh|so|and|by the way|btw),?\s+)*remember\s+"
    r"(?:when|that|how|the time)\b"
    r"|^\W*(?:(?:oh|so|and|by the way|btw),?\s+)*(?:did|have)\s+i\s+(?:ever\s+)?"
    r"(?:(?:tell|told)\s+you|mention(?:ed)?)\b"
    r"|,\s*(?:right|remember)\s*\?\s*$",
    re.I,
)


def _asks(sentence: str) -> bool:
    stripped = sentence.rstrip()
    return stripped.endswith("?") and _TELLING_QUESTION.search(stripped) is None


def statements(text: str) -> str:
    """The text without its questions: "Where is the internship?" asks, it does not tell
    (but "remember when I got pre-approved for $400,000?" tells)."""
    found = sentences(text)
    if not found or not any(_asks(s) for s in found):
        return text
    return " ".join(s for s in found if not _asks(s))


# A greeting or sign-off said as a sentence of its own ("Good evening.", "Hi Reverie!",
# "Kind regards, Hugo"): it tells nothing, so it is never the sentence quoted.
_PLEASANTRY = re.compile(
    r"^\W*(?:good\s+(?:morning|afternoon|evening|night|day)|hello|hi|hiya|hey|dear|greetings"
    r"|(?:kind|warm|best|many)\s+(?:regards|wishes|thanks)|regards|cheers|thanks|thank\s+you"
    r"|all\s+the\s+best|yours(?:\s+(?:sincerely|truly|faithfully))?)\b(?:\W+\w+){0,2}\W*$",
    re.I,
)


def without_pleasantries(text: str) -> str:
    """The text less its greeting and sign-off sentences (the text as is when that is all)."""
    found = sentences(text)
    kept = [s for s in found if not _PLEASANTRY.match(s)]
    return " ".join(kept) if kept and len(kept) < len(found) else text


def steps_passage(question: Question, text: str, max_chars: int = 900) -> str:
    """For a how-to question: the best sentence and those after it, where a how-to told in
    prose goes on ("I laid up the Morris today. I add a capful of stabiliser, ... then I
    change the oil ..."); the first sentence alone names the task but not the steps."""
    text = without_pleasantries(text)
    top = best_sentence(question, text)
    found = sentences(text)
    if top not in found:
        return top
    kept: list[str] = []
    for sentence in found[found.index(top) :]:
        if kept and len(" ".join([*kept, sentence])) > max_chars:
            break
        kept.append(sentence)
    return " ".join(kept)


def best_sentence(question: Question, text: str, max_chars: int = 320) -> str:
    """The sentence of `text` with most of the question's words (the first on a tie); a
    short text is kept whole. For "how long / how many" a sentence that gives an amount
    wins a tie: "it took forever to get approved" does not say how long it took."""
    wants_amount = question.wh in {"how many", "how much", "how long"}
    text = without_pleasantries(text)
    found = sentences(text)
    if len(text) <= max_chars and not (wants_amount and len(found) > 1):
        return text.strip()
    if not found:
        return text[:max_chars]
    scored = [
        (
            len(question.focus & terms(s))
            + (0.5 if wants_amount and short_span(question, s) else 0),
            -i,
            s,
        )
        for i, s in enumerate(found)
    ]
    if wants_amount:
        at = -max(scored)[1]
        if short_span(question, found[at]) is None:
            # The amount is often in the next sentence: "it took forever. Over a year."
            for near in (at + 1, at - 1):
                if 0 <= near < len(found) and short_span(question, found[near]):
                    pair = sorted((at, near))
                    both = " ".join(found[i] for i in pair)
                    return both if len(both) <= max_chars else found[near][:max_chars]
    at = -max(scored)[1]
    if (
        question.wh in {"where", "who"}
        and len(found[at].split()) <= 4
        and not short_span(question, found[at])
    ):
        # "Flour drama. Willamette Valley shorted us twice ... I'm moving us to Cascade Stone
        # Mill.": a heading of a few words names the topic; the place or person asked for
        # is in one of the next two sentences.
        for near in (at + 1, at + 2):
            if near < len(found) and short_span(question, found[near]):
                run = " ".join(found[at : near + 1])
                return run if len(run) <= max_chars else found[near][:max_chars]
    top = max(scored)[2]
    return top if len(top) <= max_chars else top[: max_chars - 1] + "…"


# "Ohio Department of Transportation", "Bank of America": an "of" inside a name
_NAME = (
    r"(?:(?:Dr|Mr|Mrs|Ms|Prof)\.?\s+)?"  # "Dr. Kowalski"
    r"[A-ZÀ-Ý][\wÀ-ÿ'’\-]+(?:(?:\s+of(?:\s+the)?)?\s+[A-ZÀ-Ý][\wÀ-ÿ'’\-]+)*"
)
_DATE = re.compile(
    r"\b(?:\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+\d{1,2}(?:st|nd|rd|th)?)"
    r"(?:,?\s+\d{4})?\b",
    re.I,
)
DURATION = re.compile(
    r"\b(?:(?:over|about|almost|nearly|more than|less than|around|roughly|just over|just under)\s+)?"
    r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|a couple of|"
    r"several|\d+(?:\.\d+)?)\s+(?:minute|hour|day|night|week|fortnight|month|year|decade)s?\b"
    r"(?:\s+(?:each way|a day|a week|per day|per week))?",
    re.I,
)
_QUANTITY = re.compile(r"[£$€]\s?\d+(?:[.,]\d+)*(?:k\b)?|\b\d+(?:[.,]\d+)?\s*(?:%|[a-zA-Z£$€]+)?")


def nearest_to_focus(question: Question, sentence: str, found: list[re.Match[str]]) -> str:
    """Of several candidate answers in a sentence, the one nearest the question's own words:
    "the meeting at 2:00 pm ... the gym, which is usually at 6:00 pm" answers the gym."""
    return _nearest(question, sentence, found).group().strip()


def _nearest(question: Question, sentence: str, found: list[re.Match[str]]) -> re.Match[str]:
    anchors = [
        w.start()
        for w in re.finditer(r"[\wÀ-ÿ'’-]+", sentence)
        if term(w.group()) in question.focus
    ]
    if not anchors or len(found) == 1:
        return found[0]
    return min(found, key=lambda m: min(abs(m.start() - a) for a in anchors))


# How much of something that is no money: "1.25mg", "78%", "2 litres".
_MEASURED = (
    r"|%|\d\s*(?:mg|mcg|ml|g|kg|lbs?|oz|l|litres?|liters?|units?|tablets?|pills?|drops?|"
    r"cups?|tsp|tbsp|hours?|hrs?|minutes?|mins?|km|miles?)\b"
)
_ASKS_A_PRICE = (
    r"\b(?:cost|costs|pay|paid|price|charge|charged|sell|sold|spend|spent|earn|rent|fee|salary|"
    r"how\s+much\s+(?:is|are|was|were)\s+(?:a|an|the|one|our|my)\b)"
)


def short_span(question: Question, sentence: str) -> str | None:
    """The few words that answer a who / where / when / how many question, when the
    sentence shows them plainly; None otherwise (the sentence is the answer)."""
    asked = {fold(w) for w in re.findall(r"[\wÀ-ÿ]+", question.text)}
    if question.wh == "how long":
        duration = DURATION.search(sentence)
        if duration:
            return duration.group().strip()
    if question.wh in {"how many", "how much", "how long"}:
        # "the 28th" is a day, not an amount; "how much" wants money or a unit.
        # Nor is a number the question names itself ("pre-1920 coins", "Canon EOS 80D").
        named = set(re.findall(r"\d+", question.text))
        amounts = [
            m
            for m in _QUANTITY.finditer(sentence)
            if not re.fullmatch(r"\d+(?:st|nd|rd|th)", m.group().strip())
            and not set(re.findall(r"\d+", m.group())) & named
            # A year is not an amount ("a 1915 Buffalo nickel").
            and not re.fullmatch(r"(?:18|19|20)\d\d", m.group().strip())
        ]
        if question.wh == "how much":
            # "How much is a loaf?" wants money, not the dough's 78% hydration
            price = re.search(_ASKS_A_PRICE, question.text, re.I) is not None
            amounts = [
                m
                for m in amounts
                if re.search(
                    r"[£$€]|\d\s*(?:k|pounds?|dollars?|euros?|quid|bucks|grand)\b"
                    + ("" if price else _MEASURED),
                    m.group(),
                )
            ]
        return nearest_to_focus(question, sentence, amounts) if amounts else None
    if question.asks_when:
        found = _DATE.search(sentence)
        return found.group() if found else None
    if question.wh in {"who", "whom"}:
        names = [
            match
            for match in re.finditer(_NAME, sentence)
            if match.start() > 0
            and [w for w in match.group().split() if fold(w) not in asked]
            and fold(match.group().split()[0]) not in {"i", "i'm"}
            and not _sentence_start_word(sentence, match)
            # "in Old Portsmouth" is a place, not a person ("engaged to Marta" is one).
            and (
                not re.search(
                    r"\b(?:in|at|from|to|near|on|of)\s+(?:the\s+)?$",
                    sentence[: match.start()],
                    re.I,
                )
                or _PERSON_AFTER.search(sentence[: match.start()]) is not None
            )
        ]
        if not names:
            return None
        # Several people in one sentence: the one named nearest the asked role.
        chosen = nearest_to_focus(question, sentence, names)
        return " ".join(w for w in chosen.split() if fold(w) not in asked)
    if question.wh == "where":
        places = [
            m
            for m in re.finditer(
                # "is joining Transport Infrastructure Ireland in November": a workplace
                rf"\b(?:in|at|to|from|near|joining|joined)\s+(?:the\s+)?({_NAME})",
                sentence,
            )
            if fold(m[1]) not in asked
            and _PERSON_AFTER.search(sentence[: m.start(1)]) is None
            and fold(m[1].split()[0]) not in _WHEN_WORDS  # "in November" is no place
        ]
        if _asks_workplace(question):
            # "moved to Lisbon for a job at Feedzai": where someone works is the employer.
            at_work = [m for m in places if _WORK_BEFORE.search(sentence[: m.start(1)])]
            places = at_work or places
        if places:
            return _nearest(question, sentence, places)[1]
    return None


# "engaged to Marta", "talked to Jonas": a person after the preposition, not a place.
_PERSON_AFTER = re.compile(
    r"\b(?:engaged|married|talk(?:ed|ing)?|spoke|speak(?:ing)?|introduced|wrote|writ(?:e|ing)|"
    r"sen[dt]|g[ai]ve|said|say|went out|dating|proposed)\s+to\s+$",
    re.I,
)
_WORK_BEFORE = re.compile(
    r"\b(?:job|work(?:s|ed|ing)?|employed|internship|position|role|hired|joined|starts?|"
    r"started|starting)\b[^.,;]{0,25}\b(?:at|for|with)\s+(?:the\s+)?$"
    r"|\b(?:joining|joined)\s+(?:the\s+)?$",
    re.I,
)
_WHEN_WORDS = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday christmas easter""".split()  # noqa: SIM905
)


def _asks_workplace(question: Question) -> bool:
    return re.search(r"\bwork(?:s|ing)?\b|\bjob\b|\bemploy", question.text, re.I) is not None


def _sentence_start_word(sentence: str, match: re.Match[str]) -> bool:
    """A capitalised common word opening a sentence ("… Marta! The wedding …"), not a name."""
    first = fold(match.group().split()[0])
    opens = re.search(r"(?:^|[.!?]\s+|\n\s*)$", sentence[: match.start()]) is not None
    return opens and (first in STOPWORDS or first in GENERIC)
