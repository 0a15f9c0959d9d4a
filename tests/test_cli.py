"""The scripted path of the README: `copier copy --defaults --data-file`, tasks skipped."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import COPY_WORKING_TREE, TEMPLATE, Environment, spec_models


def _copy(tmp_path: Path, answers: dict[str, Any]) -> Path:
    data_file = tmp_path / "answers.yml"
    data_file.write_text(yaml.safe_dump(answers))
    destination = tmp_path / "project"
    command = [*COPY_WORKING_TREE, "--defaults", "--skip-tasks", "--quiet"]
    command += ["--data-file", str(data_file), str(TEMPLATE), str(destination)]
    result = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, check=False
    )
    assert result.returncode == 0, result.stderr
    return destination


@pytest.mark.render
def test_scripted_copy_with_skipped_tasks_is_complete_and_green(
    tmp_path: Path, environment: Environment
) -> None:
    answers = {
        "project_name": "Shop API",
        "database": "sqlite",
        "api_style": "rest",
        "id_type": "uuid",
        "models": spec_models("relations"),
    }
    project = _copy(tmp_path, answers)
    assert (project / "src" / "shop_api" / "main.py").is_file()
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert recorded["models"] == answers["models"]
    assert "spec" not in recorded
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    assert set(compose["services"]) == {"api"}
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    steps = [step.get("run") for step in workflow["jobs"]["test"]["steps"]]
    assert "uv run pytest" in steps
    assert "TEST_DATABASE_URL" not in (project / ".github" / "workflows" / "ci.yml").read_text()
    assert (project / "Dockerfile").is_file()
    environment.check_project(project, postgres=False)


def test_docker_and_workflow_files_follow_their_answers(tmp_path: Path) -> None:
    answers = {"database": "postgresql", "api_style": "none", "github_actions": False}
    project = _copy(tmp_path, answers)
    assert not (project / ".github").exists()
    assert not (project / "Dockerfile").exists()
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    assert set(compose["services"]) == {"db"}
    assert not (project / "src" / "my_backend" / "api").exists()
    assert not (project / "tests" / "api").exists()
