"""The vault passphrase the user chose to remember: kept in the OS keyring, never anywhere
else."""

from __future__ import annotations

from pathlib import Path


def _keyring_account(home: Path) -> str:
    return f"vault passphrase {home.resolve()}"


def remembered_passphrase(home: Path) -> str | None:
    """The vault passphrase the user chose to keep in the OS keyring (never anywhere else)."""
    from app.capture.keys import SERVICE, keyring_available

    if not keyring_available():
        return None
    import keyring

    try:
        value = keyring.get_password(SERVICE, _keyring_account(home))
    except Exception:  # keyring backends raise their own error types
        return None
    return value if isinstance(value, str) else None


def remember_passphrase(home: Path, passphrase: str | None) -> bool:
    """Keep the passphrase in the OS keyring (None: forget it). False when there is no secure
    keyring: then it is not kept at all."""
    from app.capture.keys import SERVICE, keyring_available

    if not keyring_available():
        return False
    import keyring

    try:
        if passphrase is None:
            if keyring.get_password(SERVICE, _keyring_account(home)) is not None:
                keyring.delete_password(SERVICE, _keyring_account(home))
        else:
            keyring.set_password(SERVICE, _keyring_account(home), passphrase)
    except Exception:
        return False
    return True
