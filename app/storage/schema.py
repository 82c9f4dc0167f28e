"""The SQLite schema as an ordered list of migrations; PRAGMA user_version says how far a file is.

Never edit a released migration: append a new one. Each runs in its own transaction, so a
crash mid-upgrade leaves the file at the previous version.
"""

from __future__ import annotations

import sqlite3

from app.core.errors import EnvironmentProblem

MIGRATIONS: list[str] = [
    # 1: evidence, memories with provenance, append-only history, entities/links, index outbox.
    """
    CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL,
        format TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        messages INTEGER NOT NULL,
        added INTEGER NOT NULL
    );
    CREATE TABLE evidence (
        id INTEGER PRIMARY KEY,
        dedup_key TEXT NOT NULL UNIQUE,
        original_id TEXT NOT NULL,
        session TEXT NOT NULL,
        seq INTEGER NOT NULL,
        timestamp TEXT,
        role TEXT NOT NULL,
        speaker TEXT,
        content TEXT NOT NULL,
        source_kind TEXT NOT NULL,
        source_path TEXT,
        import_id INTEGER REFERENCES imports(id)
    );
    CREATE INDEX evidence_by_session ON evidence(session, seq);
    CREATE INDEX evidence_by_time ON evidence(timestamp);
    CREATE TABLE memories (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('episodic', 'semantic', 'procedural')),
        text TEXT NOT NULL CHECK (length(trim(text)) > 0),
        context TEXT NOT NULL DEFAULT '',
        subject TEXT,
        event_time TEXT,
        observed_at TEXT NOT NULL,
        valid_from TEXT,
        valid_to TEXT,
        superseded_by INTEGER REFERENCES memories(id),
        importance REAL NOT NULL CHECK (importance BETWEEN 0 AND 1),
        stability_days REAL NOT NULL CHECK (stability_days > 0),
        last_recalled_at TEXT,
        recall_count INTEGER NOT NULL DEFAULT 0,
        pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
        archived_at TEXT,
        origin TEXT NOT NULL
    );
    CREATE INDEX memories_by_event_time ON memories(event_time);
    CREATE INDEX memories_by_kind ON memories(kind, archived_at);
    CREATE TABLE memory_evidence (
        memory_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
        evidence_id INTEGER NOT NULL REFERENCES evidence(id),
        PRIMARY KEY (memory_id, evidence_id)
    ) WITHOUT ROWID;
    CREATE INDEX memory_evidence_by_evidence ON memory_evidence(evidence_id);
    CREATE TABLE history (
        id INTEGER PRIMARY KEY,
        memory_id INTEGER NOT NULL,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        before TEXT,
        after TEXT
    );
    CREATE INDEX history_by_memory ON history(memory_id, id);
    CREATE TRIGGER history_is_append_only_update BEFORE UPDATE ON history
        BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
    CREATE TRIGGER history_is_append_only_delete BEFORE DELETE ON history
        BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
    CREATE TABLE entities (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        UNIQUE (name, kind)
    );
    CREATE TABLE links (
        id INTEGER PRIMARY KEY,
        memory_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
        target_memory_id INTEGER REFERENCES memories(id) ON DELETE CASCADE,
        entity_id INTEGER REFERENCES entities(id) ON DELETE CASCADE,
        relation TEXT NOT NULL,
        CHECK ((target_memory_id IS NULL) != (entity_id IS NULL))
    );
    -- Vector-index work written in the same transaction as the memory it concerns; a crash
    -- between SQLite and Chroma leaves rows here, and the next start replays them.
    CREATE TABLE index_outbox (
        memory_id INTEGER PRIMARY KEY,
        op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
        queued_at TEXT NOT NULL
    );
    CREATE VIRTUAL TABLE memories_fts USING fts5(
        text, context, content='memories', content_rowid='id', tokenize='porter unicode61'
    );
    CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
        INSERT INTO memories_fts(rowid, text, context) VALUES (new.id, new.text, new.context);
    END;
    CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
        INSERT INTO memories_fts(memories_fts, rowid, text, context)
            VALUES ('delete', old.id, old.text, old.context);
    END;
    CREATE TRIGGER memories_fts_update AFTER UPDATE OF text, context ON memories BEGIN
        INSERT INTO memories_fts(memories_fts, rowid, text, context)
            VALUES ('delete', old.id, old.text, old.context);
        INSERT INTO memories_fts(rowid, text, context) VALUES (new.id, new.text, new.context);
    END;
    """,
    # 2: evidence waiting for the model to extract typed memories from it.
    """
    CREATE TABLE extraction_queue (
        evidence_id INTEGER PRIMARY KEY REFERENCES evidence(id) ON DELETE CASCADE,
        queued_at TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX extraction_queue_by_status ON extraction_queue(status, evidence_id);
    """,
    # 3: the review queue for extracted memories, and "delete for good": the one change history
    # allows is blanking the snapshots (and reason) of a memory the user erased, so that its
    # words do not survive in the log. Order, time and action stay.
    """
    ALTER TABLE memories ADD COLUMN reviewed_at TEXT;
    DROP TRIGGER history_is_append_only_update;
    CREATE TRIGGER history_is_append_only_update BEFORE UPDATE ON history
        WHEN new.id != old.id OR new.memory_id != old.memory_id OR new.at != old.at
            OR new.action != old.action OR new.before IS NOT NULL OR new.after IS NOT NULL
            OR new.reason != 'erased by the user'
        BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
    """,
    # 4: screen capture. An episode is a stretch of work in one window; its frames are the
    # screens kept (their OCR text is evidence). Frames never hold pixels: thumbnails, when
    # enabled, are encrypted files named here.
    """
    CREATE TABLE episodes (
        id INTEGER PRIMARY KEY,
        app TEXT NOT NULL,
        title TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT NOT NULL,
        frames INTEGER NOT NULL DEFAULT 0,
        closed INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
        summary_evidence_id INTEGER REFERENCES evidence(id) ON DELETE SET NULL
    );
    CREATE INDEX episodes_by_time ON episodes(started_at);
    CREATE TABLE frames (
        id INTEGER PRIMARY KEY,
        episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
        captured_at TEXT NOT NULL,
        monitor INTEGER NOT NULL,
        app TEXT NOT NULL,
        title TEXT NOT NULL,
        dhash TEXT NOT NULL,
        evidence_id INTEGER REFERENCES evidence(id) ON DELETE SET NULL,
        redactions INTEGER NOT NULL DEFAULT 0,
        thumbnail TEXT,
        thumbnail_bytes INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX frames_by_time ON frames(captured_at);
    CREATE INDEX frames_by_episode ON frames(episode_id);
    """,
    # 5: the fact layer. A raw memory knows who said it (role: the user's own words outrank an
    # assistant's echo of them); a fact has an attribute and a verbatim value, so a newer value
    # for the same subject and attribute can close the older one. fact_reads says which
    # evidence the rules have read, so old stores catch up and nothing is read twice.
    """
    ALTER TABLE memories ADD COLUMN role TEXT;
    ALTER TABLE memories ADD COLUMN attribute TEXT;
    ALTER TABLE memories ADD COLUMN value TEXT;
    CREATE INDEX memories_by_fact ON memories(attribute, subject);
    UPDATE memories SET role = (
        SELECT e.role FROM memory_evidence me JOIN evidence e ON e.id = me.evidence_id
        WHERE me.memory_id = memories.id ORDER BY e.id LIMIT 1
    ) WHERE origin = 'ingest';
    CREATE TABLE fact_reads (
        evidence_id INTEGER PRIMARY KEY REFERENCES evidence(id) ON DELETE CASCADE,
        read_at TEXT NOT NULL,
        found INTEGER NOT NULL DEFAULT 0
    );
    """,
    # 6: review. What the model wrote, or what would replace a fact the user stated, waits for
    # the user ("pending": archived until accepted, so answers never use it, with the fact it
    # would replace still current meanwhile); what the rules read from the user's own words is
    # active at once and listed for a look ("learned"); "done" once looked at.
    """
    CREATE TABLE review_items (
        memory_id INTEGER PRIMARY KEY REFERENCES memories(id) ON DELETE CASCADE,
        state TEXT NOT NULL CHECK (state IN ('pending', 'learned', 'done')),
        why TEXT NOT NULL,
        replaces INTEGER REFERENCES memories(id) ON DELETE SET NULL,
        listed_at TEXT NOT NULL
    );
    CREATE INDEX review_items_by_state ON review_items(state, memory_id);
    """,
    # 7: stable global ids, so a vault from another computer merges without collisions. Random
    # 128-bit hex, given to existing rows here and to new rows by triggers (the code that
    # inserts need not know). Entities keep their natural key (name, kind).
    """
    ALTER TABLE evidence ADD COLUMN uid TEXT;
    ALTER TABLE memories ADD COLUMN uid TEXT;
    UPDATE evidence SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL;
    UPDATE memories SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL;
    CREATE UNIQUE INDEX evidence_by_uid ON evidence(uid);
    CREATE UNIQUE INDEX memories_by_uid ON memories(uid);
    CREATE TRIGGER evidence_gets_uid AFTER INSERT ON evidence WHEN new.uid IS NULL BEGIN
        UPDATE evidence SET uid = lower(hex(randomblob(16))) WHERE id = new.id;
    END;
    CREATE TRIGGER memories_get_uid AFTER INSERT ON memories WHEN new.uid IS NULL BEGIN
        UPDATE memories SET uid = lower(hex(randomblob(16))) WHERE id = new.id;
    END;
    """,
    # 8: the memory graph. Each entity row is a name as written; canonical_id says which entity
    # it is an alias of (NULL: itself) and label what the user renamed it to, both recomputed
    # from entity_choices (the user's renames, merges and splits, replayed in order) on every
    # rebuild. entity_relations are the fact layer's relations between entities (who is whose
    # sister, where someone lives) with the time they held; entity_reads says which evidence
    # the recogniser has read; graph_positions keeps the laid-out view stable.
    """
    ALTER TABLE entities ADD COLUMN canonical_id INTEGER
        REFERENCES entities(id) ON DELETE SET NULL;
    ALTER TABLE entities ADD COLUMN label TEXT;
    ALTER TABLE entities ADD COLUMN trusted INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX links_by_memory ON links(memory_id, relation);
    CREATE INDEX links_by_entity ON links(entity_id);
    CREATE INDEX links_by_target ON links(target_memory_id);
    CREATE TABLE entity_relations (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
        target_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
        relation TEXT NOT NULL,
        memory_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
        valid_from TEXT,
        valid_to TEXT
    );
    CREATE INDEX entity_relations_by_source ON entity_relations(source_id);
    CREATE INDEX entity_relations_by_target ON entity_relations(target_id);
    CREATE TABLE entity_choices (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('rename', 'merge', 'split')),
        name TEXT NOT NULL,
        target TEXT NOT NULL
    );
    CREATE TABLE entity_reads (
        evidence_id INTEGER PRIMARY KEY REFERENCES evidence(id) ON DELETE CASCADE
    );
    CREATE TABLE graph_positions (
        node TEXT PRIMARY KEY,
        x REAL NOT NULL,
        y REAL NOT NULL
    );
    """,
    # 9: indexes for two reads every answer makes, which scanned every row of a big store
    # (bench/scale.py, 100k memories: 0.22 s and 0.12 s of CPU per question): the facts (the
    # few memories with an attribute) and the names the user's messages are signed with.
    """
    CREATE INDEX memories_with_attribute ON memories(id) WHERE attribute IS NOT NULL;
    CREATE INDEX evidence_by_role_speaker ON evidence(role, speaker);
    """,
    # 10: the memory browser lists the newest first (by when it happened, else when it was
    # learned): without an index on that order, each list sorted the whole store (100k
    # memories: 0.2 s of CPU per filter change).
    """
    CREATE INDEX memories_by_time ON memories(coalesce(event_time, observed_at), id);
    """,
    # 11: what a fact replaced is looked up by superseded_by (Review lists each new fact with
    # the one it replaced; erasing and restoring reopen them): without an index, listing the
    # facts of a 100k-message import scanned the whole store once per fact (minutes).
    """
    CREATE INDEX memories_by_superseded_by ON memories(superseded_by)
        WHERE superseded_by IS NOT NULL;
    """,
    # 12: the graph view's colour groups: nodes matching a saved search drawn in its colour.
    """
    CREATE TABLE graph_colour_groups (
        id INTEGER PRIMARY KEY,
        query TEXT NOT NULL UNIQUE,
        colour TEXT NOT NULL
    );
    """,
    # 13: the citations of each answer in Reverie's chat, so that a conversation reopened after
    # a restart shows its chips again. Keyed by the answer's own message; memory_id has no
    # foreign key: a memory deleted for good leaves its chip, shown as deleted.
    """
    CREATE TABLE chat_citations (
        evidence_id INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,
        rank INTEGER NOT NULL CHECK (rank > 0),
        memory_id INTEGER NOT NULL,
        excerpt TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (evidence_id, rank)
    ) WITHOUT ROWID;
    CREATE INDEX chat_citations_by_memory ON chat_citations(memory_id);
    """,
    # 14: a memory's id is never given again after it is deleted for good (SQLite reuses the
    # highest id otherwise, and the erased memory's history rows would then belong to the new
    # one). The highest id ever deleted is kept; inserts take the next id above both.
    """
    CREATE TABLE id_watermark (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
    INSERT INTO id_watermark (name, value) VALUES ('memories', 0);
    CREATE TRIGGER memories_watermark AFTER DELETE ON memories BEGIN
        UPDATE id_watermark SET value = max(value, old.id) WHERE name = 'memories';
    END;
    """,
]

# The id for a new memory: above every memory there is and every one deleted (migration 14).
NEXT_MEMORY_ID = (
    "(SELECT max(coalesce((SELECT max(id) FROM memories), 0),"
    " (SELECT value FROM id_watermark WHERE name = 'memories')) + 1)"
)

SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the file up to SCHEMA_VERSION; returns the version it started at."""
    found = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if found > SCHEMA_VERSION:
        raise EnvironmentProblem(
            f"this memory store was written by a newer Reverie (schema {found}, "
            f"this version knows {SCHEMA_VERSION}); upgrade Reverie to open it"
        )
    for version in range(found, SCHEMA_VERSION):
        conn.execute("BEGIN")
        try:
            for statement in _split(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return found


def _split(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies (which hold ';') whole."""
    statements: list[str] = []
    current = ""
    for line in script.splitlines():
        if line.strip().startswith("--"):
            continue
        current += line + "\n"
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        raise ValueError(f"incomplete SQL statement in migration: {current[:80]}")
    return statements
