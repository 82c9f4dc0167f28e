"""What screen capture costs: CPU and memory of `reverie capture --watch` on a virtual X screen
(Xvfb, 1920x1080) with a static screen and with a text screen that changes every few seconds,
OCR and encrypted thumbnails on; and disk per captured hour. Not a test: run on demand.

    .venv/bin/python -m bench.capture_cost [--seconds 180] [--interval 5] [--change-every 5]

CPU is read from /proc (the capture process and its tesseract children) between the end of a
warm-up and the end of the run, so Python start-up is reported separately from the loop.
Percentages are of one core; the machine has two.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TICK = os.sysconf("SC_CLK_TCK")
WORDS = [
    *("revenue", "costs", "quarter", "report", "meeting", "budget", "design", "review"),
    *("deploy", "release", "notes", "customer", "support", "ticket", "schedule", "travel"),
    *("invoice", "contract", "draft", "summary", "plan"),
]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return (utime + stime + cutime + cstime) / TICK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write)
    with os.fdopen(read) as handle:
        return server, f":{handle.readline().strip()}"


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "."


def run(mode: str, args: argparse.Namespace, display: str) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix=f"reverie-capture-{mode}-"))
    (home / "settings.toml").write_text("capture_thumbnails = true\ncapture_enabled = true\n")
    text = home / "screen.txt"
    rng = random.Random(7)
    text.write_text("\n".join(sentence(rng) for _ in range(8)))
    env = {
        **os.environ,
        "DISPLAY": display,
        "XDG_SESSION_TYPE": "x11",
        "REVERIE_HOME": str(home),
        "REVERIE_BENCH_PASSPHRASE": "benchmark passphrase",
        "QT_QPA_PLATFORM": "xcb",
    }
    window = subprocess.Popen(
        [sys.executable, "-m", "tests.capture.show_window", "libreoffice", "Notes - Writer",
         "0", "0", "1400", "900", str(text)],
        env=env, cwd=ROOT, stdout=subprocess.PIPE,
    )  # fmt: skip
    assert window.stdout is not None
    window.stdout.readline()
    time.sleep(1)
    stop = threading.Event()

    def change() -> None:
        while not stop.wait(args.change_every):
            lines = [*text.read_text().splitlines()[1:], sentence(rng)]
            text.write_text("\n".join(lines))

    changer = threading.Thread(target=change, daemon=True)
    if mode == "changing":
        changer.start()
    started = time.monotonic()
    capture = subprocess.Popen(
        [sys.executable, "-m", "app", "capture", "--watch", "--json",
         "--interval", str(args.interval), "--duration", str(args.seconds),
         "--idle-after", "1e9", "--passphrase-env", "REVERIE_BENCH_PASSPHRASE"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(args.warmup)
    cpu_start, wall_start = cpu_seconds(capture.pid), time.monotonic()
    peak = 0.0
    while time.monotonic() - started < args.seconds - 2:
        peak = max(peak, rss_mb(capture.pid))
        time.sleep(1)
    cpu_end, wall_end = cpu_seconds(capture.pid), time.monotonic()
    out, err = capture.communicate(timeout=120)
    stop.set()
    window.terminate()
    window.wait()
    assert capture.returncode == 0, err
    report = json.loads(out)
    thumbnails = sum(p.stat().st_size for p in (home / "captures").rglob("*.enc"))
    text.unlink()
    everything = sum(p.stat().st_size for p in home.rglob("*") if p.is_file())
    shutil.rmtree(home, ignore_errors=True)
    hours = args.seconds / 3600
    return {
        "mode": mode,
        "seconds": args.seconds,
        "interval_s": args.interval,
        "frames_kept": report["kept"],
        "loop_cpu_percent_of_one_core": round(
            100 * (cpu_end - cpu_start) / (wall_end - wall_start), 2
        ),
        "startup_cpu_s": round(cpu_start, 2),
        "peak_rss_mb": round(peak, 1),
        "thumbnails_mb_per_hour": round(thumbnails / 1e6 / hours, 1),
        "data_folder_mb_per_hour": round(everything / 1e6 / hours, 1),  # SQLite, vectors too
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--interval", type=float, default=5)
    parser.add_argument("--change-every", type=float, default=5)
    parser.add_argument("--warmup", type=float, default=20)
    args = parser.parse_args()
    server, display = start_xvfb()
    try:
        results = [run(mode, args, display) for mode in ("static", "changing")]
    finally:
        server.terminate()
    for row in results:
        print(json.dumps(row))
    out = ROOT / "bench" / "results" / "capture_cost.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
