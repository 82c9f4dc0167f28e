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
        self._stopping = threading.Event()

    def start(self, passphrase: str | None = None) -> None:
        if self._thread is not None:
            return
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(passphrase, self._stopping),
                                        name="reverie-capture", daemon=True)  # fmt: skip
        self._thread.start()

    def _run(self, passphrase: str | None, stopping: threading.Event) -> None:
        # Built here, not on the GUI thread: opening the display, the keyring and deriving a
        # key from a passphrase (scrypt) all take time.
        try:
            agent = self.reverie.capture_agent(passphrase)
        except ReverieError as error:
            self.unavailable.emit(str(error))
            return
        self.agent = agent
        if not stopping.is_set():
            self.started.emit(agent)
            agent.run(on_outcome=self.cycle.emit)
        agent.close()

    def stop(self) -> None:
        if self._thread is None:
            return
        self._stopping.set()
        if self.agent is not None:
            self.agent.stop()  # a stop asked before run() began still ends it
        self._thread.join(timeout=30)
        self._thread = None
        self.agent = None
