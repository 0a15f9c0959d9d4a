"""Every spec the compiler accepts renders a clean project; every one it refuses, one line.

The specs come from hypothesis (`tests/strategies.py`): names from one character to the
longest accepted, every field type and option, self-references, many-to-many, several relations
to one model, words that clash with Python, SQL, pydantic and the names of the GraphQL and MCP
modules; MCP is drawn on or off for each. Rendering is in-process from a
copy of the working tree, so that an example costs about a second; the checks are the rendered
project's own `ruff format --check` and `ruff check`, and for a smaller share of the examples
`mypy --strict` and an import of every module, in one environment that holds every dependency
a rendered project can have.

CI runs the `ci` profile (about 180 rendered specs, 30 of them type-checked and imported, and
180 refused ones); `HYPOTHESIS_PROFILE=thorough uv run pytest -n auto tests/test_properties.py`
is the long run by hand (3,000, 498 and 3,000).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import copier
import pytest
from copier.errors import UserMessageError
from hypothesis import given, note, settings
from hypothesis import strategies as st

from tests.strategies import Answers, snake_names, valid_answers
from tests.support import QUESTIONS, TEMPLATE, Environment, assert_hand_written, choices, run

RUFF = str(Path(sys.executable).with_name("ruff"))
PACKAGE = "generated_app"
DATABASES = choices(QUESTIONS["database"])
API_STYLES = choices(QUESTIONS["api_style"])
# Type-checking and importing cost seconds per example: a share of the rendering examples.
DEEP_SHARE = 6
IMPORT_EVERY_MODULE = """
import importlib, pkgutil, sys
import sqlalchemy.orm
package = importlib.import_module(sys.argv[1])
for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    importlib.import_module(module.name)
importlib.import_module("tests.factories")
sqlalchemy.orm.configure_mappers()
"""
# `schema.graphql`, which the compiler writes, must be what Strawberry prints of the schema.
GRAPHQL_SCHEMA_IS_SERVED = """
import difflib, importlib, pathlib, sys
schema = importlib.import_module(sys.argv[1] + ".api.graphql.schema").create_schema()
written = pathlib.Path("schema.graphql").read_text().splitlines()
served = schema.as_str().splitlines()
lines = difflib.unified_diff(written, served, "schema.graphql", "served", lineterm="")
if difference := "\\n".join(lines):
    sys.exit(difference)
"""


@pytest.fixture(scope="session")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree copied outside git: Copier renders it as it is, without cloning it."""
    destination = tmp_path_factory.mktemp("snapshot") / "template"
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], TEMPLATE)
    for name in filter(None, listed.stdout.split("\0")):
        if (TEMPLATE / name).is_file() and not name.startswith("tests/"):
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(TEMPLATE / name, destination / name)
    return destination


def render(snapshot: Path, data: dict[str, Any], destination: Path) -> None:
    """Render the snapshot in-process, scripted."""
    copier.run_copy(
        str(snapshot), str(destination), data=data, defaults=True, unsafe=True, quiet=True
    )


@pytest.fixture(scope="session")
def tools(snapshot: Path, tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Environment:
    """An environment with every dependency a rendered project can have: a PostgreSQL GraphQL
    one's with MCP tools and users (FastAPI's, Strawberry's, the MCP SDK's, pwdlib's, PyJWT's)."""
    environment = Environment(tmp_path_factory.getbasetemp() / f"tools-{worker_id}")
    project = tmp_path_factory.mktemp("superset") / "project"
    render(
        snapshot,
        {
            "database": "postgresql",
            "api_style": "graphql",
            "mcp": True,
            "auth": "users",
            "package_name": "tools",
        },
        project,
    )
    run(["uv", "sync", "--quiet"], project, environment.variables())
    return environment


def check_rendered(snapshot: Path, answers: Answers, deep: Callable[[Path], None] | None) -> None:
    """Render `answers`; the project must be hand-written, formatted, lint-clean (and `deep`)."""
    note(f"answers: {answers.data(PACKAGE)!r}")
    with tempfile.TemporaryDirectory() as directory:
        project = Path(directory) / "project"
        render(snapshot, answers.data(PACKAGE), project)
        assert_hand_written(project)
        run([RUFF, "format", "--check", "--quiet", "."], project)
        run([RUFF, "check", "--quiet", "."], project)
        if deep is not None:
            deep(project)


# One test per database and API style, so that xdist runs them side by side.
STYLES = [(database, api_style) for database in DATABASES for api_style in API_STYLES]


@pytest.mark.render
@pytest.mark.parametrize(("database", "api_style"), STYLES)
@given(data=st.data())
def test_every_accepted_spec_renders_formatted_and_lint_clean(
    snapshot: Path, database: str, api_style: str, data: st.DataObject
) -> None:
    check_rendered(snapshot, data.draw(valid_answers(database, api_style)), None)


@pytest.mark.render
@pytest.mark.parametrize(("database", "api_style"), STYLES)
@settings(max_examples=max(1, settings().max_examples // DEEP_SHARE))
@given(data=st.data())
def test_every_accepted_spec_type_checks_and_imports(
    snapshot: Path, tools: Environment, database: str, api_style: str, data: st.DataObject
) -> None:
    python = tools.root / "venv" / "bin"

    def type_check_and_import(project: Path) -> None:
        env = tools.variables(PYTHONPATH=str(project / "src"))
        run([str(python / "mypy")], project, env)
        run([str(python / "python"), "-c", IMPORT_EVERY_MODULE, PACKAGE], project, env)
        if api_style == "graphql":
            run([str(python / "python"), "-c", GRAPHQL_SCHEMA_IS_SERVED, PACKAGE], project, env)

    check_rendered(snapshot, data.draw(valid_answers(database, api_style)), type_check_and_import)


# One defect each, added to a valid spec: (what it does to the spec, the start of the message).
def _unknown_type(spec: dict[str, Any], model: str, name: str) -> str:
    spec[model].setdefault("fields", {})[name] = "strr"
    return f"{model}.{name}: unknown type 'strr'"


def _keyword_field(spec: dict[str, Any], model: str, name: str) -> str:
    spec[model].setdefault("fields", {})["class"] = "str"
    return f"{model}.class: field name 'class' is a Python keyword"


def _reserved_field(spec: dict[str, Any], model: str, name: str) -> str:
    spec[model].setdefault("fields", {})["metadata"] = "text"
    return f"{model}.metadata: field name 'metadata' is reserved"


def _empty_enum(spec: dict[str, Any], model: str, name: str) -> str:
    spec[model].setdefault("fields", {})[name] = {"type": "enum", "values": []}
    return f"{model}.{name}: an enum needs a non-empty list of values"


def _default_out_of_range(spec: dict[str, Any], model: str, name: str) -> str:
    spec[model].setdefault("fields", {})[name] = {"type": "int", "default": 2**31}
    return f"{model}.{name}: default {2**31} is not in the range of int"


def _zero_max_length(spec: dict[str, Any], model: str, name: str) -> str:
    spec[model].setdefault("fields", {})[name] = {"type": "str", "max_length": 0}
    return f"{model}.{name}: max_length must be a whole number from 1 to"


def _too_long_column(spec: dict[str, Any], model: str, name: str) -> str:
    column = f"{name}_{'x' * (63 - len(name))}"
    spec[model].setdefault("fields", {})[column] = "str"
    return f"{model}.{column}: the column name {column!r} is longer than PostgreSQL's 63"


def _unknown_target(spec: dict[str, Any], model: str, name: str) -> str:
    spec[model].setdefault("relations", {})[name] = {"to": "NoSuchModel"}
    return f"{model}.{name}: relation to unknown model 'NoSuchModel'"


def _required_set_null(spec: dict[str, Any], model: str, name: str) -> str:
    relation = {"to": next(iter(spec)), "required": True, "on_delete": "set_null"}
    spec[model].setdefault("relations", {})[name] = relation
    return f"{model}.{name}: on_delete set_null cannot apply to a required relation"


def _unknown_mcp_tool(spec: dict[str, Any], model: str, name: str) -> str:
    spec[model]["mcp"] = ["list", name]
    return f"{model}.mcp: unknown tool {name!r} (allowed: list, get, create, update, delete)"


def _lowercase_model(spec: dict[str, Any], model: str, name: str) -> str:
    spec[name] = {"fields": {"title": "str"}}
    return f"models: model name {name!r} is not PascalCase"


Mutation = Callable[[dict[str, Any], str, str], str]
MUTATIONS: list[Mutation] = [
    _unknown_type,
    _keyword_field,
    _reserved_field,
    _empty_enum,
    _default_out_of_range,
    _zero_max_length,
    _too_long_column,
    _unknown_target,
    _required_set_null,
    _unknown_mcp_tool,
    _lowercase_model,
]


@settings(max_examples=settings().max_examples * len(STYLES))
@given(
    data=st.data(),
    mutation=st.sampled_from(MUTATIONS),
    name=snake_names(20).map(lambda name: f"zz_{name}"),
)
def test_every_refused_spec_gets_one_line_naming_its_culprit(
    snapshot: Path, data: st.DataObject, mutation: Mutation, name: str
) -> None:
    answers = data.draw(valid_answers("postgresql", "rest").map(lambda answers: answers.models))
    model = data.draw(st.sampled_from(sorted(answers)))
    expected = mutation(answers, model, name)
    with tempfile.TemporaryDirectory() as directory:
        destination = Path(directory) / "project"
        with pytest.raises(UserMessageError) as refused:
            render(snapshot, {"models": answers}, destination)
        message = str(refused.value)
        assert "\n" not in message
        assert message.startswith(expected), message
        assert not destination.exists()
