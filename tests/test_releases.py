"""Releases are recorded where every clone finds them, and renames between them are migrated."""

from __future__ import annotations

import sys

import yaml

from tests.releases import (
    TemplateRepository,
    git,
    git_status,
    parse_version,
    policy_releases,
    recorded_releases,
)
from tests.support import TEMPLATE, questions, run


def test_changelog_records_releases_newest_first_on_mains_history(
    template: TemplateRepository,
) -> None:
    releases = recorded_releases()
    assert releases, "CHANGELOG.md records no release"
    versions = [release.version for release in releases]
    assert versions == sorted(set(versions), reverse=True), "releases are not newest first"
    for release in releases:
        ancestor = git_status(template.path, "merge-base", "--is-ancestor", release.commit, "HEAD")
        assert ancestor.returncode == 0, f"{release.tag} ({release.commit}) is not on main"


def test_tags_of_this_clone_agree_with_the_changelog() -> None:
    recorded = {release.tag: release.commit for release in recorded_releases()}
    for tag in git(TEMPLATE, "tag", "--list", "v*").split():
        if parse_version(tag):
            commit = git(TEMPLATE, "rev-list", "-n", "1", tag).strip()
            assert recorded.get(tag) == commit, (
                f"tag {tag} is at {commit}, not as CHANGELOG.md says"
            )


def test_answers_and_owned_files_of_every_release_are_kept_or_migrated(
    template: TemplateRepository,
) -> None:
    head = yaml.safe_load((TEMPLATE / "copier.yml").read_text())
    migration_versions = [
        version
        for migration in head.get("_migrations", [])
        if (version := parse_version(str(migration.get("version"))))
    ]
    for release in template.releases:
        old = yaml.safe_load(git(template.path, "show", f"{release.commit}:copier.yml"))
        gone = set(questions(old)) - set(questions(head))
        gone |= set(old.get("_skip_if_exists", [])) - set(head.get("_skip_if_exists", []))
        if gone:
            assert any(version > release.version for version in migration_versions), (
                f"{', '.join(sorted(gone))} of {release.tag} renamed or removed, "
                "with no _migrations entry for a later version to move them"
            )


def test_update_tests_start_from_every_release_the_policy_names() -> None:
    """The oldest supported release and the newest one (docs/updating.md): a release cut, or
    the oldest supported one moved, without the update cells following fails here."""
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
    collected = run([*command, "tests/test_update.py"], TEMPLATE).stdout
    started_from = {
        line.partition("[")[2].partition("-")[0]
        for line in collected.splitlines()
        if "::test_update_keeps_user_work_and_brings_new_models[" in line
    }
    policy = {release.tag for release in policy_releases()}
    assert started_from >= policy, (
        f"the update tests do not start from {', '.join(sorted(policy - started_from))}, which "
        "the update policy names; write the cells again: uv run python -m tests.matrix"
    )
    assert started_from <= policy, f"the update tests start from {started_from - policy} too"


def test_the_oldest_supported_release_is_the_newest_or_older() -> None:
    newest, *_ = recorded_releases()
    oldest = policy_releases()[-1]
    assert oldest.version <= newest.version
