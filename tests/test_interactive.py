"""`copier copy` answered at its prompts, in a pseudo-terminal, as a user answers it.

The other tests pass their answers as data; this one checks what only the prompts show. The
`models` prompt shows an example and where the reference is; a spec the compiler refuses, or
text that is not YAML, is asked again with one line naming the problem while nothing is written;
and the spec finally accepted is the one rendered and recorded.

Copier's prompts are prompt_toolkit applications: a multiline prompt takes Enter as a new line
and Esc then Enter as "submit", and its validator runs while the user types. A spec is pasted
(bracketed paste) as a user pastes it: typed key by key, prompt_toolkit would keep each line's
indentation on the next. What prompt_toolkit draws is a diff of the screen (it skips characters
that are already there), so a line is read from the terminal only after Ctrl-L has redrawn it all.
"""

from __future__ import annotations

import io
import os
import re
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest
import yaml
from extension import answer_error

from tests.support import COPY_WORKING_TREE, QUESTIONS, TEMPLATE

BEFORE_MODELS = list(QUESTIONS)[: list(QUESTIONS).index("models")]
AFTER_MODELS = list(QUESTIONS)[list(QUESTIONS).index("models") + 1 :]
PACKAGE = "my_backend"  # from the default project name

ROWS, COLUMNS = 60, 200  # wide enough for the longest validation message on one row
TIMEOUT = 60  # seconds for a prompt to appear; the machine may be busy with other suites
RENDER_TIMEOUT = 300

ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][0-9A-Za-z]|[=>])")
CLEAR_SCREEN = "\x1b[2J"
SUBMIT = "\x1b\r"  # Esc then Enter
DELETE_LINE = "\x15"  # Ctrl-U: the line before the cursor, or the line break when there is none
REDRAW = "\x0c"  # Ctrl-L

BAD_SPEC = """\
Customer:
  fields: {name: {type: str, max_length: 100}}
Invoice:
  fields: {total: decimal, number: integr}
  relations: {customer: {to: Customer, back: invoices, required: true}}
"""
GOOD_SPEC = BAD_SPEC.replace("integr", "int")
NOT_YAML = "Invoice:\n  fields: {total: decimal\n"


def _text(raw: str) -> str:
    """What the terminal shows of `raw`, escape sequences left out."""
    return ESCAPE_SEQUENCE.sub("", raw).replace("\r", "")


def _first_line(question: str) -> str:
    return str(QUESTIONS[question]["help"]).splitlines()[0]


class Terminal:
    """`copier copy` of the working tree into `destination`, in a pseudo-terminal."""

    def __init__(self, destination: Path) -> None:
        self.destination = destination
        # ruff lays out the rendered files: the one beside this interpreter.
        path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
        # Without answers to its cursor position requests, prompt_toolkit waits and warns.
        env = {**os.environ, "TERM": "xterm", "PATH": path, "PROMPT_TOOLKIT_NO_CPR": "1"}
        command = [*COPY_WORKING_TREE, str(TEMPLATE), str(destination)]
        self.transcript = io.StringIO()
        self.child = pexpect.spawn(
            command[0],
            command[1:],
            cwd=destination.parent,
            env=env,
            dimensions=(ROWS, COLUMNS),
            encoding="utf-8",
            codec_errors="replace",
            timeout=TIMEOUT,
        )
        self.child.logfile_read = self.transcript

    def expect(self, pattern: str | type[pexpect.EOF], timeout: float = TIMEOUT) -> str:
        """Wait for the regular expression `pattern`; the text shown since the last match."""
        try:
            self.child.expect(pattern, timeout=timeout)
        except pexpect.TIMEOUT:
            what = "timed out"
        except pexpect.EOF:
            what = "copier exited"
        else:
            what = ""
        if what:
            shown = _text(str(self.child.before))[-6000:]
            pytest.fail(
                f"{what} waiting for {pattern!r}; the terminal showed:\n{shown}", pytrace=False
            )
        after = self.child.after if isinstance(self.child.after, str) else ""
        return _text(str(self.child.before) + after)

    def answer_defaults(self, questions: list[str]) -> None:
        """Accept the default answer of each question, in order, once it is asked."""
        for question in questions:
            self.expect(re.escape(_first_line(question)))
            self.child.send("\r")

    def open_models(self) -> str:
        """Answer every earlier question with its default; the models prompt as first shown."""
        self.answer_defaults(BEFORE_MODELS)
        return self.expect(re.escape("Esc then Enter"))

    def replace_answer(self, lines: int, spec: str) -> None:
        """Delete the `lines` lines of the answer, paste `spec` and submit it."""
        self.child.send(DELETE_LINE * 2 * lines)
        self.child.send(f"\x1b[200~{spec}\x1b[201~")
        self.child.send(SUBMIT)

    def problem(self, words: str) -> str:
        """The validation line holding `words`, read after the whole screen is redrawn.

        The escape sequence that follows the line on the screen proves it has arrived whole.
        """
        self.child.send(REDRAW)
        self.expect(re.escape(CLEAR_SCREEN))
        screen = self.expect(f"{re.escape(words)}[^\x1b]*\x1b")
        assert _first_line("models") in screen, f"the models prompt is gone:\n{screen}"
        *_, line = screen.removesuffix("\x1b").splitlines()
        return line.strip()

    def finish(self, timeout: float = RENDER_TIMEOUT) -> int:
        """Copier's exit status, once it has exited."""
        self.expect(pexpect.EOF, timeout=timeout)
        self.child.close()
        status = self.child.exitstatus
        assert status is not None, f"copier ended by signal {self.child.signalstatus}"
        return status

    def interrupt(self) -> int:
        """Stop Copier with Ctrl-C; its exit status."""
        self.child.sendcontrol("c")
        return self.finish(timeout=TIMEOUT)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    """A Copier session rendering into tmp_path/project; ended if the test leaves it running."""
    session = Terminal(tmp_path / "project")
    yield session
    if session.child.isalive():
        session.child.terminate(force=True)


def _default_lines() -> int:
    """How many lines the models prompt starts with: Copier's rendering of the default."""
    default = yaml.safe_load(QUESTIONS["models"]["default"])
    shown = yaml.safe_dump(default, default_flow_style=False, width=2147483647)
    return len(shown.strip().splitlines())


def test_models_prompt_shows_an_example_and_where_the_reference_is(terminal: Terminal) -> None:
    shown = terminal.open_models()
    help_text = str(QUESTIONS["models"]["help"])
    assert help_text.strip() in shown, shown
    assert "docs/spec-reference.md" in help_text
    assert "--data-file models.yml" in help_text
    assert terminal.interrupt() != 0
    assert not terminal.destination.exists()


def test_the_example_in_the_models_help_is_a_valid_spec() -> None:
    help_lines = str(QUESTIONS["models"]["help"]).splitlines()
    example = textwrap.dedent("\n".join(line for line in help_lines if line.startswith("  ")))
    models = yaml.safe_load(example)
    assert isinstance(models, dict), example
    assert answer_error({"_copier_conf": {"data": {}}}, models, "models") == ""


def test_refused_spec_is_asked_again_with_one_line_then_the_fixed_one_is_rendered(
    terminal: Terminal,
) -> None:
    terminal.open_models()
    terminal.replace_answer(_default_lines(), BAD_SPEC)
    problem = terminal.problem("unknown type 'integr'")
    assert re.fullmatch(
        r"Validation error for question 'models': Invoice\.number: unknown type 'integr' "
        r"\(one of: [a-z_, ]+\)",
        problem,
    ), problem
    assert not terminal.destination.exists()

    terminal.replace_answer(BAD_SPEC.count("\n") + 1, GOOD_SPEC)
    terminal.answer_defaults(AFTER_MODELS)
    assert terminal.finish() == 0, _text(terminal.transcript.getvalue())[-6000:]

    models = terminal.destination / "src" / PACKAGE / "models"
    assert (models / "customer.py").is_file()
    assert (models / "invoice.py").is_file()
    assert not (models / "task.py").exists()
    assert not (models / "project.py").exists()
    recorded = yaml.safe_load((terminal.destination / ".copier-answers.yml").read_text())
    assert recorded["models"] == yaml.safe_load(GOOD_SPEC)


def test_text_that_is_not_yaml_is_asked_again_with_one_line(terminal: Terminal) -> None:
    terminal.open_models()
    terminal.replace_answer(_default_lines(), NOT_YAML)
    # Copier (9.19) puts this line in place of the YAML parser's several-line message.
    assert terminal.problem("Invalid input") == "Invalid input"
    assert not terminal.destination.exists()
    assert terminal.interrupt() != 0
    assert not terminal.destination.exists()
