"""A rendered REST project served by uvicorn for the tests that need a running service."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support import (
    POSTGRES_PORT,
    Environment,
    copy_default,
    empty_database,
    free_port,
    run,
)


def wait_until_served(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until the service at `url` answers `/health`; fail with its `log` if it stops or
    takes over a minute."""
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{url}/health", timeout=1)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"the service did not start:\n{log.read_text()}")
            time.sleep(0.2)


@dataclass(frozen=True)
class Project:
    path: Path
    env: dict[str, str]


def render_project(
    destination: Path, environment: Environment, database: str = "postgresql", *options: str
) -> Project:
    """The default spec for `database` (or what `options` of `copier copy` answer), rendered
    with `copier copy` and installed."""
    copy_default(destination, "--data", f"database={database}", *options)
    env = environment.variables()
    run(["uv", "sync", "--quiet"], destination, env)
    return Project(destination, env)


@dataclass(frozen=True)
class Service:
    url: str
    database: str
    """The database's libpq URL, for psql."""
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def serving(
    project: Project,
    tmp_path: Path,
    settings: dict[str, str] | None = None,
    *,
    through: int | None = None,
    password: str | None = None,
    tracebacks: bool = False,
) -> Iterator[Service]:
    """The service on a new migrated database, with `settings` in its environment; its
    connections go through port `through` (a proxy) when given, with `password` in the URL
    (which trust authentication lets through) when given. Its log holds no traceback, unless
    the test makes a 500 (`tracebacks`)."""
    with empty_database("postgresql", tmp_path) as database:
        env = {**project.env, "DATABASE_URL": database, **(settings or {})}
        run(["uv", "run", "--no-sync", "alembic", "upgrade", "head"], project.path, env)
        if through is not None:
            env["DATABASE_URL"] = database.replace(f":{POSTGRES_PORT}/", f":{through}/")
        if password is not None:
            env["DATABASE_URL"] = env["DATABASE_URL"].replace("postgres@", f"postgres:{password}@")
        port = free_port()
        log = tmp_path / "server.log"
        # uvicorn itself, not `uv run`: the shutdown test signals it.
        uvicorn = str(Path(env["UV_PROJECT_ENVIRONMENT"]) / "bin" / "uvicorn")
        command = [uvicorn, "my_backend.main:app", "--port", str(port)]
        with log.open("w") as output:
            process = subprocess.Popen(
                command, cwd=project.path, env=env, stdout=output, stderr=output
            )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_served(url, process, log)
            yield Service(url, database, process, log)
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        assert tracebacks or "Traceback" not in log.read_text(), log.read_text()
