"""LoCoMo's file layout: samples with sessions of turns ({speaker, dia_id, text})."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from app.core.records import Message
from app.importers.reading import SourceText, load_json, parse_dated, require

_SESSION = re.compile(r"^session_(\d+)$")


def _session_time(value: Any, *, source: str, position: str) -> datetime:
    return parse_dated(
        value, "%I:%M %p on %d %B, %Y", "1:56 pm on 8 May, 2023", source=source, position=position
    )


def parse(source: SourceText) -> list[Message]:
    data = load_json(source)
    samples = data if isinstance(data, list) else [data]
    messages: list[Message] = []
    for index, sample in enumerate(samples):
        where = f"sample {index + 1}"
        conversation = sample.get("conversation") if isinstance(sample, dict) else None
        require(
            isinstance(conversation, dict),
            'each LoCoMo sample needs a "conversation"',
            source=source.name,
            position=where,
        )
        assert isinstance(sample, dict) and isinstance(conversation, dict)
        sample_id = str(sample.get("sample_id") or f"sample-{index + 1}")
        speaker_a = conversation.get("speaker_a")
        numbers = sorted(int(m[1]) for key in conversation if (m := _SESSION.match(key)))
        require(
            bool(numbers),
            "the conversation has no session_<n> lists",
            source=source.name,
            position=where,
        )
        for number in numbers:
            at = f"{sample_id}, session_{number}"
            turns = conversation[f"session_{number}"]
            require(
                isinstance(turns, list),
                "a session must be a list of turns",
                source=source.name,
                position=at,
            )
            when = _session_time(
                conversation.get(f"session_{number}_date_time"), source=source.name, position=at
            )
            for position, turn in enumerate(turns):
                turn_at = f"{at}, turn {position + 1}"
                require(
                    isinstance(turn, dict)
                    and isinstance(turn.get("text"), str)
                    and isinstance(turn.get("dia_id"), str)
                    and isinstance(turn.get("speaker"), str),
                    "a turn needs string speaker, dia_id and text",
                    source=source.name,
                    position=turn_at,
                )
                text = turn["text"].strip()
                caption = turn.get("blip_caption")
                if isinstance(caption, str) and caption.strip():
                    text = f"{text} [shared a photo: {caption.strip()}]".strip()
                if not text:
                    continue
                role = "user" if turn["speaker"] == speaker_a else "other"
                messages.append(
                    Message(
                        turn["dia_id"],
                        f"{sample_id}/session_{number}",
                        when,
                        role,
                        text,
                        turn["speaker"],
                        position=turn_at,
                    )
                )
    return messages
