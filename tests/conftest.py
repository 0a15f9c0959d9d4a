"""Fixtures of the generator's tests."""

from __future__ import annotations

import pytest

from tests.releases import TemplateRepository, clone_template
from tests.support import Environment


@pytest.fixture(scope="session")
def environment(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Environment:
    """This worker's shared virtual environment (see `Environment`)."""
    return Environment(tmp_path_factory.getbasetemp() / f"env-{worker_id}")


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> TemplateRepository:
    """This worker's clone of the repository, releases tagged, a synthetic release on top."""
    return clone_template(tmp_path_factory.mktemp("template") / "repository")
