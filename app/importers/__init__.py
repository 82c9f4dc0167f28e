"""Chat-log importers: each turns one file format into core Messages, validating everything
before anything is written (a malformed file changes nothing)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.core.errors import InputError
from app.core.records import Message
from app.importers import chatgpt, jsonl, locomo, longmemeval, text
from app.importers.reading import SourceText, read_source

PARSERS: dict[str, Callable[[SourceText], list[Message]]] = {
    "jsonl": jsonl.parse,
    "text": text.parse,
    "chatgpt": chatgpt.parse,
    "locomo": locomo.parse,
    "longmemeval": longmemeval.parse,
}
FORMATS = ("auto", *PARSERS)
# Roles that become memories by default (None: all). Every format keeps the assistant's
# turns searchable ("which hotel did you recommend?"); recall ranks them below the user's own
# words and no fact is read from them.
DEFAULT_MEMORY_ROLES: dict[str, frozenset[str] | None] = {}


def detect_format(source: SourceText) -> str:
    name = source.path.name.lower().removesuffix(".gz")
    if name.endswith(".jsonl"):
        return "jsonl"
    head = source.text.lstrip()[:1]
    if head in "[{" and not name.endswith((".txt", ".log", ".md")):
        sample = source.text[:20000]
        if '"mapping"' in sample:
            return "chatgpt"
        if '"haystack_sessions"' in sample:
            return "longmemeval"
        if '"conversation"' in sample and '"speaker_a"' in sample:
            return "locomo"
        first_line = source.text.lstrip().splitlines()[0].rstrip()
        if head == "{" and first_line.endswith("}") and not name.endswith(".json"):
            return "jsonl"
        raise InputError(
            "is JSON but not a layout Reverie knows; pass --format "
            "(jsonl, chatgpt, locomo or longmemeval)",
            source=source.name,
        )
    return "text"


def read_messages(path: Path, fmt: str = "auto") -> tuple[list[Message], str, SourceText]:
    """Parse and validate a whole file; raises InputError naming the position of a problem."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    source = read_source(path)
    chosen = detect_format(source) if fmt == "auto" else fmt
    messages = PARSERS[chosen](source)
    if not messages:
        raise InputError(f"holds no messages in the {chosen} format", source=source.name)
    return messages, chosen, source
