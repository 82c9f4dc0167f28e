"""age's STREAM: the payload in 64 KiB ChaCha20-Poly1305 chunks, nonce = 11-byte big-endian
chunk counter + 1 byte that is 1 only on the last chunk. A dropped, repeated, reordered or
truncated chunk fails to decrypt, and a file cut at a chunk boundary lacks its last-chunk flag.
Memory stays at one chunk whatever the file's size."""

from __future__ import annotations

from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from app.vault.errors import VaultDamaged

CHUNK = 64 * 1024
TAG = 16
MAX_COUNTER = 2**88 - 1  # 11 bytes


def _nonce(counter: int, last: bool) -> bytes:
    if counter > MAX_COUNTER:
        raise VaultDamaged("the vault has more chunks than the format allows")
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class ChunkWriter:
    """A write-only file: plaintext in, encrypted chunks out to `out`. close() writes the last
    chunk (possibly empty only when nothing at all was written, as in age)."""

    def __init__(self, out: BinaryIO, key: bytes) -> None:
        self._out = out
        self._aead = ChaCha20Poly1305(key)
        self._buffer = bytearray()
        self._counter = 0
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._buffer += data
        # Keep at least one byte back: the last chunk must carry the flag, and only close()
        # knows which one is last.
        while len(self._buffer) > CHUNK:
            self._emit(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if self.closed:
            return
        self._emit(bytes(self._buffer), last=True)
        self._buffer.clear()
        self.closed = True

    def _emit(self, plain: bytes, last: bool) -> None:
        self._out.write(self._aead.encrypt(_nonce(self._counter, last), plain, None))
        self._counter += 1


class ChunkReader:
    """A read-only file over the encrypted chunks of `source`: each chunk is authenticated
    before a byte of it is returned; reaching the end without a last chunk is an error."""

    def __init__(self, source: BinaryIO, key: bytes) -> None:
        self._source = source
        self._aead = ChaCha20Poly1305(key)
        self._counter = 0
        self._plain = b""
        self._offset = 0
        self._pending = source.read(CHUNK + TAG)
        self.finished = False  # the last chunk was read and authenticated

    def read(self, size: int = -1) -> bytes:
        parts: list[bytes] = []
        wanted = size if size >= 0 else None
        while wanted is None or wanted > 0:
            if self._offset >= len(self._plain):
                if self.finished:
                    break
                self._next_chunk()
                continue
            end = len(self._plain) if wanted is None else self._offset + wanted
            piece = self._plain[self._offset : end]
            self._offset += len(piece)
            parts.append(piece)
            if wanted is not None:
                wanted -= len(piece)
        return b"".join(parts)

    def _next_chunk(self) -> None:
        sealed = self._pending
        if len(sealed) < TAG:
            raise VaultDamaged("the vault is truncated (its last chunk is missing)")
        following = self._source.read(CHUNK + TAG) if len(sealed) == CHUNK + TAG else b""
        last = not following
        try:
            plain = self._aead.decrypt(_nonce(self._counter, last), sealed, None)
        except InvalidTag:
            if last:
                raise VaultDamaged("the vault is truncated or its last chunk was altered") from None
            raise VaultDamaged(
                f"the vault is damaged or was altered (chunk {self._counter} does not authenticate)"
            ) from None
        if last and not plain and self._counter > 0:
            raise VaultDamaged("the vault ends with an empty chunk, which the format forbids")
        self._counter += 1
        self._plain, self._offset = plain, 0
        self._pending = following
        self.finished = last

    def readable(self) -> bool:
        return True

    def drain(self) -> None:
        """Read to the end, so the last-chunk flag is checked even if the reader above stopped
        early."""
        while not self.finished:
            self._next_chunk()
