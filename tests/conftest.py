"""Fixtures of the generator's tests."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from tests.releases import TemplateRepository, clone_template
from tests.services import Project, render_project
from tests.support import Environment

# Rendering takes about two seconds an example: no deadline, and fewer examples in CI (per test:
# there are four of each property, one per database and API style) than by hand. CI draws the
# same examples every run, so that a submission's result does not depend on luck; the long run
# by hand draws new ones each time.
for profile, examples, derandomize in (("ci", 30, True), ("thorough", 500, False)):
    settings.register_profile(
        profile,
        max_examples=examples,
        deadline=None,
        derandomize=derandomize,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--full-matrix",
        action="store_true",
        help="render and update every combination of answers, not the covering arrays of "
        "tests/matrix.yml (the weekly run)",
    )


@pytest.fixture(scope="session")
def environment(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Environment:
    """This worker's shared virtual environment (see `Environment`)."""
    return Environment(tmp_path_factory.getbasetemp() / f"env-{worker_id}")


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> TemplateRepository:
    """This worker's clone of the repository, releases tagged, a synthetic release on top."""
    return clone_template(tmp_path_factory.mktemp("template") / "repository")


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Project:
    """The default spec for PostgreSQL, rendered and installed once per worker, for the tests
    that serve it (faults, PgBouncer, the generated client). Its environment is its own: the
    worker's shared one is synced to whatever project a test renders next, under the same
    package name."""
    environment = Environment(tmp_path_factory.getbasetemp() / f"served-env-{worker_id}")
    return render_project(tmp_path_factory.mktemp("served") / "project", environment)
