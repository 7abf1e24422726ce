"""Malformed contracts (structure.py and the loader): every one is refused with one line naming the file, the
line and column, the JSON pointer and what is wrong, from `diff-api` (exit 2) and from `validate` (a finding);
never a traceback, never exit 3, never read as if it were empty."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.openapi import loader, structure
from tests.conftest import edit, findings, run_lockstep

GOOD = """\
openapi: 3.1.0
info:
  title: t
  version: "1"
paths:
  /items:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  name:
                    type: string
    post:
      requestBody:
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Item'
      responses:
        "201":
          description: ok
components:
  schemas:
    Item:
      type: object
      required: [name]
      properties:
        name:
          type: string
"""


def _replace(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


MALFORMED = [
    (  # an operation key with no value
        "get-alone",
        _replace("    post:\n", "    delete:\n    post:\n"),
        "18:5: /paths/~1items/delete: an operation must be a mapping, not empty (null)",
    ),
    (
        "properties-list",
        _replace("                  name:\n                    type: string\n", "                  - name\n"),
        "15:17: /paths/~1items/get/responses/200/content/application~1json/schema/properties: "
        "`properties` must be a mapping, not a list",
    ),
    (
        "paths-list",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  - /items\n",
        "3:1: /paths: `paths` must be a mapping, not a list",
    ),
    (
        "responses-string",
        _replace('      responses:\n        "201":\n          description: ok\n', "      responses: none\n"),
        "24:7: /paths/~1items/post/responses: `responses` must be a mapping, not a string `none`",
    ),
    (
        "required-true",
        _replace("      required: [name]\n", "      required: true\n"),
        "31:7: /components/schemas/Item/required: `required` must be a list of names, not a boolean `true`",
    ),
    (
        "ref-not-a-string",
        _replace("$ref: '#/components/schemas/Item'", "$ref: 3"),
        "23:15: /paths/~1items/post/requestBody/content/application~1json/schema/$ref: "
        "$ref must be a string, not a number `3`",
    ),
    (  # a duplicate key drops the first `get` silently in every YAML and JSON parser
        "duplicate-operation",
        _replace("    post:\n", "    get:\n      responses: {}\n    post:\n"),
        "18:5: /paths/~1items/get: duplicate key `get` (first defined on line 7); only the last would be read",
    ),
]


@pytest.mark.parametrize(("name", "text", "where"), MALFORMED, ids=[case[0] for case in MALFORMED])
@pytest.mark.parametrize("swap", [False, True], ids=["head", "base"])
def test_diff_api_refuses_a_malformed_contract_in_one_line(
    name: str, text: str, where: str, swap: bool, tmp_path: Path
) -> None:
    (tmp_path / "good.yaml").write_text(GOOD)
    (tmp_path / "bad.yaml").write_text(text)
    files = ("bad.yaml", "good.yaml") if swap else ("good.yaml", "bad.yaml")
    result = run_lockstep("diff-api", *files, cwd=tmp_path)
    assert (result.code, result.out) == (2, "")
    assert result.err == f"lockstep: error: bad.yaml:{where}\n"


def test_a_duplicate_key_in_json_is_found_where_it_is(tmp_path: Path) -> None:
    data = yaml.safe_load(GOOD)
    text = json.dumps(data, indent=2).replace('"get": {', '"post": {"responses": {}},\n      "get": {', 1)
    (tmp_path / "bad.json").write_text(text)
    result = run_lockstep("diff-api", "bad.json", "bad.json", cwd=tmp_path)
    assert (result.code, result.err) == (
        2,
        "lockstep: error: bad.json:29:7: /paths/~1items/post: duplicate key `post` (first defined on line 9); "
        "only the last would be read\n",
    )


def test_a_latin1_file_is_one_line_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(GOOD)
    (tmp_path / "bad.yaml").write_bytes(GOOD.replace("title: t", "title: caf\xe9").encode("latin-1"))
    result = run_lockstep("diff-api", "good.yaml", "bad.yaml", cwd=tmp_path)
    assert (result.code, result.err) == (2, "lockstep: error: bad.yaml:1:1: not UTF-8 text (byte 33)\n")


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_byte_order_mark_is_read_past_in_yaml_and_json(suffix: str, tmp_path: Path) -> None:
    data = yaml.safe_load(GOOD)
    text = GOOD if suffix == ".yaml" else json.dumps(data, indent=2)
    (tmp_path / "plain.yaml").write_text(GOOD)
    (tmp_path / f"bom{suffix}").write_text(text, encoding="utf-8-sig")
    assert loader.load(str(tmp_path / f"bom{suffix}")).root.data == data
    result = run_lockstep("diff-api", "plain.yaml", f"bom{suffix}", cwd=tmp_path)
    assert (result.code, result.out) == (0, "no findings\n")


def test_a_malformed_file_a_ref_reaches_is_named(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(GOOD)
    (tmp_path / "bad.yaml").write_text(_replace("'#/components/schemas/Item'", "'schemas.yaml#/Item'"))
    (tmp_path / "schemas.yaml").write_text("Item:\n  type: object\n  properties:\n    - name\n")
    result = run_lockstep("diff-api", "good.yaml", "bad.yaml", cwd=tmp_path)
    assert (result.code, result.err) == (
        2,
        "lockstep: error: schemas.yaml:3:3: /Item/properties: `properties` must be a mapping, not a list\n",
    )


@pytest.mark.parametrize(("name", "text", "where"), MALFORMED, ids=[case[0] for case in MALFORMED])
def test_validate_reports_a_malformed_contract_as_a_finding(
    name: str, text: str, where: str, default_repo: Path
) -> None:
    contract = "services/service-a/openapi.yaml"
    (default_repo / contract).write_text(text)
    line, column, message = where.split(":", 2)
    [found] = [f for f in findings(default_repo) if f.file == contract]
    assert (found.rule, found.line, found.column, found.message) == (
        "yaml.duplicate-key" if name.startswith("duplicate") else "api.shape",
        int(line),
        int(column),
        message.strip(),
    )


def test_validate_finds_a_duplicate_operation_in_the_generated_contract(default_repo: Path) -> None:
    contract = "services/service-a/openapi.yaml"
    text = (default_repo / contract).read_text()
    first = text.index("  /healthz:\n")
    block = text[first : text.index("\n  /", first + 1) + 1]
    edit(default_repo, contract, "  /readyz:\n", block + "  /readyz:\n")
    [found] = [f for f in findings(default_repo) if f.file == contract]
    assert found.rule == "yaml.duplicate-key" and found.message.startswith("/paths/~1healthz: duplicate key")
    assert found.column == 3


# --- random corruption: any node replaced by another kind never crashes, and both checks agree ---------------
def _nodes(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        found += _nodes(value, (*prefix, key))
    return found


DOCUMENT = yaml.safe_load(GOOD)
NODES = _nodes(DOCUMENT)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    where=st.sampled_from(NODES),
    replacement=st.sampled_from([[], ["x"], "x", None, 3, True, {}]),
    suffix=st.sampled_from([".yaml", ".json"]),
)
def test_no_corruption_crashes_diff_api(where: tuple[Any, ...], replacement: Any, suffix: str, tmp_path: Path) -> None:
    corrupt = json.loads(json.dumps(DOCUMENT))
    parent = corrupt
    for token in where[:-1]:
        parent = parent[token]
    parent[where[-1]] = replacement
    bad = tmp_path / f"bad{suffix}"
    bad.write_text(json.dumps(corrupt, indent=2) if suffix == ".json" else yaml.safe_dump(corrupt, sort_keys=False))
    (tmp_path / "good.yaml").write_text(GOOD)
    for files in (("good.yaml", bad.name), (bad.name, "good.yaml"), (bad.name, bad.name)):
        result = run_lockstep("diff-api", *files, cwd=tmp_path)
        assert result.code in (0, 1, 2), result
        assert result.code != 2 or len(result.err.splitlines()) == 1, result
    spec = loader.Spec(loader.Source("", "bad", corrupt, ""))
    assert structure.well_shaped(corrupt) == (structure.check(spec) is None)


@pytest.mark.parametrize("large", [False, True], ids=["walked", "schema-checked"])
def test_extensions_where_openapi_allows_them_are_not_entries(large: bool, tmp_path: Path) -> None:
    """`x-` keys of Paths, Responses and Callback objects are extensions (APIs.guru's apicurio registry has
    `paths: {x-codegen-contextRoot: /apis/registry/v2}`): never read as a path, a status or an expression."""
    operation = {
        "responses": {"200": {"description": "ok"}, "x-note": "text"},
        "callbacks": {"done": {"x-owner": "team", "{$request.body#/url}": {"post": {"responses": {}}}}},
    }
    paths: dict[str, Any] = {"x-codegen-contextRoot": "/apis/registry/v2", "/a": {"get": operation}}
    if large:  # over structure.LARGE: the JSON Schema decides first
        paths.update({f"/p{i}": {"get": {"description": "d" * 1000, "responses": {}}} for i in range(300)})
    document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths}
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document))
    assert large == (len(path.read_text()) >= structure.LARGE)
    assert structure.check(loader.load(str(path))) is None
    result = run_lockstep("diff-api", path, path)
    assert (result.code, result.out.splitlines()[-1]) == (0, "no findings")


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
@pytest.mark.parametrize("large", [False, True], ids=["walked", "schema-checked"])
@pytest.mark.parametrize(
    ("ref", "rule"),
    [("#/components/schemas/Nope", "api.unresolved-ref"), ("https://example.com/a.json", "api.remote-ref")],
)
def test_a_ref_that_cannot_be_followed_is_found_in_small_and_large_documents(
    large: bool, ref: str, rule: str, suffix: str, tmp_path: Path
) -> None:
    """A large JSON document is first judged by the JSON Schema and a scan of its `$ref`s; one that cannot be
    followed sends it through the walk, which says where it is. A `$ref` inside an example is data, not a ref."""
    body = {"content": {"application/json": {"schema": {"$ref": ref}, "example": {"$ref": "#/not/a/ref"}}}}
    paths: dict[str, Any] = {"/a": {"post": {"requestBody": body, "responses": {"200": {"description": "ok"}}}}}
    if large:
        paths.update({f"/p{i}": {"get": {"description": "d" * 1000, "responses": {}}} for i in range(300)})
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}
    path = tmp_path / f"openapi{suffix}"
    path.write_text(json.dumps(document) if suffix == ".json" else yaml.safe_dump(document, sort_keys=False))
    assert large == (len(path.read_text()) >= structure.LARGE)
    spec = loader.load(str(path))
    assert [(source.name, pointer) for source, pointer, _ in spec.broken] == [
        (str(path), ("paths", "/a", "post", "requestBody", "content", "application/json", "schema"))
    ]
    result = run_lockstep("diff-api", path, path)
    assert (result.code, result.out.splitlines()[0].split(": ")[1]) == (1, f"error {rule}"), result.out
