"""Runs the capture agent on a thread of its own while the app is open (capture never blocks
the GUI), and reports each cycle back by signal."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.core.errors import ReverieError
from app.runtime import Reverie


class CaptureRunner(QObject):
    cycle = Signal(object)  # CaptureOutcome
    unavailable = Signal(str)  # why capture cannot run here
    started = Signal(object)  # the agent, once running

    def __init__(self, reverie: Reverie, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reverie = reverie
        self.agent: Any = None
        self._thread: threading.Thread | None = None

    def start(self, passphrase: str | None = None) -> None:
        if self._thread is not None:
            return
        try:
            self.agent = self.reverie.capture_agent(passphrase)
        except ReverieError as error:
            self.unavailable.emit(str(error))
            return
        self._thread = threading.Thread(target=self._run, name="reverie-capture", daemon=True)
        self._thread.start()
        self.started.emit(self.agent)

    def _run(self) -> None:
        self.agent.run(on_outcome=self.cycle.emit)

    def stop(self) -> None:
        if self.agent is not None:
            self.agent.stop()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        if self.agent is not None:
            self.agent.close()
        self.agent = None
