"""Versioned prompt files: changing a prompt means a new file, so results stay comparable."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_HERE = Path(__file__).parent


@cache
def load_prompt(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((_HERE / f"{name}.json").read_text(encoding="utf-8"))
    return data
