"""Which size of model suits this computer, how big a found model is, and which found model
is suggested."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.llm.catalog import ModelFile, best_fit, describe
from app.llm.gguf_info import read_gguf_info
from app.llm.sizing import GIB, advise, parameters_from_label, total_memory_bytes
from tests.helpers import write_fake_gguf


@pytest.mark.parametrize(
    ("memory_gib", "label"),
    [(3.7, "about 1B"), (7.6, "1-3B"), (15.5, "up to 8B"), (31.3, "up to 14B")],
)
def test_the_advice_follows_the_memory(memory_gib: float, label: str) -> None:
    advice = advise(int(memory_gib * GIB))
    assert advice.label == label
    assert f"{round(memory_gib)} GB of memory" in advice.describe()


def test_this_computers_memory_is_read() -> None:
    memory = total_memory_bytes()
    assert memory is not None and memory > GIB


@pytest.mark.parametrize(
    ("name", "billions"),
    [
        ("llama3.2:3b", 3.0),
        ("Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", 8.0),
        ("SmolLM2-135M-Instruct.Q4_1.gguf", 0.135),
        ("Qwen2.5-0.5B-Instruct-Q8_0.gguf", 0.5),
        ("qwen2.5:7b-instruct-q4_K_M", 7.0),
        ("Mixtral-8x7B-Instruct-v0.1.Q4_K_M.gguf", 56.0),
        ("Qwen3-30B-A3B-Q4_K_M.gguf", 30.0),
        ("Phi-3.5-mini-instruct-Q4_K_M.gguf", None),
        ("llama3.2:latest", None),
    ],
)
def test_parameters_are_read_from_names(name: str, billions: float | None) -> None:
    assert parameters_from_label(name) == pytest.approx(billions) if billions else (
        parameters_from_label(name) is None)  # fmt: skip


def test_the_header_says_size_and_quantization(tmp_path: Path) -> None:
    path = write_fake_gguf(tmp_path / "model.gguf", size_label="3.2B", file_type=15)
    info = read_gguf_info(path)
    assert info is not None
    assert (info.architecture, info.size_label, info.quantization) == ("llama", "3.2B", "Q4_K_M")
    model = describe(path, str(tmp_path), "Jan")
    assert (model.parameters_b, model.parameters_estimated, model.parameters) == (
        3.2,
        False,
        "3.2B",
    )


def test_without_a_stated_size_the_file_size_is_used(tmp_path: Path) -> None:
    path = write_fake_gguf(tmp_path / "phi-mini.gguf", file_type=15, padding=2_400_000)
    model = describe(path, str(tmp_path), "models folder")
    assert model.parameters_estimated and model.parameters is not None
    assert model.parameters.startswith("≈") and model.parameters_b == pytest.approx(0.004, rel=0.1)


def test_damaged_headers_do_not_break_listing(tmp_path: Path) -> None:
    whole = write_fake_gguf(tmp_path / "whole.gguf", size_label="8B").read_bytes()
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(whole[:40])
    assert read_gguf_info(cut) is not None  # magic and counts read, metadata cut short
    (tmp_path / "text.gguf").write_text("hello")
    assert read_gguf_info(tmp_path / "text.gguf") is None
    assert describe(tmp_path / "text.gguf", "", "models folder").valid is False


def model(name: str, billions: float, source: str = "Ollama", chat: bool = True) -> ModelFile:
    return ModelFile(Path(f"/m/{name}"), int(billions * 0.6e9), "", True, source, name,
                     parameters_b=billions, can_chat=chat)  # fmt: skip


def test_the_best_fit_is_the_largest_chat_model_within_the_advice() -> None:
    found = [
        model("SmolLM2-135M", 0.135, source="bundled"),
        model("llama3.2:1b", 1.2),
        model("llama3.2:3b", 3.2),
        model("qwen2.5:7b", 7.6),
        model("llama3.1:8b", 8.0),
        model("qwen2.5:14b", 14.8),
        model("big-embedder", 7.0, chat=False),
    ]
    assert best_fit(found, advise(16 * GIB)) == found[4]
    assert best_fit(found, advise(8 * GIB)) == found[2]
    assert best_fit(found, advise(4 * GIB)) == found[1]
    assert best_fit(found[:1], advise(16 * GIB)) is None  # the bundled model is the default
