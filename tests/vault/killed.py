"""Run by test_killed.py in a child process: export or import, and SIGKILL this very process
in the middle (after a few hundred records), as a crash or a power cut would."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import app.services.vault as vault
from app.runtime import Reverie
from app.vault.header import CHEAP_KDF

PASSPHRASE = "correct horse battery staple"


class KillMidway:
    def __init__(self, label: str) -> None:
        self.label, self.current, self.advanced = label, "", 0

    def start(self, total: int, label: str) -> None:
        self.current = label

    def advance(self, amount: int) -> None:
        if self.current == self.label:
            self.advanced += 1
            if self.advanced == 3:
                os.kill(os.getpid(), signal.SIGKILL)

    def finish(self) -> None:
        pass


def main() -> None:
    action, home, file = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    vault.PROGRESS_EVERY = 10  # report (and so get killed) after 30 records
    with Reverie(home) as reverie:
        if action == "export":
            vault.export_vault(
                reverie, file, PASSPHRASE, kdf=CHEAP_KDF, progress=KillMidway("exporting")
            )
        else:
            vault.import_vault(reverie, file, PASSPHRASE, progress=KillMidway("importing"))
    raise SystemExit("not killed")


if __name__ == "__main__":
    main()
