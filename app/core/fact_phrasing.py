"""A fact or a how-to said back to the user as a sentence: "Your manager is Ana Lima.",
"You lived in Leeds until ...", "To restore the staging database:\n1. ..."."""

from __future__ import annotations

import re

from app.core.fact_words import ME
from app.core.questions import fold
from app.core.records import Memory

# First words of a goal that is not something to do ("she wants home readings ...",
# "Mum's Anzac biscuits"): such a goal reads as a title, not after "To".
_NOT_A_VERB = frozenset(
    "i we you he she they it my our your his her their the a an this that these those what "  # noqa: SIM905
    "how when where why which before after for from with".split()
)


def _heading(goal: str) -> str:
    """How a how-to's goal heads its steps: "To relight the pilot:", "Chitting the seed
    potatoes:", "Mum's Anzac biscuits:". A goal that is a clause or whole sentences (the
    rules kept the words before the steps, which often say what the steps are for) is shown
    as written rather than after "To"."""
    goal = goal.strip()
    words = goal.split()
    if not words:
        return "Your steps:"
    first = words[0]
    clause = (
        len(words) > 12
        or re.search(r"[.!?](?:\s|$)", goal) is not None
        or first.lower() in {"i", "we", "you", "he", "she", "they", "it"}
    )
    if (
        not clause
        and first[:1].islower()
        and first.lower() not in _NOT_A_VERB
        and not first.endswith(("ing", "'s", "’s"))  # "avó's arroz doce" is a dish
    ):
        return f"To {goal}:"
    heading = goal[:1].upper() + goal[1:]
    return heading if heading[-1] in ".!?:" else heading + ":"


def procedure_text(memory: Memory) -> str:
    """The steps one per line: "To restore the staging database:\n1. stop the api ..."."""
    head, _, steps = memory.text.partition(": 1. ")
    goal = head.removeprefix("How to ")
    if not steps:
        return memory.text.replace("How to ", "To ", 1)
    numbered = re.split(r" (?=\d{1,2}\. )", "1. " + steps)
    return _heading(goal) + "\n" + "\n".join(numbered)


_TEMPLATES = {
    "home city": "{who} live{s} in {value}.",
    "employer": "{who} work{s} at {value}.",
    "job": "{who} work{s} as {article} {value}.",
    "past job": "{who} used to work as {article} {value}.",
    "commute": "{whose} way to work: {value}.",
    "allergy": "{who} {are} allergic to {value}.",
    "gp": "{whose} GP is {value}.",
    "medication": "{who} take{s} {value}.",
    "grew up in": "{who} grew up in {value}.",
    "birthday": "{whose} birthday is on {value}.",
    "diet": "{who} {are} {value}.",
}


def fact_sentence(memory: Memory) -> str:
    """A fact as a short sentence to the user: "Your manager is Ana Lima."."""
    return describe_fact(memory.subject, memory.attribute or "", memory.value or "")


_PAST = {"live": "lived", "work": "worked", "take": "took", "are": "were", "is": "was"}


def describe_fact(subject: str | None, attribute: str, value: str, past: bool = False) -> str:
    """The fact as a sentence, in the past tense for a value that was replaced."""
    if past:
        present = describe_fact(subject, attribute, value)
        return re.sub(
            r"\b(lives|live|works|work|takes|take|are|is)\b",
            lambda m: _PAST[m[1].removesuffix("s") if m[1] != "is" else "is"],
            present,
            count=1,
        )
    me = subject is None or fold(subject) == ME
    group = not me and str(subject) in {"kids", "children", "boys", "girls"}
    who = "You" if me else f"The {subject}" if group else str(subject)
    whose = "Your" if me else f"{who}'" if str(subject).endswith("s") else f"{subject}'s"
    template = _TEMPLATES.get(attribute, "{whose} {attribute} is {value}.")
    article = "an" if value[:1].lower() in "aeiou" else "a"
    return template.format(
        who=who, whose=whose, s="" if me else "s", are="are" if me else "is",
        value=value, attribute=attribute, article=article,
    )  # fmt: skip
