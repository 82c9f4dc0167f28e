"""The thumbnail key: the OS keyring when there is one, a passphrase otherwise, never plaintext."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.capture import keys
from app.capture.keys import ThumbnailKey, decrypt, encrypt
from app.core.errors import EnvironmentProblem, InputError


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    # As on a machine without a Secret Service session (this one, and CI).
    monkeypatch.setattr(keys, "_secure_keyring", lambda: None)


def test_without_keyring_or_passphrase_thumbnails_are_off(tmp_path: Path) -> None:
    keeper = ThumbnailKey(tmp_path)
    assert keeper.load() is None
    assert "never stores them unencrypted" in keeper.status
    assert not any(tmp_path.iterdir())  # and no key file was written instead


def test_a_passphrase_gives_the_same_key_and_a_wrong_one_is_refused(tmp_path: Path) -> None:
    key = ThumbnailKey(tmp_path, "a long passphrase").load()
    assert key is not None and len(key) == 32
    assert ThumbnailKey(tmp_path, "a long passphrase").load() == key
    assert b"a long passphrase" not in b"".join(p.read_bytes() for p in tmp_path.iterdir())
    with pytest.raises(InputError, match="wrong passphrase"):
        ThumbnailKey(tmp_path, "another one").load()


def test_encryption_is_authenticated(tmp_path: Path) -> None:
    key = bytes(range(32))
    blob = encrypt(key, b"pixels", b"frame-1")
    assert decrypt(key, blob, b"frame-1") == b"pixels"
    with pytest.raises(EnvironmentProblem):
        decrypt(key, blob, b"frame-2")  # a file renamed to another frame
    with pytest.raises(EnvironmentProblem):
        decrypt(key, blob[:-1] + bytes([blob[-1] ^ 1]), b"frame-1")  # a flipped bit


def test_plaintext_keyring_backends_are_not_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backend import KeyringBackend

    class PlaintextKeyring(KeyringBackend):  # what keyrings.alt installs
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return None

        def set_password(self, service: str, username: str, password: str) -> None:
            raise AssertionError("must not be used")

        def delete_password(self, service: str, username: str) -> None:
            pass

    monkeypatch.undo()  # the real check, not the fixture's
    previous = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        assert not keys.keyring_available()
    finally:
        keyring.set_keyring(previous)
