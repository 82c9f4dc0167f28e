"""Interfaces the services need from the outside world (so tests can hand in small fakes)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

Clock = Callable[[], datetime]  # must return a UTC-aware time

# One turn with the engine (its one connection, index and model): long work the user started,
# such as an import, takes the engine a step at a time through it, so a question asked
# meanwhile is answered between two steps. `contextlib.nullcontext` when nothing else runs.
EngineTurn = Callable[[], AbstractContextManager[object]]


class Progress(Protocol):
    """Reports long work: the CLI draws a bar, the desktop app emits signals."""

    def start(self, total: int, label: str) -> None: ...

    def advance(self, amount: int) -> None: ...

    def finish(self) -> None: ...


class NoProgress:
    def start(self, total: int, label: str) -> None:
        pass

    def advance(self, amount: int) -> None:
        pass

    def finish(self) -> None:
        pass
