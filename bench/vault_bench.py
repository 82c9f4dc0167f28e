"""Vault export and import at scale: time and peak RSS at two sizes (is memory bounded?).

    nice -n 10 .venv/bin/python bench/vault_bench.py --sizes 20000 100000

For each size: a store of that many chat messages (each is evidence plus a raw memory with its
history, written through the store as an import would, without the vector index), then, each
in a fresh process so peak RSS is its own: export (default Argon2id, ~1 s), a dry-run import
into an empty home, and the real import (SQLite only: the vector-index work stays queued, as
re-embedding 100k memories is the embedder's benchmark, not the vault's).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
os.environ.setdefault("REVERIE_PASSPHRASE", "the vault bench's store passphrase")
PASSPHRASE = "vault bench passphrase"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def build(home: Path, messages: int) -> None:
    from app.core.records import Message
    from app.runtime import Reverie
    from app.storage.sqlite_store import ImportRequest

    with Reverie(home, clock=lambda: NOW) as reverie:
        start = NOW - timedelta(days=365)
        for batch in range(0, messages, 5000):
            chunk = [
                Message(
                    f"m{n}",
                    f"s{n // 40}",
                    start + timedelta(minutes=5 * n),
                    "user" if n % 2 else "assistant",
                    f"Message {n}: about project {n % 97}, meeting room {n % 13} and "
                    f"the plant on shelf {n % 7}; call Ana about invoice {n * 7 % 9973}.",
                )
                for n in range(batch, min(batch + 5000, messages))
            ]
            reverie.store.add_messages(
                ImportRequest(chunk, "import", "bench", "jsonl", f"bench-{batch}", extract=False),
                NOW,
                reverie.params,
            )


def phase(action: str, home: str, vault: str) -> None:
    """One measured step, run in its own process."""
    from app.runtime import Reverie
    from app.services.vault import export_vault, import_vault

    with Reverie(Path(home), clock=lambda: NOW) as reverie:
        started = time.perf_counter()
        if action == "export":
            report = export_vault(reverie, Path(vault), PASSPHRASE)
            detail = {"bytes": report.bytes, "memories": report.counts.get("memory", 0)}
        else:
            result = import_vault(
                reverie, Path(vault), PASSPHRASE, dry_run=action == "dry-run", reindex=False
            )
            detail = {"added": result.counts["memory"]["added"]}
        seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": round(seconds, 1), "peak_rss_mib": round(peak_mib), **detail}))


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--phase":
        phase(*sys.argv[2:5])
        return 0
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="vault-bench-"))
    results = []
    for size in args.sizes:
        source, vault = folder / f"source-{size}", folder / f"vault-{size}.reverie-vault"
        started = time.perf_counter()
        build(source, size)
        row: dict[str, object] = {"messages": size, "build_s": round(time.perf_counter() - started)}
        for action, home in (
            ("export", source),
            ("dry-run", folder / f"dry-{size}"),
            ("import", folder / f"import-{size}"),
        ):
            out = subprocess.run(
                [sys.executable, __file__, "--phase", action, str(home), str(vault)],
                capture_output=True,
                text=True,
                check=True,
            )
            row[action] = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(row)
        print(json.dumps(row), flush=True)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
