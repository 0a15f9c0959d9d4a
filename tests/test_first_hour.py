"""The first hour of a rendered project, as its README tells it.

The commands of the README's Quick start run as a user runs them, in order, as subprocesses:
`uv run alembic upgrade head`, then `uv run fastapi dev`, whose API must answer over real HTTP,
on SQLite (nothing to start) and on PostgreSQL (`docker compose up -d db` stands for a new empty
database on the local server: what compose's db service gives). On the way, every place a user
meets a database that cannot serve says so in one line that names the database and what to do,
never with a traceback: Alembic, the application's startup, and the suite's TEST_DATABASE_URL.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.services import render_project, wait_until_served
from tests.support import (
    Environment,
    empty_database,
    free_port,
    run,
)

QUICK_START = re.compile(r"^## Quick start\n.*?^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)
MIGRATE = "uv run alembic upgrade head"
SERVE = "uv run fastapi dev"
START_POSTGRES = "docker compose up -d db"
NO_TABLES = "the database has no tables yet: run `uv run alembic upgrade head`"


def quick_start(project: Path) -> list[str]:
    """The commands of the README's Quick start, without their comments."""
    block = QUICK_START.search((project / "README.md").read_text())
    assert block is not None, "the README has no Quick start commands"
    return [line.partition("#")[0].strip() for line in block.group(1).splitlines()]


@contextmanager
def dev_server(project: Path, env: dict[str, str], log: Path) -> Iterator[str]:
    """`uv run fastapi dev` on a free port until the block ends; its URL. Its output goes to
    `log`."""
    port = free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [*SERVE.split(), "--port", str(port)],
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            # Its own process group: the reloader and the server stop together.
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_served(url, process, log)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)


def startup_lines(log: Path) -> list[str]:
    """What the application logged while starting, without the level."""
    lines = log.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if "Waiting for application startup" in line)
    end = next(i for i, line in enumerate(lines) if "Application startup complete" in line)
    return [line.partition(":")[2].strip() for line in lines[start + 1 : end]]


def failure_lines(command: list[str], project: Path, env: dict[str, str]) -> list[str]:
    """What `command` prints; it must fail, without a traceback."""
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    return output.strip().splitlines()


def serve_and_use(project: Path, env: dict[str, str], log: Path) -> None:
    """Serve with `fastapi dev`; a project created over HTTP reads back."""
    with dev_server(project, env, log) as url:
        created = httpx.post(f"{url}/api/v1/projects", json={"name": "Apollo"}, timeout=10)
        assert created.status_code == 201, created.text
        read = httpx.get(f"{url}/api/v1/projects/{created.json()['id']}", timeout=10)
        assert read.status_code == 200, read.text
        assert read.json()["name"] == "Apollo"


@pytest.mark.render
def test_the_quick_start_serves_the_api_on_sqlite(tmp_path: Path, environment: Environment) -> None:
    rendered = render_project(tmp_path / "project", environment, "sqlite")
    project, env = rendered.path, rendered.env
    assert quick_start(project) == [MIGRATE, SERVE]
    database = "SQLite at ./app.db"  # .env's DATABASE_URL

    # Started before the first command, the server says which command to run.
    with dev_server(project, env, tmp_path / "early.log"):
        pass
    assert startup_lines(tmp_path / "early.log") == [f"Serving from {database}", NO_TABLES]

    run(MIGRATE.split(), project, env)
    serve_and_use(project, env, tmp_path / "server.log")
    assert startup_lines(tmp_path / "server.log") == [f"Serving from {database}"]
    assert "Traceback" not in (tmp_path / "server.log").read_text()


@pytest.mark.render
def test_the_quick_start_serves_the_api_on_postgresql(
    tmp_path: Path, environment: Environment
) -> None:
    rendered = render_project(tmp_path / "project", environment, "postgresql")
    project, env = rendered.path, rendered.env
    assert quick_start(project) == [START_POSTGRES, MIGRATE, SERVE]

    # Before the database is started: one line from each place a user meets it.
    port = free_port()
    nowhere = f"PostgreSQL at 127.0.0.1:{port}, database 'app'"
    advice = "start it (`docker compose up -d db`), or point {} at a running server"
    away = {**env, "DATABASE_URL": f"postgresql://postgres:postgres@127.0.0.1:{port}/app"}
    refused = f"cannot connect to {nowhere}: connection refused: {advice.format('DATABASE_URL')}"
    assert failure_lines(MIGRATE.split(), project, away)[-1] == refused
    with dev_server(project, away, tmp_path / "away.log"):
        pass
    assert startup_lines(tmp_path / "away.log") == [f"Serving from {nowhere}", refused]
    tests_away = {**env, "TEST_DATABASE_URL": away["DATABASE_URL"].replace("/app", "/postgres")}
    lines = failure_lines(["uv", "run", "pytest", "-q", "-x"], project, tests_away)
    expected = (
        f"cannot connect to PostgreSQL at 127.0.0.1:{port}, database 'postgres': connection "
        f"refused: {advice.format('TEST_DATABASE_URL')}"
    )
    assert any(expected in line for line in lines), lines

    # `docker compose up -d db`: a new empty database, which DATABASE_URL points at.
    with empty_database("postgresql", tmp_path) as url:
        env["DATABASE_URL"] = url
        run(MIGRATE.split(), project, env)
        serve_and_use(project, env, tmp_path / "server.log")
    name = url.rpartition("/")[2]
    database = f"PostgreSQL at 127.0.0.1:5432, database '{name}'"
    assert startup_lines(tmp_path / "server.log") == [f"Serving from {database}"]
    assert "Traceback" not in (tmp_path / "server.log").read_text()
