"""How-tos read from a message by rules, no model: a goal and its ordered steps from numbered
or dashed lists, "first ..., then ...", "step one ...", "the trick is to ...", and how-tos
embedded in longer messages. Pure functions of text: no I/O, no clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_STEP_SPLIT = re.compile(
    r"\s*(?:\n\s*(?:\d{1,2}[.)]|[-*•→])\s*|(?<!\d)\b\d{1,2}[.)]\s+|,?\s*\band then\b\s*"
    r"|,?\s*\bthen\b\s*|,?\s*\b(?:and )?finally\b,?\s*|,?\s*\bafter that\b,?\s*|;\s*"
    r"|,\s*(?:and\s+)?|\s*(?:→|->|=>)\s*)",
    re.I,
)


@dataclass(frozen=True)
class Procedure:
    goal: str  # "restore the staging database"
    steps: tuple[str, ...]
    sentence: str

    @property
    def text(self) -> str:
        numbered = " ".join(f"{i}. {s}" for i, s in enumerate(self.steps, start=1))
        return f"How to {self.goal}: {numbered}"


_HOWTO = re.compile(
    r"^(?:(?:here(?:'s| is)\s+)?how\s+I\s+(?P<a>[^:]+?)\s*[:\-–]"
    r"|my\s+(?P<b>[^:]*?(?:routine|steps|process|recipe|procedure|method|checklist|workflow)[^:]*?)\s*[:\-–]"
    r"|when\s+I\s+(?P<d>\w+(?:\s+\w+){0,5}?)\s+I\s+(?:usually\s+|always\s+)?(?=\w+\s.*\bthen\b)"
    r"|(?:to|when\s+I)\s+(?P<c>[^:,]+?)\s*[:,]\s*(?=(?:I\s+)?(?:first\s+)?[a-z]))",
    re.I,
)
# "the trick is to ...", "the way I do it is: ...": the goal is what the sentence before it
# was about ("Biscuit's nails are a nightmare. The trick is to ...").
_METHOD = re.compile(
    r"(?:^|[.!?]\s+|\n)(?P<lead>(?:the\s+)?(?:trick|way\s+I\s+do\s+it|way\s+to\s+do\s+it|secret|method|process|system)\s+is(?:\s+to)?\s*[:\-–]?\s*)",
    re.I,
)
# "The way I take the readings, so that I do them the same each time, is this. I sit ...",
# "the way I prune the roses is to begin by ...": the goal is said in the lead-in itself.
_WAY = re.compile(
    r"(?:^|[.!?]\s+|\n|,\s+)(?:the\s+)?way\s+(?:I|we)\s+(?P<goal>(?!do\s+it\b)[a-z][^,.!?:]{2,60}?)"
    r"(?:,[^.!?:]{0,60},)?\s+is\s+(?:to\s+|this\s*[.:]\s*|as\s+follows\s*[.:]?\s*|:\s*)",
    re.I,
)
_WORD_STEPS = re.compile(
    r"\bstep\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s*[,:.)\-–]\s*", re.I
)
_GERUND_LEAD = re.compile(
    r"^\s*([a-z]+ing\s+(?:(?:my|the|a|our|his|her)\s+)?[\w\-]+(?:\s+[\w\-]+)?)", re.I
)


_DONE = {
    "cooked": "cook", "made": "make", "baked": "bake", "brewed": "brew", "fixed": "fix",
    "built": "build", "cleaned": "clean", "planted": "plant", "sowed": "sow", "bled": "bleed",
    "prepped": "prep", "prepared": "prepare", "repaired": "repair", "set up": "set up",
    "smoked": "smoke", "grilled": "grill", "roasted": "roast", "painted": "paint",
    "sharpened": "sharpen", "replaced": "replace", "installed": "install",
}  # fmt: skip


_FILLER = re.compile(
    r"(?:,?\s*(?:and\s+)?I\s+want\s+(?:the|this|it|my)\s*(?:recipe|steps|routine|checklist)?\s*"
    r"(?:saved|written\s+down|down|recorded|somewhere)"
    r"|,?\s*so\s+I\s+(?:have|keep)\s+it\s+(?:in\s+one\s+place|somewhere|handy)"
    r"|(?:^|(?<=[.!?])\s+)(?:writing|jotting|noting|putting|saving)\s+(?:it|this)\s+down"
    r"|(?:^|(?<=[.!?])\s+)for\s+(?:next\s+time|the\s+record|future\s+reference|future\s+me))",
    re.I,
)


_NAMES_HOW_TO = re.compile(r"\b(?:routine|recipe|checklist)\b", re.I)


def _goal(raw: str) -> str:
    goal = raw.strip().rstrip(":,")
    # "IPA recipe (5 gal batch)" is the recipe; "Sourdough (my weekend routine)" the routine.
    goal = re.sub(
        r"\(([^)]*)\)",
        lambda m: f" {m[1]} " if _NAMES_HOW_TO.search(m[1]) else " ",
        goal,
    )
    # "I want the recipe saved", "so I have it in one place": why it is written down
    goal = _FILLER.sub(" ", goal).strip(" ,.;:")
    # the heading's last sentence that says more than "Writing it down"
    said = [t for t in re.split(r"(?<=[.!?])\s+", goal) if t.strip(" .!?")]
    goal = said[-1].rstrip(".!?") if said else goal
    parts = re.split(r"\s+(?:so|because|since|bc|for future me|for later)\b|,\s+", goal, flags=re.I)
    # "Work thing I keep forgetting, so here's my checklist for when a loan object comes in":
    # the part that names the how-to, else the first.
    named = [
        p
        for p in parts
        if re.search(r"\b(?:recipe|checklist|routine|steps|how|way|process|for when)\b", p, re.I)
    ]
    goal = named[0] if named else parts[0]
    goal = re.sub(r"^(?:here(?:'s| is)\s+)?how\s+I\s+", "", goal, flags=re.I)
    # "Dr. Kowalski showed me how to clean Bruno's ears", "I want to write down how I
    # sharpen my chisels": what comes after "how to" / "how I"
    goal = re.sub(r"^.*?\bhow\s+(?:to|I|we)\s+", "", goal, flags=re.I)
    # "Here is my checklist for getting the Whaler ready": what it is for
    goal = re.sub(
        r"^(?:(?:here(?:'s| is)|this is)\s+)?(?:my|your|our|the)\s+(?:\w+\s+)?"
        r"(?:checklist|routine|steps|process|procedure|method)\s+(?:for|to)\s+",
        "",
        goal,
        flags=re.I,
    )
    # "Sunday mornings I make masala chai for Meena": what I do
    goal = re.sub(r"^(?:[\w-]+\s+){0,3}?I\s+(?=[a-z]+\s)", "", goal)
    goal = re.sub(r"^(?:ok(?:ay)?|so|right|alright|anyway)\b[,!]?\s+", "", goal, flags=re.I)
    # "writing down the pill thing for pistache": the thing, not the writing
    goal = re.sub(
        r"^(?:writing|jotting|noting|putting|saving)\s+(?:it\s+|this\s+)?down\s+",
        "",
        goal,
        flags=re.I,
    )

    goal = re.sub(r"^(?:my|the|our)\s+", "", goal, flags=re.I)
    goal = re.sub(r"\bmy\b", "your", goal, flags=re.I)
    return " ".join(goal.split())


def _steps(body: str) -> list[str]:
    body = re.sub(r"^\s*(?:I\s+)?(?:first\s+)", "", body, flags=re.I)
    body = _WORD_STEPS.sub("\n1. ", body)
    # A written list is split at its markers only: its items may hold commas.
    listed = re.compile(r"(?:^|\n)\s*(?:\d{1,2}[.)]|[-*•→])\s+")
    parts = listed.split(body) if len(listed.findall(body)) >= 3 else _STEP_SPLIT.split(body)
    steps = []
    for part in parts:
        step = " ".join(part.split()).strip(" .;:-*•")
        step = re.sub(r"^(?:I\s+|first\s+|and\s+|then\s+|finally\s+)+", "", step, flags=re.I)
        if len(step) >= 3:
            steps.append(step)
    return steps


_EMBEDDED = re.compile(
    r"(?P<what>\b[^.!?\n:]{0,80}?\b(?:recipe|checklist|routine|steps|process|method|instructions|"
    r"drill|procedure)\b[^.!?\n:]{0,60}?|\b[^.!?\n:]{0,60}?\b(?:the\s+way\s+I\s+do\s+it|"
    r"here'?s\s+how|writing\s+it\s+down[^.!?\n:]{0,40}?))\s*(?::|–|—|\s-\s)\s*"
    # "How we do it: ...", "what I did, so I remember for Mateo's cousin: first ..."
    r"|(?P<works>\b[^.!?\n:]{0,60}?\b(?:what\s+(?:actually\s+)?works\s+(?:for\s+me|for\s+us|"
    r"w/\s*\w+|with\s+\w+)(?:\s+is)?|what\s+I\s+do\s+is|"
    r"how\s+(?:I|we)\s+do\s+it|what\s+(?:I|we)\s+did|"
    # "made mum teach me her tarka dal. her way: wash ...", "the plan: a cron job at 2am ..."
    r"(?:her|his|my|their|our|mum's|mom's|dad's)\s+way|the\s+plan))(?:[^.!?\n:]{0,60}:)?\s*",
    re.I,
)
# "note to self for when the heating plays up, bleeding the radiators: heating off ...",
# "made mum's lentil soup, writing it down properly because ..., two onions ...": a word that
# a how-to is being kept, before or after what it is how to do.
_KEPT = re.compile(
    r"\b(?:(?:writing|jotting|noting|putting)\s+(?:it|this|them|the\s+\w+)\s+down|"
    r"(?:note|reminder)\s+to\s+(?:self|myself)|for\s+next\s+time|so\s+I\s+(?:don't|do\s+not|"
    r"never)\s+(?:lose\s+track|forget))\b[^,.:;!?\n]*[,.:;]?\s*",
    re.I,
)
# "Today I waxed them for the first time: clean the base ..., then ...": told once, in order.
_DID_THIS = re.compile(
    r"(?:^|(?<=[.!?])\s+)(?P<lead>(?:(?:today|yesterday|this\s+morning|last\s+\w+),?\s+)?"
    r"I\s+[a-z]+ed\b[^.!?:\n]{0,60}?)\s*:\s+",
    re.I,
)


# Verbs that open a step told as a sentence of its own ("Melt 125g butter ...", "Turn the gas
# knob to 'pilot' ...").
_IMPERATIVE = frozenset(
    """add apply bake beat blend boil bring brown brush call check chop clean click close cook
    cover cut dissolve drain dry empty enter fill flip fold fry give go grate grill heat hold
    insert keep knead lay leave let lift line log massage measure melt mix open peel place plug
    pour preheat press print pull push put remove repeat replace reset rinse roll rub run scan
    season select send serve set shake simmer slice soak spray spread sprinkle squeeze start
    stir stop store strain submit switch take tap tick tighten toss turn twist type unplug
    upload use wait wash water whisk wipe wrap""".split()  # noqa: SIM905
)
_STEP_LEAD = re.compile(r"^(?:then|next|finally|after\s+that|first|now)\b[,\s]*", re.I)


def _imperative(sentence: str) -> bool:
    """A sentence that gives an order, or goes on with one ("Then 4 drops in each ear")."""
    if re.match(r"(?:then|next|finally|after\s+that)\b", sentence.strip(), re.I):
        return True
    words = _STEP_LEAD.sub("", sentence.strip()).split()
    return bool(words) and words[0].lower().strip(",:;") in _IMPERATIVE


def _told_in_orders(text: str) -> tuple[str, str] | None:
    """(goal, body) of a how-to told as a run of orders, one a sentence, after a sentence
    that names it: "The plumber showed me how to relight the pilot. Turn the gas knob ...
    Keep holding ... wait 5 minutes"; "Mum's Anzac biscuits: mix ... Melt ... Bake ..."."""
    said = [t for t in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", text.strip()) if t.strip()]
    orders = [i for i, t in enumerate(said) if _imperative(t)]
    if len(orders) < 2 or orders[0] == 0:
        return None
    first = orders[0]
    if len([i for i in orders if i > first]) + 1 < len(said[first:]) / 2:
        return None  # a story with an order in it, not a run of them
    head = said[first - 1]
    named = re.match(r"(?P<goal>[^:]{3,80}):\s+(?P<step>\S.*)$", head)
    if named and _imperative(named["step"]):
        # "Mum's Anzac biscuits: mix 1 cup rolled oats ...": the heading and the first step
        return named["goal"], " ".join([named["step"], *said[first:]])
    return " ".join(said[max(0, first - 2) : first]), " ".join(said[first:])


def _kept_how_to(text: str) -> tuple[str, str] | None:
    """(goal, body) of a how-to marked as kept for later, told in one run of commas."""
    kept = _KEPT.search(text)
    if kept is None:
        return None
    before = re.split(r"(?<=[.!?])\s+", text[: kept.start()].strip())[-1].strip(" ,;")
    after = text[kept.end() :]
    if before:
        # "doing the change of address stuff, writing down the order so I don't lose track,
        # Nationwide first ...": what comes before names it; the reason for keeping it goes.
        body = re.sub(r"^(?:properly\s+)?(?:because|so|as|since|bc)\b[^,]*,\s*", "", after)
        return before, body
    # "reminder to self ..., chitting the seed potatoes: egg boxes, eyes up, ..."
    named = re.match(r"(?P<goal>[^.!?:\n]{3,80}?):\s+", after)
    return (named["goal"], after[named.end() :]) if named else None


def _one_run(body: str) -> str:
    """A how-to told in a run of commas ends with its sentence ("... scrape, brush. Mateo
    made soup"): "ca. 60 cm" does not end it, a capital after a stop does."""
    return re.split(r"(?<=[.!?])\s+(?=[A-Z])", body, maxsplit=1)[0]


_INLINE_MARK = re.compile(r"(?:^|\s)\d{1,2}\)\s+")
_INLINE_STEPS = re.compile(r"(?:^|\s)1\)\s+")
# A first sentence that names a how-to, then the steps in prose.
_TOLD_HOW = re.compile(
    r"^(?P<goal>[^.!?:\n]*?\bhow\s+(?:I|we|to)\s+[^.!?:\n]+?)[.!?:]\s+"
    r"|^(?P<done>(?:yesterday|today|last\s+\w+|this\s+\w+)?,?\s*I\s+[a-z]+ed\s+[^.!?:\n]+?)"
    r"[.!?]\s+(?:for\s+(?:next\s+time|the\s+record|future\s+reference)|note\s+to\s+self)\s*:\s*",
    re.I,
)


# "Please correct the grammar below: 1. ...", "Can you summarise these steps: ...": a list
# handed to the assistant to work on, not how the user does something.
_ASKS_FOR_WORK = re.compile(
    r"(?:please|pls|kindly)\b|(?:can|could|would|will)\s+you\b|help\s+me\b"
    r"|(?:correct|rewrite|rephrase|proofread|summari[sz]e|translate|paraphrase|edit)\s+"
    r"(?:this|these|the|that|your|below|following)\b",
    re.I,
)


def _plain_list(text: str) -> str:
    """Lists in the shapes the rules read: a markdown heading without its "#", "- [ ] item"
    as "- item", and "1 sit quietly" lines (numbers without a stop) as "1. sit quietly"."""
    text = re.sub(r"(?m)^\s*#{1,6}\s+", "", text)
    text = re.sub(r"(?m)^(\s*[-*•])\s*\[[ xX✓✔]?\]\s*", r"\1 ", text)
    bare = re.compile(r"(?m)^(\s*\d{1,2})\s+(?=[A-Za-z])")
    if len(bare.findall(text)) >= 3:
        text = bare.sub(r"\1. ", text)
    return text


def read_procedure(message: str) -> Procedure | None:
    """A how-to with at least three ordered steps, or None."""
    found = _read_procedure(_plain_list(message.strip()))
    return Procedure(found.goal, found.steps, message.strip()) if found else None


def _read_procedure(text: str) -> Procedure | None:
    head = _HOWTO.match(text)
    numbered = re.search(r"\n\s*(?:\d{1,2}[.)]|[-*•→])\s", text)
    worded = len(_WORD_STEPS.findall(text)) >= 3
    sequenced = re.search(
        r"\bfirst\b.*\bthen\b|\bthen\b.*\b(?:and then|finally|after that)\b", text, re.I | re.S
    )
    method = _METHOD.search(text)
    goal, body = "", ""
    if head is not None:
        goal = _goal(head["a"] or head["b"] or head["c"] or head["d"] or "")
        body = text[head.end() :]
        if (head["c"] or head["d"]) and not (numbered or sequenced or body.count(",") >= 2):
            return None
    elif numbered and re.search(r"[:–—-]\s*$|:", text.split("\n", 1)[0]):
        first, body = text.split("\n", 1)
        heading = re.sub(r"\b(?:checklist|steps|list)\s*[:–—-]\s*$", "", first, flags=re.I)
        goal = (
            _goal(heading.split(":", 1)[0])
            if heading.count(":") == 1 and heading.rstrip().endswith(":")
            else " ".join(re.sub(r"[:–—-]", " ", heading).split()[:24])
        )
        said_first = re.split(r"(?<=[.!?])\s+", first.strip())
        bare = re.match(r"(?:the\s+)?(?:checklist|steps|list|instructions)\b", said_first[-1], re.I)
        if len(said_first) > 1 and bare and len(goal.split()) <= 5:
            # "Work permit expires 30 June!! must renew before. Checklist from IRCC site:":
            # the sentences before a bare "Checklist" say what it is for.
            goal = f"{goal} {' '.join(said_first[:-1])}"
    elif numbered and len(re.findall(r"\n\s*(?:\d{1,2}[.)]|[-*•→])\s", text)) >= 3:
        # "writing down the pill thing for pistache bc idris never remembers. she gets ...
        # \n1) hide the pill ...": the heading's first sentence names it
        first, body = text.split("\n", 1)
        goal = _goal(re.split(r"(?<=[.!?])\s+", first.strip())[0].rstrip(".!?"))
    elif (
        lined := re.search(r"\bhow\s+I\s+(?P<a>[^:\n]+?)\s*(?:\([^)]*\))?\s*:\s*\n", text, re.I)
    ) and len([line for line in text[lined.end() :].split("\n") if line.strip()]) >= 3:
        # "this is how i do handover at the end of a shift (SBAR):\nS – situation: ...": one
        # step a line
        goal = _goal(lined["a"])
        lines = [line.strip(" -*•") for line in text[lined.end() :].split("\n")]
        body = "\n".join(f"{i}. {line}" for i, line in enumerate(filter(None, lines), start=1))
        body = "\n" + body
    elif (inline := _INLINE_STEPS.search(text)) and len(_INLINE_MARK.findall(text)) >= 3:
        # "Sunday mornings I make masala chai for Meena. 1) Bring ... 2) Add ..."
        goal, body = _goal(text[: inline.start()]), text[inline.start() :]
    elif (told := _TOLD_HOW.search(text)) and (sequenced or text[told.end() :].count(",") >= 2):
        # "I want to write down how I sharpen my chisels so ... First I ..., Then ...";
        # "Yesterday I smoked my first brisket. For next time: I trimmed ..., used ..."
        goal, body = _goal(told["goal"] or told["done"]), text[told.end() :]
    elif (kept := _kept_how_to(text)) and (
        re.search(r"\bthen\b", _one_run(kept[1]), re.I) or _one_run(kept[1]).count(",") >= 3
    ):
        goal, body = _goal(kept[0]), _one_run(kept[1])
    elif (did := _DID_THIS.search(text)) and re.search(r"\bthen\b", _one_run(text[did.end() :])):
        # "Mateo gave me classic skis. Today I waxed them for the first time: ...": what was
        # done, and the sentence before it, which says what "them" is.
        earlier = re.split(r"(?<=[.!?])\s+", text[: did.start()].strip())[-1]
        goal = f"{_goal(did['lead'])} {earlier}".strip()
        body = _one_run(text[did.end() :])
    elif worded:
        marker = _WORD_STEPS.search(text)
        assert marker is not None
        goal, body = _goal(text[: marker.start()]), text[marker.start() :]
    elif (way := _WAY.search(text)) and (
        sequenced or re.search(r"\bthen\b|,[^,]*,", text[way.end() :], re.I)
    ):
        goal, body = _goal(way["goal"]), text[way.end() :]
        if re.search(r"\b(?:it|them|this|that|these|those)\b", goal, re.I):
            # "the way I sow them is to ...": what "them" is, the sentence before says
            earlier = re.split(r"(?<=[.!?])\s+", text[: way.start()].strip())[-2:]
            goal = " ".join([goal, *reversed(earlier)]).strip()
    elif method is not None and (sequenced or text[method.end() :].count(",") >= 2):
        before = re.split(r"[.!?]\s+", text[: method.start("lead")].strip())[-1]
        topic = re.split(r"\s+(?:is|are|was|were|can be|gets?)\s+", before)[0]
        goal, body = _goal(topic), text[method.end() :]
    elif sequenced and (lead := _GERUND_LEAD.match(text)):
        # "restringing the bass since we have a gig. first loosen ..., then ..."
        goal = _goal(lead[1])
        stop = re.search(r"[.!?:]\s+|\n", text)
        body = text[stop.end() if stop else lead.end() :]
    elif (embedded := _EMBEDDED.search(text)) is not None:
        # A how-to inside a longer message: "Damson glut ... so I've made jam. Writing the
        # recipe down ...: 1kg damsons, ..." The goal is what the sentences before it say.
        before = re.split(r"(?<=[.!?])\s+", text[: embedded.start()].strip())
        what = embedded["what"] or embedded["works"] or ""
        # "jb returns process bc it's confusing af": not why it is written down
        what = re.split(r"\s+(?:so|because|since|bc|cos|coz)\b", what, flags=re.I)[0]
        # The sentence right before the how-to says most about it; the one before that, less.
        topic = re.sub(r"\([^)]*\)", " ", " ".join([what, *reversed(before[-2:])]))
        goal = " ".join(topic.split()[:40]).strip(" ,;:-–")
        body = text[embedded.end() :]
        if "?" in body:
            # "I tried a gin fizz recipe - I didn't have syrup, so I improvised. Any tips?":
            # a story that asks, not steps
            return None
    elif (orders := _told_in_orders(text)) is not None:
        goal = " ".join(orders[0].split()[:40]).strip(" ,;:-–")
        named = re.search(r"[^.!?]*\bhow\s+to\s+[^.!?]+", orders[0], re.I)
        if named:
            # "The plumber showed me how to relight the pilot on our Rheem so I don't have
            # to call him": relight the pilot on our Rheem
            goal = _goal(named[0])
        body = re.sub(r"(?<=[.!?])\s+(?=[A-Z0-9])", "\n1. ", orders[1])
        body = "\n1. " + body
    else:
        return None
    steps = _steps(body)
    if len(steps) < 3 or not goal or _ASKS_FOR_WORK.match(goal):
        return None
    if re.match(r"\s*\d{1,2}/\d{1,2}\b", goal):
        return None  # "03/03 — grades out:\n• Econometrics: 17": a dated journal entry
    # "Cooked Ana's lentil dal recipe: ..." is how to cook it.
    verb, _, rest = goal.partition(" ")
    if verb.lower() in _DONE:
        goal = f"{_DONE[verb.lower()]} {rest}".strip()
    return Procedure(goal, tuple(steps[:12]), text)
