"""Recall through the graph, on a real store, index and recogniser: a question naming an
entity also ranks what is linked to it and to the entities one relation away."""

from __future__ import annotations

import json
from pathlib import Path

from app.runtime import Reverie
from app.services.graph import refresh_graph
from app.services.graph_recall import graph_ranking, named_entities
from app.services.ingest import ingest_file
from app.services.recall import RecallOptions, search
from tests.helpers import NOW

CHAT = [
    "My sister Ana lives in Porto since last year.",
    "The riverside in Porto has the best grilled sardines, and the tiles are lovely.",
    "Booked the dentist for Tuesday morning.",
    "The new espresso machine at work makes terrible coffee.",
    "Finished reading a novel about a lighthouse keeper.",
    "Our team standup moved to half past nine.",
    # Said about eating, not about Ana: they compete for "what should I eat".
    "I should eat more vegetables, I keep saying that.",
    "What to eat for lunch today: soup again, I think.",
    "Ate far too much cake at the office party.",
    "When I visit my parents we always eat roast chicken.",
]


def load(reverie: Reverie, tmp_path: Path) -> dict[str, int]:
    path = tmp_path / "chat.jsonl"
    path.write_text("\n".join(json.dumps({
        "id": f"c{i}", "session": f"2026-03-{i + 1:02}",
        "timestamp": f"2026-03-{i + 1:02}T10:00:00Z", "role": "user", "speaker": "Sam",
        "content": text,
    }) for i, text in enumerate(CHAT)) + "\n")  # fmt: skip
    ingest_file(reverie.store, reverie.index, path, fmt="auto", now=NOW, params=reverie.params,
                entities=reverie.entities)  # fmt: skip
    refresh_graph(reverie.store)
    rows = reverie.store.conn.execute("SELECT id, text FROM memories WHERE origin = 'ingest'")
    return {text: i for i, text in rows}


def memory_with(ids: dict[str, int], words: str) -> int:
    return next(i for text, i in ids.items() if words in text)


def test_a_named_entity_brings_what_is_one_relation_away(reverie: Reverie, tmp_path: Path) -> None:
    ids = load(reverie, tmp_path)
    question = "What should I eat when I visit Ana?"
    named = named_entities(reverie.store, question)
    marks = ",".join("?" * len(named))
    names = {r[0] for r in reverie.store.conn.execute(
        f"SELECT name FROM entities WHERE id IN ({marks})", list(named))}  # fmt: skip
    assert names == {"Ana"}
    _, vector, _ = reverie.index.query(question, limit=5)
    ranked = graph_ranking(reverie.store, reverie.index, question, vector, 10)
    # Ana's own message first, then Porto's (Ana lives in Porto); nothing unrelated.
    sardines = memory_with(ids, "grilled sardines")
    assert memory_with(ids, "My sister Ana lives in Porto") in ranked
    assert sardines in ranked
    assert memory_with(ids, "espresso machine") not in ranked

    # In recall's fusion the linked memories score higher, the others the same (the
    # word-level rerank, on by default, then reorders the top 50 by the question's words).
    def scores(graph: bool) -> dict[int, float]:
        hits = search(reverie.store, reverie.index, question, now=NOW, params=reverie.params,
                      options=RecallOptions(k=20, graph=graph, rerank_depth=0))  # fmt: skip
        return {h.memory.id: h.score for h in hits}

    plain, linked = scores(False), scores(True)
    assert linked[sardines] > 1.3 * plain[sardines]
    cake = memory_with(ids, "too much cake")
    assert linked[cake] == plain[cake]


def test_a_question_naming_nothing_known_adds_nothing(reverie: Reverie, tmp_path: Path) -> None:
    load(reverie, tmp_path)
    question = "What did I think of the coffee?"
    assert named_entities(reverie.store, question) == set()
    _, vector, _ = reverie.index.query(question, limit=5)
    assert graph_ranking(reverie.store, reverie.index, question, vector, 10) == []
