"""Rendered Python laid out by ruff, the formatter the rendered project checks itself with.

Templates and the compiler write statements without knowing how long the spec's names make
them; `ruff format` splits them as the project's own `ruff format --check` expects, whatever
their length. It runs while Copier renders, so a `--skip-tasks` render is formatted too.
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


def format_python(source: str, filename: str) -> str:
    """`source` as `ruff format` lays it out; `filename` names it in errors."""
    ruff = ruff_executable()
    if ruff is None:
        raise LayoutError(MISSING_RUFF)
    command = [ruff, "format", "--isolated", f"--line-length={LINE_LENGTH}"]
    command += [f"--target-version={TARGET_VERSION}", f"--stdin-filename={filename}", "-"]
    result = subprocess.run(command, input=source, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        problem = next(iter(result.stderr.strip().splitlines()), "ruff failed")
        raise LayoutError(f"{filename}: the rendered code is not valid Python ({problem})")
    return result.stdout
