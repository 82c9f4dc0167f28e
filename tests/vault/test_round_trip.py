"""Export -> import into an empty home gives back the same memories, history, entities, links,
forgetting state, screen frames with their pictures, Reverie's chat conversations with their
answers' citation chips, and the same answers to searches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.services.vault import import_vault
from tests.vault.conftest import CONVERSATION, PASSPHRASE, THUMB_KEY, open_home, searches, state


def test_a_vault_brings_back_everything_in_an_empty_home(
    rich_home: Path, rich_vault: Path, empty_home: Path, embedder: Any
) -> None:
    with open_home(rich_home, embedder) as source:
        before, answers = state(source), searches(source)
    with open_home(empty_home, embedder) as target:
        report = import_vault(target, rich_vault, PASSPHRASE, thumbnail_key=THUMB_KEY)
        after, found = state(target), searches(target)
        assert target.store.integrity_problems() == []
    assert report.counts["memory"]["added"] == len(before["memories"])
    assert report.counts["thumbnail"]["added"] == 2
    assert report.indexed == len(before["memories"])
    assert after == before
    assert found == answers
    # The fixture really holds what this test claims to carry.
    assert any(m[0][7] for m in before["memories"].values())  # a superseded fact (valid_to)
    assert any(m[1] for m in before["memories"].values())  # ... and what superseded it
    assert any(m[0][12] for m in before["memories"].values())  # pinned
    assert any(m[0][13] for m in before["memories"].values())  # archived
    assert before["entities"] and before["links"]
    assert all(f[3] for f in before["frames"].values())  # every frame has its picture
    said = before["conversations"][CONVERSATION]
    assert [m[1] for m in said] == ["user", "assistant"] * 2
    chips = [chip for m in said for chip in m[4]]
    assert len(chips) >= 2 and all(chip[1] in before["memories"] for chip in chips)
