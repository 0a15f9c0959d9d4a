"""Calls of a served project's MCP tools through the SDK's own client, over streamable HTTP, as
two users who each present a personal API key as their bearer token.

Run by `tests/test_walkthrough.py` in the rendered project's environment: Ada owns a notebook
and an entry in it; Bob sees neither, cannot name Ada's notebook in an entry of his, and owns
what he makes. Any answer other than the expected one fails with what was answered.

    python mcp_owners.py <service URL> '<{"ada": {"key", "id"}, "bob": {...}, "entry", "notebook"}>'
"""

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp_results import answer, code


@asynccontextmanager
async def called_as(url: str, key: str) -> AsyncIterator[Client]:
    """The SDK's client of `/mcp`, presenting `key` as its bearer token."""
    headers = {"Authorization": f"Bearer {key}"}
    http = httpx2.AsyncClient(headers=headers)
    async with http, Client(streamable_http_client(f"{url}/mcp", http_client=http)) as client:
        yield client


async def main(url: str, given: dict[str, Any]) -> None:
    entry, notebook = given["entry"], given["notebook"]
    async with called_as(url, given["ada"]["key"]) as ada:
        page = answer(await ada.call_tool("list_entries", {}))
        assert [item["id"] for item in page["items"]] == [entry], page
        found = answer(await ada.call_tool("get_entry", {"id": entry}))
        assert found["owner_id"] == given["ada"]["id"], found
    async with called_as(url, given["bob"]["key"]) as bob:
        assert answer(await bob.call_tool("list_entries", {}))["total"] == 0
        assert code(await bob.call_tool("get_entry", {"id": entry})) == "NOT_FOUND"
        assert code(await bob.call_tool("delete_entry", {"id": entry})) == "NOT_FOUND"
        theirs = {"body": "in Ada's notebook", "notebook_id": notebook}
        refused = await bob.call_tool("create_entry", {"data": theirs})
        assert code(refused) == "INVALID_REFERENCE", refused.structured_content
        made = answer(await bob.call_tool("create_notebook", {"data": {"title": "Ideas"}}))
        assert made["owner_id"] == given["bob"]["id"], made
    print("Ada and Bob each met their own rows alone")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], json.loads(sys.argv[2])))
