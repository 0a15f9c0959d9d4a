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

import asyncio
import random
import shutil
import sys
import tempfile
from pathlib import Path

from load import Request
from run import (
    BENCH,
    PACKAGE,
    Case,
    _call,
    _sh,
    database,
    load_options,
    measure_each,
    project_env,
    render,
    report_each,
    seed,
    serve,
)

BOOK = "id title isbn pages price published author { id name } categories { id name }"
ONE = f"query($id: ID!) {{ book(id: $id) {{ {BOOK} }} }}"
PAGE = (
    f"query($offset: Int!) {{ books(limit: 50, offset: $offset) {{ total items {{ {BOOK} }} }} }}"
)


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
                    rows.append((case.name, asyncio.run(measure_each(ports, case, args))))
    labels = {"graphql": "GraphQL", "rest": "REST", "floor": "Floor"}
    report_each(rows, args, labels, [("graphql", "floor"), ("rest", "floor")], ["graphql"])


if __name__ == "__main__":
    main()
