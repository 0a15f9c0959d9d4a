"""Rendered Python laid out by ruff, the tool the rendered project checks itself with.

Templates and the compiler write statements without knowing how long the spec's names make
them, and import lists without knowing how ruff orders names that differ only in case; ruff
sorts the imports and formats the file (and the Python examples of the Markdown files) as the
project's own `ruff check` and `ruff format --check` expect. It runs while Copier renders, so a
`--skip-tasks` render is laid out too.
"""

from __future__ import annotations

import shutil
import subprocess
import sysconfig

LINE_LENGTH = 100
TARGET_VERSION = "py311"
MISSING_RUFF = (
    "rendering needs ruff beside Copier to lay out the generated code: "
    "uvx --with copier-template-extensions --with ruff copier ..., or ruff on PATH"
)


class LayoutError(Exception):
    """ruff is missing, or refused what a template rendered."""


def ruff_executable() -> str | None:
    """ruff installed beside Copier (`uvx --with ruff copier`), else the one on PATH."""
    return shutil.which("ruff", path=sysconfig.get_path("scripts")) or shutil.which("ruff")


def lay_out(source: str, filename: str, first_party: list[str]) -> str:
    """`source` laid out as the project's ruff checks it: a Python file with its imports and
    `__all__` sorted, then formatted; a Markdown file with its Python code blocks formatted;
    anything else as it is.

    `filename` names the file in errors; `first_party` are the project's own top-level modules.
    """
    if not filename.endswith((".py", ".md")):
        return source
    ruff = ruff_executable()
    if ruff is None:
        raise LayoutError(MISSING_RUFF)
    options = ["--isolated", f"--line-length={LINE_LENGTH}", f"--target-version={TARGET_VERSION}"]
    options += [f"--stdin-filename={filename}", "-"]
    if filename.endswith(".py"):
        known = ", ".join(f'"{name}"' for name in first_party)
        sort_imports = ["check", "--select=I,RUF022", "--fix", "--exit-zero", "--quiet"]
        sort_imports += [f"--config=lint.isort.known-first-party = [{known}]"]
        source = _ruff(ruff, [*sort_imports, *options], source, filename)
    return _ruff(ruff, ["format", *options], source, filename)


def _ruff(ruff: str, arguments: list[str], source: str, filename: str) -> str:
    result = subprocess.run(
        [ruff, *arguments], input=source, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        problem = next(iter(result.stderr.strip().splitlines()), "ruff failed")
        raise LayoutError(f"{filename}: the rendered code is not valid Python ({problem})")
    return result.stdout
