"""Where Reverie keeps its data: --home, else $REVERIE_HOME, else the folder chosen in the
settings, else the platform's data dir."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from app.core.errors import EnvironmentProblem

ENV_VAR = "REVERIE_HOME"
DB_NAME = "memory.sqlite3"
VECTORS_DIR = "vectors"
TOKENS_DB = "token-vectors.sqlite3"  # derived, like VECTORS_DIR: rebuilt by reindex


POINTER_NAME = "data-folder.txt"


def pointer_file() -> Path:
    """Where a data folder chosen in the app's settings is remembered (the settings themselves
    live in the data folder, so the choice of folder cannot)."""
    return Path(platformdirs.user_config_dir("reverie")) / POINTER_NAME


def chosen_data_folder() -> Path | None:
    pointer = pointer_file()
    if not pointer.is_file():
        return None
    text = pointer.read_text(encoding="utf-8").strip()
    return Path(text).expanduser() if text else None


def choose_data_folder(folder: Path | None) -> None:
    """Use `folder` from the next start (None: back to the default)."""
    pointer = pointer_file()
    if folder is None:
        pointer.unlink(missing_ok=True)
        return
    pointer.parent.mkdir(parents=True, exist_ok=True)
    temporary = pointer.with_suffix(".tmp")
    temporary.write_text(str(folder.expanduser().resolve()) + "\n", encoding="utf-8")
    os.replace(temporary, pointer)


def default_home() -> Path:
    return chosen_data_folder() or Path(platformdirs.user_data_dir("reverie"))


def resolve_home(explicit: str | os.PathLike[str] | None = None, *, writable: bool = True) -> Path:
    """--home, else $REVERIE_HOME, else the folder chosen in settings, else the platform's.
    `writable=False`: a folder that exists but cannot be written is fine (read-only mode)."""
    chosen = explicit or os.environ.get(ENV_VAR)
    path = Path(chosen).expanduser() if chosen else default_home()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        if not writable and path.is_dir():
            return path
        raise EnvironmentProblem(f"cannot create the data folder {path}: {error}") from None
    if writable and not os.access(path, os.W_OK):
        raise EnvironmentProblem(f"the data folder {path} is not writable")
    return path
