"""A rendered PostgreSQL project behind PgBouncer in transaction mode, `DATABASE_PGBOUNCER=true`.

Debian's pgbouncer runs in front of the local PostgreSQL on a free port; the rendered project's
own suite runs through it, then a served copy takes a short concurrent load through it. In
transaction mode a server connection changes hands between transactions, so a prepared
statement that outlives one (asyncpg's and SQLAlchemy's caches do) fails. The test fails, not
skips, where pgbouncer is not installed (`.ci/run` installs it).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.services import Project, serving
from tests.support import POSTGRES_HOST, POSTGRES_PORT, free_port, run

pytestmark = pytest.mark.render


@pytest.fixture
def pgbouncer(tmp_path: Path) -> Iterator[int]:
    """PgBouncer in transaction mode in front of the local PostgreSQL; its port."""
    binary = shutil.which("pgbouncer") or next(
        (path for path in ("/usr/sbin/pgbouncer",) if Path(path).exists()), None
    )
    if binary is None:
        pytest.fail("pgbouncer is not installed: `apt-get install pgbouncer` (.ci/run does)")
    port = free_port()
    directory = tmp_path / "pgbouncer"
    directory.mkdir()
    (directory / "users.txt").write_text('"postgres" ""\n')
    config = directory / "pgbouncer.ini"
    config.write_text(
        f"[databases]\n* = host={POSTGRES_HOST} port={POSTGRES_PORT}\n\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {directory / 'users.txt'}\npool_mode = transaction\n"
        "max_client_conn = 500\ndefault_pool_size = 20\n"
    )
    command = [binary, str(config)]
    if os.geteuid() == 0:
        # PgBouncer refuses to run as root.
        shutil.chown(directory, "postgres")
        for path in directory.iterdir():
            shutil.chown(path, "postgres")
        command = [binary, "-u", "postgres", str(config)]
    log = tmp_path / "pgbouncer.log"
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=output)
    try:
        server = ["-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "postgres"]
        deadline = time.monotonic() + 15
        while subprocess.run(["pg_isready", "-q", *server], check=False).returncode != 0:
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"pgbouncer did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_rendered_suite_passes_through_pgbouncer(project: Project, pgbouncer: int) -> None:
    env = {
        **project.env,
        "TEST_DATABASE_URL": f"postgresql://postgres@127.0.0.1:{pgbouncer}/postgres",
        "DATABASE_PGBOUNCER": "true",
    }
    command = ["uv", "run", "--no-sync", "pytest", "-q", "-p", "no:cacheprovider"]
    run(command, project.path, env)


def test_a_concurrent_load_through_pgbouncer_meets_no_prepared_statement_error(
    project: Project, pgbouncer: int, tmp_path: Path
) -> None:
    settings = {"DATABASE_PGBOUNCER": "true"}
    with serving(project, tmp_path, settings, through=pgbouncer) as service:

        async def load() -> Counter[int]:
            limits = httpx.Limits(max_connections=50)
            async with httpx.AsyncClient(base_url=service.url, timeout=60, limits=limits) as client:
                created = await asyncio.gather(
                    *(client.post("/api/v1/projects", json={"name": f"p{n}"}) for n in range(100))
                )
                ids = [response.json()["id"] for response in created]
                reads = await asyncio.gather(
                    *(client.get(f"/api/v1/projects/{id_}") for id_ in ids),
                    *(client.get("/api/v1/projects", params={"offset": n}) for n in range(50)),
                )
                return Counter(response.status_code for response in [*created, *reads])

        statuses = asyncio.run(load())
        log = service.log.read_text()
    assert statuses == {201: 100, 200: 150}, statuses
    assert "prepared statement" not in log, log
