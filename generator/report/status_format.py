"""`lockstep status` as a terminal table, GitHub markdown, or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from generator.report.sanitize import markdown as cell

if TYPE_CHECKING:
    from generator.operations.status import Status

MISSING = "-"


def _table(status: Status) -> tuple[list[str], list[list[str]], list[list[str]]]:
    """Header, the platform-version row (none for the independent strategy), one row per service."""
    header = ["service", *(name for name, _ in status.environments)]
    platform = [["platform", *(version or MISSING for version in status.platform_versions)]]
    services = [[service, *(version or MISSING for version in row)] for service, row in status.rows]
    return header, platform if status.strategy != "independent" else [], services


def _waiting_lines(status: Status, clean: Callable[[str], str] = str) -> list[str]:
    if not status.waiting:
        return ["nothing waiting to be promoted"]
    return [f"{clean(w.environment)} <- {clean(w.upstream)}: {clean(w.what)}" for w in status.waiting]


def _lines(status: Status) -> str:
    return ", ".join(f"{branch} at platform {version}" for branch, version in status.lines)


def text(status: Status) -> str:
    header, platform, services = _table(status)
    modes = ["mode", *(mode for _, mode in status.environments)]
    widths = [max(len(row[i]) for row in [header, modes, *platform, *services]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "│ " + " │ ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)) + " │"

    def rule(left: str, middle: str, right: str) -> str:
        return left + middle.join("─" * (width + 2) for width in widths) + right

    lines = [f"{status.platform} ({status.strategy})", rule("┌", "┬", "┐"), line(header), line(modes)]
    for block in (platform, services):
        if block:
            lines += [rule("├", "┼", "┤"), *map(line, block)]
    lines.append(rule("└", "┴", "┘"))
    waiting = _waiting_lines(status)
    lines += ["waiting:", *(f"  {w}" for w in waiting)] if status.waiting else waiting
    lines += [f"release lines: {_lines(status)}"] if status.lines else []
    return "\n".join(lines) + "\n"


def markdown(status: Status) -> str:
    """GitHub markdown; every name and version from the repository's files goes through `sanitize.markdown` (a
    pull request can put anything in them, and this table ends up in its comment)."""
    header, platform, services = _table(status)
    modes = ["*mode*", *(f"*{cell(mode)}*" for _, mode in status.environments)]
    bold = [[f"**{cell(value)}**" for value in row] for row in platform]
    rows = [list(map(cell, header)), ["---"] * len(header), modes, *bold, *(list(map(cell, row)) for row in services)]
    table = "\n".join("| " + " | ".join(row) + " |" for row in rows)
    waiting = "\n".join(f"- {line}" for line in _waiting_lines(status, cell))
    lines = f"\n**Release lines**: {cell(_lines(status))}\n" if status.lines else ""
    title = f"{cell(status.platform)} ({cell(status.strategy)})"
    return f"### {title}\n\n{table}\n\n**Waiting to be promoted**\n\n{waiting}\n{lines}"


def as_json(status: Status) -> str:
    return (
        json.dumps(
            {
                "platform": status.platform,
                "strategy": status.strategy,
                "environments": [
                    {
                        "name": name,
                        "mode": mode,
                        "platform": version,
                        "services": {service: row[index] for service, row in status.rows if row[index] is not None},
                    }
                    for index, ((name, mode), version) in enumerate(
                        zip(status.environments, status.platform_versions, strict=True)
                    )
                ],
                "waiting": [{"environment": w.environment, "from": w.upstream, "what": w.what} for w in status.waiting],
                "releaseLines": [{"branch": branch, "platform": version} for branch, version in status.lines],
            },
            indent=2,
        )
        + "\n"
    )
