"""Jinja glue between copier.yml and the spec compiler in `modelspec/`.

Copier loads this file through copier-template-extensions (hence `--trust`). It exposes:

- `package_name` filter: the default package name derived from the project name;
- `answer_error` filter: a question's validator for interactive answers;
- `compile_spec` global: the computed `spec` answer, or a one-line error that stops Copier
  before it writes anything (a relative template path too: `copier update` could not find it);
- `new_secret_key` global: a random SECRET_KEY for the rendered `.env` (never `.env.example`).

Each version of the template compiles with its own `modelspec` (see `_load_compiler`), and
every rendered Python file is laid out by ruff (`LaidOutTemplate`, `modelspec.layout`).

An answer given on the command line (`--data`, `--data-file`) is checked by `compile_spec` only:
Copier prints a validator's message with a traceback in that mode, a `UserMessageError` as one
clean line.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import re
import secrets
import sys
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from copier.errors import UserMessageError
from jinja2 import Environment, StrictUndefined, Template, pass_context
from jinja2.ext import Extension


def new_secret_key() -> str:
    """A SECRET_KEY for the rendered `.env`: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(32)


def _load_compiler() -> ModuleType:
    """The `modelspec` package beside this file, imported under a name of its own.

    `copier update` renders the old and the new version of the template in one process: a plain
    `import modelspec` would hand the new version the old version's compiler, cached in
    `sys.modules`. A name derived from the package's source gives each version its own.
    """
    package = Path(__file__).with_name("modelspec")
    digest = hashlib.sha256()
    for path in sorted(package.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    name = f"modelspec_{digest.hexdigest()[:16]}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, package / "__init__.py", submodule_search_locations=[str(package)]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the spec compiler from {package}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


if TYPE_CHECKING:
    import modelspec
    from modelspec import layout, literals, naming
else:
    modelspec = _load_compiler()
    layout = importlib.import_module(f"{modelspec.__name__}.layout")
    literals = importlib.import_module(f"{modelspec.__name__}.literals")
    naming = importlib.import_module(f"{modelspec.__name__}.naming")


ONE_LINE = {
    "project_name": "the README's title and the OpenAPI document's",
    "description": "the package's summary, which its metadata holds on one line",
    "author_name": "the package's author, in its metadata",
    "author_email": "the package's author, in its metadata",
}
"""The free-text answers, each with where it goes: one line of printable text, everywhere."""


def _problem(question: str, value: Any, answers: Mapping[str, Any]) -> str:
    """What is wrong with `value` as the answer to `question`, given the earlier answers."""
    if question in ONE_LINE:
        if not isinstance(value, str):
            return f"{question} must be text, got {value!r}"
        if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in value):
            return (
                f"{question} must be one line of text, without line breaks or control "
                f"characters (it is {ONE_LINE[question]}): got {value!r}"
            )
        if question == "project_name" and not value.strip():
            return "project_name must not be empty"
        return ""
    if question == "package_name":
        return modelspec.check_package_name(value)
    # Only the spec is at stake here: an earlier answer that is invalid too (given as data, say)
    # is replaced by a valid stand-in, and reported by `compile_answers` in its own words.
    package = str(answers.get("package_name"))
    try:
        modelspec.compile_spec(
            value,
            package_name=package if not modelspec.check_package_name(package) else "app",
            database=_known(answers.get("database"), modelspec.DATABASES),
            id_type=_known(answers.get("id_type"), modelspec.ID_TYPES),
            api_style=_known(answers.get("api_style"), modelspec.API_STYLES),
            mcp=answers.get("mcp") is True,
            auth=_known(answers.get("auth"), modelspec.AUTH_MODES),
        )
    except modelspec.SpecError as error:
        return str(error)
    return ""


def _known(value: Any, allowed: tuple[str, ...]) -> str:
    return value if value in allowed else allowed[0]


@pass_context
def answer_error(context: Mapping[str, Any], value: Any, question: str) -> str:
    """The problem with an interactive answer; empty for answers passed as data."""
    conf = context.get("_copier_conf")
    data = getattr(conf, "get", lambda _key, default=None: default)("data", {}) or {}
    if question in data:
        return ""
    return _problem(question, value, context)


def _source_problem(recorded: Mapping[str, Any]) -> str:
    """Why the template's path that Copier records for `copier update` would not work then."""
    source = str(recorded.get("_src_path") or "")
    path = Path(source).expanduser()
    if not source or path.is_absolute() or not path.exists():
        return ""
    return (
        f"the template path {source!r} is relative, and `copier update` would look for it "
        f"relative to wherever it runs: give its absolute path ({path.resolve()}) or a git URL"
    )


@pass_context
def compile_answers(
    context: Mapping[str, Any],
    project_name: str,
    models: Any,
    package_name: str,
    database: str,
    api_style: str,
    id_type: str,
    mcp: bool = False,
    auth: str = "none",
    **texts: str,
) -> dict[str, Any]:
    """The computed `spec` answer; every invalid answer stops Copier with one line. `texts` are
    the other free-text answers (`description`, `author_name`, `author_email`)."""
    problem = (
        _problem("project_name", project_name, {})
        or next(filter(None, (_problem(name, text, {}) for name, text in texts.items())), "")
        or _source_problem(context.get("_copier_answers") or {})
        or ("" if layout.ruff_executable() else layout.MISSING_RUFF)
    )
    if problem:
        raise UserMessageError(problem)
    try:
        return modelspec.compile_spec(
            models,
            package_name=package_name,
            database=database,
            id_type=id_type,
            api_style=api_style,
            mcp=mcp,
            auth=auth,
        )
    except modelspec.SpecError as error:
        raise UserMessageError(str(error)) from None


class LaidOutTemplate(Template):
    """A template whose rendered Python goes through ruff (see `modelspec.layout`)."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        """The rendered text; laid out by ruff for a Python or Markdown file."""
        text = super().render(*args, **kwargs)
        # The file's name without its Jinja tags: `{% if x %}main.py{% endif %}.jinja` → main.py
        name = re.sub(r"\{%.*?%\}", "", self.name or "").removesuffix(".jinja")
        first_party = [str(kwargs.get("package_name", "")), "tests"]
        try:
            return layout.lay_out(text, name, first_party)
        except layout.LayoutError as error:
            raise UserMessageError(str(error)) from None


class ModelSpecExtension(Extension):
    """Registers the filters and the global above, and lays out rendered Python."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.template_class = LaidOutTemplate
        # A misspelt name in a template fails the render instead of rendering as nothing.
        environment.undefined = StrictUndefined
        environment.filters["package_name"] = modelspec.package_name_for
        environment.filters["pystr"] = literals.py_str
        environment.filters["camel"] = naming.camel_case
        environment.filters["answer_error"] = answer_error
        environment.globals["compile_spec"] = compile_answers
        environment.globals["new_secret_key"] = new_secret_key
