"""The forgetting job on a real store: what a decay run archives, and what it leaves alone."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from app.core.errors import NotFoundError
from app.core.records import HistoryAction, Message
from app.runtime import Reverie
from app.services.decay import apply_decay
from app.storage.sqlite_store import ImportRequest
from tests.helpers import NOW


def _fill(reverie: Reverie, count: int) -> list[int]:
    messages = [
        Message(f"m{i}", "s", NOW - timedelta(days=400), "user", f"Message number {i}", "Sam")
        for i in range(count)
    ]
    request = ImportRequest(messages, "import", None, "jsonl", "test", extract=False)
    return list(reverie.store.add_messages(request, NOW - timedelta(days=400), reverie.params)
                .memory_ids)  # fmt: skip


def test_a_year_old_store_is_archived_in_one_run_with_history(reverie: Reverie) -> None:
    # More than one chunk of 500, a pinned memory and one already archived among them.
    ids = _fill(reverie, 1203)
    reverie.store.set_pinned(ids[7], True, NOW)
    reverie.store.archive(ids[9], NOW - timedelta(days=1), "by hand")
    report = apply_decay(reverie.store, NOW, reverie.params)
    # Neither the pinned one nor the one archived by hand is the curve's to judge.
    assert report.checked == len(report.archived) == 1201
    counts = reverie.store.counts()
    assert counts["archived"] == 1202 and counts["pinned"] == 1
    assert not reverie.store.get_memory(ids[7]).archived
    assert reverie.store.get_memory(ids[9]).archived_at == NOW - timedelta(days=1)
    [entry] = [h for h in reverie.store.history(ids[1000]) if h.action is HistoryAction.ARCHIVE]
    assert entry.at == NOW and entry.reason.startswith("retention 0.000 fell below 0.050")
    assert entry.before is not None and entry.after is not None
    assert entry.before["archived_at"] is None and entry.after["archived_at"] is not None
    assert entry.before["text"] == entry.after["text"] == "Sam: Message number 1000"
    assert apply_decay(reverie.store, NOW, reverie.params).archived == ()


def test_archiving_an_unknown_memory_changes_nothing(reverie: Reverie) -> None:
    ids = _fill(reverie, 600)
    decisions = [(m, "faded") for m in ids] + [(ids[-1] + 1000, "faded")]
    with pytest.raises(NotFoundError):
        reverie.store.archive_many(decisions, NOW)
    assert reverie.store.counts()["archived"] == 0  # all or nothing
    history = reverie.store.history(ids[0])
    assert [h.action for h in history] == [HistoryAction.ADD]
    assert json.dumps(history[0].after)  # still readable
