"""Cycles of Qt objects are freed on the GUI thread only (ui.collector): a worker thread that
allocates no longer runs Python's collector, so it never runs a Qt destructor."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot


class Cyclic(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.me = self  # as a closed dialog whose slots refer back to it


def test_a_dropped_qt_cycle_is_freed_by_the_gui_thread_not_by_a_busy_worker(
    qtbot: QtBot,
) -> None:
    gc.enable()  # as spaCy's model loader does: the app's collector must hold all the same
    holder = Cyclic()
    gone = weakref.ref(holder)
    freed_on: list[str] = []
    weakref.finalize(holder, lambda: freed_on.append(threading.current_thread().name))
    del holder

    def allocate() -> None:  # what an engine worker does: enough for many collections
        junk = [[i] for i in range(300_000)]
        junk.clear()
        for _ in range(200_000):
            pair: list[object] = []
            pair.append(pair)

    worker = threading.Thread(target=allocate, name="busy-worker")
    worker.start()
    worker.join()
    assert gone() is not None  # the worker did not free it
    qtbot.waitUntil(lambda: gone() is None, timeout=5_000)
    assert freed_on == [threading.main_thread().name]
