"""Python's cycle collector, run only on the GUI thread.

Left automatic, the collector runs on whichever thread happens to allocate, often an engine
worker. When it frees a Qt object caught in a reference cycle (a closed dialog or window
whose slots refer back to it), the object's C++ destructor runs on that worker: it takes
the object's connection lock and then waits for the GIL, while the GUI thread holds the GIL
and waits for that lock to connect a signal. Both threads stop for good (seen as a test run
that hung in `QObject::connectImpl` with a worker in `gc_collect_main`). Qt objects must
also only be deleted on their own thread. So automatic collection is switched off and a
timer on the GUI thread collects instead, generation by generation, with the usual
thresholds (the pattern of calibre's and pyqtgraph's collectors). The first threshold is
also set to zero, which stops automatic collection even after a library calls `gc.enable()`
(spaCy's model loader, through srsly, does after reading each file).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class MainThreadCollector(QObject):
    """Install once per process, after the QApplication exists; `stop` restores automatic
    collection (after one full collection here, so nothing Qt is left for another thread)."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.was_enabled = gc.isenabled()
        gc.disable()
        gc.set_threshold(0, *self.thresholds[1:])
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        """Collect the oldest generation whose allocation count passed its threshold."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        self.timer.stop()
        gc.collect()
        gc.set_threshold(*self.thresholds)
        if self.was_enabled:
            gc.enable()
