"""GraphQL: a Strawberry schema at `/graphql` on the repositories (templates: `api/graphql/`)."""

from __future__ import annotations

from dataclasses import dataclass

from ..codegen import ModelSet, ModelView
from ..errors import SpecError
from ..fieldtypes import TYPES
from ..spec import FieldDef, ModelDef

# The names the GraphQL modules define or import beside the models' types, and the types of the
# schema itself; each model adds its own (`SUFFIXES`).
NAMES = frozenset(
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
SUFFIXES = {
    "object": "",
    "page": "Page",
    "filter": "Filter",
    "create": "CreateInput",
    "update": "UpdateInput",
}
"""The GraphQL types of each model, by kind: `Book`, `BookPage`, ..."""
BUILT_IN_SCALARS = frozenset({"Boolean", "Float", "ID", "Int", "String"})
ATTRIBUTES = frozenset({"from_read", "from_row"})


@dataclass
class GraphQLModel:
    """What the GraphQL templates fill in for one model."""

    filter: bool
    """Whether its page query takes a filter: it has a filterable field or a relation."""
    list: str
    """The query of a page of rows (snake_case): the plural, unless that is also the query of
    one row of a model (`data`, `series`)."""


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
class GraphQLSpec:
    """What the GraphQL templates fill in for the whole spec."""

    imports: list[str]
    """What the types and inputs import for the fields' types."""
    enums: list[str]
    """The enum classes of every model, which GraphQL names too."""
    bigint: bool
    """Whether a field is a `bigint`: the schema has a scalar for it."""
    loaded: list[str]
    """The models whose rows a relation field loads: the repositories the loaders use."""
    types: list[GraphQLType]


def check(models: list[ModelDef]) -> None:
    """The schema's type names are one namespace: each model's object, page, filter and input
    types, the enums, the root types and scalars; its object types have `from_row` and
    `from_read`; its queries are functions named like the model and its plural."""
    taken = dict.fromkeys(NAMES, "the GraphQL schema")
    for model in models:
        names = [(f"{model.name}{suffix}", f"model {model.name}") for suffix in SUFFIXES.values()]
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
            if name in ATTRIBUTES:
                raise SpecError(
                    f"{where}: {what} name {name!r} is reserved (GraphQL types have it)"
                )


def model_views(models: ModelSet) -> list[GraphQLModel]:
    singles = {view.snake for view in models.views}
    return [
        GraphQLModel(
            filter=any(f.filterable for f in view.fields) or bool(view.to_one),
            list=_list_query(view.plural, singles),
        )
        for view in models.views
    ]


def _list_query(plural: str, singles: set[str]) -> str:
    """The query of a page: the plural, `_page` added while that is the query of one row."""
    while plural in singles:
        plural += "_page"
    return plural


def spec_view(models: ModelSet) -> GraphQLSpec:
    fields = [spec for model in models.definitions for spec in model.fields]
    package, views = models.options.package, models.views
    return GraphQLSpec(
        imports=sorted({line for spec in fields for line in imports(spec, package)}),
        enums=[spec.enum_class for spec in fields if spec.type == "enum"],
        bigint=any(spec.type == "bigint" for spec in fields),
        loaded=sorted(
            {view.name for view in views if view.many or view.m2m_backs}
            | {relation.target for view in views for relation in view.to_one}
            | {collection.source for view in views for collection in view.collections}
        ),
        types=_types(views, model_views(models)),
    )


def imports(spec: FieldDef, package: str) -> set[str]:
    """What a GraphQL module imports for one field."""
    kind = TYPES[spec.type]
    return {line.format(package=package, enum=spec.enum_class) for line in kind.graphql_imports}


def _types(views: list[ModelView], graphql: list[GraphQLModel]) -> list[GraphQLType]:
    """Every type of the schema besides GraphQL's own scalars, sorted by name."""
    types = [GraphQLType("Query", "query"), GraphQLType("Mutation", "mutation")]
    for index, (view, model) in enumerate(zip(views, graphql, strict=True)):
        types += [
            GraphQLType(f"{view.name}{suffix}", kind, index)
            for kind, suffix in SUFFIXES.items()
            if kind != "filter" or model.filter
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
