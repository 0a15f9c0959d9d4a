"""Errors of the data layer that callers can act on; their messages name the row and key.

Each kind carries the one code every surface reports it with: the HTTP status of a REST
response, `extensions.code` of a GraphQL error, `error.code` of an MCP tool's error result.
"""

from http import HTTPStatus
from typing import ClassVar


class DomainError(Exception):
    """Base of the errors below; every surface answers each with its code and message."""

    code: ClassVar[str]
    """The code GraphQL and MCP report (`NOT_FOUND`)."""
    status: ClassVar[HTTPStatus]
    """The status of the REST response."""


class NotFoundError(DomainError):
    """No row with that key (or it was soft-deleted)."""

    code = "NOT_FOUND"
    status = HTTPStatus.NOT_FOUND


class ConflictError(DomainError):
    """The write clashes with existing rows: a duplicate unique value, or rows still referring."""

    code = "CONFLICT"
    status = HTTPStatus.CONFLICT


class InvalidReferenceError(DomainError):
    """The write refers to a row that does not exist."""

    code = "INVALID_REFERENCE"
    status = HTTPStatus.CONFLICT


class InvalidValueError(DomainError):
    """The database refused a value the schemas let through (a NOT NULL column set to null)."""

    code = "BAD_USER_INPUT"
    status = HTTPStatus.UNPROCESSABLE_ENTITY
