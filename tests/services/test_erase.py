"""A memory deleted for good leaves no trace that a later memory could inherit: its id is
never given again, so the erased one's (blanked) history never shows under a new memory."""

from __future__ import annotations

from app.runtime import Reverie
from app.services.chat import ChatSession
from app.services.curation import erase_memory
from app.storage.curation_store import ERASED
from tests.helpers import NOW


def test_the_id_of_an_erased_memory_is_never_given_again(reverie: Reverie) -> None:
    talk = ChatSession(reverie.store, reverie.index, reverie.model, reverie.params)
    talk.say("My manager is Ana Lima.", NOW)
    newest = reverie.store.conn.execute("SELECT max(id) FROM memories").fetchone()[0]
    erase_memory(reverie.store, reverie.index, newest, NOW)
    talk.say("My dentist is Dr Patel on Crown Street.", NOW)
    added = [r[0] for r in reverie.store.conn.execute(
        "SELECT id FROM memories WHERE text LIKE '%Patel%'")]  # fmt: skip
    assert added and min(added) > newest
    for memory_id in added:
        assert all(e.reason != ERASED for e in reverie.store.history(memory_id))
