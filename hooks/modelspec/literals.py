"""Python source for values from the spec: defaults, enum members, JSON literals."""

from __future__ import annotations

import datetime as dt


def py_str(value: str) -> str:
    """A string literal quoted the way ruff prefers (double quotes unless that needs escapes).

    Every character outside ASCII is escaped: the spec's text may hold any, and ruff flags
    characters that look like others (a multiplication sign for `x`) in the rendered code.
    """
    literal = ascii(value)
    if literal.startswith("'") and '"' not in value:
        literal = '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal


def json_literal(value: object) -> str:
    """A JSON value (from the spec's YAML) as a Python literal."""
    if isinstance(value, dict):
        items = (f"{py_str(key)}: {json_literal(item)}" for key, item in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(map(json_literal, value)) + "]"
    if isinstance(value, str):
        return py_str(value)
    return repr(value)


def date_literal(iso: str) -> str:
    """`2024-01-31` → `dt.date(2024, 1, 31)`."""
    day = dt.date.fromisoformat(iso)
    return f"dt.date({day.year}, {day.month}, {day.day})"


def datetime_literal(iso: str) -> str:
    """An aware UTC instant → `dt.datetime(2024, 1, 31, 12, 0, tzinfo=dt.UTC)`."""
    moment = dt.datetime.fromisoformat(iso)
    parts = [moment.year, moment.month, moment.day, moment.hour, moment.minute]
    if moment.second or moment.microsecond:
        parts.append(moment.second)
    if moment.microsecond:
        parts.append(moment.microsecond)
    return f"dt.datetime({', '.join(map(str, parts))}, tzinfo=dt.UTC)"
