"""Public OpenAPI documents that registry packages ship (tests/data/openapi/real/SOURCES.md), each against
itself and against the hand-edits listed there: what must be found, and what must not."""

from __future__ import annotations

import copy
import datetime
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.openapi import loader
from generator.openapi.differ import diff

REAL = Path(__file__).parent.parent / "data" / "openapi" / "real"
TODAY = datetime.date(2026, 11, 27)
Edit = Callable[[dict[str, Any]], None]


def at(doc: dict[str, Any], *path: str | int) -> Any:
    for key in path:
        doc = doc[key]
    return doc


def rename_path(old: str, new: str, *parameter: str | int) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        d["paths"][new] = d["paths"].pop(old)
        if parameter:
            at(d, *parameter)["name"] = new.rsplit("{", 1)[1].rstrip("}")

    return edit


def load(name: str) -> dict[str, Any]:
    text = (REAL / name).read_text()
    return json.loads(text) if name.endswith(".json") else yaml.safe_load(text)


def write(name: str, doc: dict[str, Any], folder: Path) -> Path:
    path = folder / name
    path.write_text(json.dumps(doc) if name.endswith(".json") else yaml.safe_dump(doc, sort_keys=False))
    return path


S = "components"
CASES: list[tuple[str, str, Edit, dict[str, int]]] = [
    # readme-legacy.json
    (
        "L1",
        "readme-legacy.json",
        lambda d: at(d, S, "schemas", "condensedProjectData", "properties").pop("subdomain"),
        {"api.response-optional-property-removed": 1},
    ),
    (
        "L2",
        "readme-legacy.json",
        lambda d: at(d, S, "schemas", "version", "required").append("codename"),
        {"api.request-property-became-required": 2},
    ),
    (
        "L3",
        "readme-legacy.json",
        lambda d: at(d, S, "schemas", "category", "properties", "type", "enum").remove("reference"),
        {"api.request-enum-value-removed": 2},
    ),
    (
        "L4",
        "readme-legacy.json",
        lambda d: d["paths"]["/changelogs/{slug}"].pop("delete"),
        {"api.operation-removed": 1},
    ),
    (
        "L5",
        "readme-legacy.json",
        lambda d: at(d, S, "parameters", "perPage", "schema").update(maximum=50),
        {"api.request-max-decreased": 4},
    ),
    (
        "L6",
        "readme-legacy.json",
        lambda d: at(d, S, "schemas", "ipListEntry", "properties").update(region={"type": "string"}),
        {},
    ),
    (
        "L7",
        "readme-legacy.json",
        rename_path(
            "/api-registry/{uuid}",
            "/api-registry/{registryUuid}",
            "paths",
            "/api-registry/{registryUuid}",
            "get",
            "parameters",
            0,
        ),
        {},
    ),
    ("L8", "readme-legacy.json", lambda d: at(d, S, "parameters", "slug").update(description="changed"), {}),
    # openapi-core-petstore.yaml
    (
        "C1",
        "openapi-core-petstore.yaml",
        lambda d: (at(d, S, "schemas", "Pet", "properties").pop("id"), at(d, S, "schemas", "Pet").pop("required")),
        {"api.response-property-removed": 2},
    ),
    (
        "C2",
        "openapi-core-petstore.yaml",
        lambda d: at(d, S, "responses", "PetsResponse", "headers").pop("x-next"),
        {"api.response-optional-header-removed": 1},
    ),
    (
        "C3",
        "openapi-core-petstore.yaml",
        lambda d: d["paths"]["/pets"]["get"]["parameters"][0].update(required=True),
        {"api.request-parameter-became-required": 1},
    ),
    (
        "C5",
        "openapi-core-petstore.yaml",
        lambda d: at(d, S, "schemas", "PetCreate", "oneOf").pop(1),
        {"api.request-variant-removed": 1},  # one per schema pair in an operation, not per media type using it
    ),
    (
        "C6",
        "openapi-core-petstore.yaml",
        lambda d: at(d, S, "schemas", "PetCreatePartTwo", "properties").update(nickname={"type": "string"}),
        {},
    ),
    (
        "C7",
        "openapi-core-petstore.yaml",
        rename_path("/pets/{petId}", "/pets/{id}", "paths", "/pets/{id}", "get", "parameters", 0),
        {},
    ),
    ("C8", "openapi-core-petstore.yaml", lambda d: d["paths"]["/tags"]["get"].update(deprecated=True), {}),
    # scalar-galaxy.yaml
    (
        "G1",
        "scalar-galaxy.yaml",
        lambda d: at(d, S, "schemas", "Token", "properties").pop("token"),
        {"api.response-optional-property-removed": 1},  # one per schema pair in an operation
    ),
    (
        "G4",
        "scalar-galaxy.yaml",
        lambda d: d["paths"]["/planets/{planetId}"].pop("delete"),
        {"api.operation-removed": 1},
    ),
    # scalar-galaxy binds its generic PaginatedResource's `$dynamicRef: '#itemType'` to Planet in the response
    # schemas that use it: a change in Planet is compared there too (and breaks nothing here).
    (
        "G6",
        "scalar-galaxy.yaml",
        lambda d: at(d, S, "schemas", "Planet", "properties").update(albedo={"type": "number", "format": "float"}),
        {},
    ),
    (
        "G8",
        "scalar-galaxy.yaml",
        lambda d: at(d, S, "schemas", "Planet", "properties", "habitabilityIndex").update(description="changed"),
        {},
    ),
    (
        "G9",
        "scalar-galaxy.yaml",
        lambda d: at(d, "paths", "/planets", "get", "responses", "200", "content", "application/json", "schema")[
            "$defs"
        ].update(itemType={"$dynamicAnchor": "itemType", "type": "string"}),
        {"api.response-type-changed": 1},  # the JSON list's items, bound through the generic, are now strings
    ),
    # readme-schema-validation-local.json (all parameters at path level)
    (
        "S1",
        "readme-schema-validation-local.json",
        lambda d: d["paths"]["/anything/strings"]["parameters"][0]["schema"].update(maxLength=10),
        {"api.request-max-decreased": 1},
    ),
    (
        "S2",
        "readme-schema-validation-local.json",
        lambda d: d["paths"]["/anything/booleans"]["parameters"][1].update(required=True),
        {"api.request-parameter-became-required": 1},
    ),
    (
        "S3",
        "readme-schema-validation-local.json",
        lambda d: d["paths"]["/anything/numbers"]["parameters"][0]["schema"].update(minimum=12),
        {"api.request-min-increased": 1},
    ),
    (
        "S4",
        "readme-schema-validation-local.json",
        lambda d: d["paths"]["/anything/numbers"]["parameters"].append(
            {"in": "query", "name": "tenant", "required": True, "schema": {"type": "string"}}
        ),
        {"api.request-parameter-added-required": 1},
    ),
    (
        "S5",
        "readme-schema-validation-local.json",
        lambda d: d["paths"]["/anything/strings"]["parameters"][1]["schema"].update(maxLength=40),
        {},
    ),
    (
        "S6",
        "readme-schema-validation-local.json",
        lambda d: d["paths"]["/anything/booleans"]["get"].update(
            parameters=d["paths"]["/anything/booleans"].pop("parameters")
        ),
        {},
    ),
    # readme-parameters-common.json
    (
        "P1",
        "readme-parameters-common.json",
        lambda d: d["paths"]["/anything/{id}/{action}"]["parameters"][1]["schema"]["enum"].remove("statistics"),
        {"api.request-enum-value-removed": 1},
    ),
    (
        "P2",
        "readme-parameters-common.json",
        lambda d: d["paths"]["/anything/{id}"]["parameters"][1].update(required=True),
        {"api.request-parameter-became-required": 2},
    ),
    (
        "P3",
        "readme-parameters-common.json",
        lambda d: at(d, S, "parameters", "limitParam", "schema").update(maximum=25),
        {"api.request-max-decreased": 1},
    ),
    (
        "P4",
        "readme-parameters-common.json",
        lambda d: d["paths"]["/anything/{id}"].pop("post"),
        {"api.operation-removed": 1},
    ),
    (
        "P5",
        "readme-parameters-common.json",
        rename_path("/anything/{id}", "/anything/{itemId}", "paths", "/anything/{itemId}", "parameters", 0),
        {},
    ),
    (
        "P6",
        "readme-parameters-common.json",
        lambda d: d["paths"]["/anything/{id}/override"]["get"].pop("parameters"),
        {},
    ),
]


@pytest.mark.parametrize("name", sorted(p.name for p in REAL.glob("*.*") if p.suffix in (".json", ".yaml")))
def test_each_document_against_itself(name: str) -> None:
    spec = str(REAL / name)
    assert diff(loader.load(spec), loader.load(spec), TODAY) == []


@pytest.mark.parametrize(("case", "name", "edit", "expected"), CASES, ids=[c[0] for c in CASES])
def test_hand_edits(case: str, name: str, edit: Edit, expected: dict[str, int], tmp_path: Path) -> None:
    head = copy.deepcopy(load(name))
    edit(head)
    found = diff(loader.load(str(REAL / name)), loader.load(str(write(name, head, tmp_path))), TODAY)
    counts: dict[str, int] = {}
    for finding in found:
        counts[finding.rule] = counts.get(finding.rule, 0) + 1
    assert counts == expected, [(f.rule, f.operation, f.message) for f in found]
