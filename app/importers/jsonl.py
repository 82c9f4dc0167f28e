"""JSONL: one message per line, {"id", "session", "timestamp", "role", "content", "speaker"}."""

from __future__ import annotations

import json
from collections import Counter

from app.core.errors import InputError
from app.core.records import Message
from app.importers.reading import SourceText, content_id, parse_iso, require

ROLES = ("user", "assistant")


def parse(source: SourceText) -> list[Message]:
    messages: list[Message] = []
    seen: Counter[tuple[object, ...]] = Counter()
    default_session = source.path.stem
    for number, line in enumerate(source.text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(
                f"invalid JSON ({error.msg}, column {error.colno})",
                source=source.name,
                position=where,
            ) from None
        require(
            isinstance(item, dict),
            "each line must be a JSON object",
            source=source.name,
            position=where,
        )
        content = item.get("content")
        require(
            isinstance(content, str) and bool(content.strip()),
            '"content" must be a non-empty string',
            source=source.name,
            position=where,
        )
        role = item.get("role")
        require(
            role in ROLES,
            f'"role" must be one of {", ".join(ROLES)} (got {role!r})',
            source=source.name,
            position=where,
        )
        timestamp = parse_iso(item.get("timestamp"), source=source.name, position=where)
        for key in ("id", "session", "speaker"):
            value = item.get(key)
            require(
                value is None or (isinstance(value, str | int) and str(value).strip() != ""),
                f'"{key}" must be a non-empty string when given',
                source=source.name,
                position=where,
            )
        session = str(item.get("session") or default_session)
        speaker = str(item["speaker"]) if item.get("speaker") else None
        if item.get("id") is not None:
            original_id = str(item["id"])
        else:
            same = (session, timestamp.isoformat(), role, speaker, content)
            seen[same] += 1
            original_id = content_id(*same, seen[same])
        messages.append(
            Message(original_id, session, timestamp, role, content, speaker, position=where)
        )
    return messages
