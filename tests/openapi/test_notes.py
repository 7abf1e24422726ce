"""The changelog's notes: one base/head pair per non-breaking change kind, for OpenAPI 3.0 and 3.1. Each case edits
the `pets` contract; with `changelog` the engine must note exactly the expected rules (at level info), and
without it nothing at all (a plain comparison and `validate` stay as quiet as they were)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from generator.findings import Finding
from generator.openapi import loader
from generator.openapi.differ import diff
from generator.openapi.limits import Limits
from generator.openapi.rules import CATALOGUE, CHANGES, RULES
from tests.openapi import test_differ
from tests.openapi.documents import Doc, edited, nullable, pets, write
from tests.openapi.test_differ import ID, NEWPET, PET, Case, P, _del, _set, schema

TODAY = datetime.date(2026, 11, 27)


def _add(path: list[Any], key: str, value: Any) -> Any:
    def edit(d: Doc, v: str) -> None:
        target = d
        for token in path:
            target = target[token]
        target[key] = value

    return edit


def _append(path: list[Any], value: Any) -> Any:
    def edit(d: Doc, v: str) -> None:
        target = d
        for token in path:
            target = target[token]
        target.append(value)

    return edit


OPTIONAL = {"name": "owner", "in": "query", "schema": {"type": "string"}}
OP = {"operationId": "replacePets", "responses": {"204": {"description": "done"}}}
BODY = {"content": {"application/json": {"schema": {"type": "object"}}}}
NEW_PROPERTY = {"type": "string"}


def _size(variants: list[Doc]) -> Any:
    return _add([*PET, "properties"], "size", {"oneOf": variants})


CASES = [
    # operations
    Case("operation added", _add(["paths", P], "put", OP), {"api.operation-added"}),
    Case("path added", _add(["paths"], "/owners", {"get": OP}), {"api.operation-added"}),
    Case("operation deprecated", _set(["paths", P, "get", "deprecated"], True), {"api.operation-deprecated"}),
    Case("operation reactivated", _del(["paths", ID, "delete", "deprecated"]), {"api.operation-reactivated"}),
    Case(
        "operationId added",
        _set(["paths", P, "get", "operationId"], "listPets"),
        {"api.operation-id-added"},
        base=_del(["paths", P, "get", "operationId"]),
    ),
    Case("operationId removed", _del(["paths", P, "get", "operationId"]), {"api.operation-id-removed"}),
    Case("tag added", _set(["paths", P, "get", "tags"], ["pets"]), {"api.tag-added"}),
    Case(
        "tag removed",
        _set(["paths", P, "get", "tags"], []),
        {"api.tag-removed"},
        base=_add(["paths", P, "get"], "tags", ["pets"]),
    ),
    Case(  # another way in: nobody is refused (a new requirement is api.security-requirement-added)
        "security added",
        _set(["paths", P, "get", "security"], [{"key": []}, {"oauth": []}]),
        {"api.security-added"},
        base=_set(["paths", P, "get", "security"], [{"key": []}]),
    ),
    Case(
        "scope removed",
        _set(["paths", P, "get", "security"], [{"oauth": ["read"]}]),
        {"api.security-removed"},
        base=_set(["paths", P, "get", "security"], [{"oauth": ["read", "write"]}]),
    ),
    Case(
        "default security added",
        _set(["security"], [{"key": []}, {"oauth": []}]),
        {"api.security-added"},
        base=_set(["security"], [{"key": []}]),
    ),
    # parameters
    Case(
        "optional parameter added",
        _append(["paths", P, "get", "parameters"], OPTIONAL),
        {"api.request-parameter-added"},
    ),
    Case(
        "path-level optional parameter added",
        _append(["paths", ID, "parameters"], OPTIONAL),
        {"api.request-parameter-added"},
    ),
    Case(
        "parameter became optional",
        _set(["paths", P, "get", "parameters", 0, "required"], False),
        {"api.request-parameter-became-optional"},
        base=_set(["paths", P, "get", "parameters", 0, "required"], True),
    ),
    Case(
        "parameter deprecated",
        _set(["paths", P, "get", "parameters", 0, "deprecated"], True),
        {"api.request-parameter-deprecated"},
    ),
    Case(
        "parameter reactivated",
        _del(["paths", P, "get", "parameters", 0, "deprecated"]),
        {"api.request-parameter-reactivated"},
        base=_set(["paths", P, "get", "parameters", 0, "deprecated"], True),
    ),
    # request bodies
    Case("optional request body added", _add(["paths", ID, "delete"], "requestBody", BODY), {"api.request-body-added"}),
    Case(
        "request body became optional",
        _set(["paths", P, "post", "requestBody", "required"], False),
        {"api.request-body-became-optional"},
    ),
    Case(
        "request media type added",
        _add(["paths", ID, "patch", "requestBody", "content"], "application/xml", {"schema": {"type": "object"}}),
        {"api.request-media-type-added"},
    ),
    # request schemas
    Case(
        "request property added",
        _add([*NEWPET, "properties"], "nickname", NEW_PROPERTY),
        {"api.request-property-added"},
    ),
    Case("request property removed", _del([*NEWPET, "properties", "age"]), {"api.request-property-removed"}),
    Case(
        "request property became optional",
        _set([*NEWPET, "required"], []),
        {"api.request-property-became-optional"},
    ),
    Case("request type widened", _set([*NEWPET, "properties", "age", "type"], "number"), {"api.request-type-widened"}),
    Case(
        "request became nullable",
        lambda d, v: schema(d, "NewPet")["properties"].update(name=nullable({"type": "string", "maxLength": 100}, v)),
        {"api.request-became-nullable"},
    ),
    Case(
        "request enum value added",
        _append([*NEWPET, "properties", "status", "enum"], "pending"),
        {"api.request-enum-value-added"},
    ),
    Case(
        "request max increased", _set([*NEWPET, "properties", "name", "maxLength"], 200), {"api.request-max-increased"}
    ),
    Case("request max removed", _del([*NEWPET, "properties", "age", "maximum"]), {"api.request-max-increased"}),
    Case("request min decreased", _set([*NEWPET, "properties", "age", "minimum"], -1), {"api.request-min-decreased"}),
    Case("request pattern removed", _del([*NEWPET, "properties", "tag", "pattern"]), {"api.request-pattern-removed"}),
    Case(
        "request variant added",
        _append([*NEWPET, "properties", "color", "oneOf"], {"type": "boolean"}),
        {"api.request-variant-added"},
    ),
    Case(
        "request additional properties opened",
        _del([*NEWPET, "additionalProperties"]),
        {"api.request-additional-properties-opened"},
        base=_set([*NEWPET, "additionalProperties"], False),
    ),
    # responses
    Case(
        "response status added",
        _add(["paths", ID, "get", "responses"], "400", {"description": "bad"}),
        {"api.response-status-added"},
    ),
    Case("response status removed", _del(["paths", ID, "get", "responses", "404"]), {"api.response-status-removed"}),
    Case(
        "response media type added",
        _add(["paths", P, "post", "responses", "201", "content"], "application/xml", {"schema": {"type": "object"}}),
        {"api.response-media-type-added"},
    ),
    Case(
        "response header added",
        _add(["paths", P, "get", "responses", "200"], "headers", {"X-Total": {"schema": {"type": "integer"}}}),
        {"api.response-header-added"},
    ),
    Case(
        "response property added", _add([*PET, "properties"], "nickname", NEW_PROPERTY), {"api.response-property-added"}
    ),
    Case(
        "response property became required",
        _append([*PET, "required"], "tag"),
        {"api.response-property-became-required"},
    ),
    Case(
        "response type narrowed",
        _set([*PET, "properties", "tag"], {"type": "string"}),
        {"api.response-type-narrowed"},
        base=_set([*PET, "properties", "tag"], {"description": "any value"}),
    ),
    Case(
        "response became non-nullable",
        _set([*PET, "properties", "tag"], {"type": "string"}),
        {"api.response-became-non-nullable"},
        base=lambda d, v: schema(d, "Pet")["properties"].update(tag=nullable({"type": "string"}, v)),
    ),
    Case(
        "response enum value removed",
        _set([*PET, "properties", "status", "enum"], ["available"]),
        {"api.response-enum-value-removed"},
    ),
    Case(
        "response constraint changed",
        _set([*PET, "properties", "name", "maxLength"], 50),
        {"api.response-constraint-changed"},
    ),
    Case(
        "response variant removed",
        _size([{"type": "string"}]),
        {"api.response-variant-removed"},
        base=_size([{"type": "string"}, {"type": "integer"}]),
    ),
    # either direction
    Case("default set", _set([*NEWPET, "properties", "age", "default"], 1), {"api.default-changed"}),
    Case("property deprecated", _set([*PET, "properties", "name", "deprecated"], True), {"api.property-deprecated"}),
    Case(
        "property reactivated",
        _del([*PET, "properties", "name", "deprecated"]),
        {"api.property-reactivated"},
        base=_set([*PET, "properties", "name", "deprecated"], True),
    ),
]


def compare(
    tmp_path: Path, case: Case, version: str, *, changelog: bool, limits: Limits | None = None
) -> list[Finding]:
    base = edited(pets(version), lambda d: case.base(d, version))
    head = edited(base, lambda d: case.head(d, version))
    old = loader.load(str(write(base, tmp_path / "base.yaml")))
    new = loader.load(str(write(head, tmp_path / "head.yaml")))
    return diff(old, new, TODAY, limits or Limits(), changelog=changelog)


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_note_table(case: Case, version: str, tmp_path: Path) -> None:
    found = compare(tmp_path, case, version, changelog=True)
    assert {f.rule for f in found} == case.expected, [(f.rule, f.operation, f.message) for f in found]
    assert {f.level for f in found} == {"info"}
    assert compare(tmp_path, case, version, changelog=False) == []  # a plain comparison notes nothing


@pytest.mark.parametrize("case", test_differ.CASES, ids=lambda c: c.id)
def test_a_changelog_keeps_every_breaking_finding(case: Case, tmp_path: Path) -> None:
    plain = test_differ.run(tmp_path, case, "3.1.0", ".yaml")
    with_notes = diff(
        loader.load(str(tmp_path / "base.yaml")), loader.load(str(tmp_path / "head.yaml")), TODAY, changelog=True
    )
    assert [f for f in with_notes if f.level != "info"] == [f for f in plain if f.level != "info"]


def test_every_note_has_a_case() -> None:
    covered = set().union(*(case.expected for case in CASES))
    assert {rule.id for rule in CHANGES} == covered
    assert all(rule.level == "info" for rule in CHANGES) and all(rule.level != "info" for rule in RULES)
    assert len({rule.id for rule in CATALOGUE}) == len(CATALOGUE)


def _line(finding: Finding) -> str:
    return Path(finding.file).read_text().splitlines()[finding.line - 1].strip()


def _only(tmp_path: Path, case_id: str) -> list[Finding]:
    return compare(tmp_path, next(c for c in CASES if c.id == case_id), "3.1.0", changelog=True)


def test_what_was_added_is_placed_in_head_what_was_removed_in_base(tmp_path: Path) -> None:
    [added] = _only(tmp_path, "operation added")
    assert (added.operation, added.message) == ("PUT /pets", "PUT /pets was added")
    assert added.file.endswith("head.yaml") and _line(added) == "put:"
    [parameter] = _only(tmp_path, "optional parameter added")
    assert (parameter.operation, parameter.message) == ("GET /pets", "new optional query parameter `owner`")
    assert _line(parameter) == "- name: owner" and parameter.pointer == "/paths/~1pets/get/parameters/1"
    added_property = _only(tmp_path, "response property added")
    assert {f.operation for f in added_property} == {
        "GET /pets",
        "POST /pets",
        "GET /pets/{petId}",
        "PATCH /pets/{petId}",
    }
    assert {_line(f) for f in added_property} == {"nickname:"} and all(
        f.file.endswith("head.yaml") for f in added_property
    )
    assert "GET /pets: response 200[]: new property `nickname`" in {
        f"{f.operation}: {f.message}" for f in added_property
    }
    removed = _only(tmp_path, "request property removed")
    assert {(f.operation, f.message) for f in removed} == {  # once per schema pair and operation, at its first place
        ("POST /pets", "request body (application/json): property `age` was removed"),
        ("PATCH /pets/{petId}", "request body: property `age` was removed"),
    }
    assert all(f.file.endswith("base.yaml") and _line(f) == "age:" for f in removed)


def test_a_path_level_parameter_is_noted_for_every_operation_of_the_path(tmp_path: Path) -> None:
    found = _only(tmp_path, "path-level optional parameter added")
    assert sorted(f.operation or "" for f in found) == [
        "DELETE /pets/{petId}",
        "GET /pets/{petId}",
        "PATCH /pets/{petId}",
    ]


def test_default_security_is_one_document_note(tmp_path: Path) -> None:
    [found] = _only(tmp_path, "default security added")
    assert (found.operation, found.message) == (None, "default security scheme `oauth` added")


def test_notes_are_capped_apart_from_breaking_findings(tmp_path: Path) -> None:
    def edit(d: Doc, v: str) -> None:
        for index in range(5):
            d["paths"][f"/new{index}"] = {"get": OP}
        del d["paths"][P]["post"]

    found = compare(tmp_path, Case("many", edit, set()), "3.1.0", changelog=True, limits=Limits(findings=2))
    assert [f.rule for f in found if f.level == "info"] == ["api.operation-added"] * 2
    assert "api.operation-removed" in {f.rule for f in found}  # never crowded out by notes
    [limit] = [f for f in found if f.rule == "api.limit"]
    assert limit.message == "3 more non-breaking change(s) not shown: a changelog lists at most 2 (--max-findings)"
