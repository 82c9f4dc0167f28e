"""What carrying vectors in a vault (--include-embeddings) saves on import.

    nice -n 10 .venv/bin/python bench/vault_vectors.py --messages 3000

Builds a store of that many chat messages and indexes it, exports it twice (with and without
embeddings), then imports each into an empty home with the vector index brought up to date,
and reports both imports' times, the vault sizes and how many memories were embedded.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
os.environ.setdefault("REVERIE_PASSPHRASE", "the vault bench's store passphrase")

from bench.vault_bench import NOW, PASSPHRASE, build  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=3000)
    args = parser.parse_args()

    from app.embed.minilm import MiniLmEmbedder
    from app.runtime import Reverie
    from app.services.index_sync import sync_index
    from app.services.vault import export_vault, import_vault
    from app.vault.header import CHEAP_KDF

    embedder = MiniLmEmbedder()  # one model load for every step
    results: dict[str, object] = {"messages": args.messages}
    with tempfile.TemporaryDirectory(prefix="reverie-vault-vectors-") as scratch:
        folder = Path(scratch)
        build(folder / "source", args.messages)
        with Reverie(folder / "source", clock=lambda: NOW, embedder=embedder) as reverie:
            started = time.perf_counter()
            sync_index(reverie.store, reverie.index)
            results["index_source_s"] = round(time.perf_counter() - started, 1)
            for name, vectors in (("with", True), ("without", False)):
                target = folder / f"{name}.reverie-vault"
                report = export_vault(reverie, target, PASSPHRASE, include_embeddings=vectors,
                                      kdf=CHEAP_KDF)  # fmt: skip
                results[f"export_{name}_s"] = round(report.seconds, 1)
                results[f"vault_{name}_mib"] = round(report.bytes / 2**20, 1)
        for name in ("without", "with"):
            with Reverie(folder / f"into-{name}", clock=lambda: NOW, embedder=embedder) as home:
                imported = import_vault(home, folder / f"{name}.reverie-vault", PASSPHRASE)
            results[f"import_{name}_s"] = round(imported.seconds, 1)
            results[f"import_{name}_embedded"] = imported.indexed - imported.reused_vectors
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
