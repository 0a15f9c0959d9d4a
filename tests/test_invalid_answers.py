"""Invalid answers stop `copier copy` with exit code 1, one line naming the culprit, no files."""

from __future__ import annotations

import ast
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from modelspec import SpecError, compile_spec

from tests.support import COPY_WORKING_TREE, TEMPLATE, copy_default, run

VALID_TASK = {"fields": {"title": "str"}}
SOFT_DELETING = {"Task": {**VALID_TASK, "soft_delete": True}}
LONG_NAME = "the_task_that_this_one_was_split_off_from_a_long_long_time_ago"

CASES: list[tuple[str, dict[str, Any], str]] = [
    ("empty spec", {"models": {}}, "models: the spec is empty; declare at least one model"),
    (
        "spec not a mapping",
        {"models": ["Task"]},
        "models: expected a mapping of model names to definitions, got a list",
    ),
    (
        "unknown type",
        {"models": {"Task": {"fields": {"title": "strr"}}}},
        "Task.title: unknown type 'strr' (one of: str, text, int, bigint, float, decimal, bool, "
        "date, datetime, uuid, json, enum)",
    ),
    (
        "unknown field option",
        {"models": {"Task": {"fields": {"title": {"type": "str", "maxlen": 3}}}}},
        "Task.title: unknown field option 'maxlen' (allowed: decimal_places, default, "
        "description, index, max_digits, max_length, optional, type, unique, values)",
    ),
    (
        "option of another type",
        {"models": {"Task": {"fields": {"count": {"type": "int", "max_length": 3}}}}},
        "Task.count: option 'max_length' does not apply to a int field",
    ),
    (
        "unknown model option",
        {"models": {"Task": {"fields": {"title": "str"}, "soft": True}}},
        "Task: unknown model option 'soft' (allowed: access, fields, mcp, plural, relations, "
        "soft_delete, timestamps)",
    ),
    (
        "unknown relation option",
        {
            "models": {
                "Task": {
                    "fields": {"title": "str"},
                    "relations": {"parent": {"to": "Task", "ondelete": "cascade"}},
                }
            }
        },
        "Task.parent: unknown relation option 'ondelete' (allowed: back, many, on_delete, "
        "required, to)",
    ),
    (
        "relation to a missing model",
        {"models": {"Task": {"fields": {"title": "str"}, "relations": {"owner": {"to": "User"}}}}},
        "Task.owner: relation to unknown model 'User' (models: Task)",
    ),
    (
        "back colliding with a field of its target",
        {
            "models": {
                "Project": {"fields": {"tasks": "int"}},
                "Task": {
                    "fields": {"title": "str"},
                    "relations": {"project": {"to": "Project", "back": "tasks"}},
                },
            }
        },
        "the back of relation Task.project on Project: the name 'tasks' collides with "
        "field Project.tasks",
    ),
    (
        "two relations with the same back",
        {
            "models": {
                "Person": {"fields": {"name": "str"}},
                "Task": {
                    "fields": {"title": "str"},
                    "relations": {
                        "owner": {"to": "Person", "back": "tasks"},
                        "reviewer": {"to": "Person", "back": "tasks"},
                    },
                },
            }
        },
        "the back of relation Task.reviewer on Person: the name 'tasks' collides with "
        "the back of relation Task.owner on Person",
    ),
    (
        "foreign key column colliding with a field",
        {
            "models": {
                "Project": {"fields": {"name": "str"}},
                "Task": {
                    "fields": {"project_id": "int"},
                    "relations": {"project": {"to": "Project"}},
                },
            }
        },
        "relation Task.project: the name 'project_id' collides with field Task.project_id",
    ),
    (
        "two models with one table",
        {"models": {"HTTPLog": VALID_TASK, "HttpLog": VALID_TASK}},
        "HttpLog: its table or type name 'http_log' collides with HTTPLog",
    ),
    (
        "two models with one plural",
        {"models": {"Task": {**VALID_TASK, "plural": "items"}, "Item": VALID_TASK}},
        "Task: its plural 'items' collides with Item",
    ),
    (
        "an enum class named like the model's order type",
        {"models": {"Task": {"fields": {"order": {"type": "enum", "values": ["a"]}}}}},
        "enum Task.order: its class name 'TaskOrder' collides with model Task",
    ),
    (
        "field name not an identifier",
        {"models": {"Task": {"fields": {"Title": "str"}}}},
        "Task.Title: field name 'Title' is not a snake_case identifier (lowercase letters, digits "
        "and single underscores, starting with a letter)",
    ),
    (
        "model name not PascalCase",
        {"models": {"task": VALID_TASK}},
        "models: model name 'task' is not PascalCase (a capital letter, then letters and digits)",
    ),
    (
        "field name a keyword",
        {"models": {"Task": {"fields": {"class": "str"}}}},
        "Task.class: field name 'class' is a Python keyword",
    ),
    (
        "model name a keyword",
        {"models": {"Import": VALID_TASK}},
        "Import: its snake_case name 'import' is a Python keyword",
    ),
    (
        "reserved id",
        {"models": {"Task": {"fields": {"id": "int"}}}},
        "Task.id: field name 'id' is reserved (every model has it, or SQLModel uses it)",
    ),
    (
        "reserved timestamp column",
        {"models": {"Task": {"fields": {"created_at": "datetime"}}}},
        "Task.created_at: field name 'created_at' is reserved (every model has it, or SQLModel "
        "uses it)",
    ),
    (
        "reserved soft-delete column",
        {"models": {"Task": {"fields": {"deleted_at": "datetime"}}}},
        "Task.deleted_at: field name 'deleted_at' is reserved (every model has it, or SQLModel "
        "uses it)",
    ),
    (
        "reserved SQLModel attribute",
        {"models": {"Task": {"fields": {"metadata": "json"}}}},
        "Task.metadata: field name 'metadata' is reserved (every model has it, or SQLModel "
        "uses it)",
    ),
    (
        "reserved pydantic attribute",
        {"models": {"Task": {"fields": {"model_config": "json"}}}},
        "Task.model_config: field name 'model_config' is reserved (every model has it, or "
        "SQLModel uses it)",
    ),
    (
        "reserved registry",
        {
            "models": {
                "Task": {"fields": {"title": "str"}, "relations": {"registry": {"to": "Task"}}}
            }
        },
        "Task.registry: relation name 'registry' is reserved (every model has it, or SQLModel "
        "uses it)",
    ),
    (
        "enum without values",
        {"models": {"Task": {"fields": {"status": {"type": "enum"}}}}},
        "Task.status: an enum needs a non-empty list of values",
    ),
    (
        "enum with an invalid value",
        {"models": {"Task": {"fields": {"status": {"type": "enum", "values": ["ok", "not ok"]}}}}},
        "Task.status: enum value 'not ok' is invalid (a string of letters, digits, '_' or '-', "
        "starting with a letter)",
    ),
    (
        "default of the wrong type",
        {"models": {"Task": {"fields": {"priority": {"type": "int", "default": "high"}}}}},
        "Task.priority: default 'high' is not an integer",
    ),
    (
        "enum default outside its values",
        {
            "models": {
                "Task": {
                    "fields": {"status": {"type": "enum", "values": ["a", "b"], "default": "c"}}
                }
            }
        },
        "Task.status: default 'c' is not one of the enum values (a, b)",
    ),
    (
        "enum type named like a table",
        {
            "models": {
                "TaskStatus": {"fields": {"name": "str"}},
                "Task": {"fields": {"status": {"type": "enum", "values": ["open", "done"]}}},
            }
        },
        "the enum type of Task.status: its table or type name 'task_status' collides with "
        "TaskStatus",
    ),
    (
        "unique bool",
        {"models": {"Task": {"fields": {"done": {"type": "bool", "unique": True}}}}},
        "Task.done: a bool field cannot be unique (its few values would cap the table's rows)",
    ),
    (
        "column longer than PostgreSQL allows",
        {
            "models": {
                "Task": {
                    "fields": {"title": "str"},
                    "relations": {
                        "the_task_that_this_one_was_split_off_from_a_long_long_time_ago": {
                            "to": "Task"
                        }
                    },
                }
            }
        },
        f"Task.{LONG_NAME}: its column '{LONG_NAME}_id' is longer than PostgreSQL's 63 "
        "characters; shorten the relation name",
    ),
    (
        "set_null on a required relation",
        {
            "models": {
                "Project": {"fields": {"name": "str"}},
                "Task": {
                    "fields": {"title": "str"},
                    "relations": {
                        "project": {"to": "Project", "required": True, "on_delete": "set_null"}
                    },
                },
            }
        },
        "Task.project: on_delete set_null cannot apply to a required relation (its column is "
        "NOT NULL)",
    ),
    (
        "required relation to the model itself",
        {
            "models": {
                "Task": {
                    "fields": {"title": "str"},
                    "relations": {"parent": {"to": "Task", "required": True}},
                }
            }
        },
        "Task.parent: a required relation to the model itself leaves no way to create the "
        "first Task",
    ),
    (
        "many-to-one relations looping between models",
        {
            "models": {
                "Team": {"fields": {"name": "str"}, "relations": {"captain": {"to": "Player"}}},
                "Player": {"fields": {"name": "str"}, "relations": {"team": {"to": "Team"}}},
            }
        },
        "Player: many-to-one relations loop back (Player → Team → Player); keep one direction and "
        "use `back` for the other",
    ),
    (
        "package name a keyword",
        {"package_name": "class"},
        "package_name 'class' is a Python keyword",
    ),
    (
        "package name shadowing the standard library",
        {"package_name": "json"},
        "package_name 'json' would shadow the standard library module of that name",
    ),
    (
        "package name not an identifier",
        {"package_name": "My-App"},
        "package_name 'My-App' is not a lowercase Python identifier (lowercase letters, digits and "
        "underscores, not starting with a digit)",
    ),
    (
        "unknown MCP tool",
        {"models": {"Task": {**VALID_TASK, "mcp": ["list", "show"]}}},
        "Task.mcp: unknown tool 'show' (allowed: list, get, create, update, delete)",
    ),
    (
        "MCP without a tool",
        {"mcp": True, "models": {"Task": {**VALID_TASK, "mcp": False}}},
        "mcp: no model has MCP tools (each one's mcp option is false); answer mcp=false, or give "
        "a model tools",
    ),
    (
        "MCP list filter named like the tool's context",
        {"mcp": True, "api_style": "none", "models": {"Task": {"fields": {"ctx": "str"}}}},
        "Task.ctx: the MCP tool list_tasks names the tool's context 'ctx'; rename the field or "
        "relation, or leave the tool out (mcp: [get, create, update, delete])",
    ),
    (
        "access rules without auth",
        {"models": {"Task": {**VALID_TASK, "access": {"read": "public"}}}},
        "Task.access: access rules need auth (answer auth: api_key or users), not auth: none",
    ),
    (
        "a level API keys cannot enforce",
        {"auth": "api_key", "models": {"Task": {**VALID_TASK, "access": "owner"}}},
        "Task.access.read: 'owner' is not one of: public, users (under auth: api_key)",
    ),
    (
        "public writes",
        {"auth": "api_key", "models": {"Task": {**VALID_TASK, "access": {"write": "public"}}}},
        "Task.access.write: public is for reads only (writing needs credentials)",
    ),
    (
        "a public read including a row that is not",
        {
            "auth": "api_key",
            "models": {
                "Task": {
                    **VALID_TASK,
                    "access": {"read": "public"},
                    "relations": {"owner": {"to": "Person"}},
                },
                "Person": {"fields": {"name": "str"}},
            },
        },
        "Task.access: its read is public, but it includes Person (relation owner), whose read is "
        "users: make Person's read public too",
    ),
    (
        "a level API keys cannot enforce: superusers",
        {"auth": "api_key", "models": {"Task": {**VALID_TASK, "access": "superusers"}}},
        "Task.access.read: 'superusers' is not one of: public, users (under auth: api_key)",
    ),
    (
        "a write more open than the read",
        {"auth": "users", "models": {"Task": {**VALID_TASK, "access": {"read": "superusers"}}}},
        "Task.access: its write (users) is more open than its read (superusers): whoever may "
        "change the rows may read them too",
    ),
    (
        "a users read including a superusers-only row",
        {
            "auth": "users",
            "models": {
                "Task": {**VALID_TASK, "relations": {"owner": {"to": "Person"}}},
                "Person": {"fields": {"name": "str"}, "access": "superusers"},
            },
        },
        "Task.access: its read is users, but it includes Person (relation owner), whose read is "
        "superusers: make Person's read users too",
    ),
    (
        "a model named like the users' own",
        {"auth": "users", "models": {"User": {"fields": {"name": "str"}}}},
        "User: auth: users has models of its own (User, ApiKey, RefreshToken, SignInFailure: the "
        "tables users, api_key, refresh_token and sign_in_failure, the routes under /api/v1/users "
        "and /api/v1/auth): rename this model",
    ),
    (
        "a field named like a list query's method",
        {"models": {"Task": {"fields": {"filters": "str"}}}},
        "Task.filters: field name 'filters' is reserved (every model has it, or SQLModel uses it)",
    ),
    (
        "a description of two lines",
        {"description": "Tasks.\nAnd more.", "models": {"Task": VALID_TASK}},
        "description must be one line of text, without line breaks or control characters (it is "
        "the package's summary, which its metadata holds on one line): got 'Tasks.\\nAnd more.'",
    ),
    (
        "an author's name with a carriage return",
        {"author_name": "Ada\rLovelace", "models": {"Task": VALID_TASK}},
        "author_name must be one line of text, without line breaks or control characters (it is "
        "the package's author, in its metadata): got 'Ada\\rLovelace'",
    ),
    (
        "a model named like a Python keyword",
        {"models": {"True": VALID_TASK}},
        "True: the model name is a Python keyword",
    ),
    (
        "a write more open than an owner's read",
        {"auth": "users", "models": {"Task": {**VALID_TASK, "access": {"read": "owner"}}}},
        "Task.access: its write (users) is more open than its read (owner): whoever may change "
        "the rows may read them too",
    ),
    (
        "a users read including rows only their owners read",
        {
            "auth": "users",
            "models": {
                "Task": {**VALID_TASK, "relations": {"project": {"to": "Project"}}},
                "Project": {"fields": {"name": "str"}, "access": "owner"},
            },
        },
        "Task.access: its read is users, but it includes Project (relation project), whose read "
        "is owner: make Project's read users too",
    ),
    (
        "an owned model's relation taking owner_id",
        {
            "auth": "users",
            "models": {
                "Task": {**VALID_TASK, "access": "owner", "relations": {"owner": {"to": "Person"}}},
                "Person": {"fields": {"name": "str"}},
            },
        },
        "Task: owner_id is its owner's id (its access has the level owner): rename the field or "
        "relation that takes it",
    ),
    (
        "auth with nothing served",
        {"auth": "api_key", "api_style": "none", "models": {"Task": VALID_TASK}},
        "auth: api_key guards what the project serves, and it serves nothing (api_style: none, "
        "mcp: false); answer auth: none, or choose a surface",
    ),
]


@pytest.mark.parametrize(
    ("answers", "message"),
    [pytest.param(answers, message, id=case) for case, answers, message in CASES],
)
def test_invalid_answer_stops_copier_before_writing(
    tmp_path: Path, answers: dict[str, Any], message: str
) -> None:
    data_file = tmp_path / "answers.yml"
    data_file.write_text(yaml.safe_dump(answers))
    destination = tmp_path / "project"
    result = subprocess.run(
        [
            *COPY_WORKING_TREE,
            "--defaults",
            "--data-file",
            str(data_file),
            str(TEMPLATE),
            str(destination),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
        timeout=120,
    )
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1, result.stderr
    assert lines[-1] == message
    assert "Traceback" not in result.stderr
    assert not destination.exists()


def test_a_relative_template_path_is_refused_with_the_absolute_one(tmp_path: Path) -> None:
    destination = tmp_path / "project"
    result = subprocess.run(
        [*COPY_WORKING_TREE, "--defaults", ".", str(destination)],
        cwd=TEMPLATE,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "the template path '.' is relative, and `copier update` would look for it relative to "
        f"wherever it runs: give its absolute path ({TEMPLATE}) or a git URL"
    )
    assert not destination.exists()


def test_rendering_without_ruff_says_how_to_install_it(tmp_path: Path) -> None:
    copier_env = tmp_path / "copier-env"
    uv_env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    run(["uv", "venv", "--quiet", str(copier_env)], tmp_path, uv_env)
    python = str(copier_env / "bin" / "python")
    install = ["uv", "pip", "install", "--quiet", "--python", python]
    run([*install, "copier", "copier-template-extensions"], tmp_path, uv_env)
    destination = tmp_path / "project"
    command = [str(copier_env / "bin" / "copier"), *COPY_WORKING_TREE[1:], "--defaults"]
    result = subprocess.run(
        [*command, str(TEMPLATE), str(destination)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
        check=False,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "rendering needs ruff beside Copier to lay out the generated code: "
        "uvx --with copier-template-extensions --with ruff copier ..., or ruff on PATH"
    )
    assert not destination.exists()


def test_every_name_the_rendered_base_classes_define_is_refused_as_a_field(
    tmp_path: Path,
) -> None:
    """A field named like an attribute of a class of the rendered `models/base.py` would shadow
    it (a field `filters` once made every page of its model a 500): the compiler refuses each
    of them, whatever the base classes come to define."""
    project = copy_default(tmp_path / "project", "--data", "models=" + json.dumps(SOFT_DELETING))
    tree = ast.parse((project / "src" / "my_backend" / "models" / "base.py").read_text())
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    assert {"Schema", "ListQuery", "UpdateSchema", "SoftDeletable"} <= {c.name for c in classes}
    names = {
        target.id if isinstance(target, ast.Name) else target.name
        for node in classes
        for statement in node.body
        for target in (
            statement.targets
            if isinstance(statement, ast.Assign)
            else [statement.target]
            if isinstance(statement, ast.AnnAssign)
            else [statement]
            if isinstance(statement, ast.FunctionDef)
            else []
        )
        if isinstance(target, ast.Name | ast.FunctionDef)
    }
    public = sorted(name for name in names if not name.startswith("_"))
    assert "filters" in public
    for name in public:
        with pytest.raises(SpecError, match=f"field name '{name}' is reserved"):
            compile_spec(
                {"Task": {"fields": {name: "str"}}},
                package_name="app",
                database="sqlite",
                id_type="int",
                api_style="rest",
            )
