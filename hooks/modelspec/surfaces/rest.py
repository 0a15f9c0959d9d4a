"""REST: a FastAPI router per model under `/api/v1` (templates in `api/routes/`)."""

from __future__ import annotations

from dataclasses import dataclass

from ..codegen import ModelSet, ModelView
from ..spec import ModelDef

SUPERUSERS = "superusers"
COLLECTION = "collection:"
"""The key of a collection's route in `RestModel.errors`: `collection:<name>`."""
STATUSES = tuple(
    f"status.HTTP_{name}"
    for name in (
        "400_BAD_REQUEST",
        "403_FORBIDDEN",
        "404_NOT_FOUND",
        "409_CONFLICT",
        "413_CONTENT_TOO_LARGE",
    )
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
    """By route (`create`, `list`, `get`, `update`, `delete`, `collection:<name>`): the arguments of
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
            errors=_errors(model, view, models),
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


def _errors(model: ModelDef, view: ModelView, models: ModelSet) -> dict[str, str]:
    """The error statuses each route of the model can answer, besides FastAPI's 422 (and the
    401 and 503 of every route): 400 for a body that is not JSON text, 403 for a caller short of
    the `superusers` level it needs (or changing another owner's row that it may read), 404 for
    a missing row, 409 for a write that clashes with other rows (a duplicate unique value, a
    referred-to row that does not exist, a delete that a restricting foreign key refuses), 413
    for a body over the size limit."""
    clashes = any(f.unique for f in view.fields) or bool(view.to_one or view.many)
    restricted = not model.soft_delete and any(
        r.on_delete == "restrict" and not r.many for r in model.incoming
    )
    bad, forbidden, missing, conflict, too_large = STATUSES
    superusers = {operation for operation, level in model.levels.items() if level == SUPERUSERS}
    reads = [forbidden] if "read" in superusers else []
    writes = [forbidden] if "write" in superusers else []
    # A row its caller may read but not change (someone else's, where writing is for owners).
    others = [forbidden] if model.owned and not model.owner_read and not writes else []
    codes = {
        "create": [bad, *writes, *([conflict] if clashes else []), too_large],
        "get": [*reads, missing],
        "list": reads,
        "update": [bad, *writes, *others, missing, *([conflict] if clashes else []), too_large],
        "delete": [*writes, *others, missing, *([conflict] if restricted else [])],
    }
    # A collection's route reads the row, then the rows referring to it.
    sources = {model.name: model for model, _ in models.pairs()}
    for c in view.collections:
        hidden = reads or sources[c.source].levels.get("read") == SUPERUSERS
        codes[f"{COLLECTION}{c.name}"] = [*([forbidden] if hidden else []), missing]
    return {route: ", ".join(found) for route, found in codes.items()}
