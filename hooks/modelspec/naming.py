"""Identifier rules and English inflection for names derived from the model spec."""

from __future__ import annotations

import hashlib
import keyword
import re
import sys

MAX_IDENTIFIER = 63
"""PostgreSQL's longest identifier (table, column, constraint, index and type names)."""
PASCAL_CASE = re.compile(r"[A-Z][A-Za-z0-9]*")
SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")

_IRREGULAR_PLURALS = {
    "child": "children",
    "person": "people",
    "man": "men",
    "woman": "women",
    "mouse": "mice",
    "goose": "geese",
    "foot": "feet",
    "tooth": "teeth",
    "datum": "data",
    "criterion": "criteria",
    "index": "indices",
    "matrix": "matrices",
    "vertex": "vertices",
}
_UNCOUNTABLE = {"equipment", "information", "news", "series", "species", "data", "metadata"}
_F_PLURALS = {
    "leaf": "leaves",
    "half": "halves",
    "knife": "knives",
    "life": "lives",
    "wife": "wives",
}


def snake_case(name: str) -> str:
    """`TaskLabel` → `task_label`, `HTTPLog` → `http_log`."""
    words = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", words).lower()


def constant_case(value: str) -> str:
    """`in-progress` → `IN_PROGRESS` (an enum member name); `i` → `I_`, since the linter
    refuses the names `I` and `O` (E741: they read like 1 and 0)."""
    name = re.sub(r"[^A-Za-z0-9]+", "_", value).strip("_").upper()
    return f"{name}_" if name in ("I", "O") else name


def pluralize(snake: str) -> str:
    """A sensible English plural of the last word of a snake_case name."""
    head, _, last = snake.rpartition("_")
    prefix = f"{head}_" if head else ""
    if last in _UNCOUNTABLE:
        return snake
    if last in _IRREGULAR_PLURALS:
        return prefix + _IRREGULAR_PLURALS[last]
    if last in _F_PLURALS:
        return prefix + _F_PLURALS[last]
    if re.search(r"[^aeiou]y$", last):
        return prefix + last[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", last):
        return prefix + last + "es"
    return prefix + last + "s"


# Words that start with a vowel letter and a consonant's sound ("a user", "a one-off").
_CONSONANT_SOUNDS = ("uni", "use", "usu", "uti", "ura", "ure", "uro", "eu", "one", "once")


def with_article(noun: str) -> str:
    """`noun` after its indefinite article: `an article`, `a book`, `a user`."""
    vowel = noun[:1] in "aeiou" and not noun.startswith(_CONSONANT_SOUNDS)
    return f"{'an' if vowel else 'a'} {noun}"


def singularize(snake: str) -> str:
    """The inverse of `pluralize` for the common cases; a name that is not plural is kept."""
    head, _, last = snake.rpartition("_")
    prefix = f"{head}_" if head else ""
    for singular, plural in (*_IRREGULAR_PLURALS.items(), *_F_PLURALS.items()):
        if last == plural:
            return prefix + singular
    if last in _UNCOUNTABLE or re.search(r"(ss|us|is)$", last):
        return snake
    if re.search(r"[^aeiou]ies$", last):
        return prefix + last[:-3] + "y"
    if re.search(r"(s|x|z|ch|sh)es$", last):
        return prefix + last[:-2]
    if last.endswith("s") and len(last) > 1:
        return prefix + last[:-1]
    return snake


def is_stdlib_module(name: str) -> bool:
    """True when `name` would shadow a module of Python's standard library."""
    return name in sys.stdlib_module_names


def is_keyword(name: str) -> bool:
    """True for Python keywords (hard ones; `match`, `type` and `case` are fine as names)."""
    return keyword.iskeyword(name)


def shorten(name: str) -> str:
    """`name` if PostgreSQL takes it whole, else its start and a hash of all of it.

    The rule SQLAlchemy applies to constraint and index names from a naming convention, so that
    every name derived from the spec fits, and the same spec always gives the same names.
    """
    if len(name) <= MAX_IDENTIFIER:
        return name
    digest = hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()
    return f"{name[: MAX_IDENTIFIER - 8]}_{digest[-4:]}"


def camel_case(name: str) -> str:
    """A snake_case name as GraphQL names it (Strawberry's rule): `due_at` → `dueAt`."""
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() if part else "_" for part in rest)
