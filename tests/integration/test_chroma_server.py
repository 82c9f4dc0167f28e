"""The opt-in Chroma server: the vector index in a real `chroma run` on 127.0.0.1, started by
this module, with the recall tests run against it.

The network guard lets through exactly this server's loopback address and port, for this
module only (ALLOWED_ADDRESSES here, REVERIE_NETGUARD_ALLOW for the CLI processes it starts).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest

from app.core.errors import EnvironmentProblem, InputError
from app.runtime import Reverie
from app.settings import Settings
from app.storage.chroma_index import ChromaIndex
from app.storage.chroma_server import ChromaServer, ChromaServerIndex
from tests.helpers import NOW, SAMPLE, run_cli

# The recall tests, collected again here: they take `reverie` from this module's fixture,
# so every one of them runs against the server.
from tests.integration.test_recall import *  # noqa: F403

CHROMA = Path(sys.executable).parent / "chroma"
_collections = count()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    folder = tmp_path_factory.mktemp("chroma-server")
    guard = sys.modules["sitecustomize"]
    guard.ALLOWED_ADDRESSES.add(("127.0.0.1", port))
    log = (folder / "server.log").open("w")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    server = subprocess.Popen(
        [str(CHROMA), "run", "--host", "127.0.0.1", "--port", str(port), "--path",
         str(folder / "data")],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError(
                        f"chroma run did not start:\n{(folder / 'server.log').read_text()}"
                    ) from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        guard.ALLOWED_ADDRESSES.discard(("127.0.0.1", port))


@pytest.fixture
def reverie(tmp_path: Path, embedder, chroma_server: str) -> Iterator[Reverie]:  # type: ignore[no-untyped-def]
    """A store whose vector index is a fresh collection on the server."""
    home = tmp_path / "home"
    home.mkdir()
    Settings(vector_server=chroma_server,
             vector_collection=f"test-{os.getpid()}-{next(_collections)}").save(home)  # fmt: skip
    with Reverie(home, clock=lambda: NOW, embedder=embedder) as instance:
        assert isinstance(instance.index, ChromaServerIndex)
        yield instance


def test_the_vectors_live_on_the_server_not_in_the_data_folder(
    reverie: Reverie, chroma_server: str
) -> None:
    from app.services.ingest import ingest_file

    report = ingest_file(reverie.store, reverie.index, SAMPLE, fmt="jsonl", now=NOW,
                         params=reverie.params)  # fmt: skip
    import chromadb

    client = chromadb.HttpClient(host="127.0.0.1", port=int(chroma_server.rsplit(":", 1)[1]))
    assert isinstance(reverie.index, ChromaServerIndex)
    stored = client.get_collection(reverie.index.server.collection).count()
    client.close()
    assert stored == 2 * reverie.store.counts()["memories"] == 2 * report.indexed  # both views
    assert not (reverie.home / "vectors").exists()


def test_doctor_and_the_index_command_name_the_index_in_use(
    tmp_path: Path, chroma_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    run_cli("ingest", str(SAMPLE), home=home)
    local = json.loads(run_cli("index", "--json", home=home).stdout)
    assert local["index"].startswith("local folder") and local["server"] is None
    # The CLI processes may reach this server's port, and only that.
    monkeypatch.setenv("REVERIE_NETGUARD_ALLOW", chroma_server.removeprefix("http://"))
    moved = run_cli("index", "--server", chroma_server, "--collection", f"cli-{os.getpid()}",
                    "--json", home=home)  # fmt: skip
    report = json.loads(moved.stdout)
    assert report["index"].startswith(f"Chroma server {chroma_server}")
    assert report["rebuilt"] > 0
    doctor = json.loads(run_cli("doctor", "--json", home=home, check=False).stdout)
    [check] = [c for c in doctor["checks"] if c["name"] == "vector index"]
    assert check["status"] == "ok", check
    assert f"Chroma server {chroma_server}" in check["detail"]
    found = json.loads(run_cli("search", "What book did Priya recommend?", "--json",
                               home=home).stdout)  # fmt: skip
    assert found[0]["source"]["id"] == "m08"
    back = json.loads(run_cli("index", "--local", "--json", home=home).stdout)
    assert back["index"].startswith("local folder") and back["rebuilt"] > 0


def test_an_unreachable_server_is_a_clear_error_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    port = _free_port()  # nothing listens there
    monkeypatch.setenv("REVERIE_NETGUARD_ALLOW", f"127.0.0.1:{port}")
    result = run_cli("index", "--server", f"http://127.0.0.1:{port}", home=home, check=False)
    assert result.returncode == 1
    assert "cannot use the Chroma server at http://127.0.0.1:" in result.stderr
    assert Settings.load(home).vector_server == ""


def test_the_default_is_the_local_index(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    with Reverie(tmp_path / "home", embedder=embedder) as instance:
        assert type(instance.index) is ChromaIndex
        assert instance.index.where == f"local folder {tmp_path / 'home' / 'vectors'}"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://homeserver:8000", ("homeserver", 8000, False)),
        ("https://vectors.example.org", ("vectors.example.org", 443, True)),
        ("192.168.1.20:9000", ("192.168.1.20", 9000, False)),
    ],
)
def test_server_addresses(url: str, expected: tuple[str, int, bool]) -> None:
    server = ChromaServer.parse(url)
    assert (server.host, server.port, server.ssl) == expected


@pytest.mark.parametrize("url", ["ftp://host:21", "http://host:8000/api", "http://", "http://h:x"])
def test_bad_server_addresses_are_refused(url: str) -> None:
    with pytest.raises(InputError):
        Settings(vector_server=url)


def test_a_server_that_is_gone_is_an_environment_problem(embedder) -> None:  # type: ignore[no-untyped-def]
    from app.embed.chroma_function import MiniLmChromaFunction

    port = _free_port()
    guard = sys.modules["sitecustomize"]
    guard.ALLOWED_ADDRESSES.add(("127.0.0.1", port))
    try:
        index = ChromaServerIndex(ChromaServer.parse(f"127.0.0.1:{port}"),
                                  MiniLmChromaFunction(embedder))  # fmt: skip
        with pytest.raises(EnvironmentProblem, match="reverie index --local"):
            index.count()
    finally:
        guard.ALLOWED_ADDRESSES.discard(("127.0.0.1", port))
