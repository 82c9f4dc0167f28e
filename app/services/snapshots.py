"""Putting back a snapshot of the store (one is kept before a vault replaces the store, and
before each restore, so the restore itself can be undone)."""

from __future__ import annotations

from pathlib import Path

from app.core.errors import NotFoundError
from app.runtime import Reverie
from app.services.index_sync import rebuild_index
from app.storage.snapshots import (
    SNAPSHOTS_DIR,
    Snapshot,
    list_snapshots,
    restore_into,
    take_snapshot,
)


def snapshots(reverie: Reverie) -> list[Snapshot]:
    return list_snapshots(reverie.home / SNAPSHOTS_DIR)


def restore_snapshot(reverie: Reverie, chosen: Path | None = None) -> tuple[Snapshot, Snapshot]:
    """Put back a snapshot (the newest if none is named), after taking one of the store as it
    is now, so the restore itself can be undone. Returns (restored, kept)."""
    found = snapshots(reverie)
    if chosen is None:
        if not found:
            raise NotFoundError("there is no snapshot to restore (one is kept before a vault "
                                "replaces the store)")  # fmt: skip
        target = found[0]
    else:
        target = next((s for s in found if s.path == chosen.expanduser()), None) or Snapshot(
            chosen.expanduser(), "chosen", ""
        )
    kept = take_snapshot(reverie.store, reverie.home / SNAPSHOTS_DIR, reverie.now(),
                         "before-restore")  # fmt: skip
    with reverie.work_lock:
        restore_into(reverie.store, target.path)
        rebuild_index(reverie.store, reverie.index, reverie.now())
    return target, kept
