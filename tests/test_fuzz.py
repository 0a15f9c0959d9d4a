"""Schemathesis against a running rendered API: the OpenAPI document (or GraphQL schema) is the
contract.

The default and relations specs (many-to-many, self-reference, two relations to one table,
restrict) on each database: rendered, installed, migrated, served by uvicorn on a free local
port, then tested in every phase (examples, coverage, fuzzing, stateful) with every check for a
bounded time, and expected to fail none: no 5xx, every status documented, every response of
its schema, every schema-valid request accepted and every invalid one refused. A GraphQL
variant per database is fuzzed too (no stateful phase: GraphQL has no links), and must answer
no error of its own (see its test).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support import Environment, empty_database, free_port, run, spec_models

FUZZ_SECONDS = 30
SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))


@contextmanager
def _serving(project: Path, env: dict[str, str], log: Path) -> Iterator[str]:
    """The rendered app served by uvicorn, its output in `log`; yields its base URL."""
    port = free_port()
    command = ["uv", "run", "--no-sync", "uvicorn", "my_backend.main:app", "--port", str(port)]
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=project, env=env, stdout=output, stderr=output)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/openapi.json", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("the rendered app did not start", pytrace=False)
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def _rendered_and_served(
    copie: Any,
    environment: Environment,
    tmp_path: Path,
    answers: dict[str, Any],
    spec: str,
    settings: dict[str, str] | None = None,
    commands: tuple[tuple[list[str], str], ...] = (),
) -> Iterator[tuple[str, Path]]:
    """The spec rendered with `answers`, installed, migrated on a new database, given
    `commands` (each with its standard input) and served (with `settings` in its environment):
    its base URL and the server's log."""
    if (models := spec_models(spec)) is not None:
        answers["models"] = models
    result = copie.copy(extra_answers=answers)
    assert result.exit_code == 0, result.exception
    project = result.project_dir
    env = {**environment.variables(), **(settings or {})}
    run(["uv", "sync", "--quiet"], project, env)
    with empty_database(answers["database"], tmp_path) as db_url:
        env["DATABASE_URL"] = db_url
        run(["uv", "run", "--no-sync", "alembic", "upgrade", "head"], project, env)
        for command, stdin in commands:
            run(["uv", "run", "--no-sync", *command], project, env, stdin=stdin)
        log = tmp_path / "server.log"
        with _serving(project, env, log) as url:
            yield url, log
    assert " 500 " not in log.read_text(), "the server log shows a 500"


def _schemathesis(schema: str, checks: str, phases: str, *options: str) -> list[str]:
    return [
        SCHEMATHESIS,
        "run",
        schema,
        "--checks",
        checks,
        "--phases",
        phases,
        "--max-time",
        str(FUZZ_SECONDS),
        "--workers",
        "1",
        "--no-color",
        *options,
    ]


@pytest.mark.render
@pytest.mark.parametrize(
    ("spec", "database"),
    [
        ("default", "postgresql"),
        ("default", "sqlite"),
        ("relations", "postgresql"),
        ("relations", "sqlite"),
    ],
)
def test_schemathesis_finds_no_failure(
    copie: Any, environment: Environment, tmp_path: Path, spec: str, database: str
) -> None:
    answers: dict[str, Any] = {"database": database, "api_style": "rest"}
    with _rendered_and_served(copie, environment, tmp_path, answers, spec) as (url, _):
        phases = "examples,coverage,fuzzing,stateful"
        run(_schemathesis(f"{url}/openapi.json", "all", phases), tmp_path)


@pytest.mark.render
def test_schemathesis_finds_no_failure_with_an_api_key(
    copie: Any, environment: Environment, tmp_path: Path
) -> None:
    """The access spec (public reads, a model that needs a key) under `auth: api_key`, called
    with a key: every check, `ignored_auth` among them (an operation whose document says it
    needs credentials is called without, and must refuse)."""
    key = secrets.token_urlsafe(32)
    settings = {"API_KEYS": json.dumps([hashlib.sha256(key.encode()).hexdigest()])}
    answers: dict[str, Any] = {"database": "postgresql", "api_style": "rest", "auth": "api_key"}
    with _rendered_and_served(copie, environment, tmp_path, answers, "access", settings) as (
        url,
        _,
    ):
        phases = "examples,coverage,fuzzing,stateful"
        authorization = ["--header", f"Authorization: Bearer {key}"]
        run(_schemathesis(f"{url}/openapi.json", "all", phases, *authorization), tmp_path)


@pytest.mark.render
def test_schemathesis_finds_no_failure_signed_in(
    copie: Any, environment: Environment, tmp_path: Path
) -> None:
    """The roles spec (public reads, superusers' models) under `auth: users`: a superuser made
    by the project's own command signs in through the API, and schemathesis calls every route
    with the token, with every check (`ignored_auth` among them)."""
    email, password = "root@example.com", secrets.token_urlsafe(16)
    settings = {"SECRET_KEY": secrets.token_urlsafe(32)}
    create = (["python", "-m", "my_backend", "create-user", email, "--superuser"], password)
    answers: dict[str, Any] = {"database": "postgresql", "api_style": "rest", "auth": "users"}
    with _rendered_and_served(
        copie, environment, tmp_path, answers, "roles", settings, (create,)
    ) as (url, _):
        form = urllib.parse.urlencode({"username": email, "password": password}).encode()
        with urllib.request.urlopen(f"{url}/api/v1/auth/token", data=form, timeout=10) as answer:
            token = json.load(answer)["access_token"]
        phases = "examples,coverage,fuzzing,stateful"
        authorization = ["--header", f"Authorization: Bearer {token}"]
        run(_schemathesis(f"{url}/openapi.json", "all", phases, *authorization), tmp_path)


@pytest.mark.render
@pytest.mark.parametrize(
    ("spec", "database"), [("relations", "postgresql"), ("every_field_type", "sqlite")]
)
def test_schemathesis_finds_no_server_error_in_the_graphql_api(
    copie: Any, environment: Environment, tmp_path: Path, spec: str, database: str
) -> None:
    """GraphQL's schema cannot say which values the service refuses (NUL characters, ids that
    are no rows, duplicates), so errors of the caller's are expected; schemathesis counts those
    coded NOT_FOUND, CONFLICT and INVALID_REFERENCE (not among Apollo's codes) as the server's.
    The service's own verdict decides: no 5xx, no error coded as a bug or an unavailable
    database, no trace in its log (a resolver's bug is logged with its trace)."""
    answers: dict[str, Any] = {"database": database, "api_style": "graphql"}
    with _rendered_and_served(copie, environment, tmp_path, answers, spec) as (url, log):
        command = _schemathesis(f"{url}/graphql", "not_a_server_error", "examples,coverage,fuzzing")
        outcome = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    report = outcome.stdout + outcome.stderr
    generated = re.search(r"(\d+) generated", report)
    assert generated is not None, report
    assert int(generated.group(1)) > 100, report
    assert "INTERNAL_SERVER_ERROR" not in report, report
    assert "SERVICE_UNAVAILABLE" not in report, report
    assert "Traceback" not in log.read_text(), log.read_text()
