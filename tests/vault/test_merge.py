"""Merging vaults by global id: idempotent, both sides' new memories kept once, history from
both sides, forgetting state carried, conflicts resolved by the chosen policy and listed;
replace keeps a snapshot that restore-snapshot brings back; a dry run changes nothing."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from app.core.records import MemoryKind
from app.runtime import Reverie
from app.services.ingest import ingest_file
from app.services.snapshots import restore_snapshot, snapshots
from app.services.vault import export_vault, import_vault
from app.vault.header import CHEAP_KDF
from tests.helpers import NOW
from tests.vault.conftest import (
    PASSPHRASE,
    THUMB_KEY,
    copy_home,
    db_hash,
    open_home,
    state,
)

LATER = NOW + timedelta(days=3)
LATEST = NOW + timedelta(days=5)


def say(reverie: Reverie, folder: Path, name: str, *lines: str) -> None:
    chat = folder / f"{name}.jsonl"
    chat.write_text(
        "".join(
            json.dumps(
                {
                    "id": f"{name}-{n}",
                    "session": name,
                    "role": "user",
                    "content": text,
                    "timestamp": (reverie.now() + timedelta(minutes=n)).isoformat(),
                }
            )
            + "\n"
            for n, text in enumerate(lines)
        )
    )
    ingest_file(
        reverie.store, reverie.index, chat, fmt="auto", now=reverie.now(), params=reverie.params
    )


def export(home: Path, embedder: Any, target: Path, now: Any = NOW) -> Path:
    with open_home(home, embedder, now) as reverie:
        export_vault(
            reverie,
            target,
            PASSPHRASE,
            include_thumbnails=True,
            thumbnail_key=THUMB_KEY,
            kdf=CHEAP_KDF,
        )
    return target


def no_duplicates(reverie: Reverie) -> None:
    rows = reverie.store.conn.execute(
        "SELECT m.kind, m.text, me.evidence_id FROM memories m"
        " JOIN memory_evidence me ON me.memory_id = m.id"
    ).fetchall()
    twice = [k for k, n in Counter(tuple(r) for r in rows).items() if n > 1]
    assert twice == []
    evidence = reverie.store.conn.execute("SELECT dedup_key FROM evidence").fetchall()
    assert len(evidence) == len({e[0] for e in evidence})


def test_importing_the_same_vault_twice_adds_nothing(
    rich_vault: Path, empty_home: Path, embedder: Any
) -> None:
    with open_home(empty_home, embedder) as reverie:
        first = import_vault(reverie, rich_vault, PASSPHRASE, thumbnail_key=THUMB_KEY)
        once = state(reverie)
        second = import_vault(reverie, rich_vault, PASSPHRASE, thumbnail_key=THUMB_KEY)
        assert state(reverie) == once
        no_duplicates(reverie)
    assert first.counts["memory"]["added"] > 0
    for kind, outcome in second.counts.items():
        assert outcome["added"] == outcome["updated"] == outcome["conflicting"] == 0, kind
    assert second.counts["memory"]["unchanged"] == first.counts["memory"]["added"]
    assert second.counts["frame"]["unchanged"] == 2


def test_two_homes_that_diverged_merge_with_both_sides_and_no_duplicates(
    rich_home: Path, tmp_path: Path, embedder: Any
) -> None:
    laptop = copy_home(rich_home, tmp_path / "laptop")
    desktop = copy_home(rich_home, tmp_path / "desktop")
    with open_home(laptop, embedder, LATER) as reverie:
        say(reverie, tmp_path, "laptop", "My new bike is a green Brompton.")
        raw = reverie.store.list_memories(kind=MemoryKind.EPISODIC, limit=100)
        shared = raw[-1]  # a memory both sides hold
        reverie.store.set_pinned(shared.id, True, LATER)
    with open_home(desktop, embedder, LATEST) as reverie:
        recalled = reverie.store.list_memories(kind=MemoryKind.SEMANTIC, limit=100)[0]
        reverie.store.record_recall(recalled.id, LATEST, 40.0, "recalled (test)")
        say(reverie, tmp_path, "desktop", "My piano teacher is called Mrs Haddad.")
        desktop_copy = reverie.store.get_memory(shared.id)
        reverie.store.archive(shared.id, LATEST, "faded (test)")  # later than the laptop's pin
        desktop_state = state(reverie)
    vault = export(desktop, embedder, tmp_path / "desktop.reverie-vault", LATEST)
    with open_home(laptop, embedder, LATEST) as reverie:
        preview = import_vault(reverie, vault, PASSPHRASE, dry_run=True, thumbnail_key=THUMB_KEY)
        report = import_vault(reverie, vault, PASSPHRASE, thumbnail_key=THUMB_KEY)
        merged = state(reverie)
        no_duplicates(reverie)
        texts = [m.text for m in reverie.store.list_memories(archived=None, limit=500)]
        again = import_vault(reverie, vault, PASSPHRASE, thumbnail_key=THUMB_KEY)
        assert state(reverie) == merged
        kept = reverie.store.get_memory(shared.id)
        actions = [h.action.value for h in reverie.store.history(shared.id)]
    assert preview.counts == report.counts and preview.dry_run
    assert any("Brompton" in t for t in texts) and any("Haddad" in t for t in texts)
    # Both sides changed the shared memory: a conflict, listed; the newer change (the
    # desktop's archive) wins, and the history of both sides is kept.
    assert report.counts["memory"]["conflicting"] == 1
    assert report.conflicts[0]["kept"] == "theirs"
    assert kept.archived and not kept.pinned
    assert "pin" in actions and "archive" in actions
    assert desktop_copy.archived_at is None  # the archive happened after the copy
    # The recall on the desktop only: an update (its history is a superset of ours).
    recalled_uid = next(
        u
        for u, m in desktop_state["memories"].items()
        if m[0][1] == recalled.text and m[0][11] == recalled.recall_count + 1
    )
    assert merged["memories"][recalled_uid] == desktop_state["memories"][recalled_uid]
    assert report.counts["memory"]["updated"] >= 1, (report.counts["memory"], report.conflicts)
    assert set(desktop_state["memories"]) <= set(merged["memories"])
    for kind, outcome in again.counts.items():
        assert outcome["added"] == outcome["updated"] == outcome["conflicting"] == 0, kind


@pytest.mark.parametrize("prefer, winner", [("mine", "mine"), ("theirs", "theirs")])
def test_a_conflict_follows_the_chosen_side(
    rich_home: Path, tmp_path: Path, embedder: Any, prefer: Any, winner: str
) -> None:
    mine = copy_home(rich_home, tmp_path / "mine")
    theirs = copy_home(rich_home, tmp_path / "theirs")
    with open_home(mine, embedder, LATEST) as reverie:
        target = reverie.store.list_memories(kind=MemoryKind.EPISODIC, limit=100)[-1]
        reverie.store.set_pinned(target.id, True, LATEST)
    with open_home(theirs, embedder, LATER) as reverie:
        reverie.store.archive(target.id, LATER, "faded (test)")
    vault = export(theirs, embedder, tmp_path / "theirs.reverie-vault")
    with open_home(mine, embedder, LATEST) as reverie:
        report = import_vault(reverie, vault, PASSPHRASE, prefer=prefer, thumbnail_key=THUMB_KEY)
        after = reverie.store.get_memory(target.id)
    assert report.conflicts[0]["kept"] == winner
    assert (after.pinned, after.archived) == ((True, False) if winner == "mine" else (False, True))


def test_replace_keeps_a_snapshot_that_restore_brings_back(
    rich_home: Path, tmp_path: Path, embedder: Any
) -> None:
    other = tmp_path / "other"
    with open_home(other, embedder) as reverie:
        say(reverie, tmp_path, "other", "My locker code at the gym is 4471.")
    vault = export(other, embedder, tmp_path / "other.reverie-vault")
    home = copy_home(rich_home, tmp_path / "home")
    with open_home(home, embedder) as reverie:
        original = state(reverie)
        preview = import_vault(reverie, vault, PASSPHRASE, mode="replace", dry_run=True)
        assert state(reverie) == original
        report = import_vault(reverie, vault, PASSPHRASE, mode="replace")
        replaced = state(reverie)
        assert reverie.store.integrity_problems() == []
        assert "4471" in _search(reverie, "locker code")[0].memory.text
    with open_home(other, embedder) as reverie:
        assert replaced == state(reverie)
    assert preview.replaced == report.replaced and report.replaced is not None
    assert report.replaced["memories"] == len(original["memories"])
    assert report.snapshot and Path(report.snapshot).is_file()
    with open_home(home, embedder) as reverie:
        restored, kept = restore_snapshot(reverie)
        assert str(restored.path) == report.snapshot
        assert state(reverie) == original
        assert len(snapshots(reverie)) == 2  # the one before the restore is kept too
    assert kept.path.is_file()


def _search(reverie: Reverie, query: str) -> list[Any]:
    from app.services.recall import search

    return search(reverie.store, reverie.index, query, now=NOW, params=reverie.params)


def test_a_dry_run_changes_nothing(rich_vault: Path, empty_home: Path, embedder: Any) -> None:
    with open_home(empty_home, embedder):
        pass
    before = db_hash(empty_home)
    with open_home(empty_home, embedder) as reverie:
        report = import_vault(reverie, rich_vault, PASSPHRASE, dry_run=True)
    assert report.counts["memory"]["added"] > 0
    assert db_hash(empty_home) == before
