"""Hypothesis strategies for model specs: valid ones of every shape, and ones with one defect.

Valid specs are built to pass the compiler's rules by construction where that is cheap (names
unique per model, relations to declared models) and filtered by the compiler for the rest
(collisions between derived names, many-to-one loops), so the property is exactly "whatever
the compiler accepts renders clean". Names run from one character to the longest the compiler
accepts, and mix in words that clash with Python, SQL and pydantic vocabulary.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st
from modelspec import SpecError, compile_spec
from modelspec.fieldtypes import TYPES
from modelspec.surfaces.mcp import TOOLS as MCP_TOOLS

# Words a spec may well use that also mean something to Python, SQL, pydantic or the rendered
# code (the compiler refuses some of them; those make good invalid specs too).
TRICKY_WORDS = (
    "type",
    "match",
    "case",
    "order",
    "select",
    "table",
    "column",
    "index",
    "key",
    "value",
    "values",
    "items",
    "total",
    "query",
    "page",
    "session",
    "client",
    "model",
    "schema",
    "field",
    "data",
    "date",
    "time",
    "user",
    "group",
    "default",
    "count",
    "filter",
    "name",
    "status",
    "person",
    "series",
    "datum",
    "child",
    # Names the GraphQL modules use: a resolver's arguments, the types' own methods.
    "info",
    "of",
    "read",
    "loaders",
    "from_read",
    # Names the MCP modules use: a tool's parameters, the modules and what they define.
    "ctx",
    "changes",
    "server",
    "tools",
    "app",
    "register",
    "deleted",
)
LONGEST_NAME = 40


def _snake_words(max_words: int) -> st.SearchStrategy[list[str]]:
    word = st.one_of(
        st.sampled_from(TRICKY_WORDS),
        st.text(string.ascii_lowercase, min_size=1, max_size=12),
        st.builds(
            lambda head, tail: head + tail,
            st.sampled_from(string.ascii_lowercase),
            st.text(string.ascii_lowercase + string.digits, max_size=8),
        ),
    )
    return st.lists(word, min_size=1, max_size=max_words)


RENDERED_NAMES = (
    "id",
    "filters",
    "limit",
    "offset",
    "order_by",
    "not_null",
    "model_config",
    "metadata",
    "owner_id",
    "created_at",
    "deleted_at",
)
"""Names the rendered code gives attributes of its own (the base classes', an owned row's):
drawn now and then, for the compiler to refuse where they would clash."""


def snake_names(max_length: int = LONGEST_NAME) -> st.SearchStrategy[str]:
    """snake_case identifiers, from one letter to `max_length` characters; one in twenty a name
    the rendered code uses itself."""
    words = (
        _snake_words(6)
        .map(lambda words: "_".join(words)[:max_length].rstrip("_"))
        .filter(lambda name: name[:1].isalpha())
    )
    taken = st.sampled_from([name for name in RENDERED_NAMES if len(name) <= max_length])
    return st.integers(0, 19).flatmap(lambda n: taken if n == 0 else words)


def pascal_names(max_length: int = LONGEST_NAME) -> st.SearchStrategy[str]:
    """PascalCase model names, from one capital to `max_length` characters."""
    return _snake_words(5).map(
        lambda words: "".join(word[:1].upper() + word[1:] for word in words)[:max_length]
    )


_ENUM_VALUE = st.from_regex(r"[A-Za-z][A-Za-z0-9_\-]{0,24}", fullmatch=True)
_TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | _TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_TEXT, children, max_size=3),
    max_leaves=6,
)


@st.composite
def _decimal_options(draw: st.DrawFn) -> dict[str, Any]:
    digits = draw(st.integers(1, 18))
    places = draw(st.integers(0, digits))
    return {"max_digits": digits, "decimal_places": places}


def _decimal_default(options: dict[str, Any]) -> st.SearchStrategy[str]:
    digits, places = options["max_digits"], options["decimal_places"]
    bound = Decimal(10) ** (digits - places) - Decimal(1).scaleb(-places)
    return st.decimals(-bound, bound, places=places, allow_nan=False, allow_infinity=False).map(str)


@st.composite
def fields(draw: st.DrawFn) -> Any:
    """A field definition of any type, with any of the options that apply to it."""
    type_ = draw(st.sampled_from(sorted(TYPES)))
    options: dict[str, Any] = {"type": type_}
    optional = draw(st.booleans())
    if optional:
        options["optional"] = True
    kind = TYPES[type_]
    if kind.may_be_unique and kind.may_be_indexed and draw(st.booleans()):
        options["unique"] = True
    if kind.may_be_indexed and draw(st.booleans()):
        options["index"] = True
    if draw(st.integers(0, 3)) == 0:
        options["description"] = draw(_TEXT)
    if type_ == "str":
        options["max_length"] = draw(st.integers(1, 300) | st.just(10_485_760))
    if type_ == "decimal":
        options.update(draw(_decimal_options()))
    if type_ == "enum":
        options["values"] = draw(
            st.lists(_ENUM_VALUE, min_size=1, max_size=5, unique_by=_enum_member)
        )
    default = _defaults(options)
    if default is not None and draw(st.booleans()):
        options["default"] = draw(default | st.none() if optional else default)
    if set(options) == {"type"} and draw(st.booleans()):
        return type_  # the shorthand for a field with no options
    return options


def _enum_member(value: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in value).strip("_").upper()


def _defaults(options: dict[str, Any]) -> st.SearchStrategy[Any] | None:
    type_ = options["type"]
    if options.get("unique"):
        return None
    if type_ == "str":
        return _TEXT.map(lambda text: text[: options["max_length"]])
    if type_ == "text":
        return _TEXT
    if type_ == "int":
        return st.integers(-(2**31), 2**31 - 1)
    if type_ == "bigint":
        return st.integers(-(2**63), 2**63 - 1)
    if type_ == "float":
        return st.floats(allow_nan=False, allow_infinity=False, width=32)
    if type_ == "decimal":
        return _decimal_default(options)
    if type_ == "bool":
        return st.booleans()
    if type_ == "date":
        return st.dates().map(dt.date.isoformat)
    if type_ == "datetime":
        return st.datetimes(timezones=st.just(dt.UTC)).map(dt.datetime.isoformat)
    if type_ == "uuid":
        return st.uuids().map(str)
    if type_ == "enum":
        return st.sampled_from(options["values"])
    return _JSON


@st.composite
def _relation(draw: st.DrawFn, model: str, models: list[str]) -> dict[str, Any]:
    target = draw(st.sampled_from(models))
    relation: dict[str, Any] = {"to": target}
    if draw(st.booleans()):
        relation["back"] = draw(snake_names())
    if draw(st.integers(0, 3)) == 0:
        relation["many"] = True
        return relation
    required = target != model and draw(st.booleans())
    if required:
        relation["required"] = True
    choices = ["cascade", "restrict"] if required else ["cascade", "restrict", "set_null"]
    if draw(st.booleans()):
        relation["on_delete"] = draw(st.sampled_from(choices))
    return relation


API_KEY_ACCESS = (
    "users",
    {"read": "public"},
    {"read": "users", "write": "users"},
    {"read": "public", "write": "users"},
)
ACCESS_OPTIONS = {
    "none": (),
    "api_key": API_KEY_ACCESS,
    "users": (
        *API_KEY_ACCESS,
        "superusers",
        {"write": "superusers"},
        {"read": "public", "write": "superusers"},
        "owner",
        {"write": "owner"},
        {"read": "public", "write": "owner"},
    ),
}
"""The `access` options each `auth` can enforce."""


@st.composite
def raw_specs(draw: st.DrawFn, *, auth: str = "none") -> dict[str, Any]:
    """A `models` answer: names unique per model, relations only to declared models; under an
    `auth`, some models have access rules it can enforce."""
    names = draw(st.lists(pascal_names(), min_size=1, max_size=5, unique_by=str.lower))
    spec: dict[str, Any] = {}
    for name in names:
        model: dict[str, Any] = {}
        field_names = draw(st.lists(snake_names(), max_size=6, unique=True))
        if field_names:
            model["fields"] = {field: draw(fields()) for field in field_names}
        relation_names = [
            relation
            for relation in draw(st.lists(snake_names(), max_size=3, unique=True))
            if relation not in field_names
        ]
        if relation_names or not field_names:
            relation_names = relation_names or [draw(snake_names())]
            model["relations"] = {
                relation: draw(_relation(name, names)) for relation in relation_names
            }
        for option in ("soft_delete", "timestamps"):
            if draw(st.integers(0, 3)) == 0:
                model[option] = draw(st.booleans())
        if draw(st.integers(0, 3)) == 0:
            model["mcp"] = draw(st.booleans() | st.lists(st.sampled_from(MCP_TOOLS), unique=True))
        if ACCESS_OPTIONS[auth] and draw(st.integers(0, 2)) == 0:
            model["access"] = draw(st.sampled_from(ACCESS_OPTIONS[auth]))
        spec[name] = model
    return spec


@dataclass(frozen=True)
class Answers:
    """The answers of one render: a spec the compiler accepts, and the other choices."""

    models: dict[str, Any]
    database: str
    api_style: str
    mcp: bool
    auth: str
    id_type: str

    def data(self, package: str) -> dict[str, Any]:
        return {
            "package_name": package,
            "database": self.database,
            "api_style": self.api_style,
            "mcp": self.mcp,
            "auth": self.auth,
            "id_type": self.id_type,
            "models": self.models,
        }


@st.composite
def valid_answers(draw: st.DrawFn, database: str, api_style: str) -> Answers:
    """Answers whose spec the compiler accepts (what it refuses is left out)."""
    mcp = draw(st.booleans())
    served = api_style != "none" or mcp
    auth = draw(st.sampled_from(tuple(ACCESS_OPTIONS))) if served else "none"
    answers = Answers(
        models=draw(raw_specs(auth=auth)),
        database=database,
        api_style=api_style,
        mcp=mcp,
        auth=auth,
        id_type=draw(st.sampled_from(("int", "uuid"))),
    )
    try:
        compile_spec(
            answers.models,
            package_name="app",
            database=answers.database,
            id_type=answers.id_type,
            api_style=answers.api_style,
            mcp=answers.mcp,
            auth=answers.auth,
        )
    except SpecError:
        assume(False)
    return answers
