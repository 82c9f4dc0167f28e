"""The argument grammar of `reverie`; handlers live in app.cli.commands."""

from __future__ import annotations

import argparse

from app import __version__
from app.core.records import MemoryKind
from app.importers import FORMATS

KINDS = [k.value for k in MemoryKind]


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--home", metavar="DIR", help="data folder (default: $REVERIE_HOME, else the user data dir)"
    )
    common.add_argument("--json", action="store_true", help="print machine-readable JSON")
    timed = argparse.ArgumentParser(add_help=False)
    timed.add_argument(
        "--now", metavar="ISO", help="pretend it is this time (ISO-8601; naive times are UTC)"
    )

    parser = argparse.ArgumentParser(
        prog="reverie",
        description="Reverie: an offline personal memory assistant.",
    )
    parser.add_argument("--version", action="version", version=f"reverie {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = sub.add_parser("ingest", parents=[common], help="import a chat log")
    ingest.add_argument("path", help="the file to import")
    ingest.add_argument("--format", default="auto", choices=FORMATS)
    ingest.add_argument(
        "--roles",
        choices=["all", "user"],
        help="which messages become memories (default: all; longmemeval: user)",
    )

    search = sub.add_parser("search", parents=[common, timed], help="recall memories")
    search.add_argument("query", nargs="?", help="what to look for")
    search.add_argument("-k", type=int, default=10, help="how many results (default 10)")
    search.add_argument("--kind", choices=KINDS)
    search.add_argument(
        "--queries",
        metavar="FILE",
        help='batch mode: JSONL of {"query": ..., "now": optional}; '
        "writes one JSON result line per query",
    )

    decay = sub.add_parser(
        "decay", parents=[common, timed], help="apply the forgetting curve (archive faded memories)"
    )
    decay.add_argument("--dry-run", action="store_true", help="report, change nothing")

    memories = sub.add_parser("memories", help="list, inspect and manage memories")
    msub = memories.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = msub.add_parser("list", parents=[common, timed], help="list memories")
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
        one = msub.add_parser(action, parents=[common, timed], help=text)
        one.add_argument("id", type=int, help="memory id")

    model = argparse.ArgumentParser(add_help=False)
    model.add_argument("--model", metavar="FILE.gguf", help="use this model for this command")
    ask = sub.add_parser(
        "ask",
        parents=[common, timed, model],
        help="answer a question from your memories, with citations",
    )
    ask.add_argument("question")
    ask.add_argument("-k", type=int, default=5, help="memories to consider (default 5)")
    extract = sub.add_parser(
        "extract", parents=[common, model], help="extract typed memories from queued messages"
    )
    extract.add_argument("--wait", action="store_true", help="drain the whole queue")
    extract.add_argument(
        "--batches", type=int, default=20, help="batches to process without --wait (default 20)"
    )
    models = sub.add_parser("models", parents=[common], help="list and choose GGUF models")
    models.add_argument("--use", metavar="FILE.gguf", help="make this the model Reverie uses")
    models.add_argument("--templates", action="store_true", help="show each chat template")
    chat = sub.add_parser(
        "chat", parents=[common, model], help="talk to Reverie; what you say is remembered"
    )
    chat.add_argument("message", nargs="?", help="one message (else read lines from stdin)")
    capture = sub.add_parser(
        "capture", parents=[common], help="capture the screen (X11) under the privacy rules"
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
    capture.add_argument("--passphrase-env", metavar="VAR",
                         help="read the thumbnail passphrase from this environment variable "
                         "(when there is no OS keyring)")  # fmt: skip
    sub.add_parser("gui", parents=[common], help="start the desktop app (same as reverie-gui)")
    sub.add_parser("stats", parents=[common], help="what the store holds")
    sub.add_parser("doctor", parents=[common], help="check the installation and data folder")
    sub.add_parser("reindex", parents=[common], help="rebuild the vector index from SQLite")
    sub.add_parser(
        "demo", parents=[common], help="import the sample chat into a demo folder and show recall"
    )
    return parser
