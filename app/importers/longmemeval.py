"""LongMemEval instances: haystack sessions with their dates.

Dataset session ids are never stored: they give answers away ("answer_..."), so sessions get
opaque handles by position (instance/sNNN), which only a benchmark maps back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.core.records import Message
from app.importers.reading import SourceText, load_json, parse_dated, require


def session_handle(instance_index: int, session_index: int) -> str:
    return f"lme-{instance_index}/s{session_index:03d}"


def _date(value: Any, *, source: str, position: str) -> datetime:
    return parse_dated(
        value, "%Y/%m/%d (%a) %H:%M", "2023/05/20 (Sat) 07:47", source=source, position=position
    )


def parse(source: SourceText) -> list[Message]:
    data = load_json(source)
    instances = data if isinstance(data, list) else [data]
    messages: list[Message] = []
    for i, instance in enumerate(instances):
        where = f"instance {i + 1}"
        ok = isinstance(instance, dict) and isinstance(instance.get("haystack_sessions"), list)
        require(
            ok,
            'a LongMemEval instance needs "haystack_sessions"',
            source=source.name,
            position=where,
        )
        sessions, dates = instance["haystack_sessions"], instance.get("haystack_dates")
        require(
            isinstance(dates, list) and len(dates) == len(sessions),
            '"haystack_dates" must list one date per session',
            source=source.name,
            position=where,
        )
        for s, (session, date) in enumerate(zip(sessions, dates, strict=True)):
            at = f"{where}, session {s + 1}"
            when = _date(date, source=source.name, position=at)
            require(
                isinstance(session, list),
                "a session must be a list of turns",
                source=source.name,
                position=at,
            )
            for t, turn in enumerate(session):
                turn_at = f"{at}, turn {t + 1}"
                require(
                    isinstance(turn, dict)
                    and turn.get("role") in ("user", "assistant")
                    and isinstance(turn.get("content"), str),
                    "a turn needs role user|assistant and string content",
                    source=source.name,
                    position=turn_at,
                )
                if turn["content"].strip():
                    messages.append(
                        Message(
                            f"t{t}",
                            session_handle(i, s),
                            when,
                            turn["role"],
                            turn["content"].strip(),
                            None,
                            position=turn_at,
                        )
                    )
    return messages
