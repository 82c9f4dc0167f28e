"""The real app in a real window: Xvfb with a window manager (openbox), driven by real mouse and
keyboard events (xdotool), checked by what is on the screen (OCR of screenshots). What only
shows on a real display (focus after a dialog, native file dialogs, glyphs, stacking of
windows) is covered here; the offscreen tests cover the rest."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import NETGUARD, ROOT, SAMPLE
from tests.real_display import RealScreen, desktop  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow


@pytest.fixture
def app(desktop: RealScreen, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:  # noqa: F811
    """`reverie-gui` on a new data folder, as a first start."""
    env = {**os.environ, "DISPLAY": desktop.display, "QT_QPA_PLATFORM": "xcb",
           "PYTHONPATH": f"{NETGUARD}{os.pathsep}{ROOT}"}  # fmt: skip
    env.pop("WAYLAND_DISPLAY", None)
    log = (tmp_path / "app.log").open("w")
    command = [sys.executable, "-m", "ui.launch", "--home", str(tmp_path / "home")]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                               text=True)  # fmt: skip
    yield process
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=30)
    log.close()


def test_import_ask_open_a_citation_and_pin_it_with_real_input(
    app: subprocess.Popen[str],
    desktop: RealScreen,  # noqa: F811
    tmp_path: Path,
) -> None:
    screen = desktop
    chat = shutil.copy(SAMPLE, tmp_path / "my-chat.jsonl")

    # First start: the getting-started steps, over the main window.
    screen.wait_for("Welcome to Reverie", timeout=120)
    screen.grab("first-start")
    screen.click_on("Choose a chat file")
    screen.wait_for("File name")  # the file dialog, with the name field focused
    screen.type(str(chat))
    screen.key("Return")
    screen.wait_for("Imported my-chat.jsonl", timeout=120)
    screen.click_on("Done")

    # Ask in the chat, with the keyboard, as typed: the toolbar's Ask puts the cursor there.
    screen.click_on("Ask...")
    screen.type("What book did Priya recommend?")
    screen.key("Return")
    answer = screen.wait_for("Piranesi", timeout=120)
    screen.grab("answered")
    assert "[1]" in answer.line, "the answer cites its memory"

    # The citation chip under the answer opens the memory with its evidence.
    screen.click_on("[1]", below=answer.y + 10)
    screen.wait_for("where this memory came from")
    assert screen.find("my-chat.jsonl") is not None, "the evidence names its source file"
    screen.grab("citation")

    # Pin it from there; the Memories tab then lists it as pinned.
    screen.click_on("Pin")
    screen.wait_for("never fades")
    screen.click_on("Show in Memories")
    screen.wait_for("[pinned]")
    screen.grab("pinned")

    screen.key("ctrl+q")
    assert app.wait(timeout=60) == 0
