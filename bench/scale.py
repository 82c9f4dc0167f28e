"""Scale benchmark (not a test): Reverie on a synthetic history of 10k or 100k messages.

    nice -n 10 .venv/bin/python -m bench.scale --size 10000 --no-cache
    nice -n 10 .venv/bin/python -m bench.scale --size 100000          # builds once, then reuses

Measures, on a store built from bench/synthetic_history.py:
- ingest: messages/s through Reverie's own import path (store, fact rules, entities, index),
  against the embedder's raw rate on the same texts (the forward passes the index needs);
- search p50/p95 (in process, question embedding included) and recall@5/@10 on the
  generated questions (a hit: a result whose source is one of the question's evidence lines);
- ask p50 (in process, no model loaded: the bundled model only selects);
- the decay job's time on a copy of the store (a year of history: most episodic memories fade);
- app start and memory-browser load and scroll with that store (offscreen Qt, subprocesses);
- RSS of a process that opened the store and searched (the embedder loaded, no language model);
- disk per 10k memories: SQLite, Chroma's folder, the token-vector file.

The built store is kept in bench/results/scale-<size>/ and reused by later runs (--rebuild to
start over). --cache keeps each text's forward pass (sentence vector and the token vectors'
sign bits, which is all the token store keeps) in bench/results/scale-embeddings.sqlite3, so a
rebuild does not embed again; ingest rates are only honest with --no-cache.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from app.core.keywords import STOPWORDS
from app.core.records import Message
from app.embed.minilm import DIMENSIONS, MiniLmEmbedder, TokenStates
from app.importers import read_messages
from app.importers.reading import parse_iso
from app.runtime import Reverie
from app.storage.token_vectors import pack, unpack

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
CACHE = RESULTS / "scale-embeddings.sqlite3"


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}"


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class SignBitCache(MiniLmEmbedder):
    """Caches whole forward passes by text: the sentence vector and the token vectors' sign
    bits, which is exactly what the token store keeps (app/storage/token_vectors.py), so a
    store rebuilt from the cache holds what an uncached ingest writes, at ~1.5 KB a text
    instead of ~20 KB in float16. Single texts (questions) are always embedded afresh."""

    def __init__(self, cache_file: Path) -> None:
        super().__init__()
        self._db = sqlite3.connect(str(cache_file), check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS pass (h TEXT PRIMARY KEY, sentence BLOB,"
                         " rows INTEGER, bits BLOB, pieces BLOB, every BLOB)")  # fmt: skip
        self.hits = self.misses = 0

    def embed_with_tokens(
        self,
        texts: Sequence[str],
        *,
        sentences: bool = True,
        tokens: bool = True,
        skip: frozenset[str] = frozenset(),
    ) -> tuple[npt.NDArray[np.float32], list[TokenStates]]:
        if len(texts) <= 1:
            return super().embed_with_tokens(texts, sentences=sentences, tokens=tokens, skip=skip)
        salt = hashlib.sha1("\x1f".join(sorted(skip)).encode()).hexdigest()[:8]
        keys = [hashlib.sha1(f"{salt}\x1f{t}".encode()).hexdigest() for t in texts]
        found: dict[str, tuple[npt.NDArray[np.float32], TokenStates]] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for h, sentence, rows, bits, pieces, every in self._db.execute(
                f"SELECT h, sentence, rows, bits, pieces, every FROM pass WHERE h IN ({marks})",
                chunk,
            ):
                found[h] = (np.frombuffer(sentence, dtype=np.float32), TokenStates(
                    unpack(bits, rows, DIMENSIONS),
                    tuple(np.frombuffer(pieces, dtype=np.int32).tolist()),
                    frozenset(np.frombuffer(every, dtype=np.int32).tolist())))  # fmt: skip
        missing = list(dict.fromkeys(i for i, k in enumerate(keys) if k not in found))
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if missing:
            vectors, states = super().embed_with_tokens([texts[i] for i in missing], skip=skip)
            rows = []
            for j, i in enumerate(missing):
                s = states[j]
                found[keys[i]] = (vectors[j], s)
                rows.append((keys[i], vectors[j].tobytes(), len(s.vectors), pack(s.vectors),
                             np.asarray(s.pieces, dtype=np.int32).tobytes(),
                             np.asarray(sorted(s.every_piece), np.int32).tobytes()))  # fmt: skip
            self._db.executemany("INSERT OR REPLACE INTO pass VALUES (?, ?, ?, ?, ?, ?)", rows)
            self._db.commit()
        sentence_out = np.stack([found[k][0] for k in keys]).astype(np.float32)
        if not sentences:
            sentence_out = np.zeros((0, DIMENSIONS), dtype=np.float32)
        return sentence_out, [found[k][1] for k in keys] if tokens else []


# --------------------------------------------------------------------------- data


def history(size: int) -> Path:
    folder = RESULTS / f"history-{size // 1000}k"
    if not (folder / "questions.json").exists():
        from bench.synthetic_history import generate

        generate(size, folder)
    return folder


def screen_messages(path: Path) -> list[Message]:
    """Screen frames as capture stores them: a `screen` message of its episode, spoken by
    "app — title" (app/storage/capture_store.py)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        f = json.loads(line)
        out.append(Message(f["id"], f"screen-episode-{f['episode']}",
                           parse_iso(f["timestamp"], source="screen.jsonl", position=f["id"]),
                           "screen", f["text"], f"{f['app']} — {f['title']}"))  # fmt: skip
    return out


# --------------------------------------------------------------------------- build


def build(home: Path, folder: Path, now: datetime, embedder: MiniLmEmbedder,
          entities: bool) -> dict[str, Any]:  # fmt: skip
    """Import the history as Reverie does (chat through the jsonl importer and the fact
    layer; screen frames through capture's store call), timing each stage."""
    from app.services.facts import learn_facts
    from app.services.index_sync import sync_index
    from app.storage.sqlite_store import ImportRequest

    stages: dict[str, float] = {}
    cpu = time.process_time()
    with Reverie(home, clock=lambda: now, embedder=embedder) as reverie:
        started = time.perf_counter()
        chat, fmt, source = read_messages(folder / "chat.jsonl", "jsonl")
        screen = screen_messages(folder / "screen.jsonl")
        stages["parse_s"] = time.perf_counter() - started
        t = time.perf_counter()
        outcome = reverie.store.add_messages(
            ImportRequest(chat, "import", str(folder / "chat.jsonl"), fmt, source.sha256), now,
            reverie.params)  # fmt: skip
        for start in range(0, len(screen), 2000):
            reverie.store.add_messages(ImportRequest(
                screen[start : start + 2000], "screen", None, "screen", f"bench-{start}",
                frozenset({"screen"}), extract=False), now, reverie.params)  # fmt: skip
        stages["store_s"] = time.perf_counter() - t
        t = time.perf_counter()
        finder = reverie.entities if entities else None
        learned = learn_facts(reverie.store, now, reverie.params, outcome.evidence_ids,
                              entities=finder)  # fmt: skip
        stages["facts_and_entities_s"] = time.perf_counter() - t
        stages["cpu_before_index_s"] = time.process_time() - cpu
        t = time.perf_counter()
        print(f"  stored and read facts in {time.perf_counter() - started:.0f} s; indexing…",
              flush=True)  # fmt: skip
        indexed = sync_index(reverie.store, reverie.index)
        stages["index_s"] = time.perf_counter() - t
        stages["total_s"] = time.perf_counter() - started
        stages["cpu_s"] = time.process_time() - cpu
        memories = reverie.store.counts()["memories"]
    return {
        "messages": len(chat) + len(screen),
        "memories": memories,
        "facts": learned.added,
        "indexed": indexed,
        "entities": entities,
        **{k: round(v, 1) for k, v in stages.items()},
        "messages_per_s": round((len(chat) + len(screen)) / stages["total_s"], 1),
    }


def append(home: Path, now: datetime, messages: int) -> dict[str, Any]:
    """Ingest at scale: a few thousand new messages (another seed's history, ids prefixed)
    imported into a copy of the built store with the real embedder, as a user adds to a
    store that is already big; against the embedder alone on the same memories' texts."""
    from app.services.facts import learn_facts
    from app.services.index_sync import BATCH, sync_index
    from app.storage.sqlite_store import ImportRequest

    folder = RESULTS / f"history-append-{messages}"
    if not (folder / "chat.jsonl").exists():
        from bench.synthetic_history import generate

        generate(messages, folder, seed=99)
    chat, fmt, source = read_messages(folder / "chat.jsonl", "jsonl")
    chat = [replace(m, original_id=f"append-{m.original_id}") for m in chat]
    screen = [replace(m, original_id=f"append-{m.original_id}")
              for m in screen_messages(folder / "screen.jsonl")]  # fmt: skip
    copy = home.parent / "append-home"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(home, copy)
    try:
        embedder = MiniLmEmbedder()
        embedder.embed(["warm up the session", "and its threads"])
        started, cpu = time.perf_counter(), time.process_time()
        with Reverie(copy, clock=lambda: now, embedder=embedder) as reverie:
            first = int(reverie.store.conn.execute("SELECT max(id) FROM memories").fetchone()[0])
            outcome = reverie.store.add_messages(
                ImportRequest(chat, "import", "append.jsonl", fmt, f"append-{source.sha256}"),
                now, reverie.params)  # fmt: skip
            reverie.store.add_messages(ImportRequest(
                screen, "screen", None, "screen", "bench-append", frozenset({"screen"}),
                extract=False), now, reverie.params)  # fmt: skip
            learn_facts(reverie.store, now, reverie.params, outcome.evidence_ids,
                        entities=reverie.entities)  # fmt: skip
            sync_index(reverie.store, reverie.index)
            added = reverie.store.conn.execute(
                "SELECT text, context FROM memories WHERE id > ? ORDER BY id", (first,)
            )
            rows = [tuple(r) for r in added]
        ingest_s, ingest_cpu = time.perf_counter() - started, time.process_time() - cpu
        started, cpu = time.perf_counter(), time.process_time()
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            embedder.embed_with_tokens([r[0] for r in batch], skip=STOPWORDS)
            differ = [r[1] for r in batch if r[1] and r[1] != r[0]]
            if differ:
                embedder.embed(differ)
        raw_s, raw_cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    return {
        "messages": len(chat) + len(screen),
        "new_memories": len(rows),
        "ingest_s": round(ingest_s, 1),
        "ingest_cpu_s": round(ingest_cpu, 1),
        "raw_embedding_cpu_s": round(raw_cpu, 1),
        "raw_embedding_s": round(raw_s, 1),
        # the embedder's raw rate over the whole path's, both in CPU time
        "share_of_raw_rate": round(raw_cpu / ingest_cpu, 3) if ingest_cpu else None,
    }


def borrow_vectors(home: Path, donor: Path, seed: int = 5) -> dict[str, Any]:
    """Fill the vector index of a built store with vectors borrowed from a smaller store's real
    ones (each memory gets a donor memory's two views plus a little noise, and its token
    vectors), for latency, memory and disk figures where embedding every text for real would
    take hours of a shared CPU. Recall on such an index means nothing and is not reported."""
    from app.storage.chroma_index import CONTEXT, TEXT

    rng = np.random.default_rng(seed)
    with Reverie(donor) as source:
        got = source.index.collection.get(include=["embeddings"])
        views: dict[int, dict[str, npt.NDArray[np.float32]]] = {}
        for doc_id, vector in zip(got["ids"], got["embeddings"], strict=True):
            memory_id, _, tail = doc_id.partition(":")
            views.setdefault(int(memory_id), {})[CONTEXT if tail else TEXT] = np.asarray(vector)
        donors = sorted(m for m, v in views.items() if len(v) == 2)
        assert source.index.tokens is not None
        tokens = source.index.tokens.get(donors)
    started = time.perf_counter()
    with Reverie(home) as reverie:
        index, store = reverie.index, reverie.store
        assert index.tokens is not None
        while work := store.pending_index_work(1000):
            ids, vectors, metas = [], [], []
            borrowed = {}
            for w in work:
                source_id = donors[hash((w.memory_id, seed)) % len(donors)]
                for view in (TEXT, CONTEXT):
                    vector = views[source_id][view] + rng.normal(0, 0.02, DIMENSIONS)
                    ids.append(str(w.memory_id) if view == TEXT else f"{w.memory_id}:{CONTEXT}")
                    vectors.append((vector / np.linalg.norm(vector)).astype(np.float32))
                    metas.append({"memory_id": w.memory_id, "view": view})
                if source_id in tokens:
                    borrowed[w.memory_id] = tokens[source_id]
            index.collection.upsert(ids=ids, embeddings=vectors, metadatas=metas)
            index.tokens.put(borrowed)
            store.clear_index_work(work)
        memories = store.counts()["memories"]
    return {"memories": memories, "donor_memories": len(donors),
            "seconds": round(time.perf_counter() - started, 1)}  # fmt: skip


def raw_embedding(home: Path, sample: float, seed: int = 1) -> dict[str, Any]:
    """The embedder alone on the texts the index embedded (a sample of them at 100k): the
    text view with its token vectors, the context view where it differs, in index batches."""
    from app.services.index_sync import BATCH

    with Reverie(home) as reverie:
        rows = reverie.store.conn.execute("SELECT text, context FROM memories ORDER BY id")
        rows = [tuple(r) for r in rows]
    rng = random.Random(seed)
    chosen = [r for r in rows if rng.random() < sample] if sample < 1 else rows
    embedder = MiniLmEmbedder()
    embedder.embed(["warm up the session", "and its threads"])
    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(chosen), BATCH):
        batch = chosen[start : start + BATCH]
        texts = [r[0] for r in batch]
        embedder.embed_with_tokens(texts, skip=STOPWORDS)
        differ = [r[1] for r in batch if r[1] and r[1] != r[0]]
        if differ:
            embedder.embed(differ)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "memories_sampled": len(chosen),
        "seconds": round(seconds, 1),
        "cpu_s": round(cpu, 1),  # both cores' work: comparable under any load
        "memories_per_s": round(len(chosen) / seconds, 1),
        "memories_per_cpu_s": round(len(chosen) / cpu, 2),
        "estimated_all_s": round(seconds * len(rows) / max(1, len(chosen)), 1),
    }


# --------------------------------------------------------------------------- use


def _spread(values: Sequence[float]) -> dict[str, float]:
    return {"p50": round(1000 * percentile(values, 0.5), 1),
            "p95": round(1000 * percentile(values, 0.95), 1)}  # fmt: skip


def searches(home: Path, folder: Path, now: datetime, limit: int) -> dict[str, Any]:
    from app.services.answer import answer_question
    from app.services.recall import RecallOptions, search

    spec = json.loads((folder / "questions.json").read_text())
    questions = spec["questions"]
    rng = random.Random(3)
    if len(questions) > limit:
        questions = rng.sample(questions, limit)
    latencies: list[float] = []
    # CPU time of the whole process (both cores' work) per search: on a machine shared with
    # others' jobs, wall time mostly measures the wait for a core; CPU time does not.
    cpus: list[float] = []
    found: dict[int, list[float]] = {5: [], 10: []}
    by_type: dict[str, list[float]] = {}
    with Reverie(home, clock=lambda: now) as reverie:
        search(reverie.store, reverie.index, "warm up", now=now, params=reverie.params)
        for q in questions:
            started, cpu = time.perf_counter(), time.process_time()
            hits = search(reverie.store, reverie.index, q["question"], now=now,
                          params=reverie.params, options=RecallOptions(k=10))  # fmt: skip
            latencies.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
            ids = [[s.original_id for s in h.sources] for h in hits]
            gold = set(q["evidence"])
            for k in found:
                found[k].append(float(any(gold & set(i) for i in ids[:k])))
            by_type.setdefault(q["type"], []).append(found[10][-1])
        asks: list[float] = []
        right = 0
        ask_cpus: list[float] = []
        for q in questions[:50]:
            started, cpu = time.perf_counter(), time.process_time()
            answer = answer_question(
                q["question"],
                store=reverie.store,
                index=reverie.index,
                model=reverie.model,
                now=now,
                params=reverie.params,
            )
            asks.append(time.perf_counter() - started)
            ask_cpus.append(time.process_time() - cpu)
            right += all(any(alt.lower() in answer.text.lower() for alt in group.split("|"))
                         for group in q["answer"])  # fmt: skip
        loaded_model = getattr(reverie.model, "_llm", None) is not None
    return {
        "questions": len(questions),
        "search_ms": _spread(latencies),
        "search_cpu_ms": _spread(cpus),
        "recall_any": {f"@{k}": round(statistics.mean(v), 3) for k, v in found.items()},
        "recall_any@10_by_type": {t: round(statistics.mean(v), 3) for t, v in by_type.items()},
        "ask_ms": {**_spread(asks), "n": len(asks)},
        "ask_cpu_ms": _spread(ask_cpus),
        "ask_answered_right": round(right / max(1, len(asks)), 3),
        "ask_loaded_the_model": loaded_model,
    }


def decay(home: Path, now: datetime) -> dict[str, Any]:
    """The forgetting job on a copy of the store (the kept store stays as built)."""
    from app.core.forgetting import ForgettingParams
    from app.services.decay import apply_decay

    copy = home.parent / "decay-copy"
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir()
    for path in home.iterdir():  # the store, its WAL and key record; not the vector index
        if path.is_file():
            shutil.copy2(path, copy / path.name)
    reverie = Reverie(copy, clock=lambda: now)
    store = reverie.store
    params = ForgettingParams()
    started, cpu = time.perf_counter(), time.process_time()
    first = apply_decay(store, now, params)
    first_s, first_cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    again = apply_decay(store, now, params)
    again_s = time.perf_counter() - started
    reverie.close()
    shutil.rmtree(copy, ignore_errors=True)
    return {
        "checked": first.checked,
        "archived": len(first.archived),
        "first_run_s": round(first_s, 2),
        "first_run_cpu_s": round(first_cpu, 2),
        "next_run_s": round(again_s, 2),
        "next_run_checked": again.checked,
    }


def rss(home: Path) -> dict[str, Any]:
    """A fresh process opens the store, searches 20 times: its resident memory then, and its
    high-water mark (VmHWM: getrusage's maxrss would include the parent's, kept across exec),
    with the embedder and Chroma loaded and no language model."""
    code = (
        "import sys, json\n"
        "from datetime import datetime\n"
        "from app.runtime import Reverie\n"
        "from app.services.recall import search\n"
        "def status(key):\n"
        "    line = next(l for l in open('/proc/self/status') if l.startswith(key))\n"
        "    return round(int(line.split()[1]) / 1024)\n"
        "now = datetime.fromisoformat(sys.argv[2])\n"
        "with Reverie(sys.argv[1], clock=lambda: now) as r:\n"
        "    r.embedder.embed(['a', 'b'])\n"
        "    embedder = status('VmRSS:')\n"
        "    for i in range(20):\n"
        "        search(r.store, r.index, f'what did Ana say about the budget {i}', now=now,"
        " params=r.params)\n"
        "    print(json.dumps({'rss_mb': status('VmRSS:'), 'peak_mb': status('VmHWM:'),"
        " 'before_chroma_mb': embedder}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(home), NOW_ISO[0]], cwd=ROOT,
                         capture_output=True, text=True, check=True)  # fmt: skip
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


NOW_ISO = [""]


def app_start(home: Path, runs: int) -> dict[str, Any]:
    import resource

    from bench.window_start import one_run

    one_run(home, "offscreen")
    times, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(one_run(home, "offscreen"))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    times.sort()
    return {"runs": runs, "p50_s": round(statistics.median(times), 3), "max_s": round(times[-1], 3),
            # the whole probe process, start to exit (the window is shown before the end)
            "cpu_p50_s": round(statistics.median(cpus), 3)}  # fmt: skip


def browser(home: Path) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-m", "bench.scale_browser", str(home), NOW_ISO[0]],
                         cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})  # fmt: skip
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def disk(home: Path, memories: int) -> dict[str, Any]:
    def size(path: Path) -> int:
        if path.is_file():
            return path.stat().st_size
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())

    parts = {
        "sqlite": sum(size(p) for p in home.glob("memory.sqlite3*")),
        "chroma": size(home / "vectors"),
        "token_vectors": sum(size(p) for p in home.glob("token-vectors.sqlite3*")),
    }
    per = {k: round(v / memories * 10_000 / 2**20, 1) for k, v in parts.items()}
    return {"mb_per_10k_memories": per, "total_mb": round(sum(parts.values()) / 2**20, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--cache", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--entities", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--raw-sample",
        type=float,
        default=None,
        help="share of memories the raw embedding rate is measured on",
    )
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument(
        "--borrow-vectors-from",
        type=int,
        metavar="SIZE",
        help="fill the index with vectors borrowed from the built store of this size "
        "(latency, memory and disk only; no recall)",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated: build,raw,search,decay,rss,start,browser,disk,append",
    )
    parser.add_argument(
        "--append",
        type=int,
        default=3000,
        metavar="N",
        help="the append step's new messages (ingest into a copy of the built store)",
    )
    args = parser.parse_args()
    # A new store is encrypted (issue 11); without a keyring the key comes from a passphrase.
    os.environ.setdefault("REVERIE_PASSPHRASE", "scale-benchmark")
    folder = history(args.size)
    now = datetime.fromisoformat(json.loads((folder / "questions.json").read_text())["now"])
    NOW_ISO[0] = now.isoformat()
    work = RESULTS / f"scale-{args.size // 1000}k"
    home = work / "home"
    out = RESULTS / f"scale-{args.size // 1000}k.json"
    report: dict[str, Any] = json.loads(out.read_text()) if out.exists() else {}
    report.update({"size": args.size, "cores": os.cpu_count()})
    wanted = set(filter(None, args.only.split(","))) or {
        "build", "raw", "search", "decay", "rss", "start", "browser", "disk"}  # fmt: skip

    def step(name: str, run: Any) -> None:
        if name not in wanted and name != "borrow":
            return
        before = load()
        print(f"{name}… ({before})", flush=True)
        result = run()
        result["load_before_after"] = f"{before} -> {load()}"
        report[name] = result
        print(f"  {json.dumps(result)}", flush=True)
        out.write_text(json.dumps(report, indent=2) + "\n")

    if args.rebuild or not (home / "memory.sqlite3").exists():
        shutil.rmtree(work, ignore_errors=True)
        home.mkdir(parents=True)
        embedder = SignBitCache(CACHE) if args.cache else MiniLmEmbedder()
        step("build", lambda: {**build(home, folder, now, embedder, args.entities),
                               "cached": args.cache})  # fmt: skip
    else:
        wanted.discard("build")
    if args.borrow_vectors_from:
        # A copy of that store's folder, so both can run at once.
        donor = RESULTS / "scale-donor" / "home"
        if not donor.exists():
            shutil.copytree(RESULTS / f"scale-{args.borrow_vectors_from // 1000}k" / "home", donor)
        report["vectors"] = f"borrowed from the {args.borrow_vectors_from // 1000}k store"
        step("borrow", lambda: borrow_vectors(home, donor))
        wanted.discard("raw")
    with Reverie(home) as reverie:
        memories = int(reverie.store.counts()["memories"])
    sample = args.raw_sample or (1.0 if args.size <= 10_000 else 0.1)
    step("raw", lambda: raw_embedding(home, sample))
    step("search", lambda: searches(home, folder, now, args.questions))
    step("decay", lambda: decay(home, now))
    step("rss", lambda: rss(home))
    step("start", lambda: app_start(home, 5))
    step("browser", lambda: browser(home))
    step("disk", lambda: disk(home, memories))
    if "append" in set(filter(None, args.only.split(","))):  # only when asked: it embeds
        step("append", lambda: append(home, now, args.append))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
