"""How times, kinds and sources read on screen (local time, short and unambiguous)."""

from __future__ import annotations

from datetime import datetime

from app.core.records import Evidence, Memory
from app.storage.message_names import named_by_source


def when(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone().strftime("%a %d %b %Y, %H:%M")


def source_line(evidence: Evidence) -> str:
    """Where a piece of evidence came from: a file, a chat, a screen."""
    who = evidence.speaker or evidence.role
    place = {
        "import": f"imported from {evidence.source_path or 'a file'}",
        "chat": "said in Reverie's chat",
        "screen": f"seen on screen ({evidence.session})",
    }.get(evidence.source_kind, evidence.source_kind)
    line = f"{when(evidence.timestamp)} · {who} · {place}"
    # A content hash (a plain-text line, Reverie's chat) means nothing to a person.
    if named_by_source(evidence.source_kind, evidence.original_id):
        line += f" · message {evidence.original_id}"
    return line


def memory_time(memory: Memory) -> datetime:
    return memory.event_time or memory.observed_at


def short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
