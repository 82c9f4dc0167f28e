"""Review: the user decides what is uncertain, and can look at what was learned.

Uncertain: what the model wrote (extraction), above all what would replace a fact already
known. With the setting "ask me" (the default) those wait in Review, out of answers, until the
user accepts them; with "accept automatically" they are active at once and listed as learned.
Facts the rules read verbatim from the user's own words are active at once and listed as
learned. Nobody is asked to review thousands of items: at most PENDING_CAP new memories wait
at a time (replacements always wait); beyond that they are accepted and listed as learned,
with the reason. The lists show the latest SHOWN items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.services.curation import erase_memory
from app.services.index_sync import sync_index
from app.storage.chroma_index import ChromaIndex
from app.storage.curation_store import CurationStore
from app.storage.review_store import LEARNED, PENDING, ReviewItem, ReviewStore
from app.storage.sqlite_store import SqliteMemoryStore

ASK, AUTO = "ask", "auto"
REVIEW_MODES = (ASK, AUTO)
PENDING_CAP = 50
SHOWN = 50


@dataclass(frozen=True)
class HoldReport:
    held: int = 0
    learned: int = 0


@dataclass(frozen=True)
class ReviewLists:
    pending: list[ReviewItem]
    learned: list[ReviewItem]
    pending_total: int
    learned_total: int


def hold_uncertain(store: SqliteMemoryStore, now: datetime, mode: str = ASK) -> HoldReport:
    """Apply the review policy to what the model wrote since the last call (cheap when there
    is nothing new: one indexed query)."""
    reviews = ReviewStore(store)
    held = learned = 0
    waiting = reviews.count(PENDING)
    for memory_id, replaces in reviews.unlisted_extractions():
        if mode == ASK and (replaces is not None or waiting < PENDING_CAP):
            why = "the model wrote this from the message below"
            if replaces is not None:
                why += "; accepting it replaces the fact shown"
            reviews.hold(memory_id, replaces, why, now)
            waiting += 1
            held += 1
        else:
            why = (
                "accepted automatically (Settings: review)"
                if mode == AUTO
                else f"accepted automatically: {PENDING_CAP} already wait for you"
            )
            reviews.list_learned(memory_id, replaces, f"the model wrote this; {why}", now)
            learned += 1
    learned += reviews.list_rule_facts(now)
    return HoldReport(held, learned)


def review_lists(
    store: SqliteMemoryStore, now: datetime, mode: str = ASK, shown: int = SHOWN
) -> ReviewLists:
    """What waits and what was learned. The policy runs first, so memories written by other
    means (`reverie extract`, an older version) are held before anyone sees them."""
    hold_uncertain(store, now, mode)
    reviews = ReviewStore(store)
    return ReviewLists(
        reviews.items(PENDING, shown),
        reviews.items(LEARNED, shown),
        reviews.count(PENDING),
        reviews.count(LEARNED),
    )


def accept(store: SqliteMemoryStore, index: ChromaIndex, ids: list[int], now: datetime) -> int:
    accepted = ReviewStore(store).accept(ids, now)
    sync_index(store, index)
    return accepted


def edit_and_accept(
    store: SqliteMemoryStore, index: ChromaIndex, memory_id: int, text: str, now: datetime
) -> None:
    """A correction is a review: the edited memory is accepted as the user wrote it."""
    CurationStore(store).edit(memory_id, now, text=text)
    accept(store, index, [memory_id], now)


def reject(store: SqliteMemoryStore, index: ChromaIndex, ids: list[int], now: datetime) -> int:
    """Rejected memories are deleted for good (they were wrong); a learned fact that replaced
    another brings that one back."""
    reviews = ReviewStore(store)
    for memory_id in ids:
        reviews.reopen_replaced(memory_id, now)
        erase_memory(store, index, memory_id, now)
    return len(ids)
