"""The Jinja glue: interactive answers are validated as typed, scripted ones by `compile_spec`."""

from __future__ import annotations

from typing import Any

import pytest
from copier.errors import UserMessageError
from extension import answer_error, compile_answers

BAD_MODELS = {"Task": {"fields": {"title": "strr"}}}


def _context(data: dict[str, Any]) -> Any:
    return {"_copier_conf": {"data": data}}


def test_an_interactive_answer_gets_its_problem_as_the_validator_message() -> None:
    message = answer_error(_context({}), BAD_MODELS, "models")
    assert message.startswith("Task.title: unknown type 'strr'")


def test_a_scripted_answer_is_left_to_compile_spec() -> None:
    assert answer_error(_context({"models": BAD_MODELS}), BAD_MODELS, "models") == ""


@pytest.mark.parametrize(
    ("question", "value"), [("project_name", " "), ("package_name", "import"), ("models", {})]
)
def test_each_question_has_a_check(question: str, value: Any) -> None:
    assert answer_error(_context({}), value, question) != ""


def test_compile_answers_turns_a_spec_error_into_a_user_message() -> None:
    with pytest.raises(UserMessageError, match=r"^Task\.title: unknown type 'strr'"):
        compile_answers(_context({}), "Demo", BAD_MODELS, "demo", "sqlite", "rest", "int")


def test_an_interactive_spec_is_checked_against_the_earlier_answers() -> None:
    long_relation = {
        "the_task_that_this_one_was_split_off_from_a_long_long_time_ago": {"to": "Task"}
    }
    models = {"Task": {"fields": {"title": "str"}, "relations": long_relation}}
    message = answer_error({**_context({}), "package_name": "demo"}, models, "models")
    assert "longer than PostgreSQL's 63 characters" in message
