"""Benchmark MCP tool calls against the REST requests that answer the same rows, and the floor.

    uv run python bench/mcp_tools.py      # about 2 minutes on 2 cores

Renders `bench/library.yml` for PostgreSQL with `api_style` rest and `mcp` on, installs it,
seeds a throwaway database through its REST API (as `bench/run.py` does) and serves it, one
uvicorn worker, beside the floor (`bench/floor.py`). Two reads, each the same rows for all three:
a book with its author and categories (`tools/call get_book`, `GET /api/v1/books/{id}`), and a
page of 50 books with theirs (`list_books`, `GET /api/v1/books?limit=50`). A tool call is one
stateless HTTP request of MCP's 2026-07-28 version, as the SDK's client sends it (`POST /mcp`,
JSON-RPC, the protocol's headers and `_meta`). REST and MCP are the same process: the ratio of
their rates is the cost of the protocol and the SDK's dispatch, over the same repository call.
Rounds alternate between the three after a warm-up; the medians are printed.
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
from pathlib import Path

from load import Request
from run import Case, _call, library, load_options, measure_each, report_each

PROTOCOL = "2026-07-28"
META = {
    "io.modelcontextprotocol/protocolVersion": PROTOCOL,
    "io.modelcontextprotocol/clientInfo": {"name": "bench", "version": "0"},
    "io.modelcontextprotocol/clientCapabilities": {},
}


def tool_call(name: str, arguments: dict[str, object]) -> Request:
    """A `tools/call` request, as the SDK's client sends it over streamable HTTP."""
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": name, "arguments": arguments, "_meta": META},
    }
    headers = (
        ("Accept", "application/json, text/event-stream"),
        ("MCP-Protocol-Version", PROTOCOL),
        ("Mcp-Method", "tools/call"),
        ("Mcp-Name", name),
    )
    return Request("POST", "/mcp", body, headers)


def cases(books: list[int]) -> list[Case]:
    offsets = range(0, len(books) - 50, 50)

    def page() -> str:
        return f"/api/v1/books?limit=50&offset={random.choice(offsets)}"

    return [
        Case(
            "a book with its author and categories",
            {
                "mcp": lambda: tool_call("get_book", {"id": random.choice(books)}),
                "rest": lambda: Request("GET", f"/api/v1/books/{random.choice(books)}"),
                "floor": lambda: Request("GET", f"/api/v1/books/{random.choice(books)}"),
            },
        ),
        Case(
            "a page of 50 books with theirs",
            {
                "mcp": lambda: tool_call(
                    "list_books", {"limit": 50, "offset": random.choice(offsets)}
                ),
                "rest": lambda: Request("GET", page()),
                "floor": lambda: Request("GET", page()),
            },
        ),
    ]


async def check_same_json(port: int, book: int) -> None:
    """The tool must answer the JSON REST answers, or the ratio compares different work."""
    status, answer = await _call(port, tool_call("get_book", {"id": book}))
    _, rest = await _call(port, Request("GET", f"/api/v1/books/{book}"))
    assert isinstance(answer, dict)
    result = answer.get("result", {}) if status == 200 else {}
    if result.get("isError") or result.get("structuredContent") != rest:
        sys.exit(f"get_book answers book {book} otherwise than REST: {answer}")


def main() -> None:
    args = load_options(__doc__.splitlines()[0]).parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="bench-") as directory,
        library(Path(directory), "rest", mcp=True) as served,
    ):
        asyncio.run(check_same_json(served.service, served.books[0]))
        ports = {"mcp": served.service, "rest": served.service, "floor": served.floor}
        rows = []
        for case in cases(served.books):
            print(f"measuring: {case.name} ...", file=sys.stderr)
            rows.append((case.name, asyncio.run(measure_each(ports, case, args))))
    labels = {"mcp": "MCP", "rest": "REST", "floor": "Floor"}
    report_each(rows, args, labels, [("mcp", "rest"), ("mcp", "floor")], ["mcp", "rest"])


if __name__ == "__main__":
    main()
