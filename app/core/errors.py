"""One base error for everything a user can cause or fix; anything else is a bug."""

from __future__ import annotations


class ReverieError(Exception):
    """An expected failure with a message meant for the user (no traceback needed)."""


class InputError(ReverieError):
    """A file or value the user gave us is malformed; names where, so it can be fixed."""

    def __init__(self, message: str, *, source: str | None = None, position: str | None = None):
        self.source = source
        self.position = position
        where = ", ".join(p for p in (source, position) if p)
        super().__init__(f"{where}: {message}" if where else message)


class NotFoundError(ReverieError):
    """Something the user named (a memory id, a file) does not exist."""


class EnvironmentProblem(ReverieError):
    """The machine lacks something Reverie needs (a model file, a writable data dir)."""
