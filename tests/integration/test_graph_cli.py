"""`reverie entities` and `reverie graph export` as a user runs them, and the graph surviving
`reverie reindex` with the user's choices; `doctor` checks it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.helpers import SAMPLE, run_cli

pytestmark = pytest.mark.slow


def as_json(*args: str, home: Path) -> object:
    return json.loads(run_cli(*args, "--json", home=home).stdout)


def test_entities_and_export_from_the_terminal(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run_cli("ingest", str(SAMPLE), home=home)
    listed = as_json("entities", "list", home=home)
    assert isinstance(listed, list)
    by_name = {e["name"]: e for e in listed}
    assert by_name["Ana"]["type"] == "person" and by_name["Ana"]["memories"] >= 3
    assert by_name["Manchester"]["type"] == "place"
    user = next(e for e in listed if e["type"] == "user")
    assert "Sam" in user["names"]  # the name the user signs with is the user

    shown = as_json("entities", "show", "ana", home=home)
    assert isinstance(shown, dict) and shown["memory_ids"]

    renamed = as_json("entities", "rename", "Ana", "Ana Costa", home=home)
    assert isinstance(renamed, dict) and renamed["name"] == "Ana Costa"
    merged = as_json("entities", "merge", "Headingley", "Leeds", home=home)
    assert isinstance(merged, dict) and merged["name"] == "Leeds"
    assert "Headingley" in merged["names"]
    # A choice that cannot apply is refused with a clear message and changes nothing.
    bad = run_cli("entities", "merge", "Nobody", "Leeds", home=home, check=False)
    assert bad.returncode != 0 and "no entity is called 'Nobody'" in bad.stderr

    # reindex rebuilds entities and links from SQLite and replays the choices.
    rebuilt = as_json("reindex", home=home)
    assert isinstance(rebuilt, dict) and rebuilt["graph"]["relations"] >= 3
    again = {e["name"]: e for e in as_json("entities", "list", home=home)}  # type: ignore[union-attr]
    assert "Ana Costa" in again and "Ana" not in again and "Headingley" not in again
    assert "Headingley" in again["Leeds"]["names"]

    doctor = as_json("doctor", home=home)
    assert isinstance(doctor, dict)
    graph_check = next(c for c in doctor["checks"] if c["name"] == "memory graph")
    assert graph_check["status"] == "ok"

    out = tmp_path / "graph.graphml"
    report = as_json("graph", "export", str(out), home=home)
    assert isinstance(report, dict) and report["format"] == "graphml" and report["nodes"] > 20
    root = ET.parse(out).getroot()
    labels = {d.text for d in root.iter("{http://graphml.graphdrawing.org/xmlns}data")}
    assert "Ana Costa" in labels and "lives in" in labels

    early = tmp_path / "early.json"
    run_cli("graph", "export", str(early), "--as-of", "2026-03-01", home=home)
    data = json.loads(early.read_text())
    texts = {n["label"] for n in data["nodes"]}
    assert "Manchester" not in texts  # first named in March
    assert all(n["learned_at"] is None or n["learned_at"] < "2026-03-01T00:00:01"
               for n in data["nodes"])  # fmt: skip
    bad_time = run_cli("graph", "export", str(early), "--as-of", "soon", home=home, check=False)
    assert bad_time.returncode != 0 and "ISO-8601" in bad_time.stderr
