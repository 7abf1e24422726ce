"""The JSON Schema keywords table (issue 18): one schema `Thing` before and after, used as a request body or as a
response; each case must give exactly the expected rules, each at the expected place of the head document (JSON
pointer and line), in OpenAPI 3.0 (where the keyword exists) and 3.1, YAML and JSON. Each breaking change has a
harmless counterpart that must give nothing."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.findings import Finding
from generator.openapi import loader
from generator.openapi.differ import diff
from tests.openapi.documents import Doc, write
from tests.openapi.test_schema_diff import TODAY, api, compare, ref

THING = "/components/schemas/Thing"
THING_REF = "#" + THING
BOTH, ONLY_31 = ("3.0.3", "3.1.0"), ("3.1.0",)


@dataclass
class Case:
    id: str
    base: Doc
    head: Doc
    direction: str  # "request": Thing is what the API accepts; "response": what it returns
    expected: list[tuple[str, str]]  # (rule, pointer below Thing in the head document)
    versions: tuple[str, ...] = BOTH


def R(id: str, base: Doc, head: Doc, *expected: tuple[str, str], versions: tuple[str, ...] = BOTH) -> Case:
    return Case(id, base, head, "request", list(expected), versions)


def S(id: str, base: Doc, head: Doc, *expected: tuple[str, str], versions: tuple[str, ...] = BOTH) -> Case:
    return Case(id, base, head, "response", list(expected), versions)


def string(**keywords: Any) -> Doc:
    return {"type": "string", **keywords}


def array(**keywords: Any) -> Doc:
    return {"type": "array", **keywords}


def obj(**keywords: Any) -> Doc:
    return {"type": "object", **keywords}


HEX = "^[0-9a-f]{40}$"
WIDE_HEX = "^([0-9a-f]{40}|[0-9a-f]{64})$"
PET = obj(required=["id", "name"], properties={"id": string(), "name": string(maxLength=50)})
PET_PLUS = obj(properties={"id": string(), "name": string(), "nickname": string()})
CAT = obj(required=["kind"], properties={"kind": string(), "claws": {"type": "boolean"}})
DOG = obj(required=["kind"], properties={"kind": string(), "bark": {"type": "boolean"}})
PETS = {"oneOf": [ref("Cat"), ref("Dog")]}
CAT_OR_DOG = {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"}}
KIND_CAT = obj(required=["kind"], properties={"kind": string(enum=["cat"])})
NOT_WIDENED, NOT_NARROWED, NOT_UNDECIDED = "api.request-not-widened", "api.response-not-narrowed", "api.not-undecided"
UNDECIDED_OVERLAP = "api.variants-overlap-undecided"
TWICE = {"item": string(**{"$dynamicAnchor": "item"}), "again": string(**{"$dynamicAnchor": "item"})}


def bound_list(max_length: int) -> Doc:
    """A generic list (its own resource, with a `$dynamicAnchor: item` that accepts anything) whose item type the
    schema that uses it binds: a string of at most `max_length` characters."""
    generic = array(items={"$dynamicRef": "#item"}, **{"$id": "https://example.com/list"})
    generic["$defs"] = {"item": {"$dynamicAnchor": "item"}}
    item = string(maxLength=max_length, **{"$dynamicAnchor": "item"})
    return {
        "$id": "https://example.com/names",
        "$defs": {"item": item, "list": generic},
        "$ref": f"{THING_REF}/$defs/list",
    }


WIDENED = "api.response-range-widened"
RELAXED = "api.response-constraint-relaxed"

CASES = [
    # --- ranges in a response (widened: clients may receive values outside the promised range) -------------------
    S("response maxLength raised", string(maxLength=40), string(maxLength=64), (WIDENED, "/maxLength")),
    S("response maxLength lowered", string(maxLength=64), string(maxLength=40)),
    S("response minimum removed", {"type": "integer", "minimum": 1}, {"type": "integer"}, (WIDENED, "")),
    S("response maxProperties raised", obj(maxProperties=3), obj(maxProperties=5), (WIDENED, "/maxProperties")),
    R(
        "request maxProperties lowered",
        obj(maxProperties=5),
        obj(maxProperties=3),
        ("api.request-max-decreased", "/maxProperties"),
    ),
    R("request minProperties lowered", obj(minProperties=3), obj(minProperties=1)),
    # --- patterns: decided where they can be, a warning elsewhere -----------------------------------------------
    R("request pattern widened by alternation", string(pattern=HEX), string(pattern=WIDE_HEX)),
    R("request pattern relaxed to empty", string(pattern=HEX), string(pattern="")),
    R("request pattern relaxed to .*", string(pattern=HEX), string(pattern=".*")),
    R("request pattern loses an end anchor", string(pattern="^abc$"), string(pattern="^abc")),
    R(
        "request pattern narrowed",
        string(pattern="^[a-z]+$"),
        string(pattern="^[a-z]{2,}$"),
        ("api.request-pattern-changed", "/pattern"),
    ),
    R(
        "request pattern gains an end anchor",
        string(pattern="^abc"),
        string(pattern="^abc$"),
        ("api.request-pattern-changed", "/pattern"),
    ),
    R("request pattern added", string(), string(pattern="^[a-z]+$"), ("api.request-pattern-changed", "/pattern")),
    R(
        "request pattern undecided",
        string(pattern="^[a-z]+$"),
        string(pattern="^[a-z0-9]+$"),
        ("api.pattern-undecided", "/pattern"),
    ),
    S("response pattern widened", string(pattern=HEX), string(pattern=WIDE_HEX), (RELAXED, "/pattern")),
    S("response pattern narrowed", string(pattern=WIDE_HEX), string(pattern=HEX)),
    S("response pattern removed", string(pattern=HEX), string(), (RELAXED, "")),
    S(
        "response pattern undecided",
        string(pattern="^[a-z0-9]+$"),
        string(pattern="^[a-z]+[0-9]*$"),
        ("api.pattern-undecided", "/pattern"),
    ),
    # --- alternatives -----------------------------------------------------------------------------------------
    R(
        "request wrapped in an overlapping oneOf",
        PET,
        {"oneOf": [PET, PET_PLUS]},
        ("api.request-variants-overlap", "/oneOf"),
    ),
    R(
        "request oneOf with the same alternative twice",
        {"oneOf": [string(), {"type": "integer"}]},
        {"oneOf": [string(), string()]},
        ("api.request-variants-overlap", "/oneOf"),
        ("api.request-variant-removed", ""),
    ),
    R("request wrapped in a oneOf that does not overlap", string(), {"oneOf": [string(), {"type": "integer"}]}),
    R(
        "request oneOf told apart by required properties",
        CAT,
        {"oneOf": [CAT, obj(required=["bark"], properties={"bark": {"type": "boolean"}}, additionalProperties=False)]},
    ),
    R("request anyOf may overlap", PET, {"anyOf": [PET, PET_PLUS]}),
    S(
        "response anyOf alternative replaced by another shape",
        {"anyOf": [obj(properties={"a": string()}), obj(properties={"b": string()})]},
        {"anyOf": [obj(properties={"a": string()}), obj(properties={"c": string()})]},
        ("api.response-variant-added", ""),
    ),
    S(
        "response anyOf alternatives reordered and extended",
        {"anyOf": [obj(properties={"a": string()}), obj(properties={"b": string()})]},
        {"anyOf": [obj(properties={"b": string(), "b2": string()}), obj(properties={"a": string()})]},
    ),
    # --- const and extensible enums ---------------------------------------------------------------------------
    S(
        "response const replaced",
        string(const="v1"),
        string(const="v2"),
        ("api.response-const-changed", "/const"),
        versions=ONLY_31,
    ),
    S("response const removed", string(const="v1"), string(), ("api.response-const-changed", ""), versions=ONLY_31),
    S("response const kept", string(const="v1"), string(const="v1", description="the version"), versions=ONLY_31),
    S(
        "response extensible enum gains a value",
        string(**{"x-extensible-enum": ["a", "b"]}),
        string(**{"x-extensible-enum": ["a", "b", "c"]}),
    ),
    S(
        "response enum marked extensible gains a value",
        string(enum=["a"], **{"x-extensible-enum": True}),
        string(enum=["a", "b"], **{"x-extensible-enum": True}),
    ),
    S(
        "response closed enum gains a value",
        string(enum=["a"]),
        string(enum=["a", "b"]),
        ("api.response-enum-value-added", "/enum"),
    ),
    R(
        "request extensible enum loses a value",
        string(**{"x-extensible-enum": ["a", "b"]}),
        string(**{"x-extensible-enum": ["a"]}),
        ("api.request-enum-value-removed", "/x-extensible-enum"),
    ),
    # --- multipleOf, uniqueItems ------------------------------------------------------------------------------
    R(
        "request multipleOf added",
        {"type": "integer"},
        {"type": "integer", "multipleOf": 5},
        ("api.request-multiple-of-changed", "/multipleOf"),
    ),
    R(
        "request multipleOf 5 -> 10",
        {"type": "integer", "multipleOf": 5},
        {"type": "integer", "multipleOf": 10},
        ("api.request-multiple-of-changed", "/multipleOf"),
    ),
    R("request multipleOf 10 -> 5", {"type": "integer", "multipleOf": 10}, {"type": "integer", "multipleOf": 5}),
    R("request multipleOf 0.5 -> 0.25", {"type": "number", "multipleOf": 0.5}, {"type": "number", "multipleOf": 0.25}),
    S(
        "response multipleOf 10 -> 5",
        {"type": "integer", "multipleOf": 10},
        {"type": "integer", "multipleOf": 5},
        (RELAXED, "/multipleOf"),
    ),
    S("response multipleOf 5 -> 10", {"type": "integer", "multipleOf": 5}, {"type": "integer", "multipleOf": 10}),
    R(
        "request uniqueItems added",
        array(items=string()),
        array(items=string(), uniqueItems=True),
        ("api.request-unique-items-added", "/uniqueItems"),
    ),
    S("response uniqueItems removed", array(items=string(), uniqueItems=True), array(items=string()), (RELAXED, "")),
    S("response uniqueItems added", array(items=string()), array(items=string(), uniqueItems=True)),
    # --- contains, prefixItems, items and unevaluatedItems (3.1) ----------------------------------------------
    R(
        "request contains added",
        array(),
        array(contains=string()),
        ("api.request-contains-narrowed", "/contains"),
        versions=ONLY_31,
    ),
    R(
        "request minContains raised",
        array(contains=string()),
        array(contains=string(), minContains=2),
        ("api.request-contains-narrowed", "/minContains"),
        versions=ONLY_31,
    ),
    R(
        "request contains narrowed",
        array(contains=string(maxLength=5)),
        array(contains=string(maxLength=3)),
        ("api.request-max-decreased", "/contains/maxLength"),
        versions=ONLY_31,
    ),
    R("request contains removed", array(contains=string()), array(), versions=ONLY_31),
    S(
        "response maxContains raised",
        array(contains=string(), maxContains=2),
        array(contains=string(), maxContains=3),
        (RELAXED, "/maxContains"),
        versions=ONLY_31,
    ),
    S("response contains removed", array(contains=string()), array(), (RELAXED, ""), versions=ONLY_31),
    R(
        "request prefixItems position added",
        array(prefixItems=[string()]),
        array(prefixItems=[string(), {"type": "integer"}]),
        ("api.request-items-narrowed", "/prefixItems"),
        versions=ONLY_31,
    ),
    R(
        "request prefixItems position retyped",
        array(prefixItems=[string()]),
        array(prefixItems=[{"type": "integer"}]),
        ("api.request-type-changed", "/prefixItems/0"),
        versions=ONLY_31,
    ),
    R(
        "request prefixItems position removed",
        array(prefixItems=[string(), string()]),
        array(prefixItems=[string()]),
        versions=ONLY_31,
    ),
    R(
        "request array closed after its tuple",
        array(prefixItems=[string()]),
        array(prefixItems=[string()], items=False),
        ("api.request-items-narrowed", "/items"),
        versions=ONLY_31,
    ),
    R(
        "request unevaluatedItems false",
        array(prefixItems=[string()]),
        array(prefixItems=[string()], unevaluatedItems=False),
        ("api.request-items-narrowed", "/unevaluatedItems"),
        versions=ONLY_31,
    ),
    S(
        "response prefixItems position removed",
        array(prefixItems=[string(), string()]),
        array(prefixItems=[string()]),
        (RELAXED, ""),
        versions=ONLY_31,
    ),
    # --- objects: dependencies, patternProperties, propertyNames, unevaluatedProperties (3.1) -----------------
    R(
        "request dependentRequired extended",
        obj(dependentRequired={"a": ["b"]}),
        obj(dependentRequired={"a": ["b", "c"]}),
        ("api.request-dependency-added", "/dependentRequired"),
        versions=ONLY_31,
    ),
    S(
        "response dependentRequired reduced",
        obj(dependentRequired={"a": ["b", "c"]}),
        obj(dependentRequired={"a": ["b"]}),
        (RELAXED, "/dependentRequired"),
        versions=ONLY_31,
    ),
    R(
        "request dependentRequired reduced",
        obj(dependentRequired={"a": ["b", "c"]}),
        obj(dependentRequired={"a": ["b"]}),
        versions=ONLY_31,
    ),
    R(
        "request dependentSchemas added",
        obj(),
        obj(dependentSchemas={"a": {"required": ["b"]}}),
        ("api.request-dependency-added", "/dependentSchemas"),
        versions=ONLY_31,
    ),
    R(
        "request dependentSchemas narrowed",
        obj(dependentSchemas={"a": {"required": ["b"]}}),
        obj(dependentSchemas={"a": {"required": ["b", "c"]}}),
        ("api.request-required-property-added", "/dependentSchemas/a"),
        versions=ONLY_31,
    ),
    R(
        "request patternProperties added",
        obj(),
        obj(patternProperties={"^x-": string()}),
        ("api.request-pattern-property-added", "/patternProperties"),
        versions=ONLY_31,
    ),
    R(
        "request patternProperties narrowed",
        obj(patternProperties={"^x-": string()}),
        obj(patternProperties={"^x-": {"type": "integer"}}),
        ("api.request-type-changed", "/patternProperties/^x-"),
        versions=ONLY_31,
    ),
    S(
        "response patternProperties removed",
        obj(patternProperties={"^x-": string()}),
        obj(),
        (RELAXED, ""),
        versions=ONLY_31,
    ),
    R(
        "request propertyNames added",
        obj(),
        obj(propertyNames={"maxLength": 10}),
        ("api.request-property-names-restricted", "/propertyNames"),
        versions=ONLY_31,
    ),
    R(
        "request propertyNames narrowed",
        obj(propertyNames={"maxLength": 10}),
        obj(propertyNames={"maxLength": 5}),
        ("api.request-max-decreased", "/propertyNames/maxLength"),
        versions=ONLY_31,
    ),
    S("response propertyNames removed", obj(propertyNames={"maxLength": 10}), obj(), (RELAXED, ""), versions=ONLY_31),
    S("response propertyNames added", obj(), obj(propertyNames={"maxLength": 10}), versions=ONLY_31),
    R(
        "request unevaluatedProperties false",
        obj(properties={"a": string()}),
        obj(properties={"a": string()}, unevaluatedProperties=False),
        ("api.request-additional-properties-closed", "/unevaluatedProperties"),
        versions=ONLY_31,
    ),
    S("response unevaluatedProperties opened", obj(unevaluatedProperties=False), obj(), versions=ONLY_31),
    # --- if/then/else (3.1) -----------------------------------------------------------------------------------
    R(
        "request condition added",
        obj(),
        obj(**{"if": {"required": ["a"]}, "then": {"required": ["b"]}}),
        ("api.request-condition-added", "/if"),
        versions=ONLY_31,
    ),
    R(
        "request condition changed",
        obj(**{"if": {"required": ["a"]}, "then": {"required": ["b"]}}),
        obj(**{"if": {"required": ["c"]}, "then": {"required": ["b"]}}),
        ("api.condition-undecided", "/if"),
        versions=ONLY_31,
    ),
    R(
        "request then narrowed",
        obj(**{"if": {"required": ["a"]}, "then": {"required": ["b"]}}),
        obj(**{"if": {"required": ["a"]}, "then": {"required": ["b", "c"]}}),
        ("api.request-required-property-added", "/then"),
        versions=ONLY_31,
    ),
    R(
        "request condition removed",
        obj(**{"if": {"required": ["a"]}, "then": {"required": ["b"]}}),
        obj(),
        versions=ONLY_31,
    ),
    S(
        "response else removed",
        obj(**{"if": {"required": ["a"]}, "else": {"required": ["b"]}}),
        obj(**{"if": {"required": ["a"]}}),
        (RELAXED, ""),
        versions=ONLY_31,
    ),
    # --- encoded content (3.1) --------------------------------------------------------------------------------
    R(
        "request contentMediaType added",
        string(),
        string(contentMediaType="application/json"),
        ("api.request-content-changed", "/contentMediaType"),
        versions=ONLY_31,
    ),
    R(
        "request contentEncoding changed",
        string(contentEncoding="base64"),
        string(contentEncoding="base32"),
        ("api.request-content-changed", "/contentEncoding"),
        versions=ONLY_31,
    ),
    R(
        "request contentSchema narrowed",
        string(contentMediaType="application/json", contentSchema=obj()),
        string(contentMediaType="application/json", contentSchema=obj(required=["a"])),
        ("api.request-required-property-added", "/contentSchema"),
        versions=ONLY_31,
    ),
    R("request contentMediaType removed", string(contentMediaType="application/json"), string(), versions=ONLY_31),
    S(
        "response contentMediaType removed",
        string(contentMediaType="application/json"),
        string(),
        (RELAXED, ""),
        versions=ONLY_31,
    ),
    # --- format ---------------------------------------------------------------------------------------------
    R("request format added", string(), string(format="date"), ("api.request-format-changed", "/format")),
    R(
        "request format int64 -> int32",
        {"type": "integer", "format": "int64"},
        {"type": "integer", "format": "int32"},
        ("api.request-format-changed", "/format"),
    ),
    R("request format int32 -> int64", {"type": "integer", "format": "int32"}, {"type": "integer", "format": "int64"}),
    R("request format removed", string(format="date"), string()),
    S(
        "response format changed",
        string(format="date-time"),
        string(format="date"),
        ("api.response-format-changed", "/format"),
    ),
    S("response format removed", string(format="uuid"), string(), ("api.response-format-changed", "")),
    S("response format int64 -> int32", {"type": "integer", "format": "int64"}, {"type": "integer", "format": "int32"}),
    # --- discriminator, default, deprecated ---------------------------------------------------------------------
    R(
        "request discriminator mapping value removed",
        {**PETS, "discriminator": CAT_OR_DOG},
        {**PETS, "discriminator": {**CAT_OR_DOG, "mapping": {"cat": CAT_OR_DOG["mapping"]["cat"]}}},
        ("api.request-discriminator-changed", "/discriminator"),
    ),
    R(
        "request discriminator mapping value added",
        {**PETS, "discriminator": {**CAT_OR_DOG, "mapping": {"cat": CAT_OR_DOG["mapping"]["cat"]}}},
        {**PETS, "discriminator": CAT_OR_DOG},
    ),
    R("request oneOf with a discriminator may overlap", CAT, {**PETS, "discriminator": CAT_OR_DOG}),
    R(
        "request default changed",
        {"type": "integer", "default": 10},
        {"type": "integer", "default": 20},
        ("api.default-replaced", "/default"),
    ),
    S("response default changed", string(default="a"), string(default="b"), ("api.default-replaced", "/default")),
    R("request default added", {"type": "integer"}, {"type": "integer", "default": 20}),
    S("response deprecated", string(), string(deprecated=True)),
    # --- oneOf overlaps the engine cannot decide: a warning when the pair changed, nothing when it did not -------
    R(
        "request oneOf pair changed and undecided",
        {"oneOf": [string(maxLength=3), string(minLength=5, format="email")]},
        {"oneOf": [string(maxLength=3), string(format="email")]},
        (UNDECIDED_OVERLAP, "/oneOf"),
    ),
    R(
        "request oneOf pair unchanged and undecided",
        {"oneOf": [string(format="date"), string(format="date-time")]},
        {"oneOf": [string(format="date"), string(format="date-time")], "description": "a day or a moment"},
    ),
    R(
        "request oneOf undecided already, an alternative reworded",
        {"oneOf": [string(format="date"), string(format="date-time")]},
        {"oneOf": [string(format="date", description="a day"), string(format="date-time")]},
    ),
    R(
        "request oneOf overlapping already, an alternative changed",
        {"oneOf": [PET, PET_PLUS]},
        {"oneOf": [PET, {**PET_PLUS, "properties": {**PET_PLUS["properties"], "age": {"type": "integer"}}}]},
    ),
    R(
        "request oneOf told apart by a constant property",
        KIND_CAT,
        {"oneOf": [KIND_CAT, obj(required=["kind"], properties={"kind": string(enum=["dog"])})]},
    ),
    R(
        "request oneOf told apart by a constant property of an allOf part",
        KIND_CAT,
        {
            "oneOf": [
                {"allOf": [obj(required=["kind"], properties={"kind": string()}), KIND_CAT]},
                obj(required=["kind"], properties={"kind": string(enum=["dog"])}),
            ]
        },
    ),
    R(
        "request oneOf overlapping on a value of both formats",
        string(format="date"),
        {"oneOf": [string(format="date"), string(pattern="^[0-9]{4}")]},
        ("api.request-variants-overlap", "/oneOf"),
    ),
    R(
        "request oneOf gains an alternative it cannot be told apart from",
        {"oneOf": [string(format="date"), {"type": "integer"}]},
        {"oneOf": [string(format="date"), {"type": "integer"}, string(format="date-time")]},
        (UNDECIDED_OVERLAP, "/oneOf"),
    ),
    R(
        "request oneOf told apart by ranges",
        {"type": "integer", "maximum": 9},
        {"oneOf": [{"type": "integer", "maximum": 9}, {"type": "integer", "minimum": 10}]},
    ),
    R(
        "request oneOf overlapping on a property the other requires",
        PET,
        {"oneOf": [PET, obj(required=["tag"], properties={"tag": string()})]},
        ("api.request-variants-overlap", "/oneOf"),
    ),
    # --- not: the schema accepts what its `not` rejects, so a `not` is compared the other way round -----------
    R("request not added", string(), string(**{"not": {"enum": ["admin"]}}), (NOT_WIDENED, "/not")),
    R("request not added that excludes nothing accepted", string(), string(**{"not": {"type": "integer"}})),
    R(
        "request not added: a format",
        string(),
        string(**{"not": {"format": "email"}}),
        (NOT_WIDENED, "/not"),
    ),
    R("request not added, undecided", string(), string(**{"not": {"format": "iban"}}), (NOT_UNDECIDED, "/not")),
    R(
        "request not widened",
        string(**{"not": {"enum": ["a"]}}),
        string(**{"not": {"enum": ["a", "b"]}}),
        (NOT_WIDENED, "/not/enum"),
    ),
    R(
        "request not matches more objects",
        obj(**{"not": {"required": ["a", "b"]}}),
        obj(**{"not": {"required": ["a"]}}),
        (NOT_WIDENED, "/not"),
    ),
    R(
        "request not pattern widened",
        string(**{"not": {"pattern": "^[a-z]+$"}}),
        string(**{"not": {"pattern": "^[a-z0-9]+$"}}),
        (NOT_WIDENED, "/not/pattern"),
    ),
    R(
        "request not pattern undecided",
        string(**{"not": {"pattern": "^[a-z0-9]+$"}}),
        string(**{"not": {"pattern": "^[a-z]+[0-9]*$"}}),
        (NOT_UNDECIDED, "/not/pattern"),
    ),
    R("request not narrowed", string(**{"not": {"enum": ["a", "b"]}}), string(**{"not": {"enum": ["a"]}})),
    R("request not removed", string(**{"not": {"enum": ["a"]}}), string()),
    S("response not removed", string(**{"not": {"enum": [""]}}), string(), (NOT_NARROWED, "")),
    S("response not removed that excluded nothing", string(**{"not": {"type": "integer"}}), string()),
    S("response not removed, undecided", string(**{"not": {"format": "iban"}}), string(), (NOT_UNDECIDED, "")),
    S(
        "response not narrowed",
        string(**{"not": {"enum": ["a", "b"]}}),
        string(**{"not": {"enum": ["a"]}}),
        (NOT_NARROWED, "/not/enum"),
    ),
    S("response not widened", string(**{"not": {"enum": ["a"]}}), string(**{"not": {"enum": ["a", "b"]}})),
    S("response not added", string(), string(**{"not": {"enum": ["a"]}})),
    # --- $anchor, $dynamicAnchor and $dynamicRef (3.1) ------------------------------------------------------
    R(
        "request property behind a $anchor narrowed",
        obj(properties={"name": {"$ref": "#name"}}, **{"$defs": {"name": string(maxLength=10, **{"$anchor": "name"})}}),
        obj(properties={"name": {"$ref": "#name"}}, **{"$defs": {"name": string(maxLength=5, **{"$anchor": "name"})}}),
        ("api.request-max-decreased", "/$defs/name/maxLength"),
        versions=ONLY_31,
    ),
    R(
        "request items behind a $dynamicRef narrowed",
        array(
            items={"$dynamicRef": "#item"}, **{"$defs": {"item": string(maxLength=10, **{"$dynamicAnchor": "item"})}}
        ),
        array(items={"$dynamicRef": "#item"}, **{"$defs": {"item": string(maxLength=5, **{"$dynamicAnchor": "item"})}}),
        ("api.request-max-decreased", "/$defs/item/maxLength"),
        versions=ONLY_31,
    ),
    R(
        "request items behind a $dynamicRef bound by the schema that uses it",
        bound_list(10),
        bound_list(5),
        ("api.request-max-decreased", "/$defs/item/maxLength"),
        versions=ONLY_31,
    ),
    R(
        "request items behind a $dynamicRef whose anchor is defined twice where it is bound",
        array(items={"$dynamicRef": "#item"}, **{"$defs": {"item": string(**{"$dynamicAnchor": "item"})}}),
        array(items={"$dynamicRef": "#item"}, **{"$defs": TWICE}),
        ("api.dynamic-ref-undecided", "/items"),
        versions=ONLY_31,
    ),
    R(
        "request $dynamicRef that resolves nowhere",
        array(items=string()),
        array(items={"$dynamicRef": "#nowhere"}),
        ("api.unresolved-ref", "/items"),
        versions=ONLY_31,
    ),
    R(
        "request $ref to an anchor defined nowhere",
        array(items=string()),
        array(items={"$ref": "#nowhere"}),
        ("api.unresolved-ref", "/items"),
        versions=ONLY_31,
    ),
    R(
        "request not inside a not",
        string(**{"not": {"not": {"enum": ["a", "b"]}}}),
        string(**{"not": {"not": {"enum": ["a"]}}}),
        ("api.request-enum-value-removed", "/not/not/enum"),
    ),
]


def _document(case: Case, schema: Doc, version: str) -> Doc:
    schemas = {"Thing": copy.deepcopy(schema), "Cat": CAT, "Dog": DOG}
    if case.direction == "request":
        return api(schemas, request=ref("Thing"), version=version)
    return api(schemas, response=ref("Thing"), version=version)


def line_of(doc: Doc, pointer: str, suffix: str) -> int:
    """The line the node at `pointer` is written on, found by writing the document with a marker there."""
    marked = copy.deepcopy(doc)
    *parents, last = [token.replace("~1", "/").replace("~0", "~") for token in pointer.split("/")[1:]]
    target: Any = marked
    for token in parents:
        target = target[int(token)] if isinstance(target, list) else target[token]
    target[int(last) if isinstance(target, list) else last] = "MARKER-3f1c"
    text = json.dumps(marked, indent=2) if suffix == ".json" else yaml.safe_dump(marked, sort_keys=False)
    return next(number for number, line in enumerate(text.splitlines(), 1) if "MARKER-3f1c" in line)


def run(case: Case, version: str, suffix: str, tmp_path: Path) -> tuple[Doc, list[Finding]]:
    base, head = _document(case, case.base, version), _document(case, case.head, version)
    old = loader.load(str(write(base, tmp_path / f"base{suffix}")))
    new = loader.load(str(write(head, tmp_path / f"head{suffix}")))
    return head, diff(old, new, TODAY)


PARAMS = [(case, version) for case in CASES for version in case.versions]


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
@pytest.mark.parametrize(("case", "version"), PARAMS, ids=[f"{c.id} ({v})" for c, v in PARAMS])
def test_keyword_table(case: Case, version: str, suffix: str, tmp_path: Path) -> None:
    head, found = run(case, version, suffix, tmp_path)
    assert sorted((f.rule, f.pointer) for f in found) == sorted(
        (rule, THING + pointer) for rule, pointer in case.expected
    ), [(f.rule, f.pointer, f.message) for f in found]
    for finding in found:
        assert finding.file.endswith(f"head{suffix}")
        assert finding.line == line_of(head, finding.pointer or "", suffix), finding


def test_the_keyword_table_against_itself_finds_nothing(tmp_path: Path) -> None:
    """Nothing, but a ref that names nothing: a broken document stays broken."""
    for case in CASES:
        for version in case.versions:
            doc = _document(case, case.head, version)
            broken = [(rule, THING + pointer) for rule, pointer in case.expected if rule == "api.unresolved-ref"]
            assert [(f.rule, f.pointer) for f in compare(tmp_path, doc, doc)] == broken, case.id


def covered_rules() -> set[str]:
    """The rules this table makes fire (the catalogue test counts them)."""
    return {rule for case in CASES for rule, _ in case.expected} | {"api.request-became-non-nullable"}


def _with_parameter(parameter: Doc, version: str) -> Doc:
    doc = api({}, version=version)
    doc["paths"]["/pets"]["post"]["parameters"] = [parameter]
    return doc


@pytest.mark.parametrize("version", BOTH)
def test_null_removed_from_a_parameter_written_as_a_string_breaks_nobody(version: str, tmp_path: Path) -> None:
    """A query, path, header or cookie value with a `schema` is text: it cannot carry JSON null, so no client
    sent null, and a schema that stops accepting it rejects nothing. A parameter with `content` is JSON: it can."""

    def query(schema: Doc) -> Doc:
        return {"name": "tag", "in": "query", "schema": schema}

    def as_json(schema: Doc) -> Doc:
        return {"name": "filter", "in": "query", "content": {"application/json": {"schema": schema}}}

    nullable: Doc = {"type": "string", "nullable": True} if version.startswith("3.0") else {"type": ["string", "null"]}
    nested = {"type": "object", "properties": {"tag": nullable}}
    for before, after in (
        (nullable, {"type": "string"}),
        (nested, {"type": "object", "properties": {"tag": {"type": "string"}}}),
    ):
        assert compare(tmp_path, _with_parameter(query(before), version), _with_parameter(query(after), version)) == []
        found = compare(tmp_path, _with_parameter(as_json(before), version), _with_parameter(as_json(after), version))
        assert [(f.rule, f.message) for f in found] == [
            (
                "api.request-became-non-nullable",
                "query parameter `filter` no longer accepts null"
                if before is nullable
                else "query parameter `filter`.tag no longer accepts null",
            )
        ]


@pytest.mark.parametrize("version", BOTH)
def test_null_excluded_from_a_parameter_written_as_a_string_breaks_nobody(version: str, tmp_path: Path) -> None:
    """The same for a `not` that rejects null, and for oneOf alternatives whose one value in common is null: a
    parameter written as text never carries null. A parameter with `content` is JSON: it can."""

    def text(schema: Doc) -> Doc:
        return {"name": "tag", "in": "query", "schema": schema}

    def as_json(schema: Doc) -> Doc:
        return {"name": "tag", "in": "query", "content": {"application/json": {"schema": schema}}}

    def nullable(kind: str) -> Doc:
        return {"type": kind, "nullable": True} if version.startswith("3.0") else {"type": [kind, "null"]}

    for after, rules in (
        ({**nullable("string"), "not": {"enum": [None]}}, ["api.request-not-widened"]),
        (  # null matches both alternatives: the oneOf rejects it
            {"oneOf": [nullable("string"), nullable("integer")]},
            ["api.request-became-non-nullable", "api.request-variants-overlap"],
        ),
    ):
        for written, expected in ((text, []), (as_json, rules)):
            base, head = (_with_parameter(written(schema), version) for schema in (nullable("string"), after))
            found = compare(tmp_path, base, head)
            assert sorted(f.rule for f in found) == expected, [(f.rule, f.message) for f in found]


def test_a_default_that_changed_type_reads_as_json(tmp_path: Path) -> None:
    """`5` -> `"5"` is a change a client notices (a number became a string): the message shows both as JSON."""
    found = compare(tmp_path, api({}, request={"default": 5}), api({}, request={"default": "5"}))
    assert [(f.rule, f.message) for f in found] == [("api.default-replaced", 'request body: default `5` -> `"5"`')]
