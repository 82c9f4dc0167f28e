"""User settings, kept as TOML in the data folder (so --home isolates them too)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import tomli_w

from app.core.errors import InputError
from app.core.forgetting import ForgettingParams

FILE_NAME = "settings.toml"
BACKUP_PERIODS = {"daily": 1, "weekly": 7}  # days between scheduled backups


@dataclass
class Settings:
    model: str = ""  # path of the chosen GGUF; empty: the bundled model
    context_tokens: int = 2048
    # A llama.cpp server of the user's own (e.g. "http://desktop.local:8080"). Empty, the
    # default: everything runs on this machine and nothing opens a network connection.
    server_url: str = ""
    # A Chroma server of the user's own for the vector index (e.g. "http://homeserver:8000").
    # Empty, the default: the index is the folder beside the memory store.
    vector_server: str = ""
    vector_collection: str = "memories"  # on that server: one collection per data folder
    # The forgetting curve: below this retention a memory is archived (never deleted), and a
    # scale on how long memories last before fading (2.0: twice as long).
    archive_threshold: float = 0.05
    stability_scale: float = 1.0
    welcomed: bool = False
    start_at_login: bool = False
    # Screen capture is off until the user turns it on: it is the most private thing we do.
    capture_enabled: bool = False
    capture_interval_s: float = 5.0
    capture_thumbnails: bool = False
    capture_excluded_apps: list[str] = field(default_factory=list)
    capture_excluded_titles: list[str] = field(default_factory=list)
    redact_contacts: bool = False  # e-mail addresses and phone numbers in screen text
    capture_disk_cap_mb: int = 1024
    # What the model writes, and what would replace a known fact: "ask" waits in Review until
    # accepted; "auto" is used at once (and listed in Review as learned).
    review_mode: str = "ask"
    onboarded: bool = False  # the first-run steps were shown (done or skipped)
    # Scheduled backups: a vault written to this folder when the newest there is older than
    # the chosen period, keeping the newest few. Off until the user picks a folder.
    backup_enabled: bool = False
    backup_folder: str = ""
    backup_every: str = "daily"  # or "weekly"
    backup_keep: int = 5

    def __post_init__(self) -> None:
        if not 0.0 < self.archive_threshold < 1.0:
            raise InputError("archive_threshold must be between 0 and 1 (exclusive)")
        if not 0.1 <= self.stability_scale <= 10.0:
            raise InputError("stability_scale must be between 0.1 and 10")
        if not 1.0 <= self.capture_interval_s <= 3600.0:
            raise InputError("capture_interval_s must be between 1 and 3600 seconds")
        if self.capture_disk_cap_mb < 10:
            raise InputError("capture_disk_cap_mb must be at least 10")
        if self.review_mode not in ("ask", "auto"):
            raise InputError("review_mode must be 'ask' or 'auto'")
        if self.backup_every not in BACKUP_PERIODS:
            raise InputError("backup_every must be 'daily' or 'weekly'")
        if not 1 <= self.backup_keep <= 1000:
            raise InputError("backup_keep must be between 1 and 1000")
        if self.backup_enabled and not self.backup_folder.strip():
            raise InputError("choose a folder for the backups before turning them on")
        if self.vector_server:
            from app.storage.chroma_server import ChromaServer

            ChromaServer.parse(self.vector_server, self.vector_collection)  # raises InputError

    @classmethod
    def load(cls, home: Path) -> Settings:
        path = home / FILE_NAME
        if not path.exists():
            return cls()
        try:
            data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise InputError(f"cannot read the settings: {error}", source=str(path)) from None
        known = {f.name: f for f in fields(cls)}
        defaults = asdict(cls())
        chosen: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue  # a setting from a newer version: ignored, kept out of the way
            expected = type(defaults[key])
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                raise InputError(
                    f"setting {key!r} should be {expected.__name__}, found {value!r}",
                    source=str(path),
                )
            chosen[key] = value
        try:
            return cls(**chosen)
        except InputError as error:
            raise InputError(str(error), source=str(path)) from None

    def save(self, home: Path) -> None:
        """Written to a temporary file and renamed, so a crash never leaves half a file."""
        self.__post_init__()
        target = home / FILE_NAME
        temporary = target.with_suffix(".tmp")
        temporary.write_text(tomli_w.dumps(asdict(self)), encoding="utf-8")
        os.replace(temporary, target)

    def forgetting_params(self) -> ForgettingParams:
        return ForgettingParams(archive_threshold=self.archive_threshold,
                                stability_scale=self.stability_scale)  # fmt: skip
