"""What the templates fill in for each model: names, annotations, argument lists, import sets.

The templates hold every statement; this module computes the parts of them that depend on the
spec, as typed views (dataclasses). `compile_spec` turns the views into plain JSON data only at
the end, for Copier's computed answer. Type-specific facts come from the field-type registry
(`fieldtypes.TYPES`); the layout of what is computed here is ruff's, at render time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .fieldtypes import TYPES
from .literals import py_str
from .naming import constant_case, with_article
from .spec import FieldDef, ModelDef, RelationDef, link_class, link_columns, link_table

ON_DELETE_SQL = {"cascade": "CASCADE", "set_null": "SET NULL", "restrict": "RESTRICT"}
# The text the PATCH tests write; shortened to "x" where a field's max_length is shorter.
CHANGED_TEXT = '"changed"'


@dataclass(frozen=True)
class Options:
    """Answers besides `models` that change the generated code."""

    package: str
    database: str
    id_type: str


@dataclass
class EnumMember:
    name: str
    value: str
    """The value as a Python string literal."""


@dataclass
class EnumView:
    name: str
    type_name: str
    members: list[EnumMember]


@dataclass
class FieldView:
    """A field of a model's schemas."""

    name: str
    type: str
    optional: bool
    unique: bool
    not_null: bool
    """Whether a PATCH may not set it to null."""
    sortable: bool
    filterable: bool
    annotation: str
    """In the base schema (`... | None` when optional)."""
    field_args: str
    """`Field(...)`'s arguments in the base schema; empty when it needs no `Field`."""
    loose_annotation: str
    """In the Update and Query schemas, where every field may be left out."""
    constraint_args: str
    """The validation every schema repeats (`max_length=...`)."""
    enum: EnumView | None
    max_length: int | None
    max_digits: int | None
    decimal_places: int | None
    example: str
    """A valid value built from the test factory's row number `n`."""
    update_value: str | None
    """A literal the PATCH tests set the field to, if it is a simple type."""
    graphql: str
    """The Python type of a value in the GraphQL schema (without `| None`)."""
    sdl: str
    """Its type in the GraphQL schema's language (without `!`)."""
    required: bool
    """Whether a create must give it (it has no default and may not be null)."""


@dataclass
class ToOneView:
    """A many-to-one relation: its foreign key column and its relationship."""

    name: str
    target: str
    target_snake: str
    fk_column: str
    fk_annotation: str
    required: bool
    on_delete: str
    on_delete_sql: str
    self_ref: bool
    back: str | None
    annotation: str
    options: list[tuple[str, str]]
    """`sa_relationship_kwargs` entries besides `"lazy": "raise"`."""
    detail_annotation: str
    index: str


@dataclass
class ManyView:
    """A many-to-many relation through a link table."""

    name: str
    owner: str
    owner_snake: str
    target: str
    target_snake: str
    back: str | None
    self_ref: bool
    link_class: str
    link_table: str
    left_column: str
    right_column: str
    ids_field: str
    options: list[tuple[str, str]]
    detail_item: str


@dataclass
class CollectionView:
    """The `back` side of another model's relation: a list of the rows referring to this one."""

    name: str
    relation: str
    many: bool
    source: str
    source_snake: str
    source_plural: str
    source_read: str
    fk_column: str
    ids_field: str
    required: bool
    on_delete: str
    self_ref: bool
    link_class: str | None
    options: list[tuple[str, str]]
    title: str


@dataclass
class Examples:
    """The fields the rendered tests exercise a model with, where it has one of the kind."""

    unique: FieldView | None = None
    text: FieldView | None = None
    simple: FieldView | None = None
    """A field with a literal the update tests set it to."""
    filter: FieldView | None = None
    """A field whose equality filter can tell two rows apart."""
    datetime: FieldView | None = None
    moment_filter: FieldView | None = None
    """A date or date-time field whose equality filter a query string gives as text."""
    json: FieldView | None = None
    decimal: FieldView | None = None
    exact_decimal: str | None = None
    """A decimal literal with every place used (`1.50`): SQLite would lose it as a float."""


@dataclass(frozen=True)
class OwnedReference:
    """A field naming rows of a model that only their owners may read."""

    field: str
    target: str
    many: bool
    """Whether the field holds a list of ids (a many-to-many relationship's `<item>_ids`)."""


@dataclass
class ModelView:
    """What the templates of every surface fill in for one model (each surface adds its own
    view of it: `surfaces`)."""

    name: str
    snake: str
    module: str
    table: str
    plural: str
    title: str
    """The model in prose: `shipment line`."""
    a_title: str
    """With its article: `an order`, `a book`."""
    title_plural: str
    soft_delete: bool
    timestamps: bool
    fields: list[FieldView]
    to_one: list[ToOneView]
    many: list[ManyView]
    collections: list[CollectionView]
    m2m_backs: list[CollectionView]
    has_detail: bool
    read_schema: str
    order_values: str
    not_null: list[str]
    not_null_set: str
    imports: str
    type_checking_imports: str
    numbered: bool
    """Whether the test factory numbers the rows (some example value uses `n`)."""
    classes: list[str]
    required_to_one: list[ToOneView]
    examples: Examples
    owned: bool
    """Whether its rows have owners: an `owner_id` each, set from the caller who makes them."""
    owner_uniques: list[str]
    """The unique fields of an owned model: each unique per owner."""
    owned_references: list[OwnedReference]
    """The fields of the Create and Update schemas naming rows that only their owners may read."""
    refers_to_owned: bool
    """Whether a new row must name a row that only its owner may read (a required reference)."""


@dataclass(frozen=True)
class ModelSet:
    """The models of a spec, as defined and as viewed, and the answers that shape their code."""

    definitions: list[ModelDef]
    views: list[ModelView]
    options: Options

    def pairs(self) -> Iterator[tuple[ModelDef, ModelView]]:
        return zip(self.definitions, self.views, strict=True)


def _args(*pairs: tuple[str, str | None]) -> str:
    """`name=value, ...` of the pairs whose value is not None."""
    return ", ".join(f"{name}={value}" for name, value in pairs if value is not None)


def _default(spec: FieldDef) -> tuple[str, str] | None:
    """(`default` or `default_factory`, its source) for a field's declared default."""
    if not spec.has_default:
        return ("default", "None") if spec.optional else None
    value = spec.default
    if value is None:
        return ("default", "None")
    literal = TYPES[spec.type].literal(spec, value)
    if isinstance(value, list | dict):
        # A mutable default: a fresh one for each row.
        factory = {"[]": "list", "{}": "dict"}.get(literal, f"lambda: {literal}")
        return ("default_factory", factory)
    return ("default", literal)


def _update_value(spec: FieldDef) -> str | None:
    value = TYPES[spec.type].update_value
    if value == CHANGED_TEXT and spec.max_length is not None and spec.max_length < 7:
        return '"x"'
    return value


def _exact_decimal(spec: FieldDef) -> str:
    assert spec.max_digits is not None
    assert spec.decimal_places is not None
    places, whole = spec.decimal_places, spec.max_digits - spec.decimal_places
    integer = "1" if whole else "0"
    return f"{integer}.5{'0' * (places - 1)}" if places else integer


def field_view(spec: FieldDef, *, owned: bool = False) -> FieldView:
    """The view of one field (of a model whose rows have owners, if `owned`: a unique field of
    it is unique per owner, a constraint of the table rather than of the field)."""
    kind = TYPES[spec.type]
    annotation = kind.text(kind.annotation, spec)
    constraints = kind.text(kind.constraints, spec) if kind.constraints else None
    description = py_str(spec.description) if spec.description else None
    default = _default(spec)
    field_args = ", ".join(
        part
        for part in (
            _args(default) if default else "",
            constraints or "",
            _args(("description", description)),
            _args(("unique", "True" if spec.unique and not owned else None)),
            _args(("index", "True" if spec.index else None)),
            _args(("sa_type", kind.text(kind.sa_type, spec) if kind.sa_type else None)),
        )
        if part
    )
    enum = None
    if spec.type == "enum":
        members = [EnumMember(constant_case(value), py_str(value)) for value in spec.values]
        enum = EnumView(spec.enum_class, spec.enum_type, members)
    return FieldView(
        name=spec.name,
        type=spec.type,
        optional=spec.optional,
        unique=spec.unique,
        not_null=not spec.optional and spec.type != "json",
        sortable=kind.sortable,
        filterable=kind.filterable,
        annotation=f"{annotation} | None" if spec.optional else annotation,
        field_args=field_args,
        loose_annotation=annotation if spec.type == "json" else f"{annotation} | None",
        constraint_args=", ".join(filter(None, (constraints, _args(("description", description))))),
        enum=enum,
        max_length=spec.max_length,
        max_digits=spec.max_digits,
        decimal_places=spec.decimal_places,
        example=kind.example_for(spec),
        update_value=_update_value(spec),
        graphql=kind.text(kind.graphql, spec),
        sdl=kind.text(kind.sdl, spec),
        required=not spec.optional and not spec.has_default,
    )


def _self_joins(model: str, link: str, *, near: str, far: str) -> list[tuple[str, str]]:
    """The joins of a many-to-many relation of `model` to itself: this row's id is the link's
    `near` column, the related row's its `far` one."""
    return [
        ("primaryjoin", py_str(f"{model}.id == {link}.{near}")),
        ("secondaryjoin", py_str(f"{model}.id == {link}.{far}")),
    ]


def field_imports(spec: FieldDef, package: str) -> set[str]:
    """What a model module imports for one field."""
    kind = TYPES[spec.type]
    imports = set(kind.imports)
    if spec.has_default and spec.default is not None:
        imports.update(kind.default_imports)
    imports.update(f"from {package}.types import {name}" for name in kind.shared)
    return imports


class ModelCode:
    """Builds the view of one model, given every model of the spec."""

    def __init__(self, model: ModelDef, models: dict[str, ModelDef], options: Options) -> None:
        self.model = model
        self.models = models
        self.options = options

    def ambiguous(self, a: str, b: str) -> bool:
        """True when two tables are joined by more than one foreign key (either direction)."""
        count = sum(1 for r in self.models[a].relations if not r.many and r.target == b)
        if a != b:
            count += sum(1 for r in self.models[b].relations if not r.many and r.target == a)
        return count > 1

    def read_schema(self, model: ModelDef) -> str:
        """The schema the API returns `model` as: with its relations (Detail) if it has any."""
        return f"{model.name}Detail" if model.relations else f"{model.name}Read"

    def to_one(self, relation: RelationDef) -> ToOneView:
        model, target = self.model, self.models[relation.target]
        self_ref = target.name == model.name
        options: list[tuple[str, str]] = []
        if self_ref:
            options.append(("remote_side", py_str(f"{model.name}.id")))
        if self.ambiguous(model.name, target.name):
            options.append(("foreign_keys", py_str(f"[{model.name}.{relation.fk_column}]")))
        read = f"{target.name}Read"
        detail = read if relation.required else f"{read} | None"
        return ToOneView(
            name=relation.name,
            target=target.name,
            target_snake=target.snake,
            fk_column=relation.fk_column,
            fk_annotation="RowId" if relation.required else "RowId | None",
            required=relation.required,
            on_delete=relation.on_delete,
            on_delete_sql=ON_DELETE_SQL[relation.on_delete],
            self_ref=self_ref,
            back=relation.back,
            # SQLModel resolves `Optional["X"]` but not the string "X | None".
            annotation=py_str(target.name)
            if relation.required
            else f"Optional[{py_str(target.name)}]",
            options=options,
            detail_annotation=detail if self_ref else py_str(detail),
            index=f"ix_{model.snake}_{relation.fk_column}",
        )

    def many(self, relation: RelationDef) -> ManyView:
        model, target = self.model, self.models[relation.target]
        self_ref = target.name == model.name
        link = link_class(model, relation)
        left, right = link_columns(model, relation)
        options = [("passive_deletes", "True")]
        if self_ref:
            options += _self_joins(model.name, link, near=left, far=right)
        read = f"{target.name}Read"
        return ManyView(
            name=relation.name,
            owner=model.name,
            owner_snake=model.snake,
            target=target.name,
            target_snake=target.snake,
            back=relation.back,
            self_ref=self_ref,
            link_class=link,
            link_table=link_table(model, relation),
            left_column=left,
            right_column=right,
            ids_field=relation.ids_field,
            options=options,
            detail_item=read if self_ref else py_str(read),
        )

    def collection(self, relation: RelationDef) -> CollectionView:
        """The `back` side of another model's relation, as a relationship on this model."""
        source = self.models[relation.model]
        assert relation.back is not None
        self_ref = source.name == self.model.name
        options = [("passive_deletes", "True")]
        link = None
        if relation.many:
            link = link_class(source, relation)
            if self_ref:
                left, right = link_columns(source, relation)
                options += _self_joins(source.name, link, near=right, far=left)
        elif self.ambiguous(self.model.name, source.name):
            options.append(("foreign_keys", py_str(f"[{source.name}.{relation.fk_column}]")))
        return CollectionView(
            name=relation.back,
            relation=relation.name,
            many=relation.many,
            source=source.name,
            source_snake=source.snake,
            source_plural=source.plural,
            source_read=self.read_schema(source),
            fk_column=relation.fk_column,
            ids_field=relation.ids_field,
            required=relation.required,
            on_delete=relation.on_delete,
            self_ref=self_ref,
            link_class=link,
            options=options,
            title=relation.back.replace("_", " "),
        )

    def build(self) -> ModelView:
        model = self.model
        fields = [field_view(spec, owned=model.owned) for spec in model.fields]
        to_one = [self.to_one(r) for r in model.relations if not r.many]
        many = [self.many(r) for r in model.relations if r.many]
        collections = [self.collection(r) for r in model.incoming if r.back]
        order_fields = ["id", *(f.name for f in fields if f.sortable)]
        if model.timestamps:
            order_fields += ["created_at", "updated_at"]
        order_values = [value for name in order_fields for value in (name, f"-{name}")]
        not_null = [f.name for f in fields if f.not_null]
        not_null += [r.fk_column for r in to_one if r.required]
        not_null += [m.ids_field for m in many]
        owned_relations = [r for r in model.relations if self.models[r.target].owner_read]
        owned = [
            OwnedReference(r.ids_field if r.many else r.fk_column, r.target, r.many)
            for r in owned_relations
        ]
        return ModelView(
            name=model.name,
            snake=model.snake,
            module=model.snake,
            table=model.snake,
            plural=model.plural,
            title=model.snake.replace("_", " "),
            a_title=with_article(model.snake.replace("_", " ")),
            title_plural=model.plural.replace("_", " "),
            soft_delete=model.soft_delete,
            timestamps=model.timestamps,
            fields=fields,
            to_one=to_one,
            many=many,
            collections=[c for c in collections if not c.many],
            m2m_backs=[c for c in collections if c.many],
            has_detail=bool(model.relations),
            read_schema=self.read_schema(model),
            order_values=", ".join(map(py_str, order_values)),
            not_null=not_null,
            not_null_set="{" + ", ".join(map(py_str, not_null)) + "}",
            imports=self.imports(fields, to_one, many, collections, bool(not_null)),
            type_checking_imports=self.type_checking_imports(to_one, many, collections),
            numbered=any(re.search(r"\bn\b", f.example) for f in fields),
            classes=self.classes(),
            required_to_one=[r for r in to_one if r.required],
            examples=self.examples(fields),
            owned=model.owned,
            owner_uniques=[f.name for f in fields if f.unique] if model.owned else [],
            owned_references=owned,
            refers_to_owned=any(r.required and not r.many for r in owned_relations),
        )

    def examples(self, fields: list[FieldView]) -> Examples:
        found = Examples(
            unique=next((f for f in fields if f.unique and f.update_value is not None), None),
            text=next((f for f in fields if f.type in ("str", "text")), None),
            simple=next((f for f in fields if f.update_value is not None), None),
            filter=next(
                (
                    f
                    for kinds in (("str", "int", "bigint"), ("enum",), ("bool",))
                    for f in fields
                    if f.type in kinds and (f.enum is None or len(f.enum.members) > 1)
                ),
                None,
            ),
            datetime=next((f for f in fields if f.type == "datetime"), None),
            moment_filter=next(
                (f for f in fields if f.type in ("date", "datetime") and f.filterable), None
            ),
            json=next((f for f in fields if f.type == "json"), None),
        )
        decimal = next((spec for spec in self.model.fields if spec.type == "decimal"), None)
        if decimal is not None:
            found.decimal = fields[self.model.fields.index(decimal)]
            found.exact_decimal = _exact_decimal(decimal)
        return found

    def classes(self) -> list[str]:
        """The schemas `models/__init__.py` exports for this model."""
        names = [self.model.name, *(f"{self.model.name}{suffix}" for suffix in ("Base", "Create"))]
        names += [f"{self.model.name}{suffix}" for suffix in ("Update", "Read")]
        if self.model.relations:
            names.append(f"{self.model.name}Detail")
        names += [f"{self.model.name}{suffix}" for suffix in ("Order", "Query")]
        names += [spec.enum_class for spec in self.model.fields if spec.type == "enum"]
        return names

    def imports(
        self,
        fields: list[FieldView],
        to_one: list[ToOneView],
        many: list[ManyView],
        collections: list[CollectionView],
        not_null: bool,
    ) -> str:
        """The import statements of `models/<module>.py` (ruff sorts and merges them)."""
        model, package = self.model, self.options.package
        imports = {"from typing import Literal", "from sqlmodel import Field"}
        for spec in model.fields:
            imports |= field_imports(spec, package)
        base = ["ListQuery", "RequestBody", "Schema", "UpdateSchema"]
        if to_one or many:
            base.append("RowId")
        if any(spec.unique for spec in model.fields) and model.owned:
            imports.add("from sqlalchemy import UniqueConstraint")
        if model.timestamps:
            base.append("Timestamped")
        if model.soft_delete:
            base.append("SoftDeletable")
        imports.add(f"from {package}.models.base import {', '.join(base)}")
        if not_null:
            imports.add("from typing import ClassVar")
        if self.cross_model_targets(to_one, many, collections):
            imports.add("from typing import TYPE_CHECKING")
        if any(not r.required for r in to_one):
            imports.add("from typing import Optional")
        if self.options.id_type == "uuid":
            imports.add("from uuid import UUID, uuid4")
        if to_one or many or collections:
            imports.add("from sqlmodel import Relationship")
        links = [m.link_class for m in many]
        links += [c.link_class for c in collections if c.link_class and not c.self_ref]
        if many:
            links.append("MAX_LINKS")
        if links:
            imports.add(f"from {package}.models.links import {', '.join(links)}")
        return "\n".join(sorted(imports))

    def cross_model_targets(
        self, to_one: list[ToOneView], many: list[ManyView], collections: list[CollectionView]
    ) -> list[str]:
        names = {r.target for r in to_one} | {m.target for m in many}
        names |= {c.source for c in collections}
        names.discard(self.model.name)
        return sorted(names)

    def type_checking_imports(
        self, to_one: list[ToOneView], many: list[ManyView], collections: list[CollectionView]
    ) -> str:
        """Imports of the models this one names in annotations: for type checking only, as the
        model modules import each other that way."""
        detail_targets = {r.target for r in to_one} | {m.target for m in many}
        lines = []
        for name in self.cross_model_targets(to_one, many, collections):
            names = f"{name}, {name}Read" if name in detail_targets else name
            module = self.models[name].snake
            lines.append(f"    from {self.options.package}.models.{module} import {names}")
        return "\n".join(lines)
