"""Recall through the graph, on a real store, index and recogniser: a question naming an
entity also ranks what is linked to it and to the entities one relation away, weighs up what a
person it names said, and what names the kind of entity it asks for."""

from __future__ import annotations

import json
from pathlib import Path

from app.runtime import Reverie
from app.services.graph import refresh_graph
from app.services.graph_recall import (
    graph_ranking,
    graph_weights,
    named_entities,
    read_question,
)
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
    asked = read_question(reverie.store, question)
    ranked = graph_ranking(reverie.store, reverie.index, asked, vector, 10)
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
    asked = read_question(reverie.store, question)
    assert asked.empty
    _, vector, _ = reverie.index.query(question, limit=5)
    assert graph_ranking(reverie.store, reverie.index, asked, vector, 10) == []
    every = [int(r[0]) for r in reverie.store.conn.execute("SELECT id FROM memories")]
    assert graph_weights(reverie.store, asked, every) == {}


# A group chat log: Lena speaks, and the others name her mostly to talk to her.
GROUP = """\
[2026-04-01 18:00] Lena: Back from the weekend in Lisbon, the trams and the custard tarts!
[2026-04-01 18:05] Sam: Lena, we play football every Sunday, come and play sports with us!
[2026-04-01 18:07] Lena: Thanks, but the beach volleyball league takes all my weekends.
[2026-04-02 09:00] Sam: Lena, you would love the sports centre by the river.
[2026-04-02 09:10] Theo: Travelling is the best, seeing new cities and their streets.
[2026-04-03 12:00] Sam: Booked the dentist for Tuesday morning.
[2026-04-03 12:30] Theo: The new espresso machine makes terrible coffee.
"""


def load_group(reverie: Reverie, tmp_path: Path) -> dict[str, int]:
    path = tmp_path / "group.txt"
    path.write_text(GROUP)
    ingest_file(reverie.store, reverie.index, path, fmt="auto", now=NOW, params=reverie.params,
                entities=reverie.entities)  # fmt: skip
    refresh_graph(reverie.store)
    rows = reverie.store.conn.execute("SELECT id, text FROM memories WHERE origin = 'ingest'")
    return {text: i for i, text in rows}


def ranked_ids(reverie: Reverie, question: str, graph: bool) -> list[int]:
    hits = search(reverie.store, reverie.index, question, now=NOW, params=reverie.params,
                  options=RecallOptions(k=10, graph=graph))  # fmt: skip
    return [h.memory.id for h in hits]


def test_what_a_named_person_said_comes_before_what_was_said_to_them(
    reverie: Reverie, tmp_path: Path
) -> None:
    ids = load_group(reverie, tmp_path)
    question = "What sports does Lena play?"
    volleyball = memory_with(ids, "beach volleyball")
    football = memory_with(ids, "we play football")
    # By its words alone the invitation Sam sent Lena answers best ("play sports"); through
    # the graph, Lena said the volleyball message and is only addressed in the other.
    plain = ranked_ids(reverie, question, graph=False)
    assert plain.index(football) < plain.index(volleyball)
    through_graph = ranked_ids(reverie, question, graph=True)
    assert through_graph[0] == volleyball
    assert RecallOptions().graph  # what the app searches with

    asked = read_question(reverie.store, question)
    weights = graph_weights(reverie.store, asked, list(ids.values()))
    assert weights[volleyball] > 1 and football not in weights
    assert memory_with(ids, "espresso") not in weights


def test_a_question_asking_for_places_weighs_up_what_names_one(
    reverie: Reverie, tmp_path: Path
) -> None:
    ids = load_group(reverie, tmp_path)
    asked = read_question(reverie.store, "Which cities has Lena been to?")
    assert asked.kinds == {"place"}
    weights = graph_weights(reverie.store, asked, list(ids.values()))
    # Of what Lena said, the message naming a city weighs more than the one naming none;
    # Theo's message on cities names none, and he is not asked about.
    lisbon, volleyball = memory_with(ids, "Lisbon"), memory_with(ids, "volleyball")
    assert weights[lisbon] > weights[volleyball] > 1
    assert memory_with(ids, "new cities") not in weights
    assert memory_with(ids, "espresso") not in weights


def test_a_name_learned_after_a_question_is_found_by_the_next(
    reverie: Reverie, tmp_path: Path
) -> None:
    load_group(reverie, tmp_path)
    question = "What does Priya Sharma teach?"
    assert read_question(reverie.store, question).named == set()  # names read and kept
    path = tmp_path / "later.txt"
    path.write_text("[2026-04-05 10:00] Sam: Had coffee with Priya Sharma from the school.\n")
    ingest_file(reverie.store, reverie.index, path, fmt="auto", now=NOW, params=reverie.params,
                entities=reverie.entities)  # fmt: skip
    refresh_graph(reverie.store)
    assert len(read_question(reverie.store, question).named) == 1
