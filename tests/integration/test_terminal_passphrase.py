"""At a terminal, with no OS keyring and no passphrase in the environment, the CLI asks for
the store's passphrase (twice when choosing one) instead of stopping, as restic and borg do."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

from tests.helpers import ROOT, cli_env


def _at_a_terminal(home: Path, args: list[str], answers: list[str]) -> tuple[int, str]:
    env = {k: v for k, v in cli_env(home).items() if k != "REVERIE_PASSPHRASE"}
    pid, fd = pty.fork()
    if pid == 0:  # the child: the CLI on the terminal's other end
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "app", *args], env)
    seen, pending, deadline = b"", list(answers), time.monotonic() + 240
    answered_at = 0  # how much had been seen when the last answer was typed
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            # Answer a new prompt only: the newline echoed after an answer leaves the last
            # prompt's ':' at the end, and an answer typed before getpass's next prompt is
            # flushed by it (TCSAFLUSH), which left the CLI waiting for good.
            fresh = seen[answered_at:].rstrip()
            if pending and fresh.endswith(b":"):
                os.write(fd, pending.pop(0).encode() + b"\n")
                answered_at = len(seen)
    else:
        os.kill(pid, signal.SIGKILL)  # never wait for good on a CLI that still waits
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), seen.decode(errors="replace")


def test_the_cli_asks_for_a_passphrase_at_a_terminal(tmp_path: Path) -> None:
    home = tmp_path / "home"
    code, out = _at_a_terminal(home, ["stats"], ["correct horse", "correct horse"])
    assert code == 0, out
    assert "choose a passphrase" in out and "again" in out
    # The same passphrase opens it later; a wrong one is refused and changes nothing.
    code, out = _at_a_terminal(home, ["stats"], ["correct horse"])
    assert code == 0, out
    code, out = _at_a_terminal(home, ["stats"], ["wrong horse"])
    assert code == 1 and "passphrase" in out.lower(), out
