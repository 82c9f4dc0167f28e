"""Entry point of `reverie` / `python -m app`."""

from __future__ import annotations

import argparse
import errno
import getpass
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from app.cli import (
    capture_commands,
    commands,
    demo,
    graph_commands,
    model_commands,
    store_commands,
    vault_commands,
)
from app.cli.index_commands import cmd_index
from app.cli.parser import parse_args
from app.cli.store_commands import StoreHandler
from app.core.errors import EnvironmentProblem, ReverieError
from app.runtime import Reverie
from app.storage import sqlcipher
from app.store_key import PassphraseNeeded, passphrase_from_env

HANDLERS: dict[str, Callable[[argparse.Namespace, Reverie], int]] = {
    "ingest": commands.cmd_ingest,
    "search": commands.cmd_search,
    "decay": commands.cmd_decay,
    "memories": commands.cmd_memories,
    "stats": commands.cmd_stats,
    "doctor": commands.cmd_doctor,
    "reindex": commands.cmd_reindex,
    "demo": demo.cmd_demo,
    "ask": model_commands.cmd_ask,
    "extract": model_commands.cmd_extract,
    "models": model_commands.cmd_models,
    "chat": model_commands.cmd_chat,
    "capture": capture_commands.cmd_capture,
    "index": cmd_index,
    "entities": graph_commands.cmd_entities,
    "graph": graph_commands.cmd_graph,
    "vault": vault_commands.cmd_vault,
}

# command -> (whether this invocation works on the unopened store, handler)
STORE_COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], bool], StoreHandler]] = {
    "encrypt": (lambda args: True, store_commands.cmd_encrypt),
    "doctor": (lambda args: bool(args.repair), store_commands.cmd_repair),
}


def _crash_report(home: str | None) -> str:
    """Unexpected errors are bugs: keep the traceback in a file, show a short pointer."""
    from app.home import resolve_home

    try:
        logs = resolve_home(home) / "logs"
        logs.mkdir(exist_ok=True)
        path = logs / f"crash-{datetime.now(UTC):%Y%m%d-%H%M%S}.txt"
        path.write_text(traceback.format_exc(), encoding="utf-8")
        return str(path)
    except (OSError, ReverieError):
        traceback.print_exc()
        return "(could not write a crash report; traceback above)"


def ask_passphrase(new_store: bool) -> str:
    """The store's passphrase from the terminal: chosen twice for a new store."""
    if new_store:
        print(
            "Reverie encrypts your memories; there is no OS keyring here, so choose a "
            "passphrase (it is never stored; without it the memories cannot be read).",
            file=sys.stderr,
        )
    first = getpass.getpass("Passphrase: ")
    if not first:
        raise EnvironmentProblem("no passphrase was entered")
    if new_store and getpass.getpass("The same passphrase again: ") != first:
        raise EnvironmentProblem("the two passphrases differ; nothing was created")
    return first


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = parse_args(argv)
    home = getattr(args, "home", None)
    if args.command == "gui":
        # The desktop app is its own program (ui/, the only package that imports Qt): hand
        # this process over to it rather than importing it into the core.
        os.execv(
            sys.executable, [sys.executable, "-m", "ui.launch", *(["--home", home] if home else [])]
        )
    if args.command == "demo":
        home = demo.demo_home(home)
    try:
        model = getattr(args, "model", None)
        passphrase = passphrase_from_env(getattr(args, "passphrase_env", None))
        if args.command in STORE_COMMANDS and STORE_COMMANDS[args.command][0](args):
            # Commands on the store file itself: they run before it is opened (it may be
            # damaged, or about to be replaced), then open it to rebuild the index.
            return STORE_COMMANDS[args.command][1](args, home, passphrase)
        model_path = Path(model).expanduser() if model else None
        try:
            reverie = Reverie(home, model_path=model_path, passphrase=passphrase)
        except PassphraseNeeded as needed:
            # At a terminal, ask as restic and borg do; scripts set the environment variable.
            if passphrase is not None or not (sys.stdin.isatty() and sys.stderr.isatty()):
                raise
            reverie = Reverie(
                home, model_path=model_path, passphrase=ask_passphrase(needed.new_store)
            )
        with reverie:
            return HANDLERS[args.command](args, reverie)
    except ReverieError as error:
        print(f"reverie: error: {error}", file=sys.stderr)
        return 1
    except sqlcipher.DatabaseError as error:
        if not damaged(error):
            return _unexpected(home)
        # A page of the store that cannot be read, met while working: the file is damaged.
        print(
            f"reverie: error: the memory store is damaged ({error}); run `reverie doctor "
            "--repair` to restore the last snapshot or salvage what is readable",
            file=sys.stderr,
        )
        return 1
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
            return _unexpected(home)
        # Files beside the store (thumbnails, a vault, settings) are written aside and renamed.
        print(f"reverie: error: {error.strerror}: {error.filename or ''}; nothing was half "
              "written. Free some space (or make the folder writable) and try again.",
              file=sys.stderr)  # fmt: skip
        return 1
    except BrokenPipeError:
        # The reader went away (`reverie stats | head`): not an error of ours. Python's
        # recommended recipe: point stdout at devnull so the exit flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        print("reverie: interrupted; everything committed so far is kept", file=sys.stderr)
        return 130
    except Exception:
        return _unexpected(home)


def damaged(error: Exception) -> bool:
    """SQLite's words for a file it cannot read (not a busy or full one)."""
    text = str(error).lower()
    return any(w in text for w in ("malformed", "not a database", "corrupt"))


def _unexpected(home: str | None) -> int:
    report = _crash_report(home)
    print(f"reverie: unexpected error (a bug). Details: {report}", file=sys.stderr)
    return 70
