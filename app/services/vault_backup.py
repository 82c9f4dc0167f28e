"""Backups: a vault written to a folder unless the newest there is younger than a period, the
oldest beyond the number to keep removed (`backup`). Scheduled backups use the folder and
period chosen in Settings, run by the scheduler's backup job and by `reverie vault backup`
without a folder. The outcome of the last attempt is kept beside the settings, so that
Settings can say when the last backup was written, or why it was not; a failure is recorded,
never raised into the scheduler.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.core.errors import InputError, ReverieError
from app.core.ports import Progress
from app.runtime import Reverie
from app.services.vault import SUFFIX, ExportReport, export_vault
from app.services.vault_passphrase import remembered_passphrase
from app.settings import BACKUP_PERIODS
from app.storage.rows import to_text
from app.vault.header import KdfParams

STATUS_FILE = "backup-status.json"
NO_PASSPHRASE = (
    "no backup written: no vault passphrase is remembered in the OS keyring (export a vault "
    "from the app once with 'Remember the passphrase' ticked)"
)

log = logging.getLogger(__name__)

Passphrase = Callable[[], str | None]


BACKUP_PREFIX = "reverie-backup-"


def backups(folder: Path) -> list[Path]:
    """The vaults `backup` wrote in `folder`, oldest first (their names sort by time)."""
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{BACKUP_PREFIX}*{SUFFIX}"))


def backup(
    reverie: Reverie,
    folder: Path,
    passphrase: str,
    *,
    every_days: float = 0,
    keep: int = 5,
    kdf: KdfParams | None = None,
    progress: Progress | None = None,
) -> ExportReport | None:
    """Write a vault to `folder` unless the newest backup there is younger than `every_days`
    (None then), then remove the oldest backups beyond `keep`. Only files this function
    named are ever removed, and only after the new one was written and checked."""
    if keep < 1:
        raise InputError("keep at least one backup")
    folder = folder.expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    now = reverie.now()
    existing = backups(folder)
    if existing and every_days > 0:
        stamp = existing[-1].name.removeprefix(BACKUP_PREFIX).removesuffix(SUFFIX)
        try:
            newest = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            newest = None
        if newest is not None and now - newest < timedelta(days=every_days):
            return None
    target = folder / f"{BACKUP_PREFIX}{now.astimezone(UTC):%Y%m%dT%H%M%SZ}{SUFFIX}"
    report = export_vault(reverie, target, passphrase, kdf=kdf, progress=progress)
    for old in backups(folder)[:-keep]:
        old.unlink(missing_ok=True)
    return report


@dataclass(frozen=True)
class BackupStatus:
    at: str  # when it was tried (UTC, ISO 8601)
    ok: bool
    message: str
    path: str | None = None  # the vault written

    def describe(self) -> str:
        when = self.at.replace("T", " ")[:16]
        return f"{when} UTC: {self.message}"


def last_status(home: Path) -> BackupStatus | None:
    """The last scheduled (or CLI) backup's outcome, None when none was tried yet."""
    try:
        data = json.loads((home / STATUS_FILE).read_text(encoding="utf-8"))
        return BackupStatus(str(data["at"]), bool(data["ok"]), str(data["message"]),
                            data.get("path"))  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _save_status(home: Path, status: BackupStatus) -> None:
    target = home / STATUS_FILE
    partial = target.with_suffix(".tmp")
    try:
        partial.write_text(json.dumps(asdict(status)), encoding="utf-8")
        os.replace(partial, target)
    except OSError as error:  # a read-only data folder: the status shows in the log only
        log.warning("cannot record the backup's outcome in %s: %s", target, error)


def keyring_passphrase(reverie: Reverie) -> Passphrase:
    return lambda: remembered_passphrase(reverie.home)


def run_scheduled_backup(
    reverie: Reverie,
    passphrase: Passphrase | None = None,
    *,
    kdf: KdfParams | None = None,
) -> BackupStatus | None:
    """Back up if Settings ask for it and one is due. None when backups are off or the newest
    is recent enough (nothing recorded); otherwise the outcome, also recorded for Settings."""
    settings = reverie.settings
    if not settings.backup_enabled or not settings.backup_folder:
        return None
    now = reverie.now()
    secret = (passphrase or keyring_passphrase(reverie))()
    if not secret:
        status = BackupStatus(_at(now), False, NO_PASSPHRASE)
        _save_status(reverie.home, status)
        return status
    folder = Path(settings.backup_folder).expanduser()
    try:
        report = backup(reverie, folder, secret, every_days=BACKUP_PERIODS[settings.backup_every],
                        keep=settings.backup_keep, kdf=kdf)  # fmt: skip
    except Exception as error:  # recorded for Settings: a backup job must not die silently
        if not isinstance(error, OSError | ReverieError):
            log.exception("scheduled backup failed")
        detail = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        status = BackupStatus(_at(now), False, f"backup to {folder} failed: {detail}")
        _save_status(reverie.home, status)
        return status
    if report is None:
        return None
    status = written(now, report)
    _save_status(reverie.home, status)
    return status


def written(now: datetime, report: ExportReport) -> BackupStatus:
    memories = report.counts.get("memory", 0)
    return BackupStatus(_at(now), True, f"{memories} memories backed up to {report.path.name} "
                        "(checked)", str(report.path))  # fmt: skip


def record_backup(reverie: Reverie, status: BackupStatus) -> None:
    """Keep the outcome of a backup run by hand (`reverie vault backup`) for Settings too."""
    _save_status(reverie.home, status)


def _at(now: datetime) -> str:
    text = to_text(now)
    assert text is not None
    return text
