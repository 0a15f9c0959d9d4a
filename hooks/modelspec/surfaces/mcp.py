"""MCP: each model's tools for AI agents, at `/mcp` and over stdio (templates in `api/mcp/`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..codegen import ModelSet, ModelView, field_imports
from ..errors import SpecError
from ..fieldtypes import TYPES
from ..spec import ModelDef

TOOLS = ("list", "get", "create", "update", "delete")
"""The tools a model can have, in the order they are listed; the `mcp` model option picks."""
OPTION = "mcp"
CONTEXT = "ctx"
"""The parameter the SDK gives each tool its request's context in."""


@dataclass
class Parameter:
    name: str
    annotation: str


@dataclass
class McpModel:
    """What the MCP templates fill in for one model."""

    tools: list[str]
    """The kinds of tool it has (`TOOLS`, as its `mcp` option picks; all by default)."""
    filters: list[Parameter]
    """The equality filters of its list tool, as REST's list takes them."""
    filter_imports: list[str]
    """What the filters' annotations name (ruff sorts and merges the lines)."""


def tools_of(model: ModelDef) -> list[str]:
    """The kinds of tool the model's `mcp` option asks for: all of them unless it says which
    (a list of `TOOLS`), or none (false)."""
    chosen = model.surface_options.get(OPTION, True)
    where = f"{model.name}.{OPTION}"
    if chosen is True:
        return list(TOOLS)
    if chosen is False:
        return []
    if not isinstance(chosen, list) or not all(isinstance(tool, str) for tool in chosen):
        raise SpecError(
            f"{where}: expected true, false or a list of tools ({', '.join(TOOLS)}), got {chosen!r}"
        )
    for tool in chosen:
        if tool not in TOOLS:
            raise SpecError(f"{where}: unknown tool {tool!r} (allowed: {', '.join(TOOLS)})")
    if len(set(chosen)) < len(chosen):
        raise SpecError(f"{where}: a tool is listed twice")
    return [tool for tool in TOOLS if tool in chosen]


def check_options(models: list[ModelDef]) -> None:
    """The `mcp` option of every model, whether or not the project serves MCP (an update may
    turn it on)."""
    for model in models:
        tools_of(model)


def check(models: list[ModelDef]) -> None:
    """Some model has tools; a list tool's filters are parameters beside the context and the
    model's repository (named as its plural): a field or relation may not take either name."""
    if not any(tools_of(model) for model in models):
        raise SpecError(
            "mcp: no model has MCP tools (each one's mcp option is false); answer mcp=false, "
            "or give a model tools"
        )
    for model in models:
        if "list" not in tools_of(model):
            continue
        taken = {CONTEXT: "the tool's context", model.plural: "the model's repository"}
        filters = [spec.name for spec in model.fields if TYPES[spec.type].filterable]
        filters += [relation.fk_column for relation in model.relations if not relation.many]
        for name in filters:
            if name in taken:
                raise SpecError(
                    f"{model.name}.{name}: the MCP tool list_{model.plural} names {taken[name]} "
                    f"{name!r}; rename the field or relation, or leave the tool out "
                    "(mcp: [get, create, update, delete])"
                )


def model_views(models: ModelSet) -> list[McpModel]:
    views = []
    for model, view in models.pairs():
        filters = _filters(view)
        names = {name for f in filters for name in re.findall(r"[A-Za-z_]\w*", f.annotation)}
        sources = _import_sources(model, models.options.package)
        views.append(
            McpModel(
                tools=tools_of(model),
                filters=filters,
                filter_imports=sorted({sources[name] for name in names if name in sources}),
            )
        )
    return views


@dataclass
class McpSpec:
    """What the MCP templates fill in for the whole spec."""

    kinds: list[str]
    """The kinds of tool some model has, in `TOOLS`' order."""
    count: int
    """How many tools the server lists."""
    example: int
    """The model the tests call over HTTP and stdio (the first with a get tool, or with any)."""
    references: bool
    """Whether a model with a create tool has a required relation (a reference to refuse)."""
    uniques: bool
    """Whether a model with a create tool has a unique field the tests can repeat."""


def spec_view(models: ModelSet) -> McpSpec:
    chosen = [tools_of(model) for model in models.definitions]
    creating = [view for view, tools in zip(models.views, chosen, strict=True) if "create" in tools]
    with_tools = [index for index, tools in enumerate(chosen) if tools]
    return McpSpec(
        kinds=[kind for kind in TOOLS if any(kind in tools for tools in chosen)],
        count=sum(map(len, chosen)),
        example=next((index for index in with_tools if "get" in chosen[index]), with_tools[0]),
        references=any(view.required_to_one for view in creating),
        uniques=any(view.examples.unique for view in creating),
    )


def _import_sources(model: ModelDef, package: str) -> dict[str, str]:
    """The import of each name the annotations of `model`'s fields may use."""
    lines = {
        "from typing import Annotated",
        "from pydantic import Field",
        f"from {package}.models.base import RowId",
    }
    for spec in model.fields:
        lines |= field_imports(spec, package)
        if spec.type == "enum":
            lines.add(f"from {package}.models import {spec.enum_class}")
    sources: dict[str, str] = {}
    for line in lines:
        if match := re.fullmatch(r"from \S+ import (.+)", line):
            sources.update((name.strip(), line) for name in match[1].split(","))
        elif match := re.fullmatch(r"import \S+ as (\w+)", line):
            sources[match[1]] = line
    return sources


def _filters(view: ModelView) -> list[Parameter]:
    """The list tool's filters: REST's query parameters, with their constraints."""
    filters = [
        Parameter(
            field.name,
            f"Annotated[{field.loose_annotation}, Field({field.constraint_args})]"
            if field.constraint_args
            else field.loose_annotation,
        )
        for field in view.fields
        if field.filterable
    ]
    filters += [Parameter(relation.fk_column, "RowId | None") for relation in view.to_one]
    return filters
