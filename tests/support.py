"""Helpers of the generator's tests: the template, its specs, commands, PostgreSQL."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

TEMPLATE = Path(__file__).resolve().parents[1]
SPECS = TEMPLATE / "tests" / "specs"
POSTGRES_HOST, POSTGRES_PORT = "127.0.0.1", 5432
POSTGRES_URL = f"postgresql+asyncpg://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/postgres"
# The copier of this environment, whether or not its bin/ is on PATH; TEST_COPIER names another
# (to check an older Copier against `_min_copier_version`, say).
COPIER = os.environ.get("TEST_COPIER") or str(Path(sys.executable).with_name("copier"))
# `copier copy` of the working tree: HEAD and any uncommitted change, not the newest release tag
# (Copier's default).
COPY_WORKING_TREE = [COPIER, "copy", "--trust", "--vcs-ref=HEAD"]


def questions(config: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The questions Copier asks of a copier.yml, in order: not its settings (`_...`), not the
    computed `spec` (`when: false`)."""
    return {
        name: body
        for name, body in config.items()
        if not name.startswith("_") and not (isinstance(body, dict) and body.get("when") is False)
    }


QUESTIONS = questions(yaml.safe_load((TEMPLATE / "copier.yml").read_text()))


def choices(question: Mapping[str, Any]) -> tuple[str, ...]:
    """The values a question with choices offers, in copier.yml's order (none for the others)."""
    offered = question.get("choices") or ()
    return tuple(offered.values() if isinstance(offered, Mapping) else offered)


def copy_default(destination: Path, *options: str) -> Path:
    """`copier copy --defaults` of the working tree into `destination`, with `options` (such
    as `--data database=sqlite`); the project's path."""
    command = [*COPY_WORKING_TREE, "--defaults", "--quiet", *options]
    run([*command, str(TEMPLATE), str(destination)], TEMPLATE, {**os.environ, "NO_COLOR": "1"})
    return destination


def copy_with(destination: Path, answers: Mapping[str, Any]) -> Path:
    """`copier copy --defaults` of the working tree into `destination`, given `answers` in a
    data file (the scripted path of the README); the project's path."""
    data = destination.with_name(f"{destination.name}-answers.yml")
    data.write_text(yaml.safe_dump(dict(answers), sort_keys=False))
    return copy_default(destination, "--data-file", str(data))


def spec_models(name: str) -> Any:
    """The `models` answer of a spec in tests/specs, or None for the template's default."""
    if name == "default":
        return None
    return yaml.safe_load((SPECS / f"{name}.yml").read_text())["models"]


def free_port() -> int:
    """A local TCP port nothing listens on (for a server to start on)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def postgres_answers() -> bool:
    """True when something listens on PostgreSQL's port."""
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((POSTGRES_HOST, POSTGRES_PORT)) == 0


def require_postgres() -> None:
    """Fail when PostgreSQL is not answering: its tests never pass by being skipped."""
    if not postgres_answers():
        pytest.fail(
            f"PostgreSQL does not answer on {POSTGRES_HOST}:{POSTGRES_PORT}; start it "
            "(see the README) and run the tests again"
        )


@contextmanager
def empty_database(kind: str, directory: Path) -> Iterator[str]:
    """The URL of an empty database: a new PostgreSQL database (dropped after) or a SQLite file."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{directory / f'{uuid.uuid4().hex[:12]}.db'}"
        return
    require_postgres()
    name = f"gen_{uuid.uuid4().hex[:12]}"
    server = ["-h", POSTGRES_HOST, "-p", str(POSTGRES_PORT), "-U", "postgres"]
    run(["createdb", *server, name], directory)
    try:
        yield f"postgresql://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"
    finally:
        run(["dropdb", *server, "--force", name], directory)


def run(
    command: list[str],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 600,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `command` (given `stdin` as its standard input); on a non-zero exit, fail with its
    output."""
    result = subprocess.run(
        command,
        cwd=cwd,
        env=dict(env) if env is not None else None,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"`{' '.join(command)}` exited with {result.returncode} in {cwd}\n"
            f"--- stdout\n{result.stdout[-8000:]}\n--- stderr\n{result.stderr[-8000:]}",
            pytrace=False,
        )
    return result


# What an unrendered Jinja expression, tag or comment looks like. Not every `}}` or `{#` is one:
# Python writes `{"a": {}}`, the spec's strings (descriptions, defaults) may hold anything, and a
# GitHub workflow's expressions are `${{ github.ref }}`.
JINJA_RESIDUE = re.compile(r"(?<!\$)\{\{ ?[A-Za-z_][\w.]*[ |]|\{%-? ?[a-z]+\b|\{#.*?#\}")


def assert_hand_written(project: Path) -> None:
    """No Jinja residue, no trailing whitespace, no runs of blank lines in any rendered file."""
    for path in sorted(project.rglob("*")):
        if (
            not path.is_file()
            or path.suffix in {".db", ".lock"}
            or any(part.startswith(".") and part.endswith(("venv", "cache")) for part in path.parts)
        ):
            continue
        text = path.read_text()
        where = path.relative_to(project)
        residue = JINJA_RESIDUE.search(text)
        assert residue is None, f"{where} holds {residue.group()!r}"
        for number, line in enumerate(text.splitlines(), 1):
            # Whitespace as editors and ruff's W291 see it: a no-break space a user put at the
            # end of a default value is theirs to keep.
            assert line == line.rstrip(" \t\f"), f"{where}:{number} ends with whitespace"
        assert "\n\n\n\n" not in text, f"{where} has three blank lines in a row"
        if text:
            assert text.endswith("\n"), f"{where} does not end with a newline"
            assert not text.endswith("\n\n"), f"{where} ends with a blank line"


class Environment:
    """The virtual environment and mypy cache one xdist worker shares across projects.

    Every project still installs from its own pyproject: `uv sync` makes the environment
    exactly the project's (it removes whatever the previous project installed), so a missing
    dependency fails. What is shared is what does not depend on the project: installed files
    and mypy's cache of third-party modules.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def variables(self, **extra: str) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
        env.update(
            UV_PROJECT_ENVIRONMENT=str(self.root / "venv"),
            UV_PYTHON_DOWNLOADS="never",
            MYPY_CACHE_DIR=str(self.root / "mypy-cache"),
            # Installed packages compiled once (uv sync), so that each of the many processes that
            # import them does not compile them again; nothing is written into the projects.
            UV_COMPILE_BYTECODE="1",
            PYTHONDONTWRITEBYTECODE="1",
        )
        env.pop("TEST_DATABASE_URL", None)
        env.update(extra)
        return env

    def check_project(self, project: Path, *, postgres: bool) -> None:
        """Install the project, then its formatter, linter, type checker and suite must pass."""
        env = self.variables()
        run(["uv", "sync", "--quiet"], project, env)
        run(["uv", "run", "--no-sync", "ruff", "format", "--check", "."], project, env)
        run(["uv", "run", "--no-sync", "ruff", "check", "."], project, env)
        run(["uv", "run", "--no-sync", "mypy"], project, env)
        run(["uv", "run", "--no-sync", "pytest", "-q", "-p", "no:cacheprovider"], project, env)
        if postgres:
            require_postgres()
            env = self.variables(TEST_DATABASE_URL=POSTGRES_URL)
            command = ["uv", "run", "--no-sync", "pytest", "-q", "-p", "no:cacheprovider"]
            run(command, project, env)
