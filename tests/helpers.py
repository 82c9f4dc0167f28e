"""Helpers shared by the tests."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NETGUARD = Path(__file__).parent / "netguard"
SAMPLE = ROOT / "resources" / "sample_chat.jsonl"
NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)
# Reverie's own dev scenario (bench/scenarios): Maya's year of chat, and its questions.
SCENARIO = ROOT / "bench" / "scenarios" / "maya.jsonl"
SCENARIO_QUESTIONS = ROOT / "bench" / "scenarios" / "maya_questions.json"
SCENARIO_NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


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


def write_fake_gguf(
    path: Path,
    *,
    architecture: str = "llama",
    size_label: str | None = None,
    file_type: int | None = 15,
    padding: int = 0,
) -> Path:
    """A tiny file with a real GGUF v3 header (one tensor, general.* metadata, then a
    tokenizer key as real files have), as listings read it; llama.cpp could not load it."""

    def text(value: str) -> bytes:
        data = value.encode()
        return struct.pack("<Q", len(data)) + data

    pairs = [text("general.architecture") + struct.pack("<I", 8) + text(architecture)]
    if size_label is not None:
        pairs.append(text("general.size_label") + struct.pack("<I", 8) + text(size_label))
    if file_type is not None:
        pairs.append(text("general.file_type") + struct.pack("<II", 4, file_type))
    pairs.append(text("tokenizer.ggml.model") + struct.pack("<I", 8) + text("gpt2"))
    header = b"GGUF" + struct.pack("<IQQ", 3, 1, len(pairs))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + b"".join(pairs) + b"\0" * padding)
    return path


def store_connection(home: Path, timeout: float = 1) -> Any:
    """A raw connection to the (encrypted) memory store in `home`, as a test inspects it."""
    from app.home import DB_NAME
    from app.storage import sqlcipher
    from app.store_key import open_store_key

    return sqlcipher.connect(home / DB_NAME, open_store_key(home, None), timeout=timeout)
