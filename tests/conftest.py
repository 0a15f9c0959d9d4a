"""Fixtures of the generator's tests."""

from __future__ import annotations

import pytest

from tests.support import Environment


@pytest.fixture(scope="session")
def environment(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Environment:
    """This worker's shared virtual environment (see `Environment`)."""
    return Environment(tmp_path_factory.getbasetemp() / f"env-{worker_id}")
