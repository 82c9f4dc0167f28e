"""TokenVectorStore: per-memory word-piece vectors for the late-interaction rerank.

A derived index like Chroma's folder: its own SQLite file beside the memory store, rebuilt by
`reverie reindex`, never a source of truth. Each memory keeps the vectors of its own words and
of its context (the message before it), stopwords left out, as sign bits: 48 bytes per word
piece instead of 1,536 in float32 or 384 in int8. Against int8, sign bits cost LoCoMo dev
recall under a point at @5 and nothing measurable at @10; a chat message takes about 1.5 KB.
It also counts in how many memories each word piece occurs, so that rare words of a question
weigh more than common ones.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from app.core.errors import EnvironmentProblem
from app.storage import sqlcipher

FORMAT_VERSION = 1  # bump when the encoding changes; an older file is emptied and refilled
_MEMORIES = -1  # the piece_counts row that counts the memories themselves

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True)
class MemoryTokens:
    own: Vectors  # the memory's own word pieces, one unit-length row each
    context: Vectors  # the preceding message's word pieces (empty when there is none)
    pieces: frozenset[int] = field(default=frozenset())  # every word piece of its own text

    @property
    def token_count(self) -> int:
        return len(self.own) + len(self.context)


def pack(vectors: Vectors) -> bytes:
    """Keep only the sign of each dimension, 8 dimensions to a byte."""
    return np.packbits(vectors > 0, axis=-1).tobytes()


def unpack(blob: bytes, rows: int, dimensions: int) -> Vectors:
    """Sign bits back to unit-length vectors (every entry ±1/sqrt(dimensions))."""
    if rows == 0:
        return np.zeros((0, dimensions), dtype=np.float32)
    bits = np.unpackbits(np.frombuffer(blob, dtype=np.uint8).reshape(rows, -1), axis=1)
    signs = bits[:, :dimensions].astype(np.float32) * 2.0 - 1.0
    return signs / np.float32(np.sqrt(dimensions))


def _pieces_blob(pieces: frozenset[int]) -> bytes:
    # MiniLM's vocabulary has 30,522 entries: two bytes each.
    return np.asarray(sorted(pieces), dtype=np.uint16).tobytes()


def _pieces_from(blob: bytes) -> frozenset[int]:
    return frozenset(np.frombuffer(blob, dtype=np.uint16).tolist())


class TokenVectorStore:
    """Safe to share between threads: one connection, one lock."""

    def __init__(
        self, path: Path, dimensions: int, key: bytes | None = None, *, read_only: bool = False
    ) -> None:
        """`key`: encrypt the file like the memory store (its word pieces say what a memory
        is about); None for a plaintext store from before encryption. `read_only`: a data
        folder that cannot be written; new vectors are then computed but not kept."""
        self.path = path
        self.dimensions = dimensions
        self.read_only = read_only
        self._lock = threading.Lock()
        if read_only:
            self._open_read_only(key)
            return
        try:
            try:
                self._conn = sqlcipher.connect(path, key)
            except sqlcipher.OperationalError:
                raise  # busy, full, unwritable: not a reason to drop the file
            except sqlcipher.DatabaseError:
                # Derived data under another key (or none): start it afresh, it is refilled.
                for leftover in (path, *(path.with_name(path.name + x) for x in ("-wal", "-shm"))):
                    leftover.unlink(missing_ok=True)
                self._conn = sqlcipher.connect(path, key)
            # Erasing a memory for good must not leave its words in free pages of this file.
            self._conn.execute("PRAGMA secure_delete = ON")
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._prepare()
        except sqlcipher.OperationalError as error:
            text = str(error).lower()
            if path.exists() and ("full" in text or "readonly" in text):
                # A full disk: keep ranking with the vectors already kept, store no new ones.
                self.read_only = True
                self._open_read_only(key)
                return
            raise EnvironmentProblem(f"cannot open the token index {path}: {error}") from None
        except sqlcipher.DatabaseError as error:
            raise EnvironmentProblem(
                f"cannot open the token index {path}: {error}. Delete the file and run "
                "`reverie reindex` to rebuild it."
            ) from None

    def _open_read_only(self, key: bytes | None) -> None:
        try:
            self._conn = sqlcipher.connect(self.path, key, read_only=True)
            self._conn.execute("SELECT count(*) FROM token_vectors").fetchone()
        except sqlcipher.Error as error:
            raise EnvironmentProblem(f"cannot read the token index {self.path}: {error}") from None

    def _prepare(self) -> None:
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        with self._conn:
            if version != FORMAT_VERSION:
                # Derived data in an older encoding: drop it, it is refilled on demand.
                self._conn.execute("DROP TABLE IF EXISTS token_vectors")
                self._conn.execute("DROP TABLE IF EXISTS piece_counts")
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS token_vectors ("
                " memory_id INTEGER PRIMARY KEY,"
                " own INTEGER NOT NULL,"  # rows of the memory's own words
                " context INTEGER NOT NULL,"  # rows of its context's words that follow
                " bits BLOB NOT NULL,"
                " pieces BLOB NOT NULL)"  # its word pieces' vocabulary ids, uint16
            )
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS piece_counts ("
                " piece INTEGER PRIMARY KEY, memories INTEGER NOT NULL)"
            )
            self._conn.execute(f"PRAGMA user_version = {FORMAT_VERSION}")

    def close(self) -> None:
        self._conn.close()

    def put(self, items: Mapping[int, MemoryTokens]) -> None:
        if self.read_only:
            return
        rows = [
            (
                memory_id,
                len(t.own),
                len(t.context),
                pack(np.concatenate([t.own, t.context])),
                _pieces_blob(t.pieces),
            )
            for memory_id, t in items.items()
        ]
        with self._lock, self._conn:
            counts = self._forget_pieces(list(items))
            for t in items.values():
                counts.update(t.pieces | {_MEMORIES})
            self._conn.executemany(
                "INSERT OR REPLACE INTO token_vectors (memory_id, own, context, bits, pieces)"
                " VALUES (?, ?, ?, ?, ?)",
                rows,
            )
            self._count_pieces(counts)

    def _forget_pieces(self, memory_ids: Sequence[int]) -> Counter[int]:
        """Negative counts for the pieces of these memories' stored rows, if any."""
        counts: Counter[int] = Counter()
        for start in range(0, len(memory_ids), 500):
            chunk = list(memory_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for (blob,) in self._conn.execute(
                f"SELECT pieces FROM token_vectors WHERE memory_id IN ({marks})", chunk
            ):
                counts.subtract(_pieces_from(blob) | {_MEMORIES})
        return counts

    def _count_pieces(self, counts: Counter[int]) -> None:
        self._conn.executemany(
            "INSERT INTO piece_counts (piece, memories) VALUES (?, ?) ON CONFLICT(piece)"
            " DO UPDATE SET memories = memories + excluded.memories",
            [(piece, n) for piece, n in counts.items() if n],
        )
        self._conn.execute("DELETE FROM piece_counts WHERE memories <= 0")

    def document_frequency(self, pieces: Iterable[int]) -> tuple[int, dict[int, int]]:
        """How many memories are stored, and how many of them contain each piece."""
        wanted = sorted(set(pieces) | {_MEMORIES})
        marks = ",".join("?" * len(wanted))
        with self._lock:
            rows = self._conn.execute(
                f"SELECT piece, memories FROM piece_counts WHERE piece IN ({marks})", wanted
            ).fetchall()
        counts = dict(rows)
        return counts.pop(_MEMORIES, 0), counts

    def get(self, memory_ids: Sequence[int]) -> dict[int, MemoryTokens]:
        found: dict[int, MemoryTokens] = {}
        with self._lock:
            for start in range(0, len(memory_ids), 500):
                chunk = list(memory_ids[start : start + 500])
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    "SELECT memory_id, own, context, bits, pieces FROM token_vectors"
                    f" WHERE memory_id IN ({marks})",
                    chunk,
                ).fetchall()
                # One unpack for the whole chunk, then a view per memory: unpacking memory by
                # memory was half the rerank's 2.5 ms at 10k memories.
                counts = [own + context for _, own, context, _, _ in rows]
                vectors = unpack(b"".join(r[3] for r in rows), sum(counts), self.dimensions)
                ends = np.cumsum(counts)
                for (memory_id, own, _, _, pieces), end, count in zip(
                    rows, ends, counts, strict=True
                ):
                    start = int(end) - count
                    found[memory_id] = MemoryTokens(
                        vectors[start : start + own],
                        vectors[start + own : int(end)],
                        _pieces_from(pieces),
                    )
        return found

    def delete(self, memory_ids: Iterable[int]) -> None:
        if self.read_only:
            return
        ids = list(memory_ids)
        with self._lock, self._conn:
            counts = self._forget_pieces(ids)
            self._conn.executemany(
                "DELETE FROM token_vectors WHERE memory_id = ?", [(m,) for m in ids]
            )
            self._count_pieces(counts)

    def memory_ids(self) -> set[int]:
        with self._lock:
            return {r[0] for r in self._conn.execute("SELECT memory_id FROM token_vectors")}

    def stats(self) -> dict[str, Any]:
        """How many memories and word pieces are stored, and the bytes of their vectors."""
        with self._lock:
            memories, tokens, size = self._conn.execute(
                "SELECT count(*), coalesce(sum(own + context), 0),"
                " coalesce(sum(length(bits)), 0) FROM token_vectors"
            ).fetchone()
        return {"memories": memories, "tokens": tokens, "bytes": size}

    def reset(self) -> None:
        if self.read_only:
            return
        with self._lock, self._conn:
            self._conn.execute("DELETE FROM token_vectors")
            self._conn.execute("DELETE FROM piece_counts")
        with self._lock:
            self._conn.execute("VACUUM")
