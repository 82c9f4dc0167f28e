"""The vector index in a Chroma server the user runs (a home server), instead of the folder
beside the memory store. Off unless the settings name a server (`reverie index --server URL`).

Only ids and vectors go to the server, as with the local index; the memory store, the token
vectors for the rerank and everything else stay on this machine. The index stays derived:
`reverie reindex` rebuilds it from SQLite on the server as it does locally.

Authentication: Chroma's own server (`chroma run`) has none; a server behind a proxy that
asks for a token gets it as `Authorization: Bearer …`, read from $REVERIE_CHROMA_TOKEN or
else from the OS keyring (service "reverie", user "chroma-server"): never from the settings
file, which is not a place for secrets.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.core.errors import EnvironmentProblem, InputError
from app.storage.chroma_index import COLLECTION, ChromaIndex
from app.storage.token_vectors import TokenVectorStore

TOKEN_ENV = "REVERIE_CHROMA_TOKEN"
KEYRING_SERVICE, KEYRING_USER = "reverie", "chroma-server"


@dataclass(frozen=True)
class ChromaServer:
    host: str
    port: int
    ssl: bool
    collection: str = COLLECTION

    @classmethod
    def parse(cls, url: str, collection: str = COLLECTION) -> ChromaServer:
        """'http://host:8000' or 'https://host' (port 443) or 'host:8000' (http)."""
        text = url.strip()
        parts = urlsplit(text if "://" in text else f"http://{text}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(f"{url!r} is not a Chroma server address (http://HOST:PORT)")
        if parts.path.strip("/") or parts.query:
            raise InputError(f"{url!r}: give the server's address only (http://HOST:PORT)")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 8000)
        except ValueError:
            raise InputError(f"{url!r} has no valid port") from None
        if not collection.strip():
            raise InputError("the Chroma collection name is empty")
        return cls(parts.hostname, port, parts.scheme == "https", collection.strip())

    @property
    def url(self) -> str:
        return f"{'https' if self.ssl else 'http'}://{self.host}:{self.port}"


def server_token() -> str | None:
    token = os.environ.get(TOKEN_ENV)
    if token:
        return token
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            return keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
        except KeyringError:
            return None
    except ImportError:
        return None


class ChromaServerIndex(ChromaIndex):
    """ChromaIndex over HTTP: the same views, ids and queries; only the client differs."""

    def __init__(
        self,
        server: ChromaServer,
        embedding_function: Any,
        tokens: TokenVectorStore | None = None,
        token: str | None = None,
    ) -> None:
        super().__init__(Path(server.url), embedding_function, tokens)
        self.server = server
        self._token = token

    @property
    def where(self) -> str:
        return f"Chroma server {self.server.url}, collection {self.server.collection!r}"

    @property
    def collection(self) -> Any:
        if self._collection is None:
            import chromadb
            from chromadb.config import Settings

            headers = {"Authorization": f"Bearer {self._token}"} if self._token else None
            try:
                self._client = chromadb.HttpClient(
                    host=self.server.host,
                    port=self.server.port,
                    ssl=self.server.ssl,
                    headers=headers,
                    settings=Settings(anonymized_telemetry=False),
                )
                self._collection = self._client.get_or_create_collection(
                    self.server.collection,
                    embedding_function=self._embedding_function,
                    configuration={"hnsw": {"space": "cosine"}},
                )
            except Exception as error:  # connection refused, auth, TLS: each its own type
                self._client = None
                raise EnvironmentProblem(
                    f"cannot use the Chroma server at {self.server.url}: {error}. Check that "
                    "it runs (chroma run --host HOST --port PORT --path DIR), or go back to "
                    "the local index with `reverie index --local`."
                ) from error
        return self._collection

    def close_client(self) -> None:
        """Close the HTTP client's connections to the server (Reverie.close calls it)."""
        if self._client is not None:
            self._client.close()
            self._client = self._collection = None

    def reset(self) -> None:
        """Drop this store's collection on the server (others on it are left alone)."""
        _ = self.collection
        self._client.delete_collection(self.server.collection)
        self._collection = None
        self._count = None
        if self.tokens is not None:
            self.tokens.reset()
