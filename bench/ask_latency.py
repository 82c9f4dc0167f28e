"""How long `reverie ask` takes on the README's sample chat, as a user runs it (process start
included) and inside the process. Not a test: run on demand.

    .venv/bin/python -m bench.ask_latency
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "resources" / "sample_chat.jsonl"
QUESTIONS = [
    "What book did Priya recommend?",
    "How do I take my coffee?",
    "When is Ana's birthday?",
    "Where am I flying in June?",
]


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="reverie-ask-"))
    env = {**os.environ, "REVERIE_HOME": str(home)}
    reverie = [sys.executable, "-m", "app"]
    subprocess.run([*reverie, "ingest", str(SAMPLE)], env=env, check=True, capture_output=True)
    rows = []
    for question in QUESTIONS * 3:
        started = time.perf_counter()
        out = subprocess.run(
            [*reverie, "ask", question, "--json", "--now", "2026-05-20"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
        answer = json.loads(out.stdout)
        rows.append(
            {
                "question": question,
                "wall_s": round(wall, 2),
                "first_token_s": answer["first_token_s"],
                "cited": [e["id"] for c in answer["citations"] for e in c["evidence"]],
                "answer": answer["answer"],
            }
        )
    walls = sorted(r["wall_s"] for r in rows)
    report = {
        "runs": len(rows),
        "wall_s_p50": statistics.median(walls),
        "wall_s_max": walls[-1],
        "answers": rows[: len(QUESTIONS)],
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
