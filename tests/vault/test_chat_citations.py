"""A conversation in Reverie's chat keeps its answers' citation chips through a vault: each chip
names its answer and its memory by global id, so on another computer, where the same memories
have other row numbers, it still opens the memory it cited. Importing again adds nothing; a
chip whose memory was deleted for good comes back as a deleted chip in its place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.runtime import Reverie
from app.services.conversations import past_conversation
from app.services.curation import erase_memory
from app.services.vault import export_vault, import_vault
from app.vault.header import CHEAP_KDF
from tests.helpers import NOW
from tests.vault.conftest import CONVERSATION, PASSPHRASE, copy_home, open_home
from tests.vault.test_merge import say

Chip = tuple[int, str | None, str | None, str, str]  # number, memory uid, its text, excerpt, state


def chips(reverie: Reverie) -> list[tuple[str, tuple[Chip, ...]]]:
    """The conversation as the chat shows it again: each message with its chips, naming the
    memory each opens by global id and text (row numbers differ between computers)."""
    uid = {r[0]: r[1] for r in reverie.store.conn.execute("SELECT id, uid FROM memories")}
    return [
        (
            m.said.content,
            tuple(
                (
                    c.number,
                    uid[c.memory_id] if c.memory else None,
                    c.memory.text if c.memory else None,
                    c.excerpt,
                    c.state,
                )
                for c in m.citations
            ),
        )
        for m in past_conversation(reverie.store, CONVERSATION)
    ]


def chip_rows(reverie: Reverie) -> list[tuple[Any, ...]]:
    return [
        tuple(r)
        for r in reverie.store.conn.execute(
            "SELECT * FROM chat_citations ORDER BY evidence_id, rank"
        )
    ]


def test_chips_open_the_memories_they_cited_on_another_computer(
    rich_home: Path, rich_vault: Path, tmp_path: Path, embedder: Any
) -> None:
    with open_home(rich_home, embedder) as source:
        shown = chips(source)
        cited_ids = {r[2] for r in chip_rows(source)}
    count = sum(len(m[1]) for m in shown)
    assert count >= 2 and all(chip[1] for m in shown for chip in m[1])

    # Another computer: its own memories first, so the vault's get other row numbers.
    with open_home(tmp_path / "other", embedder) as reverie:
        say(reverie, tmp_path, "mine", "My bike is blue.", "I water the ferns on Sundays.",
            "The boiler was serviced in March.")  # fmt: skip
        dry = import_vault(reverie, rich_vault, PASSPHRASE, dry_run=True)
        assert dry.counts["chat_citation"] == {"added": count, "updated": 0, "conflicting": 0,
                                               "unchanged": 0}  # fmt: skip
        assert chip_rows(reverie) == []

        first = import_vault(reverie, rich_vault, PASSPHRASE)
        assert first.counts["chat_citation"]["added"] == count
        assert chips(reverie) == shown
        # Same memories, other row numbers: the chips were carried by global id.
        assert {r[2] for r in chip_rows(reverie)} != cited_ids

        rows = chip_rows(reverie)
        again = import_vault(reverie, rich_vault, PASSPHRASE)
        assert again.counts["chat_citation"] == {"added": 0, "updated": 0, "conflicting": 0,
                                                 "unchanged": count}  # fmt: skip
        assert chip_rows(reverie) == rows
        assert chips(reverie) == shown


def test_replace_brings_the_chips_back(
    rich_home: Path, rich_vault: Path, tmp_path: Path, embedder: Any
) -> None:
    with open_home(rich_home, embedder) as source:
        shown = chips(source)
    with open_home(tmp_path / "other", embedder) as reverie:
        say(reverie, tmp_path, "mine", "My bike is blue.")
        report = import_vault(reverie, rich_vault, PASSPHRASE, mode="replace")
        assert report.counts["chat_citation"]["added"] == sum(len(m[1]) for m in shown)
        assert chips(reverie) == shown


def test_a_chip_of_a_deleted_memory_stays_deleted(
    rich_home: Path, tmp_path: Path, embedder: Any
) -> None:
    home = copy_home(rich_home, tmp_path / "home")
    with open_home(home, embedder) as reverie:
        gone = chip_rows(reverie)[0]
        erase_memory(reverie.store, reverie.index, gone[2], NOW)
        shown = chips(reverie)
        vault = tmp_path / "erased.reverie-vault"
        export_vault(reverie, vault, PASSPHRASE, kdf=CHEAP_KDF)
    deleted = [chip for m in shown for chip in m[1] if chip[4] == "deleted"]
    assert deleted == [(gone[1], None, None, "", "deleted")]

    with open_home(tmp_path / "empty", embedder) as reverie:
        first = import_vault(reverie, vault, PASSPHRASE)
        assert chips(reverie) == shown  # in its place, its words not carried
        again = import_vault(reverie, vault, PASSPHRASE)
    assert again.counts["chat_citation"]["added"] == 0
    assert again.counts["chat_citation"]["unchanged"] == first.counts["chat_citation"]["added"]


def test_a_chip_known_here_keeps_ours_unless_theirs_is_preferred(
    rich_vault: Path, tmp_path: Path, embedder: Any
) -> None:
    with open_home(tmp_path / "home", embedder) as reverie:
        import_vault(reverie, rich_vault, PASSPHRASE)
        answer, rank = chip_rows(reverie)[0][:2]
        with reverie.store.transaction() as conn:
            conn.execute(
                "UPDATE chat_citations SET excerpt = 'ours' WHERE evidence_id = ? AND rank = ?",
                (answer, rank),
            )
        mine = import_vault(reverie, rich_vault, PASSPHRASE)
        assert mine.counts["chat_citation"]["conflicting"] == 1
        assert [c["kept"] for c in mine.conflicts] == ["mine"]
        assert chip_rows(reverie)[0][3] == "ours"
        theirs = import_vault(reverie, rich_vault, PASSPHRASE, prefer="theirs")
        assert [c["kept"] for c in theirs.conflicts] == ["theirs"]
        assert chip_rows(reverie)[0][3] != "ours"
