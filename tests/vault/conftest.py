"""A home with every kind of record a vault carries, built once per module, and ways to compare
two homes by what a user would notice (global ids, not local row numbers)."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from app.capture.keys import decrypt
from app.capture.thumbnails import write_thumbnail
from app.core.records import MemoryKind
from app.home import DB_NAME
from app.runtime import Reverie
from app.services.chat import ChatSession
from app.services.conversations import past_conversation
from app.services.ingest import ingest_file
from app.services.recall import RecallOptions, search
from app.services.vault import export_vault
from app.storage.capture_store import CaptureStore, NewFrame
from app.vault.header import CHEAP_KDF
from tests.helpers import NOW

CHAT = Path(__file__).parent / "rich_chat.jsonl"
PASSPHRASE = "correct horse battery staple"
THUMB_KEY = bytes(range(32))
CONVERSATION = "chat-2026-05-20T12-00-00-abcdef"  # a conversation in Reverie's own chat
QUERIES = (
    "where do I live",
    "who is my manager",
    "how do I make lentil dal",
    "dentist appointment",
    "holiday flights",
    "invoice on screen",
)


def open_home(home: Path, embedder: Any, now: datetime = NOW) -> Reverie:
    return Reverie(home, clock=lambda: now, embedder=embedder)


def build_rich_home(home: Path, embedder: Any) -> None:
    """Typed memories with a superseded fact, history, a pin, an archived memory, a recall,
    entities and links, screen frames with an encrypted thumbnail, and a conversation in
    Reverie's chat whose answers cite memories (their chips)."""
    with open_home(home, embedder) as reverie:
        ingest_file(
            reverie.store,
            reverie.index,
            CHAT,
            fmt="auto",
            now=NOW,
            params=reverie.params,
            entities=reverie.entities,
        )
        store = reverie.store
        semantic = store.list_memories(kind=MemoryKind.SEMANTIC, archived=None, limit=100)
        assert any(m.valid_to is not None for m in semantic), "the fixture needs a superseded fact"
        raw = store.list_memories(kind=MemoryKind.EPISODIC, limit=100)
        store.set_pinned(raw[0].id, True, NOW)
        store.archive(raw[1].id, NOW, "faded (test)")
        store.record_recall(raw[2].id, NOW, 9.5, "recalled (test)")
        captures = CaptureStore(store)
        episode = captures.start_episode("Firefox", "Invoice 2291 - Mail", NOW)
        for n, text in enumerate(("Invoice 2291 from Northwind, due 30 May", "")):
            frame = NewFrame(
                NOW + timedelta(seconds=5 * n),
                0,
                "Firefox",
                "Invoice 2291 - Mail",
                f"{n:016x}",
                text,
                0,
            )
            frame_id, _ = captures.add_frame(episode, frame, NOW, reverie.params)
            picture = Image.new("RGB", (64, 40), (200, 30 * n, 90))
            path, size = write_thumbnail(home / "captures", f"frame-{frame_id}", picture, THUMB_KEY)
            captures.set_thumbnail(frame_id, path, size)
        opened = captures.open_episode()
        assert opened is not None
        captures.close_episode(
            opened, "Read invoice 2291 from Northwind in the mail.", NOW, reverie.params
        )
        reverie.heal()  # index the screens' memories, as the capture agent does
        chat = ChatSession(store, reverie.index, reverie.model, reverie.params,
                           session=CONVERSATION)  # fmt: skip
        chat.say("My bike lock code is 4417.", NOW)
        asked = chat.say("Where do I live now?", NOW + timedelta(minutes=1))
        assert asked.citations, "the fixture needs an answer that cites memories"


@pytest.fixture(scope="module")
def rich_home(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Path:
    home = tmp_path_factory.mktemp("rich") / "home"
    build_rich_home(home, embedder)
    return home


@pytest.fixture(scope="module")
def rich_vault(rich_home: Path, embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("vaults") / "rich.reverie-vault"
    with open_home(rich_home, embedder) as reverie:
        export_vault(
            reverie,
            target,
            PASSPHRASE,
            include_thumbnails=True,
            thumbnail_key=THUMB_KEY,
            kdf=CHEAP_KDF,
        )
    return target


def copy_home(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def db_hash(home: Path) -> str:
    """The store file's hash with no connection open (closing folds the WAL into it)."""
    assert not Path(str(home / DB_NAME) + "-wal").exists(), "close the store before hashing"
    return hashlib.sha256((home / DB_NAME).read_bytes()).hexdigest()


def state(reverie: Reverie) -> dict[str, Any]:
    """Everything a user could tell apart, keyed by global ids."""
    conn = reverie.store.conn
    uid = {r[0]: r[1] for r in conn.execute("SELECT id, uid FROM memories")}
    ev = {r[0]: r[1] for r in conn.execute("SELECT id, uid FROM evidence")}
    fields = (
        "kind",
        "text",
        "context",
        "subject",
        "event_time",
        "observed_at",
        "valid_from",
        "valid_to",
        "importance",
        "stability_days",
        "last_recalled_at",
        "recall_count",
        "pinned",
        "archived_at",
        "origin",
        "reviewed_at",
        "role",
        "attribute",
        "value",
    )
    memories = {}
    for row in conn.execute("SELECT * FROM memories"):
        evidence = sorted(
            ev[r[0]]
            for r in conn.execute(
                "SELECT evidence_id FROM memory_evidence WHERE memory_id = ?", (row["id"],)
            )
        )
        memories[row["uid"]] = (
            tuple(row[f] for f in fields),
            uid.get(row["superseded_by"]),
            tuple(evidence),
        )
    history: dict[str, list[tuple[Any, ...]]] = {}
    for row in conn.execute("SELECT * FROM history ORDER BY id"):
        if row["memory_id"] in uid:
            history.setdefault(uid[row["memory_id"]], []).append(
                (row["at"], row["action"], row["reason"], row["before"], row["after"])
            )
    entities = {(r["name"], r["kind"]) for r in conn.execute("SELECT * FROM entities")}
    names = {r["id"]: (r["name"], r["kind"]) for r in conn.execute("SELECT * FROM entities")}
    links = {
        (
            uid[r["memory_id"]],
            uid.get(r["target_memory_id"]),
            names.get(r["entity_id"]),
            r["relation"],
        )
        for r in conn.execute("SELECT * FROM links")
    }
    frames = {}
    for r in conn.execute("SELECT * FROM frames"):
        picture = None
        if r["thumbnail"]:
            file = Path(r["thumbnail"])
            picture = hashlib.sha256(
                decrypt(THUMB_KEY, file.read_bytes(), file.name.removesuffix(".webp.enc").encode())
            ).hexdigest()
        frames[(r["captured_at"], r["monitor"], r["dhash"])] = (
            r["app"],
            r["title"],
            ev.get(r["evidence_id"]),
            picture,
        )
    reviews = {
        (uid[r["memory_id"]], r["state"], r["why"], uid.get(r["replaces"]))
        for r in conn.execute("SELECT * FROM review_items")
    }
    return {
        "memories": memories,
        "conversations": conversations(reverie),
        "history": {k: sorted(v) for k, v in history.items()},
        "entities": entities,
        "links": links,
        "frames": frames,
        "reviews": reviews,
        "evidence": sorted(ev.values()),
    }


def conversations(reverie: Reverie) -> dict[str, list[tuple[Any, ...]]]:
    """Reverie's chat conversations as they are shown again (app/services/conversations.py):
    each message by its global id with what was said, and each answer's chips by the memory
    each opens (its uid; None: deleted) and the words it showed."""
    conn = reverie.store.conn
    memory_uid = {r[0]: r[1] for r in conn.execute("SELECT id, uid FROM memories")}
    sessions = [r[0] for r in conn.execute(
        "SELECT DISTINCT session FROM evidence WHERE source_kind = 'chat'")]  # fmt: skip
    shown = {}
    for session in sessions:
        past = past_conversation(reverie.store, session)
        uids = {r[0]: r[1] for r in conn.execute(
            "SELECT id, uid FROM evidence WHERE session = ?", (session,))}  # fmt: skip
        shown[session] = [
            (
                uids[m.said.id],
                m.said.role,
                m.said.speaker,
                m.said.content,
                tuple(
                    (
                        c.number,
                        memory_uid.get(c.memory_id) if c.memory else None,
                        c.excerpt,
                        c.state,
                    )
                    for c in m.citations
                ),
            )
            for m in past
        ]
    return shown


def searches(reverie: Reverie) -> dict[str, list[str]]:
    conn = reverie.store.conn
    uid = {r[0]: r[1] for r in conn.execute("SELECT id, uid FROM memories")}
    return {
        q: [
            uid[h.memory.id]
            for h in search(
                reverie.store,
                reverie.index,
                q,
                now=NOW,
                params=reverie.params,
                options=RecallOptions(k=5),
            )
        ]
        for q in QUERIES
    }


@pytest.fixture
def empty_home(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "empty"
