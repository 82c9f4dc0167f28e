"""How a vault import treats records both sides hold: the kinds of record it reports on, and
which side wins a conflict (both sides changed a memory since they last shared it)."""

from __future__ import annotations

from typing import Literal

Prefer = Literal["newer", "mine", "theirs"]
PREFERENCES: tuple[Prefer, ...] = ("newer", "mine", "theirs")
Mode = Literal["merge", "replace"]

# The kinds of record a vault holds, in the order they are written (later ones cite earlier).
KINDS = (
    "evidence", "memory", "history", "entity", "link", "episode", "frame", "thumbnail",
    "fact_read", "extraction", "entity_choice", "entity_read",
)  # fmt: skip
