"""Compile the template's answers (above all the `models` spec) into what the templates fill in."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from .access import (
    AUTH_MODES,
    access_of,
    check_included_reads,
    check_owner_names,
    check_reserved_names,
)
from .codegen import ManyView, ModelCode, ModelSet, ModelView, Options
from .errors import SpecError
from .fieldtypes import TYPES
from .migration import Migration, build_migration
from .naming import MAX_IDENTIFIER, is_keyword, is_stdlib_module, shorten
from .spec import ModelDef, parse_spec
from .surfaces import API_STYLES, SURFACES, served

__all__ = [
    "API_STYLES",
    "AUTH_MODES",
    "SpecError",
    "check_package_name",
    "compile_spec",
    "package_name_for",
]

DATABASES = ("postgresql", "sqlite")
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


@dataclass
class Uses:
    """Which shared pieces the spec needs, so that no module defines or imports what is unused."""

    timestamps: bool
    soft_delete: bool
    links: bool
    owner: bool
    """Whether a model's rows have owners (a level of it is `owner`)."""
    shared: list[str]
    """What `types.py` defines: the field types' shared types, and what timestamps need."""
    detail_rebuild: list[str]
    """Detail schemas that name another model's Read schema."""

    @property
    def types_module(self) -> bool:
        return bool(self.shared)


@dataclass
class CompiledSpec:
    """The computed `spec` answer, before it becomes JSON data."""

    models: list[ModelView]
    links: list[ManyView]
    uses: Uses
    factory_helpers: list[str]
    """The functions the test factories' example values call."""
    migration: Migration
    er_diagram: list[str]


def compile_spec(
    models: object,
    *,
    package_name: str,
    database: str,
    id_type: str,
    api_style: str,
    mcp: bool = False,
    auth: str = "none",
) -> dict[str, Any]:
    """Everything the templates need, as JSON data; raises `SpecError` on any invalid answer.

    Beside what every surface shares, the data holds `serves` (by surface, whether the project
    serves it), `served` (whether it serves any: the application exists), `surface_titles` and,
    for each surface served, its views under its name: `spec.<surface>` and `model.<surface>`
    of each model. `auth` is the way callers prove they may call (None for `none`), and each
    model's `access` the level its reads and writes need.
    """
    problem = check_package_name(package_name)
    if problem:
        raise SpecError(problem)
    options = Options(
        package=package_name,
        database=_choice("database", database, DATABASES),
        id_type=_choice("id_type", id_type, ID_TYPES),
    )
    surfaces = served(_choice("api_style", api_style, API_STYLES), {"mcp": mcp})
    options_of_surfaces = {name for surface in SURFACES for name in surface.model_options}
    definitions = parse_spec(models, options_of_surfaces)
    for surface in SURFACES:
        if surface.check_options is not None:
            surface.check_options(definitions)
    for surface in surfaces:
        surface.check(definitions)
    auth = _choice("auth", auth, AUTH_MODES)
    if auth != "none" and not surfaces:
        raise SpecError(
            f"auth: {auth} guards what the project serves, and it serves nothing "
            "(api_style: none, mcp: false); answer auth: none, or choose a surface"
        )
    check_reserved_names(definitions, auth)
    accesses = {model.name: access_of(model, auth) for model in definitions}
    check_included_reads(definitions, accesses)
    for model in definitions:
        model.levels = asdict(accesses[model.name])
    check_owner_names(definitions)
    by_name = {model.name: model for model in definitions}
    ordered = [ModelCode(model, by_name, options).build() for model in definitions]
    views = {view.name: view for view in ordered}
    migration = build_migration(definitions, views, options, users=auth == "users")
    _check_shortened_names(migration.constraint_names)
    examples = [field.example for view in ordered for field in view.fields]
    compiled = CompiledSpec(
        models=ordered,
        links=[link for view in ordered for link in view.many],
        uses=_uses(definitions, ordered, options, users=auth == "users"),
        factory_helpers=sorted({name for e in examples for name in re.findall(r"(\w+)\(", e)}),
        migration=migration,
        er_diagram=_er_diagram(ordered),
    )
    data = asdict(compiled)
    data["uses"]["types_module"] = compiled.uses.types_module
    data["serves"] = {surface.name: surface in surfaces for surface in SURFACES}
    data["served"] = bool(surfaces)
    data["surface_titles"] = [surface.title for surface in surfaces]
    data["auth"] = None if auth == "none" else auth
    data["public_reads"] = any(model.public_read for model in definitions)
    for model in data["models"]:
        access = accesses[model["name"]]
        model["access"] = {**asdict(access), "default": access.default}
    model_set = ModelSet(definitions, ordered, options)
    for surface in surfaces:
        spec_view = surface.spec_view(model_set)
        data[surface.name] = None if spec_view is None else asdict(spec_view)
        for model, view in zip(data["models"], surface.model_views(model_set), strict=True):
            model[surface.name] = asdict(view)
    return data


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


def _uses(models: list[ModelDef], views: list[ModelView], options: Options, *, users: bool) -> Uses:
    # The users table (`auth: users`) has timestamps.
    timestamps = users or any(model.timestamps for model in models)
    soft_delete = any(model.soft_delete for model in models)
    shared = {name for model in models for spec in model.fields for name in TYPES[spec.type].shared}
    if timestamps or soft_delete:
        shared |= {"TZDateTime", "utcnow"}
    if users:
        # The users' passwords, and the sign-in form's fields, are storable text too.
        shared.add("StorableStr")
    if options.id_type == "int" or shared & {"Int32", "Int64"}:
        # Integers of a strictly read request body, the int ids' included.
        shared.add("WholeNumber")
    return Uses(
        timestamps=timestamps,
        soft_delete=soft_delete,
        links=any(view.many for view in views),
        owner=any(model.owned for model in models),
        shared=sorted(shared),
        detail_rebuild=[
            f"{view.name}Detail"
            for view in views
            if not all(relation.self_ref for relation in view.to_one)
            or not all(link.self_ref for link in view.many)
        ],
    )


def _er_diagram(views: list[ModelView]) -> list[str]:
    """Lines of a Mermaid `erDiagram` of the tables and their relations."""
    lines: list[str] = []
    for view in views:
        lines.append(f"    {view.name} {{")
        lines += [f"        {field.type} {field.name}" for field in view.fields]
        lines += [f"        ref {relation.fk_column} FK" for relation in view.to_one]
        lines.append("    }")
    for view in views:
        for relation in view.to_one:
            one_side = "||" if relation.required else "|o"
            lines.append(f"    {relation.target} {one_side}--o{{ {view.name} : {relation.name}")
        for link in view.many:
            lines.append(f"    {view.name} }}o--o{{ {link.target} : {link.name}")
    return lines
