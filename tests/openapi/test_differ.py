"""The rule table: one base/head pair per rule (and per no-finding edit), for OpenAPI 3.0 and 3.1, YAML and
JSON. Each case edits the `pets` contract; the expected rule ids must be exactly what the engine reports."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from generator.openapi import loader
from generator.openapi.differ import diff
from generator.openapi.rules import RULES
from tests.openapi.documents import Doc, edited, nullable, pets, write

S = "components"
TODAY = datetime.date(2026, 11, 27)


def schema(d: Doc, name: str) -> Doc:
    return d[S]["schemas"][name]


@dataclass
class Case:
    id: str
    head: Callable[[Doc, str], None]
    expected: set[str]
    base: Callable[[Doc, str], None] = field(default=lambda d, v: None)


def _set(path: list[Any], value: Any) -> Callable[[Doc, str], None]:
    def edit(d: Doc, v: str) -> None:
        target = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


def _del(path: list[Any]) -> Callable[[Doc, str], None]:
    def edit(d: Doc, v: str) -> None:
        target = d
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return edit


P, ID = "/pets", "/pets/{petId}"
NEWPET = [S, "schemas", "NewPet"]
PET = [S, "schemas", "Pet"]

CASES = [
    Case("operation removed", _del(["paths", P, "post"]), {"api.operation-removed"}),
    Case("path removed", _del(["paths", P]), {"api.operation-removed"}),
    Case("deprecated operation removed", _del(["paths", ID, "delete"]), {"api.deprecated-operation-removed"}),
    Case(
        "removed before sunset",
        _del(["paths", ID, "delete"]),
        {"api.operation-removed-before-sunset"},
        base=_set(["paths", ID, "delete", "x-sunset"], "2999-01-01"),
    ),
    Case(
        "removed after sunset",
        _del(["paths", ID, "delete"]),
        {"api.deprecated-operation-removed"},
        base=_set(["paths", ID, "delete", "x-sunset"], "2000-01-01"),
    ),
    Case("operationId changed", _set(["paths", P, "get", "operationId"], "findPets"), {"api.operation-id-changed"}),
    Case(
        "required parameter added",
        lambda d, v: d["paths"][P]["get"]["parameters"].append(
            {"name": "owner", "in": "query", "required": True, "schema": {"type": "string"}}
        ),
        {"api.request-parameter-added-required"},
    ),
    Case(
        "parameter became required",
        _set(["paths", P, "get", "parameters", 0, "required"], True),
        {"api.request-parameter-became-required"},
    ),
    Case("header parameter removed", _set(["paths", ID, "get", "parameters"], []), {"api.request-parameter-removed"}),
    Case(
        "parameter type changed",
        _set(["paths", P, "get", "parameters", 0, "schema", "type"], "string"),
        {"api.request-type-changed"},
    ),
    Case(
        "parameter maximum lowered",
        _set(["paths", P, "get", "parameters", 0, "schema", "maximum"], 10),
        {"api.request-max-decreased"},
    ),
    Case(
        "body became required",
        _set(["paths", ID, "patch", "requestBody", "required"], True),
        {"api.request-body-became-required"},
    ),
    Case(
        "request media type removed",
        _del(["paths", P, "post", "requestBody", "content", "application/xml"]),
        {"api.request-media-type-removed"},
    ),
    Case(
        "required request property added",
        lambda d, v: (
            schema(d, "NewPet")["properties"].update(species={"type": "string"}),
            schema(d, "NewPet")["required"].append("species"),
        ),
        {"api.request-required-property-added"},
    ),
    Case(
        "request property became required",
        lambda d, v: schema(d, "NewPet")["required"].append("tag"),
        {"api.request-property-became-required"},
    ),
    Case(
        "request type changed",
        _set([*NEWPET, "properties", "age", "type"], "string"),
        {"api.request-type-changed"},
    ),
    Case(
        "request became non-nullable",
        lambda d, v: schema(d, "NewPet")["properties"].update(tag={"type": "string", "pattern": "^[a-z]+$"}),
        {"api.request-became-non-nullable"},
    ),
    Case(
        "request enum value removed",
        _set([*NEWPET, "properties", "status", "enum"], ["available"]),
        {"api.request-enum-value-removed"},
    ),
    Case(
        "request maxLength lowered",
        _set([*NEWPET, "properties", "name", "maxLength"], 50),
        {"api.request-max-decreased"},
    ),
    Case("request minimum raised", _set([*NEWPET, "properties", "age", "minimum"], 1), {"api.request-min-increased"}),
    Case(
        "request pattern changed",
        _set([*NEWPET, "properties", "tag", "pattern"], "^[a-z]{2,}$"),
        {"api.request-pattern-changed"},
    ),
    Case(
        "request alternative removed",
        _set([*NEWPET, "properties", "color", "oneOf"], [{"type": "string"}]),
        {"api.request-variant-removed"},
    ),
    Case(
        "request closed to other properties",
        _set([*NEWPET, "additionalProperties"], False),
        {"api.request-additional-properties-closed"},
    ),
    Case(
        "success status removed",
        lambda d, v: d["paths"][P]["post"]["responses"].update({"200": d["paths"][P]["post"]["responses"].pop("201")}),
        {"api.response-success-status-removed"},
    ),
    Case(
        "response media type removed",
        _del(["paths", ID, "get", "responses", "200", "content", "application/xml"]),
        {"api.response-media-type-removed"},
    ),
    Case(
        "response property removed",
        lambda d, v: (schema(d, "Pet")["properties"].pop("name"), schema(d, "Pet")["required"].remove("name")),
        {"api.response-property-removed"},
    ),
    Case(
        "optional response property removed",
        _del([*PET, "properties", "tag"]),
        {"api.response-optional-property-removed"},
    ),
    Case(
        "response property became optional",
        _set([*PET, "required"], ["id"]),
        {"api.response-property-became-optional"},
    ),
    Case("response type changed", _set([*PET, "properties", "id", "type"], "integer"), {"api.response-type-changed"}),
    Case(
        "response became nullable",
        lambda d, v: schema(d, "Pet")["properties"].update(tag=nullable({"type": "string"}, v)),
        {"api.response-became-nullable"},
    ),
    Case(
        "wrapped in oneOf with null: one finding",
        _set([*PET, "properties", "owner"], {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Owner"}]}),
        {"api.response-became-nullable"},
    ),
    Case(
        "response enum value added",
        _set([*PET, "properties", "status", "enum"], ["available", "sold", "lost"]),
        {"api.response-enum-value-added"},
    ),
    Case(
        "response alternative added",
        _set(
            [*PET, "properties", "owner"],
            {
                "oneOf": [
                    {"$ref": "#/components/schemas/Owner"},
                    {"type": "object", "properties": {"org": {"type": "string"}}},
                ]
            },
        ),
        {"api.response-variant-added"},
    ),
    Case(
        "remote ref",
        _set([*PET, "properties", "owner"], {"$ref": "https://example.com/owner.yaml"}),
        {"api.remote-ref"},
    ),
    Case(
        "unresolved ref",
        _set([*PET, "properties", "owner"], {"$ref": "#/components/schemas/Nope"}),
        {"api.unresolved-ref"},
    ),
    Case(
        "unresolved ref in a request body added",
        _set(["paths", ID, "delete", "requestBody"], {"content": {"application/json": {"schema": {"$ref": "#/x"}}}}),
        {"api.unresolved-ref"},
    ),
    Case(
        "remote ref in a request body added",
        _set(
            ["paths", ID, "delete", "requestBody"],
            {"content": {"application/json": {"schema": {"$ref": "https://example.com/reason.json"}}}},
        ),
        {"api.remote-ref"},
    ),
    Case(
        "unresolved ref in an operation added",
        _set(["paths", ID, "put"], {"responses": {"200": {"$ref": "#/components/responses/Nope"}}}),
        {"api.unresolved-ref"},
    ),
    Case(
        "through a $ref cycle",
        _del([S, "schemas", "Owner", "properties", "name"]),
        {"api.response-optional-property-removed"},
    ),
    # edits that break nobody
    Case(
        "path parameter renamed",
        lambda d, v: (
            d["paths"].update({"/pets/{id}": d["paths"].pop(ID)}),
            d["paths"]["/pets/{id}"]["parameters"][0].update(name="id"),
        ),
        set(),
    ),
    Case(
        "allOf restructuring",
        _set(
            PET,
            {
                "allOf": [
                    {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
                    {"$ref": "#/components/schemas/PetDetails"},
                ]
            },
        ),
        set(),
    ),
    Case("optional response property added", _set([*PET, "properties", "age"], {"type": "integer"}), set()),
    Case("optional request property added", _set([*NEWPET, "properties", "nickname"], {"type": "string"}), set()),
    Case(
        "request limits widened",
        lambda d, v: (
            schema(d, "NewPet")["properties"]["name"].update(maxLength=200),
            schema(d, "NewPet")["properties"]["age"].update(minimum=-1),
        ),
        set(),
    ),
    Case("response enum narrowed", _set([*PET, "properties", "status", "enum"], ["available"]), set()),
    Case(
        "new operation and description",
        lambda d, v: (
            d["paths"][P].update(put={"responses": {"200": {"description": "ok"}}}),
            d["info"].update(description="more words"),
        ),
        set(),
    ),
    Case("read-only property in a request", _set([*NEWPET, "properties", "id", "type"], "integer"), set()),
    Case("write-only property gone from a response", _del([*PET, "properties", "secret"]), set()),
    Case("integer widened to number in a request", _set([*NEWPET, "properties", "age", "type"], "number"), set()),
]


def _pet_details(d: Doc, v: str) -> None:
    pet = pets(v)["components"]["schemas"]["Pet"]
    d[S]["schemas"]["PetDetails"] = {
        "required": ["name"],
        "properties": {k: pet["properties"][k] for k in ("name", "tag", "status", "owner", "secret")},
    }


def run(tmp_path: Path, case: Case, version: str, suffix: str) -> list:
    base = edited(pets(version), lambda d: case.base(d, version))
    head = edited(base, lambda d: case.head(d, version))
    if case.id == "allOf restructuring":
        _pet_details(head, version)
    old = loader.load(str(write(base, tmp_path / f"base{suffix}")))
    new = loader.load(str(write(head, tmp_path / f"head{suffix}")))
    return diff(old, new, TODAY)


def expect(tmp_path: Path, case: Case, version: str, suffix: str) -> None:
    """The case gives exactly its expected rules (the tables of the other modules check theirs so too)."""
    found = run(tmp_path, case, version, suffix)
    assert {f.rule for f in found} == case.expected, [(f.rule, f.operation, f.message) for f in found]


FORMATS = pytest.mark.parametrize("suffix", [".yaml", ".json"])
VERSIONS = pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])


@FORMATS
@VERSIONS
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_table(case: Case, version: str, suffix: str, tmp_path: Path) -> None:
    expect(tmp_path, case, version, suffix)


HEADER_CASES = [("X-Rate", "api.response-header-removed"), ("x-hint", "api.response-optional-header-removed")]


def covered_rules() -> set[str]:
    """The rules the table, the header test, test_paths.py, test_keywords.py, test_limits.py, test_headers.py,
    test_servers.py and test_access.py make fire."""
    from tests.openapi import test_access, test_headers, test_keywords, test_paths, test_servers  # they build on it

    return (
        set().union(*(case.expected for case in CASES))
        | {rule for _, rule in HEADER_CASES}
        | {"api.limit"}
        | test_paths.covered()
        | test_keywords.covered_rules()
        | test_headers.covered()
        | test_servers.covered()
        | test_access.covered()
    )


def test_every_rule_but_the_accept_list_has_a_case() -> None:
    assert {rule.id for rule in RULES} - covered_rules() == {"api.exception-expired"}


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_a_document_against_itself_finds_nothing(version: str, tmp_path: Path) -> None:
    for case in CASES:
        doc = edited(pets(version), lambda d, c=case: c.head(d, version))
        if case.id == "allOf restructuring":
            _pet_details(doc, version)
        path = str(write(doc, tmp_path / "same.yaml"))
        found = {f.rule for f in diff(loader.load(path), loader.load(path), TODAY)}
        # a broken document stays broken: its unresolvable $ref is reported, nothing else
        broken = case.expected and case.expected <= {"api.remote-ref", "api.unresolved-ref"}
        assert found == (case.expected if broken else set()), case.id


def test_nullable_in_30_equals_null_type_in_31(tmp_path: Path) -> None:
    old = loader.load(str(write(pets("3.0.3"), tmp_path / "a.yaml")))
    new = loader.load(str(write(pets("3.1.0"), tmp_path / "b.json")))
    assert diff(old, new, TODAY) == []


def test_finding_fields(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.id == "response property removed")
    [finding] = [f for f in run(tmp_path, case, "3.1.0", ".yaml") if f.operation == "POST /pets"]
    assert finding.message == "response 201: property `name` was removed"
    assert finding.rule == "api.response-property-removed" and finding.level == "error"
    assert finding.file.endswith("base.yaml")  # a removal is shown where it was
    assert finding.pointer == "/components/schemas/Pet/properties/name"
    lines = (Path(finding.file)).read_text().splitlines()
    assert lines[finding.line - 1].strip() == "name:"


HEADERS = {"X-Rate": {"required": True, "schema": {"type": "integer"}}, "X-Hint": {"schema": {"type": "string"}}}


@pytest.mark.parametrize(("removed", "rule"), HEADER_CASES)
def test_response_headers(removed: str, rule: str, tmp_path: Path) -> None:
    base = pets()
    base["paths"][P]["get"]["responses"]["200"]["headers"] = HEADERS
    head = edited(
        base,
        lambda d: d["paths"][P]["get"]["responses"]["200"]["headers"].pop(
            next(name for name in HEADERS if name.lower() == removed.lower())
        ),
    )
    found = diff(
        loader.load(str(write(base, tmp_path / "a.yaml"))), loader.load(str(write(head, tmp_path / "b.yaml"))), TODAY
    )
    assert [(f.rule, f.operation) for f in found] == [(rule, "GET /pets")]
