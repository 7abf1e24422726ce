"""Schemas of Kubernetes custom resources, made as strict as the API server is.

A CRD's `openAPIV3Schema` lists each object's fields but, unlike JSON Schema, the API server prunes (and with
`kubectl --validate=strict`, refuses) a field that is not listed, unless the node says
`x-kubernetes-preserve-unknown-fields: true`. `strict` writes that rule down in JSON Schema, so a validator
refuses a misspelt field (`stratgy:`) instead of accepting it and losing it."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from generator.resources import data_dir

ROLLOUT = "argo-rollouts/rollout-v1alpha1.schema.json"  # under schemas/: the Argo Rollouts CRD, v1.9.1


def strict(node: Any) -> Any:
    """A copy of `node` where every object node that has `properties`, no `additionalProperties` and no
    `x-kubernetes-preserve-unknown-fields` refuses fields it does not list (`additionalProperties: false`)."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    copy = {key: strict(value) for key, value in node.items()}
    if (
        "properties" in copy
        and "additionalProperties" not in copy
        and not copy.get("x-kubernetes-preserve-unknown-fields")
    ):
        copy["additionalProperties"] = False
    return copy


@cache
def _load(relative: str) -> Any:
    return strict(json.loads((data_dir("schemas") / relative).read_text(encoding="utf-8")))


def rollout_schema() -> dict[str, Any]:
    """The Argo Rollouts `Rollout` schema (shipped under schemas/), strict. A fresh copy: callers may keep it."""
    schema: dict[str, Any] = json.loads(json.dumps(_load(ROLLOUT)))
    return schema
