"""The contracts engine's limits on work: a finding per schema pair (not per path to it), a cap on findings with
one api.limit finding counting the rest, alias expansion and nesting bounded by a LoadError, never a crash."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from generator.errors import LoadError
from generator.openapi import loader
from generator.openapi.differ import diff
from generator.openapi.limits import Limits

TODAY = datetime.date(2026, 11, 27)


def document(schemas: dict[str, Any], paths: dict[str, Any] | None = None) -> dict[str, Any]:
    ok = {"description": "x", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S0"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": paths if paths is not None else {"/a": {"get": {"responses": {"200": ok}}}},
        "components": {"schemas": schemas},
    }


def pair(tmp_path: Path, base: dict[str, Any], head: dict[str, Any]) -> tuple[loader.Spec, loader.Spec]:
    (tmp_path / "a.json").write_text(json.dumps(base))
    (tmp_path / "b.json").write_text(json.dumps(head))
    return loader.load(str(tmp_path / "a.json")), loader.load(str(tmp_path / "b.json"))


def test_a_diamond_of_refs_is_one_finding_not_one_per_path(tmp_path: Path) -> None:
    depth = 24  # 2**24 paths lead to the last schema
    schemas = {
        f"S{i}": {"type": "object", "properties": {k: {"$ref": f"#/components/schemas/S{i + 1}"} for k in "ab"}}
        for i in range(depth)
    }
    schemas[f"S{depth}"] = {"type": "object", "required": ["x"], "properties": {"x": {"type": "string"}}}
    head = json.loads(json.dumps(schemas))
    head[f"S{depth}"]["required"] = []
    [finding] = diff(*pair(tmp_path, document(schemas), document(head)), TODAY)
    assert finding.rule == "api.response-property-became-optional"
    assert finding.message == "response 200" + ".a" * depth + ": property `x` became optional"


def test_findings_past_the_cap_are_counted_in_one_finding(tmp_path: Path) -> None:
    paths = {f"/p{i}": {"get": {"responses": {"200": {"description": "x"}}}} for i in range(30)}
    found = diff(*pair(tmp_path, document({}, paths), document({}, {})), TODAY, Limits(findings=10))
    assert [f.rule for f in found].count("api.operation-removed") == 10
    [limit] = [f for f in found if f.rule == "api.limit"]
    assert limit.message == "20 more finding(s) not shown: a comparison reports at most 10 (--max-findings)"
    assert limit.file.endswith("b.json") and limit.level == "error"


def test_an_alias_bomb_is_a_load_error(tmp_path: Path) -> None:
    lines = ["openapi: 3.1.0", "info: {title: t, version: '1'}", "paths: {}", "x:", "  a: &a [1, 1, 1, 1, 1, 1, 1, 1]"]
    for previous, name in zip("abcdefghi", "bcdefghij", strict=True):
        lines.append(f"  {name}: &{name} [{', '.join([f'*{previous}'] * 8)}]")
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n")
    assert len((tmp_path / "bomb.yaml").read_bytes()) < 1000
    with pytest.raises(LoadError) as caught:
        loader.load(str(tmp_path / "bomb.yaml"))
    assert caught.value.finding.rule == "api.syntax"
    assert "expands to more than 1000000 values" in caught.value.finding.message
    with pytest.raises(LoadError):  # the same through PyYAML (merge keys send a document there)
        (tmp_path / "merge.yaml").write_text("\n".join(lines) + "\ny: {<<: {k: 1}}\n")
        loader.load(str(tmp_path / "merge.yaml"))


def test_a_few_aliases_load(tmp_path: Path) -> None:
    text = "openapi: 3.1.0\ninfo: &i {title: t, version: '1'}\npaths: {}\nx: *i\ny: {<<: *i}\n"
    (tmp_path / "ok.yaml").write_text(text)
    assert loader.load(str(tmp_path / "ok.yaml")).root.data["y"] == {"title": "t", "version": "1"}


@pytest.mark.parametrize("text", ['{"openapi": "3.1.0", "x": ' + "[" * 50_000 + "]" * 50_000 + "}"])
def test_deep_nesting_is_a_load_error(text: str, tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text(text)
    with pytest.raises(LoadError) as caught:
        loader.load(str(tmp_path / "deep.json"))
    assert str(caught.value).endswith("deep.json:1:1: nested too deeply")


def test_twenty_thousand_removed_paths_are_reported_each_at_its_line(tmp_path: Path) -> None:
    paths = {f"/p{i}": {"get": {"responses": {"200": {"description": "x"}}}} for i in range(20_000)}
    (tmp_path / "a.json").write_text(json.dumps(document({}, paths), indent=1))
    (tmp_path / "b.json").write_text(json.dumps(document({}, {}), indent=1))
    found = diff(loader.load(str(tmp_path / "a.json")), loader.load(str(tmp_path / "b.json")), TODAY, Limits(30_000))
    assert len(found) == 20_000
    lines = (tmp_path / "a.json").read_text().splitlines()
    for finding in found[::1000]:  # each at its operation, under its path
        assert finding.operation is not None and lines[finding.line - 1].strip() == '"get": {'
        assert lines[finding.line - 2].strip() == f'"{finding.operation.split()[1]}": {{'


def test_the_limits_are_flags(tmp_path: Path) -> None:
    from tests.conftest import run_lockstep

    paths = {f"/p{i}": {"get": {"responses": {"200": {"description": "x"}}}} for i in range(5)}
    (tmp_path / "a.json").write_text(json.dumps(document({}, paths)))
    (tmp_path / "b.json").write_text(json.dumps(document({}, {})))
    capped = run_lockstep("diff-api", tmp_path / "a.json", tmp_path / "b.json", "--max-findings", "2")
    assert capped.code == 1 and "error api.limit: 3 more finding(s) not shown" in capped.out
    assert run_lockstep("diff-api", tmp_path / "a.json", tmp_path / "b.json").out.count("api.operation-removed") == 5
    bad = run_lockstep("validate", "--max-nodes", "0")
    assert bad.code == 2 and "`0` is not a positive whole number" in bad.err
