"""generator/kubeschema.py: a CRD schema refuses the fields it does not list, as the API server does, except
where the CRD preserves unknown fields."""

from __future__ import annotations

import jsonschema
import pytest

from generator.kubeschema import rollout_schema, strict


def test_strict_refuses_unlisted_fields_except_where_unknown_fields_are_preserved() -> None:
    schema = strict(
        {
            "type": "object",
            "properties": {
                "spec": {"type": "object", "properties": {"replicas": {"type": "integer"}}},
                "config": {"type": "object", "x-kubernetes-preserve-unknown-fields": True, "properties": {}},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    )
    jsonschema.validate({"spec": {"replicas": 1}, "config": {"any": 1}, "labels": {"a": "b"}}, schema)
    with pytest.raises(jsonschema.ValidationError, match="'replicaz' was unexpected"):
        jsonschema.validate({"spec": {"replicaz": 1}}, schema)
    with pytest.raises(jsonschema.ValidationError, match="'kind' was unexpected"):
        jsonschema.validate({"kind": "X"}, schema)


def test_the_rollout_schema_is_strict_where_the_crd_does_not_preserve_fields() -> None:
    schema = rollout_schema()
    spec = schema["properties"]["spec"]
    assert spec["additionalProperties"] is False
    assert spec["properties"]["strategy"]["properties"]["canary"]["additionalProperties"] is False
    assert "additionalProperties" not in spec["properties"]["template"]["properties"]["spec"]["properties"]["volumes"]
    schema["properties"]["spec"]["changed"] = True
    assert "changed" not in rollout_schema()["properties"]["spec"]  # every caller gets its own copy
