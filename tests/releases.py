"""The template's releases, and a clone of this repository to update rendered projects from.

Releases are recorded in CHANGELOG.md (`## vX.Y.Z (<commit>)`), because tags do not travel with
every clone: the clone made here tags the recorded commits itself. On top of them it commits the
working tree as it is, then a synthetic release that changes both the spec compiler and the
template, so that an update always has something to bring and its arrival can be checked.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import TEMPLATE, questions, run

CHANGELOG = TEMPLATE / "CHANGELOG.md"
RELEASE_HEADING = re.compile(r"^## (v(\d+)\.(\d+)\.(\d+)) \(([0-9a-f]{40})\)$", re.MULTILINE)
# The update policy's one fact in CHANGELOG.md: updates from releases older than this one are not
# supported (nor tested).
OLDEST_SUPPORTED = re.compile(r"^Oldest supported release: (v\d+\.\d+\.\d+)\.?$", re.MULTILINE)
VERSION_TAG = re.compile(r"v(\d+)\.(\d+)\.(\d+)")
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}

# What the synthetic release changes: a line the compiler adds to every rendered README (its ER
# diagram), a line of a template-owned file no user edits, and the README's description line.
SYNTHETIC_DIAGRAM_LINE = "    %% drawn by the synthetic release"
SYNTHETIC_IGNORE_LINE = "# ignored since the synthetic release"
SYNTHETIC_DESCRIPTION_SUFFIX = " (synthetic release)"
_COMPILER_PATCH = f'''

_compile_spec = compile_spec


def compile_spec(models: object, **options: str) -> dict[str, Any]:  # type: ignore[no-redef]
    """The previous release's compiler, with one more line in the ER diagram."""
    spec = _compile_spec(models, **options)
    spec["er_diagram"] = [*spec["er_diagram"], {SYNTHETIC_DIAGRAM_LINE!r}]
    return spec
'''


@dataclass(frozen=True)
class Release:
    """A released version and the commit it was cut from."""

    tag: str
    version: tuple[int, int, int]
    commit: str


def recorded_releases() -> list[Release]:
    """The releases CHANGELOG.md records, newest first."""
    return [
        Release(match[1], (int(match[2]), int(match[3]), int(match[4])), match[5])
        for match in RELEASE_HEADING.finditer(CHANGELOG.read_text())
    ]


def policy_releases() -> list[Release]:
    """The releases the update tests start from, newest first: the oldest supported one and the
    newest one (the policy of docs/updating.md, which keeps their cost flat as releases
    accumulate; a release in between changed less than the two around it)."""
    releases = recorded_releases()
    match = OLDEST_SUPPORTED.search(CHANGELOG.read_text())
    if match is None:
        pytest.fail("CHANGELOG.md does not say `Oldest supported release: vX.Y.Z`", pytrace=False)
    oldest = next((release for release in releases if release.tag == match[1]), None)
    if oldest is None:
        pytest.fail(
            f"the oldest supported release {match[1]} is not in CHANGELOG.md", pytrace=False
        )
    return [releases[0]] if oldest == releases[0] else [releases[0], oldest]


def supported_releases() -> list[Release]:
    """Every release updates are supported from, newest first (the full update matrix)."""
    oldest = policy_releases()[-1]
    return [release for release in recorded_releases() if release.version >= oldest.version]


def release_questions(release: Release) -> dict[str, dict[str, Any]]:
    """The questions of `release`'s copier.yml (as `tests.support.QUESTIONS` reads HEAD's)."""
    shown = git_status(TEMPLATE, "show", f"{release.commit}:copier.yml")
    if shown.returncode != 0:
        pytest.fail(
            f"this clone lacks {release.tag} ({release.commit}): a shallow clone? Fetch main's "
            "full history.",
            pytrace=False,
        )
    return questions(yaml.safe_load(shown.stdout))


def parse_version(tag: str) -> tuple[int, int, int] | None:
    """`v1.2.3` as `(1, 2, 3)`; None for anything else."""
    match = VERSION_TAG.fullmatch(tag)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def git(repository: Path, *args: str) -> str:
    """Run git in `repository`; its standard output."""
    env = {**os.environ, **GIT_IDENTITY}
    return run(["git", *args], repository, env).stdout


def git_status(repository: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run git in `repository` whatever its exit code."""
    env = {**os.environ, **GIT_IDENTITY}
    return subprocess.run(
        ["git", *args], cwd=repository, env=env, capture_output=True, text=True, check=False
    )


@dataclass(frozen=True)
class TemplateRepository:
    """A clone of this repository: the releases tagged, the working tree and a synthetic release
    committed on top of them (`head`, the newest tag, which `copier update` moves to)."""

    path: Path
    releases: list[Release]
    head: str


def clone_template(destination: Path) -> TemplateRepository:
    """Clone this repository into `destination` and prepare it (see `TemplateRepository`)."""
    git(TEMPLATE.parent, "clone", "--quiet", "--no-hardlinks", str(TEMPLATE), str(destination))
    releases = recorded_releases()
    for release in releases:
        found = git_status(destination, "cat-file", "-e", f"{release.commit}^{{commit}}")
        if found.returncode != 0:
            pytest.fail(
                f"CHANGELOG.md records {release.tag} at {release.commit}, which this clone "
                "lacks: a shallow or single-branch clone? Fetch main's full history.",
                pytrace=False,
            )
        git(destination, "tag", "--force", release.tag, release.commit)
    _commit_working_tree(destination)
    head = _commit_synthetic_release(destination)
    return TemplateRepository(destination, releases, head)


def _commit_working_tree(clone: Path) -> None:
    """Make the clone's HEAD what this checkout holds, uncommitted changes included."""
    listed = git(TEMPLATE, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    git(clone, "rm", "-r", "--quiet", "--ignore-unmatch", ".")
    for name in filter(None, listed.split("\0")):
        source = TEMPLATE / name
        if source.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    git(clone, "add", "--all")
    git(clone, "commit", "--quiet", "--allow-empty", "-m", "The working tree under test")


def _commit_synthetic_release(clone: Path) -> str:
    """Commit and tag a release that changes the compiler and the template; its tag."""
    with (clone / "hooks" / "modelspec" / "__init__.py").open("a") as compiler:
        compiler.write(_COMPILER_PATCH)
    with (clone / "template" / ".gitignore").open("a") as ignore:
        ignore.write(f"{SYNTHETIC_IGNORE_LINE}\n")
    readme = clone / "template" / "README.md.jinja"
    line = "\n{{ description }}\n"
    assert line in readme.read_text(), "the README template lost its description line"
    readme.write_text(
        readme.read_text().replace(line, f"{line[:-1]}{SYNTHETIC_DESCRIPTION_SUFFIX}\n")
    )
    git(clone, "commit", "--quiet", "--all", "-m", "A synthetic release")
    versions = filter(None, map(parse_version, git(clone, "tag", "--list", "v*").split()))
    major, minor, patch = max(versions, default=(0, 0, 0))
    head = f"v{major}.{minor}.{patch + 1}"
    git(clone, "tag", head)
    return head
