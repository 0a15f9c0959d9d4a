"""The projects of the render design pass their own checks, on SQLite and PostgreSQL.

The cells are a covering array of copier.yml's answers and the specs of tests/specs (see
tests/matrix.py and tests/matrix.yml): every pair of answers is rendered together somewhere.
`--full-matrix` renders every combination instead. Each project is rendered with the `copier`
command, installed from its own pyproject, then `ruff format --check`, `ruff check`,
`mypy --strict` and its pytest suite must pass: on SQLite, and for PostgreSQL cells also on a
real server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests import matrix
from tests.support import Environment, assert_hand_written, copy_with, spec_models


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "cell" in metafunc.fixturenames:
        cells = matrix.cells("render", full=metafunc.config.getoption("full_matrix"))
        metafunc.parametrize("cell", cells, ids=list(map(matrix.cell_id, cells)))


@pytest.mark.render
def test_rendered_project_passes_its_own_checks(
    environment: Environment, tmp_path: Path, cell: matrix.Cell
) -> None:
    answers: dict[str, Any] = {name: value for name, value in cell.items() if name != "spec"}
    if (models := spec_models(str(cell["spec"]))) is not None:
        answers["models"] = models
    project = copy_with(tmp_path / "project", answers)
    assert_hand_written(project)
    environment.check_project(project, postgres=cell["database"] == "postgresql")
