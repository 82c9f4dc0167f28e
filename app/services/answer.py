"""Answering from memories: select what answers, optionally let a capable model phrase it.

Reverie abstains instead of guessing when no memory holds the answer. With the bundled small
model the answer is the selection itself (app/services/selection.py): nothing is streamed
that could later be withdrawn. A user-chosen capable model phrases the answer from the same
memories, streamed, and its words are replaced by the selection when they are unsupported.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from app.core.extraction import check_grounding, stems
from app.core.forgetting import ForgettingParams, memory_retention, reinforced_stability
from app.llm.prompts import load_prompt
from app.services.capability import writes_well
from app.services.recall import RecallHit
from app.services.selection import select_answer
from app.storage.chroma_index import ChromaIndex
from app.storage.sqlite_store import SqliteMemoryStore

PROMPT = "answer_v2"
MEMORY_CHARS = 240  # per memory in the prompt: prompt evaluation dominates latency
DONT_KNOW = "I don't have a memory of that."
REPLACED = "model answer not supported by the memories, replaced"
ANSWER_TOKENS = 160
_CITE = re.compile(r"\[(\d{1,2})\]")
_UNSURE = re.compile(r"\b(i don'?t know|no (memory|information)|not mentioned)\b", re.I)


class ChatModel(Protocol):
    def stream_chat(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]: ...

    def count_tokens(self, text: str) -> int: ...

    @property
    def settings(self) -> Any: ...


@dataclass(frozen=True)
class Citation:
    number: int
    hit: RecallHit
    excerpt: str = ""  # the memory's words that answer, when the answer is shorter than them

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "memory_id": self.hit.memory.id,
            "text": self.hit.memory.text,
            "excerpt": self.excerpt,
            "evidence": [e.to_dict() for e in self.hit.sources],
        }


@dataclass
class Answer:
    question: str
    text: str
    citations: list[Citation]
    abstained: bool
    shown: list[RecallHit]  # what the model saw, in prompt order
    context_tokens: int = 0
    first_token_s: float | None = None
    tokens_per_s: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def quoted(self) -> bool:
        """The model's words were not backed by the memories, so the text quotes one."""
        return any(note.startswith(REPLACED) for note in self.notes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "retrieved": [h.to_dict() for h in self.shown],
            "context_tokens": self.context_tokens,
            "first_token_s": self.first_token_s,
            "tokens_per_s": self.tokens_per_s,
            "notes": self.notes,
        }


def grounded(text: str, cited: list[RecallHit]) -> bool:
    """The answer says only what its cited memories say: its names and numbers appear in
    them, and most of its words do."""
    plain = _CITE.sub(" ", text)
    source = " ".join(f"{h.memory.text} {h.memory.event_time or ''}" for h in cited)
    return check_grounding(plain, source, 0.0, min_words=0.8, min_similarity=2.0).supported


def opening(now: datetime) -> list[dict[str, str]]:
    """The fixed start of every answer prompt: instructions once, with one worked exchange
    (the 135M model copies its shape, "... [1]."). Every prompt token costs ~5 ms on two
    cores, so this part is evaluated ahead of time when possible (LocalModel.prime)."""
    prompt = load_prompt(PROMPT)
    example = prompt["example"]
    today = now.strftime("%A %d %B %Y")
    return [
        {"role": "system", "content": prompt["system"] + "\n\n"
         + prompt["context"].format(today=today, memories=example["memories"])},
        {"role": "user", "content": example["question"]},
        {"role": "assistant", "content": example["answer"]},
    ]  # fmt: skip


def memory_lines(hits: list[RecallHit]) -> list[str]:
    lines = []
    for number, hit in enumerate(hits, start=1):
        when = hit.memory.event_time.strftime("%Y-%m-%d") if hit.memory.event_time else "undated"
        text = " ".join(hit.memory.text.split())
        if len(text) > MEMORY_CHARS:
            text = text[: MEMORY_CHARS - 1] + "…"
        lines.append(f"[{number}] ({when}) {text}")
    return lines


def attribute(text: str, shown: list[RecallHit]) -> list[int]:
    """Citation numbers: the ones the model wrote, else the memories the answer's words came
    from (at least half of its content words, or its single best source)."""
    written = sorted({int(n) for n in _CITE.findall(text) if 1 <= int(n) <= len(shown)})
    if written:
        return written
    said = stems(text)
    if not said:
        return []
    overlap = [(len(said & stems(h.memory.text)) / len(said), i + 1) for i, h in enumerate(shown)]
    best = max(overlap)
    return [n for share, n in overlap if share >= 0.5] or ([best[1]] if best[0] >= 0.34 else [])


def answer_question(
    question: str,
    *,
    store: SqliteMemoryStore,
    index: ChromaIndex,
    model: ChatModel,
    now: datetime,
    params: ForgettingParams,
    k: int = 5,
    on_token: Callable[[str], None] | None = None,
) -> Answer:
    """Answer by selecting what the memories say: a current fact, a how-to, or the sentence
    of a message that holds the question's specific words. A small model's words are never
    shown; a capable model (chosen by the user) may phrase the answer from the same
    memories, streamed, and is replaced by the selection when its words are unsupported."""
    selection = select_answer(question, store=store, index=index, now=now, params=params, k=k)
    if selection is None:
        if on_token:
            on_token(DONT_KNOW)
        return Answer(question, DONT_KNOW, [], True, [], notes=["no memory holds the answer"])
    shown = selection.shown
    if writes_well(model):
        result = _model_answer(question, shown, model, now, on_token, selection.text)
    else:
        if on_token:
            on_token(selection.text)
        result = Answer(question, selection.text, [], False, shown)
        cited = sorted({int(n) for n in _CITE.findall(selection.text) if 0 < int(n) <= len(shown)})
        result.citations = [
            Citation(n, shown[n - 1], selection.excerpt if n == 1 else "") for n in cited or [1]
        ]
        result.notes.append(f"selected: {selection.how}")
    reinforce(store, [c.hit.memory.id for c in result.citations], now, params)
    return result


def _model_answer(
    question: str,
    shown: list[RecallHit],
    model: ChatModel,
    now: datetime,
    on_token: Callable[[str], None] | None,
    fallback: str,
) -> Answer:
    lines = memory_lines(shown)
    prompt = load_prompt(PROMPT)
    today = now.strftime("%A %d %B %Y")
    system = prompt["context"].format(today=today, memories="\n".join(lines))
    messages = [*opening(now), {"role": "system", "content": system},
                {"role": "user", "content": question}]  # fmt: skip
    started = time.perf_counter()
    first: float | None = None
    pieces: list[str] = []
    for piece in model.stream_chat(messages, ANSWER_TOKENS):
        first = first if first is not None else time.perf_counter() - started
        pieces.append(piece)
        if on_token:
            on_token(piece)
    elapsed = time.perf_counter() - started
    text = "".join(pieces).strip()
    result = Answer(question, text, [], False, shown, model.count_tokens(system))
    result.first_token_s = round(first, 3) if first is not None else None
    generated = model.count_tokens(text) if text else 0
    result.tokens_per_s = round(generated / elapsed, 1) if elapsed > 0 and generated else None
    numbers = [] if _UNSURE.search(text) else attribute(text, shown)
    if not numbers or not grounded(text, [shown[n - 1] for n in numbers]):
        # The model's words do not come from the memories: show the selected answer.
        result.notes.append(f"{REPLACED}: {text!r}")
        result.text = fallback
        numbers = [1]
    result.citations = [Citation(n, shown[n - 1]) for n in numbers]
    return result


def reinforce(
    store: SqliteMemoryStore, memory_ids: list[int], now: datetime, params: ForgettingParams
) -> None:
    """Cited memories were used: a recall on the forgetting curve."""
    for memory in store.get_memories(memory_ids).values():
        stability = reinforced_stability(
            memory.stability_days, memory_retention(memory, now, params), params
        )
        store.record_recall(memory.id, now, stability, "cited in an answer")
