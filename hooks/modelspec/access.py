"""Who may read and write each model: the `auth` answer and each model's `access` option.

A model's access is a level for reading and one for writing (`access: {read: public}`, or one
level for both: `access: users`). The levels a project can enforce depend on how its callers
prove who they are: an API key says that a caller may call, not who it is; a user's token says
who it is, and whether it is a superuser.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import SpecError
from .naming import snake_case
from .spec import ModelDef

AUTH_MODES = ("none", "api_key", "users")
OPTION = "access"
OPERATIONS = ("read", "write")
LEVELS = {"api_key": ("public", "users"), "users": ("public", "users", "owner", "superusers")}
"""The levels each `auth` can enforce, from the most open: `public` (anyone, without
credentials; reads only), `users` (any caller with valid credentials: the default), `owner`
(the user who made the row, and superusers: the model gets an `owner_id`) and `superusers`
(users whose account says they are)."""
OWNER = "owner"
OWNER_COLUMN = "owner_id"
DEFAULT = "users"
USERS_MODELS = {
    "User": "users",
    "ApiKey": "api_key",
    "RefreshToken": "refresh_token",
    "SignInFailure": "sign_in_failure",
}
"""The models `auth: users` adds, by the table each has: a spec's model cannot take their names,
nor the routes under `/api/v1/users` and `/api/v1/auth`."""


@dataclass(frozen=True)
class Access:
    """The level each operation on a model's rows needs."""

    read: str = DEFAULT
    write: str = DEFAULT

    @property
    def default(self) -> bool:
        return self == Access()


def rank(level: str) -> int:
    """How closed a level is: 0 for `public`, more for each level fewer callers have."""
    return LEVELS["users"].index(level)


def access_of(model: ModelDef, auth: str) -> Access:
    """The model's `access` option, checked against what `auth` can enforce."""
    raw = model.access
    where = f"{model.name}.{OPTION}"
    if raw is None:
        return Access()
    if auth == "none":
        raise SpecError(
            f"{where}: access rules need auth (answer auth: api_key or users), not auth: none"
        )
    levels = LEVELS[auth]
    if isinstance(raw, str):
        if raw == "public":
            raise SpecError(
                f"{where}: public is for reads only (writing needs credentials); "
                "for public reads write {read: public}"
            )
        raw = dict.fromkeys(OPERATIONS, raw)
    if not isinstance(raw, dict):
        raise SpecError(
            f"{where}: expected a level ({', '.join(levels)}) or a mapping of read and write "
            f"to levels, got {raw!r}"
        )
    unknown = sorted(str(key) for key in raw if key not in OPERATIONS)
    if unknown:
        raise SpecError(f"{where}: unknown operation {unknown[0]!r} (allowed: read, write)")
    for operation, level in raw.items():
        if level not in levels:
            raise SpecError(
                f"{where}.{operation}: {level!r} is not one of: {', '.join(levels)} "
                f"(under auth: {auth})"
            )
    access = Access(**raw)
    if access.write == "public":
        raise SpecError(f"{where}.write: public is for reads only (writing needs credentials)")
    if rank(access.write) < rank(access.read):
        raise SpecError(
            f"{where}: its write ({access.write}) is more open than its read ({access.read}): "
            "whoever may change the rows may read them too"
        )
    return access


def check_included_reads(models: list[ModelDef], accesses: dict[str, Access]) -> None:
    """A read answers the rows it refers to as well: whoever may read a model must be allowed to
    read the models it includes."""
    for model in models:
        read = accesses[model.name].read
        for relation in model.relations:
            included = accesses[relation.target].read
            if rank(included) > rank(read):
                raise SpecError(
                    f"{model.name}.{OPTION}: its read is {read}, but it includes "
                    f"{relation.target} (relation {relation.name}), whose read is {included}: "
                    f"make {relation.target}'s read {read} too"
                )


def check_reserved_names(models: list[ModelDef], auth: str) -> None:
    """Under `auth: users` the project's own models take their names, tables and routes."""
    if auth != "users":
        return
    tables = set(USERS_MODELS.values())
    for model in models:
        if (
            model.name in USERS_MODELS
            or snake_case(model.name) in tables
            or model.plural in {"users", "auth"}
        ):
            raise SpecError(
                f"{model.name}: auth: users has models of its own ({', '.join(USERS_MODELS)}: "
                "the tables users, api_key, refresh_token and sign_in_failure, the routes under "
                "/api/v1/users and /api/v1/auth): rename this model"
            )


def check_owner_names(models: list[ModelDef]) -> None:
    """An owned model's rows name their owner in `owner_id`: no field or relation may take it."""
    for model in models:
        if not model.owned:
            continue
        names = [spec.name for spec in model.fields]
        names += [relation.fk_column for relation in model.relations if not relation.many]
        if OWNER_COLUMN in names:
            raise SpecError(
                f"{model.name}: {OWNER_COLUMN} is its owner's id (its access has the level "
                f"{OWNER}): rename the field or relation that takes it"
            )
