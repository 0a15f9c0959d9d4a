"""REST: a FastAPI router per model under `/api/v1` (templates in `api/routes/`)."""

from __future__ import annotations

from dataclasses import dataclass

from ..codegen import ModelSet, ModelView
from ..spec import ModelDef

STATUSES = tuple(
    f"status.HTTP_{name}"
    for name in ("400_BAD_REQUEST", "404_NOT_FOUND", "409_CONFLICT", "413_CONTENT_TOO_LARGE")
)
"""Starlette's names of the error statuses a route documents (RFC 9110's names: Python 3.11's
`HTTPStatus` has older ones)."""


@dataclass
class RestModel:
    """What the REST templates fill in for one model."""

    item_path: str
    """The URL of one row, as the tests format it."""
    id_path: str
    """The route's path segment of one row: `{task_id}`."""
    errors: dict[str, str]
    """By route (`create`, `get`, `update`, `delete`, `collection`): the arguments of
    `error_responses(...)`, the error statuses it documents besides FastAPI's 422."""
    public: list[str]
    """The routes anyone may call without credentials: `list`, `get`, and the name of each
    collection of rows referring to it (when those are public to read too)."""


def check(_models: list[ModelDef]) -> None:
    """The routes' names are the models' (checked with the spec): nothing more to refuse."""


def model_views(models: ModelSet) -> list[RestModel]:
    public = {model.name for model, _ in models.pairs() if model.public_read}
    return [
        RestModel(
            item_path=f"/api/v1/{view.plural}/{{{view.snake}_id}}",
            id_path=f"{{{view.snake}_id}}",
            errors=_errors(model, view),
            public=_public(model, view, public),
        )
        for model, view in models.pairs()
    ]


def _public(model: ModelDef, view: ModelView, public: set[str]) -> list[str]:
    if not model.public_read:
        return []
    collections = [c.name for c in view.collections if c.source in public]
    return ["list", "get", *collections]


def spec_view(_models: ModelSet) -> None:
    """REST needs nothing of the whole spec besides the models."""


def _errors(model: ModelDef, view: ModelView) -> dict[str, str]:
    """The error statuses each route of the model can answer, besides FastAPI's 422: 400 for a
    body that is not JSON text, 404 for a missing row, 409 for a write that clashes with other
    rows (a duplicate unique value, a referred-to row that does not exist, a delete that a
    restricting foreign key refuses), 413 for a body over the size limit."""
    clashes = any(f.unique for f in view.fields) or bool(view.to_one or view.many)
    restricted = not model.soft_delete and any(
        r.on_delete == "restrict" and not r.many for r in model.incoming
    )
    bad, missing, conflict, too_large = STATUSES
    codes = {
        "create": [bad, *([conflict] if clashes else []), too_large],
        "get": [missing],
        "update": [bad, missing, *([conflict] if clashes else []), too_large],
        "delete": [missing, *([conflict] if restricted else [])],
        "collection": [missing],
    }
    return {route: ", ".join(found) for route, found in codes.items()}
