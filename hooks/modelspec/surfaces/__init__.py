"""The surfaces a rendered project serves its models on: each one a plug-in of the compiler.

A surface is asked for by an answer (a choice of `api_style`, or a question of its own), may
refuse names its code would clash with, and adds a view of each model (and of the whole spec)
for its templates, which live in a folder of their own (`api/routes/`, `api/graphql/`,
`api/mcp/`). This module is the one list of them; docs/generator.md says how to add one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..codegen import ModelSet
from ..spec import ModelDef
from . import graphql, mcp, rest


@dataclass(frozen=True)
class Surface:
    """A way of serving the models, and the compiler's part of it."""

    name: str
    title: str
    """What it serves, in a sentence: `the REST API`."""
    api_style: bool
    """Whether it is a choice of `api_style` (one of them at most), or a question of its own."""
    check: Callable[[list[ModelDef]], None]
    """Raises `SpecError` for names the surface's code cannot have."""
    model_views: Callable[[ModelSet], list[Any]]
    """What its templates fill in for each model, in the order of the models."""
    spec_view: Callable[[ModelSet], Any]
    """What its templates fill in for the whole spec."""
    model_options: frozenset[str] = field(default=frozenset())
    """The options of a model it reads (`mcp`), which every spec may hold."""
    check_options: Callable[[list[ModelDef]], None] | None = None
    """Raises `SpecError` for a model option it cannot read, whether it is served or not."""


SURFACES = (
    Surface("rest", "the REST API", True, rest.check, rest.model_views, rest.spec_view),
    Surface(
        "graphql", "the GraphQL API", True, graphql.check, graphql.model_views, graphql.spec_view
    ),
    Surface(
        "mcp",
        "MCP tools",
        False,
        mcp.check,
        mcp.model_views,
        mcp.spec_view,
        model_options=frozenset({mcp.OPTION}),
        check_options=mcp.check_options,
    ),
)
API_STYLES = (*(surface.name for surface in SURFACES if surface.api_style), "none")
"""The choices of `api_style`: the surfaces it chooses between, or none of them."""


def served(api_style: str, questions: Mapping[str, bool]) -> list[Surface]:
    """The surfaces the answers ask for: the `api_style` chosen, and those answered yes."""
    return [
        surface
        for surface in SURFACES
        if (surface.name == api_style if surface.api_style else questions.get(surface.name))
    ]
