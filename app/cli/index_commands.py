"""`reverie index`: which vector index is in use, and moving it to a Chroma server of the
user's own (`--server URL`) or back to the local folder (`--local`)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

from app.cli.output import TerminalProgress, emit_json
from app.core.errors import InputError
from app.runtime import Reverie
from app.services.index_sync import rebuild_index


def add_index_commands(sub: Any, command: Any, options: tuple[str, ...]) -> None:
    """The parser's part for this command (`command` is parser._command)."""
    index = command(
        sub, "index", options, help="show where the vector index lives; move it to a server"
    )
    where = index.add_mutually_exclusive_group()
    where.add_argument("--server", metavar="URL",
                       help="keep the index in this Chroma server (http://HOST:PORT); it is "
                       "rebuilt there from the memory store")  # fmt: skip
    where.add_argument("--local", action="store_true",
                       help="keep the index in the data folder again (the default)")  # fmt: skip
    index.add_argument("--collection", metavar="NAME",
                       help="the collection on the server (default: memories)")  # fmt: skip


def cmd_index(args: argparse.Namespace, reverie: Reverie) -> int:
    if args.collection and not args.server:
        raise InputError("--collection goes with --server")
    rebuilt = None
    if args.server or args.local:
        chosen = replace(
            reverie.settings,
            vector_server=args.server or "",
            vector_collection=args.collection or "memories",
        )  # validated here: a bad address is an InputError and nothing is saved
        if args.server:
            _reachable(reverie, chosen.vector_server, chosen.vector_collection)
        reverie.apply_settings(chosen)
        # The index is derived: fill the new place from the memory store, the source of truth.
        rebuilt = rebuild_index(reverie.store, reverie.index, reverie.now(), TerminalProgress())
    where = reverie.index.where
    if args.json:
        emit_json({"index": where, "server": reverie.settings.vector_server or None,
                   "rebuilt": rebuilt})  # fmt: skip
    else:
        print(f"Vector index: {where}.")
        if rebuilt is not None:
            print(f"Rebuilt it from {rebuilt} memories.")
    return 0


def _reachable(reverie: Reverie, url: str, collection: str) -> None:
    """Open the collection before the settings change, so an unreachable server changes
    nothing (EnvironmentProblem with what to check)."""
    from app.embed.chroma_function import MiniLmChromaFunction
    from app.storage.chroma_server import ChromaServer, ChromaServerIndex, server_token

    server = ChromaServer.parse(url, collection)
    function = MiniLmChromaFunction(reverie.embedder)
    probe = ChromaServerIndex(server, function, None, server_token())
    _ = probe.collection
