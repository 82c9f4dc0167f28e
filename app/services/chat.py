"""A chat with Reverie: what the user says is evidence like any imported message, so
"remember that I..." needs no special command; it flows through extraction (post-answer
reflection, as in Think-in-Memory and Mem0)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from app.core.forgetting import ForgettingParams
from app.core.records import Message
from app.services.answer import Answer, answer_question
from app.services.extract import Extractor, ExtractReport
from app.services.index_sync import sync_index
from app.storage.chroma_index import ChromaIndex
from app.storage.sqlite_store import ImportRequest, SqliteMemoryStore


class ChatSession:
    def __init__(
        self,
        store: SqliteMemoryStore,
        index: ChromaIndex,
        model: Any,
        params: ForgettingParams,
        speaker: str = "me",
    ) -> None:
        self.store, self.index, self.model, self.params = store, index, model, params
        self.speaker = speaker

    def _message(self, text: str, role: str, now: datetime) -> Message:
        digest = hashlib.sha1(f"{now.isoformat()}|{role}|{text}".encode()).hexdigest()[:16]
        speaker = self.speaker if role == "user" else "Reverie"
        return Message(digest, f"chat-{now:%Y-%m-%d}", now, role, text, speaker)

    def say(
        self, text: str, now: datetime, on_token: Callable[[str], None] | None = None
    ) -> Answer:
        # Answer first, so the message does not retrieve itself as its own best memory.
        answer = answer_question(
            text,
            store=self.store,
            index=self.index,
            model=self.model,
            now=now,
            params=self.params,
            on_token=on_token,
        )
        exchange = [self._message(text, "user", now), self._message(answer.text, "assistant", now)]
        # One transaction for the exchange. Reverie's reply is kept as evidence of the
        # conversation, but only what the user says becomes memories (answers are derived
        # from memories already).
        self.store.add_messages(
            ImportRequest(exchange, "chat", None, "chat", exchange[0].original_id,
                          frozenset({"user"})),
            now, self.params,
        )  # fmt: skip
        sync_index(self.store, self.index)
        return answer

    def reflect(self, now: datetime, max_batches: int | None = None) -> ExtractReport:
        """Extract memories from what was said (the app runs this in the background)."""
        return Extractor(self.store, self.index, self.model, self.params).run(
            now, max_batches=max_batches
        )
