"""A served project's MCP tools answer an MCP client nobody here wrote: the SDK's own `Client`,
over streamable HTTP, against uvicorn, on a real PostgreSQL.

The relations spec (many-to-one, many-to-many, a model referring to itself) with MCP as the
only surface (`api_style: none`): every model's tools create, read, page, update and delete a
row, and a client meets `NOT_FOUND`, `BAD_USER_INPUT` and `INVALID_REFERENCE` where REST answers
404, 422 and 409 (`tests/client/mcp_calls.py`, run in the project's environment).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from modelspec import compile_spec

from tests.services import render_project, serving
from tests.support import Environment, run, spec_models

pytestmark = pytest.mark.render

CALLS = Path(__file__).with_name("client") / "mcp_calls.py"


def test_the_sdks_client_calls_every_tool_over_http(tmp_path: Path) -> None:
    models = spec_models("relations")
    answers = tmp_path / "answers.yml"
    answers.write_text(yaml.safe_dump({"models": models, "api_style": "none", "mcp": True}))
    # An environment of its own: the worker's shared one holds the default project, which other
    # tests serve, under the same package name.
    environment = Environment(tmp_path / "environment")
    project = render_project(
        tmp_path / "project", environment, "postgresql", "--data-file", str(answers)
    )
    spec = compile_spec(
        models,
        package_name="my_backend",
        database="postgresql",
        id_type="int",
        api_style="none",
        mcp=True,
    )
    called = [
        {
            "snake": model["snake"],
            "plural": model["plural"],
            "reference": next(
                (relation["fk_column"] for relation in model["required_to_one"]), None
            ),
        }
        for model in spec["models"]
    ]
    python = str(Path(project.env["UV_PROJECT_ENVIRONMENT"]) / "bin" / "python")
    with serving(project, tmp_path) as service:
        # The project's `tests` package (its factories) on the path of a script run from outside.
        env = {**project.env, "DATABASE_URL": service.database, "PYTHONPATH": str(project.path)}
        calls = run([python, str(CALLS), service.url, json.dumps(called)], project.path, env)
    assert f"{len(called)} models" in calls.stdout, calls.stdout
