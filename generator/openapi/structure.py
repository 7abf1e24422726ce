"""The shape of a contract: every node the engine reads is the kind OpenAPI says it is, or the contract is refused.

`paths` as a list, an operation with no value (`get:` alone), `responses` as a string, `properties` as a list:
each would make the differ read nothing (a change missed) or stop with a crash. Checked once, when a contract is
loaded, from the root through every `$ref` it reaches (in any file of the contract), each node once per kind.
Only structure is checked (mapping, list, schema, string list), never what OpenAPI merely recommends (a response
`description`), so real documents that other tools accept load here too. The first problem found is the one
reported (rule `api.shape`, declared in the loader): the user fixes it and runs again, as with a syntax error.
The walk also notes every `$ref` (and `$dynamicRef`) it meets that is remote or names nothing (`Spec.broken`): the
differ reports them wherever they are, also in parts of the contract it has no old side to compare with (a request
body added).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from generator.findings import excerpt
from generator.openapi.anchors import anchor_name
from generator.openapi.loader import Pointer, Source, Spec, is_remote, locate, walk

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# JSON Schema keywords by what they hold (2020-12, and the draft-04 keywords OpenAPI 3.0 reads)
_ONE_SCHEMA = frozenset(
    (
        "items",
        "additionalItems",
        "additionalProperties",
        "not",
        "if",
        "then",
        "else",
        "contains",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contentSchema",
    )
)
_SCHEMA_MAPS = frozenset(("properties", "patternProperties", "dependentSchemas", "$defs", "definitions"))
_SCHEMA_LISTS = frozenset(("allOf", "anyOf", "oneOf", "prefixItems"))


class Malformed(Exception):
    """Where a contract is not shaped as OpenAPI says, and what is wrong there."""

    def __init__(self, source: Source, pointer: Pointer, message: str) -> None:
        super().__init__(message)
        self.source, self.pointer, self.message = source, pointer, message


def _kind(value: Any) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return f"a boolean `{value}`".lower()
    if isinstance(value, (int, float)):
        return f"a number `{value}`"
    if isinstance(value, str):
        return f"a string `{excerpt(value, 40)}`"
    return "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else type(value).__name__


class _Checker:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.seen: set[tuple[int, str]] = set()
        self.pending: list[tuple[Source, Pointer, Any, str]] = []
        self.source = spec.root
        self.at: list[str] = []

    def fail(self, message: str) -> Malformed:
        return Malformed(self.source, tuple(self.at), message)

    def expect(self, value: Any, wanted: type, noun: str) -> None:
        if not isinstance(value, wanted) or (wanted is dict and isinstance(value, bool)):
            shape = "a mapping" if wanted is dict else "a list"
            raise self.fail(f"{noun} must be {shape}, not {_kind(value)}")

    def child(self, key: str | int, value: Any, check: Callable[[Any], None]) -> None:
        self.at.append(str(key))
        check(value)
        self.at.pop()

    def fields(self, value: dict[str, Any], checks: dict[str, Callable[[Any], None]]) -> None:
        for key, check in checks.items():
            if key in value:
                self.child(key, value[key], check)

    def mapping_of(self, noun: str, check: Callable[[Any], None], *, extensions: bool = False) -> Callable[[Any], None]:
        """`extensions`: an OpenAPI object whose `x-` keys are extensions (Paths, Responses, Callback), not entries."""

        def each(value: Any) -> None:
            self.expect(value, dict, noun)
            for key, item in value.items():
                if not (extensions and isinstance(key, str) and key.startswith("x-")):
                    self.child(key, item, check)

        return each

    def list_of(self, noun: str, check: Callable[[Any], None]) -> Callable[[Any], None]:
        def each(value: Any) -> None:
            self.expect(value, list, noun)
            for index, item in enumerate(value):
                self.child(index, item, check)

        return each

    def referenced(self, value: Any, kind: str, noun: str) -> bool:
        """True when `value` is a `$ref` object (its target is checked as `kind` later); checks it is a mapping."""
        self.expect(value, dict, noun)
        if "$ref" not in value:
            return False
        found = self._target(value, "$ref")
        if found is None:  # reported by the differ (api.remote-ref, api.unresolved-ref)
            self.spec.broken.append((self.source, tuple(self.at), value))
        else:
            self.pending.append((*found, kind))
        return True

    def dynamic(self, value: dict[str, Any]) -> None:
        """A `$dynamicRef`: a string that leads somewhere, as a `$ref` (where it is bound is the differ's
        business: a `$dynamicAnchor` defined twice where it is read is not a ref that names nothing)."""
        found = self._target(value, "$dynamicRef")
        if found is not None:
            self.pending.append((*found, "schema"))
        elif is_remote(value["$dynamicRef"]) or anchor_name(value["$dynamicRef"]) not in self.spec.contested():
            self.spec.broken.append((self.source, tuple(self.at), value))

    def _target(self, value: dict[str, Any], keyword: str) -> tuple[Source, Pointer, Any] | None:
        """Where the reference under `keyword` leads (None when remote or naming nothing); it must be a string."""
        ref = value[keyword]
        if not isinstance(ref, str):
            self.at.append(keyword)
            raise self.fail(f"{keyword} must be a string, not {_kind(ref)}")
        return None if is_remote(ref) else _target(self.spec, self.source, ref, tuple(self.at))

    def visit(self, value: Any, kind: str) -> bool:
        """False when this node was already checked as `kind`."""
        key = (id(value), kind)
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    # --- OpenAPI objects -------------------------------------------------------------------------
    def document(self, value: dict[str, Any]) -> None:
        self.fields(
            value,
            {
                "paths": self.mapping_of("`paths`", self.path_item, extensions=True),
                "webhooks": self.mapping_of("`webhooks`", self.path_item),
                "components": self.components,
            },
        )

    def components(self, value: Any) -> None:
        self.expect(value, dict, "`components`")
        self.fields(
            value,
            {
                "schemas": self.mapping_of("`schemas`", self.schema),
                "parameters": self.mapping_of("`parameters`", self.parameter),
                "requestBodies": self.mapping_of("`requestBodies`", self.request_body),
                "responses": self.mapping_of("`responses`", self.response),
                "headers": self.mapping_of("`headers`", self.header),
                "pathItems": self.mapping_of("`pathItems`", self.path_item),
                "callbacks": self.mapping_of("`callbacks`", self.callback),
            },
        )

    def path_item(self, value: Any) -> None:
        if self.referenced(value, "path_item", "a path item") or not self.visit(value, "path_item"):
            return
        for method in METHODS:
            if method in value:
                self.child(method, value[method], self.operation)
        self.fields(value, {"parameters": self.list_of("`parameters`", self.parameter)})

    def callback(self, value: Any) -> None:
        if not self.referenced(value, "callback", "a callback"):
            self.mapping_of("a callback", self.path_item, extensions=True)(value)

    def operation(self, value: Any) -> None:
        self.expect(value, dict, "an operation")
        self.fields(
            value,
            {
                "parameters": self.list_of("`parameters`", self.parameter),
                "requestBody": self.request_body,
                "responses": self.mapping_of("`responses`", self.response, extensions=True),
                "callbacks": self.mapping_of("`callbacks`", self.callback),
            },
        )

    def parameter(self, value: Any) -> None:
        if self.referenced(value, "parameter", "a parameter") or not self.visit(value, "parameter"):
            return
        self.fields(value, {"schema": self.schema, "content": self.content})

    def request_body(self, value: Any) -> None:
        if self.referenced(value, "request_body", "a request body") or not self.visit(value, "request_body"):
            return
        self.fields(value, {"content": self.content})

    def response(self, value: Any) -> None:
        if self.referenced(value, "response", "a response") or not self.visit(value, "response"):
            return
        self.fields(value, {"headers": self.mapping_of("`headers`", self.header), "content": self.content})

    def header(self, value: Any) -> None:
        if self.referenced(value, "header", "a header") or not self.visit(value, "header"):
            return
        self.fields(value, {"schema": self.schema, "content": self.content})

    def content(self, value: Any) -> None:
        self.mapping_of("`content`", self.media_type)(value)

    def media_type(self, value: Any) -> None:
        self.expect(value, dict, "a media type")
        self.fields(value, {"schema": self.schema})

    # --- schemas ---------------------------------------------------------------------------------
    def schema(self, value: Any) -> None:
        if value is True or value is False:
            return  # a boolean schema (JSON Schema 2020-12)
        self.expect(value, dict, "a schema")
        if not self.visit(value, "schema"):
            return
        if "$ref" in value:
            self.referenced(value, "schema", "a schema")  # 3.1 reads the keywords beside it too
        if "$dynamicRef" in value:
            self.dynamic(value)
        for key, item in value.items():
            if key in _ONE_SCHEMA:
                self.child(key, item, self.schema)
            elif key in _SCHEMA_MAPS:
                self.child(key, item, self.mapping_of(f"`{key}`", self.schema))
            elif key in _SCHEMA_LISTS:
                self.child(key, item, self.list_of(f"`{key}`", self.schema))
            elif key == "required":
                self.child(key, item, self.names)
            elif key == "enum":
                self.child(key, item, lambda enum: self.expect(enum, list, "`enum`"))
            elif key == "type" and not isinstance(item, str):
                self.child(key, item, self.names)

    def names(self, value: Any) -> None:
        noun = f"`{self.at[-1]}`"
        if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
            raise self.fail(f"{noun} must be a list of names, not {_kind(value)}")

    # --- the walk ------------------------------------------------------------------------------
    def run(self) -> None:
        self.document(self.spec.root.data)
        checks = {
            "path_item": self.path_item,
            "callback": self.callback,
            "parameter": self.parameter,
            "request_body": self.request_body,
            "response": self.response,
            "header": self.header,
            "schema": self.schema,
        }
        while self.pending:
            self.source, pointer, value, kind = self.pending.pop()
            self.at = list(pointer)
            checks[kind](value)


def _target(spec: Spec, source: Source, ref: str, at: Pointer = ()) -> tuple[Source, Pointer, Any] | None:
    """Where the local `ref`, written at `at` in `source`, leads; None when it names nothing."""
    found = locate(spec, source, ref, at)
    if found is None:
        return None
    try:
        return found[0], found[1], walk(found[0].data, found[1])
    except (KeyError, IndexError, ValueError, TypeError):
        return None


# Every `"$ref": "..."` of a JSON text, for the fast path: when all of them resolve, no walk is needed to find
# the broken ones.
_JSON_REF = re.compile(r'"\$ref"\s*:\s*"([^"\\]*)"')


def _refs_resolve(spec: Spec) -> bool:
    """True when every `$ref` written in the (single-file) root is local and resolves."""
    text = spec.root.text
    if "$dynamicRef" in text:
        return False
    written = _JSON_REF.findall(text)
    found = set(written) if len(written) == text.count("$ref") else _pointer_refs(spec.root.data)
    if found is None:  # written otherwise (YAML, escapes), read from the data: a `$ref` not a `#/` pointer
        return False
    return all(not is_remote(ref) and _target(spec, spec.root, ref) is not None for ref in found)


def _pointer_refs(data: Any) -> set[str] | None:
    """Every `$ref` of `data` at any depth, when each is a `#/...` pointer (which resolves alike wherever it is
    written); None otherwise."""
    found: set[str] = set()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "$ref" in item:
                ref = item["$ref"]
                if not isinstance(ref, str) or not ref.startswith("#/"):
                    return None
                found.add(ref)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


# The same shape as a JSON Schema, for the root document alone: jsonschema-rs reads Python values in place and
# says "well shaped" about 50 times faster than the walk above, which then runs only to say where a problem is
# (and for contracts of several files, whose `$ref`s it follows). test_structure holds the two in agreement.
def _ref_or(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "if": {"required": ["$ref"]},
        "then": {"properties": {"$ref": {"type": "string"}}},
        "else": {"properties": fields},
    }


def _map(target: str, *, extensions: bool = False) -> dict[str, Any]:
    shape: dict[str, Any] = {"type": "object", "additionalProperties": {"$ref": f"#/$defs/{target}"}}
    return {**shape, "patternProperties": {"^x-": True}} if extensions else shape


def _list(target: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": f"#/$defs/{target}"}}


_NAMES = {"type": "array", "items": {"type": "string"}}
_CONTENT = {
    "type": "object",
    "additionalProperties": {"type": "object", "properties": {"schema": {"$ref": "#/$defs/schema"}}},
}
SHAPE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "paths": _map("pathItem", extensions=True),
        "webhooks": _map("pathItem"),
        "components": {
            "type": "object",
            "properties": {
                "schemas": _map("schema"),
                "parameters": _map("parameter"),
                "requestBodies": _map("requestBody"),
                "responses": _map("response"),
                "headers": _map("header"),
                "pathItems": _map("pathItem"),
                "callbacks": _map("callback"),
            },
        },
    },
    "$defs": {
        "pathItem": _ref_or(
            {
                **{method: {"$ref": "#/$defs/operation"} for method in METHODS},
                "parameters": _list("parameter"),
            }
        ),
        "callback": _ref_or({}) | {"else": _map("pathItem", extensions=True)},
        "operation": {
            "type": "object",
            "properties": {
                "parameters": _list("parameter"),
                "requestBody": {"$ref": "#/$defs/requestBody"},
                "responses": _map("response", extensions=True),
                "callbacks": _map("callback"),
            },
        },
        "parameter": _ref_or({"schema": {"$ref": "#/$defs/schema"}, "content": _CONTENT}),
        "header": _ref_or({"schema": {"$ref": "#/$defs/schema"}, "content": _CONTENT}),
        "requestBody": _ref_or({"content": _CONTENT}),
        "response": _ref_or({"headers": _map("header"), "content": _CONTENT}),
        "schema": {
            "type": ["object", "boolean"],
            "properties": {
                "$ref": {"type": "string"},
                **{key: {"$ref": "#/$defs/schema"} for key in sorted(_ONE_SCHEMA)},
                **{key: _map("schema") for key in sorted(_SCHEMA_MAPS)},
                **{key: _list("schema") for key in sorted(_SCHEMA_LISTS)},
                "required": _NAMES,
                "enum": {"type": "array"},
                "type": {"type": ["string", "array"], "items": {"type": "string"}},
            },
        },
    },
}
LARGE = 256 * 1024  # characters of contract from which the JSON Schema's speed is worth its import (some 15 ms)


@cache
def _validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(SHAPE_SCHEMA)


def well_shaped(data: Any) -> bool:
    """True when the document `data` has OpenAPI's shape (its own nodes; other files are not looked at)."""
    return bool(_validator().is_valid(data))


def check(spec: Spec) -> Malformed | None:
    """The first place where `spec` is not shaped as OpenAPI says (None when it is, or when it is nested too
    deeply to check: the differ then stops at its own limit)."""
    if len(spec.sources) == 1 and len(spec.root.text) >= LARGE and well_shaped(spec.root.data) and _refs_resolve(spec):
        return None
    checker = _Checker(spec)
    try:
        checker.run()
    except Malformed as problem:
        return problem
    except RecursionError:
        return None
    return None
