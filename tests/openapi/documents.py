"""A small but complete contract (both OpenAPI 3.0 and 3.1 spellings) and edits of it, for the rule table."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

Doc = dict[str, Any]


def nullable(schema: Doc, version: str) -> Doc:
    """The same schema, also accepting null, as each version spells it."""
    if version.startswith("3.0"):
        return {**schema, "nullable": True}
    return {**schema, "type": [schema["type"], "null"]}


def pets(version: str = "3.1.0") -> Doc:
    pet_ref = {"$ref": "#/components/schemas/Pet"}
    json_pet = {"application/json": {"schema": pet_ref}}
    return {
        "openapi": version,
        "info": {"title": "pets", "version": "1.0.0"},
        "paths": {
            "/pets": {
                "get": {
                    "operationId": "listPets",
                    "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}}],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"type": "array", "items": pet_ref}}},
                        }
                    },
                },
                "post": {
                    "operationId": "createPet",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}},
                            "application/xml": {"schema": {"$ref": "#/components/schemas/NewPet"}},
                        },
                    },
                    "responses": {"201": {"description": "created", "content": json_pet}},
                },
            },
            "/pets/{petId}": {
                "parameters": [{"name": "petId", "in": "path", "required": True, "schema": {"type": "string"}}],
                "get": {
                    "operationId": "getPet",
                    "parameters": [{"name": "X-Trace", "in": "header", "schema": {"type": "string"}}],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {**json_pet, "application/xml": {"schema": pet_ref}},
                        },
                        "404": {"description": "not found"},
                    },
                },
                "patch": {
                    "operationId": "updatePet",
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}}
                    },
                    "responses": {"200": {"description": "ok", "content": json_pet}},
                },
                "delete": {
                    "operationId": "deletePet",
                    "deprecated": True,
                    "responses": {"204": {"description": "gone"}},
                },
            },
        },
        "components": {
            "schemas": {
                "Pet": {
                    "type": "object",
                    "required": ["id", "name"],
                    "properties": {
                        "id": {"type": "string"},
                        "name": {"type": "string"},
                        "tag": {"type": "string"},
                        "status": {"type": "string", "enum": ["available", "sold"]},
                        "owner": {"$ref": "#/components/schemas/Owner"},
                        "secret": {"type": "string", "writeOnly": True},
                    },
                },
                "NewPet": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "maxLength": 100},
                        "tag": nullable({"type": "string", "pattern": "^[a-z]+$"}, version),
                        "status": {"type": "string", "enum": ["available", "sold"]},
                        "age": {"type": "integer", "minimum": 0, "maximum": 50},
                        "color": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                        "id": {"type": "string", "readOnly": True},
                    },
                },
                "Owner": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}, "friend": {"$ref": "#/components/schemas/Owner"}},
                },
            }
        },
    }


# Webhooks (3.1) and callbacks (3.0 and 3.1) of `pets`: the API sends the request and receives the responses.
EVENT = {
    "type": "object",
    "required": ["id"],
    "properties": {"id": {"type": "string"}, "note": {"type": "string"}},
}
ACK = {"type": "object", "properties": {"ok": {"type": "boolean"}}}


def sent(extra: Doc | None = None) -> Doc:
    return {
        "post": {
            "parameters": [
                {"name": "X-Signature", "in": "header", "required": True, "schema": {"type": "string"}},
                {"name": "X-Attempt", "in": "header", "schema": {"type": "integer"}},
            ],
            "requestBody": {"required": True, "content": {"application/json": {"schema": copy.deepcopy(EVENT)}}},
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": copy.deepcopy(ACK)}}}
            },
            **(extra or {}),
        }
    }


def with_webhook(d: Doc, v: str) -> None:
    d["webhooks"] = {"petAdopted": sent()}


def with_callback(d: Doc, v: str) -> None:
    d["paths"]["/pets"]["post"]["callbacks"] = {"onAdopted": {"{$request.body#/callbackUrl}": sent()}}


WH = ["webhooks", "petAdopted", "post"]
CB = ["paths", "/pets", "post", "callbacks", "onAdopted", "{$request.body#/callbackUrl}", "post"]


def write(doc: Doc, path: Path) -> Path:
    if path.suffix == ".json":
        path.write_text(json.dumps(doc, indent=2))
    else:
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def edited(doc: Doc, *edits: Callable[[Doc], None]) -> Doc:
    copied = copy.deepcopy(doc)
    for edit in edits:
        edit(copied)
    return copied
