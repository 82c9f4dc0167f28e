"""A real desktop for the real-window test: Xvfb with a window manager (openbox), real input
events (xdotool), and what is on the screen read back as a user would see it (tesseract OCR of
a screenshot), so a test clicks on the words it can see instead of on widget coordinates."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from tests.xserver import SCREEN

# (scale, tesseract page model): small UI text reads far better enlarged; sparse text (11)
# finds buttons and labels, a single column (4) whole sentences in muted grey.
READINGS = ((2, 11), (3, 4), (3, 11))
Word = tuple[str, int, int]  # a word and its centre


@dataclass(frozen=True)
class Seen:
    """A phrase found on the screen: its centre in screen pixels."""

    x: int
    y: int
    line: str


class RealScreen:
    def __init__(self, display: str, shots: Path) -> None:
        self.display = display
        self.shots = shots
        self.env = {**os.environ, "DISPLAY": display}
        self._count = 0

    # ---- input

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True,
                              timeout=30, check=True)  # fmt: skip
        return done.stdout

    def click(self, x: int, y: int) -> None:
        self.xdotool("mousemove", "--sync", str(x), str(y))
        time.sleep(0.1)
        self.xdotool("click", "1")

    def click_on(self, phrase: str, timeout: float = 30.0, below: int = 0) -> Seen:
        seen = self.wait_for(phrase, timeout, below)
        self.click(seen.x, seen.y)
        return seen

    def key(self, *keys: str) -> None:
        self.xdotool("key", "--clearmodifiers", *keys)

    def type(self, text: str) -> None:
        self.xdotool("type", "--delay", "30", text)

    def wheel_down(self, x: int, y: int, notches: int) -> None:
        self.xdotool("mousemove", "--sync", str(x), str(y))
        for _ in range(notches):
            self.xdotool("click", "5")

    def active_window_name(self) -> str:
        return self.xdotool("getactivewindow", "getwindowname").strip()

    # ---- what is seen

    def grab(self, name: str | None = None) -> Image.Image:
        import mss

        with mss.MSS(display=self.display) as screens:
            shot = screens.grab(screens.monitors[0])
            image = Image.frombytes("RGB", shot.size, shot.bgra, "raw", "BGRX")
        self._count += 1
        if name is not None:
            image.save(self.shots / f"{self._count:02d}-{name}.png")
        return image

    def lines(
        self, image: Image.Image | None = None, scale: int = 2, psm: int = 11
    ) -> list[tuple[str, list[Word]]]:
        """Each line of text on the screen: its words with their centres (screen pixels)."""
        import pytesseract

        # One thread: tesseract's OpenMP threads fight over 2 cores and take 3x longer.
        os.environ["OMP_THREAD_LIMIT"] = "1"
        image = image or self.grab()
        size = (image.width * scale, image.height * scale)
        grey = image.convert("L").resize(size, Image.Resampling.LANCZOS)
        data = pytesseract.image_to_data(grey, config=f"--psm {psm}",
                                         output_type=pytesseract.Output.DICT)  # fmt: skip
        by_line: dict[tuple[int, int, int], list[tuple[int, str, int, int]]] = {}
        for i, word in enumerate(data["text"]):
            if not word.strip():
                continue
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            x = (data["left"][i] + data["width"][i] // 2) // scale
            y = (data["top"][i] + data["height"][i] // 2) // scale
            by_line.setdefault(key, []).append((data["left"][i], word, x, y))
        lines = []
        for words in by_line.values():
            words.sort()
            lines.append((" ".join(w for _, w, _, _ in words), [(w, x, y) for _, w, x, y in words]))
        return lines

    def text(self) -> str:
        return "\n".join(line for line, _ in self.lines())

    def find(self, phrase: str, below: int = 0) -> Seen | None:
        """Where `phrase` (one or more words, any case) is on the screen, top first. OCR
        misreads differ with the page model and the scale, so a phrase not read one way is
        looked for in the others."""
        image = self.grab()
        for scale, psm in READINGS:
            seen = _first(phrase, self.lines(image, scale, psm), below)
            if seen is not None:
                return seen
        return None

    def wait_for(self, phrase: str, timeout: float = 30.0, below: int = 0) -> Seen:
        deadline = time.monotonic() + timeout
        while True:
            seen = self.find(phrase, below)
            if seen is not None:
                return seen
            if time.monotonic() > deadline:
                shown = self.text()
                self.grab(f"missing-{phrase[:20].replace(' ', '_')}")
                raise AssertionError(f"{phrase!r} did not appear on the screen; it shows:\n{shown}")
            time.sleep(0.5)


def _first(phrase: str, lines: list[tuple[str, list[Word]]], below: int) -> Seen | None:
    wanted = phrase.casefold().split()
    found: list[Seen] = []
    for line, words in lines:
        folded = [w.casefold() for w, _, _ in words]
        for start in range(len(folded) - len(wanted) + 1):
            window = folded[start : start + len(wanted)]
            if all(want in got for want, got in zip(wanted, window, strict=True)):
                xs = [x for _, x, _ in words[start : start + len(wanted)]]
                y = words[start][2]
                if y >= below:
                    found.append(Seen((min(xs) + max(xs)) // 2, y, line))
    found.sort(key=lambda s: s.y)
    return found[0] if found else None


@pytest.fixture
def desktop(xserver: str, tmp_path: Path) -> Iterator[RealScreen]:
    """The virtual screen with openbox managing its windows (focus, stacking, decorations,
    as on a user's desktop)."""
    assert shutil.which("openbox") and shutil.which("xdotool"), (
        "openbox and xdotool are installed by the README's test setup (packaging/setup.sh --dev)"
    )
    env = {**os.environ, "DISPLAY": xserver}
    manager = subprocess.Popen(["openbox", "--sm-disable"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 20
    while (
        "_NET_SUPPORTING_WM_CHECK(WINDOW)"
        not in subprocess.run(
            ["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], env=env, capture_output=True, text=True
        ).stdout
    ):
        assert time.monotonic() < deadline and manager.poll() is None, "openbox did not start"
        time.sleep(0.1)
    shots = tmp_path / "screens"
    shots.mkdir()
    yield RealScreen(xserver, shots)
    manager.terminate()
    manager.wait(timeout=10)


__all__ = ["SCREEN", "RealScreen", "Seen", "desktop"]
