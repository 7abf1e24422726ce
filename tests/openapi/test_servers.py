"""Servers declared on a path item or an operation (they override the document's): each operation's effective
base path, judged under its own label; a change of the document's servers stays one finding. OpenAPI 3.0 and
3.1, YAML and JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.openapi.documents import CB, Doc, with_callback
from tests.openapi.test_differ import FORMATS, ID, VERSIONS, Case, P, _del, _set, expect, run

V1 = [{"url": "https://api.example.com/v1"}]
V2 = [{"url": "https://api.example.com/v2"}]
GET = ["paths", P, "get", "servers"]
ITEM = ["paths", ID, "servers"]


def _every_path(servers: list[Doc]) -> Any:
    def edit(d: Doc, v: str) -> None:
        for item in d["paths"].values():
            item["servers"] = servers

    return edit


def _moved(new: str, prefix: str, *, out: bool = False) -> Any:
    """The document's base path now `new`, every path written under `prefix` (or no longer, `out`)."""

    def edit(d: Doc, v: str) -> None:
        d["servers"] = [{"url": f"https://api.example.com{new}"}]
        d["paths"] = {(key.removeprefix(prefix) if out else prefix + key): item for key, item in d["paths"].items()}

    return edit


def _on_v1(d: Doc, v: str) -> None:
    d["servers"] = V1


CASES = [
    Case("operation's servers: base path changed", _set(GET, V2), {"api.servers-base-path-changed"}, _set(GET, V1)),
    Case("path's servers: base path changed", _set(ITEM, V2), {"api.servers-base-path-changed"}, _set(ITEM, V1)),
    Case(
        "operation now overrides the document's servers with another base path",
        _set(GET, V2),
        {"api.servers-base-path-changed"},
        _set(["servers"], V1),
    ),
    Case(
        "operation no longer overrides, the document's base path differs",
        _del(GET),
        {"api.servers-base-path-changed"},
        lambda d, v: (d.update(servers=V1), _set(GET, V2)(d, v)),
    ),
    Case(
        "operation's servers: one of two base paths removed",
        _set(GET, V2),
        {"api.server-base-path-removed"},
        _set(GET, [*V2, {"url": "https://old.example.com/legacy"}]),
    ),
    Case(
        "path's servers: a variable's default changed",
        _set([*ITEM, 0, "variables", "version", "default"], "v2"),
        {"api.servers-base-path-changed"},
        _set(ITEM, [{"url": "https://{region}.example.com/{version}", "variables": {"version": {"default": "v1"}}}]),
    ),
    Case(
        "operation's server host changed",
        _set(GET, [{"url": "https://new.example.com/v1/"}]),
        set(),
        _set(GET, V1),
    ),
    Case(
        "operation override dropped, the document has the same base path",
        _del(GET),
        set(),
        lambda d, v: (d.update(servers=[{"url": "/v1"}]), _set(GET, V1)(d, v)),
    ),
    Case(
        "path's servers moved into its operations",
        lambda d, v: (
            d["paths"][ID].pop("servers"),
            [op.update(servers=V1) for m, op in d["paths"][ID].items() if m != "parameters"],
        ),
        set(),
        _set(ITEM, V1),
    ),
    Case(
        "document's servers changed, every path overrides them",
        _set(["servers"], V2),
        set(),
        lambda d, v: (d.update(servers=V1), _every_path([{"url": "/pets-api"}])(d, v)),
    ),
    Case("an empty operation servers list declares none", _set(GET, []), set(), _set(["servers"], V1)),
    Case("base path moved into the paths (the same URLs)", _moved("/", "/v1"), set(), _on_v1),
    Case("base path moved out of the paths (the same URLs)", _moved("/v1", "/v1", out=True), set(), _moved("/", "/v1")),
    Case(
        "base path moved into the paths, and a response property removed",
        lambda d, v: (
            _moved("", "/v1")(d, v),
            _del(["components", "schemas", "Pet", "properties", "name"])(d, v),
        ),
        {"api.response-property-removed"},
        _on_v1,
    ),
    Case(
        "base path changed and the paths moved (other URLs)",
        _moved("/v2", "/v1"),
        {"api.operation-removed", "api.deprecated-operation-removed"},
        _on_v1,
    ),
    Case(
        "a callback's servers changed (the API calls the receiver's URL)",
        _set([*CB[:-1], "servers"], V2),
        set(),
        lambda d, v: (with_callback(d, v), _set([*CB[:-1], "servers"], V1)(d, v)),
    ),
]


@FORMATS
@VERSIONS
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_server_table(case: Case, version: str, suffix: str, tmp_path: Path) -> None:
    expect(tmp_path, case, version, suffix)


def covered() -> set[str]:
    return set().union(*(case.expected for case in CASES))


def _case(name: str) -> Case:
    return next(case for case in CASES if case.id == name)


def test_a_path_level_change_is_one_finding_per_operation_of_the_path(tmp_path: Path) -> None:
    found = run(tmp_path, _case("path's servers: base path changed"), "3.1.0", ".yaml")
    assert sorted((f.operation or "", f.message, f.pointer) for f in found) == [
        (
            f"{method} /pets/{{petId}}",
            "every server's base path changed: `/v1` is now `/v2`",
            "/paths/~1pets~1{petId}/servers",
        )
        for method in ("DELETE", "GET", "PATCH")
    ]
    assert all(Path(f.file).read_text().splitlines()[f.line - 1].strip() == "servers:" for f in found)


def test_a_change_of_the_document_servers_is_one_finding_whatever_overrides_it(tmp_path: Path) -> None:
    case = Case(
        "document's servers changed, one path overrides them",
        _set(["servers"], V2),
        {"api.servers-base-path-changed"},
        lambda d, v: (d.update(servers=V1), _set(ITEM, [{"url": "/pets-api"}])(d, v)),
    )
    [found] = run(tmp_path, case, "3.0.3", ".json")
    assert (found.operation, found.message, found.pointer) == (
        None,
        "every server's base path changed: `/v1` is now `/v2`",
        "/servers",
    )
    [removed] = run(tmp_path, _case("operation's servers: one of two base paths removed"), "3.1.0", ".yaml")
    assert (removed.operation, removed.level, removed.message) == (
        "GET /pets",
        "warning",
        "server base path `/legacy` is gone (servers now at `/v2`)",
    )


def test_operations_whose_base_path_moved_into_their_paths_are_compared_under_their_new_path(tmp_path: Path) -> None:
    found = run(tmp_path, _case("base path moved into the paths, and a response property removed"), "3.1.0", ".yaml")
    assert sorted(f.operation or "" for f in found) == [
        "GET /v1/pets",
        "GET /v1/pets/{petId}",
        "PATCH /v1/pets/{petId}",
        "POST /v1/pets",
    ]
