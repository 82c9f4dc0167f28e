"""MaxSim scoring and the sign-bit encoding of token vectors, on small hand-made vectors."""

from __future__ import annotations

import numpy as np
import pytest

from app.services.late_interaction import maxsim, rarity_weights, token_match
from app.storage.token_vectors import MemoryTokens, pack, unpack


def unit(*rows: list[float]) -> np.ndarray:
    matrix = np.asarray(rows, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


QUESTION = unit([1, 0, 0], [0, 1, 0])  # two question tokens, say "skoda" and "mot"


def test_each_question_token_takes_its_best_match_in_the_memory() -> None:
    memory = unit([1, 0, 0], [0, 0, 1], [0.6, 0.8, 0])
    # "skoda" matches the first token exactly; "mot" best matches the third (cosine 0.8).
    assert maxsim(QUESTION, memory) == pytest.approx([1.0, 0.8])


def test_one_exact_word_outscores_a_vague_likeness_of_every_word() -> None:
    specific = unit([1, 0, 0], [0, 0.5, 1])  # names the thing; the rest is about other things
    vague = unit([0.5, 0.5, 1])  # a little like everything asked
    assert maxsim(QUESTION, specific).mean() == pytest.approx((1.0 + 0.5 / np.sqrt(1.25)) / 2)
    assert maxsim(QUESTION, specific).mean() > maxsim(QUESTION, vague).mean()


def test_a_memory_without_tokens_matches_nothing() -> None:
    assert maxsim(QUESTION, np.zeros((0, 3), dtype=np.float32)).tolist() == [0.0, 0.0]


def test_the_message_before_counts_for_half() -> None:
    reply = MemoryTokens(own=unit([1, 0, 0]), context=unit([0, 1, 0]))
    # Own words: (1 + 0) / 2; own words or context: (1 + 1) / 2; the two halves averaged.
    assert token_match(QUESTION, reply) == pytest.approx(0.75)
    alone = MemoryTokens(own=unit([1, 0, 0]), context=np.zeros((0, 3), dtype=np.float32))
    assert token_match(QUESTION, alone) == pytest.approx(0.5)


def test_rare_question_words_weigh_more_than_common_ones() -> None:
    # 100 memories: piece 7 ("skoda") is in 2 of them, piece 9 ("what") in 90.
    weights = rarity_weights([7, 9], 100, {7: 2, 9: 90})
    assert weights.sum() == pytest.approx(1.0)
    assert weights[0] > 3 * weights[1]
    memory = MemoryTokens(own=unit([1, 0, 0]), context=np.zeros((0, 3), dtype=np.float32))
    # Matching only the rare word now counts for most of the score, not half.
    assert token_match(QUESTION, memory, weights) == pytest.approx(weights[0])
    # A word piece no memory has yet is the rarest of all; an empty store weighs all alike.
    assert rarity_weights([7, 8], 100, {7: 2})[1] > rarity_weights([7, 8], 100, {7: 2})[0]
    assert rarity_weights([7, 9], 0, {}).tolist() == pytest.approx([0.5, 0.5])


def test_sign_bits_keep_the_direction_of_every_dimension() -> None:
    rng = np.random.default_rng(7)
    vectors = unit(*rng.normal(size=(5, 384)).tolist())
    restored = unpack(pack(vectors), 5, 384)
    assert len(pack(vectors)) == 5 * 48  # one bit per dimension
    assert restored.shape == (5, 384)
    assert np.array_equal(np.sign(restored), np.sign(vectors))
    assert np.allclose(np.linalg.norm(restored, axis=1), 1.0)
    # Sign bits keep the order of cosines well enough to rank by: each vector is nearest
    # to itself among the five.
    assert (np.argmax(vectors @ restored.T, axis=1) == np.arange(5)).all()
