"""What the rendered test-suite needs per model: example values and import blocks."""

from __future__ import annotations

from typing import Any

from .pyimports import ImportBlock

# A JSON value for PATCH tests and the expected stored value, by field type.
UPDATE_VALUES = {"str": '"changed"', "text": '"changed"', "int": "7", "bigint": "7", "bool": "True"}


def update_value(field: dict[str, Any]) -> str:
    """A literal, valid for Python and JSON alike, that a PATCH test sets `field` to."""
    if field["type"] == "str" and field["max_length"] < len("changed"):
        return '"x"'
    return UPDATE_VALUES[field["type"]]


def example_value(field: dict[str, Any]) -> str:
    """A Python expression building a valid value of `field` from the int `n`, unique per n."""
    name, kind = field["name"], field["type"]
    if kind == "str":
        max_length = field["max_length"]
        return f'f"{name}-{{n}}"' if max_length >= len(name) + 12 else f"_code(n, {max_length})"
    return {
        "text": f'f"{name} {{n}}"',
        "int": "n",
        "bigint": "n * 10_000_000_000",
        "float": "n + 0.5",
        "decimal": f"_decimal(n, {field['max_digits']}, {field['decimal_places']})",
        "bool": "n % 2 == 0",
        "date": "_day(n)",
        "datetime": "_instant(n)",
        "uuid": "uuid4()",
        "json": '{"n": n}',
    }.get(kind) or _enum_example(field)


def _enum_example(field: dict[str, Any]) -> str:
    enum = field["enum"]
    return f"list({enum['name']})[n % {len(enum['members'])}]"


def factories(codes: list[dict[str, Any]], package: str, id_type: str) -> dict[str, Any]:
    """Imports and helpers of `tests/factories.py`."""
    kinds = {field["type"] for code in codes for field in code["fields"]}
    block = ImportBlock(first_party=package)
    block.from_("collections", "Counter")
    if kinds & {"date", "datetime"}:
        block.module("datetime", "dt")
    if "decimal" in kinds:
        block.from_("decimal", "Decimal")
    block.from_("typing", "Any")
    if "uuid" in kinds:
        block.from_("uuid", "uuid4")
    if id_type == "uuid":
        block.from_("uuid", "UUID")
    block.from_("sqlmodel.ext.asyncio.session", "AsyncSession")
    model_names: list[str] = []
    for code in codes:
        model_names += [f"{code['name']}Create", f"{code['name']}Read"]
        model_names += [field["enum"]["name"] for field in code["fields"] if field["enum"]]
    block.from_(f"{package}.models", *model_names)
    block.from_(f"{package}.repositories", *(f"{code['name']}Repository" for code in codes))
    short_strings = any(
        field["type"] == "str" and field["max_length"] < len(field["name"]) + 12
        for code in codes
        for field in code["fields"]
    )
    return {
        "imports": block.render(),
        "code": short_strings,
        "decimal": "decimal" in kinds,
        "day": "date" in kinds,
        "instant": "datetime" in kinds,
    }


def repository_test_imports(
    code: dict[str, Any], codes: dict[str, dict[str, Any]], package: str
) -> str:
    """Imports of `tests/repositories/test_<module>.py`, matching what its template uses."""
    name, snake = code["name"], code["snake"]
    related = code["to_one"] or code["many"]
    effects = [] if code["soft_delete"] else code["collections"]
    m2m_backs = [] if code["soft_delete"] else code["m2m_backs"]
    block = ImportBlock(first_party=package)
    if code["timestamps"]:
        block.module("datetime", "dt")
    block.module("pytest")
    if related:
        block.from_("sqlalchemy.exc", "InvalidRequestError")
    block.from_("sqlmodel.ext.asyncio.session", "AsyncSession")
    errors = ["NotFoundError"]
    if code["unique_field"] or any(c["on_delete"] == "restrict" for c in effects):
        errors.append("ConflictError")
    if related:
        errors.append("InvalidReferenceError")
    block.from_(f"{package}.errors", *errors)
    models = [f"{name}Query", f"{name}Read"]
    if code["soft_delete"] or related:
        models.append(name)
    if code["simple_field"] or code["many"] or any(r["self_ref"] for r in code["to_one"]):
        models.append(f"{name}Update")
    if code["many"]:
        models.append(f"{name}Detail")
    models += [f"{c['source']}Read" for c in m2m_backs]
    models += [f"{c['source']}Update" for c in effects if not c["required"]]
    block.from_(f"{package}.models", *models)
    repositories = [f"{name}Repository"]
    repositories += [
        f"{c['source']}Repository"
        for c in effects
        if c["on_delete"] != "restrict" or not c["required"]
    ]
    repositories += [f"{c['source']}Repository" for c in m2m_backs if not c["self_ref"]]
    block.from_(f"{package}.repositories", *repositories)
    factories = ["MISSING_ID", f"make_{snake}", f"{snake}_data"]
    factories += [f"make_{m['target_snake']}" for m in code["many"]]
    factories += [f"make_{c['source_snake']}" for c in effects]
    factories += [f"{c['source_snake']}_data" for c in m2m_backs]
    block.from_("tests.factories", *factories)
    return block.render()


def exact_decimal(field: dict[str, Any]) -> str:
    """A decimal literal with every place used (`1.50`): SQLite would lose it as a float."""
    places, whole = field["decimal_places"], field["max_digits"] - field["decimal_places"]
    integer = "1" if whole else "0"
    return f"{integer}.5{'0' * (places - 1)}" if places else integer


def api_test_imports(code: dict[str, Any], codes: dict[str, dict[str, Any]], package: str) -> str:
    """Imports of `tests/api/test_<plural>.py`, matching what its template uses."""
    snake = code["snake"]
    block = ImportBlock(first_party=package)
    if code["datetime_field"]:
        block.module("datetime", "dt")
    block.from_("httpx", "AsyncClient").from_("pydantic_core", "to_jsonable_python as jsonable")
    block.from_("sqlmodel.ext.asyncio.session", "AsyncSession")
    block.from_(f"{package}.pagination", "MAX_PAGE_SIZE")
    factories = ["MISSING_ID", f"make_{snake}", f"{snake}_payload"]
    factories += [f"make_{m['target_snake']}" for m in code["many"]]
    factories += [f"make_{c['source_snake']}" for c in code["collections"]]
    block.from_("tests.factories", *factories)
    return block.render()


def query_count_imports(codes: list[dict[str, Any]], package: str, api_style: str) -> str:
    """Imports of `tests/test_query_counts.py`."""
    block = ImportBlock(first_party=package).from_("collections.abc", "Awaitable", "Callable")
    block.from_("collections.abc", "Iterator").from_("typing", "Any").module("pytest")
    if api_style == "rest":
        block.from_("httpx", "AsyncClient")
    block.from_("sqlalchemy", "event").from_("sqlalchemy.ext.asyncio", "AsyncEngine")
    block.from_("sqlmodel.ext.asyncio.session", "AsyncSession")
    if api_style == "none":
        block.from_(f"{package}.models", *(f"{code['name']}Query" for code in codes))
        block.from_(f"{package}.models.base", "ListQuery")
        block.from_(f"{package}.repositories", "Repository")
        block.from_(f"{package}.repositories", *(f"{code['name']}Repository" for code in codes))
    block.from_("tests.factories", *(f"make_{code['snake']}" for code in codes))
    return block.render()
