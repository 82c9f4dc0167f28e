"""Crash safety: SIGKILL Reverie at random points of its writing work and check what is left.

For each operation (ingest, model extraction, decay, screen capture, vault export and vault
import) the harness starts it in a child process on one encrypted data folder, kills it with
SIGKILL after a random delay (uniform over the time the uninterrupted operation takes), then
checks, in fresh processes:

- the store opens (no damage) and `reverie doctor` is healthy after it heals the index
  (store integrity, every memory with its evidence, index consistent with the store);
- no committed memory was lost: every memory id present before the kill is still there;
- an import is all or nothing: the evidence count grows by 0 or by the whole file;
- capture: every frame row points at evidence, and every thumbnail it names exists;
- vault export: the target is absent or a complete vault that imports (dry run);
- the index heals: nothing is left pending once doctor has run.

    nice -n 10 .venv/bin/python -m bench.crash_harness --kills 20          # the long run
    nice -n 10 .venv/bin/python -m bench.crash_harness --kills 2 --ops ingest,decay

The suite runs a short version (tests/integration/test_crash_safety.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OPS = ("ingest", "extract", "decay", "capture", "vault-export", "vault-import")
VAULT_PASSPHRASE = "crash harness vault"


# ------------------------------------------------------------------ child side (gets killed)


def _child(op: str, home: Path, arg: str) -> None:
    from app.runtime import Reverie

    if op == "capture":
        from app.services.capture import CaptureAgent, CaptureOptions

        frames = int(arg)
        with Reverie(home) as reverie:
            screen = SyntheticScreen()
            options = CaptureOptions(ocr_budget=1.0, thumbnails=True)
            agent = CaptureAgent(reverie, screen, screen, screen, options, bytes(range(32)))
            for number in range(frames):
                screen.show(number)
                agent.capture_once(force=True)
            agent.finish()
    elif op == "vault-export":
        from app.services.vault import export_vault

        with Reverie(home) as reverie:
            export_vault(reverie, Path(arg), VAULT_PASSPHRASE)
    elif op == "vault-import":
        from app.services.vault import import_vault

        with Reverie(home) as reverie:
            import_vault(reverie, Path(arg), VAULT_PASSPHRASE, mode="merge")
    elif op == "inspect":
        print(json.dumps(inspect(home)))
    elif op == "vault-check":
        from app.services.vault import import_vault

        with Reverie(home) as reverie:
            import_vault(reverie, Path(arg), VAULT_PASSPHRASE, mode="merge", dry_run=True)
    else:
        raise SystemExit(f"unknown child operation {op}")


class SyntheticScreen:
    """A window whose text changes every frame: the capture agent's window list, grabber and
    OCR, so capture runs without an X display (its own X11 parts are tested elsewhere)."""

    def __init__(self) -> None:
        from app.core.capture_policy import Rect, WindowInfo

        self._rect = Rect(0, 0, 640, 400)
        self._window = WindowInfo(1, "notes.txt", "gedit", self._rect, 1)
        self.text = ""

    def show(self, number: int) -> None:
        from app.core.capture_policy import WindowInfo

        self.text = f"Frame {number}: the invoice for order {number * 7919 % 10007} is due"
        self._window = WindowInfo(1, f"notes {number // 10}.txt", "gedit", self._rect, 1)

    def windows(self) -> list[Any]:
        return [self._window]

    def active(self, windows: list[Any]) -> Any:
        return windows[-1] if windows else None

    def idle_seconds(self) -> float:
        return 0.0

    def locked(self, windows: list[Any]) -> bool:
        return False

    def monitors(self) -> list[Any]:
        from app.capture.screen import Monitor

        return [Monitor(1, self._rect)]

    def grab(self, monitor: Any, blackout: Any) -> Any:
        from PIL import Image, ImageDraw

        image = Image.new("RGB", (640, 400), "white")
        ImageDraw.Draw(image).text((20, 20 + len(self.text) * 3 % 300), self.text, fill="black")
        ImageDraw.Draw(image).rectangle((20, 300, 20 + 5 * len(self.text) % 600, 380), fill="navy")
        return image

    def read(self, image: Any) -> str:
        return self.text


def inspect(home: Path) -> dict[str, Any]:
    """The committed state, read straight from the store file (no index, no model)."""
    from app.home import DB_NAME
    from app.storage import sqlcipher
    from app.store_key import open_store_key

    conn = sqlcipher.connect(home / DB_NAME, open_store_key(home, None))
    try:
        one = conn.execute
        thumbnails = [r[0] for r in one("SELECT thumbnail FROM frames WHERE thumbnail IS NOT NULL")]
        return {
            "memory_ids": [r[0] for r in one("SELECT id FROM memories ORDER BY id")],
            "evidence": one("SELECT count(*) FROM evidence").fetchone()[0],
            "archived": one("SELECT count(*) FROM memories WHERE archived_at IS NOT NULL")
            .fetchone()[0],
            "queued_for_extraction": one("SELECT count(*) FROM extraction_queue").fetchone()[0],
            "frames": one("SELECT count(*) FROM frames").fetchone()[0],
            "frames_without_evidence": one(
                "SELECT count(*) FROM frames WHERE evidence_id IS NULL").fetchone()[0],
            "missing_thumbnails": [t for t in thumbnails if not (home / "captures" / t).exists()
                                   and not Path(t).exists()],
        }  # fmt: skip
    finally:
        conn.close()


# ------------------------------------------------------------------ parent side


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, "REVERIE_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.setdefault("REVERIE_PASSPHRASE", "crash harness store")
    env.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    return env


def _command(op: str, home: Path, arg: str) -> list[str]:
    py = [sys.executable, "-m"]
    if op == "ingest":
        return [*py, "app", "ingest", arg]
    if op == "extract":
        return [*py, "app", "extract", "--batches", arg]
    if op == "decay":
        return [*py, "app", "decay", "--now", arg]
    return [*py, "bench.crash_harness", "child", op, str(home), arg]


def run(op: str, home: Path, arg: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_command(op, home, arg), env=_env(home), cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)  # fmt: skip


def killed_after(op: str, home: Path, arg: str, delay: float) -> float | None:
    """Start `op` and SIGKILL it after `delay` seconds: None when killed, else the seconds it
    took to finish first."""
    began = time.perf_counter()
    child = subprocess.Popen(_command(op, home, arg), env=_env(home), cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        child.wait(timeout=delay)
        return time.perf_counter() - began
    except subprocess.TimeoutExpired:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        return None


def state(home: Path) -> dict[str, Any]:
    result = run("inspect", home, "")
    if result.returncode != 0:
        raise AssertionError(f"the store does not open after the kill: {result.stderr[-2000:]}")
    return dict(json.loads(result.stdout))


def doctor(home: Path) -> dict[str, Any]:
    result = subprocess.run([sys.executable, "-m", "app", "doctor", "--json"], env=_env(home),
                            cwd=ROOT, capture_output=True, text=True, timeout=600)  # fmt: skip
    try:
        return dict(json.loads(result.stdout))
    except json.JSONDecodeError:
        raise AssertionError(f"doctor failed: {result.stderr[-2000:]}") from None


@dataclass
class Outcome:
    op: str
    kills: int = 0  # rounds where the kill landed before the operation finished
    finished_first: int = 0
    seconds_uninterrupted: float = 0.0
    healed: int = 0  # index updates doctor finished after kills
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"op": self.op, "kills": self.kills, "finished_first": self.finished_first,
                "seconds_uninterrupted": round(self.seconds_uninterrupted, 1),
                "healed_index_updates": self.healed, "problems": self.problems}  # fmt: skip


def check_round(op: str, home: Path, before: dict[str, Any], extra: dict[str, Any]) -> list[str]:
    after = state(home)
    problems = []
    lost = set(before["memory_ids"]) - set(after["memory_ids"])
    if lost:
        problems.append(f"{op}: {len(lost)} committed memories lost")
    if op == "ingest" and after["evidence"] - before["evidence"] not in (0, extra["messages"]):
        problems.append(f"ingest: half an import ({after['evidence'] - before['evidence']})")
    if after["frames_without_evidence"]:
        problems.append(f"{op}: {after['frames_without_evidence']} frames without evidence")
    if after["missing_thumbnails"]:
        problems.append(f"{op}: frames name missing thumbnails {after['missing_thumbnails'][:3]}")
    report = doctor(home)
    failed = [f"{c['name']}: {c['detail']}" for c in report["checks"] if c["status"] == "fail"]
    problems += [f"{op}: doctor: {f}" for f in failed]
    extra["healed"] = report.get("healed_index_updates", 0)
    if op == "vault-export" and Path(extra["vault"]).exists():
        checked = run("vault-check", home, extra["vault"])
        if checked.returncode != 0:
            problems.append(f"vault-export: a vault file that does not import: "
                            f"{checked.stderr[-300:]}")  # fmt: skip
    return problems


def chat_chunks(folder: Path, messages: int, size: int) -> list[Path]:
    """A synthetic chat history cut into files of `size` messages (each import is new)."""
    from bench.synthetic_history import main as synthesise

    out = folder / "history"
    argv = sys.argv
    sys.argv = ["synthetic_history", "--messages", str(messages), "--out", str(out),
                "--screen-share", "0"]  # fmt: skip
    try:
        synthesise()
    finally:
        sys.argv = argv
    lines = (out / "chat.jsonl").read_text(encoding="utf-8").splitlines()
    chunks = []
    for number, first in enumerate(range(0, len(lines), size)):
        path = folder / f"chunk-{number:03d}.jsonl"
        path.write_text("\n".join(lines[first : first + size]) + "\n", encoding="utf-8")
        chunks.append(path)
    return chunks


def harness(folder: Path, ops: Sequence[str], kills: int, seed: int = 11) -> list[Outcome]:
    rng = random.Random(seed)
    home = folder / "home"
    size = 60
    chunks = chat_chunks(folder, size * (3 * kills + 3), size)
    first = run("ingest", home, str(chunks[0]))
    if first.returncode != 0:
        raise AssertionError(first.stderr)
    spare = iter(chunks[1:])
    outcomes = []
    for op in ops:
        outcome = Outcome(op)
        arg, extra = _argument(op, home, folder, spare, 0)
        began = time.perf_counter()  # an uninterrupted run: how long there is to hit
        done = run(op, home, arg)
        outcome.seconds_uninterrupted = time.perf_counter() - began
        if done.returncode not in (0, 1):
            outcome.problems.append(f"{op}: the uninterrupted run failed: {done.stderr[-500:]}")
        # Until `kills` kills have landed inside the work (at most 3x as many rounds); the
        # time to hit is the shortest run seen, since a run can be quicker than the first.
        span = outcome.seconds_uninterrupted
        round_number = 0
        while outcome.kills < kills and round_number < 3 * kills:
            round_number += 1
            arg, extra = _argument(op, home, folder, spare, round_number)
            before = state(home)
            took = killed_after(op, home, arg, rng.uniform(0.1, 0.95) * span)
            if took is None:
                outcome.kills += 1
            else:
                outcome.finished_first += 1
                span = min(span, took)
            outcome.problems += check_round(op, home, before, extra)
            outcome.healed += int(extra.get("healed", 0))
        outcomes.append(outcome)
        print(json.dumps(outcome.to_dict()), flush=True)
    return outcomes


def _argument(
    op: str, home: Path, folder: Path, spare: Any, round_number: int
) -> tuple[str, dict[str, Any]]:
    """What the operation works on this round (new data each time, where it matters)."""
    if op == "ingest":
        chunk = next(spare)
        messages = sum(1 for line in chunk.read_text().splitlines() if line.strip())
        return str(chunk), {"messages": messages}
    if op == "extract":
        return "3", {}
    if op == "decay":
        # Each round a later 'now': more memories have faded enough to be archived.
        when = datetime.now(UTC) + timedelta(days=45 * (round_number + 1))
        return when.isoformat(), {}
    if op == "capture":
        return "40", {}
    vault = folder / f"export-{round_number:03d}.vault"
    if op == "vault-export":
        return str(vault), {"vault": str(vault)}
    source = folder / "import-source.vault"
    if not source.exists():  # a vault of this very store: a merge that revisits every row
        made = run("vault-export", home, str(source))
        if made.returncode != 0:
            raise AssertionError(made.stderr)
    return str(source), {}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "child":
        _child(args[1], Path(args[2]), args[3])
        return 0
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kills", type=int, default=20, help="kills per operation")
    parser.add_argument("--ops", default=",".join(OPS))
    parser.add_argument("--folder", type=Path, default=None, help="work here (default: temp)")
    parser.add_argument("--seed", type=int, default=11)
    options = parser.parse_args(args)
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        folder = options.folder or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        outcomes = harness(folder, options.ops.split(","), options.kills, options.seed)
    summary = [o.to_dict() for o in outcomes]
    out = ROOT / "bench" / "results" / "crash-harness.json"
    out.parent.mkdir(exist_ok=True)  # results/ is not in git
    out.write_text(json.dumps({"kills_per_op": options.kills, "ops": summary}, indent=2) + "\n")
    failed = [p for o in outcomes for p in o.problems]
    print(json.dumps({"problems": failed}, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
