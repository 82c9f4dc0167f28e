"""Every import format, and every way a file can be wrong (with the position named)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.core.errors import InputError
from app.importers import read_messages
from tests.helpers import SAMPLE


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def test_jsonl_sample_reads_ids_sessions_and_times() -> None:
    messages, fmt, _ = read_messages(SAMPLE)
    assert fmt == "jsonl"
    first = messages[0]
    assert (first.original_id, first.session, first.speaker) == ("m01", "2026-02-02", "Sam")
    assert first.timestamp == datetime(2026, 2, 2, 19, 4, tzinfo=UTC)


def test_jsonl_without_ids_gets_stable_generated_ids(tmp_path: Path) -> None:
    line = json.dumps({"timestamp": "2024-01-01T10:00:00", "role": "user", "content": "ok"})
    path = write(tmp_path, "a.jsonl", f"{line}\n{line}\n")
    first, _, _ = read_messages(path)
    again, _, _ = read_messages(path)
    assert [m.original_id for m in first] == [m.original_id for m in again]
    assert first[0].original_id != first[1].original_id  # "ok" twice is two messages
    assert first[0].session == "a" and first[0].timestamp is not None
    assert first[0].timestamp.tzinfo is not None


def test_text_log_with_and_without_prefixes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "log.txt",
        "[2024-03-01 09:15] Ana: Coffee at 10?\nMe: sure, see you there\n\njust a plain line\n",
    )
    messages, fmt, _ = read_messages(path)
    assert fmt == "text"
    assert [(m.speaker, m.content) for m in messages] == [
        ("Ana", "Coffee at 10?"),
        ("Me", "sure, see you there"),
        (None, "just a plain line"),
    ]
    assert messages[0].timestamp == datetime(2024, 3, 1, 9, 15, tzinfo=UTC)
    assert messages[1].timestamp is None


def test_chatgpt_export_follows_the_visible_branch(tmp_path: Path) -> None:
    export = [
        {
            "title": "Trip",
            "create_time": 1700000000.0,
            "conversation_id": "c1",
            "current_node": "n3",
            "mapping": {
                "n0": {"id": "n0", "message": None, "parent": None, "children": ["n1"]},
                "n1": {
                    "id": "n1",
                    "parent": "n0",
                    "message": {
                        "id": "m1",
                        "author": {"role": "user"},
                        "create_time": 1700000001.0,
                        "content": {"content_type": "text", "parts": ["Plan a trip to Porto"]},
                    },
                },
                "n2": {
                    "id": "n2",
                    "parent": "n1",
                    "message": {
                        "id": "m2",
                        "author": {"role": "assistant"},
                        "create_time": 1700000002.0,
                        "content": {"content_type": "text", "parts": ["(discarded draft)"]},
                    },
                },
                "n3": {
                    "id": "n3",
                    "parent": "n1",
                    "message": {
                        "id": "m3",
                        "author": {"role": "assistant"},
                        "create_time": 1700000003.0,
                        "content": {"content_type": "text", "parts": ["Day 1: Ribeira"]},
                    },
                },
            },
        }
    ]
    messages, fmt, _ = read_messages(write(tmp_path, "conversations.json", json.dumps(export)))
    assert fmt == "chatgpt"
    assert [(m.original_id, m.role, m.content) for m in messages] == [
        ("m1", "user", "Plan a trip to Porto"),
        ("m3", "assistant", "Day 1: Ribeira"),
    ]
    assert all(m.session == "c1" for m in messages)


def test_locomo_keeps_dia_ids_session_dates_and_speakers(tmp_path: Path) -> None:
    sample = {
        "sample_id": "conv-x",
        "qa": [],
        "conversation": {
            "speaker_a": "Jo",
            "speaker_b": "Kim",
            "session_1_date_time": "1:56 pm on 8 May, 2023",
            "session_1": [
                {"speaker": "Jo", "dia_id": "D1:1", "text": "I adopted a cat!"},
                {
                    "speaker": "Kim",
                    "dia_id": "D1:2",
                    "text": "Cute!",
                    "blip_caption": "a photo of a grey cat",
                },
            ],
        },
    }
    messages, fmt, _ = read_messages(write(tmp_path, "conv.json", json.dumps([sample])))
    assert fmt == "locomo"
    assert [m.original_id for m in messages] == ["D1:1", "D1:2"]
    assert messages[0].timestamp == datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
    assert messages[1].speaker == "Kim" and "grey cat" in messages[1].content
    assert messages[0].session == "conv-x/session_1"


def test_longmemeval_never_exposes_dataset_session_ids(tmp_path: Path) -> None:
    instance = {
        "question_id": "q1",
        "question": "?",
        "answer": "x",
        "haystack_session_ids": ["answer_abc", "sharegpt_1"],
        "haystack_dates": ["2023/05/20 (Sat) 07:47", "2023/05/21 (Sun) 08:00"],
        "haystack_sessions": [
            [{"role": "user", "content": "I got a dog", "has_answer": True}],
            [{"role": "user", "content": "hello"}, {"role": "assistant", "content": "hi"}],
        ],
    }
    path = write(tmp_path, "lme.json", json.dumps([instance]))
    messages, fmt, _ = read_messages(path)
    assert fmt == "longmemeval"
    stored = " ".join(f"{m.original_id} {m.session} {m.content}" for m in messages)
    assert "answer_" not in stored and "sharegpt" not in stored
    assert messages[0].timestamp == datetime(2023, 5, 20, 7, 47, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "content", "fmt", "expected"),
    [
        (
            "bad.jsonl",
            '{"role": "user", "content": "hi", "timestamp": "2024-01-01T00:00"}\n'
            '{"role": "user", "content": "oops"\n',
            "auto",
            "line 2",
        ),
        (
            "bad.jsonl",
            '{"role": "robot", "content": "hi", "timestamp": "2024-01-01"}\n',
            "auto",
            "line 1",
        ),
        (
            "bad.jsonl",
            '{"role": "user", "content": "", "timestamp": "2024-01-01"}\n',
            "auto",
            "non-empty",
        ),
        (
            "bad.jsonl",
            '{"role": "user", "content": "hi", "timestamp": "last tuesday"}\n',
            "auto",
            "ISO-8601",
        ),
        ("bad.jsonl", '["a list"]\n', "auto", "JSON object"),
        ("empty.jsonl", "", "auto", "empty"),
        ("blank.txt", "  \n\n", "auto", "empty"),
        ("conv.json", '{"hello": "world"}', "auto", "--format"),
        ("conv.json", '[{"conversation": {"speaker_a": "x"}}]', "locomo", "session_"),
        (
            "conv.json",
            '{"haystack_sessions": [[]], "haystack_dates": []}',
            "longmemeval",
            "one date per session",
        ),
        ("conversations.json", '[{"title": "no mapping"}]', "chatgpt", "mapping"),
        (
            "data.jsonl",
            '{"role": "user", "content": "hi", "timestamp": "2024-01-01"}',
            "locomo",
            "LoCoMo sample needs",
        ),
        ("log.txt", "[not a date] Ana: hi\n", "auto", "line 1"),
    ],
)
def test_malformed_files_are_rejected_with_their_position(
    tmp_path: Path, name: str, content: str, fmt: str, expected: str
) -> None:
    with pytest.raises(InputError, match=expected):
        read_messages(write(tmp_path, name, content), fmt)


def test_non_utf8_names_the_offending_byte(tmp_path: Path) -> None:
    path = write(tmp_path, "latin1.txt", "Ana: caf\xe9 tomorrow?".encode("latin-1"))
    with pytest.raises(InputError, match=r"not UTF-8.*0xe9.*offset 8"):
        read_messages(path)


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_messages(tmp_path / "nope.jsonl")
    with pytest.raises(InputError, match="unknown format"):
        read_messages(SAMPLE, "csv")
