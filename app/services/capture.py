"""The capture agent: every few seconds, per monitor, decide from the window list what may be
captured, grab, black out excluded windows, skip what did not change, OCR the active window
(within a CPU budget), redact secrets, and store the frame's text as evidence in an episode.

Adapters (window list, grabber, OCR) are handed in, so tests and the CLI share this code.
"""

from __future__ import annotations

import logging
import os
import resource
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from PIL import Image

from app.capture.change import Fingerprint, changed, fingerprint
from app.capture.thumbnails import write_thumbnail
from app.core.capture_policy import PrivacyPolicy, Rect, WindowInfo
from app.core.redaction import redact
from app.runtime import Reverie
from app.services.index_sync import sync_index
from app.settings import Settings
from app.storage.capture_store import CaptureStore, Episode, Forgotten, NewFrame

log = logging.getLogger(__name__)
SUMMARY_CHARS = 800


class WindowSource(Protocol):
    def windows(self) -> list[WindowInfo]: ...
    def active(self, windows: list[WindowInfo]) -> WindowInfo | None: ...
    def idle_seconds(self) -> float: ...
    def locked(self, windows: list[WindowInfo]) -> bool: ...


class Grabber(Protocol):
    def monitors(self) -> list[Any]: ...
    def grab(self, monitor: Any, blackout: tuple[Rect, ...]) -> Image.Image: ...


class Reader(Protocol):
    def read(self, image: Image.Image) -> str: ...


@dataclass(frozen=True)
class CaptureOptions:
    interval_s: float = 5.0
    thumbnails: bool = False
    excluded_apps: tuple[str, ...] = ()
    excluded_titles: tuple[str, ...] = ()
    redact_contacts: bool = False
    disk_cap_mb: float = 1024
    idle_after_s: float = 300.0  # no input for this long: the user is away, nothing is captured
    episode_gap_s: float = 300.0  # a pause this long in one window starts a new episode
    ocr_budget: float = 0.05  # share of one core OCR may use on average

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> CaptureOptions:
        chosen = cls(
            interval_s=settings.capture_interval_s,
            thumbnails=settings.capture_thumbnails,
            excluded_apps=tuple(settings.capture_excluded_apps),
            excluded_titles=tuple(settings.capture_excluded_titles),
            redact_contacts=settings.redact_contacts,
            disk_cap_mb=settings.capture_disk_cap_mb,
        )
        return replace(chosen, **overrides)


@dataclass
class CaptureOutcome:
    at: datetime
    kept: list[int] = field(default_factory=list)  # frame ids
    memories: list[int] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # why monitors were not kept
    redactions: int = 0
    hidden_windows: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "kept_frames": self.kept, "memories": self.memories,
                "skipped": self.skipped, "redactions": self.redactions,
                "hidden_windows": self.hidden_windows}  # fmt: skip


def episode_summary(episode: Episode, texts: list[str]) -> str:
    minutes = max(1, round((episode.ended_at - episode.started_at).total_seconds() / 60))
    seen: list[str] = []
    for text in texts:
        for line in text.splitlines():
            if line not in seen and len(line) > 3:
                seen.append(line)
    body = " / ".join(seen)[:SUMMARY_CHARS]
    head = f"Worked in {episode.app}: “{episode.title}” for about {minutes} min"
    return f"{head} ({episode.frames} screens). Text on screen: {body}" if body else f"{head}."


class CaptureAgent:
    def __init__(
        self,
        reverie: Reverie,
        windows: WindowSource,
        grabber: Grabber,
        ocr: Reader | None,
        options: CaptureOptions,
        thumbnail_key: bytes | None = None,
    ) -> None:
        self.reverie = reverie
        self.windows, self.grabber, self.ocr = windows, grabber, ocr
        self.options = options
        self.key = thumbnail_key if options.thumbnails else None
        self.policy = PrivacyPolicy(options.excluded_apps, options.excluded_titles, os.getpid())
        self.store = CaptureStore(reverie.store)
        self.thumbnails = reverie.home / "captures"
        self._last: dict[int, Fingerprint] = {}
        self._ocr_ready_at = 0.0  # monotonic time when OCR may run again
        self._paused_until: datetime | None = None
        self._paused_forever = False
        self._now_requested = threading.Event()
        self._wake = threading.Event()  # cuts the wait short: capture now, or stop
        self._stop = threading.Event()
        self._cpu: deque[tuple[float, float]] = deque()  # (monotonic end, cpu seconds)
        self.notes: list[str] = []  # what is degraded (no OCR, no thumbnail key) and why

    # ------------------------------------------------------------ pause

    @property
    def paused(self) -> bool:
        if self._paused_forever:
            return True
        return self._paused_until is not None and self.reverie.now() < self._paused_until

    def pause(self, minutes: float | None) -> None:
        if minutes is None:
            self._paused_forever = True
        else:
            self._paused_until = self.reverie.now() + timedelta(minutes=minutes)

    def resume(self) -> None:
        self._paused_forever = False
        self._paused_until = None

    def capture_now(self) -> None:
        self._now_requested.set()
        self._wake.set()

    # ------------------------------------------------------------ one cycle

    def capture_once(self, *, force: bool = False) -> CaptureOutcome:
        started_cpu = time.thread_time() + _children_cpu()
        try:
            return self._capture(force)
        finally:
            self._cpu.append((time.monotonic(), time.thread_time() + _children_cpu() - started_cpu))

    def _capture(self, force: bool) -> CaptureOutcome:
        now = self.reverie.now()
        outcome = CaptureOutcome(now)
        if self.paused and not force:
            outcome.skipped.append("paused")
            return outcome
        windows = self.windows.windows()
        if self.windows.locked(windows):
            outcome.skipped.append("screen locked")
            self._end_episode(now)
            return outcome
        if not force and self.windows.idle_seconds() > self.options.idle_after_s:
            outcome.skipped.append("user idle")
            self._end_episode(now)
            return outcome
        active = self.windows.active(windows)
        for monitor in self.grabber.monitors():
            self._capture_monitor(monitor, windows, active, now, force, outcome)
        return outcome

    def _capture_monitor(
        self, monitor: Any, windows: list[WindowInfo], active: WindowInfo | None,
        now: datetime, force: bool, outcome: CaptureOutcome,
    ) -> None:  # fmt: skip
        decision = self.policy.decide(windows, active, monitor.rect)
        if not decision.capture:
            outcome.skipped.append(decision.reason)
            return
        image = self.grabber.grab(monitor, decision.blackout)
        # A window that opened between the list and the grab: look again, drop if in doubt.
        after = self.windows.windows()
        before_ids = {w.window_id for w in windows}
        if any(self.policy.excluded(w) and w.window_id not in before_ids for w in after):
            outcome.skipped.append("an excluded window appeared during the grab")
            return
        outcome.hidden_windows += len(decision.hidden)
        print_ = fingerprint(image)
        if not force and not changed(self._last.get(monitor.index), print_):
            outcome.skipped.append("unchanged")
            return
        text = ""
        if self.ocr is not None:
            if not force and time.monotonic() < self._ocr_ready_at:
                # Over the OCR budget: keep nothing now (the comparison stays with the last kept
                # frame, so this change is picked up on a later cycle).
                outcome.skipped.append("OCR budget")
                return
            text = self._read(image, active, monitor.rect)
        self._last[monitor.index] = print_
        cleaned = redact(text, contacts=self.options.redact_contacts)
        outcome.redactions += cleaned.total
        app = active.app if active else "unknown"
        title = active.title if active else ""
        with self.reverie.work_lock:
            episode_id = self._episode_for(app, title, now)
            frame = NewFrame(now, monitor.index, app, title, print_.hex(), cleaned.text,
                             cleaned.total)  # fmt: skip
            frame_id, memory_id = self.store.add_frame(episode_id, frame, now, self.reverie.params)
            if self.key is not None:
                folder = self.thumbnails / now.strftime("%Y-%m-%d")
                path, size = write_thumbnail(folder, f"frame-{frame_id}", image, self.key)
                self.store.set_thumbnail(frame_id, path, size)
                for old in self.store.drop_oldest_thumbnails(
                    int(self.options.disk_cap_mb * 1_000_000)
                ):
                    old.unlink(missing_ok=True)
            sync_index(self.reverie.store, self.reverie.index)
        outcome.kept.append(frame_id)
        if memory_id is not None:
            outcome.memories.append(memory_id)

    def _read(self, image: Image.Image, active: WindowInfo | None, screen: Rect) -> str:
        """OCR of the active window (the whole monitor when unknown), paced to the budget."""
        region = active.rect.intersect(screen) if active else None
        crop = image
        if region is not None:
            x, y = region.x - screen.x, region.y - screen.y
            crop = image.crop((x, y, x + region.width, y + region.height))
        started = time.monotonic()
        assert self.ocr is not None
        text = self.ocr.read(crop)
        spent = time.monotonic() - started
        self._ocr_ready_at = time.monotonic() + spent / self.options.ocr_budget - spent
        return text

    # ------------------------------------------------------------ episodes

    def _episode_for(self, app: str, title: str, now: datetime) -> int:
        current = self.store.open_episode()
        gap = timedelta(seconds=self.options.episode_gap_s)
        if (
            current
            and (current.app, current.title) == (app, title)
            and now - current.ended_at <= gap
        ):
            return current.id
        if current:
            self._close(current, now)
        return self.store.start_episode(app, title, now)

    def _end_episode(self, now: datetime) -> None:
        with self.reverie.work_lock:
            current = self.store.open_episode()
            if current:
                self._close(current, now)
                sync_index(self.reverie.store, self.reverie.index)

    def _close(self, episode: Episode, now: datetime) -> None:
        summary = episode_summary(episode, self.store.episode_texts(episode.id))
        self.store.close_episode(episode, summary if episode.frames else None, now,
                                 self.reverie.params)  # fmt: skip

    def finish(self) -> None:
        """Close the open episode (it then goes to extraction once)."""
        self._end_episode(self.reverie.now())

    # ------------------------------------------------------------ running

    def run(self, duration_s: float | None = None, on_outcome: Any = None) -> None:
        """Capture every interval (and at once when `capture_now` is asked) until `stop` is
        called (even before this began) or `duration_s` has passed; then close the open
        episode."""
        ends = time.monotonic() + duration_s if duration_s else None
        while not self._stop.is_set() and (ends is None or time.monotonic() < ends):
            forced = self._now_requested.is_set()
            self._now_requested.clear()
            try:
                outcome = self.capture_once(force=forced)
            except Exception:  # one bad cycle must not end capture; it is logged
                log.exception("a capture cycle failed")
            else:
                if on_outcome is not None:
                    on_outcome(outcome)
            wait = self.options.interval_s
            if ends is not None:
                wait = min(wait, max(0.0, ends - time.monotonic()))
            self._wake.wait(wait)
            self._wake.clear()
        self.finish()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def close(self) -> None:
        """Let go of the display connections (after `run` has returned)."""
        for adapter in (self.windows, self.grabber):
            closing = getattr(adapter, "close", None)
            if closing is not None:
                closing()

    # ------------------------------------------------------------ figures

    def figures(self) -> dict[str, Any]:
        now = self.reverie.now()
        hour_ago = time.monotonic() - 3600
        while self._cpu and self._cpu[0][0] < hour_ago:
            self._cpu.popleft()
        cpu = sum(seconds for _, seconds in self._cpu)
        midnight = now.astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
        return {
            "captures_today": self.store.frames_since(midnight),
            "disk_bytes": self.store.thumbnail_bytes(),
            "cpu_percent_last_hour": round(100 * cpu / 3600, 2),
        }

    def forget_last(self, minutes: float) -> Forgotten:
        forgotten = forget_recent(self.reverie, minutes)
        self._last.clear()  # what is on screen now counts as new again
        return forgotten


def forget_recent(reverie: Reverie, minutes: float) -> Forgotten:
    """Remove everything captured in the last `minutes`: frames, their text, thumbnails, and
    the memories derived only from them (with capture running or not)."""
    now = reverie.now()
    with reverie.work_lock:
        forgotten = CaptureStore(reverie.store).forget_between(
            now - timedelta(minutes=minutes), now, now
        )
        sync_index(reverie.store, reverie.index)
    for path in forgotten.thumbnails:
        Path(path).unlink(missing_ok=True)
    return forgotten


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # tesseract runs as a child process
    return usage.ru_utime + usage.ru_stime
