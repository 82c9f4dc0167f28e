"""The graph view's own choices travel in a vault: colour groups, saved node positions (named by
global id, so they land on the same memories and entities under other row numbers) and the
user's entity renames. Merged on import, ours first; importing again changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.core.entity_merge import Choice
from app.services.graph import (
    add_colour_group,
    choose,
    colour_groups,
    entities,
    entity_key,
    memory_key,
    positions,
    refresh_graph,
    save_positions,
)
from app.services.vault import export_vault, import_vault
from app.vault.header import CHEAP_KDF
from tests.helpers import NOW
from tests.vault.conftest import PASSPHRASE, copy_home, open_home
from tests.vault.test_merge import say


def _by_global_id(reverie: Any) -> dict[tuple[str, ...], tuple[float, float]]:
    """Saved positions keyed by what they name, not by this store's row numbers."""
    conn = reverie.store.conn
    uid = {memory_key(r[0]): ("memory", r[1]) for r in conn.execute("SELECT id, uid FROM memories")}
    names = {entity_key(r[0]): ("entity", r[1], r[2])
             for r in conn.execute("SELECT id, name, kind FROM entities")}  # fmt: skip
    return {(uid | names)[k]: xy for k, xy in positions(reverie.store).items()}


def test_colour_groups_positions_and_renames_travel(
    rich_home: Path, tmp_path: Path, embedder: Any
) -> None:
    home = copy_home(rich_home, tmp_path / "home")
    with open_home(home, embedder) as reverie:
        store = reverie.store
        refresh_graph(store)
        add_colour_group(store, "invoice")
        add_colour_group(store, "dentist")
        named = [e for e in entities(store) if e.kind != "user"]
        assert named, "the fixture needs a named entity"
        renamed = choose(store, Choice("rename", named[0].label, "Renamed Entity"), NOW)
        memory_ids = [r[0] for r in store.conn.execute("SELECT id FROM memories LIMIT 3")]
        laid = {memory_key(m): (float(m), -2.5 * m) for m in memory_ids}
        laid[entity_key(renamed.id)] = (10.0, 20.0)
        save_positions(store, laid)
        groups, placed = colour_groups(store), _by_global_id(reverie)
        target = tmp_path / "graph.reverie-vault"
        export_vault(reverie, target, PASSPHRASE, kdf=CHEAP_KDF)
    assert len(placed) == 4

    # Another computer: its own memories first, so the same memories get other row numbers.
    other = tmp_path / "other"
    with open_home(other, embedder) as reverie:
        say(reverie, tmp_path, "mine", "My bike is blue.", "I water the ferns on Sundays.")
        refresh_graph(reverie.store)
        with reverie.store.transaction() as conn:
            conn.execute(
                "INSERT INTO graph_colour_groups (query, colour) VALUES ('dentist', '#000')"
            )
        assert reverie.store.conn.execute("SELECT count(*) FROM memories").fetchone()[0] >= 2
        first = import_vault(reverie, target, PASSPHRASE)
        refresh_graph(reverie.store)  # as the graph view does when it opens
        assert first.counts["colour_group"] == {"added": 1, "updated": 0, "conflicting": 1,
                                                 "unchanged": 0}  # fmt: skip
        assert first.counts["position"]["added"] == 4
        assert first.counts["entity_choice"]["added"] >= 1
        # Ours first: this computer's colour for "dentist" stays; "invoice" arrives.
        assert dict(colour_groups(reverie.store)) == {**dict(groups), "dentist": "#000"}
        assert _by_global_id(reverie) == placed
        assert "Renamed Entity" in {e.label for e in entities(reverie.store)}
        before = reverie.store.conn.execute(
            "SELECT (SELECT count(*) FROM graph_colour_groups), (SELECT count(*) FROM"
            " graph_positions), (SELECT count(*) FROM entity_choices)"
        ).fetchone()
        again = import_vault(reverie, target, PASSPHRASE)
        after = reverie.store.conn.execute(
            "SELECT (SELECT count(*) FROM graph_colour_groups), (SELECT count(*) FROM"
            " graph_positions), (SELECT count(*) FROM entity_choices)"
        ).fetchone()
    assert tuple(before) == tuple(after)
    for kind in ("colour_group", "position", "entity_choice"):
        assert again.counts[kind]["added"] == 0 and again.counts[kind]["updated"] == 0

    # Replace: the vault's view as it was, on a fresh store.
    with open_home(tmp_path / "replaced", embedder) as reverie:
        import_vault(reverie, target, PASSPHRASE, mode="replace")
        assert colour_groups(reverie.store) == groups
        assert _by_global_id(reverie) == placed
