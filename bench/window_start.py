"""How long the desktop app takes to put its window on screen, from the moment the process is
started (Python start-up and imports included), on a store holding the sample chat. The model
loads lazily, so it is not part of this. Not a test: run on demand.

    .venv/bin/python -m bench.window_start [--runs 10]

Runs on Qt's offscreen platform, and also on a real X server (xcb) under Xvfb when xvfb-run
is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "resources" / "sample_chat.jsonl"


def one_run(home: Path, platform: str) -> float:
    env = {**os.environ, "REVERIE_HOME": str(home), "QT_QPA_PLATFORM": platform}
    command = [sys.executable, "-m", "ui.launch", "--startup-probe"]
    if platform == "xcb":
        env.pop("DISPLAY", None)
        command = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", *command]
    started = time.time()
    out = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("window-shown"))
    shown, process_start = float(line.split()[1]), float(line.split()[3])
    # xvfb-run spends time starting the X server before our process exists: measure from our
    # own process start there, from the spawn otherwise.
    return shown - (process_start if platform == "xcb" else started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="reverie-window-"))
    subprocess.run([sys.executable, "-m", "app", "ingest", str(SAMPLE), "--home", str(home)],
                   cwd=ROOT, check=True, capture_output=True)  # fmt: skip
    platforms = ["offscreen"] + (["xcb"] if shutil.which("xvfb-run") else [])
    results = {}
    for platform in platforms:
        one_run(home, platform)  # warm the file cache, as a second launch would be
        times = sorted(one_run(home, platform) for _ in range(args.runs))
        results[platform] = {
            "runs": args.runs,
            "p50_s": round(statistics.median(times), 3),
            "max_s": round(times[-1], 3),
        }
        print(f"{platform}: window on screen after p50 {results[platform]['p50_s']} s, "
              f"max {results[platform]['max_s']} s over {args.runs} launches")  # fmt: skip
    out = ROOT / "bench" / "results" / "window_start.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
