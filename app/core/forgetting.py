"""The forgetting curve (Ebbinghaus, as in MemoryBank): pure functions of explicit UTC times.

Retention R = exp(-t / S), with t the days since the memory was learned or last recalled and
S its stability in days. S starts from the memory's kind and importance; every recall raises it,
and more so when the memory was nearly forgotten (the spacing effect). Pinned memories do not
decay. Below a threshold a memory is archived: hidden from recall, restorable, never deleted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from app.core.records import Memory, MemoryKind

_SECONDS_PER_DAY = 86_400.0


def default_base_days() -> dict[MemoryKind, float]:
    # Raw episodes fade fastest; facts and how-tos are meant to last.
    return {MemoryKind.EPISODIC: 14.0, MemoryKind.SEMANTIC: 60.0, MemoryKind.PROCEDURAL: 90.0}


@dataclass(frozen=True)
class ForgettingParams:
    base_stability_days: dict[MemoryKind, float] = field(default_factory=default_base_days)
    importance_gain: float = 2.0  # importance 1.0 triples the starting stability
    recall_gain: float = 0.5  # every recall multiplies S by at least 1 + recall_gain
    spacing_gain: float = 2.0  # ...plus this much more the closer R was to zero
    archive_threshold: float = 0.05
    # A memory is not archived in its first days in Reverie, however old the message: an
    # imported year of chats stays searchable while the user explores it, and what they
    # recall meanwhile is strengthened before the rest is archived.
    learning_grace_days: float = 30.0
    max_stability_days: float = 3650.0
    # The user's "memories last longer/shorter" preference. Applied when retention is read, not
    # stored, so changing it acts on every memory at once, old and new.
    stability_scale: float = 1.0

    def __post_init__(self) -> None:
        if not 0.0 < self.archive_threshold < 1.0:
            raise ValueError("archive_threshold must be between 0 and 1")
        if self.recall_gain < 0 or self.spacing_gain < 0 or self.importance_gain < 0:
            raise ValueError("gains must not be negative")
        if self.learning_grace_days < 0:
            raise ValueError("learning_grace_days must not be negative")
        if self.stability_scale <= 0:
            raise ValueError("stability_scale must be positive")
        if any(days <= 0 for days in self.base_stability_days.values()):
            raise ValueError("base stability must be positive")


def elapsed_days(since: datetime, now: datetime) -> float:
    """Days from `since` to `now`, never negative (a clock set back does not revive memories)."""
    if since.tzinfo is None or now.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return max(0.0, (now - since).total_seconds() / _SECONDS_PER_DAY)


def retention(elapsed: float, stability_days: float) -> float:
    """Probability-like strength in [0, 1]: 1 right after learning, falling with time."""
    if stability_days <= 0:
        raise ValueError("stability must be positive")
    return math.exp(-max(0.0, elapsed) / stability_days)


def initial_stability(kind: MemoryKind, importance: float, params: ForgettingParams) -> float:
    importance = min(1.0, max(0.0, importance))
    base = params.base_stability_days[kind]
    return min(params.max_stability_days, base * (1.0 + params.importance_gain * importance))


def reinforced_stability(
    stability_days: float, retention_at_recall: float, params: ForgettingParams
) -> float:
    """Stability after a recall: never lower, and raised more for a nearly forgotten memory."""
    r = min(1.0, max(0.0, retention_at_recall))
    grown = stability_days * (1.0 + params.recall_gain + params.spacing_gain * (1.0 - r))
    return max(stability_days, min(params.max_stability_days, grown))


def memory_retention(memory: Memory, now: datetime, params: ForgettingParams) -> float:
    if memory.pinned:
        return 1.0
    return retention(elapsed_days(memory.strength_since, now), effective_stability(memory, params))


def effective_stability(memory: Memory, params: ForgettingParams) -> float:
    return memory.stability_days * params.stability_scale


def should_archive(memory: Memory, now: datetime, params: ForgettingParams) -> bool:
    if memory.pinned or memory.archived:
        return False
    if elapsed_days(memory.observed_at, now) < params.learning_grace_days:
        return False
    return memory_retention(memory, now, params) < params.archive_threshold


def days_until_archived(memory: Memory, now: datetime, params: ForgettingParams) -> float | None:
    """How long until the memory falls below the threshold (None if it never will)."""
    if memory.pinned or memory.archived:
        return None
    total = -math.log(params.archive_threshold) * effective_stability(memory, params)
    faded_in = total - elapsed_days(memory.strength_since, now)
    grace_left = params.learning_grace_days - elapsed_days(memory.observed_at, now)
    return max(0.0, faded_in, grace_left)
