"""A typed client generated from a rendered project's OpenAPI document works as typed.

The default spec on PostgreSQL: its OpenAPI document is exported, datamodel-code-generator makes
pydantic models of it, `tests/client/calls.py` (create a project, create a task, finish it, list
the tasks, through those models) type-checks with `mypy --strict` against them, then runs
against the served project: every answer parses into its generated model.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.services import Project, serving
from tests.support import run

pytestmark = pytest.mark.render

CALLS = Path(__file__).with_name("client") / "calls.py"
CODEGEN = str(Path(sys.executable).with_name("datamodel-codegen"))
EXPORT = "import json; from my_backend.main import app; print(json.dumps(app.openapi()))"


def test_a_client_generated_from_the_openapi_document_type_checks_and_works(
    project: Project, tmp_path: Path
) -> None:
    client = tmp_path / "client"
    client.mkdir()
    document = run(["uv", "run", "--no-sync", "python", "-c", EXPORT], project.path, project.env)
    (client / "openapi.json").write_text(document.stdout)
    generate = [CODEGEN, "--input", "openapi.json", "--input-file-type", "openapi"]
    generate += ["--output", "models.py", "--output-model-type", "pydantic_v2.BaseModel"]
    generate += ["--target-python-version", "3.11", "--use-annotated", "--use-union-operator"]
    generate += ["--formatters", "ruff-format"]
    run(generate, client)
    shutil.copy(CALLS, client / "calls.py")
    # The generated models are datamodel-code-generator's code, checked as it writes them
    # (an enum field's default is the value's string): the calls are ours, checked strictly.
    (client / "mypy.ini").write_text(
        "[mypy]\nstrict = True\n\n[mypy-models]\nignore_errors = True\n"
    )
    # The project's environment, from a directory outside the project.
    tools = Path(project.env["UV_PROJECT_ENVIRONMENT"]) / "bin"
    run([str(tools / "mypy"), "calls.py"], client, project.env)
    with serving(project, tmp_path) as service:
        run([str(tools / "python"), "calls.py", service.url], client, project.env)
