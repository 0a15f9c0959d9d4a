"""OpenAPI links: from the row a create answers to the operations that take its id, for the
clients and tools (schemathesis' stateful phase) that follow them."""

from typing import Any


def links_to(parameter: str, *operations: str) -> dict[str, Any]:
    """A response's links to `operations`, each given the id of the response's body as its
    `parameter`."""
    parameters = {parameter: "$response.body#/id"}
    links = {
        operation: {"operationId": operation, "parameters": parameters} for operation in operations
    }
    return {"links": links}
