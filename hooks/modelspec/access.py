"""Who may read and write each model: the `auth` answer and each model's `access` option.

A model's access is a level for reading and one for writing (`access: {read: public}`, or one
level for both: `access: users`). The levels a project can enforce depend on how its callers
prove who they are: an API key says that a caller may call, not who it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import SpecError
from .spec import ModelDef

AUTH_MODES = ("none", "api_key")
OPTION = "access"
OPERATIONS = ("read", "write")
LEVELS = ("public", "users")
"""Every level, from the most open: `public` (anyone, without credentials; reads only) and
`users` (any caller with valid credentials: the default)."""
DEFAULT = "users"


@dataclass(frozen=True)
class Access:
    """The level each operation on a model's rows needs."""

    read: str = DEFAULT
    write: str = DEFAULT

    @property
    def default(self) -> bool:
        return self == Access()


def access_of(model: ModelDef, auth: str) -> Access:
    """The model's `access` option, checked against what `auth` can enforce."""
    raw = model.access
    where = f"{model.name}.{OPTION}"
    if raw is None:
        return Access()
    if auth == "none":
        raise SpecError(f"{where}: access rules need auth (answer auth: api_key), not auth: none")
    if isinstance(raw, str):
        if raw == "public":
            raise SpecError(
                f"{where}: public is for reads only (writing needs credentials); "
                "for public reads write {read: public}"
            )
        raw = dict.fromkeys(OPERATIONS, raw)
    if not isinstance(raw, dict):
        raise SpecError(
            f"{where}: expected a level ({', '.join(LEVELS)}) or a mapping of read and write "
            f"to levels, got {raw!r}"
        )
    unknown = sorted(str(key) for key in raw if key not in OPERATIONS)
    if unknown:
        raise SpecError(f"{where}: unknown operation {unknown[0]!r} (allowed: read, write)")
    for operation, level in raw.items():
        if level not in LEVELS:
            raise SpecError(
                f"{where}.{operation}: {level!r} is not one of: {', '.join(LEVELS)} "
                f"(under auth: {auth})"
            )
    if raw.get("write") == "public":
        raise SpecError(f"{where}.write: public is for reads only (writing needs credentials)")
    return Access(**raw)


def check_public_reads(models: list[ModelDef], accesses: dict[str, Access]) -> None:
    """A public read answers the rows it refers to as well: they must be public to read too."""
    for model in models:
        if accesses[model.name].read != "public":
            continue
        for relation in model.relations:
            if accesses[relation.target].read != "public":
                raise SpecError(
                    f"{model.name}.{OPTION}: its read is public, but it includes "
                    f"{relation.target} (relation {relation.name}), whose read is not: "
                    f"make {relation.target}'s read public too"
                )
