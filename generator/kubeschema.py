"""The schemas rendered Kubernetes objects are checked against: the built-in kinds' (kubernetes-validate's strict
schemas, for the platform's `kubernetesVersion`) and the Argo Rollouts Rollout's (its CRD schema, shipped under
schemas/argo-rollouts/, made strict here).

Building a validator costs far more than using one (kubernetes-validate's own `validate()` reads a 1.5 MB
definitions file on every call: about 14 ms an object), so each is built once per (kind, apiVersion, version)
and kept for the process.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any, NamedTuple

from generator import resources

ROLLOUT = "argo-rollouts/rollout-v1alpha1.schema.json"  # under schemas/
PRESERVE = "x-kubernetes-preserve-unknown-fields"


class Problem(NamedTuple):
    path: tuple[str | int, ...]  # in the object
    message: str


def rollout_schema() -> Path:
    return resources.data_dir("schemas") / ROLLOUT


def strict(schema: Any) -> Any:
    """A copy of an OpenAPI v3 schema (a CRD's) that refuses unknown fields: `additionalProperties: false` on every
    object node with `properties`, except where the CRD keeps unknown fields (`x-kubernetes-preserve-unknown-fields`)
    or says what other fields may be."""
    made = copy.deepcopy(schema)

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if "properties" in node and not node.get(PRESERVE) and "additionalProperties" not in node:
                node["additionalProperties"] = False
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(made)
    return made


def _problems(validator: Any, data: Any) -> list[Problem]:
    return [
        Problem(tuple(error.absolute_path), error.message)
        for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    ]


@functools.cache
def _rollout(path: Path) -> Any:
    import jsonschema

    with open(path, encoding="utf-8") as stream:
        schema = strict(json.load(stream))
    return jsonschema.Draft4Validator(schema)  # as its `$schema` says: OpenAPI v3's schema object is draft 4's


def rollout(data: Any) -> list[Problem]:
    """What the strict Rollout CRD schema finds wrong with `data`; FileNotFoundError when the schema is absent."""
    return _problems(_rollout(rollout_schema()), data)


@functools.cache
def _schemas_version(wanted: str) -> str:
    """kubernetes-validate's schema version for Kubernetes `wanted` (the newest not newer; the oldest it has for
    older ones)."""
    from kubernetes_validate import utils
    from packaging.version import Version

    versions = utils.all_versions()
    older = [v for v in versions if Version(utils.major_minor(v)) <= Version(utils.major_minor(wanted))]
    return str(older[-1] if older else versions[0])


@functools.cache
def _definitions(version: str) -> Any:
    from kubernetes_validate import utils
    from referencing import Registry, Resource

    contents = utils.schema_contents(f"kubernetes-json-schema/v{version}-local-strict/_definitions.json", version)
    return Resource.from_contents(contents) @ Registry()


@functools.cache
def _kubernetes(kind: str, api_version: str, wanted: str) -> Any:
    """The validator of a built-in kind; None when kubernetes-validate has no schema for it (a custom resource)."""
    import re

    import jsonschema
    from kubernetes_validate import utils
    from referencing import Resource

    version = _schemas_version(wanted)
    group = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    try:
        schema = utils.schema_contents(
            f"kubernetes-json-schema/v{version}-local-strict/{kind.lower()}-{group}.json", version
        )
    except FileNotFoundError:
        return None
    registry = Resource.from_contents(schema) @ _definitions(version)
    return jsonschema.Draft202012Validator(schema, registry=registry)


def kubernetes(data: dict[str, Any], version: str) -> list[Problem] | None:
    """What the strict schema of `data`'s kind in Kubernetes `version` finds wrong with it; None when the kind is
    not built in."""
    kind, api_version = data.get("kind"), data.get("apiVersion")
    if not isinstance(kind, str) or not isinstance(api_version, str):
        return [Problem((), "an object needs a `kind` and an `apiVersion`")]
    validator = _kubernetes(kind, api_version, version)
    return None if validator is None else _problems(validator, data)


def schemas_version(wanted: str) -> str:
    """The Kubernetes version whose schemas check objects for `wanted` (kubernetes-validate's, major.minor)."""
    from kubernetes_validate import utils

    return str(utils.major_minor(_schemas_version(wanted)))
