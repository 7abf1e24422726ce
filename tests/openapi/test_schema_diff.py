"""Schema comparison (`schema_diff`) through `differ.diff` on small base/head pairs: the effective-schema view
(`allOf` merged, 3.0 `nullable` read as 3.1 `type: [X, "null"]`, `oneOf` with null read as "X or null", 3.0 boolean
`exclusiveMaximum`), the direction rules (what a server accepts vs what a client receives, `readOnly`/`writeOnly`),
and shared components reported for every operation that uses them, with that operation's label and place."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from generator.findings import Finding
from generator.openapi import loader
from generator.openapi.differ import diff
from tests.openapi.documents import Doc, write

TODAY = datetime.date(2026, 11, 27)
REF = "#/components/schemas/"


def ref(name: str) -> Doc:
    return {"$ref": REF + name}


def api(
    schemas: dict[str, Any],
    request: Doc | None = None,
    response: Doc | None = None,
    version: str = "3.1.0",
    path: str = "/pets",
) -> Doc:
    """One `POST` operation whose request body and 200 response have the given schemas."""
    operation: Doc = {"responses": {"200": {"description": "ok"}}}
    if request is not None:
        operation["requestBody"] = {"content": {"application/json": {"schema": request}}}
    if response is not None:
        operation["responses"]["200"]["content"] = {"application/json": {"schema": response}}
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {path: {"post": operation}},
        "components": {"schemas": schemas},
    }


def compare(tmp_path: Path, base: Doc, head: Doc) -> list[Finding]:
    old = loader.load(str(write(base, tmp_path / "base.yaml")))
    new = loader.load(str(write(head, tmp_path / "head.yaml")))
    return diff(old, new, TODAY)


def summary(found: list[Finding]) -> list[tuple[str, str | None, str]]:
    return sorted((f.rule, f.operation, f.message) for f in found)


def both_ways(schemas_base: dict[str, Any], schemas_head: dict[str, Any], **options: Any) -> tuple[Doc, Doc]:
    """The schema `Pet` as request body and response of the same operation."""
    return (
        api(schemas_base, ref("Pet"), ref("Pet"), **options),
        api(schemas_head, ref("Pet"), ref("Pet"), **options),
    )


PET = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "string"}, "name": {"type": "string", "maxLength": 50}},
}


# --- the effective schema --------------------------------------------------------------------------------


def test_allof_restructuring_is_not_a_change(tmp_path: Path) -> None:
    split = {
        "Pet": {
            "allOf": [ref("Base"), {"required": ["name"], "properties": {"name": {"type": "string", "maxLength": 50}}}]
        },
        "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
    }
    assert compare(tmp_path, *both_ways({"Pet": PET}, split)) == []
    assert compare(tmp_path, *both_ways(split, {"Pet": PET})) == []


def test_allof_parts_still_count(tmp_path: Path) -> None:
    """Merged, not ignored: a constraint added in a part is a change of the whole."""
    split = {
        "Pet": {
            "allOf": [ref("Base"), {"required": ["name"], "properties": {"name": {"type": "string", "maxLength": 20}}}]
        },
        "Base": {"type": "object", "required": ["id", "age"], "properties": {"id": {"type": "string"}}},
    }
    assert summary(compare(tmp_path, *both_ways({"Pet": PET}, split))) == [
        ("api.request-max-decreased", "POST /pets", "request body.name: maxLength 50 -> 20"),
        ("api.request-required-property-added", "POST /pets", "request body: new required property `age`"),
    ]


@pytest.mark.parametrize("flip", [False, True], ids=["3.0->3.1", "3.1->3.0"])
def test_nullable_in_30_equals_a_null_type_in_31(flip: bool, tmp_path: Path) -> None:
    old = api({"Tag": {"type": "string", "nullable": True}}, ref("Tag"), ref("Tag"), version="3.0.3")
    new = api({"Tag": {"type": ["string", "null"]}}, ref("Tag"), ref("Tag"), version="3.1.0")
    assert compare(tmp_path, *((new, old) if flip else (old, new))) == []


def test_null_dropped_or_added_across_versions_is_seen(tmp_path: Path) -> None:
    nullable_30 = api({"Tag": {"type": "string", "nullable": True}}, ref("Tag"), ref("Tag"), version="3.0.3")
    plain_31 = api({"Tag": {"type": "string"}}, ref("Tag"), ref("Tag"), version="3.1.0")
    assert summary(compare(tmp_path, nullable_30, plain_31)) == [
        ("api.request-became-non-nullable", "POST /pets", "request body no longer accepts null")
    ]
    assert summary(compare(tmp_path, plain_31, nullable_30)) == [
        ("api.response-became-nullable", "POST /pets", "response 200 may now be null")
    ]


OWNER = {"type": "object", "properties": {"name": {"type": "string"}}}


def with_owner(owner: Doc, version: str = "3.1.0") -> Doc:
    schemas = {"Owner": OWNER, "Pet": {"type": "object", "properties": {"owner": owner}}}
    return api(schemas, ref("Pet"), ref("Pet"), version=version)


def test_a_30_nullable_allof_reads_as_a_31_oneof_with_null(tmp_path: Path) -> None:
    """`nullable: true` with no `type` of its own (the 3.0 way to make a `$ref` nullable)."""
    nullable_30 = with_owner({"nullable": True, "allOf": [ref("Owner")]}, "3.0.3")
    plain_30 = with_owner({"allOf": [ref("Owner")]}, "3.0.3")
    for spelled_31 in ({"oneOf": [{"type": "null"}, ref("Owner")]}, {"anyOf": [ref("Owner"), {"type": "null"}]}):
        assert compare(tmp_path, nullable_30, with_owner(spelled_31)) == []
        assert compare(tmp_path, with_owner(spelled_31), nullable_30) == []
    assert summary(compare(tmp_path, plain_30, nullable_30)) == [
        ("api.response-became-nullable", "POST /pets", "response 200.owner may now be null")
    ]


@pytest.mark.parametrize("null", [{"type": "null"}, {"enum": [None]}], ids=["type-null", "enum-null"])
def test_oneof_with_null_is_one_became_nullable_finding(null: Doc, tmp_path: Path) -> None:
    base = {"Pet": PET, "Owner": {"type": "object", "properties": {"pet": ref("Pet")}}}
    head = {"Pet": PET, "Owner": {"type": "object", "properties": {"pet": {"oneOf": [null, ref("Pet")]}}}}
    found = compare(tmp_path, api(base, response=ref("Owner")), api(head, response=ref("Owner")))
    assert summary(found) == [("api.response-became-nullable", "POST /pets", "response 200.pet may now be null")]
    [finding] = found
    assert finding.pointer == "/components/schemas/Owner/properties/pet" and finding.file.endswith("head.yaml")
    # accepting null as well breaks no sender
    assert compare(tmp_path, api(base, request=ref("Owner")), api(head, request=ref("Owner"))) == []


def test_a_change_inside_oneof_with_null_is_still_compared(tmp_path: Path) -> None:
    owner = {"type": "object", "properties": {"pet": {"oneOf": [{"type": "null"}, ref("Pet")]}}}
    shorter = {**PET, "properties": {**PET["properties"], "name": {"type": "string", "maxLength": 10}}}
    found = compare(
        tmp_path, api({"Pet": PET, "Owner": owner}, ref("Owner")), api({"Pet": shorter, "Owner": owner}, ref("Owner"))
    )
    assert summary(found) == [("api.request-max-decreased", "POST /pets", "request body.pet.name: maxLength 50 -> 10")]


def test_a_30_boolean_exclusive_maximum_reads_as_the_31_number(tmp_path: Path) -> None:
    old = api({"N": {"type": "integer", "maximum": 10, "exclusiveMaximum": True}}, ref("N"), version="3.0.3")
    same = api({"N": {"type": "integer", "exclusiveMaximum": 10}}, ref("N"))
    lower = api({"N": {"type": "integer", "exclusiveMaximum": 9}}, ref("N"))
    assert compare(tmp_path, old, same) == []
    assert summary(compare(tmp_path, old, lower)) == [
        ("api.request-max-decreased", "POST /pets", "request body: exclusiveMaximum 10 -> 9")
    ]


# --- direction -------------------------------------------------------------------------------------------------


def test_a_read_only_property_added_as_required_is_not_a_request_break(tmp_path: Path) -> None:
    def with_created(read_only: bool) -> dict[str, Any]:
        created = {"type": "string", **({"readOnly": True} if read_only else {})}
        return {
            "Pet": {
                **PET,
                "required": [*PET["required"], "created"],
                "properties": {**PET["properties"], "created": created},
            }
        }

    assert compare(tmp_path, *both_ways({"Pet": PET}, with_created(read_only=True))) == []
    assert summary(compare(tmp_path, *both_ways({"Pet": PET}, with_created(read_only=False)))) == [
        ("api.request-required-property-added", "POST /pets", "request body: new required property `created`")
    ]


def test_a_read_only_property_is_not_compared_in_requests(tmp_path: Path) -> None:
    def pet(id_schema: Doc) -> dict[str, Any]:
        return {"Pet": {**PET, "properties": {**PET["properties"], "id": id_schema}}}

    found = compare(
        tmp_path, *both_ways(pet({"type": "string", "readOnly": True}), pet({"type": "integer", "readOnly": True}))
    )
    assert summary(found) == [("api.response-type-changed", "POST /pets", "response 200.id may now be `integer`")]


def test_a_write_only_property_removed_from_a_response_is_not_a_response_break(tmp_path: Path) -> None:
    def with_password(write_only: bool) -> dict[str, Any]:
        password = {"type": "string", **({"writeOnly": True} if write_only else {})}
        return {
            "Pet": {
                **PET,
                "required": [*PET["required"], "password"],
                "properties": {**PET["properties"], "password": password},
            }
        }

    assert compare(tmp_path, *both_ways(with_password(write_only=True), {"Pet": PET})) == []
    assert summary(compare(tmp_path, *both_ways(with_password(write_only=False), {"Pet": PET}))) == [
        ("api.response-property-removed", "POST /pets", "response 200: property `password` was removed")
    ]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("integer", "number", []),
        ("number", "integer", [("api.request-type-changed", "request body.age no longer accepts `number`")]),
        ("integer", "string", [("api.request-type-changed", "request body.age no longer accepts `integer`")]),
    ],
)
def test_number_and_integer_in_a_request(
    before: str, after: str, expected: list[tuple[str, str]], tmp_path: Path
) -> None:
    def pet(age: str) -> dict[str, Any]:
        return {"Pet": {"type": "object", "properties": {"age": {"type": age}}}}

    found = compare(tmp_path, api(pet(before), ref("Pet")), api(pet(after), ref("Pet")))
    assert [(f.rule, f.message) for f in found] == expected


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("number", "integer", []),
        ("integer", "number", [("api.response-type-changed", "response 200.age may now be `number`")]),
    ],
)
def test_number_and_integer_in_a_response(
    before: str, after: str, expected: list[tuple[str, str]], tmp_path: Path
) -> None:
    def pet(age: str) -> dict[str, Any]:
        return {"Pet": {"type": "object", "properties": {"age": {"type": age}}}}

    found = compare(tmp_path, api(pet(before), response=ref("Pet")), api(pet(after), response=ref("Pet")))
    assert [(f.rule, f.message) for f in found] == expected


def test_below_a_changed_type_nothing_more_is_reported(tmp_path: Path) -> None:
    old = {"Pet": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}}
    new = {"Pet": {"type": "string", "maxLength": 3}}
    found = compare(tmp_path, *both_ways(old, new))
    assert sorted(f.rule for f in found) == ["api.request-type-changed", "api.response-type-changed"]


# --- shared components --------------------------------------------------------------------------------------


def test_a_shared_component_is_reported_for_every_operation_at_its_place(tmp_path: Path) -> None:
    def contract(owner: Doc) -> Doc:
        doc = api({"Owner": owner, "Pet": {"type": "object", "properties": {"owner": ref("Owner")}}}, ref("Owner"))
        doc["paths"]["/pets/{petId}"] = {
            "put": {
                "requestBody": {"content": {"application/json": {"schema": ref("Pet")}}},
                "responses": {"204": {"description": "ok"}},
            }
        }
        return doc

    owner = {"type": "object", "properties": {"name": {"type": "string"}}}
    found = compare(tmp_path, contract(owner), contract({**owner, "required": ["name"]}))
    assert summary(found) == [
        ("api.request-property-became-required", "POST /pets", "request body: property `name` is now required"),
        (
            "api.request-property-became-required",
            "PUT /pets/{petId}",
            "request body.owner: property `name` is now required",
        ),
    ]
    assert {f.pointer for f in found} == {"/components/schemas/Owner/properties/name"}


def test_the_operation_is_named_by_the_head_template(tmp_path: Path) -> None:
    base = api({"Pet": PET}, ref("Pet"), path="/pets/{petId}")
    head = api({"Pet": {**PET, "required": [*PET["required"], "age"]}}, ref("Pet"), path="/pets/{id}")
    assert [f.operation for f in compare(tmp_path, base, head)] == ["POST /pets/{id}"]


def test_a_broken_ref_in_a_shared_component_is_reported_once(tmp_path: Path) -> None:
    def contract(owner: Doc) -> Doc:
        doc = api({"Pet": {"type": "object", "properties": {"owner": owner}}}, ref("Pet"), ref("Pet"))
        doc["paths"]["/other"] = {"put": doc["paths"]["/pets"]["post"]}
        return doc

    found = compare(tmp_path, contract({"type": "object"}), contract({"$ref": "https://example.com/owner.yaml"}))
    assert summary(found) == [("api.remote-ref", None, "remote $ref `https://example.com/owner.yaml` is not followed")]


def test_a_recursive_dynamic_ref_is_compared_once_and_ends(tmp_path: Path) -> None:
    def tree(max_length: int) -> Doc:
        return {
            "$dynamicAnchor": "node",
            "type": "object",
            "properties": {
                "name": {"type": "string", "maxLength": max_length},
                "children": {"type": "array", "items": {"$dynamicRef": "#node"}},
            },
        }

    found = compare(tmp_path, api({"Tree": tree(20)}, ref("Tree")), api({"Tree": tree(10)}, ref("Tree")))
    assert summary(found) == [("api.request-max-decreased", "POST /pets", "request body.name: maxLength 20 -> 10")]


def test_a_dynamic_ref_that_names_nothing_in_a_body_added_is_reported(tmp_path: Path) -> None:
    """As a broken `$ref` is: also where nothing old is compared."""
    base = api({"Pet": PET}, response=ref("Pet"))
    head = api({"Pet": PET}, request={"type": "array", "items": {"$dynamicRef": "#nowhere"}}, response=ref("Pet"))
    found = compare(tmp_path, base, head)
    assert summary(found) == [("api.unresolved-ref", None, "$dynamicRef `#nowhere` does not resolve")]
    assert found[0].pointer == "/paths/~1pets/post/requestBody/content/application~1json/schema/items"
