"""`reverie vault`: export the memories to an encrypted vault file, import one (merge or
replace, with a dry run first if wanted), and put back the snapshot a replace keeps."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.output import TerminalProgress, emit_json
from app.core.errors import EnvironmentProblem, InputError
from app.core.merge_policy import PREFERENCES

if TYPE_CHECKING:
    from app.runtime import Reverie

MIN_PASSPHRASE = 8


def add_vault_commands(sub: Any, command: Any, options: tuple[str, ...]) -> None:
    """The parser's part for `reverie vault` (`command` is parser._command)."""
    vault = command(sub, "vault", options, help="export or import an encrypted memory vault")
    vsub = vault.add_subparsers(dest="action", required=True, metavar="ACTION")
    # After the action, --passphrase-env names the vault's passphrase; before `vault` it is the
    # global option naming the store's own (--vault-passphrase-env is kept as an alias).
    env_help = "read the vault's passphrase from this environment variable (for scripts)"
    own = tuple(o for o in options if o != "passphrase_env")

    def action(name: str, **kwargs: Any) -> Any:
        parser = command(vsub, name, own, **kwargs)
        parser.set_defaults(global_options=frozenset(options))  # the store's, given before
        return parser

    export = action("export", help="write every memory to an encrypted file")
    export.add_argument("file", help="the vault to write (.reverie-vault)")
    export.add_argument("--include-thumbnails", action="store_true",
                        help="carry the screen thumbnails too")  # fmt: skip
    export.add_argument("--include-embeddings", action="store_true",
                        help="carry the memories' vectors too (bigger file)")  # fmt: skip
    export.add_argument("--passphrase-env", "--vault-passphrase-env", metavar="VAR",
                        dest="vault_passphrase_env", help=env_help)  # fmt: skip
    read = action("import", help="merge a vault in, or replace the store with it")
    read.add_argument("file", help="the vault to read")
    read.add_argument(
        "--dry-run",
        action="store_true",
        help="show what would be added, updated, conflicting; change nothing",
    )
    read.add_argument("--mode", choices=["merge", "replace"], default="merge",
                      help="merge by global id (default), or replace the whole store (a "
                      "snapshot of it is kept)")  # fmt: skip
    read.add_argument("--prefer", choices=PREFERENCES, default="newer",
                      help="when both sides changed a memory: the newer change (default), "
                      "mine, or theirs")  # fmt: skip
    read.add_argument("--passphrase-env", "--vault-passphrase-env", metavar="VAR",
                      dest="vault_passphrase_env", help=env_help)  # fmt: skip
    keep = action("backup",
                   help="a vault into FOLDER if the last is older than --every-days; keeps "
                   "the newest --keep (for cron or a systemd timer). Without FOLDER: the "
                   "scheduled backup of Settings (folder, period, how many to keep)")  # fmt: skip
    keep.add_argument(
        "folder", nargs="?", help="where backups are kept (default: Settings' backup folder)"
    )
    keep.add_argument("--every-days", type=float, default=None, metavar="N",
                      help="skip if the newest backup is younger than N days (default: 0, "
                      "or the Settings' period without FOLDER)")  # fmt: skip
    keep.add_argument("--keep", type=int, default=None, metavar="K",
                      help="keep the newest K backups (default 5, or the Settings' number "
                      "without FOLDER)")  # fmt: skip
    keep.add_argument("--passphrase-env", "--vault-passphrase-env", metavar="VAR",
                      dest="vault_passphrase_env",
                      help="the vault passphrase's environment variable (default: the one "
                      "remembered in the OS keyring)")  # fmt: skip
    restore = command(vsub, "restore-snapshot", options,
                      help="put back the store as it was before a vault replaced it")  # fmt: skip
    restore.add_argument("--snapshot", metavar="FILE", help="this snapshot (default: newest)")
    restore.add_argument("--list", action="store_true", help="list the snapshots kept")


def cmd_vault(args: argparse.Namespace, reverie: Reverie) -> int:
    if args.action == "export":
        return _export(args, reverie)
    if args.action == "import":
        return _import(args, reverie)
    if args.action == "backup":
        return _backup(args, reverie)
    return _restore(args, reverie)


def _backup(args: argparse.Namespace, reverie: Reverie) -> int:
    from app.services.vault_backup import backup, record_backup, written
    from app.services.vault_passphrase import remembered_passphrase
    from app.settings import BACKUP_PERIODS

    settings = reverie.settings
    if args.folder is None:
        if not settings.backup_folder:
            raise InputError("no backup folder in Settings: name a FOLDER, or choose one in "
                             "the app's Settings")  # fmt: skip
        args.folder = settings.backup_folder
        if args.every_days is None:
            args.every_days = BACKUP_PERIODS[settings.backup_every]
        if args.keep is None:
            args.keep = settings.backup_keep
    args.every_days = 0 if args.every_days is None else args.every_days
    args.keep = 5 if args.keep is None else args.keep
    secret = remembered_passphrase(reverie.home) if not args.vault_passphrase_env else None
    if secret is None:
        if not args.vault_passphrase_env:
            raise InputError("no vault passphrase remembered in the OS keyring: use "
                             "--passphrase-env VAR")  # fmt: skip
        secret = passphrase(args, confirm=False)
    report = backup(reverie, Path(args.folder), secret, every_days=args.every_days,
                    keep=args.keep, progress=TerminalProgress())  # fmt: skip
    chosen = Path(settings.backup_folder).expanduser() if settings.backup_folder else None
    if report is not None and Path(args.folder).expanduser() == chosen:
        record_backup(reverie, written(reverie.now(), report))  # Settings show it as the last
    if args.json:
        emit_json(None if report is None else report.to_dict())
    elif report is None:
        print(f"No backup needed: the newest in {args.folder} is younger than "
              f"{args.every_days:g} days.")  # fmt: skip
    else:
        print(f"Backed up {report.counts.get('memory', 0)} memories to {report.path} "
              f"(checked).")  # fmt: skip
    return 0


def passphrase(args: argparse.Namespace, *, confirm: bool) -> str:
    """From the environment variable named by --passphrase-env (for scripts), else asked
    on the terminal (twice when it makes a new vault). Never echoed, never stored."""
    name = args.vault_passphrase_env
    if name:
        value = os.environ.get(name)
        if not value:
            raise EnvironmentProblem(f"the environment variable {name} is not set")
        return value
    if not sys.stdin.isatty():
        raise InputError("no terminal to ask for the vault's passphrase: use --passphrase-env VAR")
    first = getpass.getpass("Vault passphrase: ")
    if confirm:
        if len(first) < MIN_PASSPHRASE:
            raise InputError(f"use a passphrase of at least {MIN_PASSPHRASE} characters")
        if getpass.getpass("Same passphrase again: ") != first:
            raise InputError("the two passphrases differ; nothing was written")
    return first


def _thumbnail_key(reverie: Reverie) -> bytes | None:
    from app.capture.keys import ThumbnailKey, keyring_available

    if not keyring_available():
        return None
    key: bytes | None = ThumbnailKey(reverie.home / "captures").load()
    return key


def _export(args: argparse.Namespace, reverie: Reverie) -> int:
    from app.services.vault import export_vault

    secret = passphrase(args, confirm=True)
    key = _thumbnail_key(reverie) if args.include_thumbnails else None
    report = export_vault(reverie, Path(args.file), secret,
                          include_thumbnails=args.include_thumbnails,
                          include_embeddings=args.include_embeddings, thumbnail_key=key,
                          progress=TerminalProgress())  # fmt: skip
    if args.json:
        emit_json(report.to_dict())
        return 0
    counts = report.counts
    print(
        f"Wrote {report.path} ({report.bytes / 1e6:.1f} MB in {report.seconds:.1f} s), "
        f"read back and checked: {counts.get('memory', 0)} memories, "
        f"{counts.get('evidence', 0)} messages and screens, {counts.get('entity', 0)} "
        f"entities, {counts.get('link', 0)} links, {counts.get('frame', 0)} screen frames, "
        f"{counts.get('thumbnail', 0)} thumbnails, {counts.get('embedding', 0)} vectors."
    )
    for note in report.skipped:
        print(f"note: not included: {note}", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace, reverie: Reverie) -> int:
    from app.services.vault import import_vault
    from app.services.vault_summary import describe_import

    secret = passphrase(args, confirm=False)
    report = import_vault(reverie, Path(args.file), secret, mode=args.mode, prefer=args.prefer,
                          dry_run=args.dry_run, thumbnail_key=_thumbnail_key(reverie),
                          progress=TerminalProgress())  # fmt: skip
    if args.json:
        emit_json(report.to_dict())
        return 0
    print(describe_import(report.to_dict()))
    return 0


def _restore(args: argparse.Namespace, reverie: Reverie) -> int:
    from app.services.snapshots import restore_snapshot, snapshots

    if args.list:
        found = [{"path": str(s.path), "reason": s.reason, "taken_at": s.taken_at}
                 for s in snapshots(reverie)]  # fmt: skip
        if args.json:
            emit_json(found)
        else:
            for s in found:
                print(f"{s['taken_at']}  {s['reason']:<22} {s['path']}")
            if not found:
                print("No snapshots yet (one is kept before a vault replaces the store).")
        return 0
    restored, kept = restore_snapshot(reverie, Path(args.snapshot) if args.snapshot else None)
    if args.json:
        emit_json({"restored": str(restored.path), "kept": str(kept.path)})
    else:
        print(f"Restored the store from {restored.path}; what it held just before is kept in "
              f"{kept.path}.")  # fmt: skip
    return 0
