"""How a stored message is named to a person. A message whose source gave it no id keeps a
content hash as its id (app/importers/reading.content_id: "h" and 16 hex digits; Reverie's
own chat: a 16-digit digest): needed to recognise it on a second import, meaningless on screen.
Such a message is named by its file and line, or its author and file, instead."""

from __future__ import annotations

import re
from pathlib import PurePath

from app.core.records import Evidence

_CONTENT_ID = re.compile(r"^h?[0-9a-f]{16}$")


def named_by_source(source_kind: str, original_id: str) -> bool:
    """The id is the source's own ("m08", a ChatGPT message id), worth showing."""
    return source_kind != "chat" and not _CONTENT_ID.match(original_id)


def file_name(path: str | None) -> str:
    return PurePath(path).name if path else "a file"


def imported_from(
    source_kind: str, fmt: str, path: str | None, original_id: str, position: str
) -> str:
    """The history reason of a stored message's memory: "imported from chat.txt, line 12"."""
    if source_kind == "chat":
        return "said in Reverie's chat"
    if named_by_source(source_kind, original_id):
        return f"imported from {fmt} message {original_id}"
    return f"imported from {file_name(path)}" + (f", {position}" if position else "")


def message_name(evidence: Evidence) -> str:
    """E.g. "message m08", "Ana's message in chat.txt", "your message in chat.txt"."""
    if evidence.source_kind == "chat":
        return "your message in Reverie's chat" if evidence.role == "user" else "Reverie's reply"
    if named_by_source(evidence.source_kind, evidence.original_id):
        return f"message {evidence.original_id}"
    speaker = (evidence.speaker or "").strip()
    who = "your" if speaker.casefold() in {"me", "i"} else f"{speaker}'s" if speaker else "a"
    return f"{who} message in {file_name(evidence.source_path)}"
