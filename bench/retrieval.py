"""Retrieval benchmark (not a test): LoCoMo turn-level evidence recall and LongMemEval_S
session-level recall, through Reverie's own ingest and batch search.

    .venv/bin/python -m bench.retrieval --dataset locomo --split dev
    .venv/bin/python -m bench.retrieval --dataset longmemeval --split dev

Tune only on --split dev (SPLITS.md). Results go to bench/results/ as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from app.importers import locomo as locomo_format
from app.importers import longmemeval as lme_format
from app.importers.reading import SourceText, as_utc
from app.runtime import Reverie
from app.services.facts import learn_facts
from app.services.graph import refresh_graph
from app.services.index_sync import sync_index
from app.services.recall import RecallOptions, search
from app.storage.sqlite_store import ImportRequest
from bench.data import lme_haystack, load_locomo, load_longmemeval, normalise_evidence
from bench.embedding_cache import CachedEmbedder

# A new store is encrypted; without an OS keyring its key comes from a passphrase.
os.environ.setdefault("REVERIE_PASSPHRASE", "benchmark only")
RESULTS = Path(__file__).parent / "results"
CATEGORY = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop", 5: "adversarial"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _source(payload: Any, name: str) -> SourceText:
    return SourceText(Path(name), json.dumps(payload), "bench")


def _ingest(
    reverie: Reverie, messages: list[Any], fmt: str, roles: frozenset[str] | None, now: datetime,
    entities: bool = False,
) -> float:  # fmt: skip
    started = time.perf_counter()
    request = ImportRequest(messages, "import", None, fmt, "bench", roles)
    outcome = reverie.store.add_messages(request, now, reverie.params)
    # As a real import does: the fact layer reads the new messages before indexing (with the
    # entity recogniser when the graph is measured, as the app's imports run it).
    finder = reverie.entities if entities else None
    learn_facts(reverie.store, now, reverie.params, outcome.evidence_ids, entities=finder)
    sync_index(reverie.store, reverie.index)
    if entities:
        refresh_graph(reverie.store)  # relations and entity groups, from what was linked
    return time.perf_counter() - started


def _fresh(embedder: CachedEmbedder | None, now: datetime) -> tuple[Reverie, Path]:
    home = Path(tempfile.mkdtemp(prefix="reverie-bench-"))
    return Reverie(home, clock=lambda: now, embedder=embedder), home


def _opened(embedder: CachedEmbedder | None, now: datetime, home: Path) -> Reverie:
    return Reverie(home, clock=lambda: now, embedder=embedder)


def _close(reverie: Reverie, home: Path, keep: bool = False) -> None:
    from chromadb.api.client import SharedSystemClient

    reverie.close()
    SharedSystemClient.clear_system_cache()
    if not keep:
        shutil.rmtree(home, ignore_errors=True)


def _token_store_size(reverie: Reverie) -> dict[str, float]:
    """Bytes the late-interaction token vectors take per memory: the vectors alone, and the
    whole token file (SQLite pages and row overhead included)."""
    tokens = reverie.index.tokens
    if tokens is None:
        return {}
    stats = tokens.stats()
    files = [tokens.path, tokens.path.with_name(tokens.path.name + "-wal")]
    size = sum(f.stat().st_size for f in files if f.exists())
    memories = max(1, stats["memories"])
    return {
        "memories": stats["memories"],
        "tokens_per_memory": round(stats["tokens"] / memories, 1),
        "vector_bytes_per_memory": round(stats["bytes"] / memories),
        "file_bytes_per_memory": round(size / memories),
    }


def _latency(latencies: list[float]) -> dict[str, float]:
    return {
        "p50": round(1000 * percentile(latencies, 0.5), 1),
        "p95": round(1000 * percentile(latencies, 0.95), 1),
    }


def run_locomo(
    split: str, ks: list[int], cached: bool, depths: list[int], graphs: list[bool] | None = None
) -> list[dict[str, Any]]:
    """One report per rerank depth (and with/without the graph), all searched on the same
    ingest."""
    graphs = graphs or [RecallOptions().graph]
    embedder = CachedEmbedder(RESULTS / "embeddings.sqlite3") if cached else None
    variants = [(d, g) for d in depths for g in graphs]
    per_cat: dict[tuple[int, bool], dict[int, dict[int, list[float]]]] = {
        v: defaultdict(lambda: defaultdict(list)) for v in variants
    }
    latencies: dict[tuple[int, bool], list[float]] = {v: [] for v in variants}
    ingests: list[dict[str, Any]] = []
    for sample in load_locomo(split):
        messages = locomo_format.parse(_source(sample, "locomo.json"))
        conv = sample["conversation"]
        dates = [v for k, v in conv.items() if k.endswith("_date_time")]
        now = max(as_utc(datetime.strptime(d, "%I:%M %p on %d %B, %Y")) for d in dates)
        reverie, home = _fresh(embedder, now)
        try:
            seconds = _ingest(reverie, messages, "locomo", None, now, entities=any(graphs))
            ingests.append(
                {
                    "conversation": sample["sample_id"],
                    "turns": len(messages),
                    "seconds": round(seconds, 2),
                    "token_store": _token_store_size(reverie),
                }
            )
            known = {m.original_id for m in messages}
            for qa in sample["qa"]:
                evidence = normalise_evidence(qa.get("evidence", []), known)
                if not evidence:
                    continue
                for depth, graph in variants:
                    started = time.perf_counter()
                    hits = search(
                        reverie.store,
                        reverie.index,
                        qa["question"],
                        now=now,
                        params=reverie.params,
                        options=RecallOptions(k=max(ks), rerank_depth=depth, graph=graph),
                    )
                    latencies[depth, graph].append(time.perf_counter() - started)
                    ranked = [s.original_id for h in hits for s in h.sources]
                    for k in ks:
                        top = set(ranked[:k])
                        per_cat[depth, graph][qa["category"]][k].append(
                            sum(e in top for e in evidence) / len(evidence)
                        )
        finally:
            _close(reverie, home)
        print(
            f"  {sample['sample_id']}: {len(messages)} turns ingested in {seconds:.1f} s",
            flush=True,
        )
    reports = []
    for depth, graph in variants:
        cats = per_cat[depth, graph]
        scored = [c for c in cats if c != 5]
        overall = {k: statistics.mean([v for c in scored for v in cats[c][k]]) for k in ks}
        reports.append(
            {
                "dataset": "locomo",
                "split": split,
                "rerank_depth": depth,
                "graph": graph,
                "questions": sum(len(cats[c][ks[0]]) for c in scored),
                "frac_recall": {f"@{k}": round(overall[k], 4) for k in ks},
                "by_category": {
                    f"{c} {CATEGORY[c]}": {
                        "n": len(cats[c][ks[0]]),
                        **{f"@{k}": round(statistics.mean(cats[c][k]), 4) for k in ks},
                    }
                    for c in sorted(cats)
                },
                "ingest": ingests,
                "search_ms": _latency(latencies[depth, graph]),
            }
        )
    return reports


def run_longmemeval(
    split: str,
    ks: list[int],
    cached: bool,
    limit: int | None,
    depths: list[int],
    types: list[str] | None = None,
    stores: Path | None = None,
) -> list[dict[str, Any]]:
    """One report per rerank depth, all searched on the same ingest. `types` keeps only those
    question types (e.g. multi-session), to iterate on one kind of question. With `stores`,
    each question's ingested store is kept there and reused by later runs, which then only
    search (minutes instead of an hour; the ingest figures are the first run's)."""
    embedder = CachedEmbedder(RESULTS / "embeddings.sqlite3") if cached else None
    instances = [i for i in load_longmemeval(split) if not i["question_id"].endswith("_abs")]
    if types:
        instances = [i for i in instances if i["question_type"] in types]
    if limit:
        instances = instances[:: max(1, len(instances) // limit)][:limit]
    by_type: dict[int, dict[str, dict[str, list[float]]]] = {
        d: defaultdict(lambda: defaultdict(list)) for d in depths
    }
    latencies: dict[int, list[float]] = {d: [] for d in depths}
    rows: dict[int, list[dict[str, Any]]] = {d: [] for d in depths}
    ingest_seconds: list[float] = []
    reused_stores = 0
    started_all = time.perf_counter()
    for n, instance in enumerate(instances, start=1):
        haystack = lme_haystack(instance)
        messages = lme_format.parse(_source(haystack, "lme.json"))
        now = as_utc(datetime.strptime(instance["question_date"], "%Y/%m/%d (%a) %H:%M"))
        ids = instance["haystack_session_ids"]
        gold = {
            ids.index(sid)
            for sid in instance["answer_session_ids"]
            if any(
                t["role"] == "user" and t.get("has_answer")
                for t in instance["haystack_sessions"][ids.index(sid)]
            )
        }
        kept = stores / instance["question_id"] if stores else None
        marker = kept / "bench-ingest.json" if kept else None
        reused = marker is not None and marker.exists()
        if kept is None:
            reverie, home = _fresh(embedder, now)
        else:
            if not reused:
                shutil.rmtree(kept, ignore_errors=True)
                kept.mkdir(parents=True)
            reverie, home = _opened(embedder, now, kept), kept
        results: dict[int, list[Any]] = {}
        try:
            if marker and reused:
                # Ingested by an earlier run (same ingest code assumed): only search again.
                ingest_seconds.append(json.loads(marker.read_text())["seconds"])
                reused_stores += 1
            else:
                seconds = _ingest(reverie, messages, "longmemeval", frozenset({"user"}), now)
                ingest_seconds.append(seconds)
                if marker:
                    marker.write_text(json.dumps({"seconds": seconds}))
            for depth in depths:
                started = time.perf_counter()
                results[depth] = search(
                    reverie.store,
                    reverie.index,
                    instance["question"],
                    now=now,
                    params=reverie.params,
                    options=RecallOptions(k=60, rerank_depth=depth),
                )
                latencies[depth].append(time.perf_counter() - started)
        finally:
            _close(reverie, home, keep=kept is not None)
        for depth, hits in results.items():
            sessions: list[int] = []
            for hit in hits:
                for source in hit.sources:
                    index = int(source.session.rsplit("/s", 1)[1])
                    if index not in sessions:
                        sessions.append(index)
            for k in ks:
                top = set(sessions[:k])
                scores = by_type[depth][instance["question_type"]]
                scores[f"all@{k}"].append(float(gold <= top))
                scores[f"any@{k}"].append(float(bool(gold & top)))
            # Per question, where each gold session ranked (None: not in the results), so
            # misses can be studied without a rerun.
            rows[depth].append(
                {
                    "question_id": instance["question_id"],
                    "type": instance["question_type"],
                    "gold_ranks": {
                        str(g): sessions.index(g) + 1 if g in sessions else None
                        for g in sorted(gold)
                    },
                    "top": sessions[: max(ks)],
                }
            )
        if n % 25 == 0:
            print(
                f"  {n}/{len(instances)} questions, {time.perf_counter() - started_all:.0f} s",
                flush=True,
            )
    keys = [f"{m}@{k}" for k in ks for m in ("any", "all")]
    reports = []
    for depth in depths:
        types = by_type[depth]
        flat = {key: [v for t in types.values() for v in t[key]] for key in keys}
        reports.append(
            {
                "dataset": "longmemeval_s",
                "split": split,
                "rerank_depth": depth,
                "questions": len(instances),
                "recall": {key: round(statistics.mean(flat[key]), 4) for key in keys},
                "by_type": {
                    t: {
                        "n": len(v[keys[0]]),
                        **{key: round(statistics.mean(v[key]), 4) for key in keys},
                    }
                    for t, v in sorted(types.items())
                },
                "ingest_s": {
                    "p50": round(percentile(ingest_seconds, 0.5), 2),
                    "p95": round(percentile(ingest_seconds, 0.95), 2),
                },
                # A reused store is searched just after opening it, so cold: slower than the
                # search right after an ingest that the other questions measure.
                "search_ms": _latency(latencies[depth]),
                "stores_reused": reused_stores,
                "rows": rows[depth],
            }
        )
    return reports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=["locomo", "longmemeval", "both"], default="both")
    parser.add_argument("--split", choices=["dev", "heldout"], default="dev")
    parser.add_argument("--limit", type=int, help="LongMemEval: evenly spaced subset")
    parser.add_argument("--types", nargs="+", help="LongMemEval: only these question types")
    parser.add_argument(
        "--stores",
        type=Path,
        help="LongMemEval: keep each question's ingested store in this folder and reuse it "
        "on later runs (delete the folder after changing ingest)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="embed everything afresh (for honest ingest timings)",
    )
    parser.add_argument(
        "--rerank-depth",
        type=int,
        nargs="+",
        default=[RecallOptions().rerank_depth],
        help="how many results the token-level rerank reorders; several (e.g. 50 0) are "
        "searched on the same ingest, 0 is the ranking without it",
    )
    parser.add_argument(
        "--graph",
        choices=["on", "off", "both"],
        default="on" if RecallOptions().graph else "off",
        help="LoCoMo: recall through the memory graph (entities recognised at ingest); both "
        "searches the same ingest with and without it",
    )
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    reports = []
    if args.dataset in ("locomo", "both"):
        graphs = {"on": [True], "off": [False], "both": [False, True]}[args.graph]
        reports += run_locomo(args.split, [5, 10, 25], not args.no_cache, args.rerank_depth,
                              graphs)  # fmt: skip
    if args.dataset in ("longmemeval", "both"):
        reports += run_longmemeval(
            args.split,
            [5, 10],
            not args.no_cache,
            args.limit,
            args.rerank_depth,
            args.types,
            args.stores,
        )
    for report in reports:
        print(json.dumps({k: v for k, v in report.items() if k != "rows"}, indent=2))
        default = report["rerank_depth"] == RecallOptions().rerank_depth
        suffix = "" if default else f"-rerank{report['rerank_depth']}"
        if report.get("graph", RecallOptions().graph) != RecallOptions().graph:
            suffix += "-graph" if report["graph"] else "-nograph"
        if report["dataset"] == "longmemeval_s" and (args.types or args.limit):
            suffix += "-subset"  # never overwrites the full run's figures
        name = f"{report['dataset']}-{report['split']}{suffix}.json"
        (RESULTS / name).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
