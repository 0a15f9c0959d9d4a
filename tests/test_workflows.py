"""The GitHub Actions workflows, this repository's and the rendered project's, as far as they can
be checked without GitHub.

Each must match GitHub's workflow schema (check-jsonschema's copy of SchemaStore's) and have no
zizmor finding at its default persona, offline: a workflow GitHub rejects, or one that hands its
token to every step, is found here rather than on the first push of a fork. The rendered workflow
is checked for both databases, since its PostgreSQL service and steps depend on the answer, and
must keep running the project's formatter, linter, type checker and suite.

The repository's CI must run every test module once, give each combination of the interacting
answers (tests/matrix.py) its own render job (so a new database or API style cannot be left out
of CI unnoticed: the job matrix is compared with copier.yml's choices, and each job's `-k` is
tried on the real collection, of the covering array and of the full matrix), and check out the
whole history wherever a test clones it; the weekly run must be that same CI with the
dependencies upgraded, on the full matrix.
"""

from __future__ import annotations

import itertools
import os
import re
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests import matrix
from tests.support import QUESTIONS, TEMPLATE, choices, copy_default, run

WORKFLOWS = TEMPLATE / ".github" / "workflows"
CHECK_JSONSCHEMA = str(Path(sys.executable).with_name("check-jsonschema"))
ZIZMOR = str(Path(sys.executable).with_name("zizmor"))
TEST_MODULES = sorted(path.name for path in (TEMPLATE / "tests").glob("test_*.py"))
MATRIX_MODULE = "test_render_matrix.py"
RENDER = matrix.render_design()
DATABASES = choices(QUESTIONS["database"])
# The job matrix's values are the ids of the interacting answers' values (`mcp`, `no_mcp`).
MATRIX_AXES = {
    name: tuple(matrix.value_id(name, value) for value in RENDER.dimensions[name])
    for name in matrix.JOB_AXES
}
CELLS = list(itertools.product(*MATRIX_AXES.values()))
FIRST_CELL = {axis: values[0] for axis, values in MATRIX_AXES.items()}
FULL_MATRIX_OPTION = "${{ inputs.full-matrix && '--full-matrix' || '' }}"
MATRIX_EXPRESSION = re.compile(r"\$\{\{\s*matrix\.(\w+)\s*\}\}")
# A test that asks for the `template` fixture clones this repository with its whole history and
# tags the releases CHANGELOG.md records (tests/releases.py): a shallow checkout lacks them.
HISTORY_MODULES = sorted(
    name
    for name in TEST_MODULES
    if "template: TemplateRepository" in (TEMPLATE / "tests" / name).read_text()
)


def _load(path: Path) -> dict[str, Any]:
    workflow: dict[str, Any] = yaml.safe_load(path.read_text())
    return workflow


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    """The `on:` mapping (YAML 1.1, which PyYAML reads, takes a bare `on` for True)."""
    triggers: dict[str, Any] = workflow["on" if "on" in workflow else True]
    return triggers


def _run_steps(job: dict[str, Any]) -> Iterator[dict[str, Any]]:
    return (step for step in job.get("steps", []) if "run" in step)


def _pytest_arguments(step: dict[str, Any], cell: dict[str, str]) -> list[str] | None:
    """The arguments of a `uv run pytest` step, its environment and `cell`'s matrix values filled
    in; None for any other step."""
    words = shlex.split(step["run"])
    if words[:3] != ["uv", "run", "pytest"]:
        return None
    env = {
        name: MATRIX_EXPRESSION.sub(lambda match: cell[match[1]], str(value))
        for name, value in step.get("env", {}).items()
    }
    arguments = []
    for word in words[3:]:
        if word.startswith("$"):
            assert word[1:] in env, f"{step['run']!r} uses {word}, which its step does not set"
            word = env[word[1:]]
        arguments.append(word)
    return arguments


def _modules_run_by(arguments: list[str]) -> set[str]:
    """The test modules a pytest command line runs: those it names, or all of them, less those it
    ignores or deselects whole."""
    named: set[str] = set()
    left_out: set[str] = set()
    words = iter(arguments)
    for word in words:
        if word in ("--ignore", "--deselect"):
            left_out.add(Path(next(words)).name)
        elif word.startswith(("--ignore=", "--deselect=")):
            left_out.add(Path(word.partition("=")[2]).name)
        elif word.startswith("tests/") and word.partition("::")[0].endswith(".py"):
            named.add(Path(word.partition("::")[0]).name)
    return (named or set(TEST_MODULES)) - left_out


def _ci_jobs() -> dict[str, dict[str, Any]]:
    jobs: dict[str, dict[str, Any]] = _load(WORKFLOWS / "ci.yml")["jobs"]
    return jobs


def _pytest_steps() -> Iterator[tuple[str, dict[str, Any], set[str]]]:
    """Each CI job's pytest steps with the test modules they run (a matrix job's for its first
    cell: only `-k` differs between cells)."""
    for name, job in _ci_jobs().items():
        for step in _run_steps(job):
            if (arguments := _pytest_arguments(step, FIRST_CELL)) is not None:
                yield name, step, _modules_run_by(arguments)


def _modules_of_jobs() -> dict[str, set[str]]:
    modules: dict[str, set[str]] = {}
    for name, _, run_there in _pytest_steps():
        modules.setdefault(name, set()).update(run_there)
    return modules


def _matrix_step() -> tuple[dict[str, Any], dict[str, Any]]:
    """The job that runs tests/test_render_matrix.py, and its pytest step."""
    found = [(name, step) for name, step, modules in _pytest_steps() if MATRIX_MODULE in modules]
    assert len(found) == 1, f"{len(found)} steps of ci.yml run {MATRIX_MODULE}; expected one"
    name, step = found[0]
    return _ci_jobs()[name], step


def _rendered_workflow(directory: Path, database: str) -> Path:
    project = copy_default(directory / f"project-{database}", "--data", f"database={database}")
    return project / ".github" / "workflows" / "ci.yml"


@pytest.fixture(scope="module")
def rendered_workflows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The workflow of a default project rendered for each database."""
    directory = tmp_path_factory.mktemp("workflows")
    return {database: _rendered_workflow(directory, database) for database in DATABASES}


def _check_schema(*paths: Path) -> None:
    run(
        [CHECK_JSONSCHEMA, "--builtin-schema", "vendor.github-workflows", *map(str, paths)],
        TEMPLATE,
    )


def _audit(path: Path) -> None:
    """zizmor, offline, at its default persona: any finding fails, with zizmor's report."""
    command = [ZIZMOR, "--offline", "--strict-collection", "--no-progress", "--color=never"]
    run([*command, str(path)], TEMPLATE, {**os.environ, "NO_COLOR": "1"})


def test_repository_workflows_match_githubs_schema() -> None:
    workflows = sorted(WORKFLOWS.glob("*.y*ml"))
    assert {path.name for path in workflows} >= {"ci.yml", "weekly.yml"}
    _check_schema(*workflows)


@pytest.mark.parametrize("database", DATABASES)
def test_rendered_workflow_matches_githubs_schema(
    rendered_workflows: dict[str, Path], database: str
) -> None:
    _check_schema(rendered_workflows[database])


def test_repository_has_no_zizmor_findings() -> None:
    _audit(TEMPLATE)


@pytest.mark.parametrize("database", DATABASES)
def test_rendered_workflow_has_no_zizmor_findings(
    rendered_workflows: dict[str, Path], database: str
) -> None:
    _audit(rendered_workflows[database].parents[2])


@pytest.mark.parametrize("database", DATABASES)
def test_rendered_workflow_runs_the_projects_checks_on_its_database(
    rendered_workflows: dict[str, Path], database: str
) -> None:
    text = rendered_workflows[database].read_text()
    job = yaml.safe_load(text)["jobs"]["test"]
    runs = [step["run"] for step in _run_steps(job)]
    checks = ["uv run ruff format --check .", "uv run ruff check .", "uv run mypy", "uv run pytest"]
    assert runs[0] == "uv sync", runs
    assert set(checks) <= set(runs), runs
    on_postgres = [
        step["env"]["TEST_DATABASE_URL"]
        for step in _run_steps(job)
        if "TEST_DATABASE_URL" in step.get("env", {})
    ]
    if database == "sqlite":
        assert "services" not in job
        assert "TEST_DATABASE_URL" not in text
        return
    service = job["services"]["postgres"]
    assert service["image"].startswith("postgres:")
    assert "5432:5432" in service["ports"]
    assert len(on_postgres) == 1, on_postgres
    assert on_postgres[0].startswith("postgresql://postgres:postgres@localhost:5432/")


def test_ci_runs_every_test_module_in_exactly_one_job() -> None:
    modules = _modules_of_jobs()
    for module in TEST_MODULES:
        jobs = sorted(name for name, run_there in modules.items() if module in run_there)
        assert len(jobs) == 1, f"tests/{module} runs in {jobs or 'no job'} of ci.yml"


def test_jobs_running_tests_that_clone_the_history_check_out_all_of_it() -> None:
    assert "test_update.py" in HISTORY_MODULES
    jobs = _ci_jobs()
    for name, modules in _modules_of_jobs().items():
        if not modules & set(HISTORY_MODULES):
            continue
        checkouts = [
            step.get("with", {})
            for step in jobs[name]["steps"]
            if step.get("uses", "").startswith("actions/checkout@")
        ]
        assert checkouts, f"job {name} checks nothing out"
        assert all(options.get("fetch-depth") == 0 for options in checkouts), (
            f"job {name} runs {sorted(modules & set(HISTORY_MODULES))} on a shallow checkout"
        )


def test_render_matrix_job_has_one_job_per_combination_of_the_interacting_answers() -> None:
    job, _ = _matrix_step()
    matrix_of_jobs = job["strategy"]["matrix"]
    assert set(matrix_of_jobs) == set(MATRIX_AXES), f"matrix axes {sorted(matrix_of_jobs)}"
    for axis, values in MATRIX_AXES.items():
        assert matrix_of_jobs[axis] == list(values), f"matrix.{axis}: {matrix_of_jobs[axis]}"
    assert job["strategy"].get("fail-fast") is False


@pytest.mark.parametrize("full", [False, True], ids=["covering", "full"])
@pytest.mark.parametrize("cell", CELLS, ids=["-".join(map(str, cell)) for cell in CELLS])
def test_render_matrix_job_selects_exactly_the_projects_of_its_answers(
    cell: tuple[str, ...], full: bool
) -> None:
    _, step = _matrix_step()
    answers = dict(zip(MATRIX_AXES, cell, strict=True))
    arguments = _pytest_arguments(step, answers)
    assert arguments is not None
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
    if full:
        command.append("--full-matrix")
    collected = run([*command, *arguments], TEMPLATE).stdout
    selected = sorted(
        line.partition("[")[2].rstrip("]") for line in collected.splitlines() if "::" in line
    )
    cells = matrix.cells("render", full=full)
    expected = sorted(
        matrix.cell_id(each)
        for each in cells
        if all(matrix.value_id(name, each[name]) == value for name, value in answers.items())
    )
    assert expected, f"no project of {'-'.join(cell)}"
    assert selected == expected


def test_render_and_update_jobs_take_the_full_matrix_when_asked() -> None:
    jobs = _modules_of_jobs()
    for module in (MATRIX_MODULE, "test_update.py"):
        (name,) = (name for name, modules in jobs.items() if module in modules)
        assert _ci_jobs()[name]["env"]["PYTEST_ADDOPTS"] == FULL_MATRIX_OPTION, name
    for trigger in ("workflow_dispatch", "workflow_call"):
        full = _triggers(_load(WORKFLOWS / "ci.yml"))[trigger]["inputs"]["full-matrix"]
        assert (full["type"], full["default"]) == ("boolean", False)


def test_every_ci_job_upgrades_the_dependencies_first_when_asked() -> None:
    for name, job in _ci_jobs().items():
        runs = [step for step in _run_steps(job) if step["run"].startswith("uv ")]
        first = runs[0]
        assert (first["run"], first.get("if")) == ("uv lock --upgrade", "inputs.upgrade"), (
            f"job {name} runs {first['run']!r} before upgrading the dependencies"
        )
        setup_uv = [step for step in job["steps"] if "setup-uv@" in step.get("uses", "")]
        assert setup_uv, f"job {name} does not set up uv"
        assert setup_uv[0]["with"]["enable-cache"] == "${{ !inputs.upgrade }}"


def test_weekly_run_is_ci_on_the_full_matrix_with_the_dependencies_upgraded() -> None:
    weekly = _load(WORKFLOWS / "weekly.yml")
    assert _triggers(weekly)["schedule"], "weekly.yml has no schedule"
    (job,) = weekly["jobs"].values()
    assert job["uses"] == "$/.github/workflows/ci.yml"
    assert job["with"] == {"upgrade": True, "full-matrix": True}
    called = _triggers(_load(WORKFLOWS / "ci.yml"))["workflow_call"]
    assert called["inputs"]["upgrade"]["type"] == "boolean"
