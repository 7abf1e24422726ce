"""Every output format of lockstep, in one registry: findings (`validate`, `diff-api`), the rule catalogue
(`--list-rules`) and `status`. Each formatter turns records into text and does nothing else; the commands take
their `--format` (and `--report FORMAT=PATH`) choices from here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from generator.report import (
    github_format,
    gitlab_format,
    json_format,
    junit_format,
    markdown_format,
    rules_format,
    sarif_format,
    status_format,
    text_format,
)
from generator.report.record import Context, Report

if TYPE_CHECKING:
    from generator.findings import Rule
    from generator.operations.status import Status

FINDINGS: dict[str, Callable[[Report], str]] = {
    "text": text_format.render,
    "json": json_format.render,
    "github": github_format.render,
    "sarif": sarif_format.render,
    "junit": junit_format.render,
    "gitlab": gitlab_format.render,
    "markdown": markdown_format.render,
}
RULES: dict[str, Callable[[list[Rule]], str]] = {"text": rules_format.text, "markdown": rules_format.markdown}
STATUS: dict[str, Callable[[Status], str]] = {
    "text": status_format.text,
    "json": status_format.as_json,
    "markdown": status_format.markdown,
}

__all__ = ["FINDINGS", "RULES", "STATUS", "Context", "Report"]
