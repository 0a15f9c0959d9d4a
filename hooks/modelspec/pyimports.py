"""Import blocks laid out the way ruff's isort rules (`I001`) expect them."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from .pyfmt import LINE_LENGTH


def _name_key(name: str) -> tuple[int, str]:
    """isort's `order-by-type`: CONSTANTS, then Classes, then everything else."""
    if name.isupper() and len(name) > 1:
        return (0, name)
    if name[:1].isupper():
        return (1, name)
    return (2, name)


@dataclass
class ImportBlock:
    """`import x` and `from x import y` statements, grouped into stdlib, third-party and ours."""

    first_party: str
    modules: set[tuple[str, str | None]] = field(default_factory=set)
    names: dict[str, set[str]] = field(default_factory=dict)

    def module(self, name: str, alias: str | None = None) -> ImportBlock:
        """`import name` or `import name as alias`."""
        self.modules.add((name, alias))
        return self

    def from_(self, module: str, *names: str) -> ImportBlock:
        """`from module import names`."""
        self.names.setdefault(module, set()).update(names)
        return self

    def _section(self, module: str) -> int:
        root = module.split(".")[0]
        if root in sys.stdlib_module_names or root == "__future__":
            return 0
        if root in (self.first_party, "tests"):
            return 2
        return 1

    def render(self, depth: int = 0) -> str:
        """The statements at `depth` indentation levels, sections separated by a blank line."""
        indent = "    " * depth
        sections: list[list[str]] = [[], [], []]
        for name, alias in sorted(self.modules, key=lambda item: item[0].lower()):
            line = f"{indent}import {name}" + (f" as {alias}" if alias else "")
            sections[self._section(name)].append(line)
        for module in sorted(self.names, key=str.lower):
            sections[self._section(module)].append(self._from_line(module, indent))
        return "\n\n".join("\n".join(lines) for lines in sections if lines)

    def _from_line(self, module: str, indent: str) -> str:
        names = sorted(self.names[module], key=_name_key)
        line = f"{indent}from {module} import {', '.join(names)}"
        if len(line) <= LINE_LENGTH:
            return line
        body = "".join(f"{indent}    {name},\n" for name in names)
        return f"{indent}from {module} import (\n{body}{indent})"
