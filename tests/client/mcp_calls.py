"""Calls of a served project's MCP tools through the SDK's own client, over streamable HTTP.

Run by `tests/test_mcp_served.py` in the rendered project's environment and directory (its
`tests.factories` make valid input, committed through its own sessions): for each model given,
create a row, read it, find it in a page, update and delete it, then the refusals a client
meets. Any answer other than the expected one fails with what was answered.

    python mcp_calls.py <service URL> '<[{"snake": ..., "plural": ..., "reference": ...}]>'
"""

import asyncio
import json
import sys
from typing import Any

from mcp import Client
from mcp_results import answer, code
from my_backend.db import get_sessionmaker
from pydantic_core import to_jsonable_python

from tests import factories

MISSING_ID = to_jsonable_python(factories.MISSING_ID)


async def payload(snake: str) -> dict[str, Any]:
    """A valid Create body of the model, the rows it refers to committed."""
    async with get_sessionmaker().begin() as session:
        made: dict[str, Any] = await getattr(factories, f"{snake}_payload")(session)
        return made


async def round_trip(client: Client, snake: str, plural: str, reference: str | None) -> None:
    given = await payload(snake)
    created = answer(await client.call_tool(f"create_{snake}", {"data": given}))
    row_id = created["id"]
    assert answer(await client.call_tool(f"get_{snake}", {"id": row_id})) == created
    page = answer(await client.call_tool(f"list_{plural}", {"limit": 100, "order_by": "-id"}))
    assert page["items"][0] == created, page
    assert page["total"] >= 1, page
    updated = answer(await client.call_tool(f"update_{snake}", {"id": row_id, "changes": {}}))
    assert updated["id"] == row_id, updated
    assert answer(await client.call_tool(f"delete_{snake}", {"id": row_id})) == {"id": row_id}
    assert code(await client.call_tool(f"get_{snake}", {"id": row_id})) == "NOT_FOUND"
    assert code(await client.call_tool(f"list_{plural}", {"limit": 101})) == "BAD_USER_INPUT"
    if reference is not None:
        missing = {**(await payload(snake)), reference: MISSING_ID}
        result = await client.call_tool(f"create_{snake}", {"data": missing})
        assert code(result) == "INVALID_REFERENCE", result.structured_content


async def main(url: str, models: list[dict[str, Any]]) -> None:
    async with Client(f"{url}/mcp") as client:
        listed = {tool.name for tool in (await client.list_tools()).tools}
        for model in models:
            snake, plural = model["snake"], model["plural"]
            expected = {f"list_{plural}"} | {
                f"{kind}_{snake}" for kind in ("get", "create", "update", "delete")
            }
            assert expected <= listed, sorted(expected - listed)
            await round_trip(client, snake, plural, model["reference"])
    print(f"{len(models)} models, {len(listed)} tools: every call answered as expected")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], json.loads(sys.argv[2])))
