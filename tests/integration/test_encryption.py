"""Encryption at rest: what a user said is in no file of the data folder in the clear; the key
comes from the keyring or a passphrase, never from nowhere; old plaintext stores convert."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.capture import keys
from app.core.errors import EnvironmentProblem
from app.home import DB_NAME
from app.runtime import Reverie
from app.services.store_repair import store_problems
from app.storage.snapshots import SNAPSHOTS_DIR, take_snapshot
from app.storage.sqlite_store import SqliteMemoryStore
from app.store_key import KEY_FILE, PassphraseNeeded, is_plaintext, open_store_key
from tests.helpers import NETGUARD, NOW, ROOT, SAMPLE

# Words of the sample chat, each in one message only: they must appear in no file.
SECRETS = [b"Bristol", b"Hyde Park", b"Okafor", b"oat milk"]


def cli(
    home: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": f"{NETGUARD}{os.pathsep}{ROOT}",
                   "REVERIE_HOME": str(home), **(env or {})}  # fmt: skip
    environment = {k: v for k, v in environment.items() if v != "<unset>"}
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True,
                          env=environment, cwd=ROOT, timeout=300)  # fmt: skip


def files_with_secrets(home: Path) -> dict[str, list[bytes]]:
    found = {}
    for path in home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits = [s for s in SECRETS if s in data or s.decode().encode("utf-16-le") in data]
            if hits:
                found[str(path.relative_to(home))] = hits
    return found


def make_plaintext_store(home: Path) -> None:
    """A store as Reverie wrote it before encryption at rest."""
    home.mkdir(parents=True)
    SqliteMemoryStore(home / DB_NAME).close()


def test_no_file_in_the_data_folder_holds_memory_text(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for args in (["ingest", str(SAMPLE)], ["search", "who drives the van"], ["doctor"]):
        result = cli(home, *args)
        assert result.returncode in (0, 1), result.stderr  # doctor may warn about the graph
    stats = json.loads(cli(home, "stats", "--json").stdout)
    assert stats["memories"] >= 20
    assert not is_plaintext(home / DB_NAME)
    assert files_with_secrets(home) == {}
    # The same grep finds them in a store from before: the check can fail.
    old = tmp_path / "old"
    make_plaintext_store(old)
    assert cli(old, "ingest", str(SAMPLE)).returncode == 0
    assert "memory.sqlite3" in files_with_secrets(old)


def test_a_store_opens_only_with_its_passphrase(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert cli(home, "ingest", str(SAMPLE), env={"REVERIE_PASSPHRASE": "first one"}).returncode == 0
    wrong = cli(home, "stats", env={"REVERIE_PASSPHRASE": "another"})
    assert wrong.returncode == 1 and "wrong passphrase" in wrong.stderr
    missing = cli(home, "stats", env={"REVERIE_PASSPHRASE": "<unset>"})
    assert missing.returncode == 1 and "REVERIE_PASSPHRASE" in missing.stderr
    named = cli(home, "stats", "--json", "--passphrase-env", "MY_VAR",
                env={"REVERIE_PASSPHRASE": "<unset>", "MY_VAR": "first one"})  # fmt: skip
    assert named.returncode == 0 and json.loads(named.stdout)["memories"] >= 20
    typo = cli(home, "stats", "--passphrase-env", "MY_VRA", env={"REVERIE_PASSPHRASE": "first one"})
    assert typo.returncode == 1 and "MY_VRA is not set" in typo.stderr
    record = (home / KEY_FILE).read_text()
    assert json.loads(record)["method"] == "passphrase" and "first one" not in record


def test_a_new_store_is_not_created_without_a_key(tmp_path: Path) -> None:
    result = cli(tmp_path / "home", "stats", env={"REVERIE_PASSPHRASE": "<unset>"})
    assert result.returncode == 1 and "no OS keyring" in result.stderr
    assert not (tmp_path / "home" / DB_NAME).exists()  # and no plaintext store either


class MemoryKeyring:
    """Stands in for the Secret Service (there is no D-Bus session on this machine)."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, account: str) -> str | None:
        return self.entries.get((service, account))

    def set_password(self, service: str, account: str, value: str) -> None:
        self.entries[(service, account)] = value


def test_with_a_keyring_no_passphrase_is_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, embedder: Any
) -> None:
    ring = MemoryKeyring()
    monkeypatch.setattr(keys, "_secure_keyring", lambda: ring)
    monkeypatch.delenv("REVERIE_PASSPHRASE")
    home = tmp_path / "home"
    with Reverie(home, clock=lambda: NOW, embedder=embedder) as reverie:
        assert reverie.store.encrypted
        reverie.store.conn.execute("CREATE TABLE note (text TEXT)")
        reverie.store.conn.execute("INSERT INTO note VALUES ('Bristol')")
        reverie.store.conn.commit()
    [stored] = ring.entries.values()
    assert stored not in (home / KEY_FILE).read_text()
    assert files_with_secrets(home) == {}
    with Reverie(home, clock=lambda: NOW, embedder=embedder) as again:
        assert again.store.conn.execute("SELECT text FROM note").fetchone()[0] == "Bristol"
    ring.entries.clear()  # the keyring was reset: say so, do not pretend the file is damaged
    with pytest.raises(EnvironmentProblem, match="keyring has no key"):
        Reverie(home, clock=lambda: NOW, embedder=embedder)
    monkeypatch.setattr(keys, "_secure_keyring", lambda: None)
    with pytest.raises(EnvironmentProblem, match="not available"):
        Reverie(home, clock=lambda: NOW, embedder=embedder)


def test_a_store_made_with_a_passphrase_keeps_asking_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, embedder: Any
) -> None:
    home = tmp_path / "home"
    Reverie(home, clock=lambda: NOW, embedder=embedder, passphrase="mine").close()
    monkeypatch.setattr(keys, "_secure_keyring", MemoryKeyring)  # a keyring appears later
    monkeypatch.delenv("REVERIE_PASSPHRASE")
    with pytest.raises(PassphraseNeeded):
        Reverie(home, clock=lambda: NOW, embedder=embedder)


def test_encrypt_converts_a_plaintext_store(tmp_path: Path, embedder: Any) -> None:
    home = tmp_path / "home"
    make_plaintext_store(home)
    assert cli(home, "ingest", str(SAMPLE)).returncode == 0
    before = json.loads(cli(home, "stats", "--json").stdout)
    found = json.loads(cli(home, "search", "who drives the van", "--json").stdout)
    doctor = json.loads(cli(home, "doctor", "--json").stdout)
    [encryption] = [c for c in doctor["checks"] if c["name"] == "encryption"]
    assert encryption["status"] == "warn" and "reverie encrypt" in encryption["detail"]

    with Reverie(home, clock=lambda: NOW, embedder=embedder) as reverie:  # a snapshot, in clear
        snapshot = take_snapshot(reverie.store, home / SNAPSHOTS_DIR, NOW, "before import").path

    result = cli(home, "encrypt")
    assert result.returncode == 0, result.stderr
    assert not is_plaintext(snapshot)  # the snapshot was encrypted too, and still opens:
    assert store_problems(snapshot, open_store_key(home, None)) == []
    assert "Encrypted" in result.stdout
    assert not is_plaintext(home / DB_NAME)
    assert sorted(p.name for p in home.iterdir() if "sqlite3." in p.name) == []  # no leftovers
    assert files_with_secrets(home) == {}
    after = json.loads(cli(home, "stats", "--json").stdout)
    assert {k: after[k] for k in ("memories", "evidence", "history_entries")} == {
        k: before[k] for k in ("memories", "evidence", "history_entries")
    }
    again = json.loads(cli(home, "search", "who drives the van", "--json").stdout)
    assert [h["id"] for h in again][:3] == [h["id"] for h in found][:3]
    twice = cli(home, "encrypt")
    assert twice.returncode == 1 and "already encrypted" in twice.stderr
