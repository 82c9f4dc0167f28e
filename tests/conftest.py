"""Shared fixtures. Network access is blocked for the whole run, in this process and in every
process the tests start; any attempt fails the run."""

from __future__ import annotations

import os
import sys

# Qt must know it has no screen before PySide6 is first imported (else it aborts the process).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Every store a test makes is encrypted, as a user's is; the key comes from a passphrase in the
# environment (as a script's would), never from the developer's own OS keyring.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
os.environ.setdefault("REVERIE_PASSPHRASE", "the test suite's passphrase")
import faulthandler
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import NETGUARD, NOW
from tests.xserver import display, show, xserver  # noqa: F401 (fixtures for capture tests)

# pytest-timeout (600 s) interrupts a test from Python; a deadlock that holds the GIL (Qt and
# Python waiting on each other) never lets it. faulthandler's watchdog is plain C: a test still
# running after this long gets every thread's stack printed and the run ended, so CI reports a
# hang in minutes with its cause instead of running out its 90.
HUNG_AFTER_S = 900


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    faulthandler.dump_traceback_later(HUNG_AFTER_S, exit=True)
    try:
        return (yield)
    finally:
        faulthandler.cancel_dump_traceback_later()


def _install_guard(log: Path) -> None:
    os.environ["REVERIE_NETLOG"] = str(log)
    sys.path.insert(0, str(NETGUARD))
    import sitecustomize  # noqa: F401  (patches socket on import)

    sys.path.remove(str(NETGUARD))


@pytest.fixture(scope="session", autouse=True)
def no_network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    log = tmp_path_factory.mktemp("net") / "attempts.log"
    log.touch()
    _install_guard(log)
    yield log
    attempts = log.read_text().strip()
    assert not attempts, f"code under test tried to open network connections:\n{attempts}"


@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    from app.embed.minilm import MiniLmEmbedder

    return MiniLmEmbedder()


@pytest.fixture
def reverie(tmp_path: Path, embedder):  # type: ignore[no-untyped-def]
    from app.runtime import Reverie

    with Reverie(tmp_path / "home", clock=lambda: NOW, embedder=embedder) as instance:
        yield instance
