"""What can be wrong with a vault file, each with a message a user can act on."""

from __future__ import annotations

from app.core.errors import InputError


class VaultError(InputError):
    """The file is not a vault this Reverie can read (wrong passphrase, damaged, newer)."""


class WrongPassphrase(VaultError):
    pass


class VaultDamaged(VaultError):
    pass


class VaultTooNew(VaultError):
    pass


class HostileParameters(VaultError):
    pass
