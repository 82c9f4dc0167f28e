"""The memory browser on a big store (run by bench/scale.py in its own process, offscreen Qt):
how long the list takes to load (the query on the engine side, then filling the table) and
how long each scroll step takes to draw.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.scale_browser HOME NOW_ISO
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from dataclasses import replace
from datetime import datetime

from PySide6.QtWidgets import QApplication

from app.runtime import Reverie
from ui.memory_browser import MemoryBrowser, run_query
from ui.tasks import EngineRunner


def main() -> None:
    home, now = sys.argv[1], datetime.fromisoformat(sys.argv[2])
    app = QApplication(sys.argv[:1])
    with Reverie(home, clock=lambda: now) as reverie:
        runner = EngineRunner(reverie)
        browser = MemoryBrowser(reverie, runner)
        browser.resize(1280, 800)
        browser.show()
        app.processEvents()
        result: dict[str, object] = {}
        base = browser.query()
        queries = {
            "latest": base,
            "all_states": replace(base, filter=replace(base.filter, archived=None)),
            "words": replace(base, words="budget review"),
        }
        for name, query in queries.items():
            started, cpu = time.perf_counter(), time.process_time()
            rows = run_query(reverie, query)
            fetched, fetched_cpu = time.perf_counter() - started, time.process_time() - cpu
            started, cpu = time.perf_counter(), time.process_time()
            browser._show(rows)
            app.processEvents()
            shown, shown_cpu = time.perf_counter() - started, time.process_time() - cpu
            result[name] = {"rows": len(rows), "query_ms": round(1000 * fetched, 1),
                            "query_cpu_ms": round(1000 * fetched_cpu, 1),
                            "fill_ms": round(1000 * shown, 1),
                            "fill_cpu_ms": round(1000 * shown_cpu, 1)}  # fmt: skip
        # Scroll the last list from top to bottom a step at a time, drawing each step.
        bar = browser.table.verticalScrollBar()
        steps: list[float] = []
        step_cpus: list[float] = []
        value = 0
        while value <= bar.maximum():
            started, cpu = time.perf_counter(), time.process_time()
            bar.setValue(value)
            browser.table.viewport().repaint()
            app.processEvents()
            steps.append(time.perf_counter() - started)
            step_cpus.append(time.process_time() - cpu)
            value += max(1, bar.singleStep() * 3)  # a mouse-wheel notch
        ordered = sorted(steps)
        result["scroll"] = {
            "steps": len(steps),
            "p50_ms": round(1000 * statistics.median(ordered), 2),
            "p95_ms": round(1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2),
            "cpu_p95_ms": round(1000 * sorted(step_cpus)[int(0.95 * (len(step_cpus) - 1))], 2),
        }
        runner.shutdown()
        print(json.dumps(result))


if __name__ == "__main__":
    main()
