"""MaintenanceScheduler: the forgetting curve and the extraction queue, on a timer.

Jobs run on APScheduler's worker thread and report through a plain callback; the desktop app
turns that into a Qt signal, so views refresh on the GUI thread. Each job opens nothing of its
own: it gets the services' adapters from the composition root.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

from app.runtime import Reverie
from app.services.decay import apply_decay
from app.services.extract import Extractor
from app.storage.extraction_store import ExtractionStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobResult:
    job: str  # "decay" or "extract"
    summary: dict[str, Any]


class MaintenanceScheduler:
    def __init__(
        self,
        reverie: Reverie,
        on_result: Callable[[JobResult], None],
        *,
        decay_every_s: float = 6 * 3600,
        extract_every_s: float = 60,
        extract_batches: int = 5,
    ) -> None:
        self.reverie = reverie
        self.on_result = on_result
        self.extract_batches = extract_batches
        # Jobs and the app's own work share the store's connection and the model.
        self._busy = reverie.work_lock
        self._scheduler = BackgroundScheduler(timezone="UTC")
        self._scheduler.add_job(self.run_decay, "interval", seconds=decay_every_s,
                                id="decay", max_instances=1, coalesce=True)  # fmt: skip
        self._scheduler.add_job(self.run_extraction, "interval", seconds=extract_every_s,
                                id="extract", max_instances=1, coalesce=True)  # fmt: skip

    def start(self) -> None:
        self._scheduler.start()

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)

    def run_decay(self) -> JobResult:
        with self._busy:
            report = apply_decay(self.reverie.store, self.reverie.now(), self.reverie.params)
        result = JobResult("decay", {"checked": report.checked, "archived": len(report.archived)})
        self.on_result(result)
        return result

    def run_extraction(self) -> JobResult | None:
        """A few batches at a time, so a large import never holds the model for long."""
        with self._busy:
            if ExtractionStore(self.reverie.store).pending_count() == 0:
                return None
            extractor = Extractor(
                self.reverie.store, self.reverie.index, self.reverie.model, self.reverie.params
            )
            report = extractor.run(self.reverie.now(), max_batches=self.extract_batches)
        result = JobResult("extract", {"added": report.added, "updated": report.updated,
                                       "rejected": len(report.rejected),
                                       "pending": extractor.queue.pending_count()})  # fmt: skip
        self.on_result(result)
        return result
