"""Helpers shared by the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NETGUARD = Path(__file__).parent / "netguard"
SAMPLE = ROOT / "resources" / "sample_chat.jsonl"
NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)


def cli_env(home: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": f"{NETGUARD}{os.pathsep}{ROOT}", "REVERIE_HOME": str(home)}


def run_cli(*args: str, home: Path, check: bool = True, **kwargs) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def,type-arg]
    """Run `python -m app` as a user would, with the network guard loaded."""
    result = subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        env=cli_env(home),
        cwd=ROOT,
        timeout=300,
        **kwargs,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"reverie {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result
