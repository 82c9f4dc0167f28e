"""ChatGPT data export: conversations.json (a list of conversations with a message tree)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.core.errors import InputError
from app.core.records import Message
from app.importers.reading import SourceText, load_json, require

ROLES = {"user": "user", "assistant": "assistant"}  # system and tool turns are not memories


def _text(message: dict[str, Any]) -> str:
    content = message.get("content") or {}
    parts = content.get("parts") if isinstance(content, dict) else None
    if not isinstance(parts, list):
        text = content.get("text") if isinstance(content, dict) else None
        return text.strip() if isinstance(text, str) else ""
    return "\n".join(p for p in parts if isinstance(p, str)).strip()


def _epoch(value: Any) -> datetime | None:
    if isinstance(value, int | float) and value > 0:
        return datetime.fromtimestamp(value, tz=UTC)
    return None


def _branch(mapping: dict[str, Any], current: Any) -> list[dict[str, Any]]:
    """The conversation as the user last saw it: follow parents up from the current node."""
    nodes: list[dict[str, Any]] = []
    node_id = current if current in mapping else None
    guard = 0
    while node_id is not None and guard <= len(mapping):
        node = mapping[node_id]
        nodes.append(node)
        node_id = node.get("parent")
        guard += 1
    if nodes:
        return nodes[::-1]
    # No current node recorded: keep every message, in time order.
    return sorted(mapping.values(), key=lambda n: (n.get("message") or {}).get("create_time") or 0)


def parse(source: SourceText) -> list[Message]:
    data = load_json(source)
    require(
        isinstance(data, list),
        "a ChatGPT export (conversations.json) is a JSON list",
        source=source.name,
        position="top level",
    )
    messages: list[Message] = []
    for index, conversation in enumerate(data):
        where = f"conversation {index + 1}"
        mapping = conversation.get("mapping") if isinstance(conversation, dict) else None
        require(
            isinstance(mapping, dict),
            'each conversation needs a "mapping" object',
            source=source.name,
            position=where,
        )
        assert isinstance(conversation, dict) and isinstance(mapping, dict)
        session = str(
            conversation.get("conversation_id")
            or conversation.get("id")
            or f"{conversation.get('title') or 'chat'}@{conversation.get('create_time')}"
        )
        started = _epoch(conversation.get("create_time"))
        for node in _branch(mapping, conversation.get("current_node")):
            message = node.get("message") if isinstance(node, dict) else None
            if not isinstance(message, dict):
                continue
            author = message.get("author") or {}
            role = ROLES.get(str(author.get("role"))) if isinstance(author, dict) else None
            text = _text(message)
            if role is None or not text:
                continue
            message_id = message.get("id") or node.get("id")
            if not message_id:
                raise InputError("a message has no id", source=source.name, position=where)
            messages.append(
                Message(
                    str(message_id),
                    session,
                    _epoch(message.get("create_time")) or started,
                    role,
                    text,
                    None,
                    position=f"{where}, message {message_id}",
                )
            )
    return messages
