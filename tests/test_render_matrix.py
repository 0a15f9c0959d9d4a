"""Every variant renders a project whose own checks and suite pass, on SQLite and PostgreSQL.

The matrix: database x api_style x id_type x spec (the default TaskManager; every field type and
option; many-to-many and self-reference; names and shapes that trip naive templates). Each
project is installed from its own pyproject, then `ruff format --check`, `ruff check`,
`mypy --strict` and its pytest suite must pass: on SQLite, and for PostgreSQL variants also on a
real server.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from tests.support import Environment, assert_hand_written, spec_models

SPECS = ("default", "every_field_type", "relations", "edge_cases")
DATABASES = ("postgresql", "sqlite")
API_STYLES = ("rest", "graphql", "none")
ID_TYPES = ("int", "uuid")
VARIANTS = list(itertools.product(SPECS, DATABASES, API_STYLES, ID_TYPES))


@pytest.mark.render
@pytest.mark.parametrize(
    ("spec", "database", "api_style", "id_type"),
    VARIANTS,
    ids=["-".join(variant) for variant in VARIANTS],
)
def test_rendered_project_passes_its_own_checks(
    copie: Any, environment: Environment, spec: str, database: str, api_style: str, id_type: str
) -> None:
    answers: dict[str, Any] = {"database": database, "api_style": api_style, "id_type": id_type}
    if (models := spec_models(spec)) is not None:
        answers["models"] = models
    result = copie.copy(extra_answers=answers)
    assert result.exit_code == 0, result.exception
    assert result.project_dir is not None
    assert_hand_written(result.project_dir)
    environment.check_project(result.project_dir, postgres=database == "postgresql")
