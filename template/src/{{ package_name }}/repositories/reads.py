"""Reads as columns: one statement per read, its rows shaped into the read schema's values.

A read selects the row's columns, the columns of the rows it refers to (many-to-one) and those
of the members of its many-to-many collections, joined into one statement, and builds the
values of the model's read schema from the result rows without making ORM objects: identity
map, change tracking and relationship loaders would cost more than the read itself.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapper, RelationshipProperty
from sqlalchemy.orm.interfaces import RelationshipDirection

Columns = Iterable[tuple[sa.ColumnElement[Any], sa.ColumnElement[Any]]]


@dataclass(frozen=True)
class _Part:
    """The columns of one table in a read's result rows."""

    name: str
    """The relationship the part fills (empty for the row's own columns)."""
    keys: tuple[str, ...]
    """The attributes of its columns, the primary key first."""
    start: int
    """The position of its first column in a result row."""

    def found(self, row: sa.Row[Any]) -> bool:
        """Whether `row` holds one (an outer join that found nothing gives nulls)."""
        return row[self.start] is not None

    def values(self, row: sa.Row[Any]) -> dict[str, Any]:
        return dict(zip(self.keys, row[self.start : self.start + len(self.keys)], strict=True))


class ReadPlan:
    """What the reads of one model select, and how their rows become the read schema's values.

    With several many-to-many collections a row comes back once per combination of their
    members (each holds at most `MAX_LINKS`); the members are told apart by their ids.
    """

    def __init__(self, mapper: Mapper[Any], links: Iterable[str]) -> None:
        self.table = mapped_table(mapper)
        self.columns: list[sa.ColumnElement[Any]] = []
        self._joins: list[tuple[sa.FromClause, sa.ColumnElement[bool]]] = []
        self._own = self._part("", mapper, self.table)
        self._references = [
            self._reference(relationship)
            for relationship in mapper.relationships
            if relationship.direction is RelationshipDirection.MANYTOONE
        ]
        self._collections = [self._collection(mapper.relationships[name]) for name in links]

    def select(self, rows: sa.FromClause, *order_by: sa.ColumnElement[Any]) -> sa.Select[Any]:
        """The columns of `rows` (the table, or the table joined to a page of it) and of what
        they refer to, in the order `order_by` then, within a row, by member id."""
        joined = rows
        for target, onclause in self._joins:
            joined = joined.outerjoin(target, onclause)
        member_ids = [self.columns[part.start] for part in self._collections]
        return sa.select(*self.columns).select_from(joined).order_by(*order_by, *member_ids)

    def values(self, rows: Iterable[sa.Row[Any]]) -> list[dict[str, Any]]:
        """The read schema's values of each row, in the order of its first result row."""
        found: dict[Any, tuple[dict[str, Any], list[dict[Any, dict[str, Any]]]]] = {}
        for row in rows:
            entry = found.get(row[0])
            if entry is None:
                values = self._own.values(row)
                for part in self._references:
                    values[part.name] = part.values(row) if part.found(row) else None
                entry = found[row[0]] = (values, [{} for _ in self._collections])
            for part, members in zip(self._collections, entry[1], strict=True):
                if part.found(row):
                    members.setdefault(row[part.start], part.values(row))
        for values, collections in found.values():
            for part, members in zip(self._collections, collections, strict=True):
                values[part.name] = list(members.values())
        return [values for values, _ in found.values()]

    def _part(self, name: str, mapper: Mapper[Any], table: sa.FromClause) -> _Part:
        [primary_key] = mapper.primary_key
        attributes = sorted(
            mapper.column_attrs, key=lambda attribute: attribute.columns[0] is not primary_key
        )
        part = _Part(name, tuple(attribute.key for attribute in attributes), len(self.columns))
        self.columns += [_column(table, attribute.columns[0]) for attribute in attributes]
        return part

    def _join(self, target: sa.FromClause, pairs: Columns, of: sa.FromClause) -> None:
        """Outer-join `target` on each (column of `of`, column of `target`) pair."""
        onclause = sa.and_(
            *(_column(of, mine) == _column(target, theirs) for mine, theirs in pairs)
        )
        self._joins.append((target, onclause))

    def _reference(self, relationship: RelationshipProperty[Any]) -> _Part:
        target = mapped_table(relationship.mapper).alias()
        self._join(target, relationship.local_remote_pairs or (), self.table)
        return self._part(relationship.key, relationship.mapper, target)

    def _collection(self, relationship: RelationshipProperty[Any]) -> _Part:
        columns = link_columns(relationship)
        link = columns.table.alias()
        target = mapped_table(relationship.mapper).alias()
        self._joins.append((link, self.table.c.id == link.c[columns.row]))
        self._joins.append((target, target.c.id == link.c[columns.member]))
        return self._part(relationship.key, relationship.mapper, target)


@dataclass(frozen=True)
class LinkColumns:
    """The link table of a many-to-many relationship and its two columns."""

    table: sa.Table
    row: str
    """The column holding the id of the relationship's own row."""
    member: str
    """The column holding the member's id."""


def link_columns(relationship: RelationshipProperty[Any]) -> LinkColumns:
    link = relationship.secondary
    assert isinstance(link, sa.Table), f"{relationship.key} is many-to-many"
    [(_, row)] = relationship.synchronize_pairs
    [(_, member)] = relationship.secondary_synchronize_pairs or ()
    return LinkColumns(link, column_key(row), column_key(member))


def mapped_table(mapper: Mapper[Any]) -> sa.Table:
    """The table a model is mapped to."""
    table = mapper.local_table
    assert isinstance(table, sa.Table), f"{mapper.class_.__name__} is mapped to a table"
    return table


def column_key(column: sa.ColumnElement[Any]) -> str:
    """The key of a table's column (under which `table.c` holds it)."""
    assert column.key is not None, f"{column} is a table column"
    return column.key


def _column(table: sa.FromClause, column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """The column of `table` (a table, or an alias of one) for a column of its table."""
    return table.c[column_key(column)]
