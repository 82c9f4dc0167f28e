"""The `reverie` command as a user runs it: a separate process, network blocked."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.core.errors import ReverieError
from tests.helpers import SAMPLE, cli_env, run_cli, store_connection, write_fake_gguf


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cli") / "home"
    run_cli("ingest", str(SAMPLE), home=home)
    return home


def as_json(*args: str, home: Path) -> object:
    return json.loads(run_cli(*args, "--json", home=home).stdout)


def test_search_json_has_the_documented_shape(home: Path) -> None:
    results = as_json("search", "sister's name", "-k", "2", "--now", "2026-05-20", home=home)
    assert isinstance(results, list) and len(results) == 2
    top = results[0]
    assert set(top) >= {"id", "kind", "text", "score", "retention", "event_time", "source"}
    assert top["source"]["id"] == "m03" and top["source"]["session"] == "2026-02-02"


def test_batch_search_writes_one_line_per_query(home: Path, tmp_path: Path) -> None:
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        '{"query": "coffee"}\n\n{"query": "What did I cook last week?", '
        '"now": "2026-05-20T12:00:00"}\n'
    )
    lines = run_cli("search", "--queries", str(queries), home=home).stdout.splitlines()
    assert len(lines) == 2
    second = json.loads(lines[1])
    assert second["query"] == "What did I cook last week?"
    assert second["results"][0]["source"]["id"] == "m19"


def test_memory_management_round_trip(home: Path) -> None:
    [top] = as_json("search", "coffee order", "-k", "1", home=home)  # type: ignore[misc]
    mid = str(top["id"])
    assert as_json("memories", "pin", mid, home=home)["pinned"] is True  # type: ignore[index]
    assert as_json("memories", "unpin", mid, home=home)["pinned"] is False  # type: ignore[index]
    assert as_json("memories", "forget", mid, home=home)["archived_at"]  # type: ignore[index]
    archived = as_json("memories", "list", "--archived", home=home)
    assert [m["id"] for m in archived] == [top["id"]]  # type: ignore[union-attr,index]
    assert as_json("memories", "restore", mid, home=home)["archived_at"] is None  # type: ignore[index]
    history = as_json("memories", "history", mid, home=home)
    assert [h["action"] for h in history] == ["add", "pin", "unpin", "archive", "restore"]  # type: ignore[union-attr,index]
    shown = as_json("memories", "show", mid, home=home)
    assert shown["evidence"][0]["content"].startswith("Note to self")  # type: ignore[index]


def test_unknown_memory_is_a_clear_error(home: Path) -> None:
    result = run_cli("memories", "show", "999999", home=home, check=False)
    assert result.returncode == 1
    assert "no memory #999999" in result.stderr and "Traceback" not in result.stderr


def test_decay_archives_faded_memories_and_dry_run_changes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "decay"
    run_cli("ingest", str(SAMPLE), home=home)
    far = "2030-01-01T00:00:00"
    dry = as_json("decay", "--now", far, "--dry-run", home=home)
    assert len(dry["archived"]) == dry["checked"] > 0  # type: ignore[index,arg-type]
    assert as_json("stats", home=home)["archived"] == 0  # type: ignore[index]
    [first] = as_json("search", "coffee", "-k", "1", home=home)  # type: ignore[misc]
    run_cli("memories", "pin", str(first["id"]), home=home)
    done = as_json("decay", "--now", far, home=home)
    assert first["id"] not in [m["id"] for m in done["archived"]]  # type: ignore[index]
    stats = as_json("stats", home=home)
    assert stats["archived"] == stats["memories"] - 1  # type: ignore[index]
    assert as_json("decay", "--now", far, home=home)["archived"] == []  # type: ignore[index]


def test_stats_doctor_and_reindex(home: Path) -> None:
    stats = as_json("stats", home=home)
    assert stats["evidence"] == len(SAMPLE.read_text().splitlines())  # type: ignore[index]
    doctor = as_json("doctor", home=home)
    assert doctor["healthy"] is True, doctor  # type: ignore[index]
    assert {c["name"] for c in doctor["checks"]} >= {"data folder", "embedder", "vector index"}  # type: ignore[index]
    assert as_json("reindex", home=home)["reindexed"] == stats["memories"]  # type: ignore[index]


def test_bad_input_exits_1_with_the_position(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"role": "user", "content": "a", "timestamp": "2024-01-01"}\n{oops\n')
    result = run_cli("ingest", str(bad), home=tmp_path / "h", check=False)
    assert result.returncode == 1
    assert "bad.jsonl, line 2" in result.stderr and "Traceback" not in result.stderr
    assert as_json("stats", home=tmp_path / "h")["evidence"] == 0  # type: ignore[index]


def test_home_option_overrides_the_environment(tmp_path: Path) -> None:
    explicit = tmp_path / "explicit"
    run_cli("ingest", str(SAMPLE), "--home", str(explicit), home=tmp_path / "env")
    assert (explicit / "memory.sqlite3").exists()
    assert not (tmp_path / "env" / "memory.sqlite3").exists()


def test_killing_an_ingest_loses_nothing_committed(tmp_path: Path) -> None:
    """SIGKILL mid-ingest: what was committed stays, `doctor` reports a consistent store, and
    running the import again completes it exactly once."""
    big = tmp_path / "big.jsonl"
    with big.open("w") as out:
        for i in range(3000):
            out.write(
                json.dumps(
                    {
                        "id": f"x{i}",
                        "session": f"s{i // 50}",
                        "role": "user",
                        "timestamp": f"2024-01-{1 + i // 150:02d}T10:00:00Z",
                        "content": f"Message {i}: I went to place number {i} "
                        f"and met friend {i % 37} there.",
                    }
                )
                + "\n"
            )
    home = tmp_path / "killed"
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "ingest", str(big)],
        env=cli_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    db = home / "memory.sqlite3"
    # Generous: on a loaded machine the import's first half (3,000 messages read by the
    # fact rules and the entity recogniser) can take minutes; this is no timing assertion.
    deadline = time.monotonic() + 400
    from app.storage import sqlcipher

    committed = 0
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        if db.exists():
            try:
                conn = store_connection(home)
                try:
                    committed = conn.execute("SELECT count(*) FROM evidence").fetchone()[0]
                    pending = conn.execute("SELECT count(*) FROM index_outbox").fetchone()[0]
                finally:
                    conn.close()
            except (sqlcipher.Error, ReverieError):
                continue
            if committed and pending and pending < committed:
                break  # the messages are committed and indexing is under way
    assert process.poll() is None, "ingest finished before it could be interrupted"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert committed == 3000  # the import's SQLite half is one transaction

    doctor = as_json("doctor", home=home)
    assert doctor["healthy"] is True, doctor  # type: ignore[index]
    assert doctor["healed_index_updates"] > 0  # type: ignore[index]
    stats = as_json("stats", home=home)
    assert (stats["evidence"], stats["memories"], stats["pending_index"]) == (3000, 3000, 0)  # type: ignore[index]
    again = as_json("ingest", str(big), home=home)
    assert (again["added"], again["duplicates"]) == (0, 3000)  # type: ignore[index]
    hits = as_json("search", "place number 2345", "-k", "3", home=home)
    assert "x2345" in [h["source"]["id"] for h in hits]  # type: ignore[union-attr,index]


def test_global_options_go_before_or_after_the_command(home: Path, tmp_path: Path) -> None:
    """`reverie --home DIR search …` as with `git -C`; given twice, the later one counts."""
    elsewhere = tmp_path / "empty"
    before = run_cli("--home", str(home), "--json", "search", "coffee", "-k", "1",
                     home=elsewhere).stdout  # fmt: skip
    after = run_cli("search", "coffee", "-k", "1", "--home", str(home), "--json",
                    home=elsewhere).stdout  # fmt: skip
    # Same results (scores may differ in the last digits: ONNX sums in parallel).
    assert [h["id"] for h in json.loads(before)] == [h["id"] for h in json.loads(after)]
    assert json.loads(before)[0]["source"]["id"] == "m04"
    both = run_cli("--home", str(elsewhere), "stats", "--home", str(home), "--json", home=home)
    assert json.loads(both.stdout)["evidence"] > 0
    dated = run_cli("--now", "2030-01-01", "memories", "list", "--json", "--limit", "1",
                    home=home).stdout  # fmt: skip
    assert json.loads(dated)[0]["retention"] < 0.5  # read at the time given before the command
    assert not (elsewhere / "memory.sqlite3").exists()


def test_a_global_option_the_command_does_not_take_is_refused(home: Path) -> None:
    result = run_cli("--now", "2030-01-01", "stats", home=home, check=False)
    assert result.returncode == 2
    assert "--now does not apply to `reverie stats`" in result.stderr
    result = run_cli("--model", "x.gguf", "search", "coffee", home=home, check=False)
    assert result.returncode == 2 and "--model does not apply" in result.stderr


def test_models_lists_what_other_apps_downloaded(tmp_path: Path) -> None:
    """A user who tried Ollama finds its models in `reverie models`, by Ollama's name, and
    chooses one by that name."""
    fake_home = tmp_path / "user"
    digest = "e" * 64
    blobs = fake_home / ".ollama" / "models" / "blobs"
    write_fake_gguf(blobs / f"sha256-{digest}", file_type=15)
    manifest = fake_home / ".ollama/models/manifests/registry.ollama.ai/library/qwen2.5/1.5b"
    manifest.parent.mkdir(parents=True)
    layer = {"mediaType": "application/vnd.ollama.image.model", "digest": f"sha256:{digest}"}
    manifest.write_text(json.dumps({"schemaVersion": 2, "layers": [layer]}))
    env = {**cli_env(tmp_path / "h"), "HOME": str(fake_home)}
    for variable in ("OLLAMA_MODELS", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        env.pop(variable, None)

    def models(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "app", "models", *args], env=env,
                              capture_output=True, text=True, check=True, timeout=120)  # fmt: skip

    listing = json.loads(models("--json").stdout)
    assert listing["recommended"]["memory_bytes"] > 0 and listing["recommended"]["label"]
    [qwen] = [m for m in listing["models"] if m["name"] == "qwen2.5:1.5b"]
    assert qwen["source"] == "Ollama" and qwen["path"] == str(blobs / f"sha256-{digest}")
    assert (qwen["parameters_b"], qwen["quantization"]) == (1.5, "Q4_K_M")
    assert qwen["best_fit"] is True  # 1.5B suits any machine with 4 GB or more
    bundled = [m for m in listing["models"] if m["source"] == "bundled"]
    assert bundled and bundled[0]["chosen"] is True
    text = models().stdout
    assert "GB of memory" in text and "qwen2.5:1.5b" in text and "[Ollama]" in text
    assert "best fit" in text
    models("--use", "qwen2.5:1.5b")
    [qwen] = [m for m in json.loads(models("--json").stdout)["models"] if m["source"] == "Ollama"]
    assert qwen["chosen"] is True
