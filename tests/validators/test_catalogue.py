"""Every rule in the catalogue has a case that makes it fire."""

from __future__ import annotations

from generator import validators
from tests.openapi import test_differ
from tests.validators import (
    test_compatibility,
    test_consistency,
    test_contracts,
    test_delivery,
    test_dockerfile,
    test_engine,
    test_engine_render,
    test_gates,
    test_manifests_render,
    test_pipeline,
    test_promotion,
    test_records,
    test_schema,
)


def test_every_rule_has_a_firing_case() -> None:
    families = (
        test_schema,
        test_consistency,
        test_promotion,
        test_compatibility,
        test_contracts,
        test_dockerfile,
        test_delivery,
        test_pipeline,
        test_engine,
        test_records,
    )
    covered = {case.rule for module in (*families, test_manifests_render) for case in module.CASES}
    covered |= set(test_manifests_render.FIRING)  # rules its other tests make fire
    covered |= set(test_engine_render.FIRING)
    covered |= set(test_gates.FIRING)
    covered |= test_differ.covered_rules()  # the contracts engine's rules fire in its own rule table
    listed = {rule.id for rule in validators.catalogue()}
    assert listed - covered == set()
    assert covered - listed == set()


def test_rule_ids_are_unique_and_described() -> None:
    rules = validators.catalogue()
    assert len({r.id for r in rules}) == len(rules)
    assert all(r.description.endswith(".") and r.level in ("error", "warning", "info") for r in rules)
