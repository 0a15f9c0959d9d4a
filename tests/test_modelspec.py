"""The spec compiler's building blocks: inflection, layout like ruff's, compiled names."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from modelspec import compile_spec, package_name_for
from modelspec.pyfmt import Call, Kw, call, dict_literal, statement

RUFF = str(Path(sys.executable).with_name("ruff"))


@pytest.mark.parametrize(
    ("singular", "plural"),
    [
        ("task", "tasks"),
        ("category", "categories"),
        ("box", "boxes"),
        ("status", "statuses"),
        ("person", "people"),
        ("day", "days"),
        ("task_label", "task_labels"),
        ("news", "news"),
        ("leaf", "leaves"),
    ],
)
def test_pluralize_and_singularize_invert_each_other(singular: str, plural: str) -> None:
    from modelspec.naming import pluralize, singularize

    assert pluralize(singular) == plural
    assert singularize(plural) == singular


@pytest.mark.parametrize(
    ("project_name", "package"),
    [("My Backend", "my_backend"), ("task-api", "task_api"), ("2fast", "app_2fast")],
)
def test_package_name_is_derived_from_the_project_name(project_name: str, package: str) -> None:
    assert package_name_for(project_name) == package


def _ruff_format(source: str) -> str:
    result = subprocess.run(
        [RUFF, "format", "--line-length", "100", "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def _statements() -> list[str]:
    kwargs = {"lazy": '"raise"', "passive_deletes": "True", "foreign_keys": '"[Article.author_id]"'}
    layouts = []
    for width in (10, 40, 70, 120):
        name = "x" * width
        node = call(
            "Field", Kw("default", "None"), Kw("description", f'"{name}"'), Kw("index", "True")
        )
        layouts.append(statement(f"{name[:30]}: str | None = ", node, 1))
        layouts.append(
            statement(
                f'{name[:40]}: list["Person"] = ',
                call(
                    "Relationship",
                    Kw("back_populates", '"articles"'),
                    Kw("sa_relationship_kwargs", dict_literal(kwargs)),
                ),
                1,
            )
        )
        layouts.append(
            statement("async def ", call(f"test_{name}", "session: AsyncSession"), 0, " -> None:")
        )
        layouts.append(
            statement(
                f"{name[:20]}Order = ", Call("Literal", ('"id"', '"-id"', f'"{name}"'), "[", "]"), 0
            )
        )
    return layouts


@pytest.mark.parametrize("layout", _statements())
def test_statements_are_laid_out_as_ruff_formats_them(layout: str) -> None:
    if layout.startswith("    "):
        source = f"class C:\n{layout}\n"
    elif layout.startswith("async def"):
        source = f"{layout}\n    pass\n"
    else:
        source = f"{layout}\n"
    assert _ruff_format(source) == source


@pytest.mark.parametrize(
    ("value", "member"),
    [("in-progress", "IN_PROGRESS"), ("a", "A"), ("i", "I_"), ("O", "O_"), ("l", "L")],
)
def test_enum_members_are_constant_case_and_never_ambiguous(value: str, member: str) -> None:
    from modelspec.naming import constant_case

    assert constant_case(value) == member


def test_compiled_spec_names_classes_tables_and_routes() -> None:
    models = {
        "TaskLabel": {"fields": {"name": "str"}},
        "Category": {
            "fields": {"name": "str"},
            "relations": {"parent": {"to": "Category", "back": "children"}},
        },
    }
    spec = compile_spec(
        models, package_name="app", database="postgresql", id_type="int", api_style="rest"
    )
    label, category = spec["models"]
    assert (label["table"], label["plural"], label["module"]) == (
        "task_label",
        "task_labels",
        "task_label",
    )
    assert category["plural"] == "categories"
    assert [collection["name"] for collection in category["collections"]] == ["children"]
    assert category["to_one"][0]["fk_column"] == "parent_id"
    assert spec["api"]["route_modules"] == ["categories", "task_labels"]


def test_long_derived_names_are_shortened_the_same_way_every_time() -> None:
    from modelspec.naming import shorten

    field = {"type": "str", "max_length": 20, "unique": True, "index": True}
    models = {
        "InternationalShipmentConsignment": {
            "fields": {
                "harmonized_system_classification_code": field,
                "harmonized_system_classification_note": {"type": "enum", "values": ["a"]},
            },
            "relations": {"customs_brokers_consulted_on_arrival": {"to": "Broker", "many": True}},
        },
        "Broker": {"fields": {"name": "str"}},
    }
    first, again = (
        compile_spec(
            models, package_name="app", database="postgresql", id_type="int", api_style="rest"
        )
        for _ in range(2)
    )
    assert first == again
    shipment = first["models"][0]
    (link,) = shipment["many"]
    assert link["link_table"] == shorten(
        "international_shipment_consignment_customs_brokers_consulted_on_arrival"
    )
    assert len(link["link_table"]) <= 63
    enum_type = shipment["fields"][1]["enum"]["type_name"]
    assert len(enum_type) <= 63
    assert enum_type.startswith("international_shipment_consignment_harmonized_system_")
    assert enum_type != shorten(
        "international_shipment_consignment_harmonized_system_classification_code"
    )
