"""Errors of the data layer that callers can act on; their messages name the row and key."""


class DomainError(Exception):
    """Base of the errors below; the API turns each into a 4xx response."""


class NotFoundError(DomainError):
    """No row with that key (or it was soft-deleted)."""


class ConflictError(DomainError):
    """The write clashes with existing rows: a duplicate unique value, or rows still referring."""


class InvalidReferenceError(DomainError):
    """The write refers to a row that does not exist."""


class InvalidValueError(DomainError):
    """The database refused a value the schemas let through (a NOT NULL column set to null)."""
