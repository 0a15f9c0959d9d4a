"""The field types of the spec, one registry entry each.

An entry holds every fact the compiler needs about a type: its Python annotation, the column the
models declare and the initial revision creates, what a model module imports for it, what the
API does with it (sort, filter), which options it takes, how its default is checked and written,
and the values the rendered tests build. Adding a type is adding an entry here, plus its use in
`types.py` if it needs a shared column or value type there (see docs/generator.md).

The texts are `str.format` templates over `FieldType.context`: `{max_length}`, `{max_digits}`,
`{decimal_places}`, `{enum}` (the enum class), `{enum_type}` (its PostgreSQL type, quoted),
`{values}` (the enum's values, quoted), `{member_count}` and `{name}` (the field's).
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from .errors import SpecError
from .literals import date_literal, datetime_literal, json_literal, py_str
from .naming import constant_case

if TYPE_CHECKING:
    from .spec import FieldDef

LENIENT_IMPORTS = ("from typing import Annotated", "from pydantic import Strict")
"""For `Strict(False)`: request bodies are read strictly (`models.base.RequestBody`), but a UUID
or an enum value comes as a JSON string."""

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)

Check = Callable[["FieldDef", object], object]
"""Check a default (raising `SpecError`) and return it as the answers store it."""


@dataclass(frozen=True)
class FieldType:
    """What the compiler knows about one field type."""

    name: str
    annotation: str
    """The Python type of a value (without `| None`)."""
    column: str
    """The SQLAlchemy type of the initial revision's column, on a PostgreSQL project."""
    check_default: Check
    sqlite_column: str | None = None
    """The column on a SQLite-only project, when it differs."""
    sa_type: str | None = None
    """`Field(sa_type=...)`, when SQLModel would not pick the right column type itself."""
    constraints: str = ""
    """The `Field(...)` arguments that validate a value, repeated by every schema with it."""
    imports: tuple[str, ...] = ()
    """Import statements a model module needs for the annotation and `sa_type`."""
    shared: tuple[str, ...] = ()
    """Names `types.py` defines for the type (the models import them from there)."""
    default_imports: tuple[str, ...] = ()
    """What a model module imports besides, when the field has a default."""
    literal: Callable[[FieldDef, object], str] = lambda _spec, value: repr(value)
    """Python source of a checked default."""
    options: frozenset[str] = frozenset()
    """The options only this type takes (besides the ones every type takes)."""
    sortable: bool = True
    filterable: bool = True
    may_be_unique: bool = True
    may_be_indexed: bool = True
    example: str | Callable[[FieldDef], str] = "n"
    """An expression of the test factories: a valid value built from the row's number `n`."""
    update_value: str | None = None
    """A literal, Python and JSON alike, that the PATCH tests set the field to."""
    graphql: str = ""
    """The Python type of a value in the GraphQL schema (Strawberry's scalar for it)."""
    graphql_imports: tuple[str, ...] = ()
    """Import statements a GraphQL module needs for `graphql`, `{package}` for the package."""
    sdl: str = ""
    """The name of that type in the GraphQL schema's language (`schema.graphql`)."""

    def text(self, template: str, spec: FieldDef) -> str:
        """One of the entry's texts for `spec`."""
        return template.format(
            name=spec.name,
            max_length=spec.max_length,
            max_digits=spec.max_digits,
            decimal_places=spec.decimal_places,
            enum=spec.enum_class,
            enum_type=py_str(spec.enum_type),
            values=", ".join(map(py_str, spec.values)),
            member_count=len(spec.values),
        )

    def example_for(self, spec: FieldDef) -> str:
        """The test factories' expression for `spec`."""
        return self.example(spec) if callable(self.example) else self.text(self.example, spec)


def _wrong(spec: FieldDef, value: object, expected: str) -> SpecError:
    return SpecError(f"{spec.where}: default {value!r} is not {expected}")


def _text(spec: FieldDef, value: object) -> object:
    if not isinstance(value, str):
        raise _wrong(spec, value, "a string")
    if "\x00" in value:
        raise _wrong(spec, value, "storable (it holds a NUL character)")
    if spec.max_length is not None and len(value) > spec.max_length:
        raise SpecError(
            f"{spec.where}: default {value!r} is longer than max_length {spec.max_length}"
        )
    return value


def _integer(low: int, high: int, kind: str) -> Check:
    def check(spec: FieldDef, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _wrong(spec, value, "an integer")
        if not low <= value <= high:
            raise _wrong(spec, value, f"in the range of {kind} ({low} to {high})")
        return value

    return check


def _float(spec: FieldDef, value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _wrong(spec, value, "a number")
    if not math.isfinite(value):
        # The API refuses NaN and the infinities (JSON has none), and `inf` is no Python name.
        raise _wrong(spec, value, "a finite number")
    return float(value)


def _decimal(spec: FieldDef, value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _wrong(spec, value, "a decimal number")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise _wrong(spec, value, "a decimal number") from None
    if not number.is_finite():
        raise _wrong(spec, value, "a finite decimal number")
    assert spec.max_digits is not None
    assert spec.decimal_places is not None
    exponent = number.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    whole_digits = len(str(abs(int(number)))) if int(number) else 0
    if places > spec.decimal_places or whole_digits > spec.max_digits - spec.decimal_places:
        raise _wrong(
            spec,
            value,
            f"a decimal with at most {spec.max_digits} digits, "
            f"{spec.decimal_places} after the point",
        )
    return str(number)


def _bool(spec: FieldDef, value: object) -> object:
    if not isinstance(value, bool):
        raise _wrong(spec, value, "true or false")
    return value


def _date(spec: FieldDef, value: object) -> object:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise _wrong(spec, value, "a date (YYYY-MM-DD)") from None


def _datetime(spec: FieldDef, value: object) -> object:
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise _wrong(spec, value, "an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        raise _wrong(spec, value, "time-zone aware (add Z or an offset such as +02:00)")
    return parsed.astimezone(dt.UTC).isoformat()


def _uuid(spec: FieldDef, value: object) -> object:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise _wrong(spec, value, "a UUID") from None


def _enum(spec: FieldDef, value: object) -> object:
    if value not in spec.values:
        raise _wrong(spec, value, f"one of the enum values ({', '.join(spec.values)})")
    return value


def _json(spec: FieldDef, value: object) -> object:
    _check_json(spec, value, value)
    return value


def _check_json(spec: FieldDef, default: object, value: object) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise _wrong(spec, default, "storable JSON (it holds a NUL character)")
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _wrong(spec, default, "storable JSON (numbers must be finite)")
    elif isinstance(value, list):
        for item in value:
            _check_json(spec, default, item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise _wrong(spec, default, "JSON (object keys must be strings)")
            _check_json(spec, default, key)
            _check_json(spec, default, item)
    elif not (value is None or isinstance(value, bool | int)):
        raise _wrong(spec, default, "JSON")


def _str_example(spec: FieldDef) -> str:
    """A value unique to each `n`: `f"title-{n}"`, or base 36 digits when that is too long."""
    assert spec.max_length is not None
    if spec.max_length >= len(spec.name) + 12:
        return f'f"{spec.name}-{{n}}"'
    return f"_code(n, {spec.max_length})"


TYPES = {
    entry.name: entry
    for entry in (
        FieldType(
            "str",
            graphql="str",
            sdl="String",
            annotation="StorableStr",
            column="sa.String(length={max_length})",
            shared=("StorableStr",),
            constraints="max_length={max_length}",
            check_default=_text,
            literal=lambda _spec, value: py_str(str(value)),
            options=frozenset({"max_length"}),
            example=_str_example,
            update_value='"changed"',
        ),
        FieldType(
            "text",
            graphql="str",
            sdl="String",
            annotation="StorableStr",
            column="sa.Text()",
            sa_type="sa.Text",
            imports=("import sqlalchemy as sa",),
            shared=("StorableStr",),
            check_default=_text,
            literal=lambda _spec, value: py_str(str(value)),
            filterable=False,
            example='f"{name} {{n}}"',
            update_value='"changed"',
        ),
        FieldType(
            "int",
            graphql="int",
            sdl="Int",
            annotation="Int32",
            column="sa.Integer()",
            shared=("Int32",),
            check_default=_integer(*INT32, "int"),
            update_value="7",
        ),
        FieldType(
            "bigint",
            graphql="BigInt",
            sdl="BigInt",
            graphql_imports=("from {package}.api.graphql.scalars import BigInt",),
            annotation="Int64",
            column="sa.BigInteger()",
            sa_type="sa.BigInteger",
            imports=("import sqlalchemy as sa",),
            shared=("Int64",),
            check_default=_integer(*INT64, "bigint"),
            example="n * 10_000_000_000",
            update_value="7",
        ),
        FieldType(
            "float",
            graphql="float",
            sdl="Float",
            annotation="float",
            column="sa.Float()",
            check_default=_float,
            filterable=False,
            example="n + 0.5",
        ),
        FieldType(
            "decimal",
            graphql="Decimal",
            sdl="Decimal",
            graphql_imports=("from decimal import Decimal",),
            annotation="Annotated[Decimal, DecimalString({max_digits}, {decimal_places})]",
            # ExactDecimal stores an integer count of the smallest unit on SQLite.
            column='sa.Numeric(precision={max_digits}, scale={decimal_places}).with_variant(sa.BigInteger(), "sqlite")',  # noqa: E501
            sqlite_column="sa.BigInteger()",
            sa_type="ExactDecimal({max_digits}, {decimal_places})",
            constraints="max_digits={max_digits}, decimal_places={decimal_places}",
            imports=("from decimal import Decimal", "from typing import Annotated"),
            shared=("ExactDecimal", "DecimalString"),
            check_default=_decimal,
            literal=lambda _spec, value: f"Decimal({py_str(str(value))})",
            options=frozenset({"max_digits", "decimal_places"}),
            example="_decimal(n, {max_digits}, {decimal_places})",
        ),
        FieldType(
            "bool",
            graphql="bool",
            sdl="Boolean",
            annotation="bool",
            column="sa.Boolean()",
            check_default=_bool,
            may_be_unique=False,
            example="n % 2 == 0",
            update_value="True",
        ),
        FieldType(
            "date",
            graphql="dt.date",
            sdl="Date",
            graphql_imports=("import datetime as dt",),
            annotation="IsoDate",
            column="sa.Date()",
            shared=("IsoDate",),
            default_imports=("import datetime as dt",),
            check_default=_date,
            literal=lambda _spec, value: date_literal(str(value)),
            example="_day(n)",
        ),
        FieldType(
            "datetime",
            graphql="dt.datetime",
            sdl="DateTime",
            graphql_imports=("import datetime as dt",),
            annotation="UtcDatetime",
            column="sa.DateTime(timezone=True)",
            sa_type="TZDateTime",
            shared=("UtcDatetime", "TZDateTime"),
            default_imports=("import datetime as dt",),
            check_default=_datetime,
            literal=lambda _spec, value: datetime_literal(str(value)),
            filterable=False,
            example="_instant(n)",
        ),
        FieldType(
            "uuid",
            graphql="UUID",
            sdl="UUID",
            graphql_imports=("from uuid import UUID",),
            annotation="Annotated[UUID, Strict(False)]",
            column="sa.Uuid()",
            imports=(*LENIENT_IMPORTS, "from uuid import UUID"),
            check_default=_uuid,
            literal=lambda _spec, value: f"UUID({py_str(str(value))})",
            example="uuid4()",
        ),
        FieldType(
            "json",
            graphql="JSON",
            sdl="JSON",
            graphql_imports=("from strawberry.scalars import JSON",),
            annotation="StorableJson",
            column='sa.JSON().with_variant(postgresql.JSONB(), "postgresql")',
            sqlite_column="sa.JSON()",
            sa_type="JSONType",
            shared=("JSONType", "StorableJson"),
            check_default=_json,
            literal=lambda _spec, value: json_literal(value),
            sortable=False,
            filterable=False,
            may_be_unique=False,
            may_be_indexed=False,
            example='{{"n": n}}',
        ),
        FieldType(
            "enum",
            graphql="{enum}",
            sdl="{enum}",
            graphql_imports=("from {package}.models import {enum}",),
            annotation="Annotated[{enum}, Strict(False)]",
            column="sa.Enum({values}, name={enum_type})",
            sa_type="enum_type({enum}, {enum_type})",
            imports=(*LENIENT_IMPORTS, "from enum import StrEnum"),
            shared=("enum_type",),
            check_default=_enum,
            literal=lambda spec, value: f"{spec.enum_class}.{constant_case(str(value))}",
            options=frozenset({"values"}),
            may_be_unique=False,
            example="list({enum})[n % {member_count}]",
        ),
    )
}
"""Every field type, by its name in the spec."""
