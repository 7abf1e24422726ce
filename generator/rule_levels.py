"""The rule levels a team sets in `.lockstep/config.yaml`: a rule's findings get another level, or none ("off").

```yaml
apiVersion: lockstep/v1
kind: Config
rules:
  consistency.default-port: warning
  dockerfile.hadolint.DL3008: "off"     # one hadolint code; `dockerfile.hadolint` is every one of them
```

Precedence: an entry names a rule id exactly, or a prefix of it up to a dot (`dockerfile.hadolint` covers
`dockerfile.hadolint.DL3008`); the longest entry that matches wins. A level replaces the level a rule gives
its findings; a finding that lockstep gave another level for a reason of its own (an accepted API change, a
breaking change shipped with a major bump: info) keeps it. "off" drops the rule's findings.

`apply` is a pure function, run after the rule families (`validate`) or the contracts engine (`diff-api`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from generator import layout, schemas, yamlio
from generator.findings import Finding, Level, Rule, excerpt
from generator.tree import DiskTree

Setting = Literal["error", "warning", "info", "off"]
KIND = "rules-config"  # the schema of .lockstep/config.yaml

UNKNOWN_RULE = Rule(
    "config.unknown-rule",
    "error",
    "Every rule that `.lockstep/config.yaml` names exists (`validate --list-rules`, `diff-api --list-rules`, "
    "or `dockerfile.hadolint.DLnnnn`/`SCnnnn` for one hadolint code).",
)
PENDING = Rule(
    "config.pending",
    "info",
    "(with --base) A change to `.lockstep/config.yaml` takes effect once merged: a pull request is judged with "
    "the rule levels of its base.",
)
RULES: tuple[Rule, ...] = (UNKNOWN_RULE, PENDING)

# hadolint's findings are reported as dockerfile.hadolint.<code> (validators/dockerfile.py): each code is a rule id
HADOLINT = "dockerfile.hadolint"
_HADOLINT_CODE = re.compile(r"^dockerfile\.hadolint\.(DL|SC)[0-9]{4}$")


@dataclass(frozen=True)
class Entry:
    rule: str
    setting: Setting
    line: int
    column: int


@dataclass(frozen=True)
class RuleLevels:
    path: str  # the file they were read from, as findings name it
    entries: tuple[Entry, ...]

    def setting(self, rule: str) -> Setting | None:
        """The setting for findings of `rule`: its own entry, else the longest entry that is a prefix of it up to a
        dot; None when no entry names it."""
        best: Entry | None = None
        for entry in self.entries:
            if (rule == entry.rule or rule.startswith(entry.rule + ".")) and (
                best is None or len(entry.rule) > len(best.rule)
            ):
                best = entry
        return best.setting if best else None

    def settings(self) -> dict[str, Setting]:
        return {entry.rule: entry.setting for entry in self.entries}


def from_document(doc: yamlio.Document) -> RuleLevels:
    """The rule levels of a schema-valid .lockstep/config.yaml document."""
    rules = doc.data.get("rules") or {}
    entries = []
    for rule, setting in rules.items():
        where = doc.position(("rules", rule), key=True)
        entries.append(Entry(rule, setting, where.line, where.column))
    return RuleLevels(doc.path, tuple(entries))


def read(path: Path) -> RuleLevels | None:
    """A config file named on the command line (or found in a repository); None when there is none. LoadError at
    its first YAML or schema problem."""
    doc = yamlio.load_named(path)
    if doc is None:
        return None
    schemas.require_valid(doc, KIND)
    return from_document(doc)


def of_repository(root: Path, name: str = layout.CONFIG) -> RuleLevels | None:
    """The .lockstep/config.yaml of the repository at `root` (read as `validate` reads it: no link out of the
    repository), its findings naming it `name`; None when there is none. LoadError at its first YAML or schema
    problem."""
    doc = yamlio.load(DiskTree(root), layout.CONFIG)
    if doc is None:
        return None
    doc.path, doc.problems = name, [replace(problem, file=name) for problem in doc.problems]
    schemas.require_valid(doc, KIND)
    return from_document(doc)


def apply(findings: Iterable[Finding], levels: RuleLevels | None, defaults: Mapping[str, Level]) -> list[Finding]:
    """`findings` with the levels of `levels` (None: as they are). `defaults`: each rule's own level, from the
    catalogue; a finding at another level got it from lockstep for a reason, and keeps it (only "off" drops it)."""
    if levels is None or not levels.entries:
        return list(findings)
    result: list[Finding] = []
    for finding in findings:
        setting = levels.setting(finding.rule)
        if setting is None:
            result.append(finding)
        elif setting != "off":
            default = defaults.get(finding.rule)
            result.append(replace(finding, level=setting) if default in (None, finding.level) else finding)
    return result


def known(rule: str, catalogue: Collection[str]) -> bool:
    return rule in catalogue or bool(_HADOLINT_CODE.match(rule))


def unknown_rules(levels: RuleLevels | None, catalogue: Collection[str]) -> list[Finding]:
    """A finding at each entry that names no rule lockstep has (`catalogue`: every rule id it can emit)."""
    if levels is None:
        return []
    import difflib  # only here: the hook's startup does not pay for it

    found = []
    for entry in levels.entries:
        if known(entry.rule, catalogue):
            continue
        close = difflib.get_close_matches(entry.rule, catalogue, n=1)
        hint = f"; did you mean `{close[0]}`?" if close else " (lockstep validate --list-rules lists them)"
        found.append(UNKNOWN_RULE.at(levels.path, entry.line, entry.column, f"no rule `{excerpt(entry.rule)}`{hint}"))
    return found


def pending(head: RuleLevels | None, base: RuleLevels | None, path: str) -> list[Finding]:
    """Pull-request mode: a finding at each rule whose setting the pull request changes (head against base),
    saying that the base's setting judges this pull request."""
    now, was = (head.settings() if head else {}), (base.settings() if base else {})
    where = {entry.rule: (entry.line, entry.column) for entry in head.entries} if head else {}
    found = []
    for rule in sorted(set(now) | set(was)):
        if now.get(rule) == was.get(rule):
            continue
        before = f"`{was[rule]}` at the base" if rule in was else "the rule's own level (the base does not set it)"
        after = f"`{now[rule]}`" if rule in now else "removed"
        line, column = where.get(rule, (1, 1))
        found.append(
            PENDING.at(
                path,
                line,
                column,
                f"{excerpt(rule)}: {after} takes effect once merged; this pull request is judged with {before}",
            )
        )
    return found


def listed(rules: Iterable[Rule], levels: RuleLevels | None) -> list[Rule]:
    """The catalogue as `--list-rules` shows it with a config: a rule whose level the config changes shows the level
    in force and says so at the end of its description (`[.lockstep/config.yaml: warning; default error]`; for a
    rule turned off, `[.lockstep/config.yaml: off]` beside its own level). The hadolint codes it sets follow
    `dockerfile.hadolint`, each as a rule of its own."""
    if levels is None:
        return list(rules)
    shown = []
    for rule in rules:
        shown.append(_listed(rule, levels.setting(rule.id), levels.path))
        for entry in levels.entries if rule.id == HADOLINT else ():
            if _HADOLINT_CODE.match(entry.rule):
                code = entry.rule.rsplit(".", 1)[1]
                code_rule = Rule(entry.rule, rule.level, f"hadolint's {code}.")
                shown.append(_listed(code_rule, entry.setting, levels.path, "hadolint's level"))
    return shown


def _listed(rule: Rule, setting: Setting | None, path: str, default: str | None = None) -> Rule:
    if setting is None or (setting == rule.level and default is None):
        return rule
    if setting == "off":
        return replace(rule, description=f"{rule.description} [{path}: off]")
    note = f"[{path}: {setting}; default {default or rule.level}]"
    return replace(rule, level=setting, description=f"{rule.description} {note}")
