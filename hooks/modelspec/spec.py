"""Parse and validate the `models` answer into typed, cross-checked definitions.

Every problem is reported as a `SpecError` whose message is one line that names the model, field
or relation at fault, so that Copier can stop before it writes anything.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from .errors import SpecError
from .fieldtypes import TYPES
from .naming import (
    MAX_IDENTIFIER,
    PASCAL_CASE,
    SNAKE_CASE,
    constant_case,
    is_keyword,
    pluralize,
    shorten,
    singularize,
    snake_case,
)

FIELD_TYPES = tuple(TYPES)
FIELD_OPTIONS = {
    "type",
    "optional",
    "default",
    "unique",
    "index",
    "max_length",
    "description",
    "values",
    "max_digits",
    "decimal_places",
}
MODEL_OPTIONS = {"fields", "relations", "soft_delete", "timestamps", "plural", "access"}
RELATION_OPTIONS = {"to", "back", "required", "on_delete", "many"}
ON_DELETE = ("cascade", "set_null", "restrict")

MAX_DECIMAL_DIGITS = 18
DEFAULT_MAX_LENGTH = 255
MAX_VARCHAR_LENGTH = 10_485_760

# Attribute names a table model cannot use: the columns every model gets, what SQLModel and
# pydantic define on every model, the query parameters of list endpoints, and the names the
# generated modules bind at class scope (a field called `str` would shadow the type).
RESERVED_ATTRIBUTES = frozenset(
    {
        "id",
        "created_at",
        "updated_at",
        "deleted_at",
        "metadata",
        "registry",
        "model_config",
        "model_fields",
        "model_computed_fields",
        "sqlmodel_update",
        "dict",
        "json",
        "copy",
        "parse_obj",
        "parse_raw",
        "parse_file",
        "from_orm",
        "construct",
        "schema",
        "schema_json",
        "validate",
        "update_forward_refs",
        "limit",
        "offset",
        "order_by",
        "filters",
        "not_null",
        "str",
        "int",
        "float",
        "bool",
        "list",
        "dt",
        "sa",
    }
)
RESERVED_PREFIXES = ("model_", "sa_", "_")

# Class names the generated code imports next to the models.
RESERVED_CLASS_NAMES = frozenset(
    {
        "Annotated",
        "Any",
        "APIRouter",
        "AsyncSession",
        "ClassVar",
        "Decimal",
        "DecimalString",
        "Depends",
        "Enum",
        "ExactDecimal",
        "Field",
        "FastAPI",
        "Int32",
        "IsoDate",
        "Int64",
        "JSONType",
        "JsonValue",
        "ListQuery",
        "Literal",
        "Page",
        "Query",
        "Relationship",
        "Repository",
        "RequestBody",
        "Schema",
        "Settings",
        "SQLModel",
        "StorableJson",
        "StorableStr",
        "Strict",
        "StrEnum",
        "TYPE_CHECKING",
        "TZDateTime",
        "UpdateSchema",
        "UtcDatetime",
        "UUID",
        "WholeNumber",
    }
)
RESERVED_MODULES = frozenset({"base", "links"})
# Besides other endpoints, the names of the route functions' own parameters.
RESERVED_PLURALS = frozenset({"health", "docs", "openapi", "payload", "query"})


@dataclass
class FieldDef:
    """One column of a model, as the spec declares it."""

    model: str
    name: str
    type: str
    optional: bool = False
    default: Any = None
    has_default: bool = False
    unique: bool = False
    index: bool = False
    max_length: int | None = None
    description: str | None = None
    values: list[str] = field(default_factory=list)
    max_digits: int | None = None
    decimal_places: int | None = None

    @property
    def where(self) -> str:
        return f"{self.model}.{self.name}"

    @property
    def enum_class(self) -> str:
        """`Task.status` → `TaskStatus`, the class of an enum field's values."""
        return self.model + "".join(part.capitalize() for part in self.name.split("_"))

    @property
    def enum_type(self) -> str:
        """The PostgreSQL type of an enum field."""
        return shorten(f"{snake_case(self.model)}_{self.name}")


@dataclass
class RelationDef:
    """A relation from `model` to `target` (many-to-one, or many-to-many when `many`)."""

    model: str
    name: str
    target: str
    back: str | None = None
    required: bool = False
    on_delete: str = "set_null"
    many: bool = False

    @property
    def where(self) -> str:
        return f"{self.model}.{self.name}"

    @property
    def fk_column(self) -> str:
        return f"{self.name}_id"

    @property
    def ids_field(self) -> str:
        return f"{singularize(self.name)}_ids"


@dataclass
class ModelDef:
    """A model of the spec with its own options; relations pointing at it are in `incoming`."""

    name: str
    fields: list[FieldDef]
    relations: list[RelationDef]
    soft_delete: bool = False
    timestamps: bool = True
    plural: str = ""
    incoming: list[RelationDef] = field(default_factory=list)
    access: object = None
    """The `access` option as the spec gives it (`access.access_of` checks it)."""
    levels: dict[str, str] = field(default_factory=dict)
    """The level each operation (`read`, `write`) needs, set once `access` is checked."""
    surface_options: dict[str, Any] = field(default_factory=dict)
    """The model options a surface declares (`mcp`), as the spec gives them; the surface
    checks them."""

    @property
    def public_read(self) -> bool:
        """Whether anyone may read its rows without credentials."""
        return self.levels.get("read") == "public"

    @property
    def owned(self) -> bool:
        """Whether its rows have owners (a level of it is `owner`): an `owner_id` each."""
        return "owner" in self.levels.values()

    @property
    def owner_read(self) -> bool:
        """Whether only a row's owner (and superusers) may read it."""
        return self.levels.get("read") == "owner"

    @property
    def snake(self) -> str:
        return snake_case(self.name)


def parse_spec(raw: object, surface_options: Collection[str] = ()) -> list[ModelDef]:
    """Validate the `models` answer and return its models in declaration order; a model may
    also hold the `surface_options` (which the surfaces check)."""
    if raw is None or raw == "" or raw == {}:
        raise SpecError("models: the spec is empty; declare at least one model")
    if not isinstance(raw, dict):
        raise SpecError(
            f"models: expected a mapping of model names to definitions, got {_kind(raw)}"
        )
    models = [_parse_model(name, body, set(surface_options)) for name, body in raw.items()]
    by_name = {model.name: model for model in models}
    for model in models:
        for relation in model.relations:
            _check_relation_target(relation, by_name)
            by_name[relation.target].incoming.append(relation)
    _check_names(models)
    _check_lengths(models)
    _check_mutual_references(models, by_name)
    return models


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


def _check_identifier(name: object, what: str, where: str) -> str:
    if not isinstance(name, str) or not SNAKE_CASE.fullmatch(name):
        raise SpecError(
            f"{where}: {what} {name!r} is not a snake_case identifier "
            "(lowercase letters, digits and single underscores, starting with a letter)"
        )
    if is_keyword(name):
        raise SpecError(f"{where}: {what} {name!r} is a Python keyword")
    return name


def _check_attribute_name(name: str, what: str, where: str) -> None:
    if name in RESERVED_ATTRIBUTES or name.startswith(RESERVED_PREFIXES):
        raise SpecError(
            f"{where}: {what} {name!r} is reserved (every model has it, or SQLModel uses it)"
        )
    if name == "l":
        raise SpecError(
            f"{where}: {what} 'l' is refused by the project's linter (E741: it reads like 1 or I)"
        )


def _options(body: object, allowed: set[str], where: str, what: str) -> dict[str, Any]:
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise SpecError(f"{where}: expected a mapping of {what} options, got {_kind(body)}")
    unknown = sorted(str(key) for key in body if key not in allowed)
    if unknown:
        raise SpecError(
            f"{where}: unknown {what} option {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})"
        )
    return body


def _flag(options: dict[str, Any], key: str, where: str, default: bool = False) -> bool:
    value = options.get(key, default)
    if not isinstance(value, bool):
        raise SpecError(f"{where}: {key} must be true or false, got {value!r}")
    return value


def _parse_model(name: object, body: object, surface_options: set[str]) -> ModelDef:
    if not isinstance(name, str) or not PASCAL_CASE.fullmatch(name):
        raise SpecError(
            f"models: model name {name!r} is not PascalCase "
            "(a capital letter, then letters and digits)"
        )
    if is_keyword(name):
        raise SpecError(f"{name}: the model name is a Python keyword")
    if is_keyword(snake_case(name)):
        raise SpecError(f"{name}: its snake_case name {snake_case(name)!r} is a Python keyword")
    if name in RESERVED_CLASS_NAMES:
        raise SpecError(f"{name}: the model name is reserved (the generated code imports a {name})")
    if name in ("I", "O"):
        raise SpecError(
            f"{name}: the model name is refused by the project's linter "
            "(E742: it reads like 1 or 0)"
        )
    options = _options(body, MODEL_OPTIONS | surface_options, name, "model")
    fields_raw = options.get("fields") or {}
    relations_raw = options.get("relations") or {}
    if not isinstance(fields_raw, dict):
        raise SpecError(
            f"{name}: fields must be a mapping of field names to types, got {_kind(fields_raw)}"
        )
    if not isinstance(relations_raw, dict):
        raise SpecError(
            f"{name}: relations must be a mapping of relation names to definitions, "
            f"got {_kind(relations_raw)}"
        )
    if not fields_raw and not relations_raw:
        raise SpecError(f"{name}: a model needs at least one field or relation")
    plural = options.get("plural", pluralize(snake_case(name)))
    if not isinstance(plural, str) or not SNAKE_CASE.fullmatch(plural):
        raise SpecError(
            f"{name}: plural {plural!r} is not a snake_case identifier "
            "(it names the URL segment and a module)"
        )
    if is_keyword(plural):
        raise SpecError(
            f"{name}: plural {plural!r} is a Python keyword (it names a module); "
            "set the model's `plural` to another name"
        )
    if plural in RESERVED_PLURALS:
        raise SpecError(
            f"{name}: plural {plural!r} is reserved "
            "(an endpoint or a route parameter has that name)"
        )
    return ModelDef(
        name=name,
        fields=[
            _parse_field(name, field_name, field_body)
            for field_name, field_body in fields_raw.items()
        ],
        relations=[
            _parse_relation(name, rel_name, rel_body)
            for rel_name, rel_body in relations_raw.items()
        ],
        soft_delete=_flag(options, "soft_delete", name),
        timestamps=_flag(options, "timestamps", name, default=True),
        plural=plural,
        access=options.get("access"),
        surface_options={key: options[key] for key in surface_options if key in options},
    )


def _entry(
    model: str, name: object, body: object, what: str, shorthand: str, allowed: set[str]
) -> tuple[str, str, dict[str, Any]]:
    """A field or relation: where it is, its checked name and options (a string is `shorthand`)."""
    where = f"{model}.{name}"
    name = _check_identifier(name, f"{what} name", where)
    _check_attribute_name(name, f"{what} name", where)
    if isinstance(body, str):
        body = {shorthand: body}
    return where, name, _options(body, allowed, where, what)


def _parse_field(model: str, name: object, body: object) -> FieldDef:
    where, name, options = _entry(model, name, body, "field", "type", FIELD_OPTIONS)
    type_ = options.get("type")
    if type_ is None:
        raise SpecError(f"{where}: the field has no type (one of: {', '.join(FIELD_TYPES)})")
    if type_ not in FIELD_TYPES:
        raise SpecError(f"{where}: unknown type {type_!r} (one of: {', '.join(FIELD_TYPES)})")
    kind = TYPES[type_]
    for option in options:
        if option not in kind.options and any(option in other.options for other in TYPES.values()):
            raise SpecError(f"{where}: option {option!r} does not apply to a {type_} field")
    spec = FieldDef(
        model=model,
        name=name,
        type=type_,
        optional=_flag(options, "optional", where),
        unique=_flag(options, "unique", where),
        index=_flag(options, "index", where),
    )
    if not kind.may_be_indexed and (spec.unique or spec.index):
        raise SpecError(f"{where}: a {type_} field cannot be unique or indexed")
    if not kind.may_be_unique and spec.unique:
        raise SpecError(
            f"{where}: a {type_} field cannot be unique (its few values would cap the table's rows)"
        )
    description = options.get("description")
    if description is not None and not isinstance(description, str):
        raise SpecError(f"{where}: description must be a string, got {_kind(description)}")
    spec.description = description
    if type_ == "str":
        spec.max_length = _bounded_int(
            options, "max_length", where, DEFAULT_MAX_LENGTH, 1, MAX_VARCHAR_LENGTH
        )
    if type_ == "decimal":
        spec.max_digits = _bounded_int(options, "max_digits", where, 10, 1, MAX_DECIMAL_DIGITS)
        spec.decimal_places = _bounded_int(options, "decimal_places", where, 2, 0, spec.max_digits)
    if type_ == "enum":
        spec.values = _enum_values(options.get("values"), where)
    if "default" in options:
        spec.has_default = True
        spec.default = _check_default(spec, options["default"])
    return spec


def _bounded_int(
    options: dict[str, Any], key: str, where: str, default: int, low: int, high: int
) -> int:
    value = options.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SpecError(
            f"{where}: {key} must be a whole number from {low} to {high}, got {value!r}"
        )
    return value


def _enum_values(values: object, where: str) -> list[str]:
    if not isinstance(values, list) or not values:
        raise SpecError(f"{where}: an enum needs a non-empty list of values")
    members: dict[str, str] = {}
    for value in values:
        if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_\-]*", value):
            raise SpecError(
                f"{where}: enum value {value!r} is invalid "
                "(a string of letters, digits, '_' or '-', starting with a letter)"
            )
        member = constant_case(value)
        if member in members:
            raise SpecError(
                f"{where}: enum values {members[member]!r} and {value!r} "
                f"are the same member {member}"
            )
        members[member] = value
    return list(values)


def _check_default(spec: FieldDef, value: object) -> object:
    if value is None:
        if not spec.optional:
            raise SpecError(f"{spec.where}: default null needs optional: true")
        return None
    return TYPES[spec.type].check_default(spec, value)


def _parse_relation(model: str, name: object, body: object) -> RelationDef:
    where, name, options = _entry(model, name, body, "relation", "to", RELATION_OPTIONS)
    target = options.get("to")
    if not isinstance(target, str) or not target:
        raise SpecError(f"{where}: the relation needs `to`, the name of the model it points at")
    relation = RelationDef(
        model=model,
        name=name,
        target=target,
        many=_flag(options, "many", where),
        required=_flag(options, "required", where),
    )
    back = options.get("back")
    if back is not None:
        relation.back = _check_identifier(back, "back", where)
        _check_attribute_name(relation.back, "back", where)
    if relation.many:
        for option in ("required", "on_delete"):
            if option in options:
                raise SpecError(f"{where}: {option} does not apply to a many-to-many relation")
        return relation
    on_delete = options.get("on_delete", "restrict" if relation.required else "set_null")
    if on_delete not in ON_DELETE:
        raise SpecError(f"{where}: on_delete {on_delete!r} is not one of: {', '.join(ON_DELETE)}")
    if on_delete == "set_null" and relation.required:
        raise SpecError(
            f"{where}: on_delete set_null cannot apply to a required relation "
            "(its column is NOT NULL)"
        )
    relation.on_delete = on_delete
    _check_attribute_name(relation.fk_column, "foreign key column", where)
    if relation.required and relation.target == model:
        raise SpecError(
            f"{where}: a required relation to the model itself "
            f"leaves no way to create the first {model}"
        )
    return relation


def _check_relation_target(relation: RelationDef, by_name: dict[str, ModelDef]) -> None:
    if relation.target not in by_name:
        known = ", ".join(by_name)
        raise SpecError(
            f"{relation.where}: relation to unknown model {relation.target!r} (models: {known})"
        )


def _check_names(models: list[ModelDef]) -> None:
    """Reject two things with one name: attributes of a model, tables, modules, classes, URLs."""
    for model in models:
        attributes: dict[str, str] = {}

        def claim(name: str, owner: str, *, attributes: dict[str, str] = attributes) -> None:
            if name in attributes:
                raise SpecError(f"{owner}: the name {name!r} collides with {attributes[name]}")
            attributes[name] = owner

        for spec in model.fields:
            claim(spec.name, f"field {spec.where}")
        for relation in model.relations:
            claim(relation.name, f"relation {relation.where}")
            claim(
                relation.ids_field if relation.many else relation.fk_column,
                f"relation {relation.where}",
            )
        for relation in model.incoming:
            if relation.back is not None:
                claim(relation.back, f"the back of relation {relation.where} on {model.name}")
    # One namespace in PostgreSQL: a table's row type has the table's name.
    _check_unique(
        "table or type name",
        [(model.snake, model.name) for model in models]
        + [
            (link_table(model, relation), f"the link table of {relation.where}")
            for model in models
            for relation in model.relations
            if relation.many
        ]
        + [
            (spec.enum_type, f"the enum type of {spec.where}")
            for model in models
            for spec in model.fields
            if spec.type == "enum"
        ],
    )
    _check_unique("module", [(model.snake, model.name) for model in models])
    for model in models:
        if model.snake in RESERVED_MODULES:
            raise SpecError(f"{model.name}: its module name {model.snake!r} is reserved")
    _check_unique("plural", [(model.plural, model.name) for model in models])
    _check_unique(
        "class name", [(name, owner) for model in models for name, owner in class_names(model)]
    )


def _check_unique(what: str, names: list[tuple[str, str]]) -> None:
    seen: dict[str, str] = {}
    for name, owner in names:
        if name in seen:
            raise SpecError(f"{owner}: its {what} {name!r} collides with {seen[name]}")
        seen[name] = owner


def _check_lengths(models: list[ModelDef]) -> None:
    """Refuse the names PostgreSQL cannot take that come straight from the user's names.

    Names derived from several of them (link tables, enum types, constraints, indexes) are
    shortened instead (`naming.shorten`).
    """

    def check(name: str, where: str, what: str, fix: str) -> None:
        if len(name) > MAX_IDENTIFIER:
            raise SpecError(
                f"{where}: {what} {name!r} is longer than PostgreSQL's {MAX_IDENTIFIER} "
                f"characters; {fix}"
            )

    for model in models:
        check(model.snake, model.name, "its table name", "shorten the model name")
        for spec in model.fields:
            check(spec.name, spec.where, "the column name", "shorten the field name")
        for relation in model.relations:
            if relation.many:
                for column in link_columns(model, relation):
                    check(
                        column, relation.where, "its link table's column", "shorten the model names"
                    )
            else:
                check(relation.fk_column, relation.where, "its column", "shorten the relation name")


def link_table(model: ModelDef, relation: RelationDef) -> str:
    """Name of the link table of a many-to-many relation."""
    return shorten(f"{model.snake}_{relation.name}")


def link_columns(model: ModelDef, relation: RelationDef) -> tuple[str, str]:
    """The link table's columns: the id of a row of `model`, the id of a row it is linked to."""
    target = snake_case(relation.target)
    related = f"related_{target}_id" if relation.target == model.name else f"{target}_id"
    return f"{model.snake}_id", related


def class_names(model: ModelDef) -> list[tuple[str, str]]:
    """Every class the generated code defines for `model`, with who asks for it."""
    names = [(model.name, f"model {model.name}")]
    names += [
        (f"{model.name}{suffix}", f"model {model.name}")
        for suffix in ("Base", "Create", "Update", "Read", "Detail", "Order", "Query", "Repository")
    ]
    names += [
        (spec.enum_class, f"enum {spec.where}") for spec in model.fields if spec.type == "enum"
    ]
    names += [
        (link_class(model, relation), f"link model of {relation.where}")
        for relation in model.relations
        if relation.many
    ]
    return names


def link_class(model: ModelDef, relation: RelationDef) -> str:
    """`Task.labels` → `TaskLabelsLink`."""
    return model.name + "".join(part.capitalize() for part in relation.name.split("_")) + "Link"


def _check_mutual_references(models: list[ModelDef], by_name: dict[str, ModelDef]) -> None:
    """Many-to-one relations between different models must not loop back (A → B → A).

    PostgreSQL cannot create such tables one after the other; the back side of a relation
    (`back`) already gives the reverse direction.
    """
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "active":
            cycle = [*path[path.index(name) :], name]
            raise SpecError(
                f"{cycle[0]}: many-to-one relations loop back ({' → '.join(cycle)}); "
                "keep one direction and use `back` for the other"
            )
        state[name] = "active"
        for relation in by_name[name].relations:
            if not relation.many and relation.target != name:
                visit(relation.target, [*path, name])
        state[name] = "done"

    for model in models:
        visit(model.name, [])


def creation_order(models: list[ModelDef]) -> list[ModelDef]:
    """Models ordered so that every table comes after the tables its foreign keys point at."""
    by_name = {model.name: model for model in models}
    ordered: list[ModelDef] = []

    def visit(model: ModelDef) -> None:
        if model in ordered:
            return
        for relation in model.relations:
            if not relation.many and relation.target != model.name:
                visit(by_name[relation.target])
        ordered.append(model)

    for model in models:
        visit(model)
    return ordered
