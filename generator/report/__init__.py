"""One formatter per output format; each turns findings into text and does nothing else."""

from __future__ import annotations

from importlib import import_module

from generator.findings import Finding

FORMATS: tuple[str, ...] = ("text", "json", "github", "markdown")


def render(findings: list[Finding], fmt: str) -> str:
    module = import_module(f"generator.report.{fmt}_format")
    return module.render(findings)
