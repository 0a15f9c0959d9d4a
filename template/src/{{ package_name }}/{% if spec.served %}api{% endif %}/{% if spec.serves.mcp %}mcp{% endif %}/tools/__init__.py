"""The MCP tools, one module per model."""
