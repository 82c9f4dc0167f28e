"""GGUF models other local-AI apps already downloaded: Ollama, LM Studio, GPT4All and Jan.

Users who tried one of these apps have multi-gigabyte models on disk; offering them saves a
download. Their folders are only read: nothing is written, moved or loaded there. Only
valid GGUF files of chat models are offered (no embedders, no vision projectors).
Locations are each app's documented defaults on Linux, macOS and Windows, plus the setting
each app has for moving them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from app.llm.catalog import ModelFile, describe, gguf_files

OLLAMA_MODEL_LAYER = "application/vnd.ollama.image.model"
OLLAMA_REGISTRY = "registry.ollama.ai"
# Where the Linux installer's system service keeps its models (tests replace this).
OLLAMA_SERVICE_FOLDERS = [
    Path("/usr/share/ollama/.ollama/models"),
    Path("/var/lib/ollama/.ollama/models"),
]
_DIGEST = re.compile(r"^sha256[:-]([0-9a-f]{64})$")
MAX_CONFIG_BYTES = 1_000_000  # manifests and settings files are a few KB


def _data_home(home: Path, environ: Mapping[str, str]) -> Path:
    return Path(environ.get("XDG_DATA_HOME") or home / ".local" / "share")


def _config_home(home: Path, environ: Mapping[str, str]) -> Path:
    return Path(environ.get("XDG_CONFIG_HOME") or home / ".config")


def _read_json(path: Path) -> object:
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            return None
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _setting(path: Path, key: str) -> Path | None:
    """A folder named in an app's JSON settings file, when it is there and absolute."""
    data = _read_json(path)
    value = data.get(key) if isinstance(data, dict) else None
    return Path(value) if isinstance(value, str) and Path(value).is_absolute() else None


def _unique(paths: Iterable[Path | None]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path is not None and path not in out:
            out.append(path)
    return out


def _usable(model: ModelFile) -> bool:
    return model.valid and model.can_chat and not model.path.name.lower().startswith("mmproj")


# ---------------------------------------------------------------- Ollama


def ollama_folders(home: Path, environ: Mapping[str, str]) -> list[Path]:
    """$OLLAMA_MODELS, the user's ~/.ollama/models, and the Linux service's own."""
    return _unique([
        Path(environ["OLLAMA_MODELS"]) if environ.get("OLLAMA_MODELS") else None,
        home / ".ollama" / "models",
        *OLLAMA_SERVICE_FOLDERS,
    ])  # fmt: skip


def ollama_name(manifest: Path, manifests: Path) -> str:
    """manifests/<registry>/<namespace>/<model>/<tag> -> the name `ollama run` takes."""
    registry, namespace, model, tag = manifest.relative_to(manifests).parts
    if registry == OLLAMA_REGISTRY:
        return f"{model}:{tag}" if namespace == "library" else f"{namespace}/{model}:{tag}"
    return f"{registry}/{namespace}/{model}:{tag}"


def ollama_blob(manifest: Path, blobs: Path) -> Path | None:
    """The GGUF blob a manifest's model layer names (by digest; the name is checked, so a
    manifest cannot point outside the blobs folder)."""
    data = _read_json(manifest)
    layers = data.get("layers") if isinstance(data, dict) else None
    for layer in layers if isinstance(layers, list) else []:
        if isinstance(layer, dict) and layer.get("mediaType") == OLLAMA_MODEL_LAYER:
            match = _DIGEST.match(str(layer.get("digest", "")))
            if match:
                for name in (f"sha256-{match.group(1)}", f"sha256:{match.group(1)}"):
                    if (blobs / name).is_file():
                        return blobs / name
    return None


def ollama_models(home: Path, environ: Mapping[str, str]) -> list[ModelFile]:
    found: list[ModelFile] = []
    for folder in ollama_folders(home, environ):
        manifests, blobs = folder / "manifests", folder / "blobs"
        names: dict[Path, list[str]] = {}
        try:
            candidates = sorted(p for p in manifests.glob("*/*/*/*") if p.is_file())
        except OSError:
            continue
        for manifest in candidates:
            blob = ollama_blob(manifest, blobs)
            if blob is not None:
                names.setdefault(blob, []).append(ollama_name(manifest, manifests))
        for blob, tags in names.items():
            # "llama3.2:3b" says more than "llama3.2:latest" for the same file.
            tags.sort(key=lambda tag: (tag.endswith(":latest"), tag))
            model = describe(blob, str(folder), "Ollama", tags[0])
            if _usable(model):
                found.append(replace(model, aliases=tuple(tags[1:])))
    return found


# ---------------------------------------------------------------- folder-based apps


def lm_studio_folders(home: Path, environ: Mapping[str, str]) -> list[Path]:
    """~/.lmstudio/models (LM Studio 0.3+; ~/.lmstudio-home-pointer names a moved home),
    the older ~/.cache/lm-studio/models, and a downloads folder chosen in its settings."""
    pointer: Path | None = None
    try:
        text = (home / ".lmstudio-home-pointer").read_text(encoding="utf-8").strip()
        pointer = Path(text) / "models" if text and Path(text).is_absolute() else None
    except OSError:
        pass
    settings = [
        _config_home(home, environ) / "LM Studio" / "settings.json",
        home / "Library" / "Application Support" / "LM Studio" / "settings.json",
    ]
    return _unique([
        pointer,
        home / ".lmstudio" / "models",
        home / ".cache" / "lm-studio" / "models",
        *(_setting(path, "downloadsFolder") for path in settings),
    ])  # fmt: skip


def gpt4all_folders(home: Path, environ: Mapping[str, str]) -> list[Path]:
    return _unique([
        _data_home(home, environ) / "nomic.ai" / "GPT4All",
        home / "Library" / "Application Support" / "nomic.ai" / "GPT4All",
        Path(environ["LOCALAPPDATA"]) / "nomic.ai" / "GPT4All"
        if environ.get("LOCALAPPDATA") else None,
    ])  # fmt: skip


def jan_folders(home: Path, environ: Mapping[str, str]) -> list[Path]:
    """Jan 0.6+ keeps llamacpp/models/<id>/model.gguf in its data folder (default
    <data dir>/Jan/data, movable: its settings.json names the new one); releases before
    kept models/<id>/ under ~/jan or the data folder."""
    roots = [_data_home(home, environ), home / "Library" / "Application Support"]
    if environ.get("APPDATA"):
        roots.append(Path(environ["APPDATA"]))
    data_folders = _unique([
        *(_setting(root / "jan.ai.app" / "settings.json", "data_folder") for root in roots),
        _setting(_config_home(home, environ) / "Jan" / "settings.json", "data_folder"),
        *(root / "Jan" / "data" for root in roots),
    ])  # fmt: skip
    return _unique([
        *(data / "llamacpp" / "models" for data in data_folders),
        *(data / "models" for data in data_folders),
        home / "jan" / "models",
    ])  # fmt: skip


def _folder_models(source: str, folders: list[Path], label: Callable[[Path, Path], str]
                   ) -> list[ModelFile]:  # fmt: skip
    found: list[ModelFile] = []
    for folder in folders:
        if folder.is_dir():
            for path in gguf_files(folder):
                model = describe(path, str(folder), source, label(path, folder))
                if _usable(model):
                    found.append(model)
    return found


def _file_name(path: Path, folder: Path) -> str:
    return path.name


def _jan_id(path: Path, folder: Path) -> str:
    """Jan names every file model.gguf; the folders above it are the model's id."""
    if path.name.lower() != "model.gguf":
        return path.name
    return "/".join(path.parent.relative_to(folder).parts) or path.name


def other_app_models(home: Path, environ: Mapping[str, str]) -> list[ModelFile]:
    return [
        *ollama_models(home, environ),
        *_folder_models("LM Studio", lm_studio_folders(home, environ), _file_name),
        *_folder_models("GPT4All", gpt4all_folders(home, environ), _file_name),
        *_folder_models("Jan", jan_folders(home, environ), _jan_id),
    ]
