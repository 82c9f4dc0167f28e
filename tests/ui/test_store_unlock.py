"""The app asks for the store's passphrase until it opens the store, or the user cancels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.runtime import Reverie
from tests.helpers import NOW
from ui.store_unlock import open_unlocked


def test_asks_again_after_a_wrong_passphrase_and_stops_on_cancel(
    tmp_path: Path, embedder: Any, monkeypatch: Any
) -> None:
    home = tmp_path / "home"
    Reverie(home, clock=lambda: NOW, embedder=embedder, passphrase="right").close()
    monkeypatch.delenv("REVERIE_PASSPHRASE")
    asked: list[str] = []
    answers = iter(["wrong", "right"])

    def ask(why: str, new_store: bool) -> str | None:
        asked.append(why)
        return next(answers, None)

    def open_store(passphrase: str | None) -> Reverie:
        return Reverie(home, clock=lambda: NOW, embedder=embedder, passphrase=passphrase)

    opened = open_unlocked(open_store, ask, new_store=False)
    assert opened is not None and opened.store.encrypted
    opened.close()
    assert "encrypted with a passphrase" in asked[0]
    assert "does not unlock" in asked[1]
    assert open_unlocked(open_store, lambda why, new: None, new_store=False) is None
