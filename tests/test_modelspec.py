"""The spec compiler's building blocks: inflection, the field-type registry, compiled names."""

from __future__ import annotations

import re
from typing import Any

import pytest
from modelspec import SpecError, compile_spec, package_name_for
from modelspec.fieldtypes import TYPES


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


@pytest.mark.parametrize(("relation", "ids_field"), [("s", "s_ids"), ("item_s", "item_s_ids")])
def test_a_one_letter_plural_keeps_its_letter_in_the_ids_field(
    relation: str, ids_field: str
) -> None:
    """`s` is no plural of nothing: its ids field is no `_ids`, which pydantic refuses (a
    field name with a leading underscore is private)."""
    models = {"Box": {"relations": {relation: {"to": "Box", "many": True}}}}
    compiled = compile_spec(
        models, package_name="app", database="sqlite", id_type="int", api_style="rest"
    )
    assert compiled["models"][0]["many"][0]["ids_field"] == ids_field


@pytest.mark.parametrize("default", [float("inf"), float("-inf"), float("nan")])
def test_a_float_default_must_be_finite(default: float) -> None:
    """The API refuses NaN and the infinities, and `inf` would render as an undefined name."""
    models = {"Reading": {"fields": {"celsius": {"type": "float", "default": default}}}}
    with pytest.raises(SpecError, match=r"^Reading\.celsius: default -?(inf|nan) is not a finite"):
        compile_spec(models, package_name="app", database="sqlite", id_type="int", api_style="rest")


@pytest.mark.parametrize(
    ("project_name", "package"),
    [("My Backend", "my_backend"), ("task-api", "task_api"), ("2fast", "app_2fast")],
)
def test_package_name_is_derived_from_the_project_name(project_name: str, package: str) -> None:
    assert package_name_for(project_name) == package


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_every_field_type_compiles_to_a_field_a_column_and_an_example(kind: str) -> None:
    options: dict[str, dict[str, object]] = {
        "str": {"max_length": 40},
        "enum": {"values": ["draft", "done"]},
    }
    field = {"type": kind, **options.get(kind, {})}
    spec = compile_spec(
        {"Thing": {"fields": {"value": field}}},
        package_name="app",
        database="postgresql",
        id_type="int",
        api_style="rest",
    )
    (view,) = spec["models"]
    (compiled,) = view["fields"]
    (table,) = spec["migration"]["tables"]
    column = next(column for column in table["columns"] if column["name"] == "value")
    expressions = [
        compiled["annotation"],
        f"Field({compiled['field_args']})",
        f"Field(default=None, {compiled['constraint_args']})",
        column["type"],
        compiled["example"],
    ]
    for expression in expressions:
        compile(expression, "<field>", "eval")
        assert not re.search(r"\{[a-z_]+\}", expression.replace("{n}", "")), expression


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


def _graphql(models: dict[str, object]) -> dict[str, object]:
    return compile_spec(
        models, package_name="app", database="postgresql", id_type="int", api_style="graphql"
    )


def test_a_graphql_page_query_never_shares_the_name_of_a_row_query() -> None:
    models = {
        "Series": {"plural": "series", "fields": {"title": "str"}},
        "Data": {"plural": "data", "fields": {"value": "int"}},
        "DataPage": {"fields": {"value": "int"}},
        "Book": {"fields": {"title": "str"}},
    }
    with pytest.raises(SpecError, match="model DataPage: its GraphQL type 'DataPage' is also"):
        _graphql(models)
    del models["DataPage"]
    views: Any = _graphql(models)["models"]
    assert [view["graphql"]["list"] for view in views] == ["series_page", "data_page", "books"]


@pytest.mark.parametrize(
    ("models", "message"),
    [
        (
            {"Node": {"fields": {"x": "str"}}},
            "model Node: its GraphQL type 'Node' is also the name of the GraphQL schema",
        ),
        (
            {"Task": {"fields": {"x": "str"}}, "TaskFilter": {"fields": {"x": "str"}}},
            "model TaskFilter: its GraphQL type 'TaskFilter' is also the name of model Task",
        ),
        (
            {"Task": {"fields": {"from_row": "str"}}},
            "Task.from_row: field name 'from_row' is reserved",
        ),
        (
            {"Task": {"relations": {"from_read": {"to": "Task"}}}},
            "Task.from_read: relation name 'from_read' is reserved",
        ),
        (
            {"L": {"fields": {"x": "str"}}},
            "model L: its GraphQL query 'l' is refused by the project's linter (E743",
        ),
        (
            {"Item": {"plural": "l", "fields": {"x": "str"}}},
            "(E743: it reads like 1 or I); set its plural",
        ),
    ],
)
def test_graphql_refuses_names_its_schema_already_has(
    models: dict[str, object], message: str
) -> None:
    with pytest.raises(SpecError, match=re.escape(message)):
        _graphql(models)
    compile_spec(models, package_name="app", database="postgresql", id_type="int", api_style="rest")


def _served(api_style: str, *, mcp: bool, models: dict[str, object] | None = None) -> Any:
    return compile_spec(
        models or {"Book": {"fields": {"title": "str"}}},
        package_name="app",
        database="sqlite",
        id_type="int",
        api_style=api_style,
        mcp=mcp,
    )


@pytest.mark.parametrize("api_style", ["rest", "graphql", "none"])
@pytest.mark.parametrize("mcp", [False, True])
def test_each_surface_served_has_its_views_and_no_other_does(api_style: str, mcp: bool) -> None:
    from modelspec.surfaces import SURFACES

    spec = _served(api_style, mcp=mcp)
    expected = {api_style} - {"none"} | ({"mcp"} if mcp else set())
    assert {name for name, served in spec["serves"].items() if served} == expected
    assert set(spec["serves"]) == {surface.name for surface in SURFACES}
    assert spec["served"] == bool(expected)
    for surface in SURFACES:
        assert (surface.name in spec) == (surface.name in expected)
        assert (surface.name in spec["models"][0]) == (surface.name in expected)


def test_the_surfaces_are_the_answers_copier_yml_asks_for() -> None:
    """`api_style` chooses among the surfaces that are its choices (or none); every other
    surface is a yes-or-no question of its own name."""
    from modelspec.surfaces import API_STYLES, SURFACES

    from tests.support import QUESTIONS, choices

    assert choices(QUESTIONS["api_style"]) == API_STYLES
    for surface in SURFACES:
        if not surface.api_style:
            assert QUESTIONS[surface.name]["type"] == "bool", surface.name
            assert QUESTIONS[surface.name]["default"] is False, surface.name


@pytest.mark.parametrize(
    ("option", "tools"),
    [
        (True, ["list", "get", "create", "update", "delete"]),
        (["delete", "get"], ["get", "delete"]),
        (False, []),
    ],
)
def test_the_mcp_option_picks_a_models_tools(option: object, tools: list[str]) -> None:
    models = {
        "Book": {"fields": {"title": "str"}, "mcp": option},
        "Shelf": {"fields": {"n": "int"}},
    }
    spec = _served("none", mcp=True, models=models)
    assert [model["mcp"]["tools"] for model in spec["models"]] == [tools, spec["mcp"]["kinds"]]
    assert spec["mcp"]["count"] == len(tools) + 5


def test_mcp_list_filters_carry_the_constraints_of_rests_query() -> None:
    models = {
        "Author": {"fields": {"name": "str"}},
        "Book": {
            "fields": {"title": {"type": "str", "max_length": 80}, "body": "text", "pages": "int"},
            "relations": {"author": {"to": "Author", "required": True}},
        },
    }
    book = _served("rest", mcp=True, models=models)["models"][1]["mcp"]
    filters = {parameter["name"]: parameter["annotation"] for parameter in book["filters"]}
    assert filters["title"] == "Annotated[StorableStr | None, Field(max_length=80)]"
    assert filters["author_id"] == "RowId | None"
    assert "body" not in filters
    assert "from app.types import StorableStr" in book["filter_imports"]


@pytest.mark.parametrize(
    ("noun", "expected"),
    [
        ("article", "an article"),
        ("book", "a book"),
        ("order line", "an order line"),
        ("user", "a user"),
        ("umbrella", "an umbrella"),
        ("euro rate", "a euro rate"),
    ],
)
def test_a_model_in_prose_takes_its_article(noun: str, expected: str) -> None:
    from modelspec.naming import with_article

    assert with_article(noun) == expected


@pytest.mark.parametrize(
    ("option", "access"),
    [
        (None, {"read": "users", "write": "users", "default": True}),
        ("users", {"read": "users", "write": "users", "default": True}),
        ({"read": "public"}, {"read": "public", "write": "users", "default": False}),
    ],
)
def test_the_access_option_gives_each_operation_its_level(
    option: object, access: dict[str, object]
) -> None:
    book: dict[str, Any] = {"fields": {"title": "str"}}
    if option is not None:
        book["access"] = option
    spec = compile_spec(
        {"Book": book},
        package_name="app",
        database="sqlite",
        id_type="int",
        api_style="rest",
        auth="api_key",
    )
    [model] = spec["models"]
    assert (spec["auth"], model["access"]) == ("api_key", access)
    assert model["rest"]["public"] == (["list", "get"] if access["read"] == "public" else [])


def test_a_public_collection_route_needs_the_rows_it_lists_public_too() -> None:
    models = {
        "Author": {"fields": {"name": "str"}, "access": {"read": "public"}},
        "Book": {
            "fields": {"title": "str"},
            "access": {"read": "public"},
            "relations": {"author": {"to": "Author", "back": "books"}},
        },
        "Review": {
            "fields": {"stars": "int"},
            "relations": {"book": {"to": "Book", "back": "reviews"}},
        },
    }
    spec = compile_spec(
        models,
        package_name="app",
        database="sqlite",
        id_type="int",
        api_style="rest",
        auth="api_key",
    )
    public = {model["name"]: model["rest"]["public"] for model in spec["models"]}
    assert public == {"Author": ["list", "get", "books"], "Book": ["list", "get"], "Review": []}
    assert spec["public_reads"] is True
