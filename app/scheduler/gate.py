"""WorkGate: the user's work first, background work in the gaps.

The engine has one SQLite connection, one index and one model, so one operation runs at a time
(`Reverie.work_lock`). Without more than that lock, a question asked while extraction held it
waited for the whole extraction run. The gate adds priority: interactive work announces itself
as soon as it is asked for (before it even reaches its worker), and background work takes the
lock one short slice at a time, only when no interactive work is waiting or has just ended.
A question therefore waits at most for the slice already running.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

# After interactive work ends, background work waits this long before its next slice: a user
# reading an answer and clicking a citation should not find a slice in the way.
CALM_S = 0.25

_gates: weakref.WeakKeyDictionary[Any, WorkGate] = weakref.WeakKeyDictionary()
_gates_lock = threading.Lock()


class WorkGate:
    def __init__(self, lock: Any, calm_s: float = CALM_S) -> None:
        self.lock = lock
        self.calm_s = calm_s
        self._state = threading.Condition()
        self._wanted = 0  # interactive jobs asked for and not yet finished
        self._last_interactive = 0.0  # monotonic time the last one ended

    # ---- interactive side

    def want(self) -> None:
        """Interactive work was asked for: background work stops at its next slice."""
        with self._state:
            self._wanted += 1

    def release(self) -> None:
        with self._state:
            self._wanted = max(0, self._wanted - 1)
            self._last_interactive = time.monotonic()
            self._state.notify_all()

    @contextmanager
    def interactive(self) -> Iterator[None]:
        """Hold the engine for the user's work (for callers that did not `want` in advance)."""
        self.want()
        try:
            with self.lock:
                yield
        finally:
            self.release()

    @property
    def user_waiting(self) -> bool:
        with self._state:
            return self._wanted > 0

    # ---- background side

    def _wait_for_calm(self, stop: threading.Event | None) -> bool:
        with self._state:
            while True:
                if stop is not None and stop.is_set():
                    return False
                if self._wanted == 0:
                    quiet_for = time.monotonic() - self._last_interactive
                    if quiet_for >= self.calm_s:
                        return True
                    self._state.wait(self.calm_s - quiet_for)
                else:
                    self._state.wait(0.5)  # also wakes to notice `stop`

    @contextmanager
    def background(self, stop: threading.Event | None = None) -> Iterator[bool]:
        """One slice of background work. Yields True with the engine held; yields False
        without it when `stop` was set while waiting (the caller then ends its run)."""
        while True:
            if not self._wait_for_calm(stop):
                yield False
                return
            self.lock.acquire()
            with self._state:
                clear = self._wanted == 0
            if clear:
                break
            self.lock.release()  # a question arrived meanwhile: it goes first
        try:
            yield True
        finally:
            self.lock.release()

    @contextmanager
    def lend(self) -> Iterator[None]:
        """Inside a background slice: let go of the engine while this thread waits on
        something that needs no engine (a model call, which LocalModel runs on its own
        thread), and take it back with the user's work first."""
        self.lock.release()
        try:
            yield
        finally:
            self._wait_for_calm(None)
            self.lock.acquire()
            while self.user_waiting:  # a question arrived while taking it: it goes first
                self.lock.release()
                self._wait_for_calm(None)
                self.lock.acquire()


class LendingModel:
    """A model for background work: each call lends the engine to the user's work while the
    model runs (an extraction batch with a capable model takes seconds to minutes; the
    store, index and entities are not needed meanwhile), and a model that can pause stops
    between tokens while that work runs. Everything else is the model's own, `path` included
    (it says what the model may be trusted with)."""

    def __init__(
        self, model: Any, gate: WorkGate, before_lending: Callable[[], None] | None = None
    ) -> None:
        self._model = model
        self._gate = gate
        self._before_lending = before_lending

    def complete_json(self, *args: Any, **kwargs: Any) -> Any:
        if self._before_lending is not None:
            self._before_lending()  # e.g. hold what was written so far for review
        if getattr(self._model, "pausable", False):
            # While the engine is lent, the model stops between tokens for as long as the
            # user's work runs: on a small machine it would otherwise take their CPU.
            kwargs["should_pause"] = lambda: self._gate.user_waiting
        with self._gate.lend():
            return self._model.complete_json(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)


def gate_for(reverie: Any) -> WorkGate:
    """The one gate of a data folder's engine, shared by every runner of background and
    interactive work (built on its work lock, so code that holds the lock directly still
    excludes both)."""
    with _gates_lock:
        gate = _gates.get(reverie)
        if gate is None:
            gate = _gates[reverie] = WorkGate(reverie.work_lock)
        return gate
