"""Compile the template's answers (above all the `models` spec) into what the templates fill in."""

from __future__ import annotations

import re
from typing import Any

from .api import deps, route_module
from .codegen import ModelCode, Options
from .errors import SpecError
from .migration import build_migration
from .naming import MAX_IDENTIFIER, is_keyword, is_stdlib_module, shorten
from .pyimports import ImportBlock
from .spec import parse_spec
from .testdata import (
    api_test_imports,
    exact_decimal,
    example_value,
    factories,
    query_count_imports,
    repository_test_imports,
    update_value,
)

__all__ = ["SpecError", "check_package_name", "compile_spec", "package_name_for"]

DATABASES = ("postgresql", "sqlite")
API_STYLES = ("rest", "none")
ID_TYPES = ("int", "uuid")
# Distributions the rendered project installs: a package of the same name would shadow one.
DEPENDENCY_MODULES = frozenset(
    {
        "aiosqlite",
        "alembic",
        "asyncpg",
        "fastapi",
        "httpx",
        "migrations",
        "mypy",
        "pydantic",
        "pydantic_settings",
        "pytest",
        "sqlalchemy",
        "sqlmodel",
        "starlette",
        "tests",
        "uvicorn",
    }
)


def package_name_for(project_name: str) -> str:
    """The default package name: `My Backend` → `my_backend`."""
    name = re.sub(r"[^0-9a-zA-Z]+", "_", project_name.strip()).strip("_").lower()
    return name if name and not name[0].isdigit() else f"app_{name}".rstrip("_")


def check_package_name(name: object) -> str:
    """The problem with `name` as the rendered package's name, or `""`."""
    if not isinstance(name, str) or not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        return (
            f"package_name {name!r} is not a lowercase Python identifier "
            "(lowercase letters, digits and underscores, not starting with a digit)"
        )
    if is_keyword(name):
        return f"package_name {name!r} is a Python keyword"
    if is_stdlib_module(name):
        return f"package_name {name!r} would shadow the standard library module of that name"
    if name in DEPENDENCY_MODULES:
        return f"package_name {name!r} would shadow a module the project depends on or uses"
    return ""


def _choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise SpecError(f"{name}: {value!r} is not one of: {', '.join(allowed)}")
    return str(value)


def compile_spec(
    models: object, *, package_name: str, database: str, id_type: str, api_style: str
) -> dict[str, Any]:
    """Everything the templates need, as JSON data; raises `SpecError` on any invalid answer."""
    problem = check_package_name(package_name)
    if problem:
        raise SpecError(problem)
    options = Options(
        package=package_name,
        database=_choice("database", database, DATABASES),
        id_type=_choice("id_type", id_type, ID_TYPES),
    )
    api_style = _choice("api_style", api_style, API_STYLES)
    definitions = parse_spec(models)
    by_name = {model.name: model for model in definitions}
    codes = {model.name: ModelCode(model, by_name, options).build() for model in definitions}
    for code in codes.values():
        code["api"] = route_module(code, codes, package_name)
        for field in code["fields"]:
            field["example"] = example_value(field)
        # Whether the test factory numbers the model's rows: some example values need `n`.
        code["numbered"] = any(re.search(r"\bn\b", f["example"]) for f in code["fields"])
        if code["simple_field"] is not None:
            code["simple_field"]["update_value"] = update_value(code["simple_field"])
        if code["decimal_field"] is not None:
            code["decimal_field"]["exact_example"] = exact_decimal(code["decimal_field"])
        code["tests"] = {
            "repository_imports": repository_test_imports(code, codes, package_name),
            "api_imports": api_test_imports(code, codes, package_name),
        }
    ordered = list(codes.values())
    field_types = {field["type"] for code in ordered for field in code["fields"]}
    links = [link for code in ordered for link in code["many"]]
    uses = _uses(ordered, field_types)
    migration = build_migration(definitions, codes, options)
    _check_shortened_names(migration["constraint_names"])
    return {
        "models": ordered,
        "links": links,
        "links_imports": ImportBlock(first_party=package_name)
        .from_("sqlmodel", "Field", "SQLModel")
        .from_(f"{package_name}.models.base", "RowId")
        .render(),
        "models_init": _models_init(ordered, package_name),
        "repositories_init": _repositories_init(ordered, package_name),
        "api": deps(ordered, package_name),
        "factories": factories(ordered, package_name, id_type),
        "query_count_imports": query_count_imports(ordered, package_name, api_style),
        "uses": uses,
        "types_imports": _types_imports(uses, package_name, database),
        "migration": migration,
        "er_diagram": _er_diagram(ordered),
    }


def _check_shortened_names(names: list[str]) -> None:
    """Constraint and index names share one namespace; SQLAlchemy shortens long ones as
    `naming.shorten` does, and the shortened names must stay distinct."""
    seen: dict[str, str] = {}
    for name in names:
        final = shorten(name)
        if final in seen and seen[final] != name:
            raise SpecError(
                f"{name}: the same as {seen[final]!r} once shortened to PostgreSQL's "
                f"{MAX_IDENTIFIER} characters ({final!r}); rename a model, field or relation in it"
            )
        seen[final] = name


def _uses(codes: list[dict[str, Any]], field_types: set[str]) -> dict[str, Any]:
    """Which shared pieces the spec needs, so that no module defines or imports what is unused."""
    timestamps = any(code["timestamps"] for code in codes)
    soft_delete = any(code["soft_delete"] for code in codes)
    uses: dict[str, Any] = {
        "timestamps": timestamps,
        "soft_delete": soft_delete,
        "utcnow": timestamps or soft_delete,
        "utc_column": timestamps or soft_delete or "datetime" in field_types,
        "datetime_field": "datetime" in field_types,
        "decimal": "decimal" in field_types,
        "json": "json" in field_types,
        "enum": "enum" in field_types,
        "int32": "int" in field_types,
        "int64": "bigint" in field_types,
        "links": any(code["many"] for code in codes),
        "detail_rebuild": [
            code["name"] + "Detail"
            for code in codes
            if any(not r["self_ref"] for r in code["to_one"] + code["many"])
        ],
    }
    uses["types_module"] = any(
        uses[key] for key in ("utc_column", "decimal", "json", "enum", "int32", "int64")
    )
    return uses


def _types_imports(uses: dict[str, Any], package: str, database: str) -> str:
    block = ImportBlock(first_party=package)
    if uses["utcnow"] or uses["utc_column"] or uses["datetime_field"]:
        block.module("datetime", "dt")
    if uses["decimal"]:
        block.from_("decimal", "Decimal")
    if uses["enum"]:
        block.from_("enum", "StrEnum")
    if uses["int32"] or uses["int64"] or uses["datetime_field"]:
        block.from_("typing", "Annotated")
    if uses["decimal"] or uses["utc_column"]:
        block.from_("typing", "Any")
    if uses["utc_column"] or uses["decimal"] or uses["enum"] or uses["json"]:
        block.module("sqlalchemy", "sa")
    if uses["int32"] or uses["int64"]:
        block.from_("annotated_types", "Ge", "Le")
    if uses["datetime_field"]:
        block.from_("pydantic", "AfterValidator", "AwareDatetime")
    if uses["json"] and database == "postgresql":
        block.from_("sqlalchemy.dialects", "postgresql")
    return block.render()


def _models_init(codes: list[dict[str, Any]], package: str) -> dict[str, Any]:
    block = ImportBlock(first_party=package)
    exported: list[str] = []
    for code in codes:
        names = [name for name in code["classes"] if not name.endswith(("Link", "Repository"))]
        if not code["has_detail"]:
            names.remove(f"{code['name']}Detail")
        names.append(f"{code['name']}Order")
        block.from_(f"{package}.models.{code['module']}", *names)
        exported += names
    return {"imports": block.render(), "all": sorted(exported)}


def _repositories_init(codes: list[dict[str, Any]], package: str) -> dict[str, Any]:
    block = ImportBlock(first_party=package).from_(f"{package}.repositories.base", "Repository")
    for code in codes:
        block.from_(f"{package}.repositories.{code['module']}", f"{code['name']}Repository")
    names = ["Repository", *(f"{code['name']}Repository" for code in codes)]
    return {"imports": block.render(), "all": sorted(names)}


def _er_diagram(codes: list[dict[str, Any]]) -> list[str]:
    """Lines of a Mermaid `erDiagram` of the tables and their relations."""
    lines: list[str] = []
    for code in codes:
        lines.append(f"    {code['name']} {{")
        for field in code["fields"]:
            lines.append(f"        {field['type']} {field['name']}")
        for relation in code["to_one"]:
            lines.append(f"        ref {relation['fk_column']} FK")
        lines.append("    }")
    for code in codes:
        for relation in code["to_one"]:
            one_side = "||" if relation["required"] else "|o"
            lines.append(
                f"    {relation['target']} {one_side}--o{{ {code['name']} : {relation['name']}"
            )
        for link in code["many"]:
            lines.append(f"    {code['name']} }}o--o{{ {link['target']} : {link['name']}")
    return lines
