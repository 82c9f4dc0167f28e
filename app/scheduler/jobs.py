"""MaintenanceScheduler: the forgetting curve and the extraction queue, on a timer.

Jobs run on a background thread of their own, never on the app's engine worker, and take the
engine one slice at a time through the WorkGate: a question asked meanwhile waits at most for
the slice in progress (one extraction batch), not for the run. Each job reports progress and
its result through plain callbacks (the desktop app turns them into Qt signals) and can be
cancelled between slices. Each job opens nothing of its own: it gets the services' adapters
from the composition root.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

from app.runtime import Reverie
from app.scheduler.gate import LendingModel, WorkGate, gate_for
from app.services.decay import apply_decay
from app.services.extract import Extractor
from app.services.review import hold_uncertain
from app.services.vault_backup import Passphrase, run_scheduled_backup
from app.storage.extraction_store import ExtractionStore

log = logging.getLogger(__name__)

LABELS = {
    "extract": "extracting memories",
    "decay": "applying the forgetting curve",
    "backup": "backing up the memory vault",
}


@dataclass(frozen=True)
class JobResult:
    job: str  # "decay", "extract" or "backup"
    summary: dict[str, Any]


@dataclass(frozen=True)
class JobProgress:
    """A background job's state: running with done/total (total 0: not known), or ended."""

    job: str
    label: str
    done: int = 0
    total: int = 0
    running: bool = True


def _ignore(progress: JobProgress) -> None:
    pass


class MaintenanceScheduler:
    def __init__(
        self,
        reverie: Reverie,
        on_result: Callable[[JobResult], None],
        *,
        on_progress: Callable[[JobProgress], None] = _ignore,
        gate: WorkGate | None = None,
        decay_every_s: float = 6 * 3600,
        extract_every_s: float = 60,
        extract_batches: int | None = None,
        backup_every_s: float = 3600,
        backup_passphrase: Passphrase | None = None,
    ) -> None:
        """`backup_every_s`: how often to check whether a scheduled backup is due (Settings
        choose the period); `backup_passphrase` (default: the OS keyring's) unlocks it."""
        self.reverie = reverie
        self.on_result = on_result
        self.on_progress = on_progress
        self.gate = gate or gate_for(reverie)
        self.extract_batches = extract_batches  # per run; None: until the queue is empty
        self._background = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="reverie-background"
        )
        self._queued: dict[str, Future[Any]] = {}
        self._queued_lock = threading.Lock()
        self._stop = {job: threading.Event() for job in LABELS}
        self.backup_passphrase = backup_passphrase
        self._closing = threading.Event()
        self.extraction_paused = False  # the user cancelled it; resumes on request
        self._scheduler = BackgroundScheduler(timezone="UTC")
        # The backup also runs soon after start: a laptop opened for an hour a day still gets it.
        soon = datetime.now(UTC) + timedelta(seconds=min(120, backup_every_s))
        for job, every, first in (
            ("decay", decay_every_s, None),
            ("extract", extract_every_s, None),
            ("backup", backup_every_s, soon),
        ):
            extra: dict[str, Any] = {"next_run_time": first} if first is not None else {}
            self._scheduler.add_job(
                lambda job=job: self.run_soon(job),
                "interval",
                seconds=every,
                id=job,
                coalesce=True,
                **extra,
            )

    def start(self) -> None:
        self._scheduler.start()

    def stop(self) -> None:
        """Stop the timers, end the running job at its next slice, wait for it."""
        self._closing.set()
        for event in self._stop.values():
            event.set()
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
        self._background.shutdown(wait=True, cancel_futures=True)

    # ---- running jobs

    def run_soon(self, job: str) -> Future[Any] | None:
        """Queue a job on the background thread (once: a job already waiting is not queued
        again). None when closing, or for extraction paused by the user."""
        if self._closing.is_set() or (job == "extract" and self.extraction_paused):
            return None
        with self._queued_lock:
            waiting = self._queued.get(job)
            if waiting is not None and not waiting.running() and not waiting.done():
                return waiting
            run = {"extract": self.run_extraction, "decay": self.run_decay,
                   "backup": self.run_backup}[job]  # fmt: skip
            try:
                future = self._background.submit(self._guarded, job, run)
            except RuntimeError:  # shut down meanwhile
                return None
            self._queued[job] = future
            return future

    def idle(self) -> bool:
        """No background job running or waiting."""
        with self._queued_lock:
            return all(future.done() for future in self._queued.values())

    def _guarded(self, job: str, run: Callable[[], Any]) -> Any:
        if job == "extract" and self.extraction_paused:
            return None  # cancelled while it waited
        try:
            return run()
        except Exception:
            log.exception("background job %s failed", job)
            self.on_progress(JobProgress(job, LABELS[job], running=False))
            return None

    def cancel(self, job: str) -> None:
        """Stop a running job after its current slice. Cancelled extraction stays paused
        (the scheduler's timer does not restart it) until `resume_extraction`."""
        if job == "extract":
            self.extraction_paused = True
        self._stop[job].set()

    def resume_extraction(self) -> Future[Any] | None:
        self.extraction_paused = False
        return self.run_soon("extract")

    def run_decay(self) -> JobResult:
        stop = self._fresh_stop("decay")
        self.on_progress(JobProgress("decay", LABELS["decay"]))
        checked = archived = 0
        try:
            with self.gate.background(stop) as held:
                if held:
                    report = apply_decay(
                        self.reverie.store, self.reverie.now(), self.reverie.params
                    )
                    checked, archived = report.checked, len(report.archived)
        finally:
            self.on_progress(JobProgress("decay", LABELS["decay"], running=False))
        result = JobResult("decay", {"checked": checked, "archived": archived})
        self.on_result(result)
        return result

    def run_backup(self) -> JobResult | None:
        """A vault into the Settings' backup folder when one is due. Its outcome (written, or
        why not: no passphrase, a folder that cannot be written) is the result; an error is
        recorded for Settings, not raised. None when backups are off or none is due."""
        if not self.reverie.settings.backup_enabled or self.reverie.read_only:
            return None
        self.on_progress(JobProgress("backup", LABELS["backup"]))
        try:
            # No engine turn: the export reads its own snapshot while the app keeps working.
            status = run_scheduled_backup(self.reverie, self.backup_passphrase)
        finally:
            self.on_progress(JobProgress("backup", LABELS["backup"], running=False))
        if status is None:
            return None
        result = JobResult("backup", {"ok": status.ok, "at": status.at,
                                      "message": status.message, "path": status.path})  # fmt: skip
        self.on_result(result)
        return result

    def run_extraction(self) -> JobResult | None:
        """One batch per slice, until the queue is empty (or `extract_batches` batches ran,
        or the job was cancelled): the user's work gets the engine between batches."""
        stop = self._fresh_stop("extract")
        queue = ExtractionStore(self.reverie.store)
        totals = {"added": 0, "updated": 0, "rejected": 0, "facts": 0, "held": 0}
        done = batches = 0
        total: int | None = None
        now = self.reverie.now()

        def hold() -> None:
            # Before the engine is lent to the user's work (and after each batch): whatever
            # the model wrote so far is held for review first, so nothing unreviewed is seen.
            totals["held"] += hold_uncertain(
                self.reverie.store, now, self.reverie.settings.review_mode
            ).held

        try:
            while not stop.is_set():
                if self.extract_batches is not None and batches >= self.extract_batches:
                    break
                with self.gate.background(stop) as held:
                    if not held:
                        break
                    pending = queue.pending_count()
                    if total is None:
                        if pending == 0:
                            return None
                        total = pending
                        self.on_progress(JobProgress("extract", LABELS["extract"], 0, total))
                    if pending == 0:
                        break
                    extractor = Extractor(
                        self.reverie.store,
                        self.reverie.index,
                        LendingModel(self.model_for_extraction(), self.gate, hold),
                        self.reverie.params,
                    )
                    now = self.reverie.now()
                    report = extractor.run(now, max_batches=1)
                    hold()
                batches += 1
                done += report.messages
                totals["added"] += report.added
                totals["updated"] += report.updated
                totals["rejected"] += len(report.rejected)
                totals["facts"] += report.facts
                total = max(total, done)
                self.on_progress(JobProgress("extract", LABELS["extract"], done, total))
        finally:
            if total is not None:
                self.on_progress(
                    JobProgress("extract", LABELS["extract"], done, total or 0, running=False)
                )
        with self.gate.background() as _:
            pending = queue.pending_count()
        summary: dict[str, Any] = {
            **totals,
            "pending": pending,
            "cancelled": stop.is_set() and pending > 0,
        }
        result = JobResult("extract", summary)
        self.on_result(result)
        return result

    def model_for_extraction(self) -> Any:
        """The engine's model (benchmarks substitute one)."""
        return self.reverie.model

    def _fresh_stop(self, job: str) -> threading.Event:
        """A run starts with its own stop flag, set by `cancel` or `stop`."""
        event = threading.Event()
        if self._closing.is_set():
            event.set()
        self._stop[job] = event
        return event
