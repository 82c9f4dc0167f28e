"""Handlers for `reverie` subcommands. Each returns an exit status."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from app.cli.output import (
    TerminalProgress,
    emit_fields,
    emit_json,
    memory_dict,
    memory_line,
    short,
    when,
)
from app.core.errors import InputError
from app.core.records import MemoryKind
from app.importers.reading import as_utc, read_source
from app.runtime import Reverie
from app.services.decay import apply_decay
from app.services.doctor import FAIL, run_checks
from app.services.graph import rebuild_graph
from app.services.index_sync import rebuild_index
from app.services.ingest import ingest_file
from app.services.recall import RecallOptions, search, search_batch

REPO_ROOT = Path(__file__).resolve().parents[2]
ROLE_CHOICES = {"all": frozenset({"user", "assistant", "other"}), "user": frozenset({"user"})}


def parse_now(value: str | None, reverie: Reverie) -> datetime:
    if not value:
        return reverie.now()
    try:
        return as_utc(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
    except ValueError:
        raise InputError(
            f"--now {value!r} is not an ISO-8601 time (e.g. 2024-03-21T14:00)"
        ) from None


def cmd_ingest(args: argparse.Namespace, reverie: Reverie) -> int:
    reverie.heal(TerminalProgress())
    roles = ROLE_CHOICES.get(args.roles)  # None: the format's default
    report = ingest_file(
        reverie.store,
        reverie.index,
        Path(args.path),
        fmt=args.format,
        now=reverie.now(),
        params=reverie.params,
        roles=roles,
        progress=TerminalProgress(),
        entities=reverie.entities,
    )
    if args.json:
        emit_json(report.to_dict())
    else:
        print(
            f"Imported {report.path} ({report.format}): {report.messages} messages, "
            f"{report.added} new, {report.duplicates} already known; "
            f"{report.memories} memories added in {report.seconds:.1f} s."
        )
        if report.facts:
            replaced = f", {report.superseded} replacing older ones" if report.superseded else ""
            print(f"Learned {report.facts} facts and how-tos from your messages{replaced}.")
    return 0


def _read_queries(path: Path, reverie: Reverie) -> list[tuple[str, datetime]]:
    source = read_source(path)
    queries = []
    for number, line in enumerate(source.text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(
                f"invalid JSON ({error.msg})", source=path.name, position=f"line {number}"
            ) from None
        if not isinstance(item, dict) or not isinstance(item.get("query"), str):
            raise InputError(
                'each line needs a "query" string', source=path.name, position=f"line {number}"
            )
        queries.append((item["query"], parse_now(item.get("now"), reverie)))
    return queries


def cmd_search(args: argparse.Namespace, reverie: Reverie) -> int:
    if (args.query is None) == (args.queries is None):
        raise InputError("give either a QUERY or --queries FILE")
    options = RecallOptions(k=args.k, kind=MemoryKind(args.kind) if args.kind else None)
    if args.queries:
        queries = _read_queries(Path(args.queries), reverie)
        reverie.heal(TerminalProgress())
        results = search_batch(
            reverie.store, reverie.index, queries, params=reverie.params, options=options
        )
        for (query, now), hits in zip(queries, results, strict=True):
            line = {"query": query, "now": now.isoformat(), "results": [h.to_dict() for h in hits]}
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        return 0
    now = parse_now(args.now, reverie)
    reverie.heal(TerminalProgress())
    hits = search(
        reverie.store, reverie.index, args.query, now=now, params=reverie.params, options=options
    )
    if args.json:
        emit_json([h.to_dict() for h in hits])
        return 0
    if not hits:
        print("No memories match.")
    for rank, hit in enumerate(hits, start=1):
        source = hit.sources[0] if hit.sources else None
        origin = f"{source.session} / {source.original_id}" if source else "no source"
        print(
            f"{rank:>2}. #{hit.memory.id} [{hit.memory.kind.value}, "
            f"{when(hit.memory.event_time)}, R={hit.retention:.2f}] "
            f"{short(hit.memory.text)}\n      from {origin}"
        )
    return 0


def cmd_decay(args: argparse.Namespace, reverie: Reverie) -> int:
    report = apply_decay(
        reverie.store, parse_now(args.now, reverie), reverie.params, dry_run=args.dry_run
    )
    if args.json:
        emit_json(report.to_dict())
        return 0
    verb = "Would archive" if report.dry_run else "Archived"
    print(f"Checked {report.checked} memories. {verb} {len(report.archived)}.")
    for faded in report.archived:
        print(f"  #{faded.memory_id} R={faded.retention:.3f} {short(faded.text, 70)}")
    return 0


def cmd_memories(args: argparse.Namespace, reverie: Reverie) -> int:
    store, now, params = reverie.store, parse_now(args.now, reverie), reverie.params
    if args.action == "list":
        archived = True if args.archived else (None if args.all else False)
        found = store.list_memories(
            kind=MemoryKind(args.kind) if args.kind else None,
            pinned=True if args.pinned else None,
            archived=archived,
            limit=args.limit,
            offset=args.offset,
        )
        if args.json:
            emit_json([memory_dict(m, now, params) for m in found])
        else:
            for memory in found:
                print(memory_line(memory, now, params))
            if not found:
                print("No memories.")
        return 0
    if args.action == "history":
        entries = store.history(args.id)
        if args.json:
            emit_json(
                [
                    {
                        "at": e.at.isoformat(),
                        "action": e.action.value,
                        "reason": e.reason,
                        "before": e.before,
                        "after": e.after,
                    }
                    for e in entries
                ]
            )
        else:
            for entry in entries:
                print(f"{when(entry.at)}  {entry.action.value:<9} {entry.reason}")
        return 0
    if args.action == "show":
        memory = store.get_memory(args.id)
        evidence = store.evidence_for([memory.id]).get(memory.id, [])
        if args.json:
            emit_json(
                {
                    **memory_dict(memory, now, params),
                    "evidence": [{**e.to_dict(), "content": e.content} for e in evidence],
                    "history": len(store.history(memory.id)),
                }
            )
            return 0
        print(memory_line(memory, now, params))
        print(f"  {memory.text}")
        for e in evidence:
            print(
                f"  evidence: {e.session} / {e.original_id} ({when(e.timestamp)}, "
                f"{e.speaker or e.role}): {short(e.content, 70)}"
            )
        return 0
    changes: dict[str, Any] = {
        "pin": lambda: store.set_pinned(args.id, True, now),
        "unpin": lambda: store.set_pinned(args.id, False, now),
        "forget": lambda: store.archive(args.id, now, "forgotten by the user"),
        "restore": lambda: store.restore(args.id, now),
    }
    memory = changes[args.action]()
    if args.json:
        emit_json(memory_dict(memory, now, params))
    else:
        print(memory_line(memory, now, params))
    return 0


def cmd_stats(args: argparse.Namespace, reverie: Reverie) -> int:
    emit_fields({"home": str(reverie.home), **reverie.store.counts()}, args.json, 16)
    return 0


def cmd_doctor(args: argparse.Namespace, reverie: Reverie) -> int:
    healed = reverie.heal(TerminalProgress())
    checks = run_checks(
        reverie.home,
        reverie.store,
        reverie.index,
        reverie.embedder,
        [REPO_ROOT / "models", reverie.home / "models"],
    )
    healthy = all(c.status != FAIL for c in checks)
    if args.json:
        emit_json(
            {
                "healthy": healthy,
                "healed_index_updates": healed,
                "checks": [c.to_dict() for c in checks],
            }
        )
    else:
        if healed:
            print(f"Finished {healed} index updates left over from an interrupted run.")
        for check in checks:
            print(f"[{check.status:^4}] {check.name}: {check.detail}")
    return 0 if healthy else 1


def cmd_reindex(args: argparse.Namespace, reverie: Reverie) -> int:
    count = rebuild_index(reverie.store, reverie.index, reverie.now(), TerminalProgress())
    graph = rebuild_graph(reverie.store, reverie.entities, reverie.index, TerminalProgress())
    if args.json:
        emit_json({"reindexed": count, "graph": graph.to_dict()})
    else:
        print(f"Rebuilt the vector index from {count} memories.")
        print(f"Rebuilt the memory graph: {graph.entities} entities, {graph.mention_links} "
              f"mentions, {graph.memory_links} links between memories, {graph.relations} "
              "relations.")  # fmt: skip
    return 0
