"""Schemas of Kubernetes custom resources, made as strict as the API server is.

A CRD's `openAPIV3Schema` lists each object's fields but, unlike JSON Schema, the API server prunes (and with
`kubectl --validate=strict`, refuses) a field that is not listed, unless the node says
`x-kubernetes-preserve-unknown-fields: true`. `strict` writes that rule down in JSON Schema, so a validator
refuses a misspelt field (`stratgy:`) instead of accepting it and losing it.

The validators lockstep checks rendered objects with (`validate --render`): the Rollout's (that schema) and the
built-in kinds' (kubernetes-validate's strict schemas, for the platform's `kubernetesVersion`). Building a
validator costs far more than using one (kubernetes-validate's own `validate()` reads a 1.5 MB definitions file
on every call: about 14 ms an object, against 0.4 ms with a kept validator), so each is built once per (kind,
apiVersion, version) and kept for the process."""

from __future__ import annotations

import json
from functools import cache
from typing import Any, NamedTuple

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


class Problem(NamedTuple):
    path: tuple[str | int, ...]  # in the object
    message: str


def _problems(validator: Any, data: Any) -> list[Problem]:
    return [
        Problem(tuple(error.absolute_path), error.message)
        for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    ]


@cache
def _rollout(relative: str) -> Any:  # a custom resource's validator (the Rollout's, the engines')
    import jsonschema

    return jsonschema.Draft4Validator(_load(relative))  # as its `$schema` says: OpenAPI v3's schema object is draft 4's


def rollout(data: Any) -> list[Problem]:
    """What the strict Rollout schema finds wrong with `data`; FileNotFoundError when the schema is not installed."""
    return _problems(_rollout(ROLLOUT), data)


# the engines' custom resources (under schemas/), by (apiVersion, kind)
ENGINE_KINDS = {
    ("argoproj.io/v1alpha1", "Application"): "argo-cd/application-v1alpha1.schema.json",  # Argo CD v3.5.1
    ("argoproj.io/v1alpha1", "AppProject"): "argo-cd/appproject-v1alpha1.schema.json",
    ("argoproj.io/v1alpha1", "ApplicationSet"): "argo-cd/applicationset-v1alpha1.schema.json",
    ("source.toolkit.fluxcd.io/v1", "GitRepository"): "flux/gitrepository-source-v1.schema.json",  # v1.9.1
    ("source.toolkit.fluxcd.io/v1", "OCIRepository"): "flux/ocirepository-source-v1.schema.json",
    ("helm.toolkit.fluxcd.io/v2", "HelmRelease"): "flux/helmrelease-helm-v2.schema.json",  # helm-controller v1.6.3
    ("kustomize.toolkit.fluxcd.io/v1", "Kustomization"): "flux/kustomization-kustomize-v1.schema.json",  # v1.9.4
}


def engine_schema(data: Any) -> str | None:
    """The shipped schema (under schemas/) of an Argo CD or Flux object; None for another kind."""
    if not isinstance(data, dict):
        return None
    return ENGINE_KINDS.get((data.get("apiVersion"), data.get("kind")))  # type: ignore[arg-type]


def engine(data: dict[str, Any]) -> list[Problem] | None:
    """What the strict CRD schema of an Argo CD or Flux object finds wrong with `data`; None for another kind."""
    relative = ENGINE_KINDS.get((data.get("apiVersion"), data.get("kind")))  # type: ignore[arg-type]
    return None if relative is None else _problems(_rollout(relative), data)


@cache
def _schemas_version(wanted: str) -> str:
    """kubernetes-validate's schema version for Kubernetes `wanted` (the newest not newer; the oldest it has for
    older ones)."""
    from kubernetes_validate import utils
    from packaging.version import Version

    versions = utils.all_versions()
    older = [v for v in versions if Version(utils.major_minor(v)) <= Version(utils.major_minor(wanted))]
    return str(older[-1] if older else versions[0])


@cache
def _definitions(version: str) -> Any:
    from kubernetes_validate import utils
    from referencing import Registry, Resource

    contents = utils.schema_contents(f"kubernetes-json-schema/v{version}-local-strict/_definitions.json", version)
    return Resource.from_contents(contents) @ Registry()


@cache
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
