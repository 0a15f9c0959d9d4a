"""The statements of the initial Alembic revision, built from the same definitions as the models."""

from __future__ import annotations

import re
from typing import Any

from .codegen import Options, enum_column_type
from .literals import py_str
from .pyfmt import Kw, Node, call, list_literal, statement
from .pyimports import ImportBlock
from .spec import ModelDef, creation_order


def _pk(table: str, *columns: str) -> Node:
    name = f"op.f({py_str(f'pk_{table}')})"
    return call("sa.PrimaryKeyConstraint", *map(py_str, columns), Kw("name", name))


def _index(name: str, table: str, column: str, *, unique: bool) -> str:
    return statement(
        "",
        call(
            "op.create_index",
            f"op.f({py_str(name)})",
            py_str(table),
            list_literal([py_str(column)]),
            Kw("unique", str(unique)),
        ),
        1,
    )


def _column(name: str, type_: Node, *, nullable: bool) -> Node:
    return call("sa.Column", py_str(name), type_, Kw("nullable", str(nullable)))


def _foreign_key(table: str, column: str, target: str, on_delete: str) -> Node:
    return call(
        "sa.ForeignKeyConstraint",
        list_literal([py_str(column)]),
        list_literal([py_str(f"{target}.id")]),
        Kw("name", f"op.f({py_str(f'fk_{table}_{column}')})"),
        Kw("ondelete", py_str(on_delete)),
    )


def _field_column(field: dict[str, Any]) -> Node:
    type_: Node = field["column_type"]
    if field["enum"] is not None:
        type_ = enum_column_type(
            [m["raw"] for m in field["enum"]["members"]], field["enum"]["type_name"]
        )
    return _column(field["name"], type_, nullable=field["optional"])


def _timestamp_columns(model: ModelDef) -> list[str]:
    columns: list[str] = []
    if model.timestamps:
        columns += [
            'sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)',
            'sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False)',
        ]
    if model.soft_delete:
        columns.append('sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True)')
    return columns


def build_migration(
    models: list[ModelDef], codes: dict[str, dict[str, Any]], options: Options
) -> dict[str, Any]:
    """Upgrade and downgrade statements (each already indented one level) and the import block."""
    upgrade: list[str] = []
    table_drops: list[str] = []
    link_drops: list[str] = []
    for model in creation_order(models):
        code = codes[model.name]
        table = code["table"]
        args: list[Node] = [
            py_str(table),
            f'sa.Column("id", {options.id_column_type}, nullable=False)',
        ]
        args += [_field_column(field) for field in code["fields"]]
        args += [
            _column(r["fk_column"], options.id_column_type, nullable=not r["required"])
            for r in code["to_one"]
        ]
        args += _timestamp_columns(model)
        args += [
            _foreign_key(table, r["fk_column"], r["target_snake"], r["on_delete_sql"])
            for r in code["to_one"]
        ]
        args.append(_pk(table, "id"))
        args += [
            call(
                "sa.UniqueConstraint",
                py_str(f["name"]),
                Kw("name", f"op.f({py_str('uq_' + table + '_' + f['name'])})"),
            )
            for f in code["fields"]
            if f["unique"] and not _indexed(model, f["name"])
        ]
        upgrade.append(statement("", call("op.create_table", *args), 1))
        for spec in model.fields:
            if spec.index:
                upgrade.append(
                    _index(f"ix_{table}_{spec.name}", table, spec.name, unique=spec.unique)
                )
        for relation in code["to_one"]:
            upgrade.append(_index(relation["index"], table, relation["fk_column"], unique=False))
        table_drops.append(statement("", call("op.drop_table", py_str(table)), 1))
    for code in codes.values():
        for link in code["many"]:
            left_target, right_target = code["table"], link["target_snake"]
            table = link["link_table"]
            upgrade.append(
                statement(
                    "",
                    call(
                        "op.create_table",
                        py_str(table),
                        _column(link["left_column"], options.id_column_type, nullable=False),
                        _column(link["right_column"], options.id_column_type, nullable=False),
                        _foreign_key(table, link["left_column"], left_target, "CASCADE"),
                        _foreign_key(table, link["right_column"], right_target, "CASCADE"),
                        _pk(table, link["left_column"], link["right_column"]),
                    ),
                    1,
                )
            )
            upgrade.append(
                _index(
                    f"ix_{table}_{link['right_column']}", table, link["right_column"], unique=False
                )
            )
            link_drops.append(statement("", call("op.drop_table", py_str(table)), 1))
    downgrade = link_drops + table_drops[::-1]
    enum_types = [
        field["enum"]["type_name"]
        for code in codes.values()
        for field in code["fields"]
        if field["enum"] is not None
    ]
    if options.database == "postgresql":
        downgrade += [
            statement(
                "",
                call(
                    f"sa.Enum(name={py_str(name)}).drop", "op.get_bind()", Kw("checkfirst", "True")
                ),
                1,
            )
            for name in enum_types
        ]
    imports = ImportBlock(first_party=options.package).from_("collections.abc", "Sequence")
    imports.module("sqlalchemy", "sa").from_("alembic", "op")
    if options.database == "postgresql" and any(
        f["type"] == "json" for c in codes.values() for f in c["fields"]
    ):
        imports.from_("sqlalchemy.dialects", "postgresql")
    return {
        "constraint_names": re.findall(r'op\.f\("([^"]+)"\)', "\n".join(upgrade)),
        "imports": imports.render(),
        "upgrade": upgrade,
        "downgrade": downgrade,
        "drops_enums": bool(enum_types) and options.database == "postgresql",
    }


def _indexed(model: ModelDef, name: str) -> bool:
    return any(spec.name == name and spec.index for spec in model.fields)
