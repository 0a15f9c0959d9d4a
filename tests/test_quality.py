"""The generator's own code is held to the bar it sets for rendered projects."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.support import TEMPLATE, run

BIN = Path(sys.executable).parent


def test_generator_code_is_formatted_linted_and_strictly_typed() -> None:
    run([str(BIN / "ruff"), "format", "--check", "hooks", "tests", "bench"], TEMPLATE)
    run([str(BIN / "ruff"), "check", "hooks", "tests", "bench"], TEMPLATE)
    run([str(BIN / "mypy")], TEMPLATE)
