"""Pure rules of extraction and consolidation (no model needed)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from app.core.consolidation import Action, Neighbour, decide
from app.core.extraction import (
    MalformedOutput,
    check_grounding,
    drop_duplicates,
    parse_candidates,
)
from app.core.records import Memory, MemoryKind

T = datetime(2025, 1, 1, tzinfo=UTC)


def item(**changes: object) -> dict[str, object]:
    base = {"kind": "semantic", "text": "Sam's sister is Ana.", "subject": "sister",
            "source": 1, "importance": 3}  # fmt: skip
    return {**base, **changes}


def test_valid_output_becomes_candidates_with_clean_text() -> None:
    raw = json.dumps({"memories": [item(text="<b>Sam's sister is Ana.</b>", importance=5)]})
    [candidate] = parse_candidates(raw, batch_size=2)
    assert candidate.text == "Sam's sister is Ana." and candidate.importance == 1.0


@pytest.mark.parametrize(
    "raw",
    [
        '{"memories": [{"kind": "semantic", "text": "Sam',  # truncated
        json.dumps({"memories": [item(kind="fact")]}),
        json.dumps({"memories": [item(source=7)]}),  # no such message in a batch of 2
        json.dumps({"memories": [item(importance="high")]}),
        json.dumps({"memories": [item(text=42)]}),
        json.dumps({"memories": "none"}),
        json.dumps([1, 2]),
    ],
)
def test_malformed_output_is_refused(raw: str) -> None:
    with pytest.raises(MalformedOutput):
        parse_candidates(raw, batch_size=2)


def test_a_looping_model_repeats_are_dropped() -> None:
    raw = json.dumps({"memories": [item(), item(text="Sam's sister is Ana"), item(text="x y")]})
    assert [c.text for c in drop_duplicates(parse_candidates(raw, 1))] == [
        "Sam's sister is Ana.", "x y"]  # fmt: skip


def test_grounding_rejects_invented_names_numbers_and_unrelated_text() -> None:
    source = "Sam: I am moving to Lisbon next month with my partner."
    assert check_grounding("Sam is moving to Lisbon next month.", source, 0.8).supported
    assert not check_grounding("Mémoires de la traduction", source, 0.1).supported
    assert not check_grounding("Sam is moving to Porto next month.", source, 0.8).supported
    assert not check_grounding("Sam is moving in 2027.", source, 0.8).supported


def kept(memory_id: int, text: str, subject: str, kind: MemoryKind = MemoryKind.SEMANTIC) -> Memory:
    return Memory(memory_id, kind, text, T, T, 0.5, 30.0, subject=subject, origin="extraction")


def test_consolidation_decisions() -> None:
    leeds = kept(1, "Sam lives in Leeds.", "home")
    assert decide(MemoryKind.SEMANTIC, "Sam lives in Leeds.", "home",
                  [Neighbour(leeds, 0.95)]).action is Action.DUPLICATE  # fmt: skip
    update = decide(MemoryKind.SEMANTIC, "Sam moved from Leeds to Manchester.", "move",
                    [Neighbour(leeds, 0.6)], frozenset({"sam"}))  # fmt: skip
    assert (update.action, update.target) == (Action.UPDATE, 1)
    # Sharing only the speaker's own name is not the same subject.
    ana = kept(2, "Sam's sister Ana lives in Bristol.", "sister")
    assert decide(MemoryKind.SEMANTIC, "Sam's brother Leo studies at Oxford.", "brother",
                  [Neighbour(ana, 0.55)], frozenset({"sam"})).action is Action.NEW  # fmt: skip
    raw = Memory(3, MemoryKind.SEMANTIC, "Sam: I live in Leeds", T, T, 0.5, 30.0)
    assert decide(MemoryKind.SEMANTIC, "Sam lives in Leeds.", "home",
                  [Neighbour(raw, 0.99)]).action is Action.NEW  # fmt: skip


def test_the_model_decides_through_handles_within_the_similarity_guards() -> None:
    from app.core.consolidation import decision_schema, model_decision

    shown = [Neighbour(kept(41, "Sam lives in Leeds.", "home"), 0.62),
             Neighbour(kept(57, "Sam likes jazz.", "music"), 0.3)]  # fmt: skip
    assert decision_schema(2)["properties"]["target"]["enum"] == [0, 1, 2]  # type: ignore[index]
    update = model_decision('{"action": "update", "target": 1}', shown)
    assert update is not None and (update.action, update.target) == (Action.UPDATE, 41)
    # Handle 2 is too far from the candidate to be replaced by it: vetoed, the rule decides.
    assert model_decision('{"action": "update", "target": 2}', shown) is None
    assert model_decision('{"action": "duplicate", "target": 1}', shown) is None  # 0.62 < 0.8
    assert model_decision('{"action": "update", "target": 9}', shown) is None
    assert model_decision('{"action": "upd', shown) is None
    fresh = model_decision('{"action": "new", "target": 0}', shown)
    assert fresh is not None and fresh.action is Action.NEW
