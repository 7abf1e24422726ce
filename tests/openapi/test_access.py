"""Security schemes (components/securitySchemes): a scheme that operations require on both sides whose
definition changed so that clients configured for the old one fail, one finding per change naming the scheme
and the operations; and the security notes of a changelog, never beside a finding for the same change.
OpenAPI 3.0 and 3.1, YAML and JSON."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.openapi import loader
from generator.openapi.differ import diff
from tests.openapi.documents import Doc, edited, pets, write
from tests.openapi.test_differ import FORMATS, ID, VERSIONS, Case, P, _del, _set, expect, run

SCHEMES = ["components", "securitySchemes"]
OAUTH = [*SCHEMES, "oauth", "flows"]
CODE = [*OAUTH, "authorizationCode"]
TODAY = datetime.date(2026, 11, 27)


def secured(d: Doc, v: str) -> None:
    """Four schemes in use: an API key by default, OAuth2 or basic for listing, OAuth2 or OpenID Connect for
    creating; `unused` is defined and required by nobody."""
    token = "https://auth.example.com/token"
    d["components"]["securitySchemes"] = {
        "key": {"type": "apiKey", "name": "X-Key", "in": "header"},
        "basic": {"type": "http", "scheme": "basic"},
        "oauth": {
            "type": "oauth2",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": "https://auth.example.com/authorize",
                    "tokenUrl": token,
                    "scopes": {"read": "read pets", "write": "write pets", "admin": "administer"},
                },
                "clientCredentials": {"tokenUrl": token, "scopes": {"read": "read pets"}},
            },
        },
        "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://auth.example.com/.well-known/openid"},
        "unused": {"type": "apiKey", "name": "X-Other", "in": "query"},
    }
    d["security"] = [{"key": []}]
    d["paths"][P]["get"]["security"] = [{"oauth": ["read"]}, {"basic": []}]
    d["paths"][P]["post"]["security"] = [{"oauth": ["write"]}, {"oidc": []}]


Edit = Callable[[Doc, str], None]


def _scheme(name: str, value: Doc) -> Edit:
    return _set([*SCHEMES, name], value)


def S(id: str, edit: Edit, *rules: str, base: Edit = secured) -> Case:
    """A case on the `secured` document (or on `base`), expecting exactly `rules`."""
    return Case(id, edit, set(rules), base)


KEY_CHANGED, URL_CHANGED = "api.security-scheme-api-key-changed", "api.security-scheme-url-changed"
OIDC = [*SCHEMES, "oidc", "openIdConnectUrl"]


def _refreshing(d: Doc, v: str) -> None:
    secured(d, v)
    _set([*CODE, "refreshUrl"], "/refresh")(d, v)


POST_SECURITY = ["paths", P, "post", "security"]
BY_REF = {"$ref": "#/components/x-schemes/key"}

CASES = [
    S("scheme type changed", _scheme("key", {"type": "http", "scheme": "bearer"}), "api.security-scheme-type-changed"),
    S("API key renamed", _set([*SCHEMES, "key", "name"], "X-Api-Key"), KEY_CHANGED),
    S("API key moved to the query", _set([*SCHEMES, "key", "in"], "query"), KEY_CHANGED),
    S("API key header name in another case", _set([*SCHEMES, "key", "name"], "x-key")),
    S("http scheme basic -> bearer", _set([*SCHEMES, "basic", "scheme"], "bearer"), "api.security-scheme-http-changed"),
    S("http scheme in another case", _set([*SCHEMES, "basic", "scheme"], "Basic")),
    S("OAuth2 flow removed", _del([*OAUTH, "clientCredentials"]), "api.security-scheme-flow-removed"),
    S("OAuth2 flow added", _set([*OAUTH, "password"], {"tokenUrl": "/token", "scopes": {}})),
    S("token URL changed", _set([*CODE, "tokenUrl"], "https://login.example.com/token"), URL_CHANGED),
    S("refresh URL removed", _del([*CODE, "refreshUrl"]), URL_CHANGED, base=_refreshing),
    S("scope an operation uses removed", _del([*CODE, "scopes", "write"]), "api.security-scope-removed"),
    S("scope no operation uses removed", _del([*CODE, "scopes", "admin"])),
    S("scope added", _set([*CODE, "scopes", "delete"], "delete pets")),
    S("OpenID Connect URL changed", _set(OIDC, "https://id.example.com/"), URL_CHANGED),
    S("scheme still required removed", _del([*SCHEMES, "oidc"]), "api.security-scheme-removed"),
    S(  # the requirement says it already: clients using it are refused
        "scheme removed with its requirement",
        lambda d, v: (_del([*SCHEMES, "oidc"])(d, v), _set(POST_SECURITY, [{"oauth": ["write"]}])(d, v)),
        "api.security-requirement-added",
    ),
    S("scheme nobody requires changed", _set([*SCHEMES, "unused", "in"], "header")),
    S("scheme description added", _set([*SCHEMES, "key", "description"], "the key")),
    S(
        "scheme defined through a $ref changed",
        _set(["components", "x-schemes", "key", "in"], "cookie"),
        KEY_CHANGED,
        base=lambda d, v: (
            secured(d, v),
            d["components"].update({"x-schemes": {"key": d["components"]["securitySchemes"]["key"]}}),
            _scheme("key", BY_REF)(d, v),
        ),
    ),
]


@FORMATS
@VERSIONS
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_scheme_table(case: Case, version: str, suffix: str, tmp_path: Path) -> None:
    expect(tmp_path, case, version, suffix)


def test_mutual_tls_in_31(tmp_path: Path) -> None:
    case = S("API key -> mutual TLS", _scheme("key", {"type": "mutualTLS"}), "api.security-scheme-type-changed")
    [found] = run(tmp_path, case, "3.1.0", ".yaml")
    assert found.message.startswith("security scheme `key`: type `apiKey` -> `mutualTLS`")


def covered() -> set[str]:
    return set().union(*(case.expected for case in CASES))


def _case(name: str) -> Case:
    return next(case for case in CASES if case.id == name)


def _line(path: str, line: int) -> str:
    return Path(path).read_text().splitlines()[line - 1].strip()


def test_one_finding_per_scheme_change_naming_the_operations(tmp_path: Path) -> None:
    [key] = run(tmp_path, _case("API key renamed"), "3.1.0", ".yaml")
    assert (key.operation, key.level, key.pointer) == (None, "error", "/components/securitySchemes/key/name")
    assert key.message == (
        "security scheme `key`: the API key now goes in header `X-Api-Key`, not in header `X-Key` "
        "(used by DELETE /pets/{petId}, GET /pets/{petId}, PATCH /pets/{petId})"
    )
    assert key.file.endswith("head.yaml") and _line(key.file, key.line) == "name: X-Api-Key"
    [scope] = run(tmp_path, _case("scope an operation uses removed"), "3.0.3", ".json")
    assert (
        scope.message
        == "security scheme `oauth`: scope `write` was removed from its `authorizationCode` flow (used by POST /pets)"
    )
    assert (
        scope.file.endswith("base.json")
        and scope.pointer == "/components/securitySchemes/oauth/flows/authorizationCode/scopes/write"
    )
    [flow] = run(tmp_path, _case("OAuth2 flow removed"), "3.1.0", ".yaml")
    assert (
        flow.message
        == "security scheme `oauth`: its `clientCredentials` flow was removed (used by GET /pets, POST /pets)"
    )
    [url] = run(tmp_path, _case("token URL changed"), "3.1.0", ".yaml")
    assert url.level == "warning" and url.message == (
        "security scheme `oauth`: `authorizationCode` flow's tokenUrl `https://auth.example.com/token` -> "
        "`https://login.example.com/token` (used by GET /pets, POST /pets)"
    )
    [removed] = run(tmp_path, _case("scheme still required removed"), "3.1.0", ".yaml")
    assert removed.message == "security scheme `oidc` was removed; POST /pets still require it"
    assert removed.file.endswith("base.yaml") and _line(removed.file, removed.line) == "oidc:"


def test_an_operation_added_in_head_is_no_existing_client(tmp_path: Path) -> None:
    def edit(d: Doc, v: str) -> None:
        d["paths"]["/owners"] = {"get": {"security": [{"unused": []}], "responses": {"200": {"description": "ok"}}}}
        d["components"]["securitySchemes"]["unused"]["in"] = "header"

    assert run(tmp_path, Case("new operation", edit, set(), secured), "3.1.0", ".yaml") == []


def test_many_operations_are_counted_past_five(tmp_path: Path) -> None:
    def base(d: Doc, v: str) -> None:
        secured(d, v)
        for index in range(7):
            d["paths"][f"/things{index}"] = {"get": {"responses": {"200": {"description": "ok"}}}}

    [found] = run(tmp_path, Case("many", _set([*SCHEMES, "key", "in"], "query"), set(), base), "3.1.0", ".yaml")
    assert found.message.endswith(
        "(used by DELETE /pets/{petId}, GET /pets/{petId}, GET /things0, GET /things1, GET /things2 and 5 more)"
    )


def _changelog(tmp_path: Path, base: Doc, head: Doc) -> list[tuple[str, str]]:
    old = loader.load(str(write(base, tmp_path / "base.yaml")))
    new = loader.load(str(write(head, tmp_path / "head.yaml")))
    return [(f.rule, f.message) for f in diff(old, new, TODAY, changelog=True)]


def test_a_refusing_requirement_is_a_finding_and_not_also_a_note(tmp_path: Path) -> None:
    base = pets()
    operation = edited(base, lambda d: _set(["paths", P, "get", "security"], [{"key": []}])(d, ""))
    assert _changelog(tmp_path, base, operation) == [
        ("api.security-requirement-added", "security now requires `key`; clients using no authentication are refused")
    ]
    default = edited(base, lambda d: d.update(security=[{"oauth": ["read"]}]))
    assert _changelog(tmp_path, base, default) == [
        (
            "api.security-requirement-added",
            "default security now requires `oauth` (read); clients using no authentication are refused",
        )
    ]
    another_way_in = edited(operation, lambda d: d["paths"][P]["get"].update(security=[{"key": []}, {"oauth": []}]))
    assert _changelog(tmp_path, operation, another_way_in) == [("api.security-added", "security scheme `oauth` added")]


def test_the_default_is_judged_for_operations_under_it_on_both_sides(tmp_path: Path) -> None:
    """An operation that declared its own requirements and now falls under the new default is judged as an
    operation, not as the default."""

    def head(d: Doc, v: str) -> None:
        d["security"] = [{"key": []}]
        for item in d["paths"].values():
            for method, operation in item.items():
                if method != "parameters":
                    operation.pop("security", None)

    def base(d: Doc, v: str) -> None:
        for item in d["paths"].values():
            for method, operation in item.items():
                if method != "parameters":
                    operation["security"] = []

    found = run(tmp_path, Case("moved to the default", head, set(), base), "3.1.0", ".yaml")
    assert sorted((f.rule, f.operation or "") for f in found) == [
        ("api.security-requirement-added", f"{m} {p}")
        for m, p in sorted([("DELETE", ID), ("GET", P), ("GET", ID), ("PATCH", ID), ("POST", P)])
    ]
