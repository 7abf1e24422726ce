"""Paths as OpenAPI defines them (templates equal up to parameter names), results independent of key order,
webhooks and callbacks judged with the roles reversed, security requirements, servers, parameter defaults
and removed request bodies; and the properties every comparison keeps (hypothesis)."""

from __future__ import annotations

import copy
import hashlib
import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.findings import Finding
from generator.openapi import loader
from generator.openapi.differ import diff
from tests.openapi import test_differ, test_keywords
from tests.openapi.documents import CB, WH, Doc, edited, pets, with_callback, with_webhook, write
from tests.openapi.test_differ import ID, TODAY, Case, P, _del, _set, run

LIMIT = ["paths", P, "get", "parameters", 0, "schema"]
GET_SECURITY = ["paths", P, "get", "security"]
REF = "#/components/schemas/"
V1 = [{"url": "https://api.example.com/v1"}]

CASES = [
    Case("request body removed", _del(["paths", ID, "patch", "requestBody"]), {"api.request-body-removed"}),
    Case(
        "parameter default changed",
        _set([*LIMIT, "default"], 50),
        {"api.default-replaced"},
        base=_set([*LIMIT, "default"], 20),
    ),
    Case(
        "parameter default removed",
        _del([*LIMIT, "default"]),
        {"api.request-parameter-default-removed"},
        base=_set([*LIMIT, "default"], 20),
    ),
    Case("parameter default set", _set([*LIMIT, "default"], 20), set()),
    Case("operation security added", _set(GET_SECURITY, [{"key": []}]), {"api.security-requirement-added"}),
    Case("default security added", _set(["security"], [{"key": []}]), {"api.security-requirement-added"}),
    Case(
        "scope added",
        _set(GET_SECURITY, [{"oauth": ["read", "write"]}]),
        {"api.security-requirement-added"},
        base=_set(GET_SECURITY, [{"oauth": ["read"]}]),
    ),
    Case(
        "scheme added to a requirement",
        _set(GET_SECURITY, [{"oauth": [], "key": []}]),
        {"api.security-requirement-added"},
        base=_set(GET_SECURITY, [{"oauth": []}]),
    ),
    Case(
        "default security now overridden by a stricter one",
        _set(GET_SECURITY, [{"oauth": ["admin"]}]),
        {"api.security-requirement-added"},
        base=_set(["security"], [{"oauth": []}]),
    ),
    Case("security removed", _del(GET_SECURITY), set(), base=_set(GET_SECURITY, [{"key": []}])),
    Case(
        "security alternative added",
        _set(GET_SECURITY, [{"key": []}, {"oauth": []}]),
        set(),
        base=_set(GET_SECURITY, [{"key": []}]),
    ),
    Case("anonymous access kept as an alternative", _set(GET_SECURITY, [{}, {"key": []}]), set()),
    Case(
        "default security added, every operation overrides it",
        lambda d, v: (
            d.update(security=[{"key": []}]),
            [op.update(security=[]) for item in d["paths"].values() for m, op in item.items() if m != "parameters"],
        ),
        set(),
    ),
    Case(
        "every server's base path changed",
        _set(["servers"], [{"url": "https://api.example.com/v2"}]),
        {"api.servers-base-path-changed"},
        base=_set(["servers"], V1),
    ),
    Case(
        "base path in a server variable changed",
        _set(["servers", 0, "variables", "version", "default"], "v2"),
        {"api.servers-base-path-changed"},
        base=_set(
            ["servers"], [{"url": "https://api.example.com/{version}", "variables": {"version": {"default": "v1"}}}]
        ),
    ),
    Case(
        "one server's base path removed",
        _set(["servers"], [{"url": "https://api.example.com/v2"}]),
        {"api.server-base-path-removed"},
        base=_set(["servers"], [{"url": "https://api.example.com/v2"}, {"url": "https://old.example.com/v1/"}]),
    ),
    Case(
        "server host changed",
        _set(["servers"], [{"url": "https://new.example.com/v1/"}]),
        set(),
        base=_set(["servers"], V1),
    ),
    Case("server added", _set(["servers"], [*V1, {"url": "/v2"}]), set(), base=_set(["servers"], V1)),
    Case(
        "ambiguous path added",
        lambda d, v: d["paths"].update({"/pets/{name}": {"get": {"responses": {"200": {"description": "ok"}}}}}),
        {"api.ambiguous-path"},
    ),
    Case(
        "ambiguous paths kept",
        _set(["info", "title"], "pets!"),
        set(),
        base=lambda d, v: d["paths"].update({"/pets/{name}": {"get": {"responses": {"200": {"description": "ok"}}}}}),
    ),
    Case(
        "optional request parameter added",
        lambda d, v: d["paths"][P]["get"]["parameters"].append(
            {"name": "q", "in": "query", "schema": {"type": "string"}}
        ),
        set(),
    ),
]


# Webhooks (3.1) and callbacks (3.0 and 3.1): the API sends the request and receives the responses
# (documents.with_webhook, documents.with_callback).
def _reversed_cases(where: list[Any], base: Callable[[Doc, str], None], kind: str) -> list[Case]:
    body = [*where, "requestBody", "content", "application/json", "schema"]
    ack = [*where, "responses", "200", "content", "application/json", "schema"]
    return [
        Case(f"{kind} removed", _del(where[:-1] if kind == "webhook" else where[:-2]), {"api.operation-removed"}, base),
        Case(
            f"{kind} body: required property removed",
            _del([*body, "required"]),
            {"api.response-property-became-optional"},
            base,
        ),
        Case(
            f"{kind} body: property removed",
            _del([*body, "properties", "note"]),
            {"api.response-optional-property-removed"},
            base,
        ),
        Case(
            f"{kind} body: new required property (receivers ignore it)",
            lambda d, v: (
                _get(d, body)["properties"].update(kind={"type": "string"}),
                _get(d, body)["required"].append("kind"),
            ),
            set(),
            base,
        ),
        Case(f"{kind} body removed", _del([*where, "requestBody"]), {"api.callback-body-removed"}, base),
        Case(
            f"{kind} body no longer always sent",
            _set([*where, "requestBody", "required"], False),
            {"api.callback-body-removed"},
            base,
        ),
        Case(
            f"{kind} required header removed", _del([*where, "parameters", 0]), {"api.callback-parameter-removed"}, base
        ),
        Case(
            f"{kind} optional header removed",
            _del([*where, "parameters", 1]),
            {"api.callback-optional-parameter-removed"},
            base,
        ),
        Case(
            f"{kind} new required header (receivers ignore it)",
            lambda d, v: _get(d, [*where, "parameters"]).append(
                {"name": "X-New", "in": "header", "required": True, "schema": {"type": "string"}}
            ),
            set(),
            base,
        ),
        Case(
            f"{kind} response: new required property (receivers do not send it)",
            _set([*ack, "required"], ["ok"]),
            {"api.request-property-became-required"},
            base,
        ),
        Case(
            f"{kind} response media type removed",
            _set([*where, "responses", "200", "content"], {"text/plain": {}}),
            {"api.request-media-type-removed"},
            base,
        ),
        Case(
            f"{kind} response: property removed (receivers may still send it)",
            _del([*ack, "properties", "ok"]),
            set(),
            base,
        ),
    ]


def _get(d: Doc, path: list[Any]) -> Any:
    for key in path:
        d = d[key]
    return d


WEBHOOK_CASES = _reversed_cases(WH, with_webhook, "webhook")
CALLBACK_CASES = _reversed_cases(CB, with_callback, "callback")

FORMATS = pytest.mark.parametrize("suffix", [".yaml", ".json"])


@FORMATS
@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
@pytest.mark.parametrize("case", CASES + CALLBACK_CASES, ids=lambda c: c.id)
def test_rule_table(case: Case, version: str, suffix: str, tmp_path: Path) -> None:
    found = run(tmp_path, case, version, suffix)
    assert {f.rule for f in found} == case.expected, [(f.rule, f.operation, f.message) for f in found]


@FORMATS
@pytest.mark.parametrize("case", WEBHOOK_CASES, ids=lambda c: c.id)
def test_webhooks(case: Case, suffix: str, tmp_path: Path) -> None:
    found = run(tmp_path, case, "3.1.0", suffix)
    assert {f.rule for f in found} == case.expected, [(f.rule, f.operation, f.message) for f in found]


def covered() -> set[str]:
    return set().union(*(case.expected for case in CASES + WEBHOOK_CASES + CALLBACK_CASES))


def _pair(tmp_path: Path, base: Doc, head: Doc, suffix: str = ".yaml") -> list[Finding]:
    old = loader.load(str(write(base, tmp_path / f"base{suffix}")))
    new = loader.load(str(write(head, tmp_path / f"head{suffix}")))
    return diff(old, new, TODAY)


def test_labels_and_places(tmp_path: Path) -> None:
    webhook = next(c for c in WEBHOOK_CASES if c.id == "webhook required header removed")
    [found] = run(tmp_path, webhook, "3.1.0", ".yaml")
    assert (found.operation, found.message) == (
        "POST webhook `petAdopted`",
        "header parameter `X-Signature` was removed",
    )
    callback = next(c for c in CALLBACK_CASES if c.id == "callback body: property removed")
    [found] = run(tmp_path, callback, "3.1.0", ".yaml")
    assert found.operation == "POST {$request.body#/callbackUrl} (callback `onAdopted` of POST /pets)"
    assert found.message == "request body: property `note` was removed"
    ambiguous = next(c for c in CASES if c.id == "ambiguous path added")
    [found] = run(tmp_path, ambiguous, "3.1.0", ".yaml")
    assert found.pointer == "/paths/~1pets~1{name}" and found.level == "error"
    assert (
        found.message
        == "path `/pets/{name}` is the same path as `/pets/{petId}` (templates equal up to parameter names)"
    )
    assert Path(found.file).read_text().splitlines()[found.line - 1].strip() == "/pets/{name}:"
    servers = next(c for c in CASES if c.id == "every server's base path changed")
    [found] = run(tmp_path, servers, "3.1.0", ".yaml")
    assert found.message == "every server's base path changed: `/v1` is now `/v2`"
    scope = next(c for c in CASES if c.id == "scope added")
    [found] = run(tmp_path, scope, "3.1.0", ".yaml")
    assert found.message == "security now requires `oauth` (read, write); clients using `oauth` (read) are refused"


def _things(first: str, second: str, digest_first: bool) -> Doc:
    """Two paths equal up to parameter names (as GitHub's description has), in either order."""

    def item(name: str, schema: Doc) -> Doc:
        parameter = {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        ok = {"description": "ok", "content": {"application/json": {"schema": schema}}}
        return {"get": {"parameters": [parameter], "responses": {"200": ok}}}

    items = [
        (f"/things/{{{first}}}", item(first, {"type": "integer"})),
        (f"/things/{{{second}}}", item(second, {"type": "object", "properties": {"bundle": {"type": "string"}}})),
    ]
    doc = pets()
    doc["paths"] = dict(items[::-1] if digest_first else items)
    return doc


def test_paths_equal_up_to_parameter_names_are_all_compared_whatever_their_order(tmp_path: Path) -> None:
    doc, reversed_doc = _things("id", "digest", False), _things("id", "digest", True)
    assert _pair(tmp_path, doc, reversed_doc) == _pair(tmp_path, reversed_doc, doc) == []
    head = copy.deepcopy(reversed_doc)
    head["paths"]["/things/{digest}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["properties"][
        "bundle"
    ]["type"] = ["string", "null"]
    for base in (doc, reversed_doc):
        found = _pair(tmp_path, base, head)
        assert [(f.rule, f.operation) for f in found] == [("api.response-became-nullable", "GET /things/{digest}")]


# --- properties (hypothesis) ----------------------------------------------------------------------
PROPERTIES = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _shuffled(value: Any, rng: random.Random) -> Any:
    """The same document with every mapping's keys in another order (lists keep theirs: order means something)."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {key: _shuffled(value[key], rng) for key in keys}
    if isinstance(value, list):
        return [_shuffled(item, rng) for item in value]
    return value


def _seen(findings: list[Finding], *, pointers: bool = True) -> list[tuple[Any, ...]]:
    """What a user reads, apart from lines (which move when keys do). An ambiguous path is placed at the second
    of its templates in document order, so its place is left out."""
    return sorted(
        (
            f.rule,
            f.level,
            f.message,
            f.operation or "",
            f.pointer if pointers and f.rule != "api.ambiguous-path" else "",
        )
        for f in findings
    )


def _table_pairs() -> Iterator[tuple[str, Doc, Doc]]:
    from tests.openapi import test_access, test_headers, test_servers  # they build on this module

    operations = test_headers.CASES + test_headers.WEBHOOK_CASES + test_servers.CASES + test_access.CASES
    for case in test_differ.CASES + CASES + WEBHOOK_CASES + CALLBACK_CASES + operations:
        base = edited(pets("3.1.0"), lambda d, c=case: c.base(d, "3.1.0"))
        head = edited(base, lambda d, c=case: c.head(d, "3.1.0"))
        if case.id == "allOf restructuring":
            test_differ._pet_details(head, "3.1.0")
        yield case.id, base, head


TABLE = list(_table_pairs())


def _contracts(templates: Callable[[str], Path]) -> list[Doc]:
    return [yaml.safe_load(path.read_text()) for path in sorted(templates("combined").glob("services/*/openapi.yaml"))]


@PROPERTIES
@given(index=st.integers(min_value=0, max_value=len(TABLE) - 1), seed=st.integers(0, 2**32 - 1))
def test_key_order_never_changes_the_findings(index: int, seed: int, tmp_path: Path) -> None:
    name, base, head = TABLE[index]
    rng = random.Random(seed)
    plain = _pair(tmp_path, base, head)
    assert _seen(_pair(tmp_path, _shuffled(base, rng), _shuffled(head, rng), ".json")) == _seen(plain), name


def _mappings(value: Any, key: str, kind: type) -> Iterator[dict[str, Any]]:
    """Every mapping in `value` whose `key` holds a `kind` (`$ref` strings, `properties` mappings)."""
    if isinstance(value, dict):
        if isinstance(value.get(key), kind):
            yield value
        for item in value.values():
            yield from _mappings(item, key, kind)
    elif isinstance(value, list):
        for item in value:
            yield from _mappings(item, key, kind)


def _refs(value: Any) -> Iterator[dict[str, Any]]:
    return _mappings(value, "$ref", str)


def _objects(value: Any) -> Iterator[dict[str, Any]]:
    return _mappings(value, "properties", dict)


def _renamed(doc: Doc, old: str, new: str) -> Doc:
    doc = copy.deepcopy(doc)
    schemas = doc["components"]["schemas"]
    doc["components"]["schemas"] = {new if key == old else key: value for key, value in schemas.items()}
    for ref in _refs(doc):
        if ref["$ref"] == f"#/components/schemas/{old}":
            ref["$ref"] = f"#/components/schemas/{new}"
    return doc


def _reaches(schemas: dict[str, Any], name: str) -> set[str]:
    """The component schemas `name` refers to, directly or through others."""
    found: set[str] = set()
    pending = [name]
    while pending:
        for ref in _refs(schemas.get(pending.pop())):
            target = ref["$ref"][len(REF) :]
            if ref["$ref"].startswith(REF) and target not in found:
                found.add(target)
                pending.append(target)
    return found


def _names_places(value: Any) -> bool:
    """Whether a schema names a place (`$id`, `$anchor`, `$dynamicAnchor`): a copy would name it twice."""
    return any(next(_mappings(value, key, str), None) is not None for key in ("$id", "$anchor", "$dynamicAnchor"))


def _inlined(doc: Doc, choice: int) -> Doc:
    """One `$ref` to a component schema that does not reach itself (nor names a place), at any depth (in an
    operation, in another component, inside an alternative), replaced by a copy of what it names."""
    doc = copy.deepcopy(doc)
    schemas = doc["components"]["schemas"]
    candidates = [
        ref
        for ref in _refs(doc)
        if ref["$ref"].startswith(REF)
        and ref["$ref"][len(REF) :] in schemas
        and ref["$ref"][len(REF) :] not in _reaches(schemas, ref["$ref"][len(REF) :])
        and not _names_places(schemas[ref["$ref"][len(REF) :]])
    ]
    if candidates:
        ref = candidates[choice % len(candidates)]
        target = copy.deepcopy(schemas[ref.pop("$ref")[len(REF) :]])
        ref.update(target)
    return doc


def _componentised(doc: Doc) -> Doc:
    """Every property schema of every component (that is not a `$ref` already) moved into a component of its
    own, named by its content, so that equal property schemas share one component."""
    doc = copy.deepcopy(doc)
    schemas = doc["components"]["schemas"]
    for name in list(schemas):
        for owner in _objects(schemas[name]):
            for key, value in owner["properties"].items():
                if isinstance(value, dict) and "$ref" not in value:
                    written = json.dumps(value, sort_keys=True)
                    component = "P" + hashlib.sha256(written.encode()).hexdigest()[:10]
                    schemas.setdefault(component, value)
                    owner["properties"][key] = {"$ref": REF + component}
    return doc


def _keyword_pairs() -> Iterator[tuple[str, Doc, Doc]]:
    for case in test_keywords.CASES:
        version = case.versions[-1]
        base, head = (test_keywords._document(case, schema, version) for schema in (case.base, case.head))
        yield f"keywords: {case.id}", base, head


BROKEN = {"remote ref", "unresolved ref"}  # a ref that resolves to nothing has nothing to inline
NESTED = [
    *((name, base, head) for name, base, head in TABLE if name not in BROKEN),
    *((f"componentised: {name}", _componentised(base), _componentised(head)) for name, base, head in TABLE),
    *_keyword_pairs(),
]


def _verdicts(findings: list[Finding]) -> set[tuple[str, str, str, str | None]]:
    """What inlining must not change: every finding's rule, level, message and operation (not its place)."""
    return {(f.rule, f.level, f.message, f.operation) for f in findings}


NAMES = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)


@PROPERTIES
@given(index=st.integers(min_value=0, max_value=len(TABLE) - 1), which=st.integers(0, 10), name=NAMES)
def test_renaming_a_ref_target_never_changes_the_findings(index: int, which: int, name: str, tmp_path: Path) -> None:
    case, base, head = TABLE[index]
    targets = sorted(head["components"]["schemas"])
    old = targets[which % len(targets)]
    if name in targets:
        return
    plain = _pair(tmp_path, base, head)
    assert _seen(_pair(tmp_path, base, _renamed(head, old, name)), pointers=False) == _seen(plain, pointers=False), case


@PROPERTIES
@given(index=st.integers(min_value=0, max_value=len(NESTED) - 1), which=st.integers(0, 50), side=st.booleans())
def test_inlining_a_ref_never_changes_the_findings(index: int, which: int, side: bool, tmp_path: Path) -> None:
    """A `$ref` at any depth replaced by a copy of its target: the same findings (a change in a component reached
    twice in one operation is still reported once, at its first place, whether the places share one node or
    hold equal copies)."""
    case, base, head = NESTED[index]
    plain = _pair(tmp_path, base, head)
    inlined = _pair(tmp_path, base, _inlined(head, which)) if side else _pair(tmp_path, _inlined(base, which), head)
    assert _verdicts(inlined) == _verdicts(plain), case


@pytest.mark.parametrize(("name", "base", "head"), TABLE, ids=[name for name, _, _ in TABLE])
def test_property_schemas_moved_into_components_give_the_same_findings(
    name: str, base: Doc, head: Doc, tmp_path: Path
) -> None:
    """Every property schema behind a `$ref` of its own (equal ones sharing a component): the same findings as
    when each is written in place."""
    assert _verdicts(_pair(tmp_path, _componentised(base), _componentised(head))) == _verdicts(
        _pair(tmp_path, base, head)
    ), name


def _operations(doc: Doc) -> list[dict[str, Any]]:
    return [
        op
        for item in doc.get("paths", {}).values()
        for m, op in item.items()
        if m in {"get", "put", "post", "delete", "patch"}
    ]


def _harmless(doc: Doc, which: int, name: str, parameter: bool) -> Doc:
    """An optional property added to a response schema, or an optional query parameter to an operation."""
    doc = copy.deepcopy(doc)
    if parameter:
        operations = _operations(doc)
        operation = operations[which % len(operations)]
        listed = operation.setdefault("parameters", [])
        if not any(p.get("name") == name for p in listed if isinstance(p, dict)):
            listed.append({"name": name, "in": "query", "schema": {"type": "string"}})
        return doc
    responses = [op.get("responses", {}) for op in _operations(doc)]
    objects = list(_objects(responses)) or list(_objects(doc.get("components", {})))
    if objects:
        target = objects[which % len(objects)]
        target["properties"].setdefault(f"x{name}", {"type": "string"})
    return doc


@PROPERTIES
@given(which=st.integers(0, 100), name=NAMES, parameter=st.booleans(), sample=st.integers(0, 100))
def test_an_optional_property_or_parameter_is_never_breaking(
    which: int, name: str, parameter: bool, sample: int, templates: Callable[[str], Path], tmp_path: Path
) -> None:
    docs = [pets("3.0.3"), pets("3.1.0"), *_contracts(templates)]
    doc = docs[sample % len(docs)]
    found = _pair(tmp_path, doc, _harmless(doc, which, name, parameter))
    assert found == [], [(f.rule, f.operation, f.message) for f in found]


def test_a_document_against_itself_is_empty_in_any_order(templates: Callable[[str], Path], tmp_path: Path) -> None:
    rng = random.Random(18)
    refs = {"api.remote-ref", "api.unresolved-ref"}  # a broken document stays broken against itself
    broken = {case.id for case in test_differ.CASES if case.expected and case.expected <= refs}
    for doc in [*_contracts(templates), *(head for name, _, head in TABLE if name not in broken)]:
        path = str(write(doc, tmp_path / "same.yaml"))
        assert diff(loader.load(path), loader.load(path), TODAY) == []
        assert _pair(tmp_path, doc, _shuffled(doc, rng)) == []


def test_every_pair_of_the_table_gives_the_same_findings_in_another_key_order(tmp_path: Path) -> None:
    """The property above on every pair once (hypothesis samples a few per run)."""
    rng = random.Random(18)
    for name, base, head in TABLE:
        plain = _pair(tmp_path, base, head)
        assert _seen(_pair(tmp_path, _shuffled(base, rng), _shuffled(head, rng), ".json")) == _seen(plain), name
