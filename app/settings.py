"""User settings, kept as TOML in the data folder (so --home isolates them too)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from app.core.errors import InputError

FILE_NAME = "settings.toml"


@dataclass
class Settings:
    model: str = ""  # path of the chosen GGUF; empty: the bundled model
    context_tokens: int = 2048
    # A llama.cpp server of the user's own (e.g. "http://desktop.local:8080"). Empty, the
    # default: everything runs on this machine and nothing opens a network connection.
    server_url: str = ""

    @classmethod
    def load(cls, home: Path) -> Settings:
        path = home / FILE_NAME
        if not path.exists():
            return cls()
        try:
            data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise InputError(f"cannot read the settings: {error}", source=str(path)) from None
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def save(self, home: Path) -> None:
        """Written to a temporary file and renamed, so a crash never leaves half a file."""
        lines = []
        for key, value in asdict(self).items():
            rendered = str(value) if isinstance(value, int) else _quote(str(value))
            lines.append(f"{key} = {rendered}")
        target = home / FILE_NAME
        temporary = target.with_suffix(".tmp")
        temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.replace(temporary, target)


def _quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
