"""The models as MCP tools for AI agents: at `/mcp` (streamable HTTP) and over stdio."""
