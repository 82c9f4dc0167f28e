"""Screen capture on a real X server with real windows, real OCR (tesseract) and the real store.

Every window here is its own process with its own WM_CLASS, title and pid, as applications are.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.capture.thumbnails import read_thumbnail
from app.core.capture_policy import Rect
from app.runtime import Reverie
from app.services.recall import search
from tests.helpers import NETGUARD, NOW, ROOT, cli_env
from tests.xserver import Shown, wait_for_window

REPORT = "Quarterly report draft: revenue grew twelve percent in the third quarter."
VAULT = "Vault entry: Lighthouse bank login, account number 48213377."
PASSPHRASE = "correct horse battery staple"


AGENTS: list[Any] = []


@pytest.fixture(autouse=True)
def close_agents() -> Iterator[None]:
    yield
    while AGENTS:
        AGENTS.pop().close()


def agent_for(reverie: Reverie, **overrides: Any) -> Any:
    settings = {"idle_after_s": 1e9, "thumbnails": True, **overrides}
    agent = reverie.capture_agent(PASSPHRASE, **settings)
    AGENTS.append(agent)
    return agent


def screen_text(reverie: Reverie) -> str:
    """Everything capture wrote to the store, as text: evidence, memories, history, episodes."""
    conn = reverie.store.conn
    parts = [r[0] for r in conn.execute("SELECT content FROM evidence")]
    parts += [r[0] for r in conn.execute("SELECT text || ' ' || context FROM memories")]
    parts += [
        f"{r[0]} {r[1]} {r[2]}"
        for r in conn.execute(
            "SELECT coalesce(before, ''), coalesce(after, ''), reason FROM history"
        )
    ]
    parts += [f"{r[0]} {r[1]}" for r in conn.execute("SELECT app, title FROM frames")]
    parts += [f"{r[0]} {r[1]}" for r in conn.execute("SELECT app, title FROM episodes")]
    parts += [r[0] for r in conn.execute("SELECT path FROM imports")]
    return "\n".join(parts)  # fmt: skip


def thumbnail_of(reverie: Reverie, frame_id: int) -> np.ndarray:
    path = reverie.store.conn.execute(
        "SELECT thumbnail FROM frames WHERE id = ?", (frame_id,)).fetchone()[0]  # fmt: skip
    key = agent_for(reverie).key
    return np.asarray(read_thumbnail(Path(path), key).convert("L"))


def region(image: np.ndarray, rect: Rect, scale: float) -> np.ndarray:
    # A few pixels in from the edges: lossy WebP rings a little where white meets black.
    x, y = int(rect.x * scale) + 6, int(rect.y * scale) + 6
    return image[y : int((rect.y + rect.height) * scale) - 6,
                 x : int((rect.x + rect.width) * scale) - 6]  # fmt: skip


def black(pixels: np.ndarray) -> bool:
    """Painted out: no text or window could hide in it (WebP noise stays far below this)."""
    return bool(pixels.size) and pixels.mean() < 1 and pixels.max() < 40


def test_a_window_s_text_becomes_searchable_evidence_with_app_and_title(
    reverie: Reverie, show: Shown
) -> None:
    show("libreoffice", "Q3 report.odt - LibreOffice Writer", 0, 0, 900, 500, REPORT)
    agent = agent_for(reverie)
    outcome = agent.capture_once()
    assert len(outcome.kept) == 1 and outcome.memories
    hits = search(reverie.store, reverie.index, "quarterly revenue growth", now=NOW,
                  params=reverie.params)  # fmt: skip
    top = hits[0]
    evidence = top.sources[0]
    assert evidence.source_kind == "screen" and "revenue grew" in evidence.content
    assert evidence.speaker == "libreoffice — Q3 report.odt - LibreOffice Writer"
    assert evidence.timestamp == NOW
    # The episode goes to extraction once, as one summary, when it ends.
    agent.finish()
    queued = reverie.store.conn.execute(
        "SELECT e.content FROM extraction_queue q JOIN evidence e ON e.id = q.evidence_id"
    ).fetchall()
    assert len(queued) == 1 and queued[0][0].startswith("Worked in libreoffice")


def test_an_excluded_window_never_reaches_storage(reverie: Reverie, show: Shown) -> None:
    vault = Rect(760, 420, 480, 300)
    show("KeePassXC", "Passwords.kdbx - KeePassXC", vault.x, vault.y, vault.width,
         vault.height, VAULT)  # fmt: skip
    show("libreoffice", "Q3 report.odt - LibreOffice Writer", 0, 0, 700, 400, REPORT)
    agent = agent_for(reverie)
    outcome = agent.capture_once()
    assert len(outcome.kept) == 1 and outcome.hidden_windows == 1
    stored = screen_text(reverie)
    assert "revenue grew" in stored
    assert "48213377" not in stored and "Lighthouse" not in stored and "kdbx" not in stored
    image = thumbnail_of(reverie, outcome.kept[0])
    scale = image.shape[1] / 1280
    assert black(region(image, vault, scale))  # painted black before it was stored
    assert region(image, Rect(0, 0, 700, 400), scale).mean() > 200  # the report is there


def test_nothing_is_kept_while_an_excluded_window_is_in_use(reverie: Reverie, show: Shown) -> None:
    show("libreoffice", "Q3 report.odt - LibreOffice Writer", 0, 0, 900, 500, REPORT)
    show("firefox", "Online banking — Mozilla Firefox Private Browsing", 100, 100, 800, 500,
         VAULT)  # fmt: skip
    agent = agent_for(reverie)
    outcome = agent.capture_once()
    assert outcome.kept == [] and "the active window is excluded" in outcome.skipped[0]
    assert screen_text(reverie) == ""


def test_reverie_s_own_window_is_never_captured(
    reverie: Reverie, show: Shown, display: str, tmp_path: Path
) -> None:
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
           "PYTHONPATH": f"{NETGUARD}{os.pathsep}{ROOT}"}  # fmt: skip
    app = subprocess.Popen([sys.executable, "-m", "ui.launch", "--home", str(tmp_path / "gui")],
                           env=env, cwd=ROOT)  # fmt: skip
    try:
        wait_for_window(display, "Reverie", timeout=30)
        show("libreoffice", "Q3 report.odt - LibreOffice Writer", 0, 0, 600, 300, REPORT)
        agent = agent_for(reverie)
        own = next(w for w in agent.windows.windows() if w.title == "Reverie")
        outcome = agent.capture_once()
        assert len(outcome.kept) == 1
        stored = screen_text(reverie)
        assert "revenue grew" in stored
        assert "Welcome" not in stored and "nothing you say" not in stored
        image = thumbnail_of(reverie, outcome.kept[0])
        visible = own.rect.intersect(Rect(0, 300, 1280, 500))  # below the report window
        assert visible is not None
        assert black(region(image, visible, image.shape[1] / 1280))
    finally:
        app.terminate()
        app.wait(timeout=30)


def test_secrets_on_screen_are_stored_only_redacted(reverie: Reverie, show: Shown) -> None:
    secret = "Deploy notes. password: Tr0ub4dor&3 and the key sk-proj-4f9XkQ2mZ8rT1vB7nL3p"
    show("xterm", "deploy notes", 0, 0, 1200, 400, secret)
    outcome = agent_for(reverie).capture_once()
    assert outcome.redactions >= 2
    stored = screen_text(reverie)
    assert "Deploy notes" in stored and "[secret hidden]" in stored
    assert "Tr0ub4dor" not in stored and "4f9XkQ2mZ8" not in stored


def test_forget_the_last_minutes_removes_everything_from_that_span(
    reverie: Reverie, show: Shown
) -> None:
    text = show("libreoffice", "Q3 report.odt - LibreOffice Writer", 0, 0, 900, 500, REPORT)
    agent = agent_for(reverie)
    reverie.clock = lambda: NOW - timedelta(minutes=30)
    earlier = agent.capture_once()
    text.write_text("Lunch order: two falafel wraps from the place on Vicar Lane.")
    time.sleep(0.6)
    reverie.clock = lambda: NOW
    later = agent.capture_once(force=True)  # "capture now": no waiting for the OCR budget
    assert earlier.kept and later.kept
    agent.finish()
    thumbnails = [Path(r[0]) for r in reverie.store.conn.execute(
        "SELECT thumbnail FROM frames WHERE id = ?", (later.kept[0],))]  # fmt: skip
    forgotten = agent.forget_last(10)
    assert forgotten.frames == 1 and forgotten.memories >= 1
    stored = screen_text(reverie)
    assert "falafel" not in stored and "Vicar" not in stored
    assert "revenue grew" in stored  # from before the span: kept
    assert not any(p.exists() for p in thumbnails)
    indexed = reverie.index.indexed_memory_ids()
    for memory_id in later.memories:
        assert memory_id not in indexed
    hits = search(reverie.store, reverie.index, "falafel wraps lunch", now=NOW,
                  params=reverie.params)  # fmt: skip
    assert all("falafel" not in h.memory.text for h in hits)


def test_an_unchanged_screen_adds_no_frames_and_a_changed_one_does(
    reverie: Reverie, show: Shown
) -> None:
    text = show("libreoffice", "Q3 report.odt - LibreOffice Writer", 0, 0, 900, 500, REPORT)
    agent = agent_for(reverie, thumbnails=False, ocr_budget=1.0)  # OCR may run every cycle
    assert len(agent.capture_once().kept) == 1
    for _ in range(3):
        repeat = agent.capture_once()
        assert repeat.kept == [] and repeat.skipped == ["unchanged"]
    text.write_text(REPORT + "\nCosts fell three percent over the same period.")
    time.sleep(0.6)
    assert len(agent.capture_once().kept) == 1


def test_thumbnails_are_encrypted_and_need_the_key(reverie: Reverie, show: Shown) -> None:
    show("libreoffice", "Q3 report.odt - LibreOffice Writer", 0, 0, 900, 500, REPORT)
    outcome = agent_for(reverie).capture_once()
    path = Path(reverie.store.conn.execute(
        "SELECT thumbnail FROM frames WHERE id = ?", (outcome.kept[0],)).fetchone()[0])  # fmt: skip
    blob = path.read_bytes()
    assert b"WEBP" not in blob and b"RIFF" not in blob  # not readable as an image
    from app.core.errors import InputError

    with pytest.raises(InputError, match="wrong passphrase"):
        reverie.capture_agent("not the passphrase", thumbnails=True)


def test_capture_from_the_command_line(display: str, tmp_path: Path, show: Shown) -> None:
    show("libreoffice", "Q3 report.odt - LibreOffice Writer", 0, 0, 900, 500, REPORT)
    env = {**cli_env(tmp_path / "home"), "DISPLAY": display, "XDG_SESSION_TYPE": "x11"}

    def reverie(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "app", *args], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=120)  # fmt: skip

    once = reverie("capture", "--once", "--json")
    assert once.returncode == 0, once.stderr
    watch = reverie("capture", "--watch", "--interval", "1", "--duration", "4", "--json",
                    "--idle-after", "100000")  # fmt: skip
    assert watch.returncode == 0, watch.stderr
    assert '"kept": 1' in watch.stdout  # a static screen: the first frame only
    found = reverie("search", "third quarter revenue")
    assert "Q3 report.odt" in found.stdout


def test_wayland_is_explained(tmp_path: Path) -> None:
    env = {**cli_env(tmp_path), "XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}
    result = subprocess.run([sys.executable, "-m", "app", "capture", "--once"], env=env,
                            cwd=ROOT, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 1
    assert "Wayland" in result.stderr and "X11" in result.stderr


def test_deleting_a_screen_memory_for_good_deletes_its_frame_and_thumbnail(
    reverie: Reverie, show: Shown
) -> None:
    from app.services.curation import erase_memory

    show("libreoffice", "Q3 report.odt - LibreOffice Writer", 0, 0, 900, 500, REPORT)
    outcome = agent_for(reverie).capture_once()
    thumbnail = Path(reverie.store.conn.execute(
        "SELECT thumbnail FROM frames WHERE id = ?", (outcome.kept[0],)).fetchone()[0])  # fmt: skip
    assert thumbnail.exists()
    erase_memory(reverie.store, reverie.index, outcome.memories[0], NOW)
    assert not thumbnail.exists()
    assert reverie.store.conn.execute("SELECT count(*) FROM frames").fetchone()[0] == 0
    assert "revenue grew" not in screen_text(reverie)


def test_change_thresholds_on_real_screenshots(show: Shown, display: str) -> None:
    """What counts as a change: a new line of text does; one changed character or a
    cursor-sized mark does not (they would keep a frame every few seconds for nothing)."""
    from PIL import ImageDraw

    from app.capture.change import changed, fingerprint
    from app.capture.screen import ScreenGrabber

    text = show("libreoffice", "Q3 report.odt - LibreOffice Writer", 0, 0, 900, 500, REPORT)
    grabber = ScreenGrabber()
    try:
        monitor = grabber.monitors()[0]
        first = fingerprint(grabber.grab(monitor, ()))
        assert not changed(first, fingerprint(grabber.grab(monitor, ())))
        marked = grabber.grab(monitor, ())
        ImageDraw.Draw(marked).rectangle((100, 100, 101, 120), fill=(0, 0, 0))
        assert not changed(first, fingerprint(marked))
        text.write_text(REPORT.replace("twelve", "twelfe"))
        time.sleep(0.6)
        one_character = fingerprint(grabber.grab(monitor, ()))
        assert not changed(first, one_character)
        text.write_text(REPORT + "\nCosts fell three percent over the same period.")
        time.sleep(0.6)
        assert changed(first, fingerprint(grabber.grab(monitor, ())))
    finally:
        grabber.close()
