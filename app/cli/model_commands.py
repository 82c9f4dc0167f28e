"""`reverie ask | extract | models | chat`: the commands that use the local language model."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from app.cli.commands import parse_now
from app.cli.output import TerminalProgress, emit_json, short
from app.llm.catalog import ModelCatalog, find_models
from app.runtime import Reverie
from app.services.answer import Answer, answer_question, opening
from app.services.capability import writes_well
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
        if citation.excerpt and source is not None:
            # The answer is a date, a name or a place: show the words it was taken from.
            said = (
                f"{source.speaker or source.role}, {source.timestamp:%-d %B %Y}"
                if (source.timestamp)
                else (source.speaker or source.role)
            )
            print(f"  [{citation.number}] #{citation.hit.memory.id} {said}: “{citation.excerpt}”")
        else:
            print(
                f"  [{citation.number}] #{citation.hit.memory.id}"
                f" {short(citation.hit.memory.text, 70)}"
            )
        print(f"       from {where}")


def cmd_ask(args: argparse.Namespace, reverie: Reverie) -> int:
    now = parse_now(args.now, reverie)
    if writes_well(reverie.model):
        # Loads on its own thread while Chroma opens and the search runs; the prompt's fixed
        # part is evaluated meanwhile. The bundled model only selects, and is not loaded.
        reverie.model.preload()
        reverie.model.prime(opening(now))
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


def _resolve_model(name: str, catalog: ModelCatalog) -> Path:
    """A file path, or the name of a listed model ("llama3.2:3b", a file name)."""
    path = Path(name).expanduser()
    if not path.exists():
        listed = catalog.find(name)
        if listed is not None:
            return listed.path
    return path.resolve()


def cmd_models(args: argparse.Namespace, reverie: Reverie) -> int:
    catalog = find_models(reverie.model_folders())
    if args.use:
        from app.llm.runtime import check_model_file

        path = _resolve_model(args.use, catalog)
        check_model_file(path)
        reverie.settings.model = str(path)
        reverie.settings.save(reverie.home)
    chosen = reverie.chosen_model_path() if catalog.models or reverie.settings.model else None
    chosen = chosen.resolve() if chosen is not None else None  # --use stores resolved paths
    rows = []
    for model in catalog.models:
        template = None
        if args.templates and model.valid:
            from app.llm.runtime import chat_template

            template = chat_template(model.path)
        rows.append(
            {
                **model.to_dict(),
                "chosen": model.path.resolve() == chosen,
                "best_fit": model == catalog.best_fit,
                "chat_template": template,
            }
        )
    if args.json:
        emit_json({"recommended": catalog.advice.to_dict(), "models": rows})
        return 0
    print(catalog.advice.describe())
    for model, row in zip(catalog.models, rows, strict=True):
        mark = "*" if row["chosen"] else " "
        size = model.size_bytes
        facts = [f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"]
        facts += [fact for fact in (model.parameters, model.quantization) if fact]
        also = f" (also {', '.join(model.aliases)})" if model.aliases else ""
        note = "" if model.valid else "  (not a GGUF file)"
        best = "  <- best fit for this computer" if row["best_fit"] else ""
        print(f"{mark} {model.name}{also}  {', '.join(facts)}  [{model.source}]{note}{best}")
        if model.name != model.path.name or model.source != "bundled":
            print(f"      {model.path}")
        if row["chat_template"]:
            print(f"    template: {short(str(row['chat_template']), 80)}")
    if not catalog.models:
        print("No GGUF models found. Put one in models/ or pass --use FILE.gguf.")
    elif catalog.best_fit is None:
        print(f"None of these suits this computer better than the default; a {catalog.advice.label}"
              " instruct model (Q4_K_M) in models/ would answer far better.")  # fmt: skip
    print("* in use. Choose one with `reverie models --use NAME` (a name above or a file).")
    return 0


def cmd_chat(args: argparse.Namespace, reverie: Reverie) -> int:
    """A terminal chat: what you say is remembered (and extracted); questions are answered."""
    session = ChatSession(
        reverie.store, reverie.index, reverie.model, reverie.params, entities=reverie.entities
    )
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
