"""Schemathesis against a running rendered REST API: the OpenAPI document is the contract.

The default and relations specs (many-to-many, self-reference, two relations to one table,
restrict) on each database: rendered, installed, migrated, served by uvicorn on a free local
port, then tested in every phase (examples, coverage, fuzzing, stateful) with every check for a
bounded time, and expected to fail none: no 5xx, every status documented, every response of
its schema, every schema-valid request accepted and every invalid one refused.
"""

from __future__ import annotations

import subprocess
import sys
import time
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
    if (models := spec_models(spec)) is not None:
        answers["models"] = models
    result = copie.copy(extra_answers=answers)
    assert result.exit_code == 0, result.exception
    project = result.project_dir
    env = environment.variables()
    run(["uv", "sync", "--quiet"], project, env)
    with empty_database(database, tmp_path) as db_url:
        env["DATABASE_URL"] = db_url
        run(["uv", "run", "--no-sync", "alembic", "upgrade", "head"], project, env)
        log = tmp_path / "server.log"
        with _serving(project, env, log) as url:
            run(
                [
                    SCHEMATHESIS,
                    "run",
                    f"{url}/openapi.json",
                    "--checks",
                    "all",
                    "--phases",
                    "examples,coverage,fuzzing,stateful",
                    "--max-time",
                    str(FUZZ_SECONDS),
                    "--workers",
                    "1",
                    "--no-color",
                ],
                tmp_path,
            )
        assert " 500 " not in log.read_text(), "the server log shows a 500"
