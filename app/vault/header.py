"""The plain header: magic, format version, key-derivation parameters, and an HMAC over it.

Layout (docs/vault-format.md): MAGIC, u16 format version, u16 length of the parameters,
the parameters as JSON, then 32 bytes of HMAC-SHA-256 over everything before them. The MAC key
comes from the passphrase, so a wrong passphrase and an edited header look the same: the MAC
does not match, and nothing after the header is read.
"""

from __future__ import annotations

import base64
import hmac
import json
import os
import struct
from dataclasses import dataclass
from hashlib import sha256
from typing import Any, BinaryIO

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.vault.errors import (
    HostileParameters,
    VaultDamaged,
    VaultError,
    VaultTooNew,
    WrongPassphrase,
)

MAGIC = b"REVERIE-VAULT\n"
FORMAT_VERSION = 1
MAC_SIZE = 32
MAX_PARAMS_BYTES = 4096
# Readers refuse anything above these, so a hostile header cannot make us allocate gigabytes
# or spin for hours before the MAC has even been checked.
MAX_MEMORY_KIB = 1024 * 1024  # 1 GiB
MAX_ITERATIONS = 32
MAX_LANES = 16
SALT_SIZE = 16
NONCE_SIZE = 16


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. The default takes about 1 s on two busy cores with 128 MiB."""

    memory_kib: int = 128 * 1024
    iterations: int = 3
    lanes: int = 4

    def check(self) -> None:
        if not 1 <= self.lanes <= MAX_LANES:
            raise HostileParameters(
                f"the vault asks for {self.lanes} Argon2 lanes (at most {MAX_LANES} are "
                "allowed); refusing to open it"
            )
        if not 8 * self.lanes <= self.memory_kib <= MAX_MEMORY_KIB:
            raise HostileParameters(
                f"the vault asks for {self.memory_kib} KiB of memory to derive its key (at most "
                f"{MAX_MEMORY_KIB} KiB are allowed); refusing to open it"
            )
        if not 1 <= self.iterations <= MAX_ITERATIONS:
            raise HostileParameters(
                f"the vault asks for {self.iterations} Argon2 passes (at most {MAX_ITERATIONS} "
                "are allowed); refusing to open it"
            )


CHEAP_KDF = KdfParams(memory_kib=1024, iterations=1, lanes=1)  # tests and fuzzing only


@dataclass(frozen=True)
class Keys:
    mac: bytes
    payload: bytes


@dataclass(frozen=True)
class Header:
    version: int
    kdf: KdfParams
    salt: bytes
    nonce: bytes  # per-file randomness for the payload key (as in age)
    raw: bytes  # the bytes the MAC covers

    @property
    def size(self) -> int:
        return len(self.raw) + MAC_SIZE


def derive_keys(passphrase: str, kdf: KdfParams, salt: bytes, nonce: bytes) -> Keys:
    master = Argon2id(
        salt=salt,
        length=32,
        iterations=kdf.iterations,
        lanes=kdf.lanes,
        memory_cost=kdf.memory_kib,
    ).derive(passphrase.encode("utf-8"))

    def expand(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=nonce, info=info).derive(master)

    return Keys(mac=expand(b"reverie-vault header mac"), payload=expand(b"reverie-vault payload"))


def new_header(kdf: KdfParams) -> Header:
    kdf.check()
    salt, nonce = os.urandom(SALT_SIZE), os.urandom(NONCE_SIZE)
    params = {
        "kdf": "argon2id",
        "memory_kib": kdf.memory_kib,
        "iterations": kdf.iterations,
        "lanes": kdf.lanes,
        "salt": base64.b64encode(salt).decode(),
        "nonce": base64.b64encode(nonce).decode(),
        "cipher": "chacha20-poly1305",
        "chunk_size": 65536,
        "compression": "zstd",
    }
    body = json.dumps(params, sort_keys=True, separators=(",", ":")).encode()
    raw = MAGIC + struct.pack(">HH", FORMAT_VERSION, len(body)) + body
    return Header(FORMAT_VERSION, kdf, salt, nonce, raw)


def write_header(out: BinaryIO, header: Header, keys: Keys) -> None:
    out.write(header.raw)
    out.write(hmac.new(keys.mac, header.raw, sha256).digest())


def read_header(source: BinaryIO) -> tuple[Header, bytes]:
    """The header and its MAC, checked for shape and limits only (the MAC needs the key)."""
    magic = source.read(len(MAGIC))
    if magic != MAGIC:
        raise VaultError("this is not a Reverie vault (it does not start like one)")
    fixed = source.read(4)
    if len(fixed) != 4:
        raise VaultDamaged("the vault is truncated inside its header")
    version, length = struct.unpack(">HH", fixed)
    if version > FORMAT_VERSION:
        raise VaultTooNew(
            f"this vault uses format {version}, and this Reverie reads up to format "
            f"{FORMAT_VERSION}; update Reverie to import it"
        )
    if version < 1:
        raise VaultDamaged(f"the vault's header names format {version}, which never existed")
    if length > MAX_PARAMS_BYTES:
        raise VaultDamaged("the vault's header is implausibly long")
    body = source.read(length)
    mac = source.read(MAC_SIZE)
    if len(body) != length or len(mac) != MAC_SIZE:
        raise VaultDamaged("the vault is truncated inside its header")
    params = _params(body)
    header = Header(version, params[0], params[1], params[2], magic + fixed + body)
    return header, mac


def open_header(
    source: BinaryIO, passphrase: str, known: Keys | None = None
) -> tuple[Header, Keys]:
    """Read the header, derive the keys (within the caps; or reuse `known` ones from an
    earlier read of the same file) and check the MAC."""
    header, mac = read_header(source)
    keys = known or derive_keys(passphrase, header.kdf, header.salt, header.nonce)
    expected = hmac.new(keys.mac, header.raw, sha256).digest()
    if not hmac.compare_digest(expected, mac):
        raise WrongPassphrase("wrong passphrase (or the vault's header was altered)")
    return header, keys


def _params(body: bytes) -> tuple[KdfParams, bytes, bytes]:
    try:
        params: Any = json.loads(body)
        if not isinstance(params, dict):
            raise ValueError("not an object")
        if params.get("kdf") != "argon2id" or params.get("cipher") != "chacha20-poly1305":
            raise VaultDamaged("the vault names a key derivation or cipher Reverie does not use")
        if params.get("chunk_size") != 65536 or params.get("compression") != "zstd":
            raise VaultDamaged("the vault names a chunk size or compression Reverie does not use")
        kdf = KdfParams(
            memory_kib=_int(params["memory_kib"]),
            iterations=_int(params["iterations"]),
            lanes=_int(params["lanes"]),
        )
        salt = base64.b64decode(params["salt"], validate=True)
        nonce = base64.b64decode(params["nonce"], validate=True)
    except VaultError:
        raise
    except (ValueError, KeyError, TypeError) as error:
        raise VaultDamaged(f"the vault's header cannot be read ({error})") from None
    if len(salt) != SALT_SIZE or len(nonce) != NONCE_SIZE:
        raise VaultDamaged("the vault's header has a salt or nonce of the wrong size")
    kdf.check()
    return kdf, salt, nonce


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{value!r} is not a whole number")
    return value
