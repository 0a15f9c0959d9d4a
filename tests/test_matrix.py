"""The committed cells of tests/matrix.yml have the strength tests/matrix.py promises.

Counted here from copier.yml, tests/specs and CHANGELOG.md, not by covertable: a question, a
choice, a spec or a release added without writing the cells again fails, naming what no cell
renders together (and so does a covertable that leaves a combination out).
"""

from __future__ import annotations

import dataclasses

import pytest

from tests import matrix
from tests.support import QUESTIONS

REGENERATE = "write the cells again: uv run python -m tests.matrix"
DESIGNS = {design.name: design for design in matrix.designs()}


@pytest.mark.parametrize("name", DESIGNS)
def test_committed_cells_cover_every_required_pair_and_triple(name: str) -> None:
    missing = DESIGNS[name].uncovered(matrix.committed_cells()[name])
    shown = "; ".join(map(matrix.describe, missing[:5]))
    assert not missing, (
        f"no {name} cell of tests/matrix.yml holds {shown}"
        f"{f' (and {len(missing) - 5} more)' if len(missing) > 5 else ''}; {REGENERATE}"
    )


@pytest.mark.parametrize("name", DESIGNS)
def test_committed_cells_are_accepted_answers(name: str) -> None:
    design = DESIGNS[name]
    for cell in matrix.committed_cells()[name]:
        assert list(cell) == list(design.dimensions), (
            f"{cell} is not a cell of {name}; {REGENERATE}"
        )
        for dimension, value in cell.items():
            assert value in design.dimensions[dimension], (
                f"{dimension}={value} of {matrix.cell_id(cell)} is no longer offered; {REGENERATE}"
            )
        refused = [refusal.reason for refusal in design.refusals if refusal.refuses(cell)]
        assert not refused, f"{matrix.cell_id(cell)} is refused: {refused[0]}; {REGENERATE}"


def test_the_default_project_is_rendered() -> None:
    (defaults,) = DESIGNS["render"].presets
    assert defaults in matrix.committed_cells()["render"]
    for name, question in QUESTIONS.items():
        assert defaults.get(name, question.get("default")) == question.get("default"), name


def test_dimensions_are_every_question_with_choices_every_boolean_and_every_spec() -> None:
    design = DESIGNS["render"]
    assert design.dimensions["spec"] == matrix.spec_names()
    assert set(matrix.spec_names()) >= {"default", "every_field_type", "relations", "edge_cases"}
    for name, question in QUESTIONS.items():
        if "choices" in question or question.get("type") == "bool":
            assert name in design.dimensions, f"question {name} is not a dimension"
    assert set(matrix.INTERACTING) <= set(design.dimensions)


@pytest.mark.parametrize(
    ("dimension", "added"),
    [("database", "a-new-database"), ("spec", "a-new-spec"), ("id_type", "a-new-id-type")],
)
def test_a_choice_added_without_cells_is_named_uncovered(dimension: str, added: str) -> None:
    design = DESIGNS["render"]
    grown = dataclasses.replace(
        design, dimensions={**design.dimensions, dimension: (*design.dimensions[dimension], added)}
    )
    missing = grown.uncovered(design.generate())
    # Exactly every pair (and triple) the new value is part of.
    assert missing
    assert set(missing) == {each for each in grown.requirements() if (dimension, added) in each}


def test_a_question_added_without_cells_is_named_uncovered() -> None:
    design = DESIGNS["render"]
    grown = dataclasses.replace(
        design, dimensions={**design.dimensions, "a_new_question": (True, False)}
    )
    cells = [{**cell, "a_new_question": True} for cell in design.generate()]
    missing = grown.uncovered(cells)
    assert missing
    assert set(missing) == {
        each for each in grown.requirements() if ("a_new_question", False) in each
    }


def test_refused_combinations_are_never_cells_nor_required() -> None:
    design = DESIGNS["render"]
    refusal = matrix.Refusal({"database": "sqlite", "api_style": "graphql"}, "no reason")
    refusing = dataclasses.replace(design, refusals=(refusal,))
    cells = refusing.generate()
    assert not any(refusal.refuses(cell) for cell in cells)
    assert not refusing.uncovered(cells)
    assert (("database", "sqlite"), ("api_style", "graphql")) not in refusing.requirements()
    assert (("database", "sqlite"), ("api_style", "graphql")) in design.requirements()


def test_triples_of_the_interacting_answers_stay_a_small_array() -> None:
    """Every triple of the database, the surfaces and auth that the refusals leave, in a few
    more cells than the pairs alone need."""
    design = DESIGNS["render"]
    assert design.dimensions["auth"] == ("none", "api_key", "users")
    cells = design.generate()
    assert not design.uncovered(cells)
    triples = [combination for combination in design.requirements() if len(combination) == 3]
    # database x api_style x mcp, x auth, mcp x auth; api_style x mcp x auth less the two that
    # serve nothing under an auth.
    assert len(triples) == 2 * 3 * 2 + 2 * 3 * 3 + 2 * 2 * 3 + (3 * 2 * 3 - 2)
    assert len(cells) <= 24, len(cells)
