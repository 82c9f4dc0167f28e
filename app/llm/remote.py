"""RemoteModel: a llama.cpp server (OpenAI-compatible HTTP) on another machine of the user's.

Off by default: only a `server_url` in the settings makes Reverie use it, and this module is
imported only then. The default configuration opens no network connection at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from app.core.errors import EnvironmentProblem, InputError

ChatMessages = list[dict[str, str]]


@dataclass(frozen=True)
class RemoteSettings:
    context_tokens: int = 4096
    timeout_s: float = 120.0


class RemoteModel:
    def __init__(self, url: str, settings: RemoteSettings | None = None) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(f"server_url {url!r} must look like http://host:8080")
        self.url = url
        self._parts = parts
        self._host: str = parts.hostname
        self.settings = settings or RemoteSettings()

    @property
    def name(self) -> str:
        return self.url

    def _connection(self) -> Any:
        import http.client

        kind = (
            http.client.HTTPSConnection
            if self._parts.scheme == "https"
            else http.client.HTTPConnection
        )
        return kind(self._host, self._parts.port, timeout=self.settings.timeout_s)

    def _post(self, body: dict[str, Any]) -> Any:
        connection = self._connection()
        try:
            connection.request(
                "POST", self._parts.path.rstrip("/") + "/v1/chat/completions",
                body=json.dumps(body), headers={"Content-Type": "application/json"},
            )  # fmt: skip
            response = connection.getresponse()
        except OSError as error:
            connection.close()
            raise EnvironmentProblem(
                f"cannot reach the model server at {self.url}: {error}"
            ) from None
        if response.status != 200:
            detail = response.read(300).decode(errors="replace")
            connection.close()
            raise EnvironmentProblem(
                f"the model server at {self.url} answered {response.status}: {detail}"
            )
        return connection, response

    def preload(self) -> None:
        pass  # nothing to load locally

    def prime(self, messages: ChatMessages) -> None:
        pass

    def count_tokens(self, text: str) -> int:
        return max(1, len(text) // 4)  # the server's tokenizer is remote; budget conservatively

    def complete_json(
        self, messages: ChatMessages, schema: dict[str, Any], max_tokens: int
    ) -> tuple[str, str]:
        connection, response = self._post({
            "messages": messages, "max_tokens": max_tokens, "temperature": 0.0,
            "response_format": {"type": "json_object", "schema": schema},
        })  # fmt: skip
        try:
            reply = json.loads(response.read())
        finally:
            connection.close()
        choice = reply["choices"][0]
        return choice["message"].get("content") or "", choice.get("finish_reason") or ""

    def stream_chat(self, messages: ChatMessages, max_tokens: int) -> Iterator[str]:
        connection, response = self._post(
            {"messages": messages, "max_tokens": max_tokens, "temperature": 0.0, "stream": True}
        )
        try:
            for raw in response:
                line = raw.decode().strip()
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    break
                piece = json.loads(data)["choices"][0]["delta"].get("content")
                if piece:
                    yield piece
        finally:
            connection.close()

    def close(self) -> None:
        pass
