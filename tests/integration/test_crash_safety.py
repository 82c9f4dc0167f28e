"""SIGKILL in the middle of Reverie's writing work loses nothing committed, leaves a store that
`reverie doctor` finds consistent, and an index that heals. The short version of
bench/crash_harness.py (which kills each operation 20+ times)."""

from __future__ import annotations

from pathlib import Path

from bench.crash_harness import OPS, harness


def test_kills_during_every_writing_operation_leave_a_consistent_store(tmp_path: Path) -> None:
    outcomes = harness(tmp_path, OPS, kills=2, seed=5)
    assert [o.op for o in outcomes] == list(OPS)
    problems = [p for o in outcomes for p in o.problems]
    assert problems == []
    # The kills did land inside the work (not all after it had finished).
    assert sum(o.kills for o in outcomes) >= len(OPS)
