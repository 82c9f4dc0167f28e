"""A damaged store file: Reverie refuses to work on it and says how to recover; `reverie doctor
--repair` restores the last snapshot or salvages what is readable, then rebuilds the index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from app.home import DB_NAME
from app.runtime import Reverie
from app.storage import sqlcipher
from app.storage.snapshots import SNAPSHOTS_DIR, take_snapshot
from app.store_key import open_store_key
from tests.helpers import NETGUARD, NOW, ROOT, SAMPLE

PAGE = 4096


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": f"{NETGUARD}{os.pathsep}{ROOT}", "REVERIE_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)  # fmt: skip


def as_json(home: Path, *args: str) -> Any:
    result = cli(home, *args, "--json")
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def damage(db: Path, page: int) -> None:
    """Overwrite one page (1-based) past its first bytes, as a bad sector or a torn write would."""
    with db.open("r+b") as handle:
        handle.seek((page - 1) * PAGE + 64)
        handle.write(b"\xa5" * (PAGE - 128))


def root_pages(home: Path, *names: str) -> list[int]:
    conn = sqlcipher.connect(home / DB_NAME, open_store_key(home, None))
    try:
        marks = ",".join("?" * len(names))
        rows = conn.execute(f"SELECT name, rootpage FROM sqlite_master WHERE name IN ({marks})",
                            names).fetchall()  # fmt: skip
    finally:
        conn.close()
    return [page for _, page in sorted(rows)]


def refused(result: subprocess.CompletedProcess[str]) -> bool:
    """Exit 1 with the way out named (not 70, a crash report: damage is not a bug)."""
    return result.returncode == 1 and "damaged" in result.stderr and "--repair" in result.stderr


def test_an_unreadable_store_is_refused_and_repair_restores_the_snapshot(
    tmp_path: Path, embedder: Any
) -> None:
    home = tmp_path / "home"
    assert cli(home, "ingest", str(SAMPLE)).returncode == 0
    with Reverie(home, clock=lambda: NOW, embedder=embedder) as reverie:
        take_snapshot(reverie.store, home / SNAPSHOTS_DIR, NOW, "before import")
    before = as_json(home, "stats")
    damage(home / DB_NAME, 1)  # the schema page: nothing is readable without it

    for command in (["stats"], ["search", "van"], ["doctor"]):
        assert refused(cli(home, *command)), command
    report = as_json(home, "doctor", "--repair")
    assert report["needed"] and report["method"] == "snapshot"
    assert Path(report["damaged_copy"]).exists()  # the damaged file is kept, not deleted
    assert report["reindexed"] == before["memories"]

    after = as_json(home, "stats")
    assert (after["memories"], after["evidence"]) == (before["memories"], before["evidence"])
    doctor = as_json(home, "doctor")
    assert doctor["healthy"], doctor
    hits = as_json(home, "search", "who drives up with a van")
    assert any("Bristol" in h["text"] for h in hits[:3])


def test_damage_left_by_a_crash_is_caught_at_start_and_salvaged(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert cli(home, "ingest", str(SAMPLE)).returncode == 0
    before = as_json(home, "stats")
    [history, index] = root_pages(home, "history", "evidence_by_time")
    # A process still holds the store (as after a crash, its WAL is there), and two pages of
    # the main file are damaged: a table's and an index's.
    holder = sqlcipher.connect(home / DB_NAME, open_store_key(home, None))
    holder.execute("SELECT count(*) FROM memories").fetchone()
    assert Path(f"{home / DB_NAME}-wal").exists()
    damage(home / DB_NAME, history)
    damage(home / DB_NAME, index)
    try:
        assert refused(cli(home, "stats"))  # checked in full because the last run did not close
    finally:
        holder.close()

    report = as_json(home, "doctor", "--repair")
    assert report["method"] == "salvage" and "history" in report["skipped_rows"]
    after = as_json(home, "stats")
    # Every memory kept its text and its evidence; the history table's lost page is reported.
    assert (after["memories"], after["evidence"]) == (before["memories"], before["evidence"])
    assert as_json(home, "doctor")["healthy"]
    assert cli(home, "doctor", "--repair").stdout.startswith("The memory store is sound")
