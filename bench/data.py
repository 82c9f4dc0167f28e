"""Benchmark data: read from ../shared/data (never copied into the project) and split per
SPLITS.md. Only the dev parts may be used for tuning."""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path
from typing import Any

DATA = Path(
    os.environ.get("REVERIE_BENCH_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
LOCOMO = DATA / "locomo" / "locomo10.json"
LME_S = DATA / "longmemeval" / "longmemeval_s_cleaned_498.json.gz"
LME_ORACLE = DATA / "longmemeval" / "longmemeval_oracle.json"

LOCOMO_SPLITS = {
    "dev": ["conv-26", "conv-30", "conv-41", "conv-42", "conv-43", "conv-44", "conv-47"],
    "heldout": ["conv-48", "conv-49", "conv-50"],
}


def load_locomo(split: str) -> list[dict[str, Any]]:
    wanted = LOCOMO_SPLITS[split]
    return [s for s in json.loads(LOCOMO.read_text()) if s["sample_id"] in wanted]


def lme_split_ids(split: str) -> set[str]:
    ids = sorted(item["question_id"] for item in json.loads(LME_ORACLE.read_text()))
    held = {qid for i, qid in enumerate(ids) if i % 5 == 4}
    return held if split == "heldout" else set(ids) - held


def load_longmemeval(split: str) -> list[dict[str, Any]]:
    wanted = lme_split_ids(split)
    with gzip.open(LME_S, "rt") as handle:
        return [item for item in json.load(handle) if item["question_id"] in wanted]


def normalise_evidence(raw: list[str], known: set[str]) -> list[str]:
    """LoCoMo's evidence strings have typos ("D8:6; D9:17", "D:11:26", "D30:05"); fix the
    fixable ones and drop ids that do not resolve (as benchmarks.md describes)."""
    out: list[str] = []
    for item in raw:
        for part in re.split(r"[;\s]+", str(item)):
            part = part.replace("D:", "D")
            m = re.fullmatch(r"D(\d+):(\d+)", part)
            if m:
                dia = f"D{int(m[1])}:{int(m[2])}"
                if dia in known and dia not in out:
                    out.append(dia)
    return out


def lme_haystack(instance: dict[str, Any]) -> dict[str, Any]:
    """Only what a user would have: sessions, dates and turns. No ids, no answer flags."""
    return {
        "haystack_sessions": [
            [{"role": t["role"], "content": t["content"]} for t in session]
            for session in instance["haystack_sessions"]
        ],
        "haystack_dates": instance["haystack_dates"],
    }
