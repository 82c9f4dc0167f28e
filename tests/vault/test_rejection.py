"""Vaults that must not be imported: wrong passphrase, cut short, bits flipped, chunks swapped,
a newer format, hostile key-derivation parameters. Each is refused with its own message, and
the store is left exactly as it was (the database file's hash, and no write on the
connection). A few hundred random mutations get the same treatment."""

from __future__ import annotations

import io
import json
import random
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.runtime import Reverie
from app.services.ingest import ingest_file
from app.services.vault import export_vault, import_vault
from app.vault.chunks import CHUNK, TAG
from app.vault.errors import VaultError
from app.vault.header import CHEAP_KDF, MAGIC, read_header
from tests.helpers import SCENARIO, SCENARIO_NOW
from tests.vault.conftest import PASSPHRASE, db_hash, open_home

SEALED = CHUNK + TAG


@pytest.fixture(scope="module")
def big_vault(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> bytes:
    """A vault of several chunks (the scenario's year of chat, with its vectors)."""
    folder = tmp_path_factory.mktemp("big")
    with open_home(folder / "home", embedder, SCENARIO_NOW) as reverie:
        ingest_file(
            reverie.store,
            reverie.index,
            SCENARIO,
            fmt="auto",
            now=SCENARIO_NOW,
            params=reverie.params,
        )
        export_vault(reverie, folder / "v", PASSPHRASE, include_embeddings=True, kdf=CHEAP_KDF)
    data = (folder / "v").read_bytes()
    assert body_size(data) > 3 * SEALED, "the rejection tests need a vault of several chunks"
    return data


def header_size(data: bytes) -> int:
    header, _ = read_header(io.BytesIO(data))
    return header.size


def body_size(data: bytes) -> int:
    return len(data) - header_size(data)


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Reverie]:
    """A home with a few memories; every test checks it is left untouched."""
    home = tmp_path_factory.mktemp("target") / "home"
    with open_home(home, embedder) as reverie:
        ingest_file(
            reverie.store,
            reverie.index,
            Path(__file__).parent / "rich_chat.jsonl",
            fmt="auto",
            now=SCENARIO_NOW,
            params=reverie.params,
        )
    before = db_hash(home)
    with open_home(home, embedder) as reverie:
        yield reverie
    assert db_hash(home) == before, "a refused vault changed the store"


def refused(reverie: Reverie, tmp_path: Path, data: bytes, passphrase: str = PASSPHRASE) -> str:
    path = tmp_path / "bad.reverie-vault"
    path.write_bytes(data)
    changes = reverie.store.conn.total_changes
    with pytest.raises(VaultError) as caught:
        import_vault(reverie, path, passphrase)
    assert reverie.store.conn.total_changes == changes
    assert not (reverie.home / "memory.sqlite3.incoming").exists()
    return str(caught.value)


def flip(data: bytes, position: int, bit: int = 0) -> bytes:
    mutated = bytearray(data)
    mutated[position] ^= 1 << bit
    return bytes(mutated)


def test_a_good_vault_imports(big_vault: bytes, tmp_path: Path, embedder: Any) -> None:
    """The control: the same bytes, untouched, are accepted (into a home of their own)."""
    path = tmp_path / "good.reverie-vault"
    path.write_bytes(big_vault)
    with open_home(tmp_path / "home", embedder) as reverie:
        report = import_vault(reverie, path, PASSPHRASE, dry_run=True)
    assert report.counts["memory"]["added"] > 50


def test_wrong_passphrase(target: Reverie, big_vault: bytes, tmp_path: Path) -> None:
    assert "wrong passphrase" in refused(target, tmp_path, big_vault, "not the passphrase")


@pytest.mark.parametrize("where", ["header", "first chunk", "boundary", "last chunk", "tag"])
def test_truncated(target: Reverie, big_vault: bytes, tmp_path: Path, where: str) -> None:
    start = header_size(big_vault)
    cut = {
        "header": len(MAGIC) + 10,
        "first chunk": start + 1000,
        "boundary": start + 2 * SEALED,  # whole chunks: only the last-chunk flag tells
        "last chunk": len(big_vault) - 100,
        "tag": len(big_vault) - 1,
    }[where]
    message = refused(target, tmp_path, big_vault[:cut])
    assert "truncated" in message or "cut" in message


@pytest.mark.parametrize("where", ["header", "parameters", "body", "last chunk"])
def test_one_flipped_bit(target: Reverie, big_vault: bytes, tmp_path: Path, where: str) -> None:
    start = header_size(big_vault)
    position = {
        "header": start - 10,  # the MAC itself
        "parameters": start - 32 - 1,  # the closing brace of the JSON, under the MAC
        "body": start + SEALED + 77,
        "last chunk": len(big_vault) - 30,
    }[where]
    message = refused(target, tmp_path, flip(big_vault, position, 3))
    expected = {
        "header": "wrong passphrase (or the vault's header was altered)",
        "parameters": "header cannot be read",
        "body": "chunk 1 does not authenticate",
        "last chunk": "last chunk was altered",
    }[where]
    assert expected in message


def test_swapped_chunks(target: Reverie, big_vault: bytes, tmp_path: Path) -> None:
    start = header_size(big_vault)
    first, second = (big_vault[start + n * SEALED : start + (n + 1) * SEALED] for n in (0, 1))
    swapped = big_vault[:start] + second + first + big_vault[start + 2 * SEALED :]
    assert "chunk 0 does not authenticate" in refused(target, tmp_path, swapped)


def test_a_dropped_chunk(target: Reverie, big_vault: bytes, tmp_path: Path) -> None:
    start = header_size(big_vault)
    dropped = big_vault[: start + SEALED] + big_vault[start + 2 * SEALED :]
    assert "chunk 1 does not authenticate" in refused(target, tmp_path, dropped)


def _with_header(data: bytes, version: int | None = None, **params: Any) -> bytes:
    """The vault with its header rewritten (the MAC no longer matches, but the checks before
    the MAC must refuse it first)."""
    header, _ = read_header(io.BytesIO(data))
    body = json.loads(header.raw[len(MAGIC) + 4 :])
    body.update(params)
    text = json.dumps(body).encode()
    raw = MAGIC + struct.pack(">HH", version or header.version, len(text)) + text
    return raw + data[len(header.raw) :]


def test_a_future_format_version(target: Reverie, big_vault: bytes, tmp_path: Path) -> None:
    message = refused(target, tmp_path, _with_header(big_vault, version=2))
    assert "uses format 2" in message and "update Reverie" in message


@pytest.mark.parametrize(
    "params, words",
    [
        ({"memory_kib": 64 * 1024 * 1024}, "KiB of memory"),
        ({"iterations": 10_000}, "Argon2 passes"),
        ({"lanes": 255}, "Argon2 lanes"),
        ({"memory_kib": "lots"}, "cannot be read"),
        ({"chunk_size": 1 << 30}, "chunk size"),
    ],
)
def test_hostile_key_derivation_parameters(
    target: Reverie, big_vault: bytes, tmp_path: Path, params: dict[str, Any], words: str
) -> None:
    assert words in refused(target, tmp_path, _with_header(big_vault, **params))


def test_a_vault_from_a_newer_store_schema(target: Reverie, tmp_path: Path, embedder: Any) -> None:
    """Sealed properly, but written by a Reverie whose store is newer than ours."""
    from app.vault.container import VaultWriter

    out = io.BytesIO()
    writer = VaultWriter(out, PASSPHRASE, {"schema": 999, "counts": {}}, CHEAP_KDF)
    writer.finish()
    assert "newer Reverie" in refused(target, tmp_path, out.getvalue())


def test_not_a_vault_at_all(target: Reverie, tmp_path: Path) -> None:
    assert "not a Reverie vault" in refused(target, tmp_path, b"PK\x03\x04 a zip file")


def test_a_few_hundred_random_mutations_are_all_refused(
    target: Reverie, big_vault: bytes, tmp_path: Path
) -> None:
    rng = random.Random(10)
    start = header_size(big_vault)
    for case in range(300):
        data = bytearray(big_vault)
        kind = case % 5
        if kind == 0:  # a flipped bit anywhere
            position = rng.randrange(len(data))
            data[position] ^= 1 << rng.randrange(8)
        elif kind == 1:  # cut anywhere
            data = data[: rng.randrange(len(data))]
        elif kind == 2:  # random bytes overwritten
            position = rng.randrange(len(data) - 16)
            data[position : position + 16] = rng.randbytes(16)
        elif kind == 3:  # a byte inserted in the body
            data.insert(rng.randrange(start, len(data)), rng.randrange(256))
        else:  # garbage appended
            data += rng.randbytes(rng.randrange(1, 200))
        if bytes(data) == big_vault:
            continue
        refused(target, tmp_path, bytes(data))
