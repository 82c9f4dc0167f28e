"""Where Reverie keeps its data: --home, else $REVERIE_HOME, else the platform's data dir."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from app.core.errors import EnvironmentProblem

ENV_VAR = "REVERIE_HOME"
DB_NAME = "memory.sqlite3"
VECTORS_DIR = "vectors"


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Path:
    chosen = explicit or os.environ.get(ENV_VAR)
    path = Path(chosen).expanduser() if chosen else Path(platformdirs.user_data_dir("reverie"))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise EnvironmentProblem(f"cannot create the data folder {path}: {error}") from None
    if not os.access(path, os.W_OK):
        raise EnvironmentProblem(f"the data folder {path} is not writable")
    return path
