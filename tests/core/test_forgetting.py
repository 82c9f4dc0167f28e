"""The forgetting curve: golden values and the properties the issue names."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.forgetting import (
    ForgettingParams,
    days_until_archived,
    initial_stability,
    memory_retention,
    reinforced_stability,
    retention,
    should_archive,
)
from app.core.records import Memory, MemoryKind

PARAMS = ForgettingParams()
T0 = datetime(2026, 1, 1, tzinfo=UTC)
elapsed_days = st.floats(min_value=0, max_value=10_000, allow_nan=False)
stabilities = st.floats(min_value=0.01, max_value=5_000, allow_nan=False)
unit = st.floats(min_value=0, max_value=1, allow_nan=False)


def memory(**changes: object) -> Memory:
    base = Memory(
        id=1,
        kind=MemoryKind.EPISODIC,
        text="x",
        event_time=T0,
        observed_at=T0,
        importance=0.5,
        stability_days=10.0,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_golden_values() -> None:
    assert retention(0, 10) == 1.0
    assert retention(10, 10) == pytest.approx(math.exp(-1))
    assert initial_stability(MemoryKind.EPISODIC, 0.5, PARAMS) == pytest.approx(28.0)
    # A memory recalled when nearly forgotten gains more than one recalled while fresh.
    assert reinforced_stability(10, 1.0, PARAMS) == pytest.approx(15.0)
    assert reinforced_stability(10, 0.0, PARAMS) == pytest.approx(35.0)


@given(elapsed_days, stabilities)
def test_retention_stays_in_unit_interval(t: float, s: float) -> None:
    assert 0.0 <= retention(t, s) <= 1.0


@given(elapsed_days, elapsed_days, stabilities)
def test_retention_never_increases_with_time(t1: float, t2: float, s: float) -> None:
    early, late = sorted((t1, t2))
    assert retention(late, s) <= retention(early, s)


@given(stabilities, unit)
def test_a_recall_never_lowers_stability(s: float, r: float) -> None:
    assert reinforced_stability(s, r, PARAMS) >= s


@given(stabilities, unit, unit)
def test_recall_of_a_fainter_memory_strengthens_it_more(s: float, r1: float, r2: float) -> None:
    faint, fresh = sorted((r1, r2))
    assert reinforced_stability(s, faint, PARAMS) >= reinforced_stability(s, fresh, PARAMS)


@given(elapsed_days.filter(lambda t: t > 0), stabilities, stabilities)
def test_higher_stability_always_decays_slower(t: float, s1: float, s2: float) -> None:
    weak, strong = sorted((s1, s2))
    assert retention(t, strong) >= retention(t, weak)


@given(unit, unit)
def test_more_important_memories_start_more_stable(i1: float, i2: float) -> None:
    low, high = sorted((i1, i2))
    for kind in MemoryKind:
        assert initial_stability(kind, high, PARAMS) >= initial_stability(kind, low, PARAMS)


def test_pinned_memories_do_not_decay() -> None:
    pinned = memory(pinned=True)
    far = T0 + timedelta(days=3650)
    assert memory_retention(pinned, far, PARAMS) == 1.0
    assert not should_archive(pinned, far, PARAMS)
    assert days_until_archived(pinned, far, PARAMS) is None


def test_archiving_happens_exactly_when_retention_crosses_the_threshold() -> None:
    m = memory(stability_days=10.0)
    curve_only = replace(PARAMS, learning_grace_days=0.0)
    cutoff = -math.log(PARAMS.archive_threshold) * 10.0  # ~30 days
    assert not should_archive(m, T0 + timedelta(days=cutoff - 0.01), curve_only)
    assert should_archive(m, T0 + timedelta(days=cutoff + 0.01), curve_only)
    assert days_until_archived(m, T0, curve_only) == pytest.approx(cutoff)


def test_the_clock_restarts_at_the_last_recall() -> None:
    recalled = memory(last_recalled_at=T0 + timedelta(days=20))
    assert memory_retention(recalled, T0 + timedelta(days=20), PARAMS) == 1.0


def test_the_clock_starts_when_it_was_said_not_when_it_was_learned() -> None:
    # A message said 60 days before it was imported has been fading for 60 days.
    imported = memory(event_time=T0 - timedelta(days=60), observed_at=T0)
    assert memory_retention(imported, T0, PARAMS) == pytest.approx(retention(60, 10.0))
    # Faded already, but kept searchable for its first month in Reverie, then archived.
    assert not should_archive(imported, T0 + timedelta(days=29), PARAMS)
    assert days_until_archived(imported, T0, PARAMS) == pytest.approx(30.0)
    assert should_archive(imported, T0 + timedelta(days=30.1), PARAMS)
    # A time ahead of learning (a plan for next week) does not start it later.
    planned = memory(event_time=T0 + timedelta(days=7), observed_at=T0)
    assert memory_retention(planned, T0 + timedelta(days=1), PARAMS) == pytest.approx(
        retention(1, 10.0)
    )
    # A recall restarts it, however old the message.
    recalled = replace(imported, last_recalled_at=T0)
    assert memory_retention(recalled, T0, PARAMS) == 1.0


def test_a_clock_set_back_does_not_revive_or_crash() -> None:
    assert memory_retention(memory(), T0 - timedelta(days=5), PARAMS) == 1.0


def test_naive_times_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone"):
        memory_retention(memory(), datetime(2026, 2, 1), PARAMS)


def test_invalid_parameters_are_rejected() -> None:
    with pytest.raises(ValueError):
        ForgettingParams(archive_threshold=0)
    with pytest.raises(ValueError):
        ForgettingParams(recall_gain=-1)
