"""Calls of a client generated from a rendered project's OpenAPI document (`models.py`, made by
datamodel-code-generator next to this file in a temporary directory): type-checked with
`mypy --strict`, then run against the served default spec by `tests/test_client.py`."""

import sys

import httpx
from models import (
    PageTaskDetail,
    ProjectCreate,
    ProjectRead,
    TaskCreate,
    TaskDetail,
    TaskStatus,
    TaskUpdate,
)

JSON = {"content-type": "application/json"}


def create_project(client: httpx.Client, name: str) -> ProjectRead:
    body = ProjectCreate(name=name).model_dump_json(exclude_unset=True)
    response = client.post("/api/v1/projects", content=body, headers=JSON)
    response.raise_for_status()
    return ProjectRead.model_validate_json(response.content)


def create_task(client: httpx.Client, project: ProjectRead, title: str) -> TaskDetail:
    task = TaskCreate(title=title, priority=2, project_id=project.id)
    response = client.post(
        "/api/v1/tasks", content=task.model_dump_json(exclude_unset=True), headers=JSON
    )
    response.raise_for_status()
    return TaskDetail.model_validate_json(response.content)


def finish_task(client: httpx.Client, task: TaskDetail) -> TaskDetail:
    changes = TaskUpdate(status=TaskStatus.done).model_dump_json(exclude_unset=True)
    response = client.patch(f"/api/v1/tasks/{task.id}", content=changes, headers=JSON)
    response.raise_for_status()
    return TaskDetail.model_validate_json(response.content)


def list_tasks(client: httpx.Client) -> PageTaskDetail:
    response = client.get("/api/v1/tasks", params={"order_by": "-id"})
    response.raise_for_status()
    return PageTaskDetail.model_validate_json(response.content)


def main(base_url: str) -> None:
    with httpx.Client(base_url=base_url) as client:
        project = create_project(client, "generated client")
        task = finish_task(client, create_task(client, project, "first"))
        page = list_tasks(client)
    assert task.project.id == project.id
    assert task.status is TaskStatus.done
    assert [item.id for item in page.items] == [task.id]


if __name__ == "__main__":
    main(sys.argv[1])
