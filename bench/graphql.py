"""Benchmark the GraphQL style against the REST style and the raw floor, in one run.

    uv run python bench/graphql.py        # about 3 minutes on 2 cores

Renders `bench/library.yml` for PostgreSQL twice, with `api_style` rest and graphql, installs
both, seeds one throwaway database through the REST service (as `bench/run.py` does), and serves
the two styles and the floor (`bench/floor.py`) on it, one uvicorn worker each. Two reads, each
the same rows for all three: a book with its author and categories, and a page of 50 books with
theirs (GraphQL through its DataLoaders: the page, then one statement for the authors and one
for the categories; REST and the floor join them into the page). Rounds alternate between the
three after a warm-up; the medians are printed, with each rate's ratio to the floor's.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from load import Request, run
from run import (
    BENCH,
    PACKAGE,
    Figures,
    _call,
    _sh,
    database,
    load_options,
    project_env,
    render,
    seed,
    serve,
)

BOOK = "id title isbn pages price published author { id name } categories { id name }"
ONE = f"query($id: ID!) {{ book(id: $id) {{ {BOOK} }} }}"
PAGE = (
    f"query($offset: Int!) {{ books(limit: 50, offset: $offset) {{ total items {{ {BOOK} }} }} }}"
)


@dataclass(frozen=True)
class Case:
    name: str
    requests: dict[str, Callable[[], Request]]
    """Each target's request source."""


def cases(books: list[int]) -> list[Case]:
    offsets = range(0, len(books) - 50, 50)

    def graphql(query: str, **variables: object) -> Request:
        return Request("POST", "/graphql", {"query": query, "variables": variables})

    return [
        Case(
            "a book with its author and categories",
            {
                "graphql": lambda: graphql(ONE, id=str(random.choice(books))),
                "rest": lambda: Request("GET", f"/api/v1/books/{random.choice(books)}"),
                "floor": lambda: Request("GET", f"/api/v1/books/{random.choice(books)}"),
            },
        ),
        Case(
            "a page of 50 books with theirs",
            {
                "graphql": lambda: graphql(PAGE, offset=random.choice(offsets)),
                "rest": lambda: Request(
                    "GET", f"/api/v1/books?limit=50&offset={random.choice(offsets)}"
                ),
                "floor": lambda: Request(
                    "GET", f"/api/v1/books?limit=50&offset={random.choice(offsets)}"
                ),
            },
        ),
    ]


async def check_same_rows(ports: dict[str, int], book: int) -> None:
    """GraphQL must answer the rows REST answers, or the ratios compare different work."""
    status, answer = await _call(
        ports["graphql"],
        Request("POST", "/graphql", {"query": ONE, "variables": {"id": str(book)}}),
    )
    _, rest = await _call(ports["rest"], Request("GET", f"/api/v1/books/{book}"))
    assert isinstance(answer, dict)
    assert isinstance(rest, dict)
    found = answer.get("data", {}).get("book") if status == 200 else None
    if (
        found is None
        or found["title"] != rest["title"]
        or found["author"]["name"] != rest["author"]["name"]
    ):
        sys.exit(f"GraphQL answers book {book} otherwise than REST: {answer}")
    if sorted(int(c["id"]) for c in found["categories"]) != sorted(
        c["id"] for c in rest["categories"]
    ):
        sys.exit(f"GraphQL answers the categories of book {book} otherwise than REST")


async def measure(
    ports: dict[str, int], case: Case, args: argparse.Namespace
) -> dict[str, Figures]:
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


def main() -> None:
    args = load_options(__doc__.splitlines()[0]).parse_args()
    env = project_env()
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        projects = {style: Path(directory) / style / "library" for style in ("rest", "graphql")}
        for style, project in projects.items():
            print(f"rendering and installing the library spec ({style}) ...", file=sys.stderr)
            render(project, style)
            _sh(["uv", "sync", "--quiet", "--no-dev"], project, env)
        shutil.copy(BENCH / "floor.py", projects["rest"] / "floor.py")
        with database(projects["rest"], env) as url:
            env["DATABASE_URL"] = url
            _sh(
                [str(projects["rest"] / ".venv" / "bin" / "alembic"), "upgrade", "head"],
                projects["rest"],
                env,
            )
            with (
                serve(f"{PACKAGE}.main:app", projects["rest"], env) as rest,
                serve(f"{PACKAGE}.main:app", projects["graphql"], env) as graphql,
                serve("floor:app", projects["rest"], env) as floor,
            ):
                print("seeding 1,000 books through the REST API ...", file=sys.stderr)
                _, _, books = asyncio.run(seed(rest))
                ports = {"graphql": graphql, "rest": rest, "floor": floor}
                asyncio.run(check_same_rows(ports, books[0]))
                rows = []
                for case in cases(books):
                    print(f"measuring: {case.name} ...", file=sys.stderr)
                    rows.append((case.name, asyncio.run(measure(ports, case, args))))
    print(
        f"\n{args.connections} connections, {args.rounds} alternated rounds of {args.seconds:g} s,"
        " medians; latency p50 / p99 in ms\n"
    )
    header = ["Read", "GraphQL req/s", "REST req/s", "Floor req/s", "GraphQL / floor"]
    header += ["REST / floor", "GraphQL p50 / p99"]
    print("| " + " | ".join(header) + " |")
    print("| --- |" + " ---: |" * (len(header) - 1))
    for name, figures in rows:
        ql, rest_figures, floor_figures = figures["graphql"], figures["rest"], figures["floor"]
        errors = sum(figure.errors for figure in figures.values())
        cells = [
            f"{name} ({errors} errors)" if errors else name,
            f"{ql.rate:,.0f}",
            f"{rest_figures.rate:,.0f}",
            f"{floor_figures.rate:,.0f}",
            f"{ql.rate / floor_figures.rate:.2f}",
            f"{rest_figures.rate / floor_figures.rate:.2f}",
            ql.latency,
        ]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
