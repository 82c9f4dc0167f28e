"""Fuzz the vault reader and importer: N mutated copies of a real vault, each imported into a
real store. Counts crashes (anything but a clean VaultError) and partial writes (any change to
the store: a write on its connection, a thumbnail file, a leftover build file), and checks the
database file's hash at the end.

    nice -n 10 .venv/bin/python bench/vault_fuzz.py --mutations 10000

Uses cheap Argon2 parameters (the KDF is not what is being fuzzed; at the default ~1 s per
attempt 10,000 mutations would take hours); header mutations still exercise the caps.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
os.environ.setdefault("REVERIE_PASSPHRASE", "the fuzz bench's store passphrase")

from app.home import DB_NAME  # noqa: E402
from app.runtime import Reverie  # noqa: E402
from app.services.ingest import ingest_file  # noqa: E402
from app.services.vault import export_vault, import_vault  # noqa: E402
from app.vault.errors import VaultError  # noqa: E402
from app.vault.header import CHEAP_KDF  # noqa: E402

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PASSPHRASE = "fuzzing passphrase"
SCENARIO = ROOT / "bench" / "scenarios" / "maya.jsonl"
KINDS = ("flip", "cut", "overwrite", "insert", "append", "delete", "swap")


def mutate(data: bytes, rng: random.Random, kind: str) -> bytes:
    out = bytearray(data)
    if kind == "flip":
        for _ in range(rng.choice((1, 1, 1, 2, 8))):
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    elif kind == "cut":
        out = out[: rng.randrange(len(out))]
    elif kind == "overwrite":
        at = rng.randrange(len(out))
        out[at : at + rng.randrange(1, 64)] = rng.randbytes(rng.randrange(1, 64))
    elif kind == "insert":
        at = rng.randrange(len(out))
        out[at:at] = rng.randbytes(rng.randrange(1, 32))
    elif kind == "append":
        out += rng.randbytes(rng.randrange(1, 70000))
    elif kind == "delete":
        at = rng.randrange(len(out))
        del out[at : at + rng.randrange(1, 200)]
    else:  # swap two 1 KiB blocks
        a, b = rng.randrange(len(out) - 1024), rng.randrange(len(out) - 1024)
        block_a, block_b = out[a : a + 1024], out[b : b + 1024]
        out[a : a + 1024], out[b : b + 1024] = block_b, block_a
    return bytes(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mutations", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="vault-fuzz-"))
    source, target = folder / "source", folder / "target"
    with Reverie(source, clock=lambda: NOW) as reverie:
        ingest_file(reverie.store, reverie.index, SCENARIO, fmt="auto", now=NOW,
                    params=reverie.params)  # fmt: skip
        vault = folder / "good.reverie-vault"
        export_vault(reverie, vault, PASSPHRASE, include_embeddings=True, kdf=CHEAP_KDF)
    good = vault.read_bytes()
    with Reverie(target, clock=lambda: NOW, embedder=None):
        pass
    before = hashlib.sha256((target / DB_NAME).read_bytes()).hexdigest()
    outcomes: Counter[str] = Counter()
    messages: Counter[str] = Counter()
    crashes: list[str] = []
    partial_writes: list[str] = []
    started = time.perf_counter()
    bad = folder / "bad.reverie-vault"
    with Reverie(target, clock=lambda: NOW) as reverie:
        captures = reverie.home / "captures"
        for case in range(args.mutations):
            kind = KINDS[case % len(KINDS)]
            data = mutate(good, rng, kind)
            if data == good:
                outcomes["unchanged by mutation"] += 1
                continue
            bad.write_bytes(data)
            changes = reverie.store.conn.total_changes
            files = set(captures.iterdir()) if captures.exists() else set()
            try:
                import_vault(reverie, bad, PASSPHRASE)
                outcomes["accepted"] += 1  # only possible if the mutation was harmless
                partial_writes.append(f"case {case} ({kind}) was imported")
            except VaultError as error:
                outcomes["refused"] += 1
                messages[str(error).split(" (")[0][:70]] += 1
            except Exception:
                outcomes["crash"] += 1
                crashes.append(f"case {case} ({kind}): {traceback.format_exc(limit=3)}")
            now_files = set(captures.iterdir()) if captures.exists() else set()
            if reverie.store.conn.total_changes != changes or now_files != files:
                partial_writes.append(f"case {case} ({kind}) changed the store")
            if (reverie.home / f"{DB_NAME}.incoming").exists():
                partial_writes.append(f"case {case} ({kind}) left a build file")
            if (case + 1) % 1000 == 0:
                print(f"{case + 1} mutations, {time.perf_counter() - started:.0f} s, "
                      f"{dict(outcomes)}", file=sys.stderr, flush=True)  # fmt: skip
    after = hashlib.sha256((target / DB_NAME).read_bytes()).hexdigest()
    report = {
        "mutations": args.mutations,
        "vault_bytes": len(good),
        "seconds": round(time.perf_counter() - started, 1),
        "outcomes": dict(outcomes),
        "crashes": len(crashes),
        "partial_writes": len(partial_writes),
        "store_hash_unchanged": before == after,
        "messages": dict(messages.most_common()),
        "first_crashes": crashes[:3],
        "first_partial_writes": partial_writes[:3],
    }
    print(json.dumps(report, indent=2))
    return 0 if not crashes and not partial_writes and before == after else 1


if __name__ == "__main__":
    raise SystemExit(main())
