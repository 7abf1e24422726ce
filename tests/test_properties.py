"""Property-based tests (hypothesis): whatever bytes or documents arrive, every loader and `diff-api` answer with a
finding or lockstep's own errors, never anything else; and after any sequence of writers that succeeded,
`validate` is clean."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import answers, dockerfile, makefile, schemas, yamlio
from generator.errors import LoadError, UsageError
from generator.openapi import exceptions, loader
from generator.openapi.differ import diff
from generator.tree import DiskTree
from tests.conftest import run_lockstep

QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SLOWER = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Bytes that look a little like what lockstep reads, and anything at all.
FRAGMENTS = [b"openapi: 3.1.0\n", b"paths:\n", b"  /a:\n", b"{", b"}", b"[", b"]", b"&a ", b"*a", b"<<: ", b"$ref: "]
raw_bytes = st.one_of(
    st.binary(max_size=400),
    st.lists(st.sampled_from(FRAGMENTS) | st.binary(max_size=8), max_size=40).map(b"".join),
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12))
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=25,
)


def openapi_documents() -> st.SearchStrategy[dict[str, Any]]:
    schema = st.recursive(
        st.fixed_dictionaries({"type": st.sampled_from(["string", "integer", "number", "object", "array"])}),
        lambda inner: (
            st.fixed_dictionaries(
                {"type": st.just("object"), "properties": st.dictionaries(st.sampled_from("abcd"), inner, max_size=3)},
                optional={"required": st.lists(st.sampled_from("abcd"), max_size=3)},
            )
            | st.fixed_dictionaries({"oneOf": st.lists(inner, min_size=1, max_size=3)})
            | st.fixed_dictionaries({"$ref": st.sampled_from(["#/components/schemas/A", "#/nowhere", "x.yaml#/B"])})
        ),
        max_leaves=8,
    )
    operation = st.fixed_dictionaries(
        {"responses": st.dictionaries(st.sampled_from(["200", "201", "404"]), st.just({"description": "x"}))},
        optional={
            "requestBody": st.fixed_dictionaries({"content": st.just({"application/json": {}})}).map(lambda body: body),
            "parameters": st.lists(
                st.fixed_dictionaries(
                    {"name": st.sampled_from("pqr"), "in": st.sampled_from(["query", "path", "header"])},
                    optional={"required": st.booleans(), "schema": schema},
                ),
                max_size=3,
            ),
        },
    )
    return st.fixed_dictionaries(
        {
            "openapi": st.sampled_from(["3.0.3", "3.1.0"]),
            "info": st.just({"title": "t", "version": "1"}),
            "paths": st.dictionaries(
                st.sampled_from(["/a", "/a/{id}", "/b/{x}"]),
                st.dictionaries(st.sampled_from(["get", "post", "put"]), operation, max_size=2),
                max_size=3,
            ),
            "components": st.fixed_dictionaries({"schemas": st.dictionaries(st.sampled_from("AB"), schema)}),
        }
    )


@QUICK
@given(raw=raw_bytes, kind=st.sampled_from(schemas.KINDS))
def test_yaml_files_of_every_kind_are_findings_never_exceptions(raw: bytes, kind: str) -> None:
    doc = yamlio.parse(raw, "f.yaml")
    assert all(f.file == "f.yaml" for f in doc.problems)
    for finding in schemas.validate(doc, kind):
        assert finding.file == "f.yaml" and finding.line >= 1 and "\n" not in finding.message


@QUICK
@given(raw=raw_bytes)
def test_dockerfiles_and_makefiles_never_raise(raw: bytes) -> None:
    text = raw.decode("utf-8", "replace")
    dockerfile.stages(text)
    makefile.default_port(text)


@QUICK
@given(raw=raw_bytes)
def test_contracts_load_or_give_a_load_error(raw: bytes, tmp_path: Path) -> None:
    (tmp_path / "openapi.yaml").write_bytes(raw)
    try:
        spec = loader.load_tree(DiskTree(tmp_path), "openapi.yaml")
    except LoadError as error:
        assert error.finding.file == "openapi.yaml"
        assert error.finding.rule.startswith(("api.", "file.", "yaml.duplicate-key"))
        return
    diff(spec, spec)


@QUICK
@given(raw=raw_bytes)
def test_config_and_accept_list_files_load_or_give_lockstep_errors(raw: bytes, tmp_path: Path) -> None:
    path = tmp_path / "file.yaml"
    path.write_bytes(raw)
    for read in (answers.read_config, exceptions.read):
        try:
            read(path)
        except (LoadError, UsageError) as error:
            assert "\n" not in str(error) and str(path) in str(error)


@SLOWER
@given(base=openapi_documents(), head=openapi_documents(), as_json=st.booleans())
def test_diff_api_on_any_two_documents_gives_findings_or_lockstep_errors(
    base: dict[str, Any], head: dict[str, Any], as_json: bool, tmp_path: Path
) -> None:
    dump: Callable[[Any], str] = json.dumps if as_json else yaml.safe_dump
    (tmp_path / "base.yaml").write_text(dump(base))
    (tmp_path / "head.yaml").write_text(dump(head))
    (tmp_path / "x.yaml").write_text(dump({"B": {"type": "string"}}))
    result = run_lockstep("diff-api", tmp_path / "base.yaml", tmp_path / "head.yaml", "--format", "json")
    assert result.code in (0, 1, 2) and "Traceback" not in result.err, result.err
    if result.code != 2:
        json.loads(result.out)


@SLOWER
@given(values=values, target=st.sampled_from(["platform.yaml", "environments/stage/platform.lock.yaml"]))
def test_any_document_in_a_repository_file_is_findings(
    values: Any, target: str, strategy_repo: Callable[..., Path]
) -> None:
    repo = strategy_repo("combined", name="any")
    try:
        (repo / target).write_text(yaml.safe_dump(values))
        result = run_lockstep("validate", "--repo", repo, "--format", "json")
        assert result.code in (0, 1) and result.err == "", result.err
        report = json.loads(result.out)
        assert all(f["file"] and f["line"] >= 1 for f in report["findings"])
    finally:
        shutil.rmtree(repo)


# --- writers: after any sequence of successful writes, validate is clean ---------------------------------------

SERVICES = ("service-a", "service-b", "service-c")
step = st.one_of(
    st.tuples(st.just("bump"), st.sampled_from(SERVICES), st.sampled_from(["patch", "minor", "major"])),
    st.tuples(st.just("release")),
    st.tuples(st.just("promote"), st.sampled_from(["stage", "prod"])),
    st.tuples(st.just("promote"), st.sampled_from(["stage", "prod"]), st.just("--service"), st.sampled_from(SERVICES)),
    st.tuples(st.just("rollback"), st.sampled_from(["dev", "stage", "prod"]), st.just("--to"), st.just("0.1.0")),
    st.tuples(
        st.just("rollback"),
        st.sampled_from(["dev", "stage"]),
        st.just("--service"),
        st.sampled_from(SERVICES),
        st.just("--to"),
        st.just("0.1.0"),
    ),
    st.tuples(st.just("add-service"), st.sampled_from(["pay", "ship"]), st.just("--language"), st.just("go")),
)


@pytest.mark.parametrize("strategy", ["combined", "monolith", "independent"])
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=5))
def test_validate_is_clean_after_any_successful_writer(
    strategy: str, steps: list[tuple[str, ...]], strategy_repo: Callable[..., Path]
) -> None:
    repo = strategy_repo(strategy, name="flow")
    try:
        for args in steps:
            result = run_lockstep(*args, "--repo", repo)
            assert result.code in (0, 1, 2) and "Traceback" not in result.err, (args, result.err)
            if result.code == 0:
                checked = run_lockstep("validate", "--repo", repo)
                assert checked.code == 0, (steps, args, checked.out)
    finally:
        shutil.rmtree(repo)
