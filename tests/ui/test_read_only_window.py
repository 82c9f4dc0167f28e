"""On a data folder that cannot be written, the app opens read-only: memories are shown, the
window says why nothing can change, and no background job or capture starts writing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.runtime import Reverie
from app.storage.store_health import ReadOnlyStore
from tests.helpers import NOW
from tests.ui.conftest import load_sample, opened


def test_a_read_only_folder_opens_shown_but_unchangeable(
    qtbot: QtBot, tmp_path: Path, embedder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    with Reverie(home, clock=lambda: NOW, embedder=embedder) as writable:
        load_sample(writable)
        count = writable.store.counts()["memories"]
    real_access = os.access

    def access(path: Any, mode: int, **kwargs: Any) -> bool:  # as on a read-only mount
        if Path(path) == home and mode & os.W_OK:
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)
    reverie = Reverie(home, clock=lambda: NOW, embedder=embedder)
    try:
        assert reverie.read_only and reverie.store.counts()["memories"] == count
        window = opened(qtbot, reverie)
        assert window.windowTitle() == "Reverie (read-only)"
        assert str(home) in window.read_only_note.text() and window.read_only_note.isVisible()
        assert not window.scheduler._scheduler.running  # no decay or extraction writes
        with pytest.raises(ReadOnlyStore, match="read-only"):
            reverie.store.set_pinned(1, True, NOW)
        window.quit()
    finally:
        reverie.close()
