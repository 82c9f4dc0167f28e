"""Deterministic QA scoring in the LoCoMo style (re-implemented, not copied): SQuAD-style
normalisation, token F1 on stemmed tokens, and answer containment."""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter

from app.core.extraction import stem

_ARTICLES = re.compile(r"\b(a|an|the|and)\b")
ABSTAIN = re.compile(r"(don't have a memory|not mentioned|no information|i don't know)", re.I)


def normalise(text: str) -> str:
    text = str(text).lower().replace(",", " ")
    # Curly quotes and dashes too: “Nike has been…” holds the word "nike".
    text = "".join(
        ch
        for ch in text
        if ch not in string.punctuation and not unicodedata.category(ch).startswith("P")
    )
    return " ".join(_ARTICLES.sub(" ", text).split())


def tokens(text: str) -> list[str]:
    return [stem(t) for t in normalise(text).split()]


def f1(prediction: str, gold: str) -> float:
    pred, ref = tokens(prediction), tokens(gold)
    common = sum((Counter(pred) & Counter(ref)).values())
    if not pred or not ref or common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def multi_f1(prediction: str, gold: str) -> float:
    """LoCoMo category 1: the gold lists several answers; average the best match of each."""
    parts = [p for p in str(gold).split(",") if p.strip()]
    candidates = [p for p in prediction.split(",") if p.strip()] or [prediction]
    return sum(max(f1(c, p) for c in candidates) for p in parts) / len(parts) if parts else 0.0


def contains(prediction: str, gold: str) -> bool:
    return bool(normalise(gold)) and normalise(gold) in normalise(prediction)


def score_locomo(prediction: str, gold: object, category: int, abstained: bool) -> dict[str, float]:
    if category == 5:
        ok = float(abstained or bool(ABSTAIN.search(prediction)))
        return {"f1": ok, "contains": ok}
    answer = str(gold)
    if category == 3:
        answer = answer.split(";")[0]
    value = multi_f1(prediction, answer) if category == 1 else f1(prediction, answer)
    return {"f1": value, "contains": float(contains(prediction, answer))}


_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()  # noqa: SIM905
    )
}


def _digits(text: str) -> str:
    return " ".join(_NUMBER_WORDS.get(w, w) for w in normalise(text).split())


def gold_alternatives(gold: str) -> list[str]:
    """LongMemEval's golds sometimes list what else counts: "30 days. 31 days (including the
    last day) is also acceptable." accepts either count of days."""
    # "University of California, Los Angeles (UCLA)": the short name in brackets is the same
    # answer (one word, so "(including the last day)" is not taken for one).
    alias = re.fullmatch(r"(.+?)\s*\(([^()\s]+)\)\s*", str(gold))
    if alias:
        return [alias[1], alias[2]]
    first, _, rest = str(gold).partition(". ")
    if "acceptable" not in rest.lower():
        return [str(gold)]
    others = re.findall(r"\b\d+(?:\.\d+)?\s+[a-z]+", rest.split("(")[0].lower())
    return [first, *others]


def contains_any(prediction: str, gold: str) -> bool:
    """Containment of any acceptable form of the gold, numbers written as digits ("Five
    months" and "5 months" are the same answer)."""
    said = f" {_digits(prediction)} "
    # Whole words only: "20" courses is not in "2023".
    return any(
        bool(_digits(option)) and f" {_digits(option)} " in said
        for option in gold_alternatives(gold)
    )
