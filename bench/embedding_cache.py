"""A content-hash cache around the embedder, so benchmark re-runs skip repeated embedding.

Sentence vectors and word-piece vectors (for the MaxSim rerank) are both cached: without the
second, a LongMemEval run re-embeds every haystack's tokens and takes over an hour.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from app.embed.minilm import DIMENSIONS, MiniLmEmbedder, TokenStates


def _tokens_blob(states: TokenStates) -> tuple[bytes, bytes, bytes]:
    return (
        states.vectors.astype(np.float16).tobytes(),
        np.asarray(states.pieces, dtype=np.int32).tobytes(),
        np.asarray(sorted(states.every_piece), dtype=np.int32).tobytes(),
    )


def _tokens_from(vectors: bytes, pieces: bytes, every: bytes) -> TokenStates:
    rows = np.frombuffer(vectors, dtype=np.float16).astype(np.float32).reshape(-1, DIMENSIONS)
    return TokenStates(
        rows,
        tuple(int(p) for p in np.frombuffer(pieces, dtype=np.int32)),
        frozenset(int(p) for p in np.frombuffer(every, dtype=np.int32)),
    )


class CachedEmbedder(MiniLmEmbedder):
    def __init__(self, cache_file: Path) -> None:
        super().__init__()
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(cache_file), check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (h TEXT PRIMARY KEY, v BLOB)")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS tok (h TEXT PRIMARY KEY, v BLOB, p BLOB, e BLOB)"
        )

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self.embed_with_tokens(texts, tokens=False)[0]

    def embed_with_tokens(
        self,
        texts: Sequence[str],
        *,
        sentences: bool = True,
        tokens: bool = True,
        skip: frozenset[str] = frozenset(),
    ) -> tuple[npt.NDArray[np.float32], list[TokenStates]]:
        if len(texts) == 1:
            # A search query: always embedded afresh, so latency figures stay honest.
            return super().embed_with_tokens(texts, sentences=sentences, tokens=tokens, skip=skip)
        salt = hashlib.sha1("\x00".join(sorted(skip)).encode()).hexdigest()[:8]
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        token_keys = [f"{k}:{salt}" for k in keys]
        vectors = self._cached("SELECT h, v FROM vec", keys) if sentences else {}
        states = self._cached("SELECT h, v, p, e FROM tok", token_keys) if tokens else {}
        missing = [
            i
            for i in range(len(texts))
            if (sentences and keys[i] not in vectors) or (tokens and token_keys[i] not in states)
        ]
        if missing:
            fresh_vectors, fresh_states = super().embed_with_tokens(
                [texts[i] for i in missing], sentences=sentences, tokens=tokens, skip=skip
            )
            if sentences:
                rows = [(keys[i], fresh_vectors[j].tobytes()) for j, i in enumerate(missing)]
                self._db.executemany("INSERT OR REPLACE INTO vec VALUES (?, ?)", rows)
                for j, i in enumerate(missing):
                    vectors[keys[i]] = fresh_vectors[j]
            if tokens:
                token_rows = [
                    (token_keys[i], *_tokens_blob(fresh_states[j])) for j, i in enumerate(missing)
                ]
                self._db.executemany("INSERT OR REPLACE INTO tok VALUES (?, ?, ?, ?)", token_rows)
                for j, i in enumerate(missing):
                    states[token_keys[i]] = fresh_states[j]
            self._db.commit()
        sentence_out = (
            np.stack([vectors[k] for k in keys]).astype(np.float32)
            if sentences and keys
            else np.zeros((len(texts) if sentences else 0, DIMENSIONS), np.float32)
        )
        token_out = [states[k] for k in token_keys] if tokens else []
        return sentence_out, token_out

    def _cached(self, select: str, keys: list[str]) -> dict:
        found: dict = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._db.execute(f"{select} WHERE h IN ({marks})", chunk):
                if len(row) == 2:
                    found[row[0]] = np.frombuffer(row[1], dtype=np.float32)
                else:
                    found[row[0]] = _tokens_from(row[1], row[2], row[3])
        return found
