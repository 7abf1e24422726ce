"""`lockstep validate` as a function: load the working tree (or a head ref) and, in pull-request mode, the base
ref beside it, then run the rule families and give their findings the levels of .lockstep/config.yaml.

In pull-request mode the rule levels are the base ref's: a pull request cannot switch off the rules that judge
it. A change of the config takes effect once merged (`config.pending` says so at each rule it changes)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from generator import layout, rule_levels, validators
from generator.findings import Finding, sort_findings
from generator.openapi.limits import DEFAULT, Limits
from generator.repository import Repo, current_time, load_for_validation


def checked(
    root: Path,
    families: Iterable[str] = validators.FAMILIES,
    *,
    base: str | None = None,
    head: str | None = None,
    limits: Limits = DEFAULT,
    paths: Iterable[str] | None = None,
    render: bool = False,
    now: datetime | None = None,
) -> tuple[Repo, list[Finding]]:
    """The repository as loaded (with its base in pull-request mode) and its findings at the rule levels in force;
    with `paths`, only what a change of those files can affect (see repository.focus_of). The rule levels apply
    whatever the paths. `render`: helm renders the charts for the `manifests` family (`validate --render`)."""
    families = tuple(families)
    repo = load_for_validation(root, base=base, head=head, limits=limits, paths=paths, render=render)
    repo.now = now or current_time()  # the time the gates judge (`--now`)
    findings, defaults = validators.check(repo, families), validators.defaults()
    levels = repo.rule_levels if base is None else _base_levels(repo)
    if "schema" in families:  # the config's own problems are load problems: the schema family's
        findings.extend(rule_levels.unknown_rules(repo.rule_levels, defaults))
        if base is not None and _config_loads(repo):
            findings.extend(rule_levels.pending(repo.rule_levels, levels, layout.CONFIG))
    return repo, sort_findings(rule_levels.apply(findings, levels, defaults))


def _base_levels(repo: Repo) -> rule_levels.RuleLevels | None:
    """Pull-request mode: the base ref's rule levels (none where the base has no config, or no lockstep at all)."""
    return repo.base.rule_levels if repo.base is not None else None


def _config_loads(repo: Repo) -> bool:
    """The head's config loads, or there is none (then each rule the base sets goes back to its own level)."""
    doc = repo.document(layout.CONFIG)
    return doc is None or doc.ok
