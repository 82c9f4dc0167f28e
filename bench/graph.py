"""Memory graph benchmarks: layout time, panning frame rate, entity extraction throughput.

    nice -n 10 .venv/bin/python -m bench.graph [--out bench/results/graph.json]

1. Layout: igraph Fruchterman-Reingold (grid above 1000 nodes), the function the Graph tab
   runs in its worker process, on Barabási-Albert graphs with 3 edges per node (1k/5k/10k).
2. Panning: the real Graph tab (offscreen Qt) showing a synthetic graph of 10k nodes and 30k
   edges; the view is moved 120 times and repainted each time; frames per second of wall
   time, and per second of the process's CPU time (what a free core would reach).
3. Entity extraction: spaCy's small pipeline plus the relation patterns (what ingest and
   `reverie reindex` run) over every message of LoCoMo's first dev conversation.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("REVERIE_PASSPHRASE", "benchmark only")


def layout_times(sizes: tuple[int, ...], repeats: int) -> dict[str, Any]:
    import igraph
    import numpy as np

    from app.layout.force import lay_out

    found: dict[str, Any] = {}
    for size in sizes:
        graph = igraph.Graph.Barabasi(size, 3)
        edges = graph.get_edgelist()
        runs, cpu = [], []
        for seed in range(repeats):
            start = np.random.default_rng(seed).uniform(-50, 50, (size, 2))
            began, cpu_began = time.perf_counter(), time.process_time()
            lay_out(size, edges, start)
            runs.append(time.perf_counter() - began)
            cpu.append(time.process_time() - cpu_began)
        found[f"{size}"] = {"seconds": round(statistics.median(runs), 3),
                            "cpu_seconds": round(statistics.median(cpu), 3)}  # fmt: skip
        print(
            f"layout {size} nodes, {len(edges)} edges: {found[str(size)]['seconds']} s, "
            f"{found[str(size)]['cpu_seconds']} s of CPU (median of {repeats})"
        )
    return found


def synthetic_graph(nodes: int, edges: int) -> Any:
    import random

    from app.core.graph import ENTITY, Edge, MemoryGraph, Node

    rng = random.Random(7)
    graph = MemoryGraph()
    when = datetime(2026, 1, 1, tzinfo=UTC)
    entities = nodes // 10
    for i in range(nodes):
        key = f"e{i}" if i < entities else f"m{i}"
        kind = ENTITY if i < entities else rng.choice(["episodic", "semantic", "procedural"])
        group = "person" if kind == ENTITY else kind
        graph.nodes[key] = Node(key, f"node {i}", kind, group, i, learned_at=when,
                                retention=rng.random())  # fmt: skip
    keys = list(graph.nodes)
    seen: set[tuple[str, str]] = set()
    while len(graph.edges) < edges:
        a, b = rng.choice(keys), f"e{rng.randrange(entities)}"
        if a != b and (a, b) not in seen:
            seen.add((a, b))
            graph.edges.append(Edge(a, b, "mentions", closed=rng.random() < 0.1))
    return graph


def panning_fps(nodes: int, edges: int, frames: int) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    import ui.graph_view
    from app.layout.force import lay_out
    from app.runtime import Reverie
    from ui.graph_view import GraphView
    from ui.tasks import EngineRunner

    ui.graph_view.COLLAPSE_AT = 10 * nodes  # measure drawing all of them, not the clusters

    app = QApplication.instance() or QApplication([])
    graph = synthetic_graph(nodes, edges)
    keys = sorted(graph.nodes)
    index = {k: i for i, k in enumerate(keys)}
    coords = lay_out(len(keys), [(index[e.a], index[e.b]) for e in graph.edges])
    with tempfile.TemporaryDirectory() as folder, Reverie(Path(folder) / "home") as reverie:
        runner = EngineRunner(reverie)
        view = GraphView(reverie, runner)
        view.resize(1280, 800)
        view.show()
        app.processEvents()
        view.full = graph
        view.saved = {k: (float(x), float(y)) for k, (x, y) in zip(keys, coords, strict=True)}
        view.focus = None
        view._rebuild_hood()
        view.plot.autoRange()
        app.processEvents()
        box = view.plot.getViewBox()
        viewport = view.canvas.viewport()
        width = box.viewRange()[0][1] - box.viewRange()[0][0]
        began, cpu = time.perf_counter(), time.process_time()
        for frame in range(frames):
            box.translateBy(x=width * 0.01 * (1 if frame % 60 < 30 else -1))
            viewport.repaint()
            app.processEvents()
        elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
        drawn = len(view.shown.nodes), len(view.shown.edges)
        view.shutdown()
        runner.shutdown()
        view.deleteLater()
        app.processEvents()
    fps = frames / elapsed
    # The development machine's two cores are often shared: CPU time per frame says what a
    # free core would reach.
    fps_cpu = frames / cpu
    print(f"panning {drawn[0]} nodes, {drawn[1]} edges offscreen: {fps:.1f} frames/s "
          f"({fps_cpu:.1f} frames per CPU second)")  # fmt: skip
    return {"nodes": drawn[0], "edges": drawn[1], "fps": round(fps, 1),
            "fps_per_cpu_second": round(fps_cpu, 1)}  # fmt: skip


def extraction_throughput() -> dict[str, Any]:
    from app.nlp.spacy_entities import SpacyEntities
    from bench.data import load_locomo

    conversation = load_locomo("dev")[0]
    talk = conversation["conversation"]
    texts = [turn["text"] for key, session in talk.items()
             if key.startswith("session_") and isinstance(session, list)
             for turn in session]  # fmt: skip
    finder = SpacyEntities()
    finder.find(["Warm up: load the pipeline."])
    began, cpu = time.perf_counter(), time.process_time()
    found = finder.find(texts)
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    mentions = sum(len(f) for f in found)
    rate, rate_cpu = len(texts) / elapsed, len(texts) / cpu
    print(f"entities over {conversation['sample_id']}: {len(texts)} messages, {mentions} "
          f"mentions, {rate:.0f} messages/s ({rate_cpu:.0f} per CPU second)")  # fmt: skip
    return {"conversation": conversation["sample_id"], "messages": len(texts),
            "mentions": mentions, "messages_per_s": round(rate, 1),
            "messages_per_cpu_s": round(rate_cpu, 1)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results/graph.json"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    results = {
        "cpus": os.cpu_count(),
        "layout_seconds": layout_times((1000, 5000, 10000), args.repeats),
        "panning": panning_fps(10_000, 30_000, 120),
        "entity_extraction": extraction_throughput(),
    }
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
