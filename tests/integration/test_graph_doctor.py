"""`doctor` checks the memory graph: a damaged alias chain or a fact cut from its entity is
reported with the fix; a rebuild (what `reverie reindex` runs) repairs it."""

from __future__ import annotations

from app.runtime import Reverie
from app.services.doctor import OK, WARN, check_graph
from app.services.graph import rebuild_graph, refresh_graph
from app.services.ingest import ingest_file
from tests.helpers import NOW, SAMPLE


def test_doctor_reports_a_damaged_graph_and_a_rebuild_repairs_it(reverie: Reverie) -> None:
    ingest_file(reverie.store, reverie.index, SAMPLE, fmt="auto", now=NOW, params=reverie.params)
    refresh_graph(reverie.store)
    assert check_graph(reverie.store).status == OK
    conn = reverie.store.conn
    a, b, c = (r[0] for r in conn.execute("SELECT id FROM entities ORDER BY id LIMIT 3"))
    with reverie.store.transaction():
        conn.execute("UPDATE entities SET canonical_id = ? WHERE id = ?", (b, a))
        conn.execute("UPDATE entities SET canonical_id = ? WHERE id = ?", (c, b))
        conn.execute("DELETE FROM links WHERE relation = 'about'")
    check = check_graph(reverie.store)
    assert check.status == WARN
    assert "point at an alias" in check.detail and "not linked to the entity" in check.detail
    assert "reverie reindex" in check.detail
    rebuild_graph(reverie.store, None)
    assert check_graph(reverie.store).status == OK
