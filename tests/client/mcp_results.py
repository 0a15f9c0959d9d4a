"""What an MCP tool call answered, for the client scripts beside this module (run from this
directory, which is then on their path)."""

from typing import Any

from mcp.types import CallToolResult


def answer(result: CallToolResult) -> Any:
    """The structured answer of a call that succeeded."""
    assert not result.is_error, result.content
    return result.structured_content


def code(result: CallToolResult) -> str:
    """The error code of a call that was refused."""
    assert result.is_error, result.structured_content
    assert result.structured_content is not None, result.content
    found: str = result.structured_content["error"]["code"]
    return found
