"""SIGKILL in the middle of Reverie's writing work loses nothing committed, leaves a store that
`reverie doctor` finds consistent, and an index that heals. The short version of
bench/crash_harness.py: one kill inside each operation here, 20 in the long run."""

from __future__ import annotations

from pathlib import Path

from bench.crash_harness import OPS, harness


def test_kills_during_every_writing_operation_leave_a_consistent_store(tmp_path: Path) -> None:
    outcomes = harness(tmp_path, OPS, kills=1, seed=5)
    assert [o.op for o in outcomes] == list(OPS)
    problems = [p for o in outcomes for p in o.problems]
    assert problems == []
    # Each kill landed inside the work (not after it had finished).
    assert all(o.kills == 1 for o in outcomes), [o.to_dict() for o in outcomes]
