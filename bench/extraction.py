"""Extraction benchmark (not a test): what the fact layer and `reverie extract` make of a
chat, by kind, with failed batches and throughput.

    .venv/bin/python -m bench.extraction                     # the dev scenarios and LoCoMo conv-26
    .venv/bin/python -m bench.extraction --model FILE.gguf   # a capable model extracts too

Dev data only (SPLITS.md).
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from app.importers import locomo as locomo_format
from app.importers.reading import as_utc
from app.llm.catalog import bundled_model
from app.llm.runtime import LocalModel, ModelSettings
from app.services.extract import Extractor
from app.services.facts import learn_facts
from app.services.index_sync import sync_index
from app.storage.sqlite_store import ImportRequest
from bench.data import load_locomo
from bench.embedding_cache import CachedEmbedder
from bench.qa import SCENARIO
from bench.retrieval import RESULTS, _close, _fresh, _source


def _kinds(reverie: Any) -> dict[str, int]:
    rows = reverie.store.conn.execute(
        "SELECT kind, origin, count(*) FROM memories WHERE archived_at IS NULL"
        " GROUP BY kind, origin"
    )
    return {f"{r[0]} ({r[1]})": r[2] for r in rows}


def run(messages: list[Any], fmt: str, now: datetime, model: LocalModel) -> dict[str, Any]:
    reverie, home = _fresh(CachedEmbedder(RESULTS / "embeddings.sqlite3"), now)
    try:
        request = ImportRequest(messages, "import", None, fmt, "bench", None)
        outcome = reverie.store.add_messages(request, now, reverie.params)
        started = time.perf_counter()
        learned = learn_facts(reverie.store, now, reverie.params, outcome.evidence_ids,
                              entities=reverie.entities)  # fmt: skip
        rules_s = time.perf_counter() - started
        sync_index(reverie.store, reverie.index)
        started = time.perf_counter()
        report = Extractor(reverie.store, reverie.index, model, reverie.params).run(now)
        extract_s = time.perf_counter() - started
        entities = reverie.store.conn.execute(
            "SELECT kind, count(*) FROM entities GROUP BY kind"
        ).fetchall()
        return {
            "messages": len(messages),
            "facts_learned": learned.added,
            "facts_superseded": learned.superseded,
            "procedures": learned.procedures,
            "rules_and_entities_messages_per_s": round(len(messages) / rules_s, 1),
            "extract_batches": report.batches,
            "extract_failed_batches": len(report.failed_batches),
            "model_wrote_memories": report.model_used,
            "model_added": report.added,
            "extract_s": round(extract_s, 1),
            "live_memories_by_kind": _kinds(reverie),
            "entities_by_kind": {r[0]: r[1] for r in entities},
        }
    finally:
        _close(reverie, home)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a GGUF file (default: the bundled model)")
    args = parser.parse_args()
    path = args.model or bundled_model().path  # type: ignore[union-attr]
    model = LocalModel(path, ModelSettings(context_tokens=4096 if args.model else 2048))
    from app.importers import jsonl

    out: dict[str, Any] = {"model": path.name}
    for name in ("maya", "leo"):
        spec = json.loads((SCENARIO / f"{name}_questions.json").read_text())
        now = datetime.fromisoformat(spec["now"].replace("Z", "+00:00"))
        messages = jsonl.parse(_source_text(SCENARIO / f"{name}.jsonl"))
        out[f"scenario {name}"] = run(messages, "jsonl", now, model)
    sample = next(s for s in load_locomo("dev") if s["sample_id"] == "conv-26")
    dates = [v for k, v in sample["conversation"].items() if k.endswith("_date_time")]
    now = max(as_utc(datetime.strptime(d, "%I:%M %p on %d %B, %Y")) for d in dates)
    out["locomo conv-26"] = run(locomo_format.parse(_source(sample, "locomo.json")), "locomo",
                                now, model)  # fmt: skip
    print(json.dumps(out, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"extraction-{path.stem}.json").write_text(json.dumps(out, indent=2))
    model.close()


def _source_text(path: Path) -> Any:
    from app.importers.reading import read_source

    return read_source(path)


if __name__ == "__main__":
    main()
