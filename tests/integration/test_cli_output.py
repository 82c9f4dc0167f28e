"""No output is ever lost to the model loading, and llama.cpp's own notes stay out of it.

llama-cpp-python's verbose=False used to point file descriptors 1 and 2 at /dev/null while a
model loaded on its owner thread; whatever the main thread printed meanwhile was gone
(`reverie ask --json | cat` printed nothing, exit 0)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from app.llm.catalog import bundled_model
from app.llm.runtime import LocalModel, chat_template
from tests.helpers import ROOT, cli_env, run_cli

REVERIE = Path(sys.executable).parent / "reverie"
RUNS = 10
MESSAGES = [
    ("c1", "2026-03-02T08:10:00Z", "I take my coffee as a flat white with oat milk."),
    ("c2", "2026-03-04T19:30:00Z", "My sister Ana moved to Lisbon last month."),
    ("c3", "2026-03-09T12:00:00Z", "The bike lock code is 4512."),
]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("piped")
    chat = folder / "chat.jsonl"
    chat.write_text("".join(
        json.dumps({"id": i, "timestamp": t, "role": "user", "content": c}) + "\n"
        for i, t, c in MESSAGES
    ))  # fmt: skip
    run_cli("ingest", str(chat), home=folder / "home")
    return folder / "home"


def ask_through_a_pipe(question: str, home: Path) -> subprocess.CompletedProcess[str]:
    """`reverie ask … --json | cat`: the installed command, its stdout a pipe."""
    return subprocess.run(
        [str(REVERIE), "ask", question, "--home", str(home), "--json"],
        capture_output=True, text=True, env=cli_env(home), cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "check"),
    [
        ("What colour is my submarine?", lambda answer: answer["abstained"] is True),
        ("How do I take my coffee?",
         lambda answer: answer["citations"][0]["evidence"][0]["id"] == "c1"),
    ],
    ids=["abstention", "answer"],
)  # fmt: skip
def test_piped_json_is_never_lost(
    home: Path, question: str, check: Callable[[dict[str, object]], bool]
) -> None:
    for run in range(RUNS):
        result = ask_through_a_pipe(question, home)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip(), f"run {run + 1}: no output at all"
        answer = json.loads(result.stdout)
        assert check(answer), answer
        # llama.cpp's notes (model loader, system info, metadata) are not shown either.
        assert result.stderr == "", result.stderr


def test_loading_a_model_leaves_the_processs_output_alone(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """The root cause, checked directly: no load points descriptor 1 or 2 elsewhere (that
    is process-wide, so it would swallow every other thread's output), and nothing of
    llama.cpp's reaches either stream."""
    bundled = bundled_model()
    assert bundled is not None
    redirected: list[tuple[int, int]] = []
    real_dup2 = os.dup2

    def spy(fd: int, fd2: int, inheritable: bool = True) -> int:
        if fd2 in (1, 2):
            redirected.append((fd, fd2))
        return real_dup2(fd, fd2, inheritable)

    monkeypatch.setattr(os, "dup2", spy)
    model = LocalModel(bundled.path)
    try:
        model.load()
        assert model.count_tokens("hello there") > 0
    finally:
        model.close()
    assert chat_template(bundled.path)
    assert redirected == []
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
