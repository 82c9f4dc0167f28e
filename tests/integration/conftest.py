"""Fixtures for the integration tests: the bundled model, loaded once per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.llm.catalog import bundled_model
from app.llm.runtime import LocalModel


@pytest.fixture(scope="module")
def model() -> Iterator[LocalModel]:
    found = bundled_model()
    assert found is not None, "the bundled model is installed by the README's setup command"
    instance = LocalModel(found.path)
    yield instance
    instance.close()
