"""Engine work off the GUI thread (the shape of Anki's operation runner).

Every storage, index and model call the user asks for runs on one worker thread, so the GUI
thread only renders. Its jobs go through the engine's WorkGate as interactive work: background
jobs (extraction, decay; on the scheduler's own thread) give way as soon as a job is submitted
here, and take the engine back only between their slices. Long work the user starts (an
import) runs on a thread of its own and takes the engine a step at a time like background
work (`submit_long`, `Job.turn`), so a question asked meanwhile is answered between two steps
instead of after the whole import. A `Job` lives on the GUI
thread; the worker reports through the job's signals, which Qt queues back to the GUI thread,
and the job then calls the callbacks there. Callers never touch widgets from the worker.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from app.core.errors import ReverieError
from app.runtime import Reverie
from app.scheduler.gate import WorkGate, gate_for

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside a job's work when the user pressed Cancel."""


class Job(QObject):
    """One piece of engine work. Its signals are emitted on the worker and delivered on the
    GUI thread; the callbacks given to `EngineRunner.submit` are called there."""

    progressed = Signal(int, int, str)  # done, total, label
    token = Signal(str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()

    def __init__(
        self,
        label: str,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[str], None] | None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.label = label
        self.error: str | None = None
        self._on_done = on_done
        self._on_error = on_error
        self._cancel = threading.Event()
        self._gate: WorkGate | None = None  # set for long work: its turns go through the gate
        self._total = 0
        self._done = 0
        # Bound slots of an object living on the GUI thread: Qt queues the calls there.
        self.succeeded.connect(self._deliver_result)
        self.failed.connect(self._deliver_error)

    @Slot(object)
    def _deliver_result(self, result: object) -> None:
        if self._on_done is not None:
            self._on_done(result)

    @Slot(str)
    def _deliver_error(self, message: str) -> None:
        if self._on_error is not None:
            self._on_error(message)

    # ---- called from the GUI thread

    def cancel(self) -> None:
        self._cancel.set()

    # ---- called from the worker thread

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled

    @contextmanager
    def turn(self) -> Iterator[object]:
        """One step of long work with the engine held, after any question waiting for it
        (the engine's `EngineTurn`). Cancel, even while waiting, ends the job."""
        if self._gate is None:  # interactive work already holds the engine
            self.check()
            yield None
            return
        with self._gate.background(self._cancel) as held:
            if not held:
                raise Cancelled
            yield None
        self.check()

    def emit_token(self, piece: str) -> None:
        self.token.emit(piece)

    # The engine's Progress protocol, so services report straight into a progress bar.
    def start(self, total: int, label: str) -> None:
        self.check()
        self._total, self._done = total, 0
        self.progressed.emit(0, total, label)

    def advance(self, amount: int) -> None:
        self.check()
        self._done += amount
        self.progressed.emit(self._done, self._total, "")

    def finish(self) -> None:
        self.progressed.emit(self._total, self._total, "")


class EngineRunner(QObject):
    """Runs jobs one at a time on the engine's worker thread."""

    busy_changed = Signal(str)  # the running job's label; "" when idle

    def __init__(
        self, reverie: Reverie, parent: QObject | None = None, gate: WorkGate | None = None
    ) -> None:
        super().__init__(parent)
        self.reverie = reverie
        self.gate = gate or gate_for(reverie)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reverie-engine")
        # Long work the user started (imports), one at a time, beside the engine worker.
        self._long = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reverie-long")
        self._jobs: set[Job] = set()  # kept alive until finished
        self._closed = False

    def submit(
        self,
        label: str,
        work: Callable[[Job], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> Job:
        job = Job(label, on_done, on_error, self)
        job.finished.connect(self._forget)
        self._jobs.add(job)
        if self._closed:
            job.error = "Reverie is closing"
            job.failed.emit(job.error)
            job.finished.emit()
        else:
            self.gate.want()  # from now on, background work waits for this job
            try:
                self._executor.submit(self._run, job, work)
            except RuntimeError:  # shut down meanwhile
                self.gate.release()
                raise
        return job

    def submit_long(
        self,
        label: str,
        work: Callable[[Job], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> Job:
        """Long work (an import) on a thread of its own: `work` takes the engine only inside
        `job.turn()`, one step at a time, with the user's questions first. It does not show
        as the engine's work (the caller shows its progress)."""
        job = Job(label, on_done, on_error, self)
        job._gate = self.gate
        job.finished.connect(self._forget)
        self._jobs.add(job)
        if self._closed:
            job.error = "Reverie is closing"
            job.failed.emit(job.error)
            job.finished.emit()
        else:
            self._long.submit(self._work, job, work, False)
        return job

    def _run(self, job: Job, work: Callable[[Job], Any]) -> None:
        try:
            with self.gate.lock:
                self._work(job, work)
        finally:
            self.gate.release()

    def _work(self, job: Job, work: Callable[[Job], Any], shown: bool = True) -> None:
        if shown:
            self.busy_changed.emit(job.label)
        try:
            job.check()
            result = work(job)
        except Cancelled:
            job.cancelled.emit()
        except ReverieError as error:
            job.error = str(error)
            job.failed.emit(job.error)
        except Exception as error:  # a bug: logged with its traceback, shown briefly
            log.exception("%s failed", job.label)
            job.error = f"{job.label} failed unexpectedly ({type(error).__name__}: {error})"
            job.failed.emit(job.error)
        else:
            job.succeeded.emit(result)
        finally:
            if shown:
                self.busy_changed.emit("")
            job.finished.emit()

    @Slot()
    def _forget(self) -> None:
        finished = self.sender()
        if isinstance(finished, Job):
            self._jobs.discard(finished)

    def idle(self) -> bool:
        return not self._jobs

    def shutdown(self) -> None:
        """Cancel what waits, let what runs finish (a half-written import is never left)."""
        self._closed = True
        for job in list(self._jobs):
            job.cancel()
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._long.shutdown(wait=True, cancel_futures=True)
