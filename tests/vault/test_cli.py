"""`reverie vault` as a user runs it: export with the passphrase from an environment variable,
a dry run and an import with --json, the snapshot list after a replace, clear errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tests.vault.conftest import copy_home


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAULT_PASS", "a passphrase for the cli test")


def vault(*args: str, home: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    result: subprocess.CompletedProcess[str] = run_cli(
        "vault", *args, "--passphrase-env", "VAULT_PASS", home=home, check=check
    )
    return result


def test_export_dry_run_import_and_snapshots(rich_home: Path, tmp_path: Path) -> None:
    home = copy_home(rich_home, tmp_path / "home")
    target = tmp_path / "out.reverie-vault"
    exported = json.loads(vault("export", str(target), "--json", home=home).stdout)
    assert target.is_file() and exported["verified"] and exported["counts"]["memory"] > 10
    other = tmp_path / "other"
    dry = json.loads(vault("import", str(target), "--dry-run", "--json", home=other).stdout)
    assert dry["dry_run"] and dry["counts"]["memory"]["added"] == exported["counts"]["memory"]
    text = vault("import", str(target), home=other).stdout
    assert f"memory        {exported['counts']['memory']:>7} added" in text
    again = json.loads(vault("import", str(target), "--json", home=other).stdout)
    assert again["counts"]["memory"]["added"] == 0
    vault("import", str(target), "--mode", "replace", home=home)
    listed = json.loads(run_cli("vault", "restore-snapshot", "--list", "--json", home=home).stdout)
    assert [s["reason"] for s in listed] == ["before-vault-replace"]


def test_passphrase_env_before_vault_is_the_stores_and_after_the_action_the_vaults(
    rich_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    monkeypatch.setenv("STORE_PASS", os.environ["REVERIE_PASSPHRASE"])
    monkeypatch.setenv("REVERIE_PASSPHRASE", "not the store's passphrase")
    home = copy_home(rich_home, tmp_path / "home")
    target = tmp_path / "out.reverie-vault"
    run_cli("--passphrase-env", "STORE_PASS", "vault", "export", str(target),
            "--passphrase-env", "VAULT_PASS", home=home)  # fmt: skip
    # The vault was locked with VAULT_PASS, not the store's passphrase; the old spelling works.
    other = tmp_path / "other"
    monkeypatch.setenv("REVERIE_PASSPHRASE", "a new home's passphrase")
    wrong = run_cli("vault", "import", str(target), "--passphrase-env", "STORE_PASS",
                    home=other, check=False)  # fmt: skip
    assert "wrong passphrase" in wrong.stderr
    run_cli("vault", "import", str(target), "--vault-passphrase-env", "VAULT_PASS", home=other)


def test_a_wrong_passphrase_is_a_clear_error(
    rich_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VAULT_PASS", "not the passphrase")
    result = vault("import", str(rich_vault), home=tmp_path / "home", check=False)
    assert result.returncode == 1
    assert "reverie: error: wrong passphrase" in result.stderr


def test_backup_without_a_folder_uses_the_settings(rich_home: Path, tmp_path: Path) -> None:
    from dataclasses import replace

    from app.services.vault_backup import backups, last_status
    from app.settings import Settings

    home = copy_home(rich_home, tmp_path / "home")
    refused = vault("backup", home=home, check=False)
    assert refused.returncode == 1 and "no backup folder in Settings" in refused.stderr
    folder = tmp_path / "backups"
    chosen = replace(Settings.load(home), backup_enabled=True, backup_folder=str(folder),
                     backup_every="weekly", backup_keep=1)  # fmt: skip
    chosen.save(home)
    assert "Backed up" in vault("backup", home=home).stdout
    assert "No backup needed" in vault("backup", home=home).stdout  # weekly: not yet due
    assert len(backups(folder)) == 1
    status = last_status(home)
    assert status is not None and status.ok and status.path == str(backups(folder)[0])
