"""How big a model this computer runs well, and how big a model file is.

Reverie runs the model on the CPU beside everything else the user has open, so the advice
leaves room for the rest: a Q4_K_M file takes about 0.6 GB per billion parameters and about
as much memory, and generation slows with size (an 8B model writes a few words a second on
a laptop CPU). The tiers match models/README.md.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

GIB = 2**30

# Bytes per parameter of common quantizations (bits per weight / 8, with the mixed-precision
# tensors they keep); used only when neither the header nor the name says the size.
BYTES_PER_PARAMETER = (
    ("IQ1", 0.22), ("IQ2", 0.31), ("IQ3", 0.43), ("IQ4", 0.56), ("Q2", 0.42), ("Q3", 0.49),
    ("Q4", 0.6), ("Q5", 0.7), ("Q6", 0.82), ("Q8", 1.07), ("BF16", 2.0), ("F16", 2.0),
    ("F32", 4.0),
)  # fmt: skip
DEFAULT_BYTES_PER_PARAMETER = 0.6  # most shared GGUFs are Q4_K_M

_SIZE_IN_NAME = re.compile(
    r"(?<![a-z0-9.])(?:(\d+)x)?(\d+(?:\.\d+)?)([mbt])(?![a-z0-9])", re.IGNORECASE
)
_QUANT_IN_NAME = re.compile(r"(?<![a-z0-9])(I?Q\d(?:_[A-Z0-9]+)*|BF16|F16|F32)(?![a-z0-9])",
                            re.IGNORECASE)  # fmt: skip
_UNIT = {"m": 1e-3, "b": 1.0, "t": 1e3}


@dataclass(frozen=True)
class SizeAdvice:
    """The largest model (billions of parameters, Q4_K_M) that runs well with this memory."""

    memory_bytes: int | None
    max_parameters_b: float
    label: str  # "1-3B", "up to 8B"

    def describe(self) -> str:
        if self.memory_bytes is None:
            return f"Memory size unknown: a {self.label} model in Q4_K_M is a safe choice."
        return (
            f"This computer has {self.memory_bytes / GIB:.0f} GB of memory: a model of "
            f"{self.label} parameters in Q4_K_M runs well."
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "memory_bytes": self.memory_bytes,
            "max_parameters_b": self.max_parameters_b,
            "label": self.label,
            "quantization": "Q4_K_M",
        }


def total_memory_bytes() -> int | None:
    """Physical memory, from sysconf (Linux, macOS) or /proc/meminfo; None if unknown."""
    try:
        pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        if pages > 0 and page_size > 0:
            return int(pages * page_size)
    except (AttributeError, ValueError, OSError):
        pass
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def advise(memory_bytes: int | None) -> SizeAdvice:
    """A "4 GB" machine reports about 3.7 GiB and a "16 GB" one about 15.5 GiB, hence the
    thresholds between the usual sizes."""
    gib = (memory_bytes or 8 * GIB) / GIB
    if gib < 6:
        return SizeAdvice(memory_bytes, 1.5, "about 1B")
    if gib < 12:
        return SizeAdvice(memory_bytes, 3.5, "1-3B")
    if gib < 24:
        return SizeAdvice(memory_bytes, 8.5, "up to 8B")
    return SizeAdvice(memory_bytes, 15.0, "up to 14B")


def parameters_from_label(label: str) -> float | None:
    """Billions of parameters in a size label or a model name: "8B", "llama3.2:3b",
    "SmolLM2-135M-Instruct", "Mixtral-8x7B" (56). None when it names no size."""
    match = _SIZE_IN_NAME.search(label)
    if match is None:
        return None
    experts, number, unit = match.groups()
    return float(number) * _UNIT[unit.lower()] * (int(experts) if experts else 1)


def quantization_from_name(name: str) -> str | None:
    match = _QUANT_IN_NAME.search(name)
    return match.group(1).upper() if match else None


def parameters_from_file_size(size_bytes: int, quantization: str | None) -> float:
    per_parameter = DEFAULT_BYTES_PER_PARAMETER
    for prefix, value in BYTES_PER_PARAMETER:
        if quantization and quantization.upper().startswith(prefix):
            per_parameter = value
            break
    return size_bytes / per_parameter / 1e9


def format_parameters(billions: float) -> str:
    if billions < 1:
        return f"{billions * 1000:.0f}M"
    return f"{billions:.1f}B".replace(".0B", "B")
