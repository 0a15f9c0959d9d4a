"""A rendered REST service under faults and concurrency, through real HTTP on real PostgreSQL.

The default spec on PostgreSQL, rendered once, served by uvicorn with each test's settings on a
database of its own. A table held by `LOCK TABLE` in another session stands in for a slow or
stuck query; a TCP proxy in front of PostgreSQL, stopped and started again, for a database that
goes away and comes back.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.services import Project, Service, serving
from tests.support import POSTGRES_HOST, POSTGRES_PORT, free_port, run

pytestmark = pytest.mark.render


@contextmanager
def locked(service: Service, table: str, seconds: float) -> Iterator[None]:
    """`table` locked against reads by another session for `seconds` (from when it is held)."""
    sql = f"BEGIN; LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep({seconds}); COMMIT;"
    holder = subprocess.Popen(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", service.database, "-c", sql],
        stdout=subprocess.DEVNULL,
    )
    try:
        held = (
            "SELECT count(*) FROM pg_locks JOIN pg_class ON pg_class.oid = pg_locks.relation"
            f" WHERE relname = '{table}' AND mode = 'AccessExclusiveLock' AND granted"
        )
        _wait_for(lambda: _psql(service, held) == "1")
        yield
    finally:
        assert holder.wait(timeout=seconds + 30) == 0


def _psql(service: Service, sql: str) -> str:
    command = ["psql", "-qtA", "-v", "ON_ERROR_STOP=1", service.database, "-c", sql]
    return run(command, Path.cwd()).stdout.strip()


def _wait_for(condition: Any, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for a condition")
        time.sleep(0.05)


async def _timed(
    client: httpx.AsyncClient, method: str, path: str, **kwargs: Any
) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await client.request(method, path, **kwargs)
    return response, time.monotonic() - started


def test_pool_exhaustion_and_a_runaway_query_answer_503_then_service_resumes(
    project: Project, tmp_path: Path
) -> None:
    settings = {
        "DATABASE_POOL_SIZE": "1",
        "DATABASE_POOL_TIMEOUT_SECONDS": "0.5",
        "DATABASE_STATEMENT_TIMEOUT_MS": "1500",
    }
    with serving(project, tmp_path, settings) as service:

        async def load() -> tuple[tuple[httpx.Response, float], tuple[httpx.Response, float]]:
            async with httpx.AsyncClient(base_url=service.url, timeout=30) as client:
                # The first holds the only connection, stuck behind the lock; the second waits
                # for its turn at the pool.
                stuck = asyncio.create_task(_timed(client, "GET", "/api/v1/projects"))
                await asyncio.sleep(0.3)
                waiting = await _timed(client, "GET", "/api/v1/projects")
                return await stuck, waiting

        with locked(service, "project", seconds=4):
            (stuck, stuck_for), (waiting, waited) = asyncio.run(load())
        assert waiting.status_code == 503, waiting.text
        assert waiting.headers["retry-after"] == "1"
        assert 0.4 < waited < 1.4, waited
        assert stuck.status_code == 503, stuck.text
        assert "statement timeout" in stuck.json()["detail"]
        assert 1.4 < stuck_for < 3.5, stuck_for
        assert httpx.get(f"{service.url}/api/v1/projects").status_code == 200


class Proxy:
    """A TCP proxy to PostgreSQL on a port of its own, which can be stopped (every connection
    through it closed, new ones refused) and started again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    def start(self) -> None:
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(timeout=10)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(timeout=10)

    def close(self) -> None:
        self.stop()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()

    async def _start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def _stop(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        for writer in list(self.writers):
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(
            POSTGRES_HOST, POSTGRES_PORT
        )
        self.writers |= {writer, upstream_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except OSError:
                pass
            finally:
                sink.close()
                self.writers.discard(sink)

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))


def test_the_database_going_away_answers_503_and_service_resumes_by_itself(
    project: Project, tmp_path: Path
) -> None:
    proxy = Proxy()
    proxy.start()
    try:
        with serving(project, tmp_path, through=proxy.port) as service:
            created = httpx.post(f"{service.url}/api/v1/projects", json={"name": "kept"})
            assert created.status_code == 201, created.text
            proxy.stop()
            away = [httpx.get(f"{service.url}/api/v1/projects", timeout=10) for _ in range(5)]
            assert {response.status_code for response in away} == {503}, away[0].text
            assert all(response.headers["retry-after"] == "1" for response in away)
            assert httpx.get(f"{service.url}/ready", timeout=10).status_code == 503
            assert httpx.get(f"{service.url}/health", timeout=10).status_code == 200
            proxy.start()
            answers: list[int] = []

            def recovered() -> bool:
                answers.append(httpx.get(f"{service.url}/api/v1/projects", timeout=10).status_code)
                return answers[-1] == 200

            _wait_for(recovered, seconds=20)
            assert set(answers) <= {200, 503}, answers
            listed = httpx.get(f"{service.url}/api/v1/projects").json()
            assert [project["name"] for project in listed["items"]] == ["kept"]
    finally:
        proxy.close()


def test_shutdown_drains_the_requests_in_flight_and_closes_the_connections(
    project: Project, tmp_path: Path
) -> None:
    with serving(project, tmp_path) as service:

        async def in_flight() -> httpx.Response:
            async with httpx.AsyncClient(base_url=service.url, timeout=30) as client:
                request = asyncio.create_task(client.get("/api/v1/projects"))
                await asyncio.sleep(0.5)
                service.process.send_signal(signal.SIGTERM)
                return await request

        with locked(service, "project", seconds=1.5):
            response = asyncio.run(in_flight())
        assert response.status_code == 200, response.text
        # uvicorn ends by raising the signal it got again, once it has shut down.
        assert service.process.wait(timeout=30) in (0, -signal.SIGTERM)
        assert "Application shutdown complete" in service.log.read_text()
        name = service.database.rsplit("/", 1)[1]
        others = (
            "SELECT count(*) FROM pg_stat_activity"
            f" WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )
        _wait_for(lambda: _psql(service, others) == "0", seconds=5)


def test_concurrent_writes_all_land_and_races_end_in_409_never_500(
    project: Project, tmp_path: Path
) -> None:
    with serving(project, tmp_path) as service:

        async def race() -> dict[str, Any]:
            limits = httpx.Limits(max_connections=100)
            async with httpx.AsyncClient(base_url=service.url, timeout=60, limits=limits) as client:
                creates = await asyncio.gather(
                    *(client.post("/api/v1/projects", json={"name": f"p{n}"}) for n in range(100))
                )
                twins = await asyncio.gather(
                    *(client.post("/api/v1/projects", json={"name": "twin"}) for _ in range(20))
                )
                target = creates[0].json()["id"]
                updates = await asyncio.gather(
                    *(
                        client.patch(f"/api/v1/projects/{target}", json={"name": f"renamed {n}"})
                        for n in range(50)
                    )
                )
                doomed = [response.json()["id"] for response in creates[1:31]]
                deletes_and_reads = await asyncio.gather(
                    *(
                        call
                        for id_ in doomed
                        for call in (
                            client.delete(f"/api/v1/projects/{id_}"),
                            client.get(f"/api/v1/projects/{id_}"),
                        )
                    )
                )
                final = await client.get(f"/api/v1/projects/{target}")
                listed = await client.get("/api/v1/projects", params={"limit": 1})
                return {
                    "creates": Counter(r.status_code for r in creates),
                    "twins": Counter(r.status_code for r in twins),
                    "updates": Counter(r.status_code for r in updates),
                    "deletes": Counter(r.status_code for r in deletes_and_reads[0::2]),
                    "reads": Counter(r.status_code for r in deletes_and_reads[1::2]),
                    "final": final.json()["name"],
                    "total": listed.json()["total"],
                }

        outcome = asyncio.run(race())
    assert outcome["creates"] == {201: 100}, outcome
    assert outcome["twins"] == {201: 1, 409: 19}, outcome
    assert outcome["updates"] == {200: 50}, outcome
    assert outcome["final"].startswith("renamed "), outcome
    assert outcome["deletes"] == {204: 30}, outcome
    assert set(outcome["reads"]) <= {200, 404}, outcome
    # Every acknowledged write is there: 100 and the twin, less the 30 deleted.
    assert outcome["total"] == 100 + 1 - 30, outcome


def test_no_answer_or_log_line_shows_the_database_password(
    project: Project, tmp_path: Path
) -> None:
    """Whatever fails (bad input, a conflict, a table the code no longer matches, a database
    away), the password of `DATABASE_URL` is in no body, header or line of the log."""
    secret = "pw-7c1e-hunter2"
    proxy = Proxy()
    proxy.start()
    try:
        with serving(
            project, tmp_path, through=proxy.port, password=secret, tracebacks=True
        ) as service:
            api = f"{service.url}/api/v1"
            task = {"title": "t", "priority": 1, "project_id": 999_999}
            answers = [
                httpx.post(f"{api}/projects", json={"name": "p"}),
                httpx.post(f"{api}/projects", json={"name": "p"}),
                httpx.post(f"{api}/projects", json={"name": 5}),
                httpx.post(f"{api}/tasks", json=task),
                httpx.get(f"{api}/projects/999999"),
            ]
            _psql(service, "ALTER TABLE worker RENAME COLUMN handle TO moniker")
            answers.append(httpx.get(f"{api}/workers"))
            proxy.stop()
            answers.append(httpx.get(f"{api}/projects", timeout=10))
            answers.append(httpx.get(f"{service.url}/ready", timeout=10))
    finally:
        proxy.close()
    assert [answer.status_code for answer in answers] == [201, 409, 422, 409, 404, 500, 503, 503]
    for answer in answers:
        assert secret not in f"{answer.headers}{answer.text}", answer.text
    log = service.log.read_text()
    assert "UndefinedColumnError" in log
    assert secret not in log
