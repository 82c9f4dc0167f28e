"""End-to-end QA benchmark (not a test): ingest, retrieve, answer with a GGUF model, score.

    .venv/bin/python -m bench.qa --dataset scenario          # Reverie's own dev scenario
    .venv/bin/python -m bench.qa --dataset locomo --conversations conv-30
    .venv/bin/python -m bench.qa --dataset longmemeval --limit 30
    .venv/bin/python -m bench.qa ... --model /path/to/bigger-instruct.Q4_K_M.gguf

Scores are deterministic (token F1, containment; see bench/scoring.py). Retrieval recall is
measured on the same run, so a wrong answer is either a retrieval miss (the evidence was not
among the memories shown to the model) or a reading miss. Dev splits only (SPLITS.md).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from app.importers import locomo as locomo_format
from app.importers import longmemeval as lme_format
from app.importers.reading import as_utc
from app.llm.catalog import bundled_model
from app.llm.runtime import LocalModel, ModelSettings
from app.services.answer import answer_question
from bench.data import (
    LOCOMO_SPLITS,
    lme_haystack,
    load_locomo,
    load_longmemeval,
    normalise_evidence,
)
from bench.embedding_cache import CachedEmbedder
from bench.retrieval import RESULTS, _close, _fresh, _ingest, _source, percentile
from bench.scoring import contains_any, f1, score_locomo


def _record(
    rows: dict[str, list[dict[str, Any]]],
    group: str,
    answer: Any,
    scores: dict[str, float],
    seconds: float,
    retrieved: bool | None,
) -> None:
    rows[group].append(
        {
            **scores,
            "seconds": seconds,
            "retrieved": retrieved,
            "abstained": answer.abstained,
            "ttft": answer.first_token_s,
            "tps": answer.tokens_per_s,
            "context": answer.context_tokens,
            "quoted": answer.quoted,
        }
    )


def _timed_answer(
    reverie: Any, model: LocalModel, question: str, now: datetime
) -> tuple[Any, float]:
    started = time.perf_counter()
    answer = answer_question(
        question,
        store=reverie.store,
        index=reverie.index,
        model=model,
        now=now,
        params=reverie.params,
    )
    return answer, time.perf_counter() - started


def run_locomo(model: LocalModel, conversations: list[str], limit: int | None) -> dict[str, list]:
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    embedder = CachedEmbedder(RESULTS / "embeddings.sqlite3")
    for sample in load_locomo("dev"):
        if sample["sample_id"] not in conversations:
            continue
        messages = locomo_format.parse(_source(sample, "locomo.json"))
        dates = [v for k, v in sample["conversation"].items() if k.endswith("_date_time")]
        now = max(as_utc(datetime.strptime(d, "%I:%M %p on %d %B, %Y")) for d in dates)
        reverie, home = _fresh(embedder, now)
        try:
            _ingest(reverie, messages, "locomo", None, now)
            known = {m.original_id for m in messages}
            for qa in sample["qa"][:limit]:
                evidence = normalise_evidence(qa.get("evidence", []), known)
                answer, seconds = _timed_answer(reverie, model, qa["question"], now)
                shown = {s.original_id for h in answer.shown for s in h.sources}
                gold = qa.get("answer", qa.get("adversarial_answer"))
                scores = score_locomo(answer.text, gold, qa["category"], answer.abstained)
                _record(
                    rows,
                    f"cat {qa['category']}",
                    answer,
                    scores,
                    seconds,
                    bool(set(evidence) & shown) if evidence else None,
                )
                rows[f"cat {qa['category']}"][-1].update(
                    question=qa["question"], answer=answer.text, gold=str(gold)
                )
        finally:
            _close(reverie, home)
    return rows


def run_longmemeval(
    model: LocalModel, limit: int, offset: int = 0, types: list[str] | None = None
) -> dict[str, list]:
    """`limit` dev questions spread evenly over the dev split (`offset` shifts the spread to
    other questions; `types` keeps only those question types)."""
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    embedder = CachedEmbedder(RESULTS / "embeddings.sqlite3")
    instances = load_longmemeval("dev")
    if types:
        instances = [i for i in instances if i["question_type"] in types]
    step = max(1, len(instances) // limit)
    instances = instances[offset % step :: step][:limit]
    for instance in instances:
        haystack = lme_haystack(instance)
        messages = lme_format.parse(_source(haystack, "lme.json"))
        now = as_utc(datetime.strptime(instance["question_date"], "%Y/%m/%d (%a) %H:%M"))
        ids = instance["haystack_session_ids"]
        gold_sessions = {ids.index(s) for s in instance["answer_session_ids"] if s in ids}
        reverie, home = _fresh(embedder, now)
        try:
            _ingest(reverie, messages, "longmemeval", None, now)
            answer, seconds = _timed_answer(reverie, model, instance["question"], now)
        finally:
            _close(reverie, home)
        shown = {int(s.session.rsplit("/s", 1)[1]) for h in answer.shown for s in h.sources}
        if instance["question_id"].endswith("_abs"):
            ok = float(answer.abstained)
            scores = {"f1": ok, "contains": ok}
            retrieved = None
        else:
            gold = str(instance["answer"])
            scores = {
                "f1": f1(answer.text, gold),
                "contains": float(contains_any(answer.text, gold)),
            }
            retrieved = bool(gold_sessions & shown)
        group = instance["question_type"] + (
            " (abstention)" if instance["question_id"].endswith("_abs") else ""
        )
        _record(rows, group, answer, scores, seconds, retrieved)
        rows[group][-1].update(
            question=instance["question"], answer=answer.text, gold=str(instance["answer"])
        )
        print(f"{len([r for g in rows.values() for r in g])}/{len(instances)} {group}: "
              f"{scores['contains']:.0f}", file=sys.stderr, flush=True)  # fmt: skip
    return rows


SCENARIO = Path(__file__).parent / "scenarios"


def _has(text: str, group: str) -> bool:
    return any(option.lower() in text.lower() for option in group.split("|"))


def run_scenario(model: LocalModel, name: str) -> dict[str, list]:
    """Reverie's own dev scenario: answered right (every gold group in the answer, no stale
    value), cites the right message, wrong and missed abstentions, per question type."""
    from app.services.ingest import ingest_file

    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    spec = json.loads((SCENARIO / f"{name}_questions.json").read_text())
    now = datetime.fromisoformat(spec["now"].replace("Z", "+00:00"))
    embedder = CachedEmbedder(RESULTS / "embeddings.sqlite3")
    reverie, home = _fresh(embedder, now)
    try:
        ingest_file(reverie.store, reverie.index, SCENARIO / f"{name}.jsonl", fmt="auto",
                    now=now, params=reverie.params, entities=reverie.entities)  # fmt: skip
        for item in spec["questions"]:
            answer, seconds = _timed_answer(reverie, model, item["question"], now)
            cited = {e.original_id for c in answer.citations for e in c.hit.sources}
            if item["type"] == "abstention":
                right = answer.abstained
                cites = None
            else:
                right = not answer.abstained and all(_has(answer.text, g) for g in item["answer"])
                cites = bool(cited & set(item["evidence"]))
            stale = [w for w in item["stale"] if w.lower() in answer.text.lower()]
            row = {
                "f1": float(right and not stale),
                "contains": float(right and not stale),
                "seconds": seconds,
                "retrieved": cites,
                "abstained": answer.abstained,
                "ttft": answer.first_token_s,
                "tps": answer.tokens_per_s,
                "context": answer.context_tokens,
                "quoted": answer.quoted,
                "wrong_abstention": item["type"] != "abstention" and answer.abstained,
                "missed_abstention": item["type"] == "abstention" and not answer.abstained,
                "stale": bool(stale),
                "question": item["question"],
                "answer": answer.text,
            }
            rows[item["type"]].append(row)
    finally:
        _close(reverie, home)
    return rows


def summarise_scenario(rows: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    def block(items: list[dict[str, Any]]) -> dict[str, Any]:
        cited = [r["retrieved"] for r in items if r["retrieved"] is not None]
        return {
            "n": len(items),
            "answered_right": round(statistics.mean(r["contains"] for r in items), 3),
            "cites_right_message": round(statistics.mean(cited), 3) if cited else None,
            "wrong_abstentions": sum(r["wrong_abstention"] for r in items),
            "missed_abstentions": sum(r["missed_abstention"] for r in items),
            "stale_stated_as_current": sum(r["stale"] for r in items),
        }

    everything = [r for items in rows.values() for r in items]
    return {
        "overall": block(everything),
        "by_type": {t: block(items) for t, items in sorted(rows.items())},
        "latency_s": {
            "p50": round(percentile([r["seconds"] for r in everything], 0.5), 3),
            "p95": round(percentile([r["seconds"] for r in everything], 0.95), 3),
        },
        "wrong": [
            {"question": r["question"], "answer": r["answer"]}
            for r in everything
            if r["contains"] < 1
        ],
    }


def summarise(rows: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    def block(items: list[dict[str, Any]]) -> dict[str, Any]:
        scored = [r for r in items if r["retrieved"] is not None]
        wrong = [r for r in scored if r["contains"] < 1]
        return {
            "n": len(items),
            "f1": round(statistics.mean(r["f1"] for r in items), 3),
            "contains": round(statistics.mean(r["contains"] for r in items), 3),
            "abstained": round(statistics.mean(r["abstained"] for r in items), 3),
            "evidence_shown": round(statistics.mean(r["retrieved"] for r in scored), 3)
            if scored
            else None,
            "wrong_with_evidence_shown": sum(1 for r in wrong if r["retrieved"]),
            "wrong_without_evidence": sum(1 for r in wrong if not r["retrieved"]),
            "answer_quoted_from_memory": round(statistics.mean(r["quoted"] for r in items), 3),
        }

    everything = [r for items in rows.values() for r in items]
    timed = [r for r in everything if r["ttft"] is not None]
    return {
        "overall": block(everything),
        "by_group": {g: block(items) for g, items in sorted(rows.items())},
        "latency_s": {
            "p50": round(percentile([r["seconds"] for r in everything], 0.5), 2),
            "p95": round(percentile([r["seconds"] for r in everything], 0.95), 2),
        },
        "first_token_s_p50": round(percentile([r["ttft"] for r in timed], 0.5), 2)
        if timed
        else None,
        "tokens_per_s_p50": round(percentile([r["tps"] for r in timed if r["tps"]], 0.5), 1)
        if timed
        else None,
        "context_tokens_mean": round(statistics.mean(r["context"] for r in timed)) if timed else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=["scenario", "locomo", "longmemeval"], required=True)
    parser.add_argument("--scenario", default="maya", help="a bench/scenarios/NAME.jsonl")
    parser.add_argument(
        "--conversations", nargs="+", default=["conv-30"], choices=LOCOMO_SPLITS["dev"]
    )
    parser.add_argument(
        "--limit", type=int, default=30, help="questions (LongMemEval) or per conversation (LoCoMo)"
    )
    parser.add_argument("--offset", type=int, default=0, help="LongMemEval: other questions")
    parser.add_argument("--types", nargs="+", help="LongMemEval: only these question types")
    parser.add_argument("--tag", help="added to the result files' names")
    parser.add_argument("--model", type=Path, help="a GGUF file (default: the bundled model)")
    args = parser.parse_args()
    path = args.model or bundled_model().path  # type: ignore[union-attr]
    model = LocalModel(path, ModelSettings(context_tokens=4096 if args.model else 2048))
    if args.dataset == "scenario":
        rows = run_scenario(model, args.scenario)
        summary = summarise_scenario(rows)
    else:
        rows = (
            run_locomo(model, args.conversations, args.limit)
            if args.dataset == "locomo"
            else run_longmemeval(model, args.limit, args.offset, args.types)
        )
        summary = summarise(rows)
    report = {"dataset": args.dataset, "model": path.name, **summary}
    print(json.dumps(report, indent=2))
    RESULTS.mkdir(exist_ok=True)
    # A run over other questions than the reported ones is kept apart from them.
    name = f"qa-{args.dataset}-{path.stem}" + (f"-{args.tag}" if args.tag else "")
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2))
    # Every question with its answer, to read the misses (dev splits only).
    details = [{"group": g, **r} for g, items in rows.items() for r in items]
    (RESULTS / f"{name}-rows.json").write_text(json.dumps(details, indent=1, default=str))
    model.close()


if __name__ == "__main__":
    main()
