"""The capture agent's own rules (episodes, pauses, idle and lock, the OCR budget, the disk
budget) with small fakes for the screen; the real screen is in test_capture_x11.py."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from app.capture.screen import Monitor, paint_black
from app.core.capture_policy import Rect, WindowInfo
from app.runtime import Reverie
from app.services.capture import CaptureAgent, CaptureOptions
from tests.helpers import NOW

SCREEN = Rect(0, 0, 640, 400)


@dataclass
class FakeScreen:
    """Windows, idle time and pixels as a test sets them."""

    windows_: list[WindowInfo] = field(default_factory=list)
    idle: float = 0.0
    is_locked: bool = False
    text: str = "first screen"
    grabs: int = 0

    def show(self, app: str, title: str, text: str) -> None:
        self.windows_ = [WindowInfo(len(title), title, app, Rect(0, 0, 640, 400), 1)]
        self.text = text

    def windows(self) -> list[WindowInfo]:
        return list(self.windows_)

    def active(self, windows: list[WindowInfo]) -> WindowInfo | None:
        return windows[-1] if windows else None

    def idle_seconds(self) -> float:
        return self.idle

    def locked(self, windows: list[WindowInfo]) -> bool:
        return self.is_locked

    def monitors(self) -> list[Monitor]:
        return [Monitor(1, SCREEN)]

    def grab(self, monitor: Monitor, blackout: tuple[Rect, ...]) -> Image.Image:
        self.grabs += 1
        image = Image.new("RGB", (SCREEN.width, SCREEN.height), "white")
        ImageDraw.Draw(image).text((20, 20 + 7 * len(self.text) % 300), self.text, fill="black")
        ImageDraw.Draw(image).rectangle((20, 200, 20 + 9 * len(self.text), 260), fill="navy")
        paint_black(image, list(blackout))
        return image


@dataclass
class FakeOcr:
    screen: FakeScreen
    seconds: float = 0.0
    calls: int = 0

    def read(self, image: Image.Image) -> str:
        self.calls += 1
        time.sleep(self.seconds)
        return self.screen.text


def make(reverie: Reverie, **options: Any) -> tuple[CaptureAgent, FakeScreen, FakeOcr]:
    screen = FakeScreen()
    screen.show("libreoffice", "Q3 report.odt", "Revenue grew twelve percent.")
    ocr = FakeOcr(screen)
    key = bytes(32) if options.get("thumbnails") else None
    chosen = CaptureOptions(**{"ocr_budget": 1.0, **options})
    agent = CaptureAgent(reverie, screen, screen, ocr, chosen, thumbnail_key=key)
    return agent, screen, ocr


def episodes(reverie: Reverie) -> list[tuple[str, int, int]]:
    return [tuple(r) for r in reverie.store.conn.execute(
        "SELECT app, frames, closed FROM episodes ORDER BY id")]  # fmt: skip


def queued_for_extraction(reverie: Reverie) -> list[str]:
    rows = reverie.store.conn.execute(
        "SELECT e.content FROM extraction_queue q JOIN evidence e ON e.id = q.evidence_id"
    )
    return [r[0] for r in rows]


def test_switching_windows_splits_episodes_and_each_is_extracted_once(reverie: Reverie) -> None:
    agent, screen, _ = make(reverie)
    agent.capture_once()
    screen.text = "Revenue grew twelve percent. Costs fell three percent."
    agent.capture_once()
    screen.show("firefox", "Lisbon flights", "Booking: LIS 12 June, seat 14C")
    agent.capture_once()
    assert episodes(reverie) == [("libreoffice", 2, 1), ("firefox", 1, 0)]
    summaries = queued_for_extraction(reverie)
    assert len(summaries) == 1 and summaries[0].startswith("Worked in libreoffice")
    assert "Costs fell" in summaries[0]
    agent.finish()
    assert len(queued_for_extraction(reverie)) == 2  # the firefox episode, once


def test_idle_and_a_locked_screen_capture_nothing_and_end_the_episode(reverie: Reverie) -> None:
    agent, screen, _ = make(reverie, idle_after_s=120)
    agent.capture_once()
    screen.idle = 600
    assert agent.capture_once().skipped == ["user idle"]
    assert episodes(reverie) == [("libreoffice", 1, 1)]
    screen.idle, screen.is_locked = 0, True
    grabs = screen.grabs
    assert agent.capture_once().skipped == ["screen locked"] and screen.grabs == grabs


def test_pause_snooze_and_resume(reverie: Reverie) -> None:
    agent, screen, _ = make(reverie)
    agent.pause(15)
    assert agent.paused and agent.capture_once().skipped == ["paused"]
    reverie.clock = lambda: NOW + timedelta(minutes=16)
    assert not agent.paused and agent.capture_once().kept
    agent.pause(None)
    reverie.clock = lambda: NOW + timedelta(days=2)
    assert agent.paused and screen.grabs == 1
    agent.resume()
    assert not agent.paused


def test_ocr_stays_within_its_cpu_budget(reverie: Reverie) -> None:
    agent, screen, ocr = make(reverie, ocr_budget=0.1)
    ocr.seconds = 0.05  # a read costs 50 ms, so at 10 % the next may come 0.5 s later
    assert agent.capture_once().kept
    screen.text = "A different text entirely, with other words in it."
    assert agent.capture_once().skipped == ["OCR budget"] and ocr.calls == 1
    time.sleep(0.5)
    assert agent.capture_once().kept and ocr.calls == 2  # the change was not lost


def test_the_disk_budget_drops_the_oldest_thumbnails_first(reverie: Reverie) -> None:
    agent, screen, _ = make(reverie, thumbnails=True)
    first = agent.capture_once(force=True).kept[0]
    size = reverie.store.conn.execute("SELECT thumbnail_bytes FROM frames").fetchone()[0]
    agent.options = CaptureOptions(ocr_budget=1.0, thumbnails=True, disk_cap_mb=1.5 * size / 1e6)
    first_file = Path(reverie.store.conn.execute(
        "SELECT thumbnail FROM frames WHERE id = ?", (first,)).fetchone()[0])  # fmt: skip
    screen.text = "Second screen with other words."
    second = agent.capture_once(force=True).kept[0]
    rows = dict(reverie.store.conn.execute("SELECT id, thumbnail FROM frames").fetchall())
    assert rows[first] is None and not first_file.exists()  # the oldest went
    assert rows[second] is not None and Path(rows[second]).exists()
    assert agent.figures()["disk_bytes"] <= 1.5 * size
    # The frames' text and memories stay: only pixels are dropped.
    assert reverie.store.conn.execute("SELECT count(*) FROM frames").fetchone()[0] == 2
