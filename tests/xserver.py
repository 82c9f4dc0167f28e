"""A real X server (Xvfb) with real application windows, for the screen-capture tests (the
fixtures are registered in tests/conftest.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.capture.x11 import X11Windows
from tests.helpers import NETGUARD, ROOT

SCREEN = (1280, 800)


@pytest.fixture(scope="session")
def xserver() -> Iterator[str]:
    binary = shutil.which("Xvfb")
    assert binary, "Xvfb is installed by the README's test setup (packaging/setup.sh --dev)"
    read, write = os.pipe()
    server = subprocess.Popen(
        [binary, "-displayfd", str(write), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24",
         "-nolisten", "tcp"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write)
    with os.fdopen(read) as handle:
        number = handle.readline().strip()
    assert number, "Xvfb did not start"
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def display(xserver: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """This test runs against the virtual screen (the app's capture reads $DISPLAY)."""
    monkeypatch.setenv("DISPLAY", xserver)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
    return xserver


Shown = Callable[..., Path]


@pytest.fixture
def show(display: str, tmp_path: Path) -> Iterator[Shown]:
    """show(app, title, x, y, w, h, text) opens a window of its own process; returns the file
    whose contents the window displays (write to it to change the screen)."""
    processes: list[subprocess.Popen[str]] = []
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
           "PYTHONPATH": f"{NETGUARD}{os.pathsep}{ROOT}"}  # fmt: skip

    def open_window(app: str, title: str, x: int, y: int, w: int, h: int, text: str) -> Path:
        source = tmp_path / f"window-{len(processes)}.txt"
        source.write_text(text, encoding="utf-8")
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.capture.show_window", app, title, str(x), str(y),
             str(w), str(h), str(source)],
            env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        processes.append(process)
        assert process.stdout is not None and process.stdout.readline().strip() == "shown"
        wait_for_window(display, title)
        return source

    yield open_window
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
    time.sleep(0.2)  # let the X server drop the windows before the next test lists them


def wait_for_window(display: str, title: str, timeout: float = 10.0) -> None:
    windows = X11Windows(display)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(w.title == title for w in windows.windows()):
                time.sleep(0.5)  # its first paint
                return
            time.sleep(0.05)
        raise AssertionError(f"window {title!r} did not appear")
    finally:
        windows.close()
