"""Plain chat logs: one message per line, each optionally "[timestamp] speaker: text"."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

from dateutil import parser as date_parser

from app.core.errors import InputError
from app.core.records import Message
from app.importers.reading import SourceText, as_utc, content_id

_STAMPED = re.compile(r"^\[(?P<ts>[^\]]{4,40})\]\s*(?P<rest>.*)$")
_SPEAKER = re.compile(r"^(?P<speaker>[^\s:][^:]{0,39}?):\s+(?P<content>\S.*)$")
ASSISTANT_NAMES = frozenset({"assistant", "reverie", "bot", "ai", "chatgpt"})


def parse(source: SourceText) -> list[Message]:
    messages: list[Message] = []
    seen: Counter[tuple[object, ...]] = Counter()
    session = source.path.stem
    for number, raw in enumerate(source.text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        timestamp: datetime | None = None
        stamped = _STAMPED.match(line)
        if stamped:
            try:
                timestamp = as_utc(date_parser.parse(stamped["ts"]))
            except (ValueError, OverflowError):
                raise InputError(
                    f"[{stamped['ts']}] is not a date and time",
                    source=source.name,
                    position=f"line {number}",
                ) from None
            line = stamped["rest"].strip()
        named = _SPEAKER.match(line)
        speaker = named["speaker"].strip() if named else None
        content = named["content"].strip() if named else line
        if not content:
            raise InputError(
                "has a speaker but no message", source=source.name, position=f"line {number}"
            )
        role = "assistant" if speaker and speaker.lower() in ASSISTANT_NAMES else "user"
        key = (session, timestamp.isoformat() if timestamp else "", speaker, content)
        seen[key] += 1
        messages.append(
            Message(
                content_id(*key, seen[key]),
                session,
                timestamp,
                role,
                content,
                speaker,
                position=f"line {number}",
            )
        )
    return messages
