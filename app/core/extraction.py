"""What the model may return when it extracts memories, and how each candidate is checked.

The model's output is untrusted: JSON that fits the schema can still be wrong (the bundled 135M
model invents facts). Every candidate must be well-typed, non-duplicate and *grounded*: its
names and numbers must appear in the evidence it cites, and its words must largely come from
that evidence (or be close to it in meaning, which the caller measures).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from app.core.keywords import keywords
from app.core.records import MemoryKind

MAX_MEMORIES = 6  # per batch: bounds the array so a looping model stops
MAX_STEPS = 8
MAX_TEXT = 240


def schema_for(batch_size: int) -> dict[str, Any]:
    """The JSON schema for one batch, as a llama.cpp grammar will enforce it. Enums instead of
    numeric ranges (the model otherwise writes "source": 1234567890), and no maxLength: the
    grammar spells a length limit out character by character, which made decoding ~20x
    slower; long texts are cut in code instead."""
    return {
        "type": "object",
        "properties": {
            "memories": {
                "type": "array",
                "maxItems": MAX_MEMORIES,
                "items": {
                    "type": "object",
                    "properties": {
                        "kind": {"type": "string", "enum": [k.value for k in MemoryKind]},
                        "text": {"type": "string"},
                        "subject": {"type": "string"},
                        "source": {"type": "integer", "enum": list(range(1, batch_size + 1))},
                        "importance": {"type": "integer", "enum": [1, 2, 3, 4, 5]},
                        "steps": {
                            "type": "array",
                            "maxItems": MAX_STEPS,
                            "items": {"type": "string"},
                        },
                    },
                    "required": ["kind", "text", "subject", "source", "importance"],
                },
            }
        },
        "required": ["memories"],
    }


class MalformedOutput(ValueError):
    """The model's reply is not usable (not JSON, wrong types, truncated)."""


@dataclass(frozen=True)
class CandidateMemory:
    kind: MemoryKind
    text: str
    subject: str
    source: int  # 1-based handle of the message in the batch (never a real id)
    importance: float  # 0..1
    steps: tuple[str, ...] = field(default=())

    @property
    def full_text(self) -> str:
        if self.kind is MemoryKind.PROCEDURAL and self.steps:
            numbered = " ".join(f"{i}. {s}" for i, s in enumerate(self.steps, start=1))
            return f"{self.text}: {numbered}"
        return self.text


_MARKUP = re.compile(r"</?[a-zA-Z][^>]{0,20}>")


def clean_text(text: str) -> str:
    """Small models wrap text in stray HTML tags; keep the words only."""
    return " ".join(_MARKUP.sub(" ", text).split())[:MAX_TEXT]


def clean_subject(subject: str) -> str:
    """A short lower-case topic ("home", "coffee"): the first three words, letters only."""
    words = re.findall(r"[a-zà-ÿ]+", subject.lower())
    return " ".join(words[:3])


def parse_candidates(raw: str, batch_size: int) -> list[CandidateMemory]:
    """Validate the model's JSON; raise MalformedOutput for anything off-schema."""
    try:
        # strict=False: a raw tab or newline inside a string is harmless, not a failure.
        data = json.loads(raw, strict=False)
    except json.JSONDecodeError as error:
        raise MalformedOutput(f"not valid JSON ({error.msg})") from None
    items = data.get("memories") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise MalformedOutput('no "memories" list')
    out: list[CandidateMemory] = []
    for index, item in enumerate(items):
        where = f"memory {index + 1}"
        if not isinstance(item, dict):
            raise MalformedOutput(f"{where} is not an object")
        kind, text, subject = item.get("kind"), item.get("text"), item.get("subject")
        source, importance = item.get("source"), item.get("importance")
        steps = item.get("steps", [])
        if kind not in {k.value for k in MemoryKind}:
            raise MalformedOutput(f"{where}: kind {kind!r} is not a memory kind")
        if not isinstance(text, str):
            raise MalformedOutput(f"{where}: text must be a string")
        if not isinstance(subject, str):
            raise MalformedOutput(f"{where}: subject must be a string")
        if not isinstance(source, int) or isinstance(source, bool) or not 1 <= source <= batch_size:
            raise MalformedOutput(f"{where}: source {source!r} names no message of the batch")
        if not isinstance(importance, int) or isinstance(importance, bool):
            raise MalformedOutput(f"{where}: importance must be an integer 1-5")
        if not isinstance(steps, list) or not all(isinstance(s, str) for s in steps):
            raise MalformedOutput(f"{where}: steps must be a list of strings")
        if not clean_text(text):
            continue  # well-formed but empty: nothing to keep
        out.append(
            CandidateMemory(
                kind=MemoryKind(kind),
                text=clean_text(text),
                subject=clean_subject(subject),
                source=source,
                importance=(min(5, max(1, importance)) - 1) / 4,
                steps=tuple(clean_text(s) for s in steps if clean_text(s))[:MAX_STEPS],
            )
        )
    return out[:MAX_MEMORIES]


def salvage(raw: str) -> str:
    """A reply cut off at the token limit, reduced to the memories completed before the cut
    (the array closed after the last whole object); '{"memories": []}' when none were."""
    start = raw.find("[")
    if start < 0:
        return '{"memories": []}'
    depth = 0
    in_string = escaped = False
    last_item_end = -1
    for index in range(start + 1, len(raw)):
        char = raw[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                last_item_end = index
    if last_item_end < 0:
        return '{"memories": []}'
    return raw[: last_item_end + 1] + "]}"


def drop_duplicates(candidates: list[CandidateMemory]) -> list[CandidateMemory]:
    """A looping model repeats itself: keep the first of candidates with the same words."""
    seen: set[frozenset[str]] = set()
    kept = []
    for candidate in candidates:
        key = frozenset(stems(candidate.full_text))
        if key and key not in seen:
            seen.add(key)
            kept.append(candidate)
    return kept


# Words the model adds when restating what the user said; they need no support in the source.
_FRAMING = frozenset(
    """user users person people someone their they them wants want likes like prefers prefer
    said says mentioned mention told tells plan plans planning planned going""".split()  # noqa: SIM905
)
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-zà-ÿ]{2,}(?:\s+[A-Z][a-zà-ÿ]+)*)")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)?")


_EED = frozenset(["bleed", "breed", "speed", "greed", "steed", "tweed", "creed"])


def stem(word: str) -> str:
    """A crude English stem, enough to match "moved"/"moving"/"move" and "cats"/"cat"."""
    if word in _EED:  # "bleed" is not "bl" + "eed"; "bleeding" stems to it
        return word
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def stems(text: str) -> set[str]:
    return {stem(w) for w in keywords(text)}


@dataclass(frozen=True)
class Grounding:
    supported: bool
    reason: str
    word_support: float


def check_grounding(
    candidate: str,
    evidence: str,
    similarity: float,
    *,
    min_words: float = 0.5,
    min_similarity: float = 0.55,
) -> Grounding:
    """Is `candidate` supported by `evidence`? Names and numbers must be in the evidence;
    beyond that, enough of its words must be, or it must be close in meaning."""
    lowered = evidence.lower()
    for name in _NAME.findall(candidate):
        if name.lower() not in lowered and name.lower() not in _FRAMING:
            return Grounding(False, f"'{name}' does not appear in the source", 0.0)
    for number in _NUMBER.findall(candidate):
        if number not in evidence:
            return Grounding(False, f"'{number}' does not appear in the source", 0.0)
    words = stems(candidate) - {stem(w) for w in _FRAMING}
    if not words:
        return Grounding(False, "says nothing specific", 0.0)
    support = len(words & stems(evidence)) / len(words)
    if support >= min_words or (support > 0 and similarity >= min_similarity):
        return Grounding(True, "supported", support)
    return Grounding(
        False,
        f"only {support:.0%} of its words are in the source (similarity {similarity:.2f})",
        support,
    )
