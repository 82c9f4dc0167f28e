"""`reverie entities ...` and `reverie graph export`: the memory graph from the terminal."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from app.cli.output import TerminalProgress, emit_json, short
from app.core.entity_merge import Choice
from app.core.errors import InputError
from app.importers.reading import as_utc
from app.runtime import Reverie
from app.services.graph import choose, entity, entity_memories, export_graph, refresh_graph
from app.services.graph import entities as all_entities
from app.storage.graph_store import EntityRow


def add_graph_commands(sub: Any, command: Any, options: tuple[str, ...]) -> None:
    """The parser's part for these commands (`command` is parser._command)."""
    found = command(sub, "entities", options, help="people, places and things your memories name")
    esub = found.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = command(esub, "list", options, help="every entity, most mentioned first")
    listing.add_argument("--kind", help="only this type (person, pet, place, organisation, ...)")
    listing.add_argument("--limit", type=int, default=100)
    show = command(esub, "show", options, help="an entity with its names and memories")
    show.add_argument("name", help="its name, any name it was written as, or #id")
    rename = command(esub, "rename", options, help="give an entity another name (kept)")
    rename.add_argument("name")
    rename.add_argument("new_name")
    merge = command(esub, "merge", options, help="make two entities one (kept)")
    merge.add_argument("name", help="the entity that joins…")
    merge.add_argument("into", help="…this one")
    split = command(esub, "split", options, help="make one name of an entity its own entity")
    split.add_argument("name", help="the entity")
    split.add_argument("alias", help="the name that becomes an entity of its own")

    graph = command(sub, "graph", options, help="export the memory graph")
    gsub = graph.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = command(gsub, "export", options, help="write the graph as GraphML or JSON")
    export.add_argument("file")
    export.add_argument("--format", choices=["graphml", "json"], default=None,
                        help="default: from the file's extension, else graphml")  # fmt: skip
    export.add_argument("--as-of", metavar="ISO", help="the graph as it stood then")


def _row(row: EntityRow) -> dict[str, Any]:
    return {"id": row.id, "name": row.label, "type": row.kind, "names": list(row.names),
            "memories": row.memories}  # fmt: skip


def _print(row: EntityRow) -> None:
    others = [n for n in row.names if n != row.label]
    aka = f"  (also {', '.join(others)})" if others else ""
    print(f"#{row.id:<5} {row.kind:<12} {row.label}  · {row.memories} memories{aka}")


def cmd_entities(args: argparse.Namespace, reverie: Reverie) -> int:
    store, now = reverie.store, reverie.now()
    refresh_graph(store, reverie.entities, progress=TerminalProgress())
    if args.action == "list":
        rows = [r for r in all_entities(store) if args.kind in (None, r.kind)][: args.limit]
        if args.json:
            emit_json([_row(r) for r in rows])
        else:
            for row in rows:
                _print(row)
            if not rows:
                print("No entities.")
        return 0
    if args.action == "show":
        row = entity(store, args.name)
        memories = store.get_memories(entity_memories(store, row.id), with_evidence=False)
        if args.json:
            emit_json({**_row(row), "memory_ids": sorted(memories)})
            return 0
        _print(row)
        for memory in sorted(memories.values(), key=lambda m: m.event_time or m.observed_at):
            print(f"  #{memory.id:<5} {memory.kind.value:<10} {short(memory.text, 80)}")
        return 0
    choice = {
        "rename": lambda: Choice("rename", args.name, args.new_name),
        "merge": lambda: Choice("merge", args.name, args.into),
        "split": lambda: Choice("split", args.name, args.alias),
    }[args.action]()
    row = choose(store, choice, now)
    if args.json:
        emit_json(_row(row))
    else:
        _print(row)
    return 0


def cmd_graph(args: argparse.Namespace, reverie: Reverie) -> int:
    path = Path(args.file)
    fmt = args.format or ("json" if path.suffix.lower() == ".json" else "graphml")
    as_of = _as_of(args.as_of)
    refresh_graph(reverie.store, reverie.entities, progress=TerminalProgress())
    graph = export_graph(reverie.store, path, fmt, reverie.now(), reverie.params, as_of)
    report = {"file": str(path), "format": fmt, "nodes": len(graph.nodes),
              "edges": len(graph.edges), "as_of": as_of.isoformat() if as_of else None}  # fmt: skip
    if args.json:
        emit_json(report)
    else:
        print(f"Wrote {report['nodes']} nodes and {report['edges']} edges to {path} ({fmt}).")
    return 0


def _as_of(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return as_utc(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
    except ValueError:
        raise InputError(f"--as-of {value!r} is not an ISO-8601 time (e.g. 2026-03-01)") from None
