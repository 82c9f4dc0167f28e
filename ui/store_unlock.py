"""Opening an encrypted store from the app: without an OS keyring the store's key comes from a
passphrase, asked here in a dialog (after $REVERIE_PASSPHRASE, which scripts use)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from app.core.errors import InputError
from app.store_key import PassphraseNeeded

T = TypeVar("T")
Ask = Callable[[str, bool], str | None]  # (why, new store) -> passphrase, None when cancelled


def open_unlocked(open_store: Callable[[str | None], T], ask: Ask, new_store: bool) -> T | None:
    """`open_store(None)` first (keyring, or the environment's passphrase); while it needs a
    passphrase or was given a wrong one, ask. None when the user cancels."""
    passphrase: str | None = None
    while True:
        try:
            return open_store(passphrase)
        except PassphraseNeeded as needed:
            why = str(needed)
        except InputError as wrong:
            if "wrong passphrase" not in str(wrong):
                raise
            why = "That passphrase does not unlock your memories. Try again:"
        passphrase = ask(why, new_store)
        if passphrase is None:
            return None


def ask_in_dialog(parent: QWidget | None) -> Ask:
    def ask(why: str, new_store: bool) -> str | None:
        title = "Choose a passphrase" if new_store else "Unlock your memories"
        text, ok = QInputDialog.getText(parent, title, why, QLineEdit.EchoMode.Password)
        if not ok or not text:
            return None
        if new_store:
            # A typo in a new passphrase would lock the user out of everything: ask twice.
            again, ok = QInputDialog.getText(parent, title, "The same passphrase again:",
                                             QLineEdit.EchoMode.Password)  # fmt: skip
            if not ok or again != text:
                return ask("The two passphrases differ. Choose one again:", new_store)
        return text

    return ask
