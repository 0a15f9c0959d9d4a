"""Jinja glue between copier.yml and the spec compiler in `modelspec/`.

Copier loads this file through copier-template-extensions (hence `--trust`). It exposes:

- `package_name` filter: the default package name derived from the project name;
- `answer_error` filter: a question's validator for interactive answers;
- `compile_spec` global: the computed `spec` answer, or a one-line error that stops Copier
  before it writes anything.

An answer given on the command line (`--data`, `--data-file`) is checked by `compile_spec` only:
Copier prints a validator's message with a traceback in that mode, a `UserMessageError` as one
clean line.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from copier.errors import UserMessageError
from jinja2 import Environment, pass_context
from jinja2.ext import Extension

sys.path.insert(0, str(Path(__file__).parent))

from modelspec import (
    API_STYLES,
    DATABASES,
    ID_TYPES,
    SpecError,
    check_package_name,
    compile_spec,
    package_name_for,
)
from modelspec.literals import py_str
from modelspec.pyfmt import call, statement


def _problem(question: str, value: Any, answers: Mapping[str, Any]) -> str:
    """What is wrong with `value` as the answer to `question`, given the earlier answers."""
    if question == "project_name":
        return "" if isinstance(value, str) and value.strip() else "project_name must not be empty"
    if question == "package_name":
        return check_package_name(value)
    # Only the spec is at stake here: an earlier answer that is invalid too (given as data, say)
    # is replaced by a valid stand-in, and reported by `compile_answers` in its own words.
    package = str(answers.get("package_name"))
    try:
        compile_spec(
            value,
            package_name=package if not check_package_name(package) else "app",
            database=_known(answers.get("database"), DATABASES),
            id_type=_known(answers.get("id_type"), ID_TYPES),
            api_style=_known(answers.get("api_style"), API_STYLES),
        )
    except SpecError as error:
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


def compile_answers(
    project_name: str, models: Any, package_name: str, database: str, api_style: str, id_type: str
) -> dict[str, Any]:
    """The computed `spec` answer; every invalid answer stops Copier with one line."""
    problem = _problem("project_name", project_name, {})
    if problem:
        raise UserMessageError(problem)
    try:
        return compile_spec(
            models,
            package_name=package_name,
            database=database,
            id_type=id_type,
            api_style=api_style,
        )
    except SpecError as error:
        raise UserMessageError(str(error)) from None


def signature(name: str, *params: str, returns: str = "None") -> str:
    """An `async def` line laid out as ruff would, for names that come from the spec."""
    return statement("async def ", call(name, *params), 0, f" -> {returns}:")


class ModelSpecExtension(Extension):
    """Registers the filters and the global above."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["package_name"] = package_name_for
        environment.filters["pystr"] = py_str
        environment.filters["answer_error"] = answer_error
        environment.globals["compile_spec"] = compile_answers
        environment.globals["signature"] = signature
