"""Terminal output: JSON or short human text, and progress bars on stderr."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any

from tqdm import tqdm

from app.core.forgetting import ForgettingParams, memory_retention
from app.core.records import Memory


class TerminalProgress:
    """A tqdm bar on stderr; silent when stderr is not a terminal (pipes, CI logs)."""

    def __init__(self) -> None:
        self._bar: tqdm[Any] | None = None

    def start(self, total: int, label: str) -> None:
        self._bar = tqdm(
            total=total,
            desc=label,
            unit="item",
            file=sys.stderr,
            disable=None,
            leave=False,
            dynamic_ncols=True,
        )

    def advance(self, amount: int) -> None:
        if self._bar is not None:
            self._bar.update(amount)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def emit_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def emit_fields(values: dict[str, Any], as_json: bool, width: int = 0) -> None:
    """A flat record: JSON, or one "key: value" line each."""
    if as_json:
        emit_json(values)
        return
    for key, value in values.items():
        print(f"{key:>{width}}: {value}")


def short(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "undated"


def memory_dict(memory: Memory, now: datetime, params: ForgettingParams) -> dict[str, Any]:
    return {
        "id": memory.id,
        "kind": memory.kind.value,
        "origin": memory.origin,
        "text": memory.text,
        "subject": memory.subject,
        "event_time": memory.event_time.isoformat() if memory.event_time else None,
        "observed_at": memory.observed_at.isoformat(),
        "importance": memory.importance,
        "stability_days": round(memory.stability_days, 3),
        "retention": round(memory_retention(memory, now, params), 4),
        "recall_count": memory.recall_count,
        "last_recalled_at": memory.last_recalled_at.isoformat()
        if memory.last_recalled_at
        else None,
        "pinned": memory.pinned,
        "archived_at": memory.archived_at.isoformat() if memory.archived_at else None,
        "valid_to": memory.valid_to.isoformat() if memory.valid_to else None,
        "superseded_by": memory.superseded_by,
        "evidence_ids": list(memory.evidence_ids),
    }


def memory_line(memory: Memory, now: datetime, params: ForgettingParams) -> str:
    flags = "".join(
        flag for flag, on in (("[pinned] ", memory.pinned), ("[archived] ", memory.archived)) if on
    )
    r = memory_retention(memory, now, params)
    return (
        f"#{memory.id:<6} {memory.kind.value:<10} {when(memory.event_time)}  "
        f"R={r:.2f} {flags}{short(memory.text, 70)}"
    )
