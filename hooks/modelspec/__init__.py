"""Compile the template's answers (above all the `models` spec) into what the templates fill in."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from .codegen import ManyView, ModelCode, ModelView, Options, graphql_imports
from .errors import SpecError
from .fieldtypes import TYPES
from .migration import Migration, build_migration
from .naming import MAX_IDENTIFIER, is_keyword, is_stdlib_module, shorten
from .spec import ModelDef, parse_spec

__all__ = ["SpecError", "check_package_name", "compile_spec", "package_name_for"]

DATABASES = ("postgresql", "sqlite")
API_STYLES = ("rest", "graphql", "none")
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


# The names the GraphQL modules define or import beside the models' types, and the types of the
# schema itself; each model adds its own (`GRAPHQL_SUFFIXES`).
GRAPHQL_NAMES = frozenset(
    {
        "BigInt",
        "Boolean",
        "Context",
        "Date",
        "DateTime",
        "Decimal",
        "Float",
        "ID",
        "Info",
        "Int",
        "JSON",
        "Kind",
        "Limit",
        "Loaders",
        "Mutation",
        "Node",
        "NodeT",
        "OrderBy",
        "Page",
        "Query",
        "Row",
        "Schema",
        "String",
        "UUID",
    }
)
GRAPHQL_SUFFIXES = {
    "object": "",
    "page": "Page",
    "filter": "Filter",
    "create": "CreateInput",
    "update": "UpdateInput",
}
"""The GraphQL types of each model, by kind: `Book`, `BookPage`, ..."""
BUILT_IN_SCALARS = frozenset({"Boolean", "Float", "ID", "Int", "String"})
GRAPHQL_ATTRIBUTES = frozenset({"from_read", "from_row"})


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
    shared: list[str]
    """What `types.py` defines: the field types' shared types, and what timestamps need."""
    detail_rebuild: list[str]
    """Detail schemas that name another model's Read schema."""
    graphql_imports: list[str]
    """What the GraphQL types and inputs import for the fields' types."""
    enums: list[str]
    """The enum classes of every model, which GraphQL names too."""
    bigint: bool
    """Whether a field is a `bigint`: the GraphQL schema has a scalar for it."""
    loaded: list[str]
    """The models whose rows a GraphQL relation field loads: the repositories it uses."""

    @property
    def types_module(self) -> bool:
        return bool(self.shared)


@dataclass
class GraphQLType:
    """A type `schema.graphql` defines, in the order Strawberry prints them (by name)."""

    name: str
    kind: str
    """`object`, `page`, `filter`, `create`, `update` (of `model`), `enum`, `scalar`, `query`
    or `mutation`."""
    model: int | None = None
    """The index of its model in `models`."""
    members: list[str] | None = None
    """An enum's members: the names GraphQL gives its values."""


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
    graphql_types: list[GraphQLType]


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
    _choice("api_style", api_style, API_STYLES)
    definitions = parse_spec(models)
    if api_style == "graphql":
        _check_graphql_names(definitions)
    by_name = {model.name: model for model in definitions}
    views = {model.name: ModelCode(model, by_name, options).build() for model in definitions}
    _name_graphql_lists(list(views.values()))
    migration = build_migration(definitions, views, options)
    _check_shortened_names(migration.constraint_names)
    ordered = list(views.values())
    examples = [field.example for view in ordered for field in view.fields]
    compiled = CompiledSpec(
        models=ordered,
        links=[link for view in ordered for link in view.many],
        uses=_uses(definitions, ordered, options),
        factory_helpers=sorted({name for e in examples for name in re.findall(r"(\w+)\(", e)}),
        migration=migration,
        er_diagram=_er_diagram(ordered),
        graphql_types=_graphql_types(ordered),
    )
    data = asdict(compiled)
    data["uses"]["types_module"] = compiled.uses.types_module
    return data


def _name_graphql_lists(views: list[ModelView]) -> None:
    """Each model's GraphQL query of a page: its plural, `_page` added while that is the query
    of one row of some model."""
    singles = {view.snake for view in views}
    for view in views:
        name = view.plural
        while name in singles:
            name += "_page"
        view.graphql_list = name


def _check_graphql_names(models: list[ModelDef]) -> None:
    """The GraphQL schema's type names are one namespace: each model's object, page, filter
    and input types, the enums, the root types and scalars; its object types have `from_row`
    and `from_read`; its queries are functions named like the model and its plural."""
    taken = dict.fromkeys(GRAPHQL_NAMES, "the GraphQL schema")
    for model in models:
        names = [
            (f"{model.name}{suffix}", f"model {model.name}") for suffix in GRAPHQL_SUFFIXES.values()
        ]
        names += [
            (spec.enum_class, f"enum {spec.where}") for spec in model.fields if spec.type == "enum"
        ]
        for name, owner in names:
            if name in taken:
                raise SpecError(
                    f"{owner}: its GraphQL type {name!r} is also the name of {taken[name]}"
                )
            taken[name] = owner
        for query, fix in ((model.snake, "rename the model"), (model.plural, "set its plural")):
            if query == "l":
                raise SpecError(
                    f"model {model.name}: its GraphQL query 'l' is refused by the project's "
                    f"linter (E743: it reads like 1 or I); {fix}"
                )
        attributes = [(spec.name, spec.where, "field") for spec in model.fields]
        attributes += [(relation.name, relation.where, "relation") for relation in model.relations]
        for name, where, what in attributes:
            if name in GRAPHQL_ATTRIBUTES:
                raise SpecError(
                    f"{where}: {what} name {name!r} is reserved (GraphQL types have it)"
                )


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


def _uses(models: list[ModelDef], views: list[ModelView], options: Options) -> Uses:
    timestamps = any(model.timestamps for model in models)
    soft_delete = any(model.soft_delete for model in models)
    shared = {name for model in models for spec in model.fields for name in TYPES[spec.type].shared}
    if timestamps or soft_delete:
        shared |= {"TZDateTime", "utcnow"}
    if options.id_type == "int" or shared & {"Int32", "Int64"}:
        # Integers of a strictly read request body, the int ids' included.
        shared.add("WholeNumber")
    fields = [spec for model in models for spec in model.fields]
    return Uses(
        timestamps=timestamps,
        soft_delete=soft_delete,
        links=any(view.many for view in views),
        shared=sorted(shared),
        detail_rebuild=[
            f"{view.name}Detail"
            for view in views
            if not all(relation.self_ref for relation in view.to_one)
            or not all(link.self_ref for link in view.many)
        ],
        graphql_imports=sorted(
            {line for spec in fields for line in graphql_imports(spec, options.package)}
        ),
        enums=[spec.enum_class for spec in fields if spec.type == "enum"],
        bigint=any(spec.type == "bigint" for spec in fields),
        loaded=sorted(
            {view.name for view in views if view.many or view.m2m_backs}
            | {relation.target for view in views for relation in view.to_one}
            | {collection.source for view in views for collection in view.collections}
        ),
    )


def _graphql_types(views: list[ModelView]) -> list[GraphQLType]:
    """Every type of the GraphQL schema besides GraphQL's own scalars, sorted by name."""
    types = [GraphQLType("Query", "query"), GraphQLType("Mutation", "mutation")]
    for index, view in enumerate(views):
        types += [
            GraphQLType(f"{view.name}{suffix}", kind, index)
            for kind, suffix in GRAPHQL_SUFFIXES.items()
            if kind != "filter" or view.graphql_filter
        ]
        types += [
            GraphQLType(field.enum.name, "enum", members=[m.name for m in field.enum.members])
            for field in view.fields
            if field.enum is not None
        ]
    scalars = {field.sdl for view in views for field in view.fields if field.enum is None}
    scalars -= BUILT_IN_SCALARS
    if any(view.timestamps for view in views):
        scalars.add("DateTime")
    types += [GraphQLType(name, "scalar") for name in scalars]
    return sorted(types, key=lambda type_: type_.name)


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
