"""Background jobs give way to the user: extraction runs one batch per slice of the engine,
waits while a question is asked, and stops (and stays stopped) when cancelled."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from app.runtime import Reverie
from app.scheduler.gate import LendingModel, WorkGate, gate_for
from app.scheduler.jobs import JobProgress, JobResult, MaintenanceScheduler
from app.services import extract
from app.services.ingest import ingest_file
from app.storage.extraction_store import ExtractionStore
from tests.helpers import NOW, SAMPLE


@pytest.fixture
def queued(reverie: Reverie) -> Reverie:
    """The sample chat imported: its 17 messages from Sam wait for extraction (in batches
    by conversation)."""
    ingest_file(reverie.store, reverie.index, SAMPLE, fmt="auto", now=NOW, params=reverie.params)
    assert ExtractionStore(reverie.store).pending_count() == 17
    return reverie


def watch_batches(monkeypatch: pytest.MonkeyPatch, on_batch: Any) -> list[str]:
    """Record each extraction batch (each runs with the engine held)."""
    log: list[str] = []
    real_run = extract.Extractor.run

    def run(self: extract.Extractor, now: Any, **kwargs: Any) -> extract.ExtractReport:
        log.append("batch")
        on_batch(len(log))
        return real_run(self, now, **kwargs)

    monkeypatch.setattr(extract.Extractor, "run", run)
    return log


def test_a_question_asked_during_extraction_goes_before_the_next_batch(
    queued: Reverie, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = gate_for(queued)
    asked = threading.Event()

    def question() -> None:
        with queued.work_lock:  # the engine worker runs it once it has the engine
            log.append("question")
        gate.release()
        asked.set()

    def on_batch(number: int) -> None:
        if number == 1:  # the user asks while the first batch runs
            gate.want()
            threading.Thread(target=question).start()

    log = watch_batches(monkeypatch, on_batch)
    scheduler = MaintenanceScheduler(queued, lambda _: None, gate=gate)
    result = scheduler.run_extraction()
    assert asked.is_set()
    assert log[:2] == ["batch", "question"] and log[2:] == ["batch"] * (len(log) - 2)
    assert len(log) > 2  # the question did not wait for the rest of the run
    assert result is not None and result.summary["pending"] == 0


def test_cancel_stops_after_the_batch_and_extraction_stays_paused(
    queued: Reverie, monkeypatch: pytest.MonkeyPatch
) -> None:
    progress: list[JobProgress] = []
    results: list[JobResult] = []
    scheduler = MaintenanceScheduler(queued, results.append, on_progress=progress.append)
    watch_batches(monkeypatch, lambda number: scheduler.cancel("extract") if number == 1 else None)
    result = scheduler.run_extraction()
    first = progress[1].done  # messages of the batch that ran
    assert [(p.done, p.total, p.running) for p in progress] == [
        (0, 17, True), (first, 17, True), (first, 17, False)]  # fmt: skip
    assert result is not None and result.summary["cancelled"]
    assert result.summary["pending"] == 17 - first > 0
    assert scheduler.run_soon("extract") is None  # the timer does not restart it
    future = scheduler.resume_extraction()
    assert future is not None and future.result().summary["pending"] == 0
    scheduler.stop()


def test_background_work_waits_while_the_user_is_asking() -> None:
    lock = threading.RLock()
    gate = WorkGate(lock, calm_s=0.0)
    gate.want()
    entered = threading.Event()

    def background() -> None:
        with gate.background() as held:
            assert held
            entered.set()

    worker = threading.Thread(target=background)
    worker.start()
    assert not entered.wait(0.3)  # the user's work is waiting: no slice starts
    gate.release()
    assert entered.wait(5)
    worker.join()


def test_a_stopped_background_job_does_not_wait_for_the_engine() -> None:
    gate = WorkGate(threading.RLock())
    gate.want()
    stop = threading.Event()
    stop.set()
    with gate.background(stop) as held:
        assert not held


def test_the_engine_is_lent_to_the_user_while_a_model_call_runs() -> None:
    """With a capable model one extraction batch is a model call of seconds or minutes; the
    store and index are free meanwhile, and a question uses them then."""
    lock = threading.RLock()
    gate = WorkGate(lock, calm_s=0.0)
    question_ran = threading.Event()
    held_first: list[str] = []

    class SlowModel:
        path = None

        def complete_json(self, *args: Any) -> tuple[str, str]:
            # The user asks while the model is busy; the engine is free for them.
            def ask() -> None:
                if lock.acquire(timeout=5):
                    question_ran.set()
                    lock.release()

            worker = threading.Thread(target=ask)
            worker.start()
            worker.join()
            return "[]", "stop"

    model = LendingModel(SlowModel(), gate, before_lending=lambda: held_first.append("held"))
    with gate.background() as held:
        assert held
        assert model.complete_json([], {}, 10) == ("[]", "stop")
        assert model.path is None  # the model's own attributes pass through
    assert question_ran.is_set() and held_first == ["held"]
