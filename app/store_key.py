"""The key that encrypts the memory store (and the token-vector file) at rest.

A new store gets a random 256-bit key kept in the OS keyring; where there is no keyring, the key
is derived from a passphrase with Argon2id. Which of the two a store uses is written in
`store-key.json` beside it (with the salt and a check value, never the key), so a store made
with a passphrase keeps asking for it even once a keyring appears. There is no plaintext
fallback: without a keyring and without a passphrase a new store is not created.

Stores from before encryption (a plain SQLite file) still open, unencrypted, until the user
runs `reverie encrypt`; `reverie doctor` says so.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.capture import keys
from app.core.errors import EnvironmentProblem, InputError
from app.home import DB_NAME

ENV_PASSPHRASE = "REVERIE_PASSPHRASE"
KEY_FILE = "store-key.json"
KEYRING, PASSPHRASE = "keyring", "passphrase"
CHECK = b"reverie memory store key check"
PLAIN_HEADER = b"SQLite format 3\x00"
# Argon2id at 64 MiB, 3 passes: ~0.12 s on this 2-core machine (STACK.md), once per start.
ARGON2 = {"memory_cost": 64 * 1024, "iterations": 3, "lanes": 4}


class PassphraseNeeded(EnvironmentProblem):
    """The store's key comes from a passphrase and none was given: the app asks for one."""

    def __init__(self, message: str, *, new_store: bool = False) -> None:
        super().__init__(message)
        self.new_store = new_store  # choosing a passphrase (asked twice), not entering one


@dataclass(frozen=True)
class KeyRecord:
    method: str  # KEYRING or PASSPHRASE
    store_id: str  # names the keyring entry; survives moving the data folder
    salt: bytes  # for the passphrase (random, unused with the keyring)
    check: bytes  # CHECK sealed with the key: tells a wrong key from a damaged file

    def to_json(self) -> str:
        return json.dumps({"method": self.method, "store_id": self.store_id,
                           "salt": self.salt.hex(), "check": self.check.hex(),
                           "kdf": {"name": "argon2id", **ARGON2}}, indent=2) + "\n"  # fmt: skip


def is_plaintext(db: Path) -> bool:
    """An existing unencrypted SQLite file (a store from before encryption)."""
    try:
        with db.open("rb") as handle:
            return handle.read(16) == PLAIN_HEADER
    except FileNotFoundError:
        return False


def passphrase_from_env(variable: str | None = None) -> str | None:
    """The passphrase from $REVERIE_PASSPHRASE, or from `variable` when named (it must be set
    then: a typo in --passphrase-env must not quietly ask for another passphrase)."""
    if variable:
        value = os.environ.get(variable)
        if not value:
            raise EnvironmentProblem(f"the environment variable {variable} is not set")
        return value
    return os.environ.get(ENV_PASSPHRASE) or None


@lru_cache(maxsize=8)
def _derive(passphrase: str, salt: bytes) -> bytes:
    # Cached: tests and the CLI's scripts open the same store many times in one process.
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    return Argon2id(
        salt=salt,
        length=32,
        iterations=ARGON2["iterations"],
        lanes=ARGON2["lanes"],
        memory_cost=ARGON2["memory_cost"],
    ).derive(passphrase.encode())


class StoreKey:
    def __init__(self, home: Path, passphrase: str | None = None) -> None:
        self.home = home
        self.passphrase = passphrase
        self.method = ""  # what `load` used, for doctor and the settings page

    @property
    def record_path(self) -> Path:
        return self.home / KEY_FILE

    def record(self) -> KeyRecord | None:
        try:
            raw = json.loads(self.record_path.read_text(encoding="utf-8"))
            return KeyRecord(raw["method"], raw["store_id"], bytes.fromhex(raw["salt"]),
                             bytes.fromhex(raw["check"]))  # fmt: skip
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError) as error:
            raise EnvironmentProblem(
                f"{self.record_path} is damaged ({error}); without it the memory store "
                "cannot be unlocked. Restore it from a backup of the data folder."
            ) from None

    def load(self) -> bytes:
        """The store's key, creating one for a new store."""
        record = self.record()
        if record is None:
            return self._create()
        self.method = record.method
        key = (
            self._keyring_key(record) if record.method == KEYRING else self._passphrase_key(record)
        )
        try:
            keys.decrypt(key, record.check, b"store")
        except EnvironmentProblem:
            if record.method == PASSPHRASE:
                raise InputError("wrong passphrase for the memory store") from None
            raise EnvironmentProblem(
                "the key in the OS keyring does not unlock this memory store"
            ) from None
        return key

    def _keyring_key(self, record: KeyRecord) -> bytes:
        ring = keys._secure_keyring()
        if ring is None:
            raise EnvironmentProblem(
                "this memory store's key is kept in the OS keyring, which is not available "
                "now (no Secret Service session?). Start Reverie in your desktop session."
            )
        stored = ring.get_password(keys.SERVICE, f"store {record.store_id}")
        if stored is None:
            raise EnvironmentProblem(
                "the OS keyring has no key for this memory store (was the keyring reset?). "
                "Restore the keyring, or import a vault export into a new data folder."
            )
        return bytes.fromhex(stored)

    def _passphrase_key(self, record: KeyRecord) -> bytes:
        if not self.passphrase:
            raise PassphraseNeeded(
                "the memory store is encrypted with a passphrase: enter it, or set "
                f"{ENV_PASSPHRASE} (or name another variable with --passphrase-env)"
            )
        return _derive(self.passphrase, record.salt)

    def _create(self) -> bytes:
        store_id = os.urandom(16).hex()
        salt = os.urandom(16)
        ring = keys._secure_keyring()
        key: bytes | None = None
        if ring is not None:
            try:
                key = os.urandom(32)
                ring.set_password(keys.SERVICE, f"store {store_id}", key.hex())
                self.method = KEYRING
            except Exception:  # keyring backends raise their own error types
                key = None
        if key is None:
            if not self.passphrase:
                raise PassphraseNeeded(
                    "Reverie encrypts your memories and there is no OS keyring here to keep "
                    "the key: choose a passphrase (set it in "
                    f"{ENV_PASSPHRASE}, or name another variable with --passphrase-env)",
                    new_store=True,
                )
            key = _derive(self.passphrase, salt)
            self.method = PASSPHRASE
        record = KeyRecord(self.method, store_id, salt, keys.encrypt(key, CHECK, b"store"))
        write_atomically(self.record_path, record.to_json().encode())
        return key


def write_atomically(path: Path, data: bytes) -> None:
    """Write a small file so that a crash leaves the old one or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def open_store_key(home: Path, passphrase: str | None) -> bytes | None:
    """The key of the store in `home`: None for a plaintext store from before encryption
    (until `reverie encrypt`), else from the keyring or the passphrase; a new store is always
    encrypted."""
    db = home / DB_NAME
    keeper = StoreKey(home, passphrase if passphrase is not None else passphrase_from_env())
    if is_plaintext(db):
        return None
    if keeper.record() is None and db.exists() and db.stat().st_size > 0:
        raise EnvironmentProblem(
            f"{db} is encrypted (or damaged) but its key record {keeper.record_path.name} is "
            "missing: restore that file from a backup of the data folder"
        )
    return keeper.load()
