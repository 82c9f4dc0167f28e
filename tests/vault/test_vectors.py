"""A vault written with --include-embeddings: imported with the same embedding model, its
vectors go into the index as they are (the embedder is not called for those memories) and
searches find the same memories; from another model, or for a memory whose text here differs
from the vault's, the memories are embedded again."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from app.embed.model_files import MODEL_ID
from app.services import vault as vault_service
from app.services import vault_vectors
from app.services.vault import export_vault, import_vault
from app.vault.container import VaultReader
from app.vault.header import CHEAP_KDF
from tests.vault.conftest import PASSPHRASE, open_home, searches


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.texts: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def embed(self, texts: Sequence[str]) -> Any:
        self.texts.extend(texts)
        return self.real.embed(texts)

    def embed_tokens(self, texts: Sequence[str], skip: frozenset[str] = frozenset()) -> Any:
        self.texts.extend(texts)
        return self.real.embed_tokens(texts, skip=skip)

    def embed_with_tokens(self, texts: Sequence[str], **options: Any) -> Any:
        self.texts.extend(texts)
        return self.real.embed_with_tokens(texts, **options)


def _export(home: Path, target: Path, embedder: Any) -> Path:
    with open_home(home, embedder) as reverie:
        export_vault(reverie, target, PASSPHRASE, include_embeddings=True, kdf=CHEAP_KDF)
    return target


def _embedding_records(path: Path) -> list[dict[str, Any]]:
    with path.open("rb") as source:
        return [r for t, r in VaultReader(source, PASSPHRASE).records() if t == "embedding"]


@pytest.fixture(scope="module")
def vector_vault(rich_home: Path, embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _export(rich_home, tmp_path_factory.mktemp("vectors") / "v.reverie-vault", embedder)


def test_same_model_vectors_are_used_without_embedding(
    rich_home: Path, vector_vault: Path, empty_home: Path, embedder: Any
) -> None:
    with open_home(rich_home, embedder) as source:
        answers = searches(source)
        memories = source.store.conn.execute("SELECT count(*) FROM memories").fetchone()[0]
    records = _embedding_records(vector_vault)
    assert len(records) == memories  # every memory of the fixture is indexed, so carried
    assert any(r["context_vector"] for r in records) and all(r["tokens"] for r in records)
    counting = CountingEmbedder(embedder)
    with open_home(empty_home, counting) as target:  # type: ignore[arg-type]
        report = import_vault(target, vector_vault, PASSPHRASE)
        embedded = list(counting.texts)
        assert target.store.pending_index_count() == 0
        assert target.index.count() == 2 * memories  # both views of every memory
        found = searches(target)
    assert report.indexed == report.reused_vectors == memories
    assert embedded == []
    assert found == answers


def test_another_model_is_embedded_again(
    rich_home: Path,
    empty_home: Path,
    embedder: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(vault_service, "MODEL_ID", "another-model-v2")
        patch.setattr(vault_vectors, "MODEL_ID", "another-model-v2")
        other = _export(rich_home, tmp_path / "other.reverie-vault", embedder)
    assert {r["model"] for r in _embedding_records(other)} == {"another-model-v2"}
    with open_home(rich_home, embedder) as source:
        answers = searches(source)
    counting = CountingEmbedder(embedder)
    with open_home(empty_home, counting) as target:  # type: ignore[arg-type]
        report = import_vault(target, other, PASSPHRASE)
        embedded = len(counting.texts)
        found = searches(target)
    assert report.reused_vectors == 0
    assert report.indexed > 0 and embedded >= report.indexed
    assert any("another-model-v2" in note and MODEL_ID in note for note in report.notes)
    assert found == answers


def test_a_memory_whose_text_differs_here_is_embedded_again(
    rich_home: Path, vector_vault: Path, tmp_path: Path, embedder: Any
) -> None:
    """Merged again into a home where one memory's text changed since (ours is kept: the vault
    holds no change ours lacks), so the vault's vector of the old text must not stand in."""
    home = tmp_path / "edited"
    with open_home(home, embedder) as reverie:
        import_vault(reverie, vector_vault, PASSPHRASE)
        conn = reverie.store.conn
        memory_id, text = conn.execute(
            "SELECT id, text FROM memories WHERE kind = 'episodic' ORDER BY id LIMIT 1"
        ).fetchone()
        edited = text + " (edited here)"
        with reverie.store.transaction() as write:
            write.execute("UPDATE memories SET text = ? WHERE id = ?", (edited, memory_id))
        reverie.index.delete([memory_id])  # as if the index lost it: the import must redo it
        reverie.store.queue_full_reindex(reverie.now())
    counting = CountingEmbedder(embedder)
    with open_home(home, counting) as reverie:  # type: ignore[arg-type]
        report = import_vault(reverie, vector_vault, PASSPHRASE)
        assert reverie.store.pending_index_count() == 0
    assert counting.texts[0] == edited  # the views of this one memory, nothing else
    assert report.reused_vectors == report.indexed - 1
