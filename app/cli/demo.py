"""`reverie demo`: the sample chat imported into a separate demo folder, then a few recalls.

It shows what Reverie does before the desktop app exists, without touching the user's store.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

import platformdirs

from app.cli.commands import REPO_ROOT
from app.cli.output import TerminalProgress, emit_json, short, when
from app.core.errors import EnvironmentProblem
from app.importers.reading import as_utc
from app.runtime import Reverie
from app.services.ingest import ingest_file
from app.services.recall import RecallOptions, search

SAMPLE = REPO_ROOT / "resources" / "sample_chat.jsonl"
# The sample ends in May 2026; asking "as of" a fixed day keeps the demo's answers stable.
DEMO_NOW = "2026-05-20T12:00:00"
QUESTIONS = (
    "Where do I live?",
    "What is my sister's name?",
    "How do I deploy the blog?",
    "How do I take my coffee?",
    "What did I do last week?",
    "When is the dentist appointment?",
)


ASKED = "What book did Priya recommend?"


def _demo_answer(reverie: Reverie, now: datetime) -> None:
    """One answer from the local model, streamed, with its citation."""
    from app.services.answer import answer_question

    print(f"? {ASKED}  (answered by the local model, offline)\n  ", end="", flush=True)
    answer = answer_question(
        ASKED,
        store=reverie.store,
        index=reverie.index,
        model=reverie.model,
        now=now,
        params=reverie.params,
        on_token=lambda piece: print(piece, end="", flush=True),
    )
    if answer.quoted:
        print(f"\n  (not supported by the memories; quoting them instead) {answer.text}", end="")
    for citation in answer.citations:
        source = citation.hit.sources[0]
        print(
            f"\n  [{citation.number}] cites message {source.original_id} "
            f"({when(source.timestamp)})",
            end="",
        )
    print("\n")


def demo_home(home: str | None) -> str:
    return home or str(Path(platformdirs.user_data_dir("reverie")) / "demo")


def cmd_demo(args: argparse.Namespace, reverie: Reverie) -> int:
    if not SAMPLE.is_file():
        raise EnvironmentProblem(f"the sample chat is missing ({SAMPLE})")
    now = as_utc(datetime.fromisoformat(DEMO_NOW))
    report = ingest_file(
        reverie.store,
        reverie.index,
        SAMPLE,
        fmt="jsonl",
        now=now,
        params=reverie.params,
        progress=TerminalProgress(),
        entities=reverie.entities,
    )
    answers = {
        q: search(
            reverie.store,
            reverie.index,
            q,
            now=now,
            params=reverie.params,
            options=RecallOptions(k=3),
        )
        for q in QUESTIONS
    }
    if args.json:
        emit_json(
            {
                "home": str(reverie.home),
                "ingest": report.to_dict(),
                "answers": {q: [h.to_dict() for h in hits] for q, hits in answers.items()},
            }
        )
        return 0
    print(f"Reverie demo: data in {reverie.home}")
    print(
        f"Imported the sample chat: {report.added} new messages "
        f"({report.duplicates} already there), {report.seconds:.1f} s.\n"
    )
    for question, hits in answers.items():
        print(f"? {question}  (as of {DEMO_NOW[:10]})")
        for hit in hits:
            source = hit.sources[0] if hit.sources else None
            cite = f"message {source.original_id}" if source else "no source"
            print(
                f"  - {short(hit.memory.text, 88)}\n      [{when(hit.memory.event_time)}, {cite}]"
            )
        print()
    _demo_answer(reverie, now)
    print("Try it yourself:")
    print(f'  .venv/bin/reverie search "running" --home {reverie.home}')
    print(f'  .venv/bin/reverie ask "Who is Tomás?" --home {reverie.home}')
    return 0
