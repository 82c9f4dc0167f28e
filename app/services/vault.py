"""Export and import of the encrypted memory vault.

Export reads one consistent snapshot of the store (a read transaction on its own connection,
so the app keeps working), writes a temporary file beside the target, reads it back in full
and only then renames it: either a complete, verified vault or nothing. Import reads and
checks the whole vault before writing anything, then merges (one transaction) or replaces
(a new store built beside the old, checked, then copied over it in one transaction after a
snapshot of the old), so any error leaves the store as it was.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from app import __version__
from app.core.errors import InputError, NotFoundError, ReverieError
from app.core.merge_policy import Mode, Prefer
from app.core.ports import NoProgress, Progress
from app.embed.model_files import MODEL_ID
from app.home import DB_NAME
from app.runtime import Reverie
from app.services.index_sync import sync_index
from app.services.vault_vectors import VectorExport, reuse_vectors
from app.settings import Settings
from app.storage.rows import to_text
from app.storage.schema import SCHEMA_VERSION
from app.storage.snapshots import (
    SNAPSHOTS_DIR,
    open_like,
    restore_into,
    take_snapshot,
)
from app.storage.sqlite_store import SqliteMemoryStore
from app.storage.vault_export import export_records, record_counts
from app.storage.vault_merge import Merger, MergeReport, ThumbnailSink, VaultMergeError
from app.storage.vault_records import REPORTED_KINDS
from app.vault.container import VaultReader, VaultWriter
from app.vault.errors import VaultDamaged, VaultTooNew
from app.vault.header import KdfParams

SUFFIX = ".reverie-vault"
# Settings that describe the person, not the machine: worth carrying to a new computer.
PORTABLE_SETTINGS = (
    "archive_threshold", "stability_scale", "capture_excluded_apps", "capture_excluded_titles",
    "redact_contacts", "review_mode",
)  # fmt: skip
PROGRESS_EVERY = 500

Cancel = Callable[[], bool]


class Cancelled(ReverieError):
    """The user cancelled; nothing was written."""


@dataclass(frozen=True)
class ExportReport:
    path: Path
    counts: dict[str, int]  # records written, per table, as read back from the file
    bytes: int
    seconds: float
    verified: bool
    skipped: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "path": str(self.path)}


@dataclass(frozen=True)
class ImportReport:
    path: Path
    mode: Mode
    dry_run: bool
    counts: dict[str, dict[str, int]]
    conflicts: list[dict[str, Any]]
    notes: list[str]
    vault: dict[str, Any]  # the manifest: versions, when and by what it was written
    replaced: dict[str, int] | None = None  # replace: what the store held before
    snapshot: str | None = None  # replace: where the old store was kept
    indexed: int = 0
    reused_vectors: int = 0  # of `indexed`: put in from the vault's vectors, not embedded
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "path": str(self.path)}


# ------------------------------------------------------------------ export


def export_vault(
    reverie: Reverie,
    path: Path,
    passphrase: str,
    *,
    include_thumbnails: bool = False,
    include_embeddings: bool = False,
    thumbnail_key: bytes | None = None,
    kdf: KdfParams | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ExportReport:
    if not passphrase:
        raise InputError("a vault needs a passphrase")
    started = time.perf_counter()
    progress = progress or NoProgress()
    path = path.expanduser()
    if path.is_dir():
        raise InputError(f"{path} is a folder; name the vault file to write")
    if not path.parent.is_dir():
        raise NotFoundError(f"there is no folder {path.parent}")
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    _remove_stale_partials(path)
    skipped: list[str] = []
    # Its own connection: WAL gives this read transaction a fixed snapshot while the app's
    # connection keeps writing.
    snapshot = open_like(reverie.store, reverie.store.path)
    try:
        conn = snapshot.conn
        conn.execute("BEGIN")
        counts = record_counts(conn)
        thumbnails: dict[tuple[Any, ...], Path] = {}
        if include_thumbnails:
            thumbnails = _exportable_thumbnails(conn, thumbnail_key, skipped)
        if include_thumbnails and thumbnail_key is None:
            skipped.append("screen thumbnails: no key to read them (no OS keyring, no passphrase)")
        counts["thumbnail"] = len(thumbnails)
        vectors = VectorExport(reverie.index, conn) if include_embeddings else None
        counts["embedding"] = vectors.count if vectors is not None else 0
        counts["settings"] = 1
        manifest = {
            "schema": SCHEMA_VERSION,
            "app": __version__,
            "embedding_model": MODEL_ID,
            "created_at": to_text(reverie.now()),
            "counts": counts,
            "contents": {"thumbnails": bool(thumbnails), "embeddings": bool(counts["embedding"])},
        }
        total = sum(counts.values())
        progress.start(total, "exporting")
        try:
            with partial.open("wb") as out:
                writer = VaultWriter(out, passphrase, manifest, kdf or KdfParams())
                done = 0
                records = _with_extras(export_records(conn), thumbnails, thumbnail_key)
                if vectors is not None:
                    records = vectors.attach(records)
                for table, record in records:
                    writer.write(table, record)
                    done += 1
                    if done % PROGRESS_EVERY == 0:
                        progress.advance(PROGRESS_EVERY)
                        if cancel is not None and cancel():
                            raise Cancelled("export cancelled; no vault was written")
                writer.write("settings", _portable_settings(reverie.settings))
                writer.finish()
                out.flush()
                os.fsync(out.fileno())
            conn.execute("COMMIT")
            progress.advance(done % PROGRESS_EVERY)
            written = _read_back(partial, passphrase, counts)
            os.replace(partial, path)
            _sync_folder(path.parent)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        finally:
            progress.finish()
    finally:
        snapshot.close()
    return ExportReport(
        path, written, path.stat().st_size, time.perf_counter() - started, True, skipped
    )


def _remove_stale_partials(path: Path) -> None:
    """Temporary files of exports that were killed (no process of that id runs any more)."""
    for stale in path.parent.glob(f".{path.name}.*.partial"):
        pid = stale.name.removeprefix(f".{path.name}.").removesuffix(".partial")
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            stale.unlink(missing_ok=True)
        except OSError:
            pass  # it exists but is not ours to signal: leave its file alone


def _exportable_thumbnails(
    conn: Any, key: bytes | None, skipped: list[str]
) -> dict[tuple[Any, ...], Path]:
    """Frame key -> thumbnail file, for the thumbnails that can be read here."""
    if key is None:
        return {}
    found: dict[tuple[Any, ...], Path] = {}
    for row in conn.execute(
        "SELECT captured_at, monitor, dhash, thumbnail FROM frames WHERE thumbnail IS NOT NULL"
    ):
        file = Path(row[3])
        if file.is_file():
            found[(row[0], row[1], row[2])] = file
        else:
            skipped.append(f"thumbnail of the screen at {row[0]}: its file {file} is missing")
    return found


def _with_extras(
    records: Iterator[tuple[str, dict[str, Any]]],
    thumbnails: dict[tuple[Any, ...], Path],
    key: bytes | None,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The store's records, a frame's picture right after the frame (in its own record so one
    line stays small)."""
    from app.capture.keys import decrypt

    for table, record in records:
        if table == "frame":
            record.pop("thumbnail")  # a path on this computer; the picture travels instead
            yield table, record
            file = thumbnails.get(tuple(record["key"]))
            if file is not None and key is not None:
                name = file.name.removesuffix(".webp.enc")
                webp = decrypt(key, file.read_bytes(), name.encode())
                yield "thumbnail", {"frame": record["key"], "webp": base64.b64encode(webp).decode()}
            continue
        yield table, record


def _portable_settings(settings: Settings) -> dict[str, Any]:
    return {name: getattr(settings, name) for name in PORTABLE_SETTINGS}


def _read_back(path: Path, passphrase: str, expected: dict[str, int]) -> dict[str, int]:
    """Decrypt and check the whole file; it must hold exactly what the snapshot held."""
    with path.open("rb") as source:
        reader = VaultReader(source, passphrase)
        counts: dict[str, int] = {}
        for table, _ in reader.records():
            counts[table] = counts.get(table, 0) + 1
    if {k: v for k, v in counts.items() if v} != {k: v for k, v in expected.items() if v}:
        raise VaultDamaged(
            f"the vault read back holds {counts}, not the {expected} exported; nothing was kept"
        )
    return counts


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


# ------------------------------------------------------------------ import


class _DryRun(Exception):
    """Raised inside the import transaction to roll back what a dry run did."""


def import_vault(
    reverie: Reverie,
    path: Path,
    passphrase: str,
    *,
    mode: Mode = "merge",
    prefer: Prefer = "newer",
    dry_run: bool = False,
    thumbnail_key: bytes | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    reindex: bool = True,
) -> ImportReport:
    """Check the whole vault, then merge it into the store or replace the store with it.
    Raises (changing nothing) on a wrong passphrase, a damaged, truncated, altered or
    too-new vault, or when cancelled. `reindex=False` leaves a merge's vector-index work
    queued in the outbox (done at the next start), for very large imports."""
    started = time.perf_counter()
    progress = progress or NoProgress()
    path = path.expanduser()
    if not path.is_file():
        raise NotFoundError(f"there is no vault at {path}")
    manifest, keys, total, digest = _check_whole(path, passphrase, progress, cancel)
    if mode == "replace":
        report = _replace(reverie, path, passphrase, keys, manifest, total, digest, dry_run,
                          thumbnail_key, progress, cancel)  # fmt: skip
    else:
        merged = _merge_into(reverie.store, reverie, path, passphrase, keys, total, digest,
                             prefer, dry_run, thumbnail_key, progress, cancel)  # fmt: skip
        report = _report(path, "merge", dry_run, merged, manifest)
        if not dry_run and reindex:
            with reverie.work_lock:  # the merge queued its memories for the vector index
                reused = _reuse_vectors(reverie, path, passphrase, keys, manifest)
                indexed = reused + sync_index(reverie.store, reverie.index)
            report = replace(report, indexed=indexed, reused_vectors=reused)
    return replace(report, seconds=time.perf_counter() - started)


def _check_whole(
    path: Path, passphrase: str, progress: Progress, cancel: Cancel | None
) -> tuple[dict[str, Any], Any, int, str]:
    """Pass one: authenticate and count every record before a single write."""
    digest = hashlib.sha256()
    with path.open("rb") as raw:
        source = _Hashing(raw, digest)
        reader = VaultReader(source, passphrase)  # type: ignore[arg-type]
        manifest = reader.manifest
        schema = manifest.get("schema")
        if not isinstance(schema, int) or schema > SCHEMA_VERSION:
            raise VaultTooNew(
                f"this vault was written by a newer Reverie (store schema {schema}; this "
                f"version knows up to {SCHEMA_VERSION}); update Reverie to import it"
            )
        counts = manifest.get("counts")
        total = sum(v for v in counts.values() if isinstance(v, int)) if isinstance(
            counts, dict) else 0  # fmt: skip
        progress.start(total, "checking the vault")
        seen = 0
        try:
            for _ in reader.records():
                seen += 1
                if seen % PROGRESS_EVERY == 0:
                    progress.advance(PROGRESS_EVERY)
                    if cancel is not None and cancel():
                        raise Cancelled("import cancelled; nothing was changed")
        finally:
            progress.finish()
        return manifest, reader.keys, seen, digest.hexdigest()


class _Hashing:
    """A file that hashes what is read from it (the import's record of what it read)."""

    def __init__(self, raw: Any, digest: Any) -> None:
        self._raw, self._digest = raw, digest

    def read(self, size: int = -1) -> bytes:
        data: bytes = self._raw.read(size)
        self._digest.update(data)
        return data


def _records(
    path: Path, passphrase: str, keys: Any
) -> Iterator[tuple[Any, Iterator[tuple[str, dict[str, Any]]]]]:
    with path.open("rb") as source:
        reader = VaultReader(source, passphrase, keys)
        yield reader, reader.records()


def _merge_into(
    store: SqliteMemoryStore,
    reverie: Reverie,
    path: Path,
    passphrase: str,
    keys: Any,
    total: int,
    digest: str,
    prefer: Prefer,
    dry_run: bool,
    thumbnail_key: bytes | None,
    progress: Progress,
    cancel: Cancel | None,
) -> MergeReport:
    """Pass two: apply every record in one transaction (rolled back for a dry run, on any
    error, or when cancelled; thumbnail files written meanwhile are removed again)."""
    now = to_text(reverie.now())
    assert now is not None
    sink = _thumbnail_sink(reverie.home / "captures", thumbnail_key, dry_run)
    written: list[str] = []
    report: MergeReport | None = None
    progress.start(total, "dry run" if dry_run else "importing")
    try:
        with store.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO imports (path, format, sha256, imported_at, messages, added)"
                " VALUES (?, 'reverie-vault', ?, ?, 0, 0)",
                (str(path), digest, now),
            )
            assert cursor.lastrowid is not None
            merger = Merger(conn, now, prefer, cursor.lastrowid, sink)
            written = merger.report.thumbnails_written
            for _, records in _records(path, passphrase, keys):
                for done, (table, record) in enumerate(records, start=1):
                    merger.add(table, record)
                    if done % PROGRESS_EVERY == 0:
                        progress.advance(PROGRESS_EVERY)
                        if cancel is not None and cancel():
                            raise Cancelled("import cancelled; nothing was changed")
            report = merger.finish()
            evidence = report.counts["evidence"]
            conn.execute(
                "UPDATE imports SET messages = ?, added = ? WHERE id = ?",
                (sum(evidence.values()), evidence["added"], cursor.lastrowid),
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except VaultMergeError as error:
        _remove(written)
        raise VaultDamaged(f"the vault's records do not fit together: {error}") from None
    except BaseException:
        _remove(written)
        raise
    finally:
        progress.finish()
    assert report is not None
    return report


def _thumbnail_sink(folder: Path, key: bytes | None, dry_run: bool) -> ThumbnailSink | None:
    if key is None:
        return None
    from app.capture.keys import encrypt

    batch = secrets.token_hex(4)  # names never collide with this computer's own frames

    def write(frame_id: int, webp: bytes) -> tuple[str, int]:
        name = f"frame-{frame_id}-v{batch}"
        blob = encrypt(key, webp, name.encode())
        target = folder / f"{name}.webp.enc"
        if dry_run:
            return str(target), len(blob)
        folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".tmp")
        partial.write_bytes(blob)
        partial.replace(target)
        return str(target), len(blob)

    return write


def _remove(paths: list[str]) -> None:
    for name in paths:
        Path(name).unlink(missing_ok=True)


def _report(
    path: Path, mode: Mode, dry_run: bool, merged: MergeReport, manifest: dict[str, Any]
) -> ImportReport:
    vault = {k: manifest.get(k) for k in ("format", "schema", "app", "created_at",
                                          "embedding_model")}  # fmt: skip
    notes = list(merged.notes)
    counted = REPORTED_KINDS
    contents = manifest.get("contents")
    model = manifest.get("embedding_model")
    if isinstance(contents, dict) and contents.get("embeddings") and model != MODEL_ID:
        notes.append(f"the vault's vectors were made by {model}, not {MODEL_ID}: its memories "
                     "are embedded again")  # fmt: skip
    return ImportReport(path, mode, dry_run, {k: merged.counts[k] for k in counted},
                        merged.conflicts, notes, vault)  # fmt: skip


def _replace(
    reverie: Reverie,
    path: Path,
    passphrase: str,
    keys: Any,
    manifest: dict[str, Any],
    total: int,
    digest: str,
    dry_run: bool,
    thumbnail_key: bytes | None,
    progress: Progress,
    cancel: Cancel | None,
) -> ImportReport:
    """Build the new store beside the old one, check it, keep a snapshot of the old one, then
    copy the new one over it in one transaction and rebuild the vector index."""
    incoming = reverie.home / f"{DB_NAME}.incoming"
    _remove_store_files(incoming)
    before = reverie.store.counts()
    replaced = {"memories": before["memories"], "evidence": before["evidence"]}
    try:
        fresh = open_like(reverie.store, incoming)
        try:
            merged = _merge_into(fresh, reverie, path, passphrase, keys, total, digest, "theirs",
                                 dry_run, thumbnail_key, progress, cancel)  # fmt: skip
            problems = fresh.integrity_problems()
        finally:
            fresh.close()
        report = _report(path, "replace", dry_run, merged, manifest)
        report = replace(report, replaced=replaced)
        if problems:
            _remove(merged.thumbnails_written)
            raise VaultDamaged(f"the store built from the vault is not sound: {problems[0]}")
        if dry_run:
            return report
        try:
            snapshot = take_snapshot(reverie.store, reverie.home / SNAPSHOTS_DIR, reverie.now(),
                                     "before-vault-replace")  # fmt: skip
            with reverie.work_lock:
                restore_into(reverie.store, incoming)
        except BaseException:
            _remove(merged.thumbnails_written)
            raise
    finally:
        _remove_store_files(incoming)
    settings = _vault_settings(path, passphrase, keys)
    if settings:
        reverie.apply_settings(replace(reverie.settings, **settings))
    with reverie.work_lock:
        # rebuild_index, with the vault's vectors put in before the rest is embedded
        reverie.index.reset()
        reverie.store.queue_full_reindex(reverie.now())
        reused = _reuse_vectors(reverie, path, passphrase, keys, manifest)
        indexed = reused + sync_index(reverie.store, reverie.index)
    return replace(report, snapshot=str(snapshot.path), indexed=indexed, reused_vectors=reused)


def _reuse_vectors(
    reverie: Reverie, path: Path, passphrase: str, keys: Any, manifest: dict[str, Any]
) -> int:
    """Pass three, only for a vault with vectors of this embedding model: index what it can
    from them (see app/services/vault_vectors.py)."""
    contents = manifest.get("contents")
    if not (isinstance(contents, dict) and contents.get("embeddings")):
        return 0
    if manifest.get("embedding_model") != MODEL_ID:
        return 0
    for _, records in _records(path, passphrase, keys):
        return reuse_vectors(reverie.store, reverie.index, records, manifest,
                             reverie.embedder.dimensions)  # fmt: skip
    return 0


def _vault_settings(path: Path, passphrase: str, keys: Any) -> dict[str, Any]:
    known = {f.name for f in fields(Settings)}
    for _, records in _records(path, passphrase, keys):
        for table, record in records:
            if table == "settings":
                return {k: v for k, v in record.items() if k in PORTABLE_SETTINGS and k in known}
    return {}


def _remove_store_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
