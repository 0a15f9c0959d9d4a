"""Access rules tried as a new user would try them: a spec none of the rendered suites was
written for, users made with the project's own command, and clients nobody here wrote (httpx
for REST, the MCP SDK's `Client`, gql for GraphQL), against uvicorn on a real PostgreSQL.

Ada and Bob keep notebooks and entries of their own (`access: owner`); anyone reads bulletins,
which only superusers post, and replies, which only their authors change.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXTransport

from tests.services import Project, Service, render_project, serving
from tests.support import Environment, run

pytestmark = pytest.mark.render

CALLS = Path(__file__).with_name("client") / "mcp_owners.py"
MODELS = {
    "Notebook": {
        "access": "owner",
        "fields": {"title": {"type": "str", "max_length": 100, "unique": True}},
    },
    "Entry": {
        "access": "owner",
        "fields": {"body": "text"},
        "relations": {
            "notebook": {
                "to": "Notebook",
                "back": "entries",
                "required": True,
                "on_delete": "cascade",
            }
        },
    },
    "Bulletin": {
        "access": {"read": "public", "write": "superusers"},
        "fields": {"headline": {"type": "str", "max_length": 200}},
    },
    "Reply": {
        "access": {"read": "public", "write": "owner"},
        "fields": {"text": "text"},
        "relations": {
            "bulletin": {
                "to": "Bulletin",
                "back": "replies",
                "required": True,
                "on_delete": "cascade",
            }
        },
    },
}
API = "/api/v1"


@dataclass
class Person:
    """A user made with `create-user`, signed in through the API."""

    email: str
    password: str
    id: Any = None
    token: str = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@contextmanager
def served(
    tmp_path: Path, api_style: str, *, mcp: bool
) -> Iterator[tuple[Project, Service, dict[str, Person]]]:
    """The spec rendered under `auth: users` and served, with a superuser (root) and two users
    (Ada and Bob) made by the project's own command and signed in."""
    answers = tmp_path / "answers.yml"
    chosen = {"models": MODELS, "auth": "users", "api_style": api_style, "mcp": mcp}
    answers.write_text(yaml.safe_dump(chosen))
    # An environment of its own: the worker's shared one holds the default project.
    environment = Environment(tmp_path / "environment")
    project = render_project(
        tmp_path / "project", environment, "postgresql", "--data-file", str(answers)
    )
    people = {
        name: Person(f"{name}@example.com", secrets.token_urlsafe(12))
        for name in ("root", "ada", "bob")
    }
    with serving(project, tmp_path, {"SECRET_KEY": secrets.token_urlsafe(32)}) as service:
        for name, person in people.items():
            superuser = ["--superuser"] if name == "root" else []
            create_user(project, service, [person.email, *superuser], person.password)
            form = {"username": person.email, "password": person.password}
            signed_in = httpx.post(f"{service.url}{API}/auth/token", data=form)
            assert signed_in.status_code == 200, signed_in.text
            person.token = signed_in.json()["access_token"]
            me = httpx.get(f"{service.url}{API}/users/me", headers=person.headers)
            person.id = me.json()["id"]
        yield project, service, people


def create_user(project: Project, service: Service, arguments: list[str], password: str) -> None:
    """`python -m my_backend create-user`, the password on its standard input."""
    python = str(Path(project.env["UV_PROJECT_ENVIRONMENT"]) / "bin" / "python")
    env = {**project.env, "DATABASE_URL": service.database}
    run([python, "-m", "my_backend", "create-user", *arguments], project.path, env, stdin=password)


def test_owners_public_reads_and_superusers_over_rest_and_mcp(tmp_path: Path) -> None:
    with served(tmp_path, "rest", mcp=True) as (project, service, people):
        root, ada, bob = people["root"], people["ada"], people["bob"]
        with httpx.Client(base_url=f"{service.url}{API}") as http:
            # Bulletins: anyone reads them, only superusers post them.
            assert http.get("/bulletins").status_code == 200
            assert http.get("/notebooks").status_code == 401
            news = {"headline": "Welcome"}
            assert http.post("/bulletins", json=news, headers=ada.headers).status_code == 403
            bulletin = http.post("/bulletins", json=news, headers=root.headers).json()
            # Notebooks: each user's own, titles unique per owner.
            ideas = http.post("/notebooks", json={"title": "Ideas"}, headers=ada.headers).json()
            assert ideas["owner_id"] == ada.id
            again = http.post("/notebooks", json={"title": "Ideas"}, headers=ada.headers)
            assert again.status_code == 409, again.text
            given = {"title": "Ideas", "owner_id": bob.id}
            assert http.post("/notebooks", json=given, headers=ada.headers).status_code == 422
            # Entries: Bob can neither see Ada's nor file his in her notebook.
            body = {"body": "A thought", "notebook_id": ideas["id"]}
            entry = http.post("/entries", json=body, headers=ada.headers).json()
            refused = http.post("/entries", json=body, headers=bob.headers)
            assert refused.status_code == 409, refused.text
            assert refused.json() == {"detail": f"Notebook {ideas['id']} not found"}
            assert http.get("/entries", headers=bob.headers).json()["total"] == 0
            assert http.get("/entries", headers=ada.headers).json()["total"] == 1
            assert http.get("/entries", headers=root.headers).json()["total"] == 1
            mine = f"/entries/{entry['id']}"
            assert http.get(mine, headers=bob.headers).status_code == 404
            assert http.patch(mine, json={"body": "mine"}, headers=bob.headers).status_code == 404
            assert http.delete(mine, headers=bob.headers).status_code == 404
            assert http.get(mine, headers=ada.headers).json()["body"] == "A thought"
            # Replies: anyone reads them, only their author changes them.
            said = {"text": "Hello", "bulletin_id": bulletin["id"]}
            reply = http.post("/replies", json=said, headers=ada.headers).json()
            theirs = f"/replies/{reply['id']}"
            assert http.patch(theirs, json={"text": "Bye"}, headers=bob.headers).status_code == 403
            assert http.get(theirs).json()["text"] == "Hello"
            # Personal API keys, for the MCP clients that cannot sign in.
            keys = {
                person: http.post("/users/me/api-keys", json={"name": "mcp"}, headers=p.headers)
                for person, p in (("ada", ada), ("bob", bob))
            }
            python = str(Path(project.env["UV_PROJECT_ENVIRONMENT"]) / "bin" / "python")
            called = {
                "ada": {"key": keys["ada"].json()["key"], "id": ada.id},
                "bob": {"key": keys["bob"].json()["key"], "id": bob.id},
                "entry": entry["id"],
                "notebook": ideas["id"],
            }
            calls = run([python, str(CALLS), service.url, json.dumps(called)], tmp_path)
            assert "their own rows alone" in calls.stdout, calls.stdout
            # A user deleted by a superuser takes their rows along.
            assert http.delete(f"/users/{ada.id}", headers=root.headers).status_code == 204
            left = http.get("/notebooks", headers=root.headers).json()["items"]
            assert [notebook["owner_id"] for notebook in left] == [bob.id]


def graphql(service: Service, person: Person | None) -> Client:
    """gql's client of `/graphql`, presenting `person`'s access token (none, for None)."""
    headers = {} if person is None else person.headers
    return Client(transport=HTTPXTransport(url=f"{service.url}/graphql", headers=headers))


def ask(client: Client, document: str, **variables: Any) -> dict[str, Any]:
    """The data answering `document`, given `variables`."""
    return client.execute(GraphQLRequest(document, variable_values=variables or None))


def refusal(client: Client, document: str, **variables: Any) -> str:
    """The `extensions.code` of the error that refuses `document`."""
    with pytest.raises(TransportQueryError) as refused:
        ask(client, document, **variables)
    assert refused.value.errors is not None
    code: str = refused.value.errors[0]["extensions"]["code"]
    return code


def test_owners_public_reads_and_superusers_over_graphql(tmp_path: Path) -> None:
    with served(tmp_path, "graphql", mcp=False) as (_, service, people):
        ada, bob = graphql(service, people["ada"]), graphql(service, people["bob"])
        anonymous = graphql(service, None)
        make = "mutation($title: String!) { createNotebook(input: {title: $title}) { id ownerId } }"
        made = ask(ada, make, title="Ideas")["createNotebook"]
        assert made["ownerId"] == str(people["ada"].id)
        assert ask(bob, make, title="Ideas")["createNotebook"]["ownerId"] == str(people["bob"].id)
        read = "query($id: ID!) { notebook(id: $id) { title } }"
        assert ask(ada, read, id=made["id"]) == {"notebook": {"title": "Ideas"}}
        assert ask(bob, read, id=made["id"]) == {"notebook": None}
        pages = "{ notebooks { total } }"
        assert ask(ada, pages) == ask(bob, pages) == {"notebooks": {"total": 1}}
        rename = 'mutation($id: ID!) { updateNotebook(id: $id, input: {title: "Mine"}) { id } }'
        assert refusal(bob, rename, id=made["id"]) == "NOT_FOUND"
        assert refusal(anonymous, pages) == "UNAUTHENTICATED"
        post = 'mutation { createBulletin(input: {headline: "Hi"}) { id } }'
        assert refusal(ada, post) == "FORBIDDEN"
        assert ask(anonymous, "{ bulletins { total } }") == {"bulletins": {"total": 0}}
