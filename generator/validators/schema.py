"""Rule family `schema`: strict YAML and the JSON Schemas of every lockstep file."""

from __future__ import annotations

from collections.abc import Iterable

from generator.findings import Finding, Rule
from generator.repository import Repo

RULES: tuple[Rule, ...] = (
    Rule("yaml.syntax", "error", "The file is valid YAML (no tabs in indentation, balanced brackets, ...)."),
    Rule("yaml.duplicate-key", "error", "No key appears twice in one mapping."),
    Rule("yaml.ambiguous-boolean", "error", "No YAML 1.1 booleans such as yes/no/on/off: write true/false."),
    Rule("yaml.ambiguous-number", "error", "No YAML 1.1 octal or sexagesimal numbers such as 0755 or 22:22."),
    Rule("yaml.alias", "error", "No anchors, aliases or merge keys: every value is written out."),
    Rule("yaml.key", "error", "Every key is a plain string."),
    Rule("yaml.multiple-documents", "error", "One YAML document per file."),
    Rule("yaml.empty", "error", "The file is not empty."),
    Rule("yaml.unreadable", "error", "The file can be read as UTF-8 text."),
    Rule("yaml.too-large", "error", "The file is smaller than 4 MiB."),
    Rule("schema.unknown-key", "error", "Only the keys the schema names are used."),
    Rule("schema.missing-key", "error", "Every required key is present."),
    Rule("schema.invalid-name", "error", "Names of services and environments are DNS-1123 labels."),
    Rule("schema.invalid-value", "error", "Every value has the type, format and range the schema says."),
    Rule("schema.unquoted-number", "error", "Versions and other text that look like numbers are quoted."),
)


def check(repo: Repo) -> Iterable[Finding]:
    """Loading the repository already parsed and schema-checked every file; report what it found."""
    return list(repo.problems)
