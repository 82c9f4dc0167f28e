"""Reading an import file: bytes, decoding and the helpers every format shares."""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.core.errors import InputError


@dataclass(frozen=True)
class SourceText:
    path: Path
    text: str
    sha256: str

    @property
    def name(self) -> str:
        return self.path.name


def read_source(path: Path) -> SourceText:
    """The file as text; non-UTF-8 and empty files are errors that say where and why."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", source=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", source=str(path)) from None
    except OSError as error:
        raise InputError(f"cannot be read ({error.strerror})", source=str(path)) from None
    digest = hashlib.sha256(raw).hexdigest()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise InputError(f"damaged gzip data ({error})", source=str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(
            f"is not UTF-8 text (byte 0x{raw[error.start]:02x} at offset {error.start}); "
            "convert it to UTF-8 first",
            source=str(path),
            position=f"line {line}",
        ) from None
    if not text.strip():
        raise InputError("is empty: there are no messages to import", source=str(path))
    return SourceText(path, text, digest)


def load_json(source: SourceText) -> Any:
    try:
        return json.loads(source.text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"invalid JSON ({error.msg})",
            source=source.name,
            position=f"line {error.lineno}, column {error.colno}",
        ) from None


def as_utc(moment: datetime) -> datetime:
    """Naive times in chat exports carry no zone; we read them as UTC, consistently."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_iso(value: Any, *, source: str, position: str) -> datetime:
    if not isinstance(value, str) or not value.strip():
        raise InputError("timestamp must be an ISO-8601 string", source=source, position=position)
    try:
        return as_utc(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
    except ValueError:
        raise InputError(
            f"timestamp {value!r} is not ISO-8601 (e.g. 2024-03-21T14:05:00Z)",
            source=source,
            position=position,
        ) from None


def parse_dated(value: Any, pattern: str, example: str, *, source: str, position: str) -> datetime:
    """A date in a dataset's own fixed layout (`pattern` for strptime, `example` for the error)."""
    try:
        return as_utc(datetime.strptime(str(value).strip(), pattern))
    except ValueError:
        raise InputError(
            f"date {value!r} is not like {example!r}", source=source, position=position
        ) from None


def content_id(*parts: object) -> str:
    """A stable id for a message its source did not name: the same message, the same id."""
    return "h" + hashlib.sha1("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


def require(condition: bool, message: str, *, source: str, position: str) -> None:
    if not condition:
        raise InputError(message, source=source, position=position)
