"""The local model on the real llama.cpp with the bundled SmolLM2-135M (network still blocked)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from app.core.errors import EnvironmentProblem
from app.core.records import MemoryKind
from app.llm.catalog import bundled_model
from app.llm.runtime import LocalModel
from app.runtime import Reverie
from app.services.answer import answer_question
from app.services.chat import ChatSession
from app.services.extract import Extractor
from app.services.ingest import ingest_file
from app.storage.extraction_store import ExtractionStore
from tests.helpers import NOW, SAMPLE, run_cli


def load(reverie: Reverie, path: Path) -> None:
    ingest_file(reverie.store, reverie.index, path, fmt="auto", now=NOW, params=reverie.params)


def ask(reverie: Reverie, model: LocalModel, question: str) -> Any:
    return answer_question(question, store=reverie.store, index=reverie.index, model=model,
                           now=NOW, params=reverie.params)  # fmt: skip


def test_extraction_yields_typed_grounded_memories_with_evidence(
    reverie: Reverie, model: LocalModel
) -> None:
    load(reverie, SAMPLE)
    report = Extractor(reverie.store, reverie.index, model, reverie.params).run(NOW)
    said = [json.loads(line) for line in SAMPLE.read_text().splitlines()]
    # An assistant's reply is no source of facts about the user: only the user's messages
    # are queued, and none of them fails (the bundled model is not asked to write JSON).
    assert report.messages == sum(m["role"] == "user" for m in said)
    assert not report.failed_batches and not report.model_used
    extracted = [m for m in reverie.store.list_memories(limit=500) if not m.raw]
    assert {m.kind for m in extracted} >= {MemoryKind.SEMANTIC}, report.to_dict()
    sample_ids = {json.loads(line)["id"] for line in SAMPLE.read_text().splitlines()}
    for memory in extracted:
        assert memory.kind in MemoryKind and memory.text.strip()
        evidence = reverie.store.evidence_for([memory.id])[memory.id]
        assert evidence and all(e.original_id in sample_ids for e in evidence)
        assert memory.event_time is not None  # dated from its message
    assert ExtractionStore(reverie.store).pending_count() == 0


class CannedModel:
    """Replies with a fixed text, like a model that hallucinated or broke off."""

    def __init__(self, reply: str, finish: str = "stop") -> None:
        self.reply, self.finish = reply, finish

    def complete_json(self, messages: Any, schema: Any, max_tokens: int) -> tuple[str, str]:
        return self.reply, self.finish


def write_chat(tmp_path: Path, *lines: tuple[str, str, str]) -> Path:
    path = tmp_path / "chat.jsonl"
    path.write_text("".join(
        json.dumps({"id": i, "timestamp": t, "role": "user", "speaker": "Sam", "content": c})
        + "\n" for i, t, c in lines))  # fmt: skip
    return path


def test_a_hallucinated_candidate_is_rejected(reverie: Reverie, tmp_path: Path) -> None:
    load(
        reverie,
        write_chat(
            tmp_path,
            ("a", "2025-03-01T10:00:00Z", "I am moving to Lisbon next month with my partner."),
        ),
    )
    before = reverie.store.counts()["memories"]
    canned = CannedModel(json.dumps({"memories": [
        {"kind": "semantic", "text": "Mémoires de la traduction", "subject": "book",
         "source": 1, "importance": 3}]}))  # fmt: skip
    report = Extractor(reverie.store, reverie.index, canned, reverie.params).run(NOW)
    assert len(report.rejected) == 1 and report.added == 0
    assert reverie.store.counts()["memories"] == before


def test_truncated_or_mistyped_model_output_writes_nothing(
    reverie: Reverie, model: LocalModel
) -> None:
    load(reverie, SAMPLE)
    before = reverie.store.counts()

    class Truncating:  # the real model, cut off after a few tokens
        def complete_json(self, messages: Any, schema: Any, max_tokens: int) -> tuple[str, str]:
            return model.complete_json(messages, schema, 3)

    report = Extractor(reverie.store, reverie.index, Truncating(), reverie.params).run(
        NOW, max_batches=1
    )
    # A reply cut off before its first memory was complete keeps nothing, and is no failure.
    assert not report.failed_batches and report.added == 0
    wrong = CannedModel('{"memories": [{"kind": "semantic", "text": 7, "subject": "x", '
                        '"source": 1, "importance": 2}]}')  # fmt: skip
    report = Extractor(reverie.store, reverie.index, wrong, reverie.params).run(NOW, max_batches=1)
    assert report.failed_batches and "string" in report.failed_batches[0]
    after = reverie.store.counts()
    assert (after["memories"], after["history_entries"]) == (
        before["memories"], before["history_entries"])  # fmt: skip


def test_a_knowledge_update_answers_from_the_newer_memory(
    reverie: Reverie, model: LocalModel, tmp_path: Path
) -> None:
    load(reverie, write_chat(
        tmp_path,
        ("old", "2025-01-10T09:00:00Z", "I live in Leeds, in a flat near the university."),
        ("other", "2025-03-02T09:00:00Z", "My favourite band is Wet Leg."),
        ("new", "2025-06-02T09:00:00Z", "I moved from Leeds to Manchester, I live there now."),
    ))  # fmt: skip
    Extractor(reverie.store, reverie.index, model, reverie.params).run(NOW)
    answer = ask(reverie, model, "Where do I live?")
    assert not answer.abstained
    first = answer.citations[0].hit
    assert "Manchester" in first.memory.text, answer.to_dict()
    assert "Manchester" in answer.text


def test_a_simple_question_is_answered_with_the_right_citation(
    reverie: Reverie, model: LocalModel
) -> None:
    load(reverie, SAMPLE)
    answer = ask(reverie, model, "What book did Priya recommend?")
    assert not answer.abstained and "Piranesi" in answer.text
    assert answer.citations[0].hit.sources[0].original_id == "m08"
    cited = reverie.store.get_memory(answer.citations[0].hit.memory.id)
    assert cited.recall_count == 1  # a cited memory is reinforced on the forgetting curve
    assert cited.stability_days > answer.citations[0].hit.memory.stability_days


@pytest.mark.parametrize("question", ["What is my cat's name?", "What car do I drive?"])
def test_an_unanswerable_question_abstains(
    reverie: Reverie, model: LocalModel, question: str
) -> None:
    load(reverie, SAMPLE)
    answer = ask(reverie, model, question)
    assert answer.abstained and not answer.citations
    assert "don't have a memory" in answer.text


def test_what_the_user_says_in_chat_is_remembered(reverie: Reverie, model: LocalModel) -> None:
    chat = ChatSession(reverie.store, reverie.index, model, reverie.params)
    chat.say("Remember that my bike lock code is 4512.", NOW)
    chat.reflect(NOW)
    answer = ask(reverie, model, "What is my bike lock code?")
    assert not answer.abstained and "4512" in answer.text
    assert answer.citations[0].hit.sources[0].source_kind == "chat"


def test_the_model_is_used_from_one_thread_at_a_time(model: LocalModel) -> None:
    owners: set[str] = set()
    original = model._model

    def spy() -> Any:
        owners.add(threading.current_thread().name)
        return original()

    model._model = spy  # type: ignore[method-assign]
    try:
        results: list[int] = []
        workers = [threading.Thread(target=lambda: results.append(model.count_tokens("hello")))
                   for _ in range(4)]  # fmt: skip
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    finally:
        model._model = original  # type: ignore[method-assign]
    assert len(results) == 4 and len(owners) == 1


def test_missing_and_corrupt_model_files_get_clear_messages(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentProblem, match="not found"):
        LocalModel(tmp_path / "missing.gguf")
    corrupt = tmp_path / "corrupt.gguf"
    corrupt.write_bytes(b"this is not a model")
    with pytest.raises(EnvironmentProblem, match="not a GGUF"):
        LocalModel(corrupt)
    truncated = tmp_path / "truncated.gguf"
    real = bundled_model()
    assert real is not None
    truncated.write_bytes(real.path.read_bytes()[:200_000])  # header intact, tensors cut off
    broken = LocalModel(truncated)
    with pytest.raises(EnvironmentProblem, match=r"could not load truncated\.gguf"):
        broken.load()
    broken.close()
    # `ask` with the small model answers by selection and never needs to load it.
    run_cli("ingest", str(SAMPLE), home=tmp_path / "h")
    result = run_cli("ask", "How do I take my coffee?", "--model", str(truncated),
                     home=tmp_path / "h")  # fmt: skip
    assert "oat milk" in result.stdout


def test_ask_cli_json(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run_cli("ingest", str(SAMPLE), home=home)
    result = json.loads(run_cli("ask", "How do I take my coffee?", "--json", home=home).stdout)
    assert set(result) >= {"answer", "citations", "abstained"}
    assert result["citations"][0]["evidence"][0]["id"] == "m04"


def test_memories_override_what_the_model_knows(
    reverie: Reverie, model: LocalModel, tmp_path: Path
) -> None:
    load(
        reverie,
        write_chat(
            tmp_path,
            (
                "fact",
                "2025-02-01T10:00:00Z",
                "In our quiz team the capital of France is always Lyon.",
            ),
        ),
    )
    answer = ask(reverie, model, "What is the capital of France?")
    assert not answer.abstained
    assert "Lyon" in answer.text and "Paris" not in answer.text
    assert answer.citations[0].hit.sources[0].original_id == "fact"


def test_a_reply_cut_off_keeps_the_memories_completed_before_the_cut(
    reverie: Reverie, tmp_path: Path
) -> None:
    load(reverie, write_chat(tmp_path, ("a", "2025-03-02T09:00:00Z",
                                        "Went to see Wet Leg at the Brudenell.")))  # fmt: skip
    cut = CannedModel(
        '{"memories": [{"kind": "episodic", "text": "Saw Wet Leg at\tthe Brudenell", "subject": '
        '"music", "source": 1, "importance": 3}, {"kind": "semantic", "text": "Wet',
        finish="length",
    )
    report = Extractor(reverie.store, reverie.index, cut, reverie.params).run(NOW)
    assert not report.failed_batches and report.added == 1, report.to_dict()
    texts = [m.text for m in reverie.store.list_memories(limit=50) if m.origin == "extraction"]
    assert texts == ["Saw Wet Leg at the Brudenell"]
