"""The kinds of record a vault carries and the fields of each, shared by the export
(app/storage/vault_export.py) and the merge (app/storage/vault_merge.py).

Identity across computers: evidence and memories by `uid` (schema 7), evidence also by its
dedup key (the same message imported on both sides); entities by (name, kind); links by what
they join; episodes by (started_at, app, title); frames by (captured_at, monitor, dhash);
history entries by their whole content, so entries from both sides are kept once each;
chat citation chips by their answer's evidence uid and rank, naming the memory by uid.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from app.core.merge_policy import KINDS

MEMORY_FIELDS = (
    "kind", "text", "context", "subject", "event_time", "observed_at", "valid_from", "valid_to",
    "importance", "stability_days", "last_recalled_at", "recall_count", "pinned", "archived_at",
    "origin", "reviewed_at", "role", "attribute", "value",
)  # fmt: skip
EVIDENCE_FIELDS = (
    "dedup_key", "original_id", "session", "seq", "timestamp", "role", "speaker", "content",
    "source_kind", "source_path",
)  # fmt: skip
BATCH = 2000
# Fields a vault from an older Reverie may lack (added by later migrations), and their value.
MEMORY_DEFAULTS: dict[str, Any] = {
    "context": "", "reviewed_at": None, "role": None, "attribute": None, "value": None,
    "review": None, "superseded_by": None, "history": [],
}  # fmt: skip
LINK_REFERENCES = ("id", "memory_id", "target_memory_id", "entity_id")


def history_key(memory_uid: str, row: dict[str, Any]) -> str:
    text = json.dumps(
        [memory_uid, row["at"], row["action"], row["reason"], row["before"], row["after"]]
    )
    return hashlib.sha256(text.encode()).hexdigest()


# Tables of later schemas, carried when this store has them: the memory graph's (schema 8):
# the user's entity renames, merges and splits (not derivable), which evidence the recogniser
# read, and the graph view's saved node positions and colour groups (schema 12); the chat's
# citation chips of each answer (schema 13).
OPTIONAL_TABLES = (
    ("entity_choice", "entity_choices"), ("entity_read", "entity_reads"),
    ("colour_group", "graph_colour_groups"), ("position", "graph_positions"),
    ("chat_citation", "chat_citations"),
)  # fmt: skip
# Kinds of record reported on besides the core's KINDS: the graph view's own choices, and the
# chat's citation chips.
VIEW_KINDS = ("colour_group", "position")
CHAT_KINDS = ("chat_citation",)
REPORTED_KINDS = (*KINDS, *VIEW_KINDS, *CHAT_KINDS)
