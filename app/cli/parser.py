"""The argument grammar of `reverie`; handlers live in app.cli.commands."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from app import __version__
from app.cli.graph_commands import add_graph_commands
from app.cli.index_commands import add_index_commands
from app.cli.vault_commands import add_vault_commands
from app.core.records import MemoryKind
from app.importers import FORMATS

KINDS = [k.value for k in MemoryKind]


# Options every user expects to put before or after the command (`reverie --home D search q`
# and `reverie search q --home D`): dest -> (flag, add_argument keywords, default).
GLOBAL_OPTIONS: dict[str, tuple[str, dict[str, Any], object]] = {
    "home": (
        "--home",
        {"metavar": "DIR", "help": "data folder (default: $REVERIE_HOME, else the user data dir)"},
        None,
    ),
    "json": ("--json", {"action": "store_true", "help": "print machine-readable JSON"}, False),
    "now": (
        "--now",
        {"metavar": "ISO", "help": "pretend it is this time (ISO-8601; naive times are UTC)"},
        None,
    ),
    "model": ("--model", {"metavar": "FILE.gguf", "help": "use this model for this command"}, None),
    "passphrase_env": (
        "--passphrase-env",
        {
            "metavar": "VAR",
            "help": "read the store's passphrase from this environment variable (default: "
            "$REVERIE_PASSPHRASE; only needed when there is no OS keyring)",
        },
        None,
    ),
}
COMMON = ("home", "json", "passphrase_env")
TIMED = (*COMMON, "now")
MODEL = (*COMMON, "model")


def _add_global(parser: argparse.ArgumentParser, *dests: str) -> None:
    """Add these global options to a command. They default to "absent" (SUPPRESS), so a
    value given before the command is not overwritten by the command's own default; the
    defaults are filled in by `parse_args` once the command is known."""
    for dest in dests:
        flag, options, _ = GLOBAL_OPTIONS[dest]
        parser.add_argument(flag, dest=dest, default=argparse.SUPPRESS, **options)
    parser.set_defaults(global_options=frozenset(dests))


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse a command line; global options may come before or after the command (after
    wins), and one given before a command that does not take it is an error."""
    parser = build_parser()
    args = parser.parse_args(argv)
    accepted: frozenset[str] = getattr(args, "global_options", frozenset())
    for dest, (flag, _, default) in GLOBAL_OPTIONS.items():
        if dest in accepted:
            if not hasattr(args, dest):
                setattr(args, dest, default)
        elif hasattr(args, dest):
            parser.error(f"{flag} does not apply to `reverie {args.command}`")
    if hasattr(args, "global_options"):
        del args.global_options
    return args


def _command(
    sub: Any, name: str, options: tuple[str, ...], **kwargs: Any
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(name, **kwargs)
    _add_global(parser, *options)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reverie",
        description="Reverie: an offline personal memory assistant.",
    )
    parser.add_argument("--version", action="version", version=f"reverie {__version__}")
    for dest, (flag, options, _) in GLOBAL_OPTIONS.items():
        parser.add_argument(flag, dest=dest, default=argparse.SUPPRESS, **options)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = _command(sub, "ingest", COMMON, help="import a chat log")
    ingest.add_argument("path", help="the file to import")
    ingest.add_argument("--format", default="auto", choices=FORMATS)
    ingest.add_argument(
        "--roles",
        choices=["all", "user"],
        help="which messages become memories (default: all; assistant turns rank below yours)",
    )

    search = _command(sub, "search", TIMED, help="recall memories")
    search.add_argument("query", nargs="?", help="what to look for")
    search.add_argument("-k", type=int, default=10, help="how many results (default 10)")
    search.add_argument("--kind", choices=KINDS)
    search.add_argument(
        "--queries",
        metavar="FILE",
        help='batch mode: JSONL of {"query": ..., "now": optional}; '
        "writes one JSON result line per query",
    )

    decay = _command(
        sub, "decay", TIMED, help="apply the forgetting curve (archive faded memories)"
    )
    decay.add_argument("--dry-run", action="store_true", help="report, change nothing")

    memories = _command(sub, "memories", TIMED, help="list, inspect and manage memories")
    msub = memories.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = _command(msub, "list", TIMED, help="list memories")
    listing.add_argument("--kind", choices=KINDS)
    listing.add_argument("--pinned", action="store_true", help="only pinned memories")
    state = listing.add_mutually_exclusive_group()
    state.add_argument("--archived", action="store_true", help="only archived memories")
    state.add_argument("--all", action="store_true", help="archived ones too")
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--offset", type=int, default=0)
    for action, text in (
        ("show", "a memory with its evidence and history"),
        ("pin", "keep a memory from fading"),
        ("unpin", "let it fade again"),
        ("forget", "archive a memory (restorable)"),
        ("restore", "bring an archived memory back"),
        ("history", "every change to a memory"),
    ):
        one = _command(msub, action, TIMED, help=text)
        one.add_argument("id", type=int, help="memory id")

    ask = _command(
        sub,
        "ask",
        (*TIMED, "model"),
        help="answer a question from your memories, with citations",
    )
    ask.add_argument("question")
    ask.add_argument("-k", type=int, default=5, help="memories to consider (default 5)")
    extract = _command(sub, "extract", MODEL, help="extract typed memories from queued messages")
    extract.add_argument("--wait", action="store_true", help="drain the whole queue")
    extract.add_argument(
        "--batches", type=int, default=20, help="batches to process without --wait (default 20)"
    )
    models = _command(sub, "models", COMMON, help="list and choose GGUF models")
    models.add_argument("--use", metavar="FILE.gguf", help="make this the model Reverie uses")
    models.add_argument("--templates", action="store_true", help="show each chat template")
    chat = _command(sub, "chat", MODEL, help="talk to Reverie; what you say is remembered")
    chat.add_argument("message", nargs="?", help="one message (else read lines from stdin)")
    capture = _command(
        sub, "capture", COMMON, help="capture the screen (X11) under the privacy rules"
    )
    mode = capture.add_mutually_exclusive_group(required=True)
    mode.add_argument("--once", action="store_true", help="one capture now, then exit")
    mode.add_argument("--watch", action="store_true", help="capture every --interval seconds")
    mode.add_argument("--forget-minutes", type=float, metavar="N",
                      help="remove everything captured in the last N minutes")  # fmt: skip
    mode.add_argument("--status", action="store_true", help="what capture can do here, figures")
    capture.add_argument("--interval", type=float, metavar="S", help="seconds between captures")
    capture.add_argument("--duration", type=float, metavar="S", help="stop after S seconds")
    capture.add_argument(
        "--idle-after",
        type=float,
        metavar="S",
        help="skip while there was no input for S seconds (default 300)",
    )
    _command(sub, "gui", COMMON, help="start the desktop app (same as reverie-gui)")
    _command(sub, "stats", COMMON, help="what the store holds")
    doctor = _command(sub, "doctor", COMMON, help="check the installation and data folder")
    doctor.add_argument(
        "--repair",
        action="store_true",
        help="a damaged store: restore the last snapshot, else salvage what SQLite can read, "
        "then rebuild the index",
    )
    _command(sub, "encrypt", COMMON, help="encrypt a memory store from before encryption")
    _command(sub, "reindex", COMMON, help="rebuild the vector index from SQLite")
    add_index_commands(sub, _command, COMMON)
    _command(sub, "demo", COMMON, help="import the sample chat into a demo folder and show recall")
    add_graph_commands(sub, _command, COMMON)
    add_vault_commands(sub, _command, COMMON)
    return parser
