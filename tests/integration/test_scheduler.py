"""The maintenance jobs run on APScheduler's thread and report back by callback."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

from app.runtime import Reverie
from app.scheduler.jobs import JobResult, MaintenanceScheduler
from app.services.ingest import ingest_file
from tests.helpers import NOW, SAMPLE


def test_scheduled_decay_archives_faded_memories_and_reports(
    tmp_path: Path, embedder: object
) -> None:
    clock = {"now": NOW}
    with Reverie(tmp_path / "h", clock=lambda: clock["now"], embedder=embedder) as reverie:  # type: ignore[arg-type]
        ingest_file(reverie.store, reverie.index, SAMPLE, fmt="jsonl", now=NOW,
                    params=reverie.params)  # fmt: skip
        clock["now"] = NOW + timedelta(days=3650)
        results: list[JobResult] = []
        done = threading.Event()

        def report(result: JobResult) -> None:
            results.append(result)
            done.set()

        scheduler = MaintenanceScheduler(reverie, report, decay_every_s=0.2, extract_every_s=3600)
        scheduler.start()
        try:
            assert done.wait(timeout=30), "the decay job never ran"
        finally:
            scheduler.stop()
        assert results[0].job == "decay"
        assert results[0].summary["archived"] == results[0].summary["checked"] > 0
        assert reverie.store.counts()["archived"] == results[0].summary["archived"]
