"""Which projects the tests render: covering arrays over the answers, not their full product.

A rendered project costs about half a minute of the two cores its checks run on, and the product
of the answers grows with every question: database x API style x ID type x docker x GitHub
Actions x four specs is already 192 projects. Most bugs need one or two answers to show, a few
need three, so the tests render a covering array instead:

- the render design (tests/test_render_matrix.py): its dimensions are read from copier.yml,
  every question with choices and every boolean, plus `spec` (the template's default and each
  spec of tests/specs). Every pair of values of any two dimensions is in some cell, and every
  combination of values of any three of `INTERACTING` (the answers whose code paths cross most
  in the rendered project; all of them while there are fewer than three).
- the update design (tests/test_update.py): release x spec x database x API style, with every
  combination of a release, a database and an API style. Its releases are those the update
  policy tests (`tests.releases.policy_releases`), and a release refuses the answers its own
  copier.yml did not offer yet.

Combinations refused by design are declared as `Refusal`s, once: no cell holds one, and no pair
or triple that only refused cells hold is required. covertable generates the cells (its
sub-models give mixed strength; its constraints take the refusals) and they are committed to
tests/matrix.yml, so that the projects CI renders do not change with covertable's releases and
show in review. After adding a question, a choice, a spec or a release, write them again:

    uv run python -m tests.matrix

tests/test_matrix.py checks the committed cells against copier.yml, tests/specs and
CHANGELOG.md with its own count (not covertable's), naming any pair or triple left uncovered.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import covertable
import yaml

from tests.releases import Release, policy_releases, release_questions, supported_releases
from tests.support import QUESTIONS, SPECS, choices

MATRIX_FILE = Path(__file__).with_name("matrix.yml")
Value = str | bool
Cell = dict[str, Value]
# A pair or triple of answers: (dimension, value) items in the design's order of dimensions.
Combination = tuple[tuple[str, Value], ...]

# The answers whose code paths cross most in the rendered project: the database under every
# surface (`api_style`, and MCP beside it or alone), each guarded by `auth`.
INTERACTING = ("database", "api_style", "mcp", "auth")
# What the template's CI splits the render design into jobs by: three of the interacting answers,
# whose every combination some cell holds (no job is empty), and none refused alone.
JOB_AXES = ("database", "api_style", "mcp")
# The update design's dimensions besides the release: a spec with relations of every kind and
# the default, and answers; its interacting ones are the release, the database and the API style
# (MCP meets each release, database and API style in pairs).
UPDATE_SPECS = ("default", "relations")
UPDATE_ANSWERS = ("database", "api_style", "mcp")
UPDATE_INTERACTING = ("release", "database", "api_style")
SALTS = 20


@dataclass(frozen=True)
class Refusal:
    """Values the template refuses together, and why."""

    values: Mapping[str, Value]
    reason: str

    def refuses(self, answers: Mapping[str, Value]) -> bool:
        return all(
            name in answers and answers[name] == value for name, value in self.values.items()
        )


# The render design's refusals.
REFUSALS = (
    *(
        Refusal(
            {"api_style": "none", "mcp": False, "auth": auth},
            "auth guards what a project serves, and this one serves nothing",
        )
        for auth in ("api_key", "users")
    ),
    Refusal({"spec": "access", "auth": "none"}, "access rules need auth"),
    Refusal({"spec": "roles", "auth": "none"}, "access rules need auth"),
    Refusal({"spec": "roles", "auth": "api_key"}, "API keys cannot tell superusers"),
)


@dataclass(frozen=True)
class Design:
    """Dimensions with their values, the ones whose triples must be covered, and refusals."""

    name: str
    dimensions: dict[str, tuple[Value, ...]]
    interacting: tuple[str, ...]
    refusals: tuple[Refusal, ...] = field(default=())
    presets: tuple[Cell, ...] = field(default=())
    """Cells that must be rendered whatever else is: the defaults a user gets."""

    def accepts(self, cell: Mapping[str, Value]) -> bool:
        return not any(refusal.refuses(cell) for refusal in self.refusals)

    def product(self) -> list[Cell]:
        """Every accepted combination of all the dimensions: the full matrix."""
        cells = (
            dict(zip(self.dimensions, values, strict=True))
            for values in itertools.product(*self.dimensions.values())
        )
        return [cell for cell in cells if self.accepts(cell)]

    @property
    def strong(self) -> list[str]:
        """The interacting dimensions, whose triples are required when there are three."""
        return [name for name in self.dimensions if name in self.interacting]

    def _groups(self) -> Iterator[tuple[str, ...]]:
        """The groups of dimensions whose every combination of values must be covered."""
        yield from itertools.combinations(self.dimensions, 2)
        if len(self.strong) > 2:
            yield from itertools.combinations(self.strong, 3)

    def requirements(self) -> set[Combination]:
        """Every pair (and triple) of values some accepted cell holds."""
        groups = list(self._groups())
        return {
            tuple((name, cell[name]) for name in group)
            for cell in self.product()
            for group in groups
        }

    def uncovered(self, cells: Iterable[Mapping[str, Value]]) -> list[Combination]:
        """The requirements none of `cells` meets, in a stable order."""
        groups = list(self._groups())
        met = {
            tuple((name, cell[name]) for name in group)
            for cell in cells
            for group in groups
            if all(name in cell for name in group)
        }
        return sorted(self.requirements() - met, key=str)

    def generate(self) -> list[Cell]:
        """A covering array of this design's strength that holds no refused combination."""
        sub_models = [{"fields": self.strong, "strength": 3}] if len(self.strong) > 2 else []
        constraints = [
            {
                "operator": "not",
                "condition": {
                    "operator": "and",
                    "conditions": [
                        {"operator": "eq", "left": name, "value": value}
                        for name, value in refusal.values.items()
                    ],
                },
            }
            for refusal in self.refusals
        ]
        # covertable is greedy: the order it takes the combinations in (its salt) changes the
        # size of what it finds, so the smallest of a few orders is kept.
        rows = min(
            (
                covertable.make(
                    dict(self.dimensions),
                    strength=2,
                    sub_models=sub_models,
                    constraints=constraints,
                    presets=list(self.presets),
                    salt=str(salt),
                )
                for salt in range(SALTS)
            ),
            key=len,
        )
        cells = [{name: row[name] for name in self.dimensions} for row in rows]
        return sorted(
            cells, key=lambda cell: [self.dimensions[name].index(cell[name]) for name in cell]
        )

    @property
    def strength(self) -> str:
        """The strength in words, for the notes and the docs."""
        pairs = "every pair of values of any two dimensions"
        if len(self.strong) > 2:
            return f"{pairs}; every triple of values of {', '.join(self.strong)}"
        return pairs


def describe(combination: Combination) -> str:
    """`database=sqlite, api_style=graphql`."""
    return ", ".join(f"{name}={value}" for name, value in combination)


def value_id(name: str, value: Value) -> str:
    """A value as test ids write it: a boolean as its dimension's name, or `no_` and it."""
    if isinstance(value, bool):
        return name if value else f"no_{name}"
    return value


def cell_id(cell: Mapping[str, Value]) -> str:
    """A test id: the values in order (`default-sqlite-rest-no_mcp-int-docker-...`)."""
    return "-".join(value_id(name, value) for name, value in cell.items())


def question_dimensions(questions: Mapping[str, Mapping[str, Any]]) -> dict[str, tuple[Value, ...]]:
    """The questions with choices (their values, in copier.yml's order) and the booleans."""
    dimensions: dict[str, tuple[Value, ...]] = {}
    for name, question in questions.items():
        if offered := choices(question):
            dimensions[name] = offered
        elif question.get("type") == "bool":
            dimensions[name] = (True, False)
    return dimensions


def spec_names() -> tuple[str, ...]:
    """The template's default spec and every spec of tests/specs."""
    return ("default", *sorted(path.stem for path in SPECS.glob("*.yml")))


def render_design() -> Design:
    """What tests/test_render_matrix.py renders, the default project among it."""
    dimensions = {"spec": spec_names(), **question_dimensions(QUESTIONS)}
    defaults: Cell = {"spec": "default"}
    defaults.update((name, QUESTIONS[name]["default"]) for name in dimensions if name != "spec")
    return Design("render", dimensions, INTERACTING, REFUSALS, presets=(defaults,))


def update_design(releases: Iterable[Release] | None = None) -> Design:
    """What tests/test_update.py updates: from each of `releases` (by default those the update
    policy tests), the releases refusing the answers they did not offer."""
    releases = list(policy_releases() if releases is None else releases)
    head = question_dimensions(QUESTIONS)
    dimensions: dict[str, tuple[Value, ...]] = {
        "release": tuple(release.tag for release in releases),
        "spec": UPDATE_SPECS,
        **{name: head[name] for name in UPDATE_ANSWERS},
    }
    refusals = tuple(
        Refusal({"release": release.tag, name: value}, f"{release.tag} has no {name} {value}")
        for release in releases
        for name, offered in _offered(release).items()
        for value in head[name]
        if value not in offered
    )
    return Design("update", dimensions, UPDATE_INTERACTING, refusals)


def full_update_design() -> Design:
    """The update design from every supported release, not only those the policy tests."""
    return update_design(supported_releases())


def _offered(release: Release) -> dict[str, tuple[Value, ...]]:
    """The values of the update design's answers that `release`'s copier.yml offered: a
    question it did not ask has the value an update gives it, its default."""
    offered = question_dimensions(release_questions(release))
    return {name: offered.get(name, (QUESTIONS[name]["default"],)) for name in UPDATE_ANSWERS}


def designs() -> tuple[Design, Design]:
    return render_design(), update_design()


def committed_cells() -> dict[str, list[Cell]]:
    """The cells tests/matrix.yml holds, by design."""
    matrix: dict[str, dict[str, Any]] = yaml.safe_load(MATRIX_FILE.read_text())
    return {name: section["cells"] for name, section in matrix.items()}


def cells(design: str, *, full: bool) -> list[Cell]:
    """The cells the tests of `design` (`render` or `update`) check: the committed covering
    array, or with `full` every accepted combination."""
    if full:
        return {"render": render_design, "update": full_update_design}[design]().product()
    return committed_cells()[design]


def write_cells() -> None:
    """Generate every design's cells and commit-ready tests/matrix.yml."""
    sections = {}
    for design in designs():
        cells = design.generate()
        if missing := design.uncovered(cells):
            raise SystemExit(f"covertable left {describe(missing[0])} uncovered ({design.name})")
        sections[design.name] = {"strength": design.strength, "cells": cells}
    header = "# Written by `uv run python -m tests.matrix` (see tests/matrix.py): do not edit.\n"
    body = yaml.safe_dump(sections, sort_keys=False, default_flow_style=None, width=160)
    MATRIX_FILE.write_text(header + body)


if __name__ == "__main__":
    write_cells()
    for name, written in committed_cells().items():
        print(f"{name}: {len(written)} cells")
