"""Records in and out of a vault file: header, then (encrypted, zstd-compressed) JSON lines.

The first line is the manifest (versions, counts per table), the last is the end record with
each table's count and SHA-256 over its lines. A reader checks both, so an export that lost a
row, or a file cut between two valid chunks, never reads as a complete vault.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import zstandard

from app.vault.chunks import ChunkReader, ChunkWriter
from app.vault.errors import VaultDamaged, VaultError
from app.vault.header import (
    FORMAT_VERSION,
    KdfParams,
    Keys,
    derive_keys,
    new_header,
    open_header,
)
from app.vault.header import write_header as _write_header

MANIFEST = "$manifest"
END = "$end"
MAX_LINE = 64 * 1024 * 1024  # a thumbnail is far smaller; a longer line means a damaged file
ZSTD_LEVEL = 6


@dataclass
class Tally:
    """Per-table count and running SHA-256 of the canonical lines."""

    counts: dict[str, int] = field(default_factory=dict)
    hashes: dict[str, Any] = field(default_factory=dict)

    def add(self, table: str, line: bytes) -> None:
        self.counts[table] = self.counts.get(table, 0) + 1
        if table not in self.hashes:
            self.hashes[table] = hashlib.sha256()
        self.hashes[table].update(line)

    def digests(self) -> dict[str, str]:
        return {t: h.hexdigest() for t, h in sorted(self.hashes.items())}


def _line(table: str, record: dict[str, Any]) -> bytes:
    text = json.dumps(
        {"t": table, "r": record}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return text.encode("utf-8") + b"\n"


class VaultWriter:
    """Writes one vault to an open binary file; `finish()` seals it. Records of a table must
    all be counted in the manifest given up front (the reader checks them)."""

    def __init__(
        self, out: BinaryIO, passphrase: str, manifest: dict[str, Any], kdf: KdfParams
    ) -> None:
        header = new_header(kdf)
        keys = derive_keys(passphrase, kdf, header.salt, header.nonce)
        _write_header(out, header, keys)
        self._chunks = ChunkWriter(out, keys.payload)
        self._zstd = zstandard.ZstdCompressor(level=ZSTD_LEVEL, write_checksum=True).stream_writer(
            self._chunks,  # type: ignore[arg-type]
            closefd=False,
        )
        self.tally = Tally()
        self._zstd.write(_line(MANIFEST, {**manifest, "format": FORMAT_VERSION}))

    def write(self, table: str, record: dict[str, Any]) -> None:
        line = _line(table, record)
        self.tally.add(table, line)
        self._zstd.write(line)

    def finish(self) -> None:
        end = {"counts": dict(sorted(self.tally.counts.items())), "sha256": self.tally.digests()}
        self._zstd.write(_line(END, end))
        self._zstd.flush(zstandard.FLUSH_FRAME)
        self._zstd.close()  # type: ignore[no-untyped-call]
        self._chunks.close()


@dataclass
class VaultContents:
    manifest: dict[str, Any]
    records: Iterator[tuple[str, dict[str, Any]]]


class VaultReader:
    """Reads a vault: `manifest` after opening; `records()` yields (table, record) and raises
    VaultDamaged at the end unless every count and checksum matched."""

    def __init__(self, source: BinaryIO, passphrase: str, keys: Keys | None = None) -> None:
        self._header, keys = open_header(source, passphrase, keys)
        self.keys = keys
        self._chunks = ChunkReader(source, keys.payload)
        self._zstd = zstandard.ZstdDecompressor().stream_reader(
            self._chunks,  # type: ignore[arg-type]
            read_across_frames=False,
            closefd=False,
        )
        self._buffer = b""
        self._eof = False
        first = self._next_line()
        if first is None:
            raise VaultDamaged("the vault holds no manifest")
        table, manifest = first
        if table != MANIFEST:
            raise VaultDamaged("the vault does not start with its manifest")
        self.manifest = manifest
        self.format_version = self._header.version

    def _raw_lines(self) -> Iterator[bytes]:
        while True:
            newline = self._buffer.find(b"\n")
            if newline >= 0:
                line, self._buffer = self._buffer[: newline + 1], self._buffer[newline + 1 :]
                yield line
                continue
            if len(self._buffer) > MAX_LINE:
                raise VaultDamaged("the vault holds a record longer than any Reverie writes")
            if self._eof:
                if self._buffer:
                    raise VaultDamaged("the vault's last record is cut off")
                return
            try:
                block = self._zstd.read(1024 * 1024)
            except zstandard.ZstdError as error:
                raise VaultDamaged(f"the vault's contents do not decompress ({error})") from None
            if not block:
                self._eof = True
            self._buffer += block

    def _next_line(self) -> tuple[str, dict[str, Any]] | None:
        for raw in self._raw_lines():
            return self._parse(raw)
        return None

    @staticmethod
    def _parse(raw: bytes) -> tuple[str, dict[str, Any]]:
        try:
            item = json.loads(raw)
            table, record = item["t"], item["r"]
        except (ValueError, KeyError, TypeError):
            raise VaultDamaged("the vault holds a record that is not valid JSON") from None
        if not isinstance(table, str) or not isinstance(record, dict):
            raise VaultDamaged("the vault holds a record of the wrong shape")
        return table, record

    def records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        tally = Tally()
        expected: Any = self.manifest.get("counts", {})
        for raw in self._raw_lines():
            table, record = self._parse(raw)
            if table == END:
                self._check_end(record, tally, expected)
                return
            if table.startswith("$"):
                raise VaultDamaged(f"the vault holds an unexpected {table} record")
            tally.add(table, raw)
            yield table, record
        raise VaultDamaged("the vault ends before its end record (it was cut short)")

    def _check_end(self, end: dict[str, Any], tally: Tally, expected: Any) -> None:
        # Nothing may follow the end record, and the encrypted stream must end with its flag.
        for _ in self._raw_lines():
            raise VaultDamaged("the vault has records after its end record")
        self._chunks.drain()
        if end.get("counts") != dict(sorted(tally.counts.items())):
            raise VaultDamaged("the vault's record counts do not match its contents")
        if end.get("sha256") != tally.digests():
            raise VaultDamaged("the vault's checksums do not match its contents")
        if isinstance(expected, dict) and {k: v for k, v in expected.items() if v} != {
            k: v for k, v in tally.counts.items() if v
        }:
            raise VaultDamaged(
                "the vault holds a different number of records than its manifest announces "
                "(it was written incompletely)"
            )


def verify(path: Path, passphrase: str) -> dict[str, int]:
    """Read a whole vault and check it; returns the count per table."""
    with path.open("rb") as source:
        reader = VaultReader(source, passphrase)
        counts: dict[str, int] = {}
        for table, _ in reader.records():
            counts[table] = counts.get(table, 0) + 1
        return counts


__all__ = ["END", "MANIFEST", "VaultDamaged", "VaultError", "VaultReader", "VaultWriter", "verify"]
