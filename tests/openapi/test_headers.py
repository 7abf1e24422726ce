"""Response headers (differ._headers): each header kept is compared as a response value (its `schema` or its
media type's, `$ref`s to components/headers followed, names in any case), and a required one that became
optional breaks clients that read it. In webhooks and callbacks the API receives the response: its headers are
judged as request headers. OpenAPI 3.0 and 3.1, YAML and JSON; with a changelog, no change is both a finding and
a note."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.openapi import loader
from generator.openapi.differ import diff
from tests.openapi.documents import CB, WH, Doc, nullable, with_callback, with_webhook
from tests.openapi.test_differ import FORMATS, TODAY, VERSIONS, Case, P, _del, _set, expect, run

OK = ["paths", P, "get", "responses", "200", "headers"]
PAGE = ["components", "headers", "Page"]


def with_headers(d: Doc, v: str) -> None:
    d["paths"][P]["get"]["responses"]["200"]["headers"] = {
        "X-Rate": {"required": True, "schema": {"type": "integer", "maximum": 100}},
        "X-Hint": {"schema": {"type": "string", "enum": ["slow", "fast"]}},
        "X-Page": {"$ref": "#/components/headers/Page"},
        "X-Meta": {"content": {"application/json": {"schema": {"type": "object"}}}},
        "Content-Type": {"schema": {"type": "string"}},
    }
    d["components"]["headers"] = {"Page": {"schema": {"type": "integer"}}}


def _on(path: list[Any], edit: Any) -> Any:
    def apply(d: Doc, v: str) -> None:
        target = d
        for key in path:
            target = target[key]
        edit(target, v)

    return apply


CASES = [
    Case(
        "header became optional",
        _set([*OK, "X-Rate", "required"], False),
        {"api.response-header-became-optional"},
        with_headers,
    ),
    Case("header became required", _set([*OK, "X-Hint", "required"], True), set(), with_headers),
    Case(
        "header type changed",
        _set([*OK, "X-Rate", "schema", "type"], "string"),
        {"api.response-type-changed"},
        with_headers,
    ),
    Case(
        "header enum value added",
        _set([*OK, "X-Hint", "schema", "enum"], ["slow", "fast", "stuck"]),
        {"api.response-enum-value-added"},
        with_headers,
    ),
    Case(
        "header maximum raised",
        _set([*OK, "X-Rate", "schema", "maximum"], 1000),
        {"api.response-range-widened"},
        with_headers,
    ),
    Case("header enum narrowed", _set([*OK, "X-Hint", "schema", "enum"], ["slow"]), set(), with_headers),
    Case(  # text: a header written with `schema` never carries JSON null
        "header schema became nullable",
        lambda d, v: _get(d, OK)["X-Hint"].update(schema=nullable({"type": "string", "enum": ["slow", "fast"]}, v)),
        set(),
        with_headers,
    ),
    Case(
        "header serialized as JSON may now be null",
        lambda d, v: _get(d, OK)["X-Meta"]["content"]["application/json"].update(
            schema=nullable({"type": "object"}, v)
        ),
        {"api.response-became-nullable"},
        with_headers,
    ),
    Case(
        "header serialized as JSON changed its type",
        _set([*OK, "X-Meta", "content", "application/json", "schema", "type"], "array"),
        {"api.response-type-changed"},
        with_headers,
    ),
    Case(
        "header renamed in another case",
        lambda d, v: _get(d, OK).update({"x-rate": _get(d, OK).pop("X-Rate")}),
        set(),
        with_headers,
    ),
    Case(
        "header in components changed its type",
        _set([*PAGE, "schema", "type"], "string"),
        {"api.response-type-changed"},
        with_headers,
    ),
    Case(
        "header $ref inlined",
        _set([*OK, "X-Page"], {"schema": {"type": "integer"}}),
        set(),
        with_headers,
    ),
    Case("Content-Type header removed (OpenAPI ignores it)", _del([*OK, "Content-Type"]), set(), with_headers),
    Case("header removed", _del([*OK, "X-Rate"]), {"api.response-header-removed"}, with_headers),
    Case("optional header removed", _del([*OK, "X-Page"]), {"api.response-optional-header-removed"}, with_headers),
]


def _get(d: Doc, path: list[Any]) -> Any:
    for key in path:
        d = d[key]
    return d


def _received(where: list[Any], setup: Any, kind: str) -> list[Case]:
    """Headers of the response a webhook's or callback's receiver sends back (the API receives them)."""
    ack = [*where, "responses", "200", "headers"]

    def base(d: Doc, v: str) -> None:
        setup(d, v)
        _get(d, where)["responses"]["200"]["headers"] = {"X-Ack": {"schema": {"type": "string", "maxLength": 10}}}

    new_required = {"X-Retry": {"required": True, "schema": {"type": "integer"}}}
    return [
        Case(
            f"{kind} response: new required header",
            _on(ack, lambda h, v: h.update(new_required)),
            {"api.request-parameter-added-required"},
            base,
        ),
        Case(
            f"{kind} response: header became required",
            _set([*ack, "X-Ack", "required"], True),
            {"api.request-parameter-became-required"},
            base,
        ),
        Case(
            f"{kind} response: header maxLength lowered",
            _set([*ack, "X-Ack", "schema", "maxLength"], 5),
            {"api.request-max-decreased"},
            base,
        ),
        Case(f"{kind} response: header removed", _del([*ack, "X-Ack"]), {"api.request-parameter-removed"}, base),
        Case(
            f"{kind} response: new optional header",
            _on(ack, lambda h, v: h.update({"X-Retry": {"schema": {"type": "integer"}}})),
            set(),
            base,
        ),
        Case(
            f"{kind} response: header maxLength raised",
            _set([*ack, "X-Ack", "schema", "maxLength"], 64),
            set(),
            base,
        ),
    ]


CALLBACK_CASES = _received(CB, with_callback, "callback")
WEBHOOK_CASES = _received(WH, with_webhook, "webhook")


@FORMATS
@VERSIONS
@pytest.mark.parametrize("case", CASES + CALLBACK_CASES, ids=lambda c: c.id)
def test_header_table(case: Case, version: str, suffix: str, tmp_path: Path) -> None:
    expect(tmp_path, case, version, suffix)


@FORMATS
@pytest.mark.parametrize("case", WEBHOOK_CASES, ids=lambda c: c.id)
def test_webhook_response_headers(case: Case, suffix: str, tmp_path: Path) -> None:
    expect(tmp_path, case, "3.1.0", suffix)


def covered() -> set[str]:
    return set().union(*(case.expected for case in CASES + CALLBACK_CASES + WEBHOOK_CASES))


def _case(name: str, cases: list[Case] = CASES) -> Case:
    return next(case for case in cases if case.id == name)


def test_messages_and_places(tmp_path: Path) -> None:
    [optional] = run(tmp_path, _case("header became optional"), "3.1.0", ".yaml")
    assert (optional.operation, optional.message) == (
        "GET /pets",
        "response 200: header `X-Rate` is no longer required",
    )
    assert optional.pointer == "/paths/~1pets/get/responses/200/headers/X-Rate"
    [page] = run(tmp_path, _case("header in components changed its type"), "3.0.3", ".json")
    assert (page.message, page.pointer) == (
        "response 200: header `X-Page` may now be `string`",
        "/components/headers/Page/schema",
    )
    [retry] = run(tmp_path, _case("webhook response: new required header", WEBHOOK_CASES), "3.1.0", ".yaml")
    assert (retry.operation, retry.message) == (
        "POST webhook `petAdopted`",
        "response 200: header `X-Retry` is new and required",
    )


def _changelog(tmp_path: Path, case: Case) -> list[tuple[str, str]]:
    run(tmp_path, case, "3.1.0", ".yaml")
    old, new = loader.load(str(tmp_path / "base.yaml")), loader.load(str(tmp_path / "head.yaml"))
    return sorted((f.rule, f.message) for f in diff(old, new, TODAY, changelog=True))


def test_a_changelog_notes_what_is_not_a_finding_and_only_that(tmp_path: Path) -> None:
    assert _changelog(tmp_path, _case("webhook response: new required header", WEBHOOK_CASES)) == [
        ("api.request-parameter-added-required", "response 200: header `X-Retry` is new and required")
    ]
    assert _changelog(tmp_path, _case("webhook response: new optional header", WEBHOOK_CASES)) == [
        ("api.response-header-added", "response 200: header `X-Retry` was added")
    ]
    assert _changelog(tmp_path, _case("header enum narrowed")) == [
        ("api.response-enum-value-removed", "response 200: header `X-Hint` can no longer be `fast`")
    ]
    assert _changelog(tmp_path, _case("header schema became nullable")) == []


@pytest.mark.parametrize("removed", [False, True])
def test_a_header_whose_ref_does_not_resolve_is_that_finding_only(removed: bool, tmp_path: Path) -> None:
    broken = _set([*OK, "X-Page", "$ref"], "#/components/headers/Gone")
    if removed:  # broken in base, then removed
        case = Case("broken, removed", _del([*OK, "X-Page"]), set(), lambda d, v: (with_headers(d, v), broken(d, v)))
    else:
        case = Case("broken in head", broken, set(), with_headers)
    found = run(tmp_path, case, "3.1.0", ".yaml")
    assert [(f.rule, f.pointer) for f in found] == [
        ("api.unresolved-ref", "/paths/~1pets/get/responses/200/headers/X-Page")
    ]
