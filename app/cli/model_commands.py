"""`reverie ask | extract | models | chat`: the commands that use the local language model."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from app.cli.commands import parse_now
from app.cli.output import TerminalProgress, emit_json, short
from app.llm.catalog import discover_models
from app.runtime import Reverie
from app.services.answer import Answer, answer_question, opening
from app.services.chat import ChatSession
from app.services.extract import Extractor


def _print_answer(answer: Answer, streamed: bool = True) -> None:
    if answer.quoted:
        print("\n(The model's words are not in your memories; what they say:)")
        print(answer.text)
    elif not streamed:
        print(answer.text)
    print()
    for citation in answer.citations:
        source = citation.hit.sources[0] if citation.hit.sources else None
        where = f"{source.session} / {source.original_id}" if source else "no source"
        print(
            f"  [{citation.number}] #{citation.hit.memory.id} {short(citation.hit.memory.text, 70)}"
            f"\n       from {where}"
        )


def cmd_ask(args: argparse.Namespace, reverie: Reverie) -> int:
    now = parse_now(args.now, reverie)
    reverie.model.preload()  # loads on its own thread while Chroma opens and the search runs
    reverie.model.prime(opening(now))  # the prompt's fixed part, evaluated meanwhile
    threading.Thread(target=reverie.embedder.embed, args=(["warm-up"],), daemon=True).start()
    reverie.heal(TerminalProgress())
    stream = None if args.json else (lambda piece: print(piece, end="", flush=True))
    answer = answer_question(
        args.question,
        store=reverie.store,
        index=reverie.index,
        model=reverie.model,
        now=now,
        params=reverie.params,
        k=args.k,
        on_token=stream,
    )
    if args.json:
        emit_json(answer.to_dict())
    else:
        _print_answer(answer)
    return 0


def cmd_extract(args: argparse.Namespace, reverie: Reverie) -> int:
    reverie.heal(TerminalProgress())
    extractor = Extractor(reverie.store, reverie.index, reverie.model, reverie.params)
    report = extractor.run(
        reverie.now(),
        max_batches=None if args.wait else args.batches,
        progress=TerminalProgress(),
    )
    if args.json:
        emit_json(report.to_dict())
        return 0
    print(
        f"Read {report.messages} messages in {report.batches} batches: {report.added} new "
        f"memories, {report.updated} updates, {report.duplicates} confirmed, "
        f"{len(report.rejected)} candidates rejected as unsupported by their source."
    )
    for failure in report.failed_batches:
        print(f"  model output unusable for {failure}")
    left = extractor.queue.pending_count()
    if left:
        print(f"{left} messages still queued; run `reverie extract --wait` to finish.")
    return 0


def cmd_models(args: argparse.Namespace, reverie: Reverie) -> int:
    if args.use:
        from app.llm.runtime import check_model_file

        path = Path(args.use).expanduser().resolve()
        check_model_file(path)
        reverie.settings.model = str(path)
        reverie.settings.save(reverie.home)
    found = discover_models(reverie.model_folders())
    chosen = reverie.chosen_model_path() if found or reverie.settings.model else None
    rows = []
    for model in found:
        template = None
        if args.templates and model.valid:
            from app.llm.runtime import chat_template

            template = chat_template(model.path)
        rows.append(
            {
                "path": str(model.path),
                "size_bytes": model.size_bytes,
                "origin": model.origin,
                "valid_gguf": model.valid,
                "chosen": chosen is not None and model.path == chosen,
                "chat_template": template,
            }
        )
    if args.json:
        emit_json(rows)
        return 0
    for row in rows:
        mark = "*" if row["chosen"] else " "
        size = int(row["size_bytes"]) / 1e6  # type: ignore[call-overload]
        note = "" if row["valid_gguf"] else "  (not a GGUF file)"
        print(f"{mark} {row['path']}  {size:.0f} MB  [{row['origin']}]{note}")
        if row["chat_template"]:
            print(f"    template: {short(str(row['chat_template']), 80)}")
    if not rows:
        print("No GGUF models found. Put one in models/ or pass --use FILE.gguf.")
    return 0


def cmd_chat(args: argparse.Namespace, reverie: Reverie) -> int:
    """A terminal chat: what you say is remembered (and extracted); questions are answered."""
    session = ChatSession(reverie.store, reverie.index, reverie.model, reverie.params)
    lines = [args.message] if args.message else None
    print(
        "Reverie chat. Say things to remember them, ask questions; Ctrl-D to quit.", file=sys.stderr
    )
    while True:
        if lines is not None:
            if not lines:
                break
            text = lines.pop()
        else:
            try:
                text = input("you> ")
            except EOFError:
                break
        if not text.strip():
            continue
        print("reverie> ", end="", flush=True)
        answer = session.say(text, reverie.now(), on_token=lambda p: print(p, end="", flush=True))
        _print_answer(answer)
    report = session.reflect(reverie.now())
    if report.added or report.updated:
        print(f"Remembered {report.added} new things, updated {report.updated}.", file=sys.stderr)
    return 0
