"""The rule catalogue as a Markdown table (the README's "Rules" section is this, kept equal by a test)."""

from __future__ import annotations

from generator.findings import Rule


def render(rules: list[Rule]) -> str:
    lines = ["| rule | level | what it checks |", "| --- | --- | --- |"]
    for rule in rules:
        description = rule.description.replace("|", "\\|")
        lines.append(f"| `{rule.id}` | {rule.level} | {description} |")
    return "\n".join(lines) + "\n"
