"""`copier update` from the releases the update policy names keeps the user's work, through the
`copier` command.

Each cell of the update design (release x spec x database x API style x MCP, a covering array
in which every release meets every database and API style it offered: tests/matrix.py; with
`--full-matrix`, every combination from every supported release) renders a project at the
release, commits it, makes the edits a user makes (a line in a model module and in the README,
a module of their own, an Alembic revision of their own, a changed `.env`) and updates to the
newest version: the working tree under test plus a synthetic release on top (see
`tests/releases.py`). Nothing may be lost or left in conflict, untouched files must equal a
fresh copy, and the suite must pass.
Then a model is added through a second update and migrated the way the update message says:
autogenerate, upgrade, `alembic check`, down to the initial revision and up again.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests import matrix
from tests.releases import (
    GIT_IDENTITY,
    SYNTHETIC_DESCRIPTION_SUFFIX,
    SYNTHETIC_DIAGRAM_LINE,
    SYNTHETIC_IGNORE_LINE,
    TemplateRepository,
    git,
    recorded_releases,
)
from tests.support import COPIER, TEMPLATE, Environment, empty_database, run, spec_models

RELEASES = recorded_releases()
PACKAGE = "my_backend"
INITIAL_REVISION = "migrations/versions/0001_initial.py"
USER_REVISION = "migrations/versions/20260101_user0001_report_view.py"
USER_MODULE = f"src/{PACKAGE}/reporting.py"
CONFLICT_MARKERS = ("<<<<<<< ", ">>>>>>> ")
ANSWERS = ".copier-answers.yml"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "cell" in metafunc.fixturenames:
        cells = matrix.cells("update", full=metafunc.config.getoption("full_matrix"))
        metafunc.parametrize("cell", cells, ids=list(map(matrix.cell_id, cells)))


def copier(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the `copier` command as a user would; fail on a non-zero exit."""
    return run([COPIER, *args], cwd, {**os.environ, **GIT_IDENTITY, "NO_COLOR": "1"})


def answers_of(spec: str, database: str, api_style: str, *, mcp: bool = False) -> dict[str, Any]:
    """The `--data-file` answers of a cell (a release without the `mcp` question is rendered
    without the answer, which an update then gives its default)."""
    answers: dict[str, Any] = {"database": database, "api_style": api_style}
    if mcp:
        answers["mcp"] = True
    if (models := spec_models(spec)) is not None:
        answers["models"] = models
    return answers


def render(
    template: TemplateRepository, ref: str, answers: dict[str, Any], destination: Path
) -> Path:
    """`copier copy` of the template at `ref` into `destination`, scripted."""
    data = destination.with_name(f"{destination.name}-answers.yml")
    data.write_text(yaml.safe_dump(answers, sort_keys=False))
    copier(
        "copy", "--trust", "--defaults", "--quiet", "--vcs-ref", ref, "--data-file", str(data),
        str(template.path), str(destination), cwd=destination.parent,
    )  # fmt: skip
    return destination


def commit_all(project: Path, message: str) -> None:
    """Commit everything in the project, as a user does before `copier update`."""
    if not (project / ".git").exists():
        git(project, "init", "--quiet")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--allow-empty", "-m", message)


def recorded_answers(project: Path) -> dict[str, Any]:
    """The project's `.copier-answers.yml`."""
    answers: dict[str, Any] = yaml.safe_load((project / ANSWERS).read_text())
    return answers


def model_module(project: Path, model: str) -> str:
    """The path of the module that defines the table class of `model`."""
    for path in sorted((project / "src" / PACKAGE / "models").glob("*.py")):
        if f"\nclass {model}({model}Base" in path.read_text():
            return str(path.relative_to(project))
    pytest.fail(f"no module defines the table {model}", pytrace=False)


@dataclass(frozen=True)
class UserWork:
    """What a user changed in a rendered project, and how to tell it is still there."""

    model_module: str
    model_line: str
    readme_line: str
    kept: dict[str, bytes]

    def assert_kept(self, project: Path) -> None:
        assert self.model_line in (project / self.model_module).read_text().splitlines()
        assert self.readme_line in (project / "README.md").read_text().splitlines()
        for name, content in self.kept.items():
            assert (project / name).read_bytes() == content, f"{name} changed"


def edit_as_a_user(project: Path, model: str) -> UserWork:
    """A line in `model`'s table class and at the README's end, a module and a revision of the
    user's own, a changed `.env`; the initial revision as it was rendered."""
    module = model_module(project, model)
    model_line = "    # Archived by the nightly job: never delete rows by hand."
    lines = (project / module).read_text().splitlines(keepends=True)
    table_name_line = next(i for i, line in enumerate(lines) if "__tablename__ = " in line)
    table = lines[table_name_line].split('"')[1]
    lines.insert(table_name_line + 1, f"{model_line}\n")
    (project / module).write_text("".join(lines))

    readme_line = "Staging runs on the shared cluster; ask the platform team before migrating."
    with (project / "README.md").open("a") as readme:
        readme.write(f"\n## Operations\n\n{readme_line}\n")

    (project / USER_MODULE).write_text(
        '"""Reports of our own, beside the rendered code."""\n\n\n'
        "def slug(title: str) -> str:\n"
        '    """A URL-friendly form of `title`."""\n'
        '    return "-".join(title.lower().split())\n'
    )
    (project / USER_REVISION).write_text(
        f'"""A view of {table} ids for the reporting tool.\n\n'
        'Revision ID: user0001\nRevises: 0001\n"""\n\n'
        "from collections.abc import Sequence\n\nfrom alembic import op\n\n"
        'revision: str = "user0001"\n'
        'down_revision: str | Sequence[str] | None = "0001"\n'
        "branch_labels: str | Sequence[str] | None = None\n"
        "depends_on: str | Sequence[str] | None = None\n\n\n"
        "def upgrade() -> None:\n"
        '    """Create the view."""\n'
        f'    op.execute("CREATE VIEW report_{table} AS SELECT id FROM {table}")\n\n\n'
        "def downgrade() -> None:\n"
        '    """Drop the view."""\n'
        f'    op.execute("DROP VIEW report_{table}")\n'
    )
    with (project / ".env").open("a") as env:
        env.write("# Staging credentials live in the vault, never here.\n")
    kept = {
        name: (project / name).read_bytes()
        for name in (INITIAL_REVISION, USER_REVISION, USER_MODULE, ".env")
    }
    return UserWork(module, model_line, readme_line, kept)


def project_files(project: Path) -> set[str]:
    """The project's files as git sees them (ignored ones left out)."""
    listed = git(project, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return {name for name in listed.split("\0") if name and (project / name).is_file()}


def assert_merged_cleanly(project: Path) -> None:
    """No rejected hunks, no conflict markers, nothing unmerged in the index."""
    assert git(project, "ls-files", "--unmerged") == ""
    for name in project_files(project):
        assert not name.endswith(".rej"), name
        text = (project / name).read_text()
        for marker in CONFLICT_MARKERS:
            assert f"\n{marker}" not in f"\n{text}", f"{name} holds a conflict marker"


def assert_equals_fresh_copy(project: Path, fresh: Path, work: UserWork) -> None:
    """Every file the user did not touch is what a fresh copy holds; nothing else appeared."""
    rendered = {str(path.relative_to(fresh)) for path in fresh.rglob("*") if path.is_file()}
    fresh_files = rendered - {".env"}
    touched = {work.model_module, "README.md", *work.kept} - {USER_MODULE, USER_REVISION}
    assert project_files(project) == fresh_files | {USER_MODULE, USER_REVISION}
    for name in sorted(fresh_files - touched - {ANSWERS}):
        assert (project / name).read_bytes() == (fresh / name).read_bytes(), f"{name} differs"
    # The same answers; Copier writes a question the release did not have after the others.
    assert recorded_answers(project) == recorded_answers(fresh)


def review_model(models: dict[str, Any]) -> dict[str, Any]:
    """A new model: required many-to-one to the first model, many-to-many to the last, an enum."""
    first, *_, last = models
    return {
        "fields": {
            "verdict": {"type": "enum", "values": ["approved", "rejected"]},
            "remarks": {"type": "text", "optional": True},
        },
        "relations": {
            "subject": {"to": first, "back": "reviews", "required": True, "on_delete": "cascade"},
            "peers": {"to": last, "back": "peer_reviews", "many": True},
        },
    }


def alembic(project: Path, env: dict[str, str], *args: str) -> None:
    """Run `alembic` in the project's environment."""
    run(["uv", "run", "--no-sync", "alembic", *args], project, env)


@pytest.mark.render
def test_update_keeps_user_work_and_brings_new_models(
    template: TemplateRepository, environment: Environment, tmp_path: Path, cell: matrix.Cell
) -> None:
    release = next(release for release in RELEASES if release.tag == cell["release"])
    database, api_style = str(cell["database"]), str(cell["api_style"])
    answers = answers_of(str(cell["spec"]), database, api_style, mcp=cell["mcp"] is True)
    project = render(template, release.tag, answers, tmp_path / "project")
    models = recorded_answers(project)["models"]
    first_model = next(iter(models))
    commit_all(project, "Rendered")
    work = edit_as_a_user(project, first_model)
    commit_all(project, "Our changes")

    copier("update", "--trust", "--defaults", "--quiet", cwd=project)

    assert_merged_cleanly(project)
    work.assert_kept(project)
    assert recorded_answers(project)["_commit"] == template.head
    assert SYNTHETIC_DIAGRAM_LINE in (project / "README.md").read_text()
    assert SYNTHETIC_IGNORE_LINE in (project / ".gitignore").read_text()
    fresh = render(template, template.head, answers, tmp_path / "fresh")
    assert_equals_fresh_copy(project, fresh, work)
    postgres = database == "postgresql"
    environment.check_project(project, postgres=postgres)
    commit_all(project, "Updated")

    new_models = {**models, "Review": review_model(models)}
    data = tmp_path / "new-answers.yml"
    data.write_text(yaml.safe_dump({"models": new_models}, sort_keys=False))
    update = copier("update", "--trust", "--defaults", "--data-file", str(data), cwd=project)

    assert "uv run alembic revision --autogenerate" in update.stderr
    assert_merged_cleanly(project)
    work.assert_kept(project)
    assert list(recorded_answers(project)["models"]) == list(new_models)
    assert (project / "src" / PACKAGE / "models" / "review.py").is_file()
    assert (project / "src" / PACKAGE / "repositories" / "review.py").is_file()
    assert (project / "tests" / "repositories" / "test_review.py").is_file()
    assert ((project / "src" / PACKAGE / "api" / "routes" / "reviews.py").is_file()) == (
        api_style == "rest"
    )
    if api_style == "graphql":
        assert "\ntype Review {" in (project / "schema.graphql").read_text()
    mcp_tools = project / "src" / PACKAGE / "api" / "mcp" / "tools" / "reviews.py"
    assert mcp_tools.is_file() == (cell["mcp"] is True)
    env = environment.variables()
    run(["uv", "sync", "--quiet"], project, env)
    revisions = set((project / "migrations" / "versions").glob("*.py"))
    with empty_database(database, tmp_path) as url:
        env = environment.variables(DATABASE_URL=url)
        alembic(project, env, "upgrade", "head")
        alembic(project, env, "revision", "--autogenerate", "-m", "add review")
        (revision,) = set((project / "migrations" / "versions").glob("*.py")) - revisions
        assert 'op.create_table(\n        "review",' in revision.read_text()
        alembic(project, env, "upgrade", "head")
        alembic(project, env, "check")
        alembic(project, env, "downgrade", "0001")
        alembic(project, env, "upgrade", "head")
    # Its own migration tests take the new revision down to base and up again, and check it,
    # on SQLite and PostgreSQL.
    environment.check_project(project, postgres=postgres)


@pytest.mark.parametrize("spec", matrix.UPDATE_SPECS)
def test_update_to_the_same_release_changes_nothing(
    template: TemplateRepository, tmp_path: Path, spec: str
) -> None:
    release = RELEASES[0]
    answers = answers_of(spec, "postgresql", "rest")
    project = render(template, release.tag, answers, tmp_path / "project")
    if "models" in answers:
        recorded = recorded_answers(project)["models"]
        assert list(recorded) == list(answers["models"])
        for name, model in answers["models"].items():
            assert list(recorded[name]["fields"]) == list(model["fields"])
    commit_all(project, "Rendered")
    copier("update", "--trust", "--defaults", "--quiet", "--vcs-ref", release.tag, cwd=project)
    assert git(project, "status", "--porcelain") == ""


def test_a_conflicting_edit_is_marked_inline_never_lost(
    template: TemplateRepository, tmp_path: Path
) -> None:
    project = render(template, RELEASES[0].tag, {"database": "sqlite"}, tmp_path / "project")
    commit_all(project, "Rendered")
    readme = project / "README.md"
    ours = "Our own description, which the template also changes."
    description = yaml.safe_load((TEMPLATE / "copier.yml").read_text())["description"]["default"]
    assert f"\n{description}\n" in readme.read_text()
    readme.write_text(readme.read_text().replace(f"\n{description}\n", f"\n{ours}\n"))
    commit_all(project, "Our description")

    copier("update", "--trust", "--defaults", "--quiet", cwd=project)

    text = readme.read_text()
    assert "\n<<<<<<< before updating\n" in text
    assert f"\n{ours}\n" in text
    assert f"\n{description}{SYNTHETIC_DESCRIPTION_SUFFIX}\n" in text
    assert "README.md" in git(project, "ls-files", "--unmerged")


def test_update_leaves_deleted_files_deleted(template: TemplateRepository, tmp_path: Path) -> None:
    answers = {"database": "postgresql", "api_style": "rest"}
    project = render(template, RELEASES[0].tag, answers, tmp_path / "project")
    commit_all(project, "Rendered")
    git(project, "rm", "--quiet", "Dockerfile", INITIAL_REVISION)
    versions = project / "migrations" / "versions"
    versions.mkdir()
    (versions / "0001_squashed.py").write_text('"""Every migration so far, as one base."""\n')
    commit_all(project, "Squashed the migrations, no Docker")
    (project / ".env").unlink()

    copier("update", "--trust", "--defaults", "--quiet", cwd=project)

    assert not (project / "Dockerfile").exists()
    assert not (project / INITIAL_REVISION).exists()
    assert (project / ".env").read_text() == (project / ".env.example").read_text()


@pytest.mark.render
def test_an_update_adding_auth_users_migrates_by_autogenerate(
    template: TemplateRepository, environment: Environment, tmp_path: Path
) -> None:
    """`copier update --data auth=users` on a project of the newest version: the User model,
    the sign-in and the API key models arrive in code, and their tables through a revision
    autogenerated as the update message says (the initial revision is the user's); the suite
    then passes, its migration tests taking the new revision down and up, on SQLite and
    PostgreSQL."""
    answers = answers_of("relations", "postgresql", "rest", mcp=True)
    project = render(template, template.head, answers, tmp_path / "project")
    commit_all(project, "Rendered")
    initial = (project / INITIAL_REVISION).read_bytes()

    update = copier("update", "--trust", "--defaults", "--data", "auth=users", cwd=project)

    assert "uv run alembic revision --autogenerate" in update.stderr
    assert_merged_cleanly(project)
    assert recorded_answers(project)["auth"] == "users"
    assert (project / INITIAL_REVISION).read_bytes() == initial
    for module in ("models/user.py", "accounts.py", "api/auth.py", "tokens.py"):
        assert (project / "src" / PACKAGE / module).is_file(), module
    env = environment.variables()
    run(["uv", "sync", "--quiet"], project, env)
    revisions = set((project / "migrations" / "versions").glob("*.py"))
    with empty_database("postgresql", tmp_path) as url:
        env = environment.variables(DATABASE_URL=url)
        alembic(project, env, "upgrade", "head")
        alembic(project, env, "revision", "--autogenerate", "-m", "add users")
        (revision,) = set((project / "migrations" / "versions").glob("*.py")) - revisions
        for table in ("users", "api_key", "refresh_token", "sign_in_failure"):
            assert f'op.create_table(\n        "{table}",' in revision.read_text(), table
        alembic(project, env, "upgrade", "head")
        alembic(project, env, "check")
        alembic(project, env, "downgrade", "0001")
        alembic(project, env, "upgrade", "head")
    environment.check_project(project, postgres=True)
