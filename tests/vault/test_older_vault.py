"""A vault written by an older Reverie (an older store schema, records without the fields
added since) is read with those fields' defaults."""

from __future__ import annotations

from pathlib import Path

from app.runtime import Reverie
from app.services.vault import import_vault
from app.vault.container import VaultWriter
from app.vault.header import CHEAP_KDF

EVIDENCE = {
    "uid": "e" * 32,
    "dedup_key": "k" * 64,
    "original_id": "1",
    "session": "s",
    "seq": 0,
    "timestamp": "2026-01-01T10:00:00.000000+00:00",
    "role": "user",
    "speaker": "Sam",
    "content": "My bike is green.",
    "source_kind": "import",
    "source_path": "old.jsonl",
}
# As schema 4 knew a memory: no context, review, role, attribute or value.
MEMORY = {
    "uid": "m" * 32,
    "kind": "episodic",
    "text": "Sam: My bike is green.",
    "subject": None,
    "event_time": "2026-01-01T10:00:00.000000+00:00",
    "observed_at": "2026-01-02T10:00:00.000000+00:00",
    "valid_from": None,
    "valid_to": None,
    "importance": 0.5,
    "stability_days": 14.0,
    "last_recalled_at": None,
    "recall_count": 0,
    "pinned": 1,
    "archived_at": None,
    "origin": "ingest",
    "evidence": ["e" * 32],
}


def test_an_older_vault_imports_with_defaults(reverie: Reverie, tmp_path: Path) -> None:
    path = tmp_path / "old.reverie-vault"
    with path.open("wb") as out:
        writer = VaultWriter(
            out,
            "old passphrase",
            {"schema": 4, "app": "0.0.9", "counts": {"evidence": 1, "memory": 1}},
            CHEAP_KDF,
        )
        writer.write("evidence", EVIDENCE)
        writer.write("memory", MEMORY)
        writer.finish()
    report = import_vault(reverie, path, "old passphrase")
    assert report.counts["memory"]["added"] == 1 and report.vault["schema"] == 4
    memory = reverie.store.list_memories(pinned=True)[0]
    assert memory.text == "Sam: My bike is green." and memory.role is None
    assert reverie.store.contexts([memory.id]) == {memory.id: ""}
    assert [e.content for e in reverie.store.evidence_for([memory.id])[memory.id]] == [
        "My bike is green."
    ]
