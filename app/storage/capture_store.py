"""Screen capture in the memory store: episodes, frames and their OCR text as evidence, each
kept frame one transaction; "forget the last N minutes"; the thumbnail disk budget."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.core.forgetting import ForgettingParams
from app.core.records import Message
from app.storage.curation_store import CurationStore
from app.storage.rows import from_text, to_text
from app.storage.sqlite_store import ImportRequest, SqliteMemoryStore

SCREEN = "screen"


@dataclass(frozen=True)
class Episode:
    id: int
    app: str
    title: str
    started_at: datetime
    ended_at: datetime
    frames: int


@dataclass(frozen=True)
class NewFrame:
    captured_at: datetime
    monitor: int
    app: str
    title: str
    dhash: str
    text: str  # already redacted
    redactions: int


@dataclass(frozen=True)
class Forgotten:
    frames: int
    evidence: int
    memories: int
    thumbnails: tuple[Path, ...]


class CaptureStore:
    def __init__(self, store: SqliteMemoryStore) -> None:
        self.store = store

    # ------------------------------------------------------------ episodes

    def open_episode(self) -> Episode | None:
        row = self.store.conn.execute(
            "SELECT * FROM episodes WHERE closed = 0 ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        started, ended = from_text(row["started_at"]), from_text(row["ended_at"])
        assert started is not None and ended is not None
        return Episode(row["id"], row["app"], row["title"], started, ended, row["frames"])

    def start_episode(self, app: str, title: str, now: datetime) -> int:
        with self.store.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO episodes (app, title, started_at, ended_at) VALUES (?, ?, ?, ?)",
                (app, title, to_text(now), to_text(now)),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def extend_episode(self, episode_id: int, now: datetime) -> None:
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE episodes SET ended_at = ? WHERE id = ?", (to_text(now), episode_id)
            )

    def episode_texts(self, episode_id: int) -> list[str]:
        rows = self.store.conn.execute(
            "SELECT e.content FROM frames f JOIN evidence e ON e.id = f.evidence_id"
            " WHERE f.episode_id = ? ORDER BY f.id",
            (episode_id,),
        )
        return [r[0] for r in rows]

    def close_episode(
        self, episode: Episode, summary: str | None, now: datetime, params: ForgettingParams
    ) -> int | None:
        """Close it; a summary becomes evidence queued for extraction (once per episode), and
        one episodic memory. Returns the summary's memory id."""
        with self.store.transaction() as conn:
            memory_id = None
            if summary:
                message = Message(f"episode-{episode.id}", f"screen-episode-{episode.id}",
                                  episode.started_at, "episode", summary, "screen")  # fmt: skip
                outcome = self.store.add_messages(
                    ImportRequest([message], SCREEN, None, "screen", f"episode-{episode.id}",
                                  frozenset({"episode"}), extract=True), now, params,
                )  # fmt: skip
                memory_id = outcome.memory_ids[0] if outcome.memory_ids else None
                evidence = conn.execute(
                    "SELECT id FROM evidence WHERE original_id = ? AND source_kind = ?",
                    (message.original_id, SCREEN),
                ).fetchone()
                conn.execute("UPDATE episodes SET summary_evidence_id = ? WHERE id = ?",
                             (evidence[0] if evidence else None, episode.id))  # fmt: skip
            conn.execute("UPDATE episodes SET closed = 1 WHERE id = ?", (episode.id,))
        return memory_id

    # ------------------------------------------------------------ frames

    def add_frame(
        self, episode_id: int, frame: NewFrame, now: datetime, params: ForgettingParams
    ) -> tuple[int, int | None]:
        """The frame, its text as evidence and a searchable memory, in one transaction. Frame
        text is not queued for extraction: the episode's summary is, once."""
        with self.store.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO frames (episode_id, captured_at, monitor, app, title, dhash,"
                " redactions) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (episode_id, to_text(frame.captured_at), frame.monitor, frame.app, frame.title,
                 frame.dhash, frame.redactions),
            )  # fmt: skip
            frame_id = cursor.lastrowid
            assert frame_id is not None
            memory_id = None
            if frame.text.strip():
                message = Message(f"frame-{frame_id}", f"screen-episode-{episode_id}",
                                  frame.captured_at, SCREEN, frame.text,
                                  f"{frame.app} — {frame.title}")  # fmt: skip
                outcome = self.store.add_messages(
                    ImportRequest([message], SCREEN, frame.title, "screen", f"frame-{frame_id}",
                                  frozenset({SCREEN}), extract=False), now, params,
                )  # fmt: skip
                memory_id = outcome.memory_ids[0] if outcome.memory_ids else None
                conn.execute(
                    "UPDATE frames SET evidence_id = (SELECT id FROM evidence WHERE"
                    " original_id = ? AND source_kind = ?) WHERE id = ?",
                    (message.original_id, SCREEN, frame_id),
                )
            conn.execute("UPDATE episodes SET frames = frames + 1, ended_at = ? WHERE id = ?",
                         (to_text(frame.captured_at), episode_id))  # fmt: skip
        return frame_id, memory_id

    def set_thumbnail(self, frame_id: int, path: Path, size: int) -> None:
        with self.store.transaction() as conn:
            conn.execute("UPDATE frames SET thumbnail = ?, thumbnail_bytes = ? WHERE id = ?",
                         (str(path), size, frame_id))  # fmt: skip

    # ------------------------------------------------------------ figures and budget

    def frames_since(self, since: datetime) -> int:
        return int(self.store.conn.execute(
            "SELECT count(*) FROM frames WHERE captured_at >= ?", (to_text(since),)
        ).fetchone()[0])  # fmt: skip

    def thumbnail_bytes(self) -> int:
        return int(self.store.conn.execute(
            "SELECT coalesce(sum(thumbnail_bytes), 0) FROM frames").fetchone()[0])  # fmt: skip

    def drop_oldest_thumbnails(self, budget_bytes: int) -> list[Path]:
        """Forget thumbnails, oldest first, until the rest fit the budget (frames, their text
        and memories stay). Returns the files to delete."""
        excess = self.thumbnail_bytes() - budget_bytes
        if excess <= 0:
            return []
        dropped: list[Path] = []
        with self.store.transaction() as conn:
            rows = conn.execute("SELECT id, thumbnail, thumbnail_bytes FROM frames"
                                " WHERE thumbnail IS NOT NULL ORDER BY id").fetchall()  # fmt: skip
            for row in rows:
                if excess <= 0:
                    break
                conn.execute("UPDATE frames SET thumbnail = NULL, thumbnail_bytes = 0"
                             " WHERE id = ?", (row[0],))  # fmt: skip
                dropped.append(Path(row[1]))
                excess -= row[2]
        return dropped

    # ------------------------------------------------------------ forgetting a span

    def forget_between(self, start: datetime, end: datetime, now: datetime) -> Forgotten:
        """Everything captured in [start, end]: frames, their text, the summaries of episodes
        they belong to, and every memory derived only from those. One transaction."""
        curation = CurationStore(self.store)
        with self.store.transaction() as conn:
            frames = conn.execute(
                "SELECT id, episode_id, evidence_id, thumbnail FROM frames"
                " WHERE captured_at >= ? AND captured_at <= ?",
                (to_text(start), to_text(end)),
            ).fetchall()
            episodes = {f["episode_id"] for f in frames}
            evidence = {f["evidence_id"] for f in frames if f["evidence_id"] is not None}
            for episode_id in episodes:
                summary = conn.execute("SELECT summary_evidence_id FROM episodes WHERE id = ?",
                                       (episode_id,)).fetchone()  # fmt: skip
                if summary and summary[0] is not None:
                    evidence.add(summary[0])
            marks = ",".join("?" * len(evidence))
            erased = 0
            erased_files: list[Path] = []
            if evidence:
                linked = conn.execute(
                    "SELECT DISTINCT memory_id FROM memory_evidence"
                    f" WHERE evidence_id IN ({marks})",
                    list(evidence),
                ).fetchall()
                for (memory_id,) in linked:
                    others = conn.execute(
                        f"SELECT count(*) FROM memory_evidence WHERE memory_id = ?"
                        f" AND evidence_id NOT IN ({marks})",
                        [memory_id, *evidence],
                    ).fetchone()[0]
                    if others:
                        conn.execute(
                            f"DELETE FROM memory_evidence WHERE memory_id = ?"
                            f" AND evidence_id IN ({marks})",
                            [memory_id, *evidence],
                        )
                    else:
                        erased_files += curation.erase(memory_id, now)
                        erased += 1
                conn.execute(f"DELETE FROM memory_evidence WHERE evidence_id IN ({marks})",
                             list(evidence))  # fmt: skip
                conn.execute("UPDATE frames SET evidence_id = NULL WHERE evidence_id IN"
                             f" ({marks})", list(evidence))  # fmt: skip
                conn.execute(f"DELETE FROM evidence WHERE id IN ({marks})", list(evidence))
            conn.executemany("DELETE FROM frames WHERE id = ?", [(f["id"],) for f in frames])
            conn.execute("DELETE FROM episodes WHERE NOT EXISTS"
                         " (SELECT 1 FROM frames f WHERE f.episode_id = episodes.id)")  # fmt: skip
        paths = tuple({*(Path(f["thumbnail"]) for f in frames if f["thumbnail"]), *erased_files})
        return Forgotten(len(frames), len(evidence), erased, paths)
