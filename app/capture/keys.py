"""The key that encrypts screen thumbnails at rest: kept in the OS keyring, or derived from a
passphrase (scrypt) when there is no keyring. Never a plaintext fallback: without either, no
thumbnails are written and the reason is shown."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.core.errors import EnvironmentProblem, InputError

SERVICE = "reverie"
CHECK = b"reverie thumbnail key check"


def _secure_keyring() -> Any | None:
    """The OS keyring, or None when there is none (no D-Bus session) or it stores plaintext."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}".lower()
    if isinstance(backend, fail.Keyring) or "plaintext" in name or "keyrings.alt" in name:
        return None
    chained = getattr(backend, "backends", None)
    if chained is not None and not chained:
        return None
    return keyring


def keyring_available() -> bool:
    return _secure_keyring() is not None


class ThumbnailKey:
    def __init__(self, folder: Path, passphrase: str | None = None) -> None:
        self.folder = folder
        self.passphrase = passphrase
        self.status = ""

    def load(self) -> bytes | None:
        """The key, or None (with `status` saying why) when it cannot be kept safely."""
        keyring = _secure_keyring()
        account = f"thumbnails {self.folder.resolve()}"
        if keyring is not None:
            try:
                stored = keyring.get_password(SERVICE, account)
                if stored is None:
                    stored = os.urandom(32).hex()
                    keyring.set_password(SERVICE, account, stored)
                self.status = "thumbnails are encrypted with a key kept in the OS keyring"
                return bytes.fromhex(stored)
            except Exception as failure:  # keyring backends raise their own error types
                self.status = f"the OS keyring refused: {failure}"
        if self.passphrase:
            self.status = "thumbnails are encrypted with a key derived from your passphrase"
            return self._from_passphrase(self.passphrase)
        self.status = (
            "thumbnails are off: there is no OS keyring to keep their key (no Secret Service "
            "session), and no passphrase was given. Reverie never stores them unencrypted."
        )
        return None

    def _from_passphrase(self, passphrase: str) -> bytes:
        self.folder.mkdir(parents=True, exist_ok=True)
        salt_file, check_file = self.folder / "salt", self.folder / "key-check"
        if not salt_file.exists():
            salt_file.write_bytes(os.urandom(16))
        key = hashlib.scrypt(passphrase.encode(), salt=salt_file.read_bytes(),
                             n=2**15, r=8, p=1, maxmem=64 * 1024 * 1024, dklen=32)  # fmt: skip
        if check_file.exists():
            try:
                decrypt(key, check_file.read_bytes(), b"check")
            except EnvironmentProblem:
                raise InputError("wrong passphrase for the screen thumbnails") from None
        else:
            check_file.write_bytes(encrypt(key, CHECK, b"check"))
        return key


def encrypt(key: bytes, data: bytes, label: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, data, label)


def decrypt(key: bytes, blob: bytes, label: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(blob[:12], blob[12:], label)
    except InvalidTag:
        raise EnvironmentProblem(
            "a thumbnail could not be decrypted (wrong key or damaged)"
        ) from None
