"""Models other local-AI apps downloaded are found where those apps keep them, named as the
app names them, and their folders are only read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.llm import other_apps
from app.llm.catalog import ModelCatalog, find_models
from app.llm.sizing import GIB
from tests.helpers import write_fake_gguf

DIGEST = "a" * 64
EMBED_DIGEST = "b" * 64


@pytest.fixture(autouse=True)
def no_system_ollama(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Linux service's folder may exist on a developer's machine: not in these tests."""
    monkeypatch.setattr(other_apps, "OLLAMA_SERVICE_FOLDERS", [])


def ollama_manifest(models: Path, name: str, digest: str, registry: str = "registry.ollama.ai"
                    ) -> None:  # fmt: skip
    namespace, model, tag = name.split("/")
    path = models / "manifests" / registry / namespace / model / tag
    path.parent.mkdir(parents=True, exist_ok=True)
    layers = [
        {"mediaType": "application/vnd.ollama.image.template", "digest": "sha256:" + "c" * 64},
        {"mediaType": "application/vnd.ollama.image.model", "digest": f"sha256:{digest}",
         "size": 123},
    ]  # fmt: skip
    path.write_text(json.dumps({"schemaVersion": 2, "layers": layers}))


def ollama_tree(models: Path) -> None:
    write_fake_gguf(models / "blobs" / f"sha256-{DIGEST}", file_type=15)
    write_fake_gguf(models / "blobs" / f"sha256-{EMBED_DIGEST}", architecture="nomic-bert")
    ollama_manifest(models, "library/llama3.2/latest", DIGEST)
    ollama_manifest(models, "library/llama3.2/3b", DIGEST)
    ollama_manifest(models, "library/nomic-embed-text/latest", EMBED_DIGEST)
    ollama_manifest(models, "bartowski/Qwen2.5-7B-Instruct-GGUF/Q4_K_M", "d" * 64, "hf.co")


def catalog(home: Path, environ: dict[str, str] | None = None) -> ModelCatalog:
    return find_models([], home=home, environ=environ or {}, memory_bytes=16 * GIB)


def found(home: Path, source: str, environ: dict[str, str] | None = None) -> dict[str, Path]:
    return {m.name: m.path for m in catalog(home, environ).models if m.source == source}


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
    }


def test_ollama_models_are_named_by_their_tags(tmp_path: Path) -> None:
    ollama_tree(tmp_path / ".ollama" / "models")
    models = [m for m in catalog(tmp_path).models if m.source == "Ollama"]
    # One file under two tags is listed once, by the tag that says its size; the embedder
    # and the manifest whose blob is missing are left out.
    assert [m.name for m in models] == ["llama3.2:3b"]
    [llama] = models
    assert llama.aliases == ("llama3.2:latest",)
    assert llama.path == tmp_path / ".ollama" / "models" / "blobs" / f"sha256-{DIGEST}"
    assert (llama.parameters_b, llama.quantization) == (3.0, "Q4_K_M")
    assert catalog(tmp_path).find("llama3.2:latest") == llama


def test_ollama_models_moved_with_ollama_models_variable(tmp_path: Path) -> None:
    moved = tmp_path / "disk" / "ollama"
    ollama_tree(moved)
    write_fake_gguf(moved / "blobs" / f"sha256-{'d' * 64}", size_label="7.6B")
    names = found(tmp_path / "home", "Ollama", {"OLLAMA_MODELS": str(moved)})
    assert set(names) == {"llama3.2:3b", "hf.co/bartowski/Qwen2.5-7B-Instruct-GGUF:Q4_K_M"}


def test_a_manifest_cannot_point_outside_the_blobs(tmp_path: Path) -> None:
    models = tmp_path / ".ollama" / "models"
    write_fake_gguf(tmp_path / "secret.gguf")
    path = models / "manifests" / "registry.ollama.ai" / "library" / "evil" / "latest"
    path.parent.mkdir(parents=True)
    layer = {"mediaType": "application/vnd.ollama.image.model", "digest": "../../../secret.gguf"}
    path.write_text(json.dumps({"layers": [layer]}))
    (models / "blobs").mkdir()
    assert found(tmp_path, "Ollama") == {}


def test_lm_studio_models_in_publisher_folders(tmp_path: Path) -> None:
    repo = tmp_path / ".lmstudio" / "models" / "lmstudio-community" / "Qwen2.5-7B-Instruct-GGUF"
    write_fake_gguf(repo / "Qwen2.5-7B-Instruct-Q4_K_M.gguf")
    write_fake_gguf(repo / "mmproj-model-f16.gguf", architecture="clip")  # a vision add-on
    (repo / "broken.gguf").write_bytes(b"not a model at all")
    old = tmp_path / ".cache" / "lm-studio" / "models" / "TheBloke" / "Mistral-7B-GGUF"
    write_fake_gguf(old / "mistral-7b-instruct-v0.2.Q4_K_M.gguf")
    names = found(tmp_path, "LM Studio")
    assert set(names) == {"Qwen2.5-7B-Instruct-Q4_K_M.gguf",
                          "mistral-7b-instruct-v0.2.Q4_K_M.gguf"}  # fmt: skip


def test_gpt4all_models(tmp_path: Path) -> None:
    folder = tmp_path / ".local" / "share" / "nomic.ai" / "GPT4All"
    write_fake_gguf(folder / "Llama-3.2-1B-Instruct-Q4_0.gguf", file_type=2)
    (folder / "localdocs_v2.db").write_bytes(b"SQLite format 3\0")
    [model] = [m for m in catalog(tmp_path).models if m.source == "GPT4All"]
    assert (model.name, model.parameters_b, model.quantization) == (
        "Llama-3.2-1B-Instruct-Q4_0.gguf", 1.0, "Q4_0")  # fmt: skip


def test_jan_models_old_and_new_layouts_and_a_moved_data_folder(tmp_path: Path) -> None:
    data = tmp_path / ".local" / "share" / "Jan" / "data"
    write_fake_gguf(data / "llamacpp" / "models" / "Menlo" / "Jan-nano-4b-gguf" / "model.gguf")
    write_fake_gguf(tmp_path / "jan" / "models" / "tinyllama-1.1b" / "tinyllama-1.1b.Q4_K_M.gguf")
    moved = tmp_path / "big-disk" / "jan-data"
    write_fake_gguf(moved / "llamacpp" / "models" / "qwen3-4b" / "model.gguf")
    settings = tmp_path / ".local" / "share" / "jan.ai.app" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"data_folder": str(moved)}))
    names = found(tmp_path, "Jan")
    assert set(names) == {"Menlo/Jan-nano-4b-gguf", "tinyllama-1.1b.Q4_K_M.gguf", "qwen3-4b"}
    assert catalog(tmp_path).find("Menlo/Jan-nano-4b-gguf").parameters_b == 4.0  # type: ignore[union-attr]


def test_finding_models_writes_nothing_in_their_folders(tmp_path: Path) -> None:
    ollama_tree(tmp_path / ".ollama" / "models")
    write_fake_gguf(tmp_path / ".lmstudio" / "models" / "a" / "b" / "Phi-3-mini-Q4_K_M.gguf")
    write_fake_gguf(tmp_path / "jan" / "models" / "x" / "model.gguf")
    before = snapshot(tmp_path)
    assert len(catalog(tmp_path).models) >= 3
    assert snapshot(tmp_path) == before


def test_a_file_reachable_two_ways_is_listed_once(tmp_path: Path) -> None:
    ollama_tree(tmp_path / ".ollama" / "models")
    own = tmp_path / "reverie-models"
    own.mkdir()
    (own / "llama.gguf").symlink_to(tmp_path / ".ollama" / "models" / "blobs" / f"sha256-{DIGEST}")
    models = find_models([own], home=tmp_path, environ={}, memory_bytes=8 * GIB).models
    mine = [m for m in models if m.source != "bundled"]
    assert [(m.name, m.source) for m in mine] == [("llama.gguf", "models folder")]
