"""Render generated Python expressions the way `ruff format` lays them out.

The template cannot run the formatter (a project rendered with `--skip-tasks` must already be
formatted), so the few statements whose length depends on the spec — field declarations,
relationships, columns of the initial migration — are laid out here: on one line when they fit
in 100 columns, else with the arguments on one indented line, else one argument per line with a
magic trailing comma, splitting nested calls and literals the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

LINE_LENGTH = 100
INDENT = "    "


@dataclass(frozen=True)
class Call:
    """`func(arg, ...)`; also used for literals with `open`/`close` brackets."""

    func: str
    args: tuple[Node, ...] = field(default_factory=tuple)
    open: str = "("
    close: str = ")"


@dataclass(frozen=True)
class Kw:
    """A keyword argument `name=value`, or a dict item when `sep` is `": "`."""

    name: str
    value: Node
    sep: str = "="


Node = str | Call | Kw


def call(func: str, *args: Node) -> Call:
    """A call expression."""
    return Call(func, tuple(args))


def dict_literal(items: Mapping[str, Node]) -> Call:
    """A dict literal with string keys (`{"lazy": "raise"}`)."""
    return Call("", tuple(Kw(f'"{key}"', value, ": ") for key, value in items.items()), "{", "}")


def list_literal(items: list[Node]) -> Call:
    """A list literal."""
    return Call("", tuple(items), "[", "]")


def flat(node: Node) -> str:
    """The node on a single line."""
    if isinstance(node, str):
        return node
    if isinstance(node, Kw):
        return f"{node.name}{node.sep}{flat(node.value)}"
    return f"{node.func}{node.open}{', '.join(flat(arg) for arg in node.args)}{node.close}"


def statement(head: str, node: Node, depth: int, tail: str = "") -> str:
    """`head` + `node` + `tail` at `depth` indentation levels, split the way ruff would."""
    return "\n".join(
        _lines(head, node, depth, tail, is_def=head.lstrip().startswith(("def ", "async def ")))
    )


def _lines(head: str, node: Node, depth: int, tail: str, *, is_def: bool = False) -> list[str]:
    indent = INDENT * depth
    one_line = f"{indent}{head}{flat(node)}{tail}"
    if len(one_line) <= LINE_LENGTH:
        return [one_line]
    if isinstance(node, Kw):
        return _lines(f"{head}{node.name}{node.sep}", node.value, depth, tail)
    if isinstance(node, str) or not node.args:
        return [one_line]
    opening = f"{indent}{head}{node.func}{node.open}"
    closing = f"{indent}{node.close}{tail}"
    body = ", ".join(flat(arg) for arg in node.args)
    if is_def and len(node.args) == 1:
        # A signature split around a lone parameter gets a magic trailing comma.
        body += ","
    # A split collection literal always goes one element per line; call arguments may share one.
    is_literal = not node.func and node.open in "[{"
    if not (is_literal and len(node.args) > 1) and len(INDENT * (depth + 1) + body) <= LINE_LENGTH:
        return [opening, INDENT * (depth + 1) + body, closing]
    if len(node.args) == 1:
        return [opening, *_lines("", node.args[0], depth + 1, ""), closing]
    lines = [opening]
    for arg in node.args:
        lines.extend(_lines("", arg, depth + 1, ","))
    lines.append(closing)
    return lines
