"""What a GGUF file says about itself, read from its first bytes without loading it.

Listing models must stay cheap and must never hand a file to llama.cpp (a large model would
be mapped into memory): the header names the architecture, the size label ("8B") and the
quantization. The general.* keys come first in files written by llama.cpp's converters, so
reading stops at the tokenizer's keys (its vocabulary arrays are megabytes long) or after
a fixed number of bytes, whichever comes first. A file that does not parse keeps what was
read so far.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

GGUF_MAGIC = b"GGUF"
READ_LIMIT = 256 * 1024
WANTED = ("general.architecture", "general.name", "general.size_label", "general.file_type")

# llama.cpp's `llama_ftype`: the quantization of most of the file's tensors.
FILE_TYPES = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
    11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S",
    17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS",
    23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S",
    29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16",
}  # fmt: skip

# GGUF value types -> struct format of the fixed-size ones.
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?",
            10: "<Q", 11: "<q", 12: "<d"}  # fmt: skip
_STRING, _ARRAY = 8, 9


@dataclass(frozen=True)
class GgufInfo:
    version: int
    tensors: int
    metadata: dict[str, object] = field(default_factory=dict)

    @property
    def architecture(self) -> str | None:
        value = self.metadata.get("general.architecture")
        return value if isinstance(value, str) else None

    @property
    def size_label(self) -> str | None:
        value = self.metadata.get("general.size_label")
        return value if isinstance(value, str) else None

    @property
    def quantization(self) -> str | None:
        value = self.metadata.get("general.file_type")
        return FILE_TYPES.get(value) if isinstance(value, int) else None


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, fmt: str) -> object:
        size = struct.calcsize(fmt)
        if self.at + size > len(self.data):
            raise EOFError
        (value,) = struct.unpack_from(fmt, self.data, self.at)
        self.at += size
        return value

    def string(self) -> str:
        length = int(self.take("<Q"))  # type: ignore[call-overload]
        if self.at + length > len(self.data):
            raise EOFError
        text = self.data[self.at : self.at + length].decode("utf-8", errors="replace")
        self.at += length
        return text

    def value(self, kind: int) -> object:
        if kind in _SCALARS:
            return self.take(_SCALARS[kind])
        if kind == _STRING:
            return self.string()
        if kind == _ARRAY:
            item_kind = int(self.take("<I"))  # type: ignore[call-overload]
            count = int(self.take("<Q"))  # type: ignore[call-overload]
            for _ in range(count):  # skipped: no wanted key is an array
                self.value(item_kind)
            return None
        raise ValueError(f"unknown GGUF value type {kind}")


def read_gguf_info(path: Path) -> GgufInfo | None:
    """The header and the general.* metadata of a GGUF file; None when it is not one."""
    try:
        with path.open("rb") as handle:
            data = handle.read(READ_LIMIT)
    except OSError:
        return None
    if data[:4] != GGUF_MAGIC or len(data) < 24:
        return None
    reader = _Reader(data)
    reader.at = 4
    version = int(reader.take("<I"))  # type: ignore[call-overload]
    tensors = int(reader.take("<Q"))  # type: ignore[call-overload]
    count = int(reader.take("<Q"))  # type: ignore[call-overload]
    metadata: dict[str, object] = {}
    if version not in (2, 3):
        return GgufInfo(version, tensors, metadata)
    try:
        for _ in range(count):
            key = reader.string()
            if key.startswith("tokenizer."):
                break
            value = reader.value(int(reader.take("<I")))  # type: ignore[call-overload]
            if key in WANTED:
                metadata[key] = value
                if len(metadata) == len(WANTED):
                    break
    except (EOFError, ValueError, struct.error):
        pass  # a cut or odd header: what was read stands
    return GgufInfo(version, tensors, metadata)
