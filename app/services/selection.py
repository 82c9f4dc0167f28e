"""Selecting the answer: a current fact, a how-to, what happened then, or the sentence that
holds the question's words, with the memory it came from (cited first).

Works without any language model, so the bundled small one never has to write an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from app.core.answer_checks import (
    kind_words,
    misses_a_name,
    names_no_one_new,
    someone_elses,
    tells_the_deed_asked,
)
from app.core.answer_shapes import (
    CLAUSE,
    HOW_LONG_IT_WAS,
    clock_answer,
    gives_the_amount_asked,
    gives_what_is_asked,
    wants_a_shape,
)
from app.core.answer_spans import (
    DURATION,
    best_sentence,
    sentences,
    short_span,
    statements,
    steps_passage,
)
from app.core.date_questions import parse_date_question
from app.core.fact_match import (
    ATTRIBUTE_WORDS,
    attribute_words,
    match_fact,
    match_procedure,
    resolve_relations,
)
from app.core.fact_phrasing import describe_fact, fact_sentence, procedure_text
from app.core.fact_words import ME
from app.core.forgetting import ForgettingParams, memory_retention
from app.core.leaving import CHANGE, current_part, leaves, left_since
from app.core.procedures import read_procedure
from app.core.questions import (
    Question,
    analyse,
    coverage,
    enough,
    fold,
    kind_asked,
    kind_members,
    terms,
)
from app.core.records import Memory
from app.core.time_expressions import TimeRange, find_time_range, when_it_happened
from app.services.assistant_turns import ASKS_CHOICE, reply_to, what_it_answered
from app.services.date_answers import date_answer
from app.services.recall import RecallHit, RecallOptions, search
from app.storage.chroma_index import ChromaIndex
from app.storage.fact_store import PROCEDURE, FactStore
from app.storage.sqlite_store import SqliteMemoryStore

RETRIEVE = 12  # memories searched for a sentence that answers
# A memory one specific word short still answers when it is this close in meaning ("my
# dentist appointment" / "booked the dentist for 2 December"); calibrated on the dev scenario
# and LongMemEval dev (abstention questions score below it).
SIM_RESCUE = 0.55
SIM_RESCUE_ONE = 0.6
# A later message this close to a fact's sentence is about the same thing (calibrated on the
# dev scenarios: restatements 0.6-0.8, other messages on the topic below 0.55).
SAME_THING_COSINE = 0.5
IN_RANGE = 3  # "what did I do last week?" lists at most this many moments


@dataclass(frozen=True)
class Selection:
    text: str  # the answer as shown, citing [1]
    shown: list[RecallHit]  # the answering memory first, then the other candidates
    how: str  # fact, procedure, moment, sentence
    excerpt: str = ""  # the words of memory [1] that answer, shown with its citation


def select_answer(
    question: str,
    *,
    store: SqliteMemoryStore,
    index: ChromaIndex,
    now: datetime,
    params: ForgettingParams,
    k: int = 5,
) -> Selection | None:
    facts_store = FactStore(store)
    facts = facts_store.current_facts()
    names = facts_store.user_names()
    asked = resolve_relations(question, facts, names)
    q = analyse(asked, names)

    def hit(memory: Memory) -> RecallHit:
        sources = store.evidence_for([memory.id]).get(memory.id, [])
        retention = memory_retention(memory, now, params)
        return RecallHit(memory, 1.0, retention, tuple(sources), 1.0, True, True)

    date_question = parse_date_question(asked)
    if date_question is not None:
        # Arithmetic on the days of two remembered events, or of one and today.
        def find(words: str) -> list[RecallHit]:
            return search(store, index, words, now=now, params=params,
                          options=RecallOptions(k=RETRIEVE))  # fmt: skip

        def choose(event: Question, found: list[RecallHit]) -> RecallHit | None:
            return _best_sentence_hit(event, found, {}, names)

        computed = date_answer(date_question, asked, now, find, choose, said, names)
        if computed is None:
            return None
        text, used = computed
        return Selection(text, used, "dates", statements(said(used[0])))
    procedure = match_procedure(q, [f for f in facts if f.attribute == PROCEDURE])
    if procedure is not None:
        return Selection(f"{procedure_text(procedure)} [1]", [hit(procedure)], "procedure")
    time_range = find_time_range(question, now)
    fact = None if q.asks_when and "birthday" not in fold(asked) else match_fact(q, facts, names)
    hits = search(store, index, asked, now=now, params=params,
                  options=RecallOptions(k=max(k, RETRIEVE)))  # fmt: skip
    if fact is not None and asks_before(q) and fact.attribute != "past job":
        # "Who was my previous manager?": the value the current fact replaced (else the
        # oldest message that answers, below). A past job is itself what was before.
        older = facts_store.replaced(fact)
        if older is not None:
            until = f" until {fact.valid_from:%-d %B %Y}" if fact.valid_from else ""
            was = describe_fact(older.subject, older.attribute or "", older.value or "", True)
            return Selection(f"{was[:-1]}{until}. [1]", [hit(older), hit(fact)], "earlier fact")
    elif fact is not None:
        value_hits = search(store, index, fact.value or "", now=now, params=params,
                            options=RecallOptions(k=RETRIEVE)) if fact.value else []  # fmt: skip
        newer = _said_since(fact, [*hits, *value_hits], index)
        if newer is None:
            return Selection(f"{fact_sentence(fact)} [1]", [hit(fact)], "fact")
        # The rules did not read the update, but a later message is about the same thing:
        # show what was said last rather than state an old value as current.
        text, excerpt = _sentence_answer(q, newer)
        return Selection(f"{text} [1]", [newer, hit(fact)], "newer than fact", excerpt)
    if time_range is not None and q.what_happened:
        return _moments(q, hits, time_range, store, index, now, params)
    contexts = (
        what_it_answered(store, hits)
        if q.to_assistant
        else store.contexts([h.memory.id for h in hits])
        if q.procedure
        else {}
    )
    chosen = _best_sentence_hit(q, hits, contexts, names)
    if chosen is None:
        return None
    # "When did Sung-min move in?" asks when something happened once: a later message that
    # names it again ("sung-min wants to build a foam core dragon") does not move it.
    once = (
        q.asks_when
        and re.search(r"\bdid\b", q.text, re.I)
        and not re.search(r"\b(?:last|latest|recently|most recent)\b", q.text, re.I)
    )
    if not asks_before(q) and not q.to_assistant and not once:
        chosen = _restated_since(q, chosen, hits, index) or chosen
    if q.to_assistant and chosen.memory.from_assistant and ASKS_CHOICE.search(q.text):
        # "Which of your present ideas for Jo did I go with?": the user's own reply to the
        # suggestions says which.
        reply = reply_to(chosen, store, now, params)
        if reply is not None:
            text, excerpt = _sentence_answer(q, reply)
            return Selection(f"{text} [1]", [reply, chosen], "sentence", excerpt)
    others = [h for h in hits if h.memory.id != chosen.memory.id and h.current][: k - 1]
    text, excerpt = _sentence_answer(q, chosen)
    return Selection(f"{text} [1]", [chosen, *others], "sentence", excerpt)


def _restated_since(
    q: Question, chosen: RecallHit, hits: list[RecallHit], index: ChromaIndex
) -> RecallHit | None:
    """A later message of the user's on the same thing that also answers: what they said
    last wins over what they said first, even in other words ("I'm on the 7:40 train" after
    "I take the 8:10 bus"), without a fact rule having read either. Close in meaning to the
    chosen one and holding enough of the question's words (and the kind of answer asked)."""
    since = chosen.memory.event_time
    if since is None or chosen.memory.from_assistant:
        return None
    told = statements(said(chosen))
    top = best_sentence(q, told)
    needs_shape = gives_what_is_asked(q, top)
    # What the chosen sentence answers with, when it names it; leaving something else it
    # names does not change that answer, nor what happened once ("Which garage did the MOT
    # on my car?" stays answered after the car went for scrap).
    answer = short_span(q, top) or _member_named(q, top)
    past = re.search(r"\b(?:did|was|were|had)\b", q.text, re.I) is not None
    later: list[RecallHit] = []
    left: list[RecallHit] = []  # a later message that says the thing named was left
    changes: set[int] = set()
    for h in hits:
        if not h.memory.raw or h.memory.from_assistant or h.memory.event_time is None:
            continue
        if h.memory.event_time <= since or h.memory.id == chosen.memory.id:
            continue
        text = statements(said(h))
        if someone_elses(q, text):
            continue
        # the answer itself ("Spanish") or a name within it ("the museum" of "Canadian
        # Museum of Nature")
        left_it = (
            leaves(answer, text) or left_since(answer, text) if answer else left_since(top, text)
        )
        if text.strip() and not past and left_it:
            left.append(h)
            continue
        if not text.strip():
            continue
        covered = coverage(q, close_together(q, text))
        if not enough(q, covered) and not (
            # "Update: ... we're now playing on Thursday nights at 6:40" after "Games are
            # Wednesday nights at 8pm": an update giving the kind of answer asked (a time,
            # an amount, a make) needs fewer of the question's words.
            covered > 0 and wants_a_shape(q) and _UPDATE.search(text)
        ):
            continue
        if (
            needs_shape
            and not gives_what_is_asked(q, best_sentence(q, text))
            and not _SWITCH.search(text)
        ):
            continue
        later.append(h)
        if not enough(q, covered):
            changes.add(h.memory.id)  # an update: close enough in meaning at CHANGED_COSINE
    if not later and not left:
        return None
    left_ids = {h.memory.id for h in left} | changes
    vectors = index.vectors([chosen.memory.id, *(h.memory.id for h in [*later, *left])])
    if chosen.memory.id not in vectors:
        return None
    close = [
        h
        for h in [*later, *left]
        if h.memory.id in vectors
        and float(vectors[h.memory.id] @ vectors[chosen.memory.id])
        >= (CHANGED_COSINE if h.memory.id in left_ids else SAME_THING_COSINE)
    ]
    return max(close, key=lambda h: h.memory.event_time or since) if close else None


# Saying a thing changed to another, in other words than the question's kind of answer:
# "I'm moving us to Cascade Stone Mill starting July 1st", "switching over to Octopus".
_SWITCH_WORDS = (
    r"\b(?:moving|switching|changing)\s+(?:us|me|everything|it|them)?\s*(?:over\s+)?to\b"
)
_SWITCH = re.compile(_SWITCH_WORDS, re.I)
_UPDATE = re.compile(
    r"^\W*(?:update|correction|change of plans?)\b|\b(?:changed|has changed|from now on|instead|"
    r"no longer|any ?more)\b|\b(?:we(?:'re|’re| are)|I(?:'m|’m| am))\s+now\b|"
    + _SWITCH_WORDS
    # "I have increased it to £350 a month"
    + r"|\b(?:increased|raised|upped|bumped|reduced|lowered|cut|dropped)\s+(?:it|that|this|them)\s+"
    r"(?:up\s+|down\s+)?to\b",
    re.I,
)


# What does not change later ("What breed is Biscuit?"): a later message naming a corgi is
# about another dog, not an update.
_LIFELONG = frozenset({"breed", "birthday", "grew up in", "blood type"})


def _said_since(fact: Memory, hits: list[RecallHit], index: ChromaIndex) -> RecallHit | None:
    """A message of the user's, later than the fact, on the same thing: close in meaning to
    the fact's own sentence and naming its attribute ("these days I catch the ferry to
    work" after "I take the tram to work", in words the rules did not read)."""
    if fact.attribute in _LIFELONG:
        return None
    since = fact.valid_from or fact.observed_at
    later = list({
        h.memory.id: h for h in hits
        if h.memory.raw and not h.memory.from_assistant and h.memory.event_time
        and h.memory.event_time > since and not set(h.memory.evidence_ids) & set(fact.evidence_ids)
    }.values())  # fmt: skip
    if not later:
        return None
    # "Last day at Monzo today! Starting at Wise on Monday": the old value right after a word
    # of leaving it is an update, whatever else the message says.
    changed = [h for h in later if leaves(fact.value or "", said(h))]
    if changed:
        return max(changed, key=lambda h: h.memory.event_time or since)
    vectors = index.vectors([fact.id, *(h.memory.id for h in later)])
    if fact.id not in vectors:
        return None
    about = attribute_words(fact.attribute or "")
    close = [
        h for h in later
        if h.memory.id in vectors
        and float(vectors[h.memory.id] @ vectors[fact.id])
        >= (CHANGED_COSINE if CHANGE.search(said(h)) else SAME_THING_COSINE)
        and about & terms(said(h))
        and _said_as_mine(about, said(h))
    ]  # fmt: skip
    return max(close, key=lambda h: h.memory.event_time or since) if close else None


CHANGED_COSINE = 0.35
_MINE = re.compile(r"\b(?:I|I'm|I've|I'd|my|me|we|we're|we've|our|us)\b", re.I)


def _said_as_mine(about: set[str], text: str) -> bool:
    """Whether a clause naming the attribute also names the user: "these days I catch the
    ferry to work" updates the commute; "Ollie from choir was on the organ, Fiona wants to
    join the church choir" is not about the user's choir."""
    clauses = re.split(r"[,;.!?]\s*|\s+(?:and|but|so)\s+", text)
    return any(about & terms(c) and _MINE.search(c) for c in clauses)


def close_together(q: Question, text: str) -> str:
    """In a long message, the three neighbouring sentences that hold most of the question's
    words: words scattered over a rambling message ("Fen's mostly on board" ... "her mum's
    birthday") do not answer "When is Fen's birthday?"."""
    found = sentences(text)
    if len(found) <= 4:
        return text
    spans = [" ".join(found[i : i + 3]) for i in range(len(found) - 2)]
    return max(spans, key=lambda span: (coverage(q, span), -spans.index(span)))


def someone_else_said(q: Question, hit: RecallHit, speakers: list[str]) -> bool:
    """ "What did Melanie realise after the race?" is not answered by what Caroline said
    about her own race: the question names one of the chat's speakers, and the message is
    another speaker's and does not name that one."""
    source = hit.sources[0] if hit.sources else None
    if source is None or not source.speaker:
        return False
    asked = [s for s in speakers if s and fold(s) != ME and _names(q.text, s)]
    if not asked or any(fold(s) == fold(source.speaker) for s in asked):
        return False
    return not any(_names(said(hit), s) for s in asked)


def _names(text: str, name: str) -> bool:
    """Whether `text` speaks of `name`; "Hey Gina," or "Thanks, Gina!" speak *to* her."""
    first = fold(name).split()[0] if name.split() else ""
    if len(first) < 2:
        return False
    folded = fold(text)
    name_re = re.escape(first)
    folded = re.sub(rf"^\W*(?:[a-z]+\W+){{0,3}}?{name_re}\b\s*[,!.?]", " ", folded)
    folded = re.sub(rf",\s*{name_re}\s*[,!.?]", " ", folded)
    return re.search(rf"\b{name_re}\b", folded) is not None


def said(hit: RecallHit) -> str:
    """The words as they were said: the message itself for a raw memory (no "me:" prefix)."""
    if hit.memory.raw and hit.sources:
        return hit.sources[0].content
    return hit.memory.text


def _best_sentence_hit(
    q: Question, hits: list[RecallHit], contexts: dict[int, str], speakers: list[str]
) -> RecallHit | None:
    """The memory holding most of the question's specific words; the user's own words
    before an assistant's (unless the question asks what the assistant said), and the newer
    of two that hold them equally (the older one may be out of date)."""
    # Outdated messages stay candidates (a replaced fact does not make the rest of a message
    # wrong: "first day at Helio" still says when the job started) but lose ties to current ones.
    pool = list(hits)
    if q.to_assistant:
        pool = [h for h in pool if h.memory.from_assistant] or pool
    scored: list[tuple[float, RecallHit]] = []
    kind = kind_words(q)  # "What health issue ...": the words that name the answer's kind
    for rank, h in enumerate(pool):
        told = statements(said(h))
        if not told.strip() or someone_elses(q, told) or someone_else_said(q, h, speakers):
            continue
        if not tells_the_deed_asked(q, told):
            continue
        if q.wh == "how much" and short_span(q, told) is None:
            # "How much did we pay for the house?" is not answered by "We closed on the house"
            continue
        if HOW_LONG_IT_WAS.search(q.text) and not DURATION.search(told):
            # "How long was I in Korea for?" is not answered by "thinking of visiting Korea"
            continue
        # "my apartment in Shinjuku" is not answered by the user's flat elsewhere: a name the
        # question gives must be in the answer (a false premise abstains), or, for what the
        # assistant said, in the message it answered ("a walk in Edinburgh?" / "the Water of
        # Leith walk").
        if misses_a_name(q, told + " " + contexts.get(h.memory.id, "")):
            continue
        if names_no_one_new(q, close_together(q, told), said(h)):
            continue
        text_share = coverage(q, close_together(q, told))
        whole = said(h)
        if told != whole and gives_the_amount_asked(q, told):
            # "Can I use my worsted weight yarn? I have a stash of 17 skeins": the question
            # beside the answer names what the amount is of.
            text_share = max(text_share, coverage(q, close_together(q, whole)))
        # What the assistant said answers the message before it: "Which shoes would you
        # suggest?" / "I'd suggest the Novablast 4".
        context = contexts.get(h.memory.id, "")
        share = max(text_share, coverage(q, context)) if q.to_assistant else text_share
        tells_steps = q.procedure and read_procedure(told) is not None
        if tells_steps and context:
            # "what actually works w/ him: get him on the sofa, 5 drops in, ..." after
            # "Marmite has ANOTHER ear infection": the message before says what it is for.
            share = max(share, coverage(q, context))
        missing = q.focus - terms(told)
        short_by_one = len(q.focus) >= 2 and len(missing) <= 1 and not missing & ATTRIBUTE_WORDS
        if missing and missing <= kind and len(q.focus - kind) >= 2:
            # "What health issue did I initially think was just a cold?" / "a bad case of
            # bronchitis that I initially thought was just a cold": the words of the kind of
            # thing asked for are seldom said with it; all the others are.
            share = max(share, 1.0 - 0.5 * len(missing) / len(q.focus))
        # One specific word, said otherwise ("flying" / "booked flights"): very close only.
        said_otherwise = len(q.focus) == 1 and bool(missing) and not missing & ATTRIBUTE_WORDS
        if said_otherwise and h.similarity >= SIM_RESCUE_ONE:
            scored.append((0.5 - 0.001 * rank, h))
            continue
        if enough(q, share) or (short_by_one and h.similarity >= SIM_RESCUE):
            # Among those that hold the question's words, one that holds the kind of answer
            # asked for comes first.
            shaped = 0.2 if gives_what_is_asked(q, best_sentence(q, told)) else 0.0
            if tells_steps:
                shaped += 0.2  # a how-to asked for: the message that tells one, steps and all
            if q.to_assistant and "?" in context and enough(q, coverage(q, context)):
                # "What did you suggest for sleeping after night shifts?": the reply to the
                # user's own question on it ("any tips for sleeping after a night shift?").
                shaped += 0.1
            scored.append((share + shaped - 0.001 * rank, h))
    if not scored:
        return None
    if not q.to_assistant:
        own = [(s, h) for s, h in scored if not h.memory.from_assistant]
        scored = own or scored
    top = max(s for s, _ in scored)
    best = [h for s, h in scored if s >= top - 0.01 - 1e-9]
    if asks_before(q):  # "my previous personal best": the oldest of equals
        return min(best, key=lambda h: (h.memory.event_time or h.memory.observed_at, h.memory.id))
    # Among equals: what is still current, then the newest.
    return max(
        best,
        key=lambda h: (h.current, h.memory.event_time or h.memory.observed_at, -h.memory.id),
    )


_BEFORE = re.compile(
    r"\b(?:previous(?:ly)?|former(?:ly)?|used to|my old|originally(?!\s+from)|at first|initially)\b"
    # "Who was my manager before?", "... before that?" (not "before the wedding")
    r"|\bbefore(?:\s+(?:that|then|now|this))?\s*[?.!]*\s*$",
    re.I,
)


def asks_before(q: Question) -> bool:
    """The question asks what was true before an update, not what is true now."""
    return _BEFORE.search(q.text) is not None


def _moments(
    q: Question,
    hits: list[RecallHit],
    time_range: TimeRange,
    store: SqliteMemoryStore,
    index: ChromaIndex,
    now: datetime,
    params: ForgettingParams,
) -> Selection | None:
    """What happened in the span a question names: the user's own messages from then (the
    ones recall ranked first, else the span's own), listed in time order."""
    in_span = store.get_memories(store.memories_between(time_range.start, time_range.end, 200))
    own = {
        m.id: m
        for m in in_span.values()
        if m.raw and not m.from_assistant and time_range.contains(m.event_time)
    }
    if not own:
        return None
    ranked = [h.memory.id for h in hits if h.memory.id in own]
    ranked += sorted((i for i in own if i not in ranked), key=lambda i: own[i].event_time or now)
    chosen_ids = ranked[:IN_RANGE]
    sources = store.evidence_for(chosen_ids)
    chosen = [
        RecallHit(own[i], 1.0, memory_retention(own[i], now, params), tuple(sources.get(i, ())))
        for i in chosen_ids
    ]
    chosen.sort(key=lambda h: h.memory.event_time or now)
    parts = []
    for number, h in enumerate(chosen, start=1):
        when = h.memory.event_time
        day = f"{when:%-d %B %Y}" if when else "undated"
        parts.append(f"{day}: “{best_sentence(q, said(h))}” [{number}]")
    return Selection("\n".join(parts), chosen, "moments")


_SAME_DAY = re.compile(
    r"\b(just|today|tonight|this (morning|afternoon|evening)|right now|at the moment)\b", re.I
)


def _sentence_answer(q: Question, h: RecallHit) -> tuple[str, str]:
    """The answer to show and the sentence behind it (shown with the citation): the date,
    name, place or number alone when the sentence gives it plainly, else the sentence."""
    told = said(h) if h.memory.from_assistant else statements(said(h))
    sentence = steps_passage(q, told) if q.procedure else best_sentence(q, told)
    when = h.memory.event_time
    day = f"{when:%-d %B %Y}" if when else None
    if h.memory.from_assistant:
        return f"The assistant said{f' on {day}' if day else ''}: “{sentence}”", sentence
    said_at = h.sources[0].timestamp if h.sources and h.sources[0].timestamp else when
    clock = clock_answer(q, sentence)
    if clock:
        return clock, sentence
    if q.asks_when and said_at is not None:
        happened = _when_near_focus(q, sentence, said_at)
        if happened:
            return happened[:1].upper() + happened[1:], sentence
        if _SAME_DAY.search(sentence):
            return f"On {day}", sentence
        # The sentence does not date what it tells: say when it was said, not when it was.
        return f"Mentioned on {day}", sentence
    span = short_span(q, sentence) or _member_named(q, sentence)
    if span and span != sentence:
        return span, sentence
    shown = sentence if asks_before(q) else current_part(q.text, sentence)
    return f"“{shown}”" + (f" ({day})" if day else ""), sentence


def _member_named(q: Question, sentence: str) -> str | None:
    """ "Which language am I learning?" / "ditching duolingo spanish ... doing italian now":
    the last one named that the sentence does not say was left ("from X to Y", "traded X in
    for Y": the newer comes last)."""
    kind = kind_asked(q)
    if kind is None:
        return None
    kept = [m for m in kind_members(kind, sentence) if not leaves(m, sentence)]
    return kept[-1][:1].upper() + kept[-1][1:] if kept else None


# Not at "(the 22nd)", which dates the clause before it.
def _when_near_focus(q: Question, sentence: str, said_at: datetime) -> str | None:
    """The time the clause holding the question's words gives ("Rang Immy last night for
    her 30th – she got bitten by a rabbit last week": last night), else the sentence's."""
    clauses = [c for c in CLAUSE.split(sentence) if c.strip()]
    ranked = sorted(clauses, key=lambda c: -coverage(q, c))
    for clause in ranked:
        if coverage(q, clause) == 0:
            break
        found = when_it_happened(clause, said_at)
        if found:
            return found
    # No clause with the question's words dates it: the sentence's time, unless it only
    # bounds something else ("SIGNED. 5-year lease, rent goes to $6,850 starting 11/1").
    if _BOUNDS_ANOTHER_THING.search(sentence):
        return None
    return when_it_happened(sentence, said_at)


_BOUNDS_ANOTHER_THING = re.compile(
    r"\b(?:starting|from|until|till|due|expires?|ending|effective)\s+(?:on\s+)?(?:the\s+)?"
    r"(?:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    re.I,
)
