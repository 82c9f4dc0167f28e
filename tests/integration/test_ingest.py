"""Ingest through the real SQLite, Chroma and MiniLM embedder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.errors import InputError
from app.core.forgetting import memory_retention
from app.runtime import Reverie
from app.services.ingest import ingest_file
from tests.helpers import NOW, SAMPLE


def ingest(reverie: Reverie, path: Path, fmt: str = "auto"):  # type: ignore[no-untyped-def]
    return ingest_file(reverie.store, reverie.index, path, fmt=fmt, now=NOW, params=reverie.params)


def snapshot(reverie: Reverie) -> tuple[object, ...]:
    counts = reverie.store.counts()
    return (
        counts["evidence"],
        counts["memories"],
        counts["history_entries"],
        reverie.index.count(),
        reverie.store.pending_index_count(),
    )


def test_every_message_becomes_evidence_and_an_indexed_episodic_memory(reverie: Reverie) -> None:
    report = ingest(reverie, SAMPLE)
    lines = len(SAMPLE.read_text().splitlines())
    assert (report.messages, report.added, report.memories) == (lines, lines, lines)
    assert reverie.store.pending_index_count() == 0
    assert set(reverie.index.indexed_memory_ids()) == reverie.store.memory_ids()
    memory = reverie.store.list_memories(limit=1000)[-1]  # oldest first message
    assert memory.kind.value == "episodic"
    [evidence] = reverie.store.evidence_for([memory.id])[memory.id]
    assert (evidence.original_id, evidence.session) == ("m01", "2026-02-02")
    assert memory.event_time == evidence.timestamp
    assert [h.action.value for h in reverie.store.history(memory.id)] == ["add"]


def test_reimporting_the_same_file_adds_nothing(reverie: Reverie) -> None:
    ingest(reverie, SAMPLE)
    before = snapshot(reverie)
    again = ingest(reverie, SAMPLE)
    assert (again.added, again.memories) == (0, 0)
    assert again.duplicates == again.messages
    assert snapshot(reverie)[:4] == before[:4]


def test_an_appended_log_imports_only_the_new_lines(reverie: Reverie, tmp_path: Path) -> None:
    log = tmp_path / "chat.txt"
    log.write_text("Ana: see you at 6\nMe: ok!\n")
    ingest(reverie, log)
    log.write_text("Ana: see you at 6\nMe: ok!\nAna: running late, sorry\n")
    report = ingest(reverie, log)
    assert (report.added, report.duplicates) == (1, 2)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "broken.jsonl",
            '{"role": "user", "content": "fine", "timestamp": "2024-01-01T00:00"}\n'
            '{"role": "user", "content": "broken"',
        ),
        ("empty.jsonl", ""),
        ("latin1.txt", b"Ana: caf\xe9"),
        ("unknown.json", '{"some": "thing"}'),
    ],
)
def test_bad_input_changes_nothing(
    reverie: Reverie, tmp_path: Path, name: str, content: str | bytes
) -> None:
    ingest(reverie, SAMPLE)
    before = snapshot(reverie)
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    with pytest.raises(InputError):
        ingest(reverie, path)
    assert snapshot(reverie) == before


def test_a_wrong_format_choice_changes_nothing(reverie: Reverie) -> None:
    with pytest.raises(InputError):
        ingest(reverie, SAMPLE, fmt="chatgpt")
    assert reverie.store.counts()["evidence"] == 0


def test_vector_index_is_rebuilt_from_sqlite(reverie: Reverie) -> None:
    from app.services.index_sync import rebuild_index
    from app.services.recall import search

    ingest(reverie, SAMPLE)
    before = [
        h.memory.id
        for h in search(reverie.store, reverie.index, "my sister", now=NOW, params=reverie.params)
    ]
    count = rebuild_index(reverie.store, reverie.index, NOW)
    assert count == len(reverie.store.memory_ids())
    after = [
        h.memory.id
        for h in search(reverie.store, reverie.index, "my sister", now=NOW, params=reverie.params)
    ]
    assert after == before


def test_a_crash_between_sqlite_and_chroma_heals_on_the_next_start(
    tmp_path: Path, embedder: object
) -> None:
    home = tmp_path / "home"
    with Reverie(home, clock=lambda: NOW, embedder=embedder) as first:  # type: ignore[arg-type]
        # The SQLite half of an ingest commits, then the process "dies" before indexing.
        from app.importers import read_messages
        from app.storage.sqlite_store import ImportRequest

        messages, fmt, source = read_messages(SAMPLE)
        first.store.add_messages(
            ImportRequest(messages, "import", str(SAMPLE), fmt, source.sha256), NOW, first.params
        )
        assert first.store.pending_index_count() == len(messages)
    with Reverie(home, clock=lambda: NOW, embedder=embedder) as second:  # type: ignore[arg-type]
        healed = second.heal()
        assert healed == len(messages)
        assert second.store.pending_index_count() == 0
        assert set(second.index.indexed_memory_ids()) == second.store.memory_ids()
        from app.services.recall import search

        hits = search(second.store, second.index, "coffee order", now=NOW, params=second.params)
        assert hits and "flat white" in hits[0].memory.text


def test_json_report_is_serialisable(reverie: Reverie) -> None:
    assert json.loads(json.dumps(ingest(reverie, SAMPLE).to_dict()))["format"] == "jsonl"


def test_an_imported_message_fades_from_when_it_was_said(reverie: Reverie, tmp_path: Path) -> None:
    # Seen in the app: everything just imported read 100 % retention, months-old or not.
    log = tmp_path / "chat.jsonl"
    said = [("old", "2025-11-01T09:00:00+00:00", "The boiler was serviced by Tom"),
            ("new", "2026-05-19T09:00:00+00:00", "The boiler makes a ticking noise")]  # fmt: skip
    log.write_text("\n".join(
        json.dumps({"id": i, "timestamp": t, "role": "user", "speaker": "me", "content": c})
        for i, t, c in said
    ))  # fmt: skip
    ingest(reverie, log, "jsonl")
    by_text = {m.text.split(": ", 1)[-1]: m for m in reverie.store.list_memories(limit=100)}
    old, new = by_text[said[0][2]], by_text[said[1][2]]
    assert old.observed_at == new.observed_at == NOW  # learned in the same import
    assert memory_retention(old, NOW, reverie.params) < 0.1  # half a year on a 28-day curve
    assert memory_retention(new, NOW, reverie.params) > 0.9


def test_closing_a_store_releases_its_vector_index_files(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A long-running process opens stores again and again (vault imports, backups, the
    test suite): each close must give Chroma's files back. Unclosed, a dozen descriptors a
    store ran the suite past 1,024, where X11's select() fails."""
    import os

    from app.runtime import Reverie

    def opened() -> int:
        return len(os.listdir("/proc/self/fd"))

    def use_once(name: str) -> None:
        with Reverie(tmp_path / name, clock=lambda: NOW, embedder=embedder) as reverie:
            reverie.index.upsert([(1, "Booked the dentist for Tuesday.", "")])
            assert reverie.index.collection.count() >= 1

    use_once("first")  # the first open loads libraries and caches for good
    before = opened()
    for n in range(5):
        use_once(f"store-{n}")
    assert opened() - before < 5
