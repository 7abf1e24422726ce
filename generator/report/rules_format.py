"""The rule catalogue (`--list-rules`): aligned text, or a Markdown table (the README's "Rules" section is this
table, kept equal by a test)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.findings import Rule


def text(rules: list[Rule]) -> str:
    return "".join(f"{rule.id:45} {rule.level:8} {rule.description}\n" for rule in rules)


def markdown(rules: list[Rule]) -> str:
    lines = ["| rule | level | what it checks |", "| --- | --- | --- |"]
    for rule in rules:
        description = rule.description.replace("|", "\\|")
        lines.append(f"| `{rule.id}` | {rule.level} | {description} |")
    return "\n".join(lines) + "\n"
