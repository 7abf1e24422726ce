"""`lockstep schema`: the shipped schemas and the self-contained ones it prints check a generated repository's
files with the real check-jsonschema, offline (the process cannot open a socket), and reject a wrong file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry

from generator import layout, resources, schemas, yamlio
from generator.model import GateOverride, Overrides
from tests.conftest import BIN, commit, git, run_lockstep
from tests.test_schemas import EXCEPTIONS, RULES_CONFIG

# Loaded before anything else in the check-jsonschema process: every connection attempt fails, so a schema that
# needs the network fails loudly instead of passing here and failing offline elsewhere.
NO_NETWORK = """\
import socket


def _refuse(*args, **kwargs):
    raise OSError("network disabled for this test")


socket.socket.connect = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
"""

# The files of each kind in the repository below, and one edit that makes a file of that kind wrong.
FILES: dict[str, str] = {
    "platform": "platform.yaml",
    "lock": "environments/*/platform.lock.yaml",
    "release": "releases/*.yaml",
    "rollbacks": "environments/*/rollbacks.yaml",
    "overrides": "environments/*/overrides.yaml",
    "arrivals": "environments/*/arrivals/*.yaml",
    "verification": "environments/*/verifications/**/*.yaml",
    "answers": ".lockstep/answers.yaml",
    "config": "new-config.yaml",
    "api-exceptions": ".lockstep/api-exceptions.yaml",
    "rules-config": ".lockstep/config.yaml",
    "values": "environments/*/values/*.yaml",
    "chart": "charts/*/Chart.yaml",
}
BREAK: dict[str, Callable[[Any], Any]] = {
    "platform": lambda d: {**d, "strategy": "sometimes"},
    "lock": lambda d: {**d, "kind": "Lok"},
    "release": lambda d: {**d, "version": "v1"},
    "rollbacks": lambda d: {**d, "colour": "blue"},
    "overrides": lambda d: {**d, "overrides": [{**d["overrides"][0], "gate": "weather"}]},
    "arrivals": lambda d: {**d, "arrivals": [{"at": "yesterday", "platform": "0.2.0"}]},
    "verification": lambda d: {**d, "result": "maybe"},
    "answers": lambda d: {**d, "template": "other"},
    "config": lambda d: {**d, "services": {"Service_A": {"language": "go", "port": 8080}}},
    "api-exceptions": lambda d: {**d, "exceptions": [{**d["exceptions"][0], "expires": "2026-02-30"}]},
    "rules-config": lambda d: {**d, "rules": {"consistency.default-port": "loud"}},
    "values": lambda d: [d],
    "chart": lambda d: {**d, "version": "1.10"},
}


@pytest.fixture(scope="module")
def platform(templates: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository with a file of every kind: made by `lockstep new`, then bump, release, promote, rollback; and
    the files a team writes (the answers of `new --config`, an accept-list, rule levels)."""
    repo = tmp_path_factory.mktemp("schema") / "platform"
    shutil.copytree(templates("combined"), repo, symlinks=True)
    for step in (("bump", "service-a"), ("release",), ("promote", "stage"), ("rollback", "stage", "--to", "0.1.0")):
        result = run_lockstep(*step, "--repo", repo)
        assert result.code == 0, result.err
        commit(repo, " ".join(step))
    git(repo, "config", "user.name", "Jane Doe")
    git(repo, "config", "user.email", "jane@example.com")
    for step in (
        ("verify", "--env", "dev", "--service", "service-a", "--check", "unit-tests", "--result", "passed"),
        ("stamp",),
    ):
        result = run_lockstep(*step, "--repo", repo, "--now", "2026-11-28T10:00:00Z")
        assert result.code == 0, result.err
    by, at = "Jane Doe <jane@example.com>", "2026-11-28T10:00:00Z"
    overrides = Overrides("stage", (GateOverride(at, "freeze", "hotfix", by, platform="0.2.0"),)).as_data()
    # by hand: `promote --override` records one only where a gate holds, and this platform has no gates
    (repo / layout.overrides("stage")).write_text(yamlio.dumps(overrides))
    answers = yamlio.loads((repo / ".lockstep/answers.yaml").read_text(), "answers").data["answers"]
    (repo / "new-config.yaml").write_text(yamlio.dumps(answers))
    (repo / ".lockstep/api-exceptions.yaml").write_text(EXCEPTIONS)
    (repo / ".lockstep/config.yaml").write_text(RULES_CONFIG)
    assert run_lockstep("validate", "--repo", repo).code == 0  # what a team writes, lockstep accepts
    return repo


def _check_jsonschema(schema: Path, files: list[Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    guard = cwd / "no-network"
    guard.mkdir(exist_ok=True)
    (guard / "sitecustomize.py").write_text(NO_NETWORK)
    return subprocess.run(
        [str(BIN / "check-jsonschema"), "--schemafile", str(schema), *map(str, files)],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(guard)},
        capture_output=True,
        text=True,
        check=False,
    )


def _files(repo: Path, kind: str) -> list[Path]:
    found = sorted(repo.glob(FILES[kind]))
    return [path for path in found if kind != "release" or path.parent.name == "releases"]


def _data(path: Path) -> Any:
    """A file's data as lockstep and check-jsonschema read it (YAML 1.2: a date stays text)."""
    return yamlio.loads(path.read_text(), path.name).data


def test_the_guard_refuses_the_network(tmp_path: Path) -> None:
    """What makes the tests below mean "offline": a schema that needs the network fails with the guard's error."""
    remote = tmp_path / "remote.json"
    remote.write_text(json.dumps({"$ref": "https://json.example/common.schema.json#/$defs/name"}))
    (tmp_path / "a.yaml").write_text("a: 1\n")
    result = _check_jsonschema(remote, [tmp_path / "a.yaml"], tmp_path)
    assert result.returncode != 0
    assert "network disabled for this test" in result.stdout + result.stderr


@pytest.mark.parametrize("source", ["shipped", "printed"])
@pytest.mark.parametrize(  # a process per kind and source: the lock alone in the fast subset
    "kind", [pytest.param(kind, marks=() if kind == "lock" else pytest.mark.slow) for kind in schemas.KINDS]
)
def test_check_jsonschema_accepts_the_repositorys_files_and_rejects_a_wrong_one(
    kind: str, source: str, platform: Path, tmp_path: Path
) -> None:
    good = _files(platform, kind)
    assert good, kind
    bad = tmp_path / f"wrong-{kind}.yaml"
    bad.write_text(yamlio.dumps(BREAK[kind](_data(good[0]))))
    if source == "shipped":
        schema = resources.schema_path(kind)  # beside common.schema.json, which its refs name
    else:
        printed = run_lockstep("schema", kind)
        assert printed.code == 0, printed.err
        schema = tmp_path / f"{kind}.json"  # alone in its folder: nothing to resolve but itself
        schema.write_text(printed.out)
    result = _check_jsonschema(schema, [*good, bad], tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.startswith("Schema validation errors were encountered.")
    assert str(bad) in result.stdout
    assert not any(str(path) in result.stdout for path in good), result.stdout
    assert "network" not in result.stdout + result.stderr

    alone = _check_jsonschema(schema, good, tmp_path)
    assert (alone.returncode, alone.stdout.strip()) == (0, "ok -- validation done")


def test_the_printed_schema_resolves_every_ref_inside_itself(platform: Path) -> None:
    """Validated with an empty registry that retrieves nothing: a ref that left the document would raise."""
    for kind in schemas.KINDS:
        printed = json.loads(run_lockstep("schema", kind).out)
        assert printed == schemas.bundle(kind)
        Draft202012Validator.check_schema(printed)
        validator = Draft202012Validator(
            printed, registry=Registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        for path in _files(platform, kind):
            data = _data(path)
            assert list(validator.iter_errors(data)) == [], path
            assert list(validator.iter_errors(BREAK[kind](data))) != [], path
    lock = schemas.bundle("lock")
    assert lock["$defs"]["common.schema.json"]["$id"] == "common.schema.json"
    assert "$id" not in lock  # its base URI is where it is read from, as for the shipped files


def test_schema_lists_the_kinds_with_the_files_they_describe() -> None:
    listed = run_lockstep("schema")
    assert listed.code == 0
    assert [line.split()[0] for line in listed.out.splitlines()] == list(schemas.KINDS)
    assert "rules-config    lockstep rule levels of a platform repository (.lockstep/config.yaml)\n" in listed.out
    assert run_lockstep("schema", "--list").out == listed.out


def test_an_unknown_schema_is_one_line_and_exit_2() -> None:
    result = run_lockstep("schema", "common")
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("lockstep: error: no schema `common` (schemas: platform, lock, release,")
