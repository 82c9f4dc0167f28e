"""all-MiniLM-L6-v2 sentence vectors from its int8 ONNX export, with onnxruntime + tokenizers,
and from the same pass the vectors of each word piece (for late-interaction scoring).

Texts are sorted by length and padded only to the longest in each batch: padding everything
to 256 tokens (Chroma's own wrapper) is many times slower on two cores.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from app.embed.model_files import onnx_model_path, tokenizer_path

DIMENSIONS = 384
MAX_TOKENS = 256  # the length MiniLM was trained on; longer texts are truncated
BATCH_SIZE = 32


@dataclass(frozen=True)
class TokenStates:
    """One text's word pieces as the model read them in context."""

    vectors: npt.NDArray[np.float32]  # one unit-length row per kept word piece
    pieces: tuple[int, ...]  # the vocabulary ids of those rows
    every_piece: frozenset[int]  # all word pieces of the text, kept or not (for rarity)


_NO_TOKENS = TokenStates(np.zeros((0, DIMENSIONS), dtype=np.float32), (), frozenset())


class MiniLmEmbedder:
    """Loads lazily on first use; safe to call from several threads (onnxruntime is)."""

    dimensions = DIMENSIONS

    def __init__(self, model: Path | None = None, tokenizer: Path | None = None) -> None:
        self._model_path = model
        self._tokenizer_path = tokenizer
        self._session: Any = None
        self._tokenizer: Any = None
        self._shrink: Any = None
        self._lock = threading.Lock()

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(self._tokenizer_path or tokenizer_path()))
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
            tokenizer.no_padding()
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = max(1, min(4, os.cpu_count() or 1))
            options.log_severity_level = 3
            # Without this, idle pool threads spin and steal the CPU that Chroma and SQLite
            # need in the same search (measured: query latency doubled on two cores).
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            self._session = onnxruntime.InferenceSession(
                str(self._model_path or onnx_model_path()),
                sess_options=options,
                providers=["CPUExecutionProvider"],
            )
            # onnxruntime's memory arena keeps the largest batch's buffers for good: ~300 MB
            # more held after an import's batches of long texts. Shrinking it after the last
            # batch of each call hands that back (RSS +35-50 MB instead of +321 MB after 640
            # texts, 64 a call) at no measurable cost; without the arena, batches cost 9 % more
            # CPU.
            self._shrink = onnxruntime.RunOptions()
            self._shrink.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
            self._tokenizer = tokenizer
            _return_freed_memory()

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Unit-length vectors, one row per text, in the order given."""
        return self.embed_with_tokens(texts, tokens=False)[0]

    def embed_tokens(
        self, texts: Sequence[str], skip: frozenset[str] = frozenset()
    ) -> list[TokenStates]:
        """Per text, its word pieces' vectors (see `embed_with_tokens`)."""
        return self.embed_with_tokens(texts, sentences=False, skip=skip)[1]

    def embed_with_tokens(
        self,
        texts: Sequence[str],
        *,
        sentences: bool = True,
        tokens: bool = True,
        skip: frozenset[str] = frozenset(),
    ) -> tuple[npt.NDArray[np.float32], list[TokenStates]]:
        """Sentence vectors and token vectors from one forward pass.

        Token vectors are the model's last hidden states of the word pieces, each scaled to
        unit length, for late-interaction scoring (MaxSim). Left out: [CLS] and [SEP] (they
        stand for the whole text, not a word; keeping them cost 2-3 points of LoCoMo dev
        recall), padding, punctuation (a question's "?" matches any text; dropping it gained
        2 points), and the word pieces in `skip`.
        """
        sentence_out = np.zeros((len(texts) if sentences else 0, DIMENSIONS), dtype=np.float32)
        token_out: list[TokenStates] = [_NO_TOKENS] * len(texts) if tokens else []
        if not texts:
            return sentence_out, token_out
        self._load()
        encodings = self._tokenizer.encode_batch([t if t.strip() else " " for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), BATCH_SIZE):
            chunk = order[start : start + BATCH_SIZE]
            width = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, i in enumerate(chunk):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            last = start + BATCH_SIZE >= len(order)
            hidden = self._session.run(
                ["last_hidden_state"],
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
                self._shrink if last else None,
            )[0]
            if sentences:
                # Mean over real tokens only, then unit length, as sentence-transformers does.
                weights = mask[:, :, None].astype(np.float32)
                pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
                norms = np.linalg.norm(pooled, axis=1, keepdims=True)
                sentence_out[chunk] = pooled / np.maximum(norms, 1e-12)
            if tokens:
                for row, i in enumerate(chunk):
                    token_out[i] = _token_states(hidden[row], encodings[i], skip)
        return sentence_out, token_out


def _return_freed_memory() -> None:
    """Loading the model parses it and folds its int8 weights into float32: glibc keeps the
    ~60 MB this frees on its heap unless asked to give it back (RSS of the scale benchmark's
    search process at 100k memories: 686 -> 653 MB, at 10k 344 -> 307 MB)."""
    if not sys.platform.startswith("linux"):
        return
    # Another C library (musl has no malloc_trim): nothing to give back.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _token_states(
    hidden: npt.NDArray[np.float32], encoding: Any, skip: frozenset[str]
) -> TokenStates:
    pieces = encoding.tokens
    # Positions 1..n-2 hold the word pieces between [CLS] and [SEP].
    kept = [
        p
        for p in range(1, len(pieces) - 1)
        if pieces[p] not in skip and any(ch.isalnum() for ch in pieces[p])
    ]
    states = hidden[kept].astype(np.float32)
    norms = np.linalg.norm(states, axis=1, keepdims=True)
    return TokenStates(
        states / np.maximum(norms, 1e-12),
        tuple(encoding.ids[p] for p in kept),
        frozenset(encoding.ids[1 : len(pieces) - 1]),
    )
