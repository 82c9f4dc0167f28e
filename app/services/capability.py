"""Which jobs a language model can be trusted with, from what the user chose.

The bundled SmolLM2-135M copies and invents: it may only select (answers are selected by
rules, facts are read by rules). A user-chosen model of a useful size, or a llama.cpp server
the user runs, may phrase answers and extract memories freely (still verified).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# ~1B parameters at 4 bits is the smallest GGUF that phrases answers from memories without
# inventing; the bundled model is 98 MB.
CAPABLE_MODEL_BYTES = 500_000_000


def writes_well(model: Any) -> bool:
    path = getattr(model, "path", None)
    if path is None:
        return True  # a llama.cpp server the user runs (RemoteModel)
    try:
        return Path(path).stat().st_size >= CAPABLE_MODEL_BYTES
    except OSError:
        return False
