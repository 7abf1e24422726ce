"""Generate a large, realistic OpenAPI 3.1 pair: a base document and a head document that changes it.

Run: python benchmarks/openapi_pair.py DIR

The base document has 1000 paths and 2000 operations (GET and PUT on `/v1/{area}/{entity}/{id}`, a path-level `{id}`
parameter, one `$ref`'d component schema per path plus shared ones: nested objects, arrays, enums, `oneOf` with a
discriminator, `allOf`, and the recursive Owner.manager -> Owner). The head document is the base with 20 edits, 12 of
them breaking. Both are written as JSON and YAML (base.json, head.json, base.yaml and head.yaml in DIR).
benchmarks/bench_openapi.py times the tools on this pair.
"""

from __future__ import annotations

import argparse
import copy
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

AREAS = (
    "billing", "catalog", "inventory", "orders", "shipping", "customers", "accounts", "payments", "pricing", "reviews",
    "support", "analytics", "marketing", "identity", "notifications", "documents", "projects", "teams", "assets",
    "compliance",
)  # fmt: skip
ENTITIES = (
    "accounts", "addresses", "adjustments", "agreements", "alerts", "allocations", "approvals", "attachments",
    "audits", "batches", "budgets", "campaigns", "cases", "channels", "charges", "checks", "claims", "comments",
    "contacts", "contracts", "coupons", "credits", "devices", "discounts", "disputes", "entries", "events", "exports",
    "feeds", "files", "forecasts", "groups", "imports", "incidents", "invoices", "items", "jobs", "labels", "leads",
    "licenses", "locations", "messages", "notes", "offers", "orders", "packages", "plans", "policies", "quotes",
    "records",
)  # fmt: skip
PATHS = len(AREAS) * len(ENTITIES)  # 1000

Document = dict[str, Any]


# ---------------------------------------------------------------- the base document


def singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "ches")):
        return word[:-2]
    return word[:-1]


def area_entity(index: int) -> tuple[str, str]:
    index %= PATHS
    return AREAS[index // len(ENTITIES)], ENTITIES[index % len(ENTITIES)]


def path_of(index: int) -> str:
    """The path of resource `index`: past the first 1000, the same areas and entities under /v2, /v3, ..."""
    area, entity = area_entity(index)
    return f"/v{1 + index // PATHS}/{area}/{entity}/{{id}}"


def schema_name(index: int) -> str:
    area, entity = area_entity(index)
    generation = index // PATHS
    return area.capitalize() + singular(entity).capitalize() + (f"V{generation + 1}" if generation else "")


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def line_item() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["sku", "quantity"],
        "properties": {
            "sku": {"type": "string", "pattern": "^[A-Z0-9-]{4,32}$", "examples": ["SKU-0042"]},
            "quantity": {"type": "integer", "minimum": 1, "maximum": 10000},
            "unitPrice": ref("Money"),
            "note": {"type": ["string", "null"], "maxLength": 500},
        },
    }


def resource_schema(index: int) -> dict[str, Any]:
    area, entity = area_entity(index)
    statuses = ["draft", "active", "archived"] + (["suspended"] if index % 2 else [])
    properties: dict[str, Any] = {
        "id": {**ref("ResourceId"), "readOnly": True},
        "name": {"type": "string", "minLength": 1, "maxLength": 200, "description": "Display name."},
        "description": {"type": ["string", "null"], "maxLength": 2000},
        "status": {"type": "string", "enum": statuses, "default": "draft"},
        "priority": {"type": "integer", "minimum": 0, "maximum": 10, "default": 5},
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 64}, "maxItems": 20, "uniqueItems": True},
        "owner": ref("Owner"),
        "lines": {"type": "array", "items": line_item(), "maxItems": 500},
        "attributes": {"type": "object", "additionalProperties": {"type": "string"}},
        "audit": {**ref("AuditInfo"), "readOnly": True},
    }
    if index % 3 == 0:
        properties["address"] = ref("Address")
    if index % 4 == 0:
        properties["total"] = ref("Money")
    if index % 10 == 0:
        properties["payment"] = {
            "oneOf": [ref("Card"), ref("BankTransfer")],
            "discriminator": {
                "propertyName": "method",
                "mapping": {"card": "#/components/schemas/Card", "bank_transfer": "#/components/schemas/BankTransfer"},
            },
        }
    return {
        "type": "object",
        "description": f"A {singular(entity)} of the {area} area.",
        "required": ["id", "name", "status"],
        "properties": properties,
    }


def shared_schemas() -> dict[str, Any]:
    return {
        "ResourceId": {"type": "string", "format": "uuid", "examples": ["5f0c6a8e-8f6b-4a55-9d0e-1c2b3a4d5e6f"]},
        "Owner": {
            "type": "object",
            "required": ["id", "email"],
            "properties": {
                "id": ref("ResourceId"),
                "email": {"type": "string", "format": "email"},
                "displayName": {"type": "string", "maxLength": 120},
                "manager": ref("Owner"),
                "reports": {"type": "array", "items": ref("Owner")},
            },
        },
        "Address": {
            "type": "object",
            "required": ["line1", "city", "country"],
            "properties": {
                "line1": {"type": "string", "maxLength": 200},
                "line2": {"type": ["string", "null"], "maxLength": 200},
                "city": {"type": "string", "maxLength": 100},
                "postalCode": {"type": "string", "maxLength": 16},
                "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
            },
        },
        "Money": {
            "type": "object",
            "required": ["amount", "currency"],
            "properties": {
                "amount": {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]{1,4})?$"},
                "currency": {"type": "string", "enum": ["EUR", "USD", "GBP", "JPY", "CHF"]},
            },
        },
        "Card": {
            "type": "object",
            "required": ["method", "last4"],
            "properties": {
                "method": {"type": "string", "enum": ["card"]},
                "brand": {"type": "string", "enum": ["visa", "mastercard", "amex"]},
                "last4": {"type": "string", "pattern": "^[0-9]{4}$"},
            },
        },
        "BankTransfer": {
            "type": "object",
            "required": ["method", "iban"],
            "properties": {
                "method": {"type": "string", "enum": ["bank_transfer"]},
                "iban": {"type": "string", "maxLength": 34},
                "bic": {"type": "string", "maxLength": 11},
            },
        },
        "Timestamps": {
            "type": "object",
            "properties": {
                "createdAt": {"type": "string", "format": "date-time"},
                "updatedAt": {"type": "string", "format": "date-time"},
            },
        },
        "AuditInfo": {
            "allOf": [ref("Timestamps"), {"type": "object", "properties": {"createdBy": ref("Owner")}}],
        },
        "Error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"field": {"type": "string"}, "issue": {"type": "string"}},
                    },
                },
            },
        },
    }


def components(paths: int = PATHS) -> dict[str, Any]:
    error = {"application/json": {"schema": ref("Error")}}
    return {
        "schemas": {**shared_schemas(), **{schema_name(i): resource_schema(i) for i in range(paths)}},
        "parameters": {
            "Fields": {
                "name": "fields",
                "in": "query",
                "required": False,
                "description": "Comma-separated list of fields to return.",
                "schema": {"type": "string"},
            },
            "RequestId": {"name": "X-Request-ID", "in": "header", "required": False, "schema": ref("ResourceId")},
        },
        "responses": {
            "NotFound": {"description": "No such resource.", "content": copy.deepcopy(error)},
            "BadRequest": {"description": "The request is invalid.", "content": copy.deepcopy(error)},
        },
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
    }


def path_item(index: int) -> dict[str, Any]:
    name, (area, entity) = schema_name(index), area_entity(index)
    body = {"application/json": {"schema": ref(name)}}
    return {
        "parameters": [
            {
                "name": "id",
                "in": "path",
                "required": True,
                "description": "The resource ID.",
                "schema": ref("ResourceId"),
            }
        ],
        "get": {
            "operationId": f"get{name}",
            "summary": f"Get a {singular(entity)}",
            "tags": [area],
            "parameters": [{"$ref": "#/components/parameters/Fields"}, {"$ref": "#/components/parameters/RequestId"}],
            "responses": {
                "200": {
                    "description": "The resource.",
                    "headers": {"ETag": {"schema": {"type": "string"}}},
                    "content": copy.deepcopy(body),
                },
                "404": {"$ref": "#/components/responses/NotFound"},
            },
        },
        "put": {
            "operationId": f"update{name}",
            "summary": f"Replace a {singular(entity)}",
            "tags": [area],
            "parameters": [
                {"$ref": "#/components/parameters/RequestId"},
                {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"}},
            ],
            "requestBody": {"required": True, "content": copy.deepcopy(body)},
            "responses": {
                "200": {"description": "The updated resource.", "content": copy.deepcopy(body)},
                "400": {"$ref": "#/components/responses/BadRequest"},
                "404": {"$ref": "#/components/responses/NotFound"},
            },
        },
    }


def base_document(paths: int = PATHS) -> Document:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Benchmark Platform API",
            "version": "1.0.0",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": "https://api.example.com"}],
        "security": [{"bearer": []}],
        "tags": [{"name": area} for area in AREAS],
        "paths": {path_of(i): path_item(i) for i in range(paths)},
        "components": components(paths),
    }


# ---------------------------------------------------------------- the edits that make the head document


@dataclass(frozen=True)
class Edit:
    key: str
    breaking: bool
    summary: str
    operations: tuple[str, ...]
    apply: Callable[[Document], None]


def schema(doc: Document, index: int) -> dict[str, Any]:
    found: dict[str, Any] = doc["components"]["schemas"][schema_name(index)]
    return found


def operation(doc: Document, index: int, method: str) -> dict[str, Any]:
    found: dict[str, Any] = doc["paths"][path_of(index)][method]
    return found


def ops(index: int, *methods: str) -> tuple[str, ...]:
    return tuple(f"{method} {path_of(index)}" for method in methods)


def remove_property(index: int, prop: str) -> Callable[[Document], None]:
    return lambda doc: schema(doc, index)["properties"].pop(prop)


def set_in_schema(index: int, keys: tuple[str, ...], value: Any) -> Callable[[Document], None]:
    def apply(doc: Document) -> None:
        node = schema(doc, index)
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value

    return apply


def add_query_parameter(index: int, name: str, required: bool) -> Callable[[Document], None]:
    parameter = {"name": name, "in": "query", "required": required, "schema": {"type": "string"}}
    return lambda doc: operation(doc, index, "get")["parameters"].append(copy.deepcopy(parameter))


def inline_required_fields(doc: Document, index: int) -> None:
    parameters = operation(doc, index, "get")["parameters"]
    fields = copy.deepcopy(doc["components"]["parameters"]["Fields"])
    parameters[0] = {**fields, "required": True}


def rename_path_parameter(doc: Document, index: int) -> None:
    old = path_of(index)
    new = old.replace("{id}", "{resourceId}")
    doc["paths"] = {(new if key == old else key): item for key, item in doc["paths"].items()}
    doc["paths"][new]["parameters"][0]["name"] = "resourceId"


def move_path_parameters_down(doc: Document, index: int) -> None:
    item = doc["paths"][path_of(index)]
    shared = item.pop("parameters")
    for method in ("get", "put"):
        item[method]["parameters"] = copy.deepcopy(shared) + item[method]["parameters"]


def change_request_media_type(doc: Document, index: int) -> None:
    content = operation(doc, index, "put")["requestBody"]["content"]
    content["application/merge-patch+json"] = content.pop("application/json")


def add_path(doc: Document) -> None:
    invoices = path_of(ENTITIES.index("invoices"))
    doc["paths"][f"{invoices}/pdf"] = {
        "parameters": copy.deepcopy(doc["paths"][invoices]["parameters"]),
        "get": {
            "operationId": "getBillingInvoicePdf",
            "summary": "Download an invoice as PDF",
            "tags": ["billing"],
            "responses": {"200": {"description": "The PDF.", "content": {"application/pdf": {}}}},
        },
    }


def edits() -> list[Edit]:
    payment_options = [ref("Card")]
    return [
        Edit("B01", True, "response property `tags` removed", ops(42, "GET", "PUT"), remove_property(42, "tags")),
        Edit(
            "B02",
            True,
            "response property `priority` type integer -> string",
            ops(101, "GET", "PUT"),
            set_in_schema(101, ("properties", "priority"), {"type": "string"}),
        ),
        Edit(
            "B03",
            True,
            "request property `description` made required",
            ops(150, "PUT"),
            set_in_schema(150, ("required",), ["id", "name", "status", "description"]),
        ),
        Edit(
            "B04",
            True,
            "request enum value `archived` removed from `status`",
            ops(230, "PUT"),
            set_in_schema(230, ("properties", "status", "enum"), ["draft", "active"]),
        ),
        Edit("B05", True, "operation PUT removed", ops(333, "PUT"), lambda doc: doc["paths"][path_of(333)].pop("put")),
        Edit(
            "B06",
            True,
            "request property `name` maxLength 200 -> 50",
            ops(404, "PUT"),
            set_in_schema(404, ("properties", "name", "maxLength"), 50),
        ),
        Edit(
            "B07",
            True,
            "path removed (GET and PUT)",
            ops(500, "GET", "PUT"),
            lambda doc: doc["paths"].pop(path_of(500)),
        ),
        Edit(
            "B08",
            True,
            "new required query parameter `region`",
            ops(610, "GET"),
            add_query_parameter(610, "region", True),
        ),
        Edit(
            "B09",
            True,
            "query parameter `fields` made required ($ref replaced inline)",
            ops(666, "GET"),
            lambda doc: inline_required_fields(doc, 666),
        ),
        Edit(
            "B10",
            True,
            "request `lines[].quantity` minimum 1 -> 2",
            ops(720, "PUT"),
            set_in_schema(720, ("properties", "lines", "items", "properties", "quantity", "minimum"), 2),
        ),
        Edit(
            "B11",
            True,
            "request `payment` oneOf loses BankTransfer",
            ops(810, "PUT"),
            set_in_schema(810, ("properties", "payment", "oneOf"), payment_options),
        ),
        Edit(
            "B12",
            True,
            "request media type application/json -> merge-patch+json",
            ops(950, "PUT"),
            lambda doc: change_request_media_type(doc, 950),
        ),
        Edit(
            "N01",
            False,
            "optional response property `nickname` added",
            ops(77, "GET", "PUT"),
            set_in_schema(77, ("properties", "nickname"), {"type": "string", "maxLength": 80}),
        ),
        Edit(
            "N02",
            False,
            "path parameter renamed {id} -> {resourceId}",
            ops(123, "GET", "PUT"),
            lambda doc: rename_path_parameter(doc, 123),
        ),
        Edit(
            "N03",
            False,
            "description of `name` changed",
            ops(200, "GET", "PUT"),
            set_in_schema(200, ("properties", "name", "description"), "The name shown in listings."),
        ),
        Edit(
            "N04",
            False,
            "GET summary changed",
            ops(300, "GET"),
            lambda doc: operation(doc, 300, "get").update(summary="Fetch one record"),
        ),
        Edit(
            "N05",
            False,
            "new optional query parameter `expand`",
            ops(444, "GET"),
            add_query_parameter(444, "expand", False),
        ),
        Edit("N06", False, "new path /v1/billing/invoices/{id}/pdf", ("GET /v1/billing/invoices/{id}/pdf",), add_path),
        Edit(
            "N07",
            False,
            "path-level parameters moved into the operations",
            ops(888, "GET", "PUT"),
            lambda doc: move_path_parameters_down(doc, 888),
        ),
        Edit(
            "N08",
            False,
            "GET marked deprecated",
            ops(999, "GET"),
            lambda doc: operation(doc, 999, "get").update(deprecated=True),
        ),
    ]


def head_document(base: Document, changes: Iterable[Edit]) -> Document:
    head = copy.deepcopy(base)
    for change in changes:
        change.apply(head)
    return head


# ---------------------------------------------------------------- writing the pair


class _NoAliasDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    def ignore_aliases(self, data: Any) -> bool:
        return True


def write_document(doc: Document, path: Path) -> None:
    if path.suffix == ".json":
        path.write_text(json.dumps(doc, indent=2) + "\n")
    else:
        path.write_text(yaml.dump(doc, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=120))


def write_pairs(base: Document, head: Document, directory: Path) -> dict[str, tuple[Path, Path]]:
    directory.mkdir(parents=True, exist_ok=True)
    pairs = {}
    for suffix in ("json", "yaml"):
        pair = (directory / f"base.{suffix}", directory / f"head.{suffix}")
        write_document(base, pair[0])
        write_document(head, pair[1])
        pairs[suffix] = pair
    return pairs


# ---------------------------------------------------------------- the shapes of change the benchmarks time

SHAPES = {
    "edits": "1000 paths, 2000 operations; 20 edits, 12 breaking",
    "all-breaking": "1000 paths; every GET gains a required query parameter (1000 breaking changes)",
    "ops2000": "2000 operations (1000 paths); the 20 edits",
    "ops10000": "10,000 operations (5000 paths); the 20 edits",
}


def breaking_everywhere(base: Document) -> Document:
    """`base` with a new required query parameter on every path's GET: one breaking change per path."""
    head = copy.deepcopy(base)
    parameter = {"name": "tenant", "in": "query", "required": True, "schema": {"type": "string"}}
    for item in head["paths"].values():
        item["get"]["parameters"].append(copy.deepcopy(parameter))
    return head


def pair(shape: str, folder: Path, suffix: str = "yaml") -> tuple[Path, Path]:
    """Write the base and head documents of `shape` (one of SHAPES) into `folder`; their paths."""
    base = base_document(5000 if shape == "ops10000" else PATHS)
    head = breaking_everywhere(base) if shape == "all-breaking" else head_document(base, edits())
    folder.mkdir(parents=True, exist_ok=True)
    written = (folder / f"{shape}-base.{suffix}", folder / f"{shape}-head.{suffix}")
    write_document(base, written[0])
    write_document(head, written[1])
    return written


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, help="write base and head, as JSON and YAML, to this directory")
    args = parser.parse_args()
    base = base_document()
    pairs = write_pairs(base, head_document(base, edits()), args.directory)
    for pair in pairs.values():
        for path in pair:
            print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
