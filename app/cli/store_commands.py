"""Commands on the store file itself (`reverie encrypt`, `reverie doctor --repair`): they run
before the store is opened, since it may be damaged or about to be replaced, and open it
afterwards to rebuild the index."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime

from app.cli.output import TerminalProgress, emit_json
from app.home import resolve_home
from app.runtime import Reverie
from app.services.index_sync import rebuild_index
from app.services.store_encryption import encrypt_store
from app.services.store_repair import repair_store
from app.store_key import open_store_key

StoreHandler = Callable[[argparse.Namespace, str | None, str | None], int]


def cmd_encrypt(args: argparse.Namespace, home: str | None, passphrase: str | None) -> int:
    folder = resolve_home(home)
    report = encrypt_store(folder, passphrase)
    with Reverie(folder, passphrase=passphrase) as reverie:
        # The old index folder held memory text; it was removed with the plaintext store.
        reindexed = rebuild_index(reverie.store, reverie.index, reverie.now(), TerminalProgress())
    if args.json:
        emit_json({**report.to_dict(), "reindexed": reindexed})
    else:
        kept = "in the OS keyring" if report.method == "keyring" else "derived from your passphrase"
        print(f"Encrypted {report.path} ({report.rows} rows) in {report.seconds:.1f} s; its key "
              f"is {kept}. The plaintext file was overwritten and removed; the index was "
              f"rebuilt from {reindexed} memories.")  # fmt: skip
    return 0


def cmd_repair(args: argparse.Namespace, home: str | None, passphrase: str | None) -> int:
    folder = resolve_home(home)
    report = repair_store(folder, open_store_key(folder, passphrase), datetime.now(UTC))
    reindexed = 0
    if report.needed:
        with Reverie(folder, passphrase=passphrase) as reverie:
            reindexed = rebuild_index(
                reverie.store, reverie.index, reverie.now(), TerminalProgress()
            )
    if args.json:
        emit_json({**report.to_dict(), "reindexed": reindexed})
        return 0
    if not report.needed:
        print("The memory store is sound: nothing to repair. (`reverie doctor` checks the rest.)")
        return 0
    print(f"The store was damaged: {'; '.join(report.problems)}")
    if report.method == "snapshot":
        print(f"Restored the snapshot {report.snapshot} ({report.memories} memories).")
    else:
        skipped = sum(report.skipped_rows.values())
        lost = f", {skipped} unreadable rows left behind" if skipped else ""
        print(f"Salvaged what SQLite could read: {report.memories} memories{lost}.")
    print(f"The damaged file is kept at {report.kept_at}. Rebuilt the index from {reindexed} "
          "memories.")  # fmt: skip
    return 0
