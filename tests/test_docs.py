"""The documentation site builds strictly, and its pages agree with the code they describe.

- `mkdocs build --strict` passes: a broken link or anchor, a page missing from the nav, fails.
- Every YAML block of docs/*.md is a file of answers (`--data-file`): its keys are questions of
  copier.yml, and the spec compiler accepts it for both databases; README's example of the model
  spec too. A YAML block followed by a `text` block titled `Copier stops with` is refused
  instead, with a `SpecError` whose message starts with that line and fits the heading of the
  Troubleshooting entry it stands under (`<Model>.<field>` placeholders match any text).
- Every message the compiler, the Jinja extension and the layout step can raise is shown, as
  an inline code span, on the Troubleshooting page.
- Every `copier copy` / `copier update` command line of the docs and the README parses with
  Copier's own CLI (the command with `--help` appended: an unknown switch exits 2), has the
  positional arguments its subcommand takes, answers only questions that exist with values they
  take, and runs Copier with the packages rendering needs; uv's own switches parse too.
- The Questions page has an entry for every question Copier asks, with its choices and default.
- The ER diagram on the rendered-project page is the one the compiler draws for the default spec.
"""

from __future__ import annotations

import ast
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from modelspec import SpecError, compile_spec

from tests.support import COPIER, QUESTIONS, TEMPLATE, choices, run

DOCS = TEMPLATE / "docs"
PAGES = sorted(DOCS.glob("*.md"))
README = TEMPLATE / "README.md"
MKDOCS = str(Path(sys.executable).with_name("mkdocs"))
DEFAULT_MODELS = yaml.safe_load(QUESTIONS["models"]["default"])
DATABASES = choices(QUESTIONS["database"])
REFUSAL_TITLE = "Copier stops with"
# Copier's switches that take a value (`copier copy --help`, `copier update --help`).
COPIER_VALUED = {"-a", "--answers-file", "--ask", "-d", "--data", "--data-file", "-r", "--vcs-ref"}
COPIER_VALUED |= {"-s", "--skip", "-x", "--exclude", "-c", "--context-lines", "-o", "--conflict"}
POSITIONALS = {"copy": (2, 2), "update": (0, 1)}
UV_VALUED = {"--with", "--from", "--python", "--directory", "--project", "--group"}
BOOLEANS = {"y", "yes", "t", "true", "on", "1", "n", "no", "f", "false", "off", "0"}


@dataclass(frozen=True)
class Block:
    """A fenced code block of a Markdown page."""

    page: Path
    line: int
    """The line of its opening fence (from 1)."""
    end: int
    """The line of its closing fence."""
    language: str
    title: str
    text: str
    heading: str
    """The last heading above it, as written (an entry of Troubleshooting: its message)."""

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(TEMPLATE)}:{self.line}"


def fenced_blocks(page: Path) -> list[Block]:
    """The page's fenced blocks, outermost only (a fence inside a longer fence is content)."""
    blocks: list[Block] = []
    lines = page.read_text().splitlines()
    heading = ""
    index = 0
    while index < len(lines):
        opening = re.match(r"^(\s*)(`{3,}|~{3,})\s*([\w-]*)(.*)$", lines[index])
        if opening is None:
            if re.match(r"#+ ", lines[index]):
                heading = lines[index].lstrip("#").strip()
            index += 1
            continue
        fence, language, rest = opening.group(2), opening.group(3), opening.group(4)
        title = re.search(r'title="([^"]*)"', rest)
        start = index
        body: list[str] = []
        index += 1
        while index < len(lines) and not re.fullmatch(
            rf"\s*{re.escape(fence[0])}{{{len(fence)},}}\s*", lines[index]
        ):
            body.append(lines[index])
            index += 1
        index += 1
        indent = len(opening.group(1))
        text = "\n".join(line[indent:] for line in body) + "\n"
        blocks.append(
            Block(page, start + 1, index, language, title.group(1) if title else "", text, heading)
        )
    return blocks


def code_spans(text: str) -> list[str]:
    """The inline code spans of Markdown outside fenced blocks (`a`, or ``a `b` c``)."""
    prose = re.sub(r"^(`{3,}).*?^\1\s*$", "", text, flags=re.M | re.S)
    return [match.group(2).strip() for match in re.finditer(r"(`+)(.+?)(?<!`)\1(?!`)", prose)]


def pattern_of(shown: str) -> re.Pattern[str]:
    """A message as a page shows it, `<placeholders>` matching any text."""
    parts = re.split(r"<[^<>]+>", shown)
    return re.compile(".+".join(re.escape(part) for part in parts))


@dataclass(frozen=True)
class Example:
    """A YAML block of answers, and the line Copier refuses it with, if it is refused."""

    block: Block
    refusal: str | None


def examples() -> list[Example]:
    """The YAML blocks of docs/*.md; a refusal is the block right after one (a blank line
    between at most)."""
    found: list[Example] = []
    for page in PAGES:
        blocks = fenced_blocks(page)
        refusals = {
            block.line: block
            for block in blocks
            if (block.language, block.title) == ("text", REFUSAL_TITLE)
        }
        for block in blocks:
            if block.language != "yaml":
                continue
            refusal = refusals.pop(block.end + 2, None) or refusals.pop(block.end + 1, None)
            found.append(Example(block, refusal.text.strip() if refusal else None))
        orphans = [block.where for block in refusals.values()]
        assert not orphans, f"`{REFUSAL_TITLE}` blocks right after no YAML example: {orphans}"
    return found


EXAMPLES = examples()


def compile_answers(answers: dict[str, Any], database: str) -> dict[str, Any]:
    return compile_spec(
        answers.get("models", DEFAULT_MODELS),
        package_name=answers.get("package_name", "my_backend"),
        database=database,
        id_type=answers.get("id_type", "int"),
        api_style=answers.get("api_style", "rest"),
        mcp=answers.get("mcp", False),
        auth=answers.get("auth", "none"),
    )


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    site = tmp_path / "site"
    run([MKDOCS, "build", "--strict", "--quiet", "--site-dir", str(site)], TEMPLATE)
    built = {path.parent.name for path in site.glob("*/index.html")}
    assert {page.stem for page in PAGES if page.stem != "index"} <= built
    assert (site / "index.html").is_file()


def test_a_broken_anchor_fails_the_build(tmp_path: Path) -> None:
    shutil.copytree(DOCS, tmp_path / "docs")
    shutil.copy(TEMPLATE / "mkdocs.yml", tmp_path / "mkdocs.yml")
    with (tmp_path / "docs" / "index.md").open("a") as index:
        index.write("\nSee [a question](questions.md#no-such-question).\n")
    result = subprocess.run(
        [MKDOCS, "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "no-such-question" in result.stderr


def test_the_pages_hold_examples_of_both_kinds() -> None:
    assert sum(example.refusal is None for example in EXAMPLES) >= 30
    assert sum(example.refusal is not None for example in EXAMPLES) >= 50


@pytest.mark.parametrize(
    "example", [pytest.param(example, id=example.block.where) for example in EXAMPLES]
)
def test_a_yaml_example_is_a_file_of_answers_the_compiler_judges_as_shown(
    example: Example,
) -> None:
    answers = yaml.safe_load(example.block.text)
    assert isinstance(answers, dict), f"{example.block.where}: not a mapping of answers"
    unknown = sorted(set(answers) - set(QUESTIONS))
    assert not unknown, f"{example.block.where}: {unknown} are no questions of copier.yml"
    databases = [answers["database"]] if "database" in answers else DATABASES
    for database in databases:
        if example.refusal is None:
            compile_answers(answers, database)
            continue
        with pytest.raises(SpecError) as refused:
            compile_answers(answers, database)
        message = str(refused.value)
        assert example.refusal, f"{example.block.where}: the refusal shows no line"
        assert message.startswith(example.refusal)
        heading = code_spans(example.block.heading)
        assert heading, f"{example.block.where}: under no `### <message>` heading"
        assert pattern_of(heading[0]).fullmatch(message), (heading[0], message)


def test_the_readme_spec_example_compiles() -> None:
    blocks = [block for block in fenced_blocks(README) if block.heading == "The model spec"]
    assert [block.language for block in blocks] == ["yaml"]
    for database in DATABASES:
        compile_answers({"models": yaml.safe_load(blocks[0].text)}, database)


def message_templates() -> list[tuple[str, str]]:
    """Every message hooks/ can stop Copier with, as a regex, and where it is raised."""
    templates: list[tuple[str, str]] = []

    def regex(node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return re.escape(node.value) if node.value else None
        if isinstance(node, ast.JoinedStr):
            return "".join(
                re.escape(part.value)
                if isinstance(part, ast.Constant) and isinstance(part.value, str)
                else ".+"
                for part in node.values
            )
        return None

    for path in sorted((TEMPLATE / "hooks").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            where = f"{path.relative_to(TEMPLATE)}:{getattr(node, 'lineno', 0)}"
            candidates: list[str | None] = []
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
                if node.func.id in {"SpecError", "LayoutError", "UserMessageError"}:
                    candidates.append(regex(node.args[0]))
                elif node.func.id == "_wrong" and len(node.args) == 3:
                    expected = regex(node.args[2])
                    candidates.append(expected and ".+: default .+ is not " + expected)
            elif isinstance(node, ast.FunctionDef) and node.name in {
                "check_package_name",
                "_problem",
                "_source_problem",
            }:
                for returned in ast.walk(node):
                    if isinstance(returned, ast.Return) and returned.value is not None:
                        value = returned.value
                        branches = (
                            [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
                        )
                        candidates += [regex(branch) for branch in branches]
            elif isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "MISSING_RUFF"
                for target in node.targets
            ):
                candidates.append(regex(node.value))
            templates += [(found, where) for found in candidates if found]
    return templates


def test_every_message_of_the_generator_is_on_the_troubleshooting_page() -> None:
    templates = message_templates()
    assert len(templates) >= 60
    spans = code_spans((DOCS / "troubleshooting.md").read_text())
    missing = [
        f"{where}: {template}"
        for template, where in templates
        if not any(re.fullmatch(template, span) for span in spans)
    ]
    assert not missing, "\n".join(missing)


@dataclass(frozen=True)
class Command:
    """One command line of a shell block, as its words."""

    where: str
    words: list[str]


def commands() -> list[Command]:
    found: list[Command] = []
    for page in [*PAGES, README]:
        for block in fenced_blocks(page):
            if block.language not in {"sh", "bash", "shell", "console"}:
                continue
            text = block.text.replace("\\\n", " ")
            for number, line in enumerate(text.splitlines()):
                words = shlex.split(line, comments=True)
                command: list[str] = []
                for word in [*words, "&&"]:
                    if word in {"&&", "||", ";", "|"}:
                        if command:
                            found.append(Command(f"{block.where}+{number}", command))
                        command = []
                    elif command or not re.fullmatch(r"[A-Z_]+=.*", word):
                        # Not a variable set for the command (`TEST_DATABASE_URL=... uv run`).
                        command.append(word)
    return found


COMMANDS = commands()
COPIER_COMMANDS = [command for command in COMMANDS if "copier" in command.words]
UV_COMMANDS = [command for command in COMMANDS if command.words[0] in {"uv", "uvx"}]


def answer_problem(question: str, value: str) -> str:
    """What is wrong with `--data question=value`, or `""`."""
    if question not in QUESTIONS:
        return f"{question!r} is no question of copier.yml"
    spec = QUESTIONS[question]
    if "choices" in spec and value not in spec["choices"].values():
        return f"{value!r} is not a choice of {question}"
    if spec["type"] == "bool" and value.lower() not in BOOLEANS:
        return f"{value!r} is not a boolean"
    if spec["type"] == "yaml":
        try:
            yaml.safe_load(value)
        except yaml.YAMLError:
            return f"{value!r} is not YAML"
    return ""


def copier_problems(words: list[str], directory: Path) -> list[str]:
    """What is wrong with a command line that runs Copier; empty when nothing is."""
    at = words.index("copier")
    prefix, arguments = words[:at], words[at + 1 :]
    problems: list[str] = []
    if prefix[:1] == ["uvx"]:
        extras = {prefix[i + 1] for i, word in enumerate(prefix[:-1]) if word == "--with"}
        missing = {"copier-template-extensions", "ruff"} - extras
        problems += [f"uvx runs Copier without --with {name}" for name in sorted(missing)]
    if not arguments or arguments[0] not in POSITIONALS:
        return [*problems, f"{arguments[:1]} is not `copy` or `update`"]
    subcommand, rest = arguments[0], arguments[1:]
    positionals: list[str] = []
    index = 0
    while index < len(rest):
        word = rest[index]
        name, has_value, value = word.partition("=")
        if not word.startswith("-"):
            positionals.append(word)
        elif name in COPIER_VALUED:
            if not has_value:
                index += 1
                value = rest[index] if index < len(rest) else ""
            if name in {"-d", "--data"}:
                question, _, answer = value.partition("=")
                problems += filter(None, [answer_problem(question, answer)])
            if name == "--data-file" and value:
                (directory / value).parent.mkdir(parents=True, exist_ok=True)
                (directory / value).write_text("{}\n")
        index += 1
    low, high = POSITIONALS[subcommand]
    if not low <= len(positionals) <= high:
        problems.append(f"copier {subcommand} takes {low} to {high} paths, not {positionals}")
    parsed = subprocess.run(
        [COPIER, subcommand, *rest, "--help"],
        cwd=directory,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    if parsed.returncode != 0:
        problems.append(f"Copier's CLI refuses it: {parsed.stderr.strip().splitlines()[-1:]}")
    return problems


def test_the_docs_run_copier_both_ways() -> None:
    subcommands = {command.words[command.words.index("copier") + 1] for command in COPIER_COMMANDS}
    assert subcommands == {"copy", "update"}


@pytest.mark.parametrize(
    "command", [pytest.param(command, id=command.where) for command in COPIER_COMMANDS]
)
def test_a_copier_command_of_the_docs_parses(command: Command, tmp_path: Path) -> None:
    assert copier_problems(command.words, tmp_path) == []


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("copier copy --trusted src dst", "Copier's CLI refuses it"),
        ("copier copy --trust --data databse=sqlite src dst", "'databse' is no question"),
        ("copier copy --trust --data database=mysql src dst", "'mysql' is not a choice"),
        ("copier copy --trust -d docker=maybe src dst", "'maybe' is not a boolean"),
        ("copier copy --trust src", "copier copy takes 2 to 2 paths"),
        ("copier update --trust --data-file", "Copier's CLI refuses it"),
        ("uvx --with ruff copier update --trust", "without --with copier-template-extensions"),
        ("copier upgrade", "is not `copy` or `update`"),
    ],
)
def test_the_command_check_catches_a_wrong_command(line: str, problem: str, tmp_path: Path) -> None:
    problems = copier_problems(shlex.split(line), tmp_path)
    assert any(problem in found for found in problems), problems


@pytest.mark.parametrize(
    "command", [pytest.param(command, id=command.where) for command in UV_COMMANDS]
)
def test_uvs_own_switches_in_the_docs_parse(command: Command, tmp_path: Path) -> None:
    words = command.words
    head = ["uvx"] if words[0] == "uvx" else words[:2]
    switches: list[str] = []
    rest = words[len(head) :]
    while rest and rest[0].startswith("-"):
        switches.append(rest.pop(0))
        if switches[-1] in UV_VALUED and rest:
            switches.append(rest.pop(0))
    result = subprocess.run(
        ["uv" if head[0] == "uv" else "uvx", *head[1:], *switches, "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def questions_page_sections() -> dict[str, str]:
    text = (DOCS / "questions.md").read_text()
    sections = re.split(r"^### ", text, flags=re.M)[1:]
    return {code_spans(section.splitlines()[0])[0]: section for section in sections}


@pytest.mark.parametrize("question", sorted(QUESTIONS))
def test_the_questions_page_documents_every_question(question: str) -> None:
    sections = questions_page_sections()
    assert question in sections, f"docs/questions.md has no `### `{question}`` entry"
    for choice in QUESTIONS[question].get("choices", {}).values():
        assert choice in code_spans(sections[question]), f"{question}: choice {choice!r}"
    table = (DOCS / "questions.md").read_text().split("\n### ", 1)[0]
    row = next((line for line in table.splitlines() if line.startswith(f"| `{question}` |")), "")
    assert row, f"the table of docs/questions.md has no row for {question}"
    default = QUESTIONS[question].get("default")
    if isinstance(default, bool):
        assert f"`{str(default).lower()}`" in row
    elif isinstance(default, str) and "{{" not in default and "\n" not in default:
        assert f"`{default}`" in row


def test_the_er_diagram_of_the_rendered_project_page_is_the_default_specs() -> None:
    page = DOCS / "rendered-project.md"
    diagrams = [block.text for block in fenced_blocks(page) if block.language == "mermaid"]
    compiled = compile_answers({}, "postgresql")["er_diagram"]
    assert diagrams == ["erDiagram\n" + "".join(f"{line}\n" for line in compiled)]
