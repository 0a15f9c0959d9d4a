"""Turn validated model definitions into what the templates fill in.

Every name, type mapping and spec-dependent statement of the rendered project is computed here,
once: the templates only place these strings. The result is plain JSON data (Copier stores it in a
computed answer), so it holds strings, numbers, booleans, lists and dicts only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .literals import date_literal, datetime_literal, json_node, py_str
from .naming import constant_case
from .pyfmt import Call, Kw, Node, call, dict_literal, flat, statement
from .pyimports import ImportBlock
from .spec import (
    FIELD_TYPES,
    FieldDef,
    ModelDef,
    RelationDef,
    class_names,
    enum_class,
    enum_type_name,
    link_class,
    link_columns,
    link_table,
)

# Field types per what the API does with them.
SORTABLE = set(FIELD_TYPES) - {"json"}
FILTERABLE = {"str", "int", "bigint", "bool", "date", "decimal", "uuid", "enum"}
ON_DELETE_SQL = {"cascade": "CASCADE", "set_null": "SET NULL", "restrict": "RESTRICT"}


@dataclass(frozen=True)
class Options:
    """Answers besides `models` that change the generated code."""

    package: str
    database: str
    id_type: str

    @property
    def id_column_type(self) -> str:
        return "sa.Integer()" if self.id_type == "int" else "sa.Uuid()"


def python_annotation(spec: FieldDef, enum_name: str) -> str:
    """The Python type of a field's value, without `| None`."""
    return {
        "str": "str",
        "text": "str",
        "int": "Int32",
        "bigint": "Int64",
        "float": "float",
        "decimal": "Decimal",
        "bool": "bool",
        "date": "dt.date",
        "datetime": "UtcDatetime",
        "uuid": "UUID",
        "json": "JsonValue",
        "enum": enum_name,
    }[spec.type]


def column_type(spec: FieldDef, options: Options, enum_type_name: str) -> str:
    """The SQLAlchemy type the initial migration gives the column."""
    if spec.type == "str":
        return f"sa.String(length={spec.max_length})"
    if spec.type == "decimal":
        # ExactDecimal stores an integer count of the smallest unit on SQLite.
        numeric = f"sa.Numeric(precision={spec.max_digits}, scale={spec.decimal_places})"
        if options.database == "postgresql":
            return f'{numeric}.with_variant(sa.BigInteger(), "sqlite")'
        return "sa.BigInteger()"
    if spec.type == "enum":
        return flat(enum_column_type(spec.values, enum_type_name))
    if spec.type == "json":
        if options.database == "postgresql":
            return 'sa.JSON().with_variant(postgresql.JSONB(), "postgresql")'
        return "sa.JSON()"
    return {
        "text": "sa.Text()",
        "int": "sa.Integer()",
        "bigint": "sa.BigInteger()",
        "float": "sa.Float()",
        "bool": "sa.Boolean()",
        "date": "sa.Date()",
        "datetime": "sa.DateTime(timezone=True)",
        "uuid": "sa.Uuid()",
    }[spec.type]


def enum_column_type(values: list[str], name: str) -> Call:
    """`sa.Enum("a", "b", name="model_field")`: a native enum type on PostgreSQL."""
    return call("sa.Enum", *map(py_str, values), Kw("name", py_str(name)))


def default_source(spec: FieldDef, enum_name: str) -> tuple[str, Node] | None:
    """(`default` or `default_factory`, value) for a field's declared default."""
    value = spec.default
    if not spec.has_default:
        return ("default", "None") if spec.optional else None
    if value is None:
        return ("default", "None")
    if spec.type == "json":
        if value == []:
            return ("default_factory", "list")
        if value == {}:
            return ("default_factory", "dict")
        if isinstance(value, list | dict):
            return ("default_factory", Call("lambda: ", (json_node(value),), "", ""))
        return ("default", json_node(value))
    literal: str
    if spec.type in ("str", "text"):
        literal = py_str(value)
    elif spec.type == "decimal":
        literal = f"Decimal({py_str(value)})"
    elif spec.type == "date":
        literal = date_literal(value)
    elif spec.type == "datetime":
        literal = datetime_literal(value)
    elif spec.type == "uuid":
        literal = f"UUID({py_str(value)})"
    elif spec.type == "enum":
        literal = f"{enum_name}.{constant_case(value)}"
    else:
        literal = repr(value)
    return ("default", literal)


class ModelCode:
    """Everything generated for one model."""

    def __init__(self, model: ModelDef, models: dict[str, ModelDef], options: Options) -> None:
        self.model = model
        self.models = models
        self.options = options
        self.pkg = options.package

    # -- names -------------------------------------------------------------------------------

    def enum_name(self, spec: FieldDef) -> str:
        return enum_class(self.model, spec)

    def ambiguous(self, a: str, b: str) -> bool:
        """True when two tables are joined by more than one foreign key (either direction)."""
        count = sum(1 for r in self.models[a].relations if not r.many and r.target == b)
        if a != b:
            count += sum(1 for r in self.models[b].relations if not r.many and r.target == a)
        return count > 1

    # -- fields ------------------------------------------------------------------------------

    def field(self, spec: FieldDef) -> dict[str, Any]:
        enum_name = self.enum_name(spec)
        annotation = python_annotation(spec, enum_name)
        full = f"{annotation} | None" if spec.optional else annotation
        kwargs: list[Node] = []
        default = default_source(spec, enum_name)
        if default is not None:
            kwargs.append(Kw(*default))
        constraints = self.constraints(spec)
        kwargs += constraints
        if spec.unique:
            kwargs.append(Kw("unique", "True"))
        if spec.index:
            kwargs.append(Kw("index", "True"))
        sa_type = self.sa_type(spec)
        if sa_type is not None:
            kwargs.append(Kw("sa_type", sa_type))
        base_line = self.declaration(spec.name, full, kwargs)
        loose = annotation if spec.type == "json" else f"{annotation} | None"
        update_line = self.declaration(
            spec.name, loose, [Kw("default", "None"), *constraints], bare_default=True
        )
        return {
            "name": spec.name,
            "type": spec.type,
            "optional": spec.optional,
            "unique": spec.unique,
            "not_null": not spec.optional and spec.type != "json",
            "sortable": spec.type in SORTABLE,
            "filterable": spec.type in FILTERABLE,
            "base_line": base_line,
            "update_line": update_line,
            "query_line": update_line if spec.type in FILTERABLE else None,
            "enum": {
                "name": enum_name,
                "type_name": enum_type_name(self.model, spec),
                "members": [
                    {"name": constant_case(v), "value": py_str(v), "raw": v} for v in spec.values
                ],
            }
            if spec.type == "enum"
            else None,
            "column_type": column_type(spec, self.options, enum_type_name(self.model, spec)),
            "max_digits": spec.max_digits,
            "decimal_places": spec.decimal_places,
            "max_length": spec.max_length,
        }

    def constraints(self, spec: FieldDef) -> list[Node]:
        """Validation that every schema carrying the field repeats (Create, Update, filters)."""
        kwargs: list[Node] = []
        if spec.type == "str":
            kwargs.append(Kw("max_length", str(spec.max_length)))
        if spec.type == "decimal":
            kwargs += [
                Kw("max_digits", str(spec.max_digits)),
                Kw("decimal_places", str(spec.decimal_places)),
            ]
        if spec.description:
            kwargs.append(Kw("description", py_str(spec.description)))
        return kwargs

    def sa_type(self, spec: FieldDef) -> str | None:
        type_name = py_str(enum_type_name(self.model, spec))
        return {
            "text": "sa.Text",
            "bigint": "sa.BigInteger",
            "decimal": f"ExactDecimal({spec.max_digits}, {spec.decimal_places})",
            "datetime": "UTCDateTime",
            "json": "JSONType",
            "enum": f"enum_type({self.enum_name(spec)}, {type_name})",
        }.get(spec.type)

    @staticmethod
    def declaration(
        name: str, annotation: str, kwargs: list[Node], *, bare_default: bool = False
    ) -> str:
        """`name: annotation = Field(...)`, or `= None` / nothing when Field adds nothing."""
        if not kwargs:
            return statement(f"{name}: {annotation}", "", 1)
        if bare_default and len(kwargs) == 1:
            return statement(f"{name}: {annotation} = ", "None", 1)
        return statement(f"{name}: {annotation} = ", call("Field", *kwargs), 1)

    # -- relations ---------------------------------------------------------------------------

    @staticmethod
    def rel_kwargs(extra: dict[str, Node]) -> Node:
        items: dict[str, Node] = {"lazy": '"raise"'}
        items.update(extra)
        return Kw("sa_relationship_kwargs", dict_literal(items))

    def to_one(self, relation: RelationDef) -> dict[str, Any]:
        model, target = self.model, self.models[relation.target]
        self_ref = target.name == model.name
        fk_kwargs: list[Node] = []
        if not relation.required:
            fk_kwargs.append(Kw("default", "None"))
        fk_kwargs += [
            Kw("foreign_key", py_str(f"{target.snake}.id")),
            Kw("ondelete", py_str(ON_DELETE_SQL[relation.on_delete])),
            Kw("index", "True"),
        ]
        fk_annotation = "RowId" if relation.required else "RowId | None"
        extra: dict[str, Node] = {}
        if self_ref:
            extra["remote_side"] = py_str(f"{model.name}.id")
        if self.ambiguous(model.name, target.name):
            extra["foreign_keys"] = py_str(f"[{model.name}.{relation.fk_column}]")
        rel_args: list[Node] = []
        if relation.back:
            rel_args.append(Kw("back_populates", py_str(relation.back)))
        rel_args.append(self.rel_kwargs(extra))
        # SQLModel resolves `Optional["X"]` but not the string "X | None".
        annotation = (
            py_str(target.name) if relation.required else f"Optional[{py_str(target.name)}]"
        )
        read = f"{target.name}Read"
        detail_annotation = read if self_ref else py_str(read)
        if not relation.required:
            detail_annotation = f"{read} | None" if self_ref else py_str(f"{read} | None")
        return {
            "name": relation.name,
            "target": target.name,
            "target_snake": target.snake,
            "fk_column": relation.fk_column,
            "required": relation.required,
            "on_delete": relation.on_delete,
            "self_ref": self_ref,
            "back": relation.back,
            "fk_line": statement(
                f"{relation.fk_column}: {fk_annotation} = ", call("Field", *fk_kwargs), 1
            ),
            "fk_update_line": statement(f"{relation.fk_column}: RowId | None = ", "None", 1),
            "relationship_line": statement(
                f"{relation.name}: {annotation} = ", call("Relationship", *rel_args), 1
            ),
            "detail_line": statement(f"{relation.name}: {detail_annotation}", "", 1),
            "on_delete_sql": ON_DELETE_SQL[relation.on_delete],
            "index": f"ix_{model.snake}_{relation.fk_column}",
        }

    def many(self, relation: RelationDef) -> dict[str, Any]:
        model, target = self.model, self.models[relation.target]
        self_ref = target.name == model.name
        link = link_class(model, relation)
        left, right = link_columns(model, relation)
        extra: dict[str, Node] = {"passive_deletes": "True"}
        if self_ref:
            extra["primaryjoin"] = py_str(f"{model.name}.id == {link}.{left}")
            extra["secondaryjoin"] = py_str(f"{model.name}.id == {link}.{right}")
        rel_args: list[Node] = []
        if relation.back:
            rel_args.append(Kw("back_populates", py_str(relation.back)))
        rel_args += [Kw("link_model", link), self.rel_kwargs(extra)]
        read = f"{target.name}Read"
        item = read if self_ref else py_str(read)
        return {
            "name": relation.name,
            "owner": model.name,
            "target": target.name,
            "target_snake": target.snake,
            "back": relation.back,
            "self_ref": self_ref,
            "link_class": link,
            "link_table": link_table(model, relation),
            "left_column": left,
            "right_column": right,
            "ids_field": relation.ids_field,
            "relationship_line": statement(
                f"{relation.name}: list[{py_str(target.name)}] = ",
                call("Relationship", *rel_args),
                1,
            ),
            "detail_line": statement(f"{relation.name}: list[{item}]", "", 1),
            "create_line": statement(
                f"{relation.ids_field}: list[RowId] = ",
                call("Field", Kw("default_factory", "list"), Kw("max_length", "MAX_LINKS")),
                1,
            ),
            "update_line": statement(
                f"{relation.ids_field}: list[RowId] | None = ",
                call("Field", Kw("default", "None"), Kw("max_length", "MAX_LINKS")),
                1,
            ),
            "link_lines": [
                statement(
                    f"{left}: RowId = ",
                    call(
                        "Field",
                        Kw("foreign_key", py_str(f"{model.snake}.id")),
                        Kw("ondelete", '"CASCADE"'),
                        Kw("primary_key", "True"),
                    ),
                    1,
                ),
                statement(
                    f"{right}: RowId = ",
                    call(
                        "Field",
                        Kw("foreign_key", py_str(f"{target.snake}.id")),
                        Kw("ondelete", '"CASCADE"'),
                        Kw("primary_key", "True"),
                        Kw("index", "True"),
                    ),
                    1,
                ),
            ],
        }

    def collection(self, relation: RelationDef) -> dict[str, Any]:
        """The `back` side of another model's relation, as a relationship on this model."""
        source = self.models[relation.model]
        assert relation.back is not None
        extra: dict[str, Node] = {"passive_deletes": "True"}
        rel_args: list[Node] = [Kw("back_populates", py_str(relation.name))]
        if relation.many:
            link = link_class(source, relation)
            rel_args.append(Kw("link_model", link))
            if source.name == self.model.name:
                left = f"{source.snake}_id"
                right = f"related_{source.snake}_id"
                extra["primaryjoin"] = py_str(f"{source.name}.id == {link}.{right}")
                extra["secondaryjoin"] = py_str(f"{source.name}.id == {link}.{left}")
        elif self.ambiguous(self.model.name, source.name):
            extra["foreign_keys"] = py_str(f"[{source.name}.{relation.fk_column}]")
        rel_args.append(self.rel_kwargs(extra))
        return {
            "name": relation.back,
            "relation": relation.name,
            "many": relation.many,
            "source": source.name,
            "source_snake": source.snake,
            "source_plural": source.plural,
            "fk_column": relation.fk_column,
            "ids_field": relation.ids_field,
            "required": relation.required,
            "on_delete": relation.on_delete,
            "self_ref": source.name == self.model.name,
            "relationship_line": statement(
                f"{relation.back}: list[{py_str(source.name)}] = ",
                call("Relationship", *rel_args),
                1,
            ),
        }

    # -- the whole model ---------------------------------------------------------------------

    def build(self) -> dict[str, Any]:
        model = self.model
        fields = [self.field(spec) for spec in model.fields]
        to_one = [self.to_one(r) for r in model.relations if not r.many]
        many = [self.many(r) for r in model.relations if r.many]
        collections = [self.collection(r) for r in model.incoming if r.back]
        order_fields = ["id", *(f["name"] for f in fields if f["sortable"])]
        if model.timestamps:
            order_fields += ["created_at", "updated_at"]
        order_values = [v for name in order_fields for v in (name, f"-{name}")]
        not_null = [f["name"] for f in fields if f["not_null"]] + [
            r["fk_column"] for r in to_one if r["required"]
        ]
        not_null += [m["ids_field"] for m in many]
        unique_field = next(
            (f for f in fields if f["unique"] and f["type"] in ("str", "text", "int", "bigint")),
            None,
        )
        text_field = next((f for f in fields if f["type"] in ("str", "text")), None)
        simple_field = next(
            (f for f in fields if f["type"] in ("str", "text", "int", "bigint", "bool")), None
        )
        filter_field = next(
            (
                f
                for kinds in (("str", "int", "bigint"), ("enum",), ("bool",))
                for f in fields
                if f["type"] in kinds and (f["enum"] is None or len(f["enum"]["members"]) > 1)
            ),
            None,
        )
        mixins = ["Timestamped"] if model.timestamps else []
        code = {
            "table_class_line": statement(
                "class ",
                call(
                    model.name,
                    f"{model.name}Base",
                    *mixins,
                    *(["SoftDeletable"] if model.soft_delete else []),
                    Kw("table", "True"),
                ),
                0,
                ":",
            ),
            "read_class_line": statement(
                "class ", call(f"{model.name}Read", f"{model.name}Base", *mixins), 0, ":"
            ),
            "name": model.name,
            "snake": model.snake,
            "module": model.snake,
            "table": model.snake,
            "plural": model.plural,
            "item_path": f"/api/v1/{model.plural}/{{{model.snake}_id}}",
            "title": model.snake.replace("_", " "),
            "title_plural": model.plural.replace("_", " "),
            "soft_delete": model.soft_delete,
            "timestamps": model.timestamps,
            "fields": fields,
            "to_one": to_one,
            "many": many,
            "collections": [c for c in collections if not c["many"]],
            "m2m_backs": [c for c in collections if c["many"]],
            "has_detail": bool(to_one or many),
            "read_schema": f"{model.name}Detail" if (to_one or many) else f"{model.name}Read",
            "order_literal": statement(
                f"{model.name}Order = ",
                Call("Literal", tuple(map(py_str, order_values)), "[", "]"),
                0,
            ),
            "not_null": not_null,
            "not_null_line": statement(
                "not_null: ClassVar[frozenset[str]] = ",
                call("frozenset", Call("", tuple(map(py_str, not_null)), "{", "}")),
                1,
            )
            if not_null
            else None,
            "classes": [name for name, _ in class_names(model)],
            "unique_field": unique_field,
            "text_field": text_field,
            "simple_field": simple_field,
            "filter_field": filter_field,
            "datetime_field": next((f for f in fields if f["type"] == "datetime"), None),
            "decimal_field": next((f for f in fields if f["type"] == "decimal"), None),
            "required_to_one": [r for r in to_one if r["required"]],
        }
        code["imports"] = self.imports(code)
        code["type_checking_imports"] = self.type_checking_imports(code)
        return code

    def imports(self, code: dict[str, Any]) -> str:
        """The import block of `models/<module>.py`."""
        pkg, model = self.pkg, self.model
        block = ImportBlock(first_party=pkg)
        types = {f["type"] for f in code["fields"]}
        datetime_default = any(
            spec.type == "datetime" and spec.default is not None for spec in model.fields
        )
        if "date" in types or datetime_default:
            block.module("datetime", "dt")
        if "decimal" in types:
            block.from_("decimal", "Decimal")
        if "enum" in types:
            block.from_("enum", "StrEnum")
        typing = ["Literal"]
        if code["not_null_line"]:
            typing.append("ClassVar")
        if self.cross_model_targets(code):
            typing.append("TYPE_CHECKING")
        if any(not r["required"] for r in code["to_one"]):
            typing.append("Optional")
        block.from_("typing", *typing)
        if "uuid" in types or self.options.id_type == "uuid":
            block.from_("uuid", "UUID")
        if self.options.id_type == "uuid":
            block.from_("uuid", "uuid4")
        if types & {"text", "bigint"}:
            block.module("sqlalchemy", "sa")
        if "json" in types:
            block.from_("pydantic", "JsonValue")
        block.from_("sqlmodel", "Field")
        if code["to_one"] or code["many"] or code["collections"] or code["m2m_backs"]:
            block.from_("sqlmodel", "Relationship")
        base = ["ListQuery", "Schema", "UpdateSchema"]
        if code["to_one"] or code["many"]:
            base.append("RowId")
        if model.timestamps:
            base.append("Timestamped")
        if model.soft_delete:
            base.append("SoftDeletable")
        block.from_(f"{pkg}.models.base", *base)
        links = [m["link_class"] for m in code["many"]] + self.back_link_classes()
        if links:
            block.from_(f"{pkg}.models.links", *links)
        if code["many"]:
            block.from_(f"{pkg}.models.links", "MAX_LINKS")
        type_names = {
            "int": "Int32",
            "bigint": "Int64",
            "decimal": "ExactDecimal",
            "datetime": "UtcDatetime",
            "json": "JSONType",
        }
        wanted = [type_names[t] for t in types if t in type_names]
        if "datetime" in types:
            wanted.append("UTCDateTime")
        if "enum" in types:
            wanted.append("enum_type")
        if wanted:
            block.from_(f"{pkg}.types", *wanted)
        return block.render()

    def back_link_classes(self) -> list[str]:
        return [
            link_class(self.models[r.model], r)
            for r in self.model.incoming
            if r.many and r.back and r.model != self.model.name
        ]

    def cross_model_targets(self, code: dict[str, Any]) -> list[str]:
        names = {r["target"] for r in code["to_one"] + code["many"]}
        names |= {c["source"] for c in code["collections"] + code["m2m_backs"]}
        names.discard(self.model.name)
        return sorted(names)

    def type_checking_imports(self, code: dict[str, Any]) -> str:
        targets = self.cross_model_targets(code)
        if not targets:
            return ""
        detail_targets = {r["target"] for r in code["to_one"] + code["many"]}
        block = ImportBlock(first_party=self.pkg)
        for name in targets:
            names = [name, f"{name}Read"] if name in detail_targets else [name]
            block.from_(f"{self.pkg}.models.{self.models[name].snake}", *names)
        return block.render(depth=1)
