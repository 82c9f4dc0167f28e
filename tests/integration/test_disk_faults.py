"""A full disk and a read-only data folder: a clear message, nothing half-written, and Reverie
keeps working read-only (show and search). Real file systems: a small tmpfs and a read-only
bind mount, made in a private user and mount namespace (`unshare -rm`, no root needed)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import NETGUARD, ROOT, SAMPLE

SCENARIO = ROOT / "bench" / "scenarios" / "maya.jsonl"


def _namespaces() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs tmpfs /mnt"],
                           capture_output=True)  # fmt: skip
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or not _namespaces(),
    reason="needs user and mount namespaces (unshare -rm) for a private tmpfs",
)


def in_namespace(home: Path, script: str) -> list[dict[str, Any]]:
    """Run `script` (sh) in a private mount namespace; `rv ARGS` runs the CLI and prints one
    JSON line {"args", "rc", "out", "err"} per call, returned in order."""
    env = {**os.environ, "PYTHONPATH": f"{NETGUARD}{os.pathsep}{ROOT}", "H": str(home),
           "PY": sys.executable}  # fmt: skip
    prelude = (
        "T=$(mktemp -d)\n"
        'rv() { "$PY" -m app --home "$H" "$@" >"$T/out" 2>"$T/err"; rc=$?; "$PY" -c "$REPORT" '
        '"$rc" "$T/out" "$T/err" "$@"; }\n'
    )
    env["REPORT"] = (
        "import json, sys; rc, out, err = sys.argv[1:4]; print(json.dumps({'args': "
        "sys.argv[4:], 'rc': int(rc), 'out': open(out).read(), 'err': open(err).read()}))"
    )
    result = subprocess.run(["unshare", "-rm", "sh", "-c", prelude + script], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=900)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    calls = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return calls


def test_a_full_disk_saves_all_or_nothing_and_search_keeps_working(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    # 3 MB: the sample chat fits; the synthetic history (about 900 messages) does not.
    history = tmp_path / "history"
    subprocess.run([sys.executable, "-m", "bench.synthetic_history", "--messages", "1500",
                    "--out", str(history)], cwd=ROOT, check=True, capture_output=True)  # fmt: skip
    calls = in_namespace(
        home,
        f"""
        mount -t tmpfs -o size=3m tmpfs "$H"
        rv ingest {SAMPLE}
        rv stats --json
        rv ingest {history / "chat.jsonl"}
        rv stats --json
        rv search "who drives up with a van" --json
        rv memories pin 3
        rv doctor --json
    """,
    )
    first, before, big, after, search, pin, doctor = calls
    assert first["rc"] == 0, first["err"]
    assert big["rc"] == 1 and "is full" in big["err"], big  # a message, not a crash report
    counts = [json.loads(c["out"])["evidence"] for c in (before, after)]
    assert counts[1] in (counts[0], counts[0] + 896)  # the import is whole or absent
    assert search["rc"] == 0, search["err"]
    assert any("Bristol" in hit["text"] for hit in json.loads(search["out"])[:3])
    # A small change may still fit where the undone import was: kept, or refused clearly.
    assert pin["rc"] == 0 or (pin["rc"] == 1 and "is full" in pin["err"]), pin
    report = json.loads(doctor["out"])
    [store] = [c for c in report["checks"] if c["name"] == "memory store"]
    assert store["status"] == "ok", store  # nothing half-written: integrity holds


def test_a_read_only_data_folder_is_shown_and_searched_but_not_changed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    calls = in_namespace(
        home,
        f"""
        rv ingest {SAMPLE}
        mount --bind "$H" "$H"
        mount -o remount,bind,ro "$H"
        rv stats --json
        rv search "who drives up with a van" --json
        rv ingest {SCENARIO}
        rv memories forget 3
        rv stats --json
    """,
    )
    first, stats, search, ingest, forget, again = calls
    assert first["rc"] == 0, first["err"]
    assert stats["rc"] == 0 and json.loads(stats["out"])["memories"] >= 20
    assert search["rc"] == 0, search["err"]
    assert any("Bristol" in hit["text"] for hit in json.loads(search["out"])[:3])
    for refused in (ingest, forget):
        assert refused["rc"] == 1 and "read-only" in refused["err"], refused
    assert json.loads(again["out"]) == json.loads(stats["out"])
    assert sorted(p.name for p in home.iterdir()) == sorted(
        ["memory.sqlite3", "store-key.json", "token-vectors.sqlite3", "vectors"]
    )  # no temporary copy or lock file was left in the folder
