"""The opt-in model server: Reverie talking to an OpenAI-compatible llama.cpp endpoint.

The endpoint runs in this test on 127.0.0.1 and answers with the real bundled model; the
network guard lets loopback through for this test only.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from app.core.errors import EnvironmentProblem
from app.llm.catalog import bundled_model
from app.llm.remote import RemoteModel
from app.llm.runtime import LocalModel
from app.runtime import Reverie
from app.services.answer import answer_question
from app.services.ingest import ingest_file
from app.settings import Settings
from tests.helpers import NOW, SAMPLE


@pytest.fixture
def server() -> Iterator[str]:
    found = bundled_model()
    assert found is not None
    model = LocalModel(found.path)

    class Endpoint(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            if body.get("stream"):
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for piece in model.stream_chat(body["messages"], body["max_tokens"]):
                    chunk = {"choices": [{"delta": {"content": piece}}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")
                return
            text, finish = model.complete_json(
                body["messages"], body["response_format"]["schema"], body["max_tokens"]
            )
            reply = {"choices": [{"message": {"content": text}, "finish_reason": finish}]}
            payload = json.dumps(reply).encode()
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    guard = sys.modules["sitecustomize"]
    guard.ALLOW_LOOPBACK = True
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        guard.ALLOW_LOOPBACK = False
        model.close()


def test_answers_come_from_the_configured_server(tmp_path: Path, server: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    Settings(server_url=server).save(home)
    with Reverie(home, clock=lambda: NOW) as reverie:
        assert isinstance(reverie.model, RemoteModel)
        ingest_file(reverie.store, reverie.index, SAMPLE, fmt="jsonl", now=NOW,
                    params=reverie.params)  # fmt: skip
        answer = answer_question("What book did Priya recommend?", store=reverie.store,
                                 index=reverie.index, model=reverie.model, now=NOW,
                                 params=reverie.params)  # fmt: skip
    assert "Piranesi" in answer.text
    assert answer.citations[0].hit.sources[0].original_id == "m08"


def test_an_unreachable_server_is_a_clear_error() -> None:
    guard = sys.modules["sitecustomize"]
    guard.ALLOW_LOOPBACK = True
    try:
        remote = RemoteModel("http://127.0.0.1:9")  # the discard port: nothing listens
        with pytest.raises(EnvironmentProblem, match="cannot reach the model server"):
            list(remote.stream_chat([{"role": "user", "content": "hi"}], 5))
    finally:
        guard.ALLOW_LOOPBACK = False


def test_the_default_configuration_uses_no_server(tmp_path: Path) -> None:
    with Reverie(tmp_path / "home") as reverie:
        assert reverie.settings.server_url == ""
        assert isinstance(reverie.model, LocalModel)
