"""Benchmark a rendered service against a raw asyncpg floor, in one run on one machine.

    uv run python bench/run.py            # about 4 minutes on 2 cores

Renders `bench/library.yml` for PostgreSQL with this checkout (`copier copy --vcs-ref=HEAD`),
installs it, migrates a throwaway database on 127.0.0.1:5432, seeds it through the service's
API (1,000 books, each with its author and two categories), and serves it with one uvicorn
worker beside the floor (`bench/floor.py`: Starlette over asyncpg, hand-written SQL, the same
JSON) on the same database. Then, for each scenario, rounds alternate between the two (service,
floor, service, ...), each after a warm-up, and the medians are printed: requests a second, the
ratio to the floor, latency p50 and p99. Last, inserting 10,000 rows with the repository's
`create_many` is timed against asyncpg's `executemany` and `COPY`.

The machine is noisy: only the ratios of one run mean something, not the absolute figures.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from load import Request, Result, run

BENCH = Path(__file__).resolve().parent
REPOSITORY = BENCH.parent
PACKAGE = "library"
SERVER = "postgresql://postgres@127.0.0.1:5432"
BOOKS, AUTHORS, CATEGORIES = 1000, 100, 20


@dataclass(frozen=True)
class Scenario:
    name: str
    requests: Callable[[], Callable[[], Request]]
    """A fresh request source for one round (creates need values unique to each request)."""
    expected: set[int]


def _sh(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result.stdout


def render(destination: Path, api_style: str = "rest", *, mcp: bool = False) -> None:
    copier = shutil.which("copier", path=str(Path(sys.executable).parent)) or "copier"
    command = [copier, "copy", "--trust", "--vcs-ref=HEAD", "--defaults", "--quiet"]
    command += ["--data-file", str(BENCH / "library.yml"), "-d", "project_name=Library"]
    command += ["-d", "database=postgresql", "-d", f"api_style={api_style}"]
    command += ["-d", f"mcp={str(mcp).lower()}"]
    _sh([*command, str(REPOSITORY), str(destination)], REPOSITORY)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def database(project: Path, env: dict[str, str]) -> Iterator[str]:
    name = f"bench_{uuid.uuid4().hex[:12]}"
    psql = ["psql", "-q", "-v", "ON_ERROR_STOP=1", f"{SERVER}/postgres", "-c"]
    _sh([*psql, f"CREATE DATABASE {name}"], project)
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    finally:
        _sh([*psql, f"DROP DATABASE {name} WITH (FORCE)"], project)


@contextmanager
def serve(app: str, project: Path, env: dict[str, str], *extra: str) -> Iterator[int]:
    """One uvicorn worker serving `app`; its port once it answers."""
    port = _free_port()
    uvicorn = str(project / ".venv" / "bin" / "uvicorn")
    command = [uvicorn, app, "--port", str(port), "--no-access-log", "--log-level", "warning"]
    process = subprocess.Popen([*command, *extra], cwd=project, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"{app} did not start")
                time.sleep(0.1)
        yield port
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


async def _call(port: int, request: Request) -> tuple[int, object]:
    """One request on a connection of its own: the status and the decoded JSON body."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request.encode(f"127.0.0.1:{port}"))
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length")
    )
    body = json.loads(await reader.readexactly(length))
    writer.close()
    return int(head.split(b" ")[1]), body


async def _create(port: int, path: str, body: object) -> int:
    """POST `body` to the service; the id of the row it created."""
    status, created = await _call(port, Request("POST", path, body))
    if status != 201 or not isinstance(created, dict):
        sys.exit(f"seeding {path} failed: {created}")
    return int(created["id"])


def _unordered(value: object) -> object:
    """`value` with every list of rows sorted by id: a collection's order is not specified."""
    if isinstance(value, dict):
        return {key: _unordered(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        items = [_unordered(item) for item in value]
        if all(isinstance(item, dict) and "id" in item for item in items):
            items.sort(key=lambda item: item["id"])  # type: ignore[index]
        return items
    return value


async def check_same_answers(service: int, floor: int, book: int) -> None:
    """The floor must answer what the service answers, or the ratios compare different work."""
    for path in (f"/api/v1/books/{book}", "/api/v1/books?limit=50&offset=100"):
        answers = [await _call(port, Request("GET", path)) for port in (service, floor)]
        if _unordered(answers[0]) != _unordered(answers[1]):
            sys.exit(f"the floor answers GET {path} otherwise than the service")


async def seed(port: int) -> tuple[list[int], list[int], list[int]]:
    """Authors, categories and books, created through the service's API."""
    authors = [
        await _create(port, "/api/v1/authors", {"name": f"author {n}"}) for n in range(AUTHORS)
    ]
    categories = [
        await _create(port, "/api/v1/categories", {"name": f"category {n}"})
        for n in range(CATEGORIES)
    ]
    payloads = _book_payloads("seed", authors, categories)
    books = [await _create(port, "/api/v1/books", payloads()) for _ in range(BOOKS)]
    return authors, categories, books


def _book_payloads(
    prefix: str, authors: list[int], categories: list[int]
) -> Callable[[], dict[str, object]]:
    counter = itertools.count()

    def payload() -> dict[str, object]:
        n = next(counter)
        return {
            "title": f"book {n}",
            "isbn": f"{prefix}-{n}",
            "pages": 100 + n % 400,
            "price": f"{n % 100}.50",
            "published": "2024-01-31",
            "author_id": random.choice(authors),
            "category_ids": random.sample(categories, 2),
        }

    return payload


def scenarios(authors: list[int], categories: list[int], books: list[int]) -> list[Scenario]:
    pages = range(0, len(books) - 50, 50)
    rounds = itertools.count()

    def creates() -> Callable[[], Request]:
        payloads = _book_payloads(f"r{next(rounds)}", authors, categories)
        return lambda: Request("POST", "/api/v1/books", payloads())

    return [
        Scenario(
            "get a book with its author and categories",
            lambda: lambda: Request("GET", f"/api/v1/books/{random.choice(books)}"),
            {200},
        ),
        Scenario(
            "list a page of 50 books with relations",
            lambda: lambda: Request("GET", f"/api/v1/books?limit=50&offset={random.choice(pages)}"),
            {200},
        ),
        Scenario("create a book", creates, {201}),
        Scenario(
            "update a book's title",
            lambda: (
                lambda: Request(
                    "PATCH", f"/api/v1/books/{random.choice(books)}", {"title": uuid.uuid4().hex}
                )
            ),
            {200},
        ),
    ]


@dataclass
class Figures:
    rates: list[float]
    p50s: list[float]
    p99s: list[float]
    errors: int = 0

    def add(self, result: Result) -> None:
        self.rates.append(result.rate)
        self.p50s.append(result.p50)
        self.p99s.append(result.percentile(0.99))
        self.errors += result.errors

    @property
    def rate(self) -> float:
        return statistics.median(self.rates)

    @property
    def latency(self) -> str:
        return f"{statistics.median(self.p50s):.1f} / {statistics.median(self.p99s):.1f}"


async def measure(
    targets: dict[str, int], scenario: Scenario, args: argparse.Namespace
) -> dict[str, Figures]:
    figures = {name: Figures([], [], []) for name in targets}
    for port in targets.values():
        await run(
            "127.0.0.1",
            port,
            scenario.requests(),
            connections=args.connections,
            seconds=1,
            expected=scenario.expected,
        )
    for _ in range(args.rounds):
        for name, port in targets.items():
            result = await run(
                "127.0.0.1",
                port,
                scenario.requests(),
                connections=args.connections,
                seconds=args.seconds,
                expected=scenario.expected,
            )
            figures[name].add(result)
    return figures


@dataclass(frozen=True)
class Case:
    """A scenario whose targets answer different requests for the same rows (REST, GraphQL and
    MCP calls of one read)."""

    name: str
    requests: dict[str, Callable[[], Request]]
    """Each target's request source."""


async def measure_each(
    ports: dict[str, int], case: Case, args: argparse.Namespace
) -> dict[str, Figures]:
    """A warm-up round for each target, then rounds alternating between them."""
    figures = {name: Figures([], [], []) for name in ports}
    for name, port in ports.items():
        await run(
            "127.0.0.1",
            port,
            case.requests[name],
            connections=args.connections,
            seconds=1,
            expected={200},
        )
    for _ in range(args.rounds):
        for name, port in ports.items():
            result = await run(
                "127.0.0.1",
                port,
                case.requests[name],
                connections=args.connections,
                seconds=args.seconds,
                expected={200},
            )
            figures[name].add(result)
    return figures


def report_each(
    rows: list[tuple[str, dict[str, Figures]]],
    args: argparse.Namespace,
    labels: dict[str, str],
    ratios: list[tuple[str, str]],
    latencies: list[str],
) -> None:
    """The table of a `Case` benchmark: each target's rate (`labels` names the targets), the
    `ratios` of two targets' rates, and the latencies of the `latencies` targets."""
    print(
        f"\n{args.connections} connections, {args.rounds} alternated rounds of {args.seconds:g} s,"
        " medians; latency p50 / p99 in ms\n"
    )
    header = ["Read", *(f"{labels[name]} req/s" for name in labels)]
    header += [f"{labels[top]} / {labels[bottom]}" for top, bottom in ratios]
    header += [f"{labels[name]} p50 / p99" for name in latencies]
    print("| " + " | ".join(header) + " |")
    print("| --- |" + " ---: |" * (len(header) - 1))
    for name, figures in rows:
        errors = sum(figure.errors for figure in figures.values())
        cells = [f"{name} ({errors} errors)" if errors else name]
        cells += [f"{figures[target].rate:,.0f}" for target in labels]
        cells += [f"{figures[top].rate / figures[bottom].rate:.2f}" for top, bottom in ratios]
        cells += [figures[target].latency for target in latencies]
        print("| " + " | ".join(cells) + " |")


def load_options(description: str) -> argparse.ArgumentParser:
    """The command line of a benchmark: how long a round is, how many, how many connections."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seconds", type=float, default=6, help="length of a round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per scenario and target")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections")
    return parser


def project_env() -> dict[str, str]:
    """The environment the rendered projects are installed and served in."""
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_COMPILE_BYTECODE": "1"}
    env.pop("VIRTUAL_ENV", None)
    return env


@dataclass(frozen=True)
class Library:
    """The library spec rendered, installed and served beside the floor, its rows seeded."""

    project: Path
    env: dict[str, str]
    service: int
    floor: int
    authors: list[int]
    categories: list[int]
    books: list[int]


@contextmanager
def library(directory: Path, api_style: str = "rest", *, mcp: bool = False) -> Iterator[Library]:
    """`bench/library.yml` rendered into `directory` and installed, a throwaway database
    migrated and seeded through the service's REST API, the service and the floor serving it."""
    project = directory / "library"
    print("rendering and installing the library spec ...", file=sys.stderr)
    render(project, api_style, mcp=mcp)
    env = project_env()
    _sh(["uv", "sync", "--quiet", "--no-dev"], project, env)
    shutil.copy(BENCH / "floor.py", project / "floor.py")
    with database(project, env) as url:
        env["DATABASE_URL"] = url
        _sh([str(project / ".venv" / "bin" / "alembic"), "upgrade", "head"], project, env)
        with (
            serve(f"{PACKAGE}.main:app", project, env) as service,
            serve("floor:app", project, env) as floor,
        ):
            print("seeding 1,000 books through the API ...", file=sys.stderr)
            authors, categories, books = asyncio.run(seed(service))
            yield Library(project, env, service, floor, authors, categories, books)


def main() -> None:
    parser = load_options(__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the bulk insert")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="bench-") as directory,
        library(Path(directory)) as served,
    ):
        asyncio.run(check_same_answers(served.service, served.floor, served.books[0]))
        rows: list[tuple[str, dict[str, Figures]]] = []
        targets = {"service": served.service, "floor": served.floor}
        for scenario in scenarios(served.authors, served.categories, served.books):
            print(f"measuring: {scenario.name} ...", file=sys.stderr)
            rows.append((scenario.name, asyncio.run(measure(targets, scenario, args))))
        python = str(served.project / ".venv" / "bin" / "python")
        command = [python, str(BENCH / "bulk.py"), PACKAGE, str(args.rows)]
        bulk = json.loads(_sh(command, served.project, served.env))
    report(rows, bulk, args)


def report(
    rows: list[tuple[str, dict[str, Figures]]], bulk: dict[str, float], args: argparse.Namespace
) -> None:
    print(
        f"\n{args.connections} connections, {args.rounds} alternated rounds of {args.seconds:g} s,"
        f" medians; latency p50 / p99 in ms\n"
    )
    print(
        "| Scenario | Service req/s | Floor req/s | Ratio | Service p50 / p99 | Floor p50 / p99 |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, figures in rows:
        service, floor = figures["service"], figures["floor"]
        errors = f" ({service.errors} errors)" if service.errors else ""
        print(
            f"| {name}{errors} | {service.rate:,.0f} | {floor.rate:,.0f} |"
            f" {service.rate / floor.rate:.2f} | {service.latency} | {floor.latency} |"
        )
    repository, executemany, copy = bulk["repository"], bulk["executemany"], bulk["copy"]
    print(
        f"\n`create_many` of {args.rows:,} rows: {repository:.2f} s; asyncpg executemany"
        f" {executemany:.2f} s ({repository / executemany:.1f}x), COPY {copy:.2f} s"
        f" ({repository / copy:.1f}x)"
    )


if __name__ == "__main__":
    main()
