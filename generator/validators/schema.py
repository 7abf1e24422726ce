"""Rule family `schema`: every file lockstep reads can be read, is strict YAML (or, for API contracts, YAML or
JSON that is OpenAPI 3.x), and matches its JSON Schema. Loading the repository found all of it; this family
reports it, so `--only schema` shows every load problem of every file."""

from __future__ import annotations

from collections.abc import Iterable

from generator import repository, rule_levels, schemas, tree, yamlio
from generator.findings import Finding, Rule
from generator.openapi import loader
from generator.repository import Repo

INPUTS: tuple[str, ...] = ("*",)
RULES: tuple[Rule, ...] = (
    *tree.RULES,
    *yamlio.RULES,
    *schemas.RULES,
    *loader.RULES,
    *repository.RULES,
    *rule_levels.RULES,  # emitted by `validation`, after the families ran: they judge the config against them all
)


def check(repo: Repo) -> Iterable[Finding]:
    return list(repo.problems)
