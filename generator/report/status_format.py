"""`lockstep status` as a terminal table, GitHub markdown, or JSON: the matrix, what waits and which gate holds it
until when, and each environment's last gate overrides."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from generator.freeze import format_instant
from generator.report.sanitize import markdown as cell

if TYPE_CHECKING:
    from generator.model import GateOverride
    from generator.operations.status import Status
    from generator.validators.gates import Hold

MISSING = "-"


def _table(status: Status) -> tuple[list[str], list[list[str]], list[list[str]]]:
    """Header, the platform-version row (none for the independent strategy), one row per service."""
    header = ["service", *(name for name, _ in status.environments)]
    platform = [["platform", *(version or MISSING for version in status.platform_versions)]]
    services = [[service, *(version or MISSING for version in row)] for service, row in status.rows]
    return header, platform if status.strategy != "independent" else [], services


def _hold(hold: Hold, clean: Callable[[str], str] = str) -> str:
    """`held by soak (opens 2026-11-29T12:00:00Z): <message>`; a gate that opens on an action (a record, a
    smaller change) has no time."""
    opens = f" (opens {format_instant(hold.opens)})" if hold.opens else ""
    return f"held by {hold.gate}{opens}: {clean(hold.message)}"


def _waiting(status: Status, clean: Callable[[str], str] = str) -> list[tuple[str, list[str]]]:
    """Each waiting move with the gates that hold it."""
    return [
        (f"{clean(w.environment)} <- {clean(w.upstream)}: {clean(w.what)}", [_hold(h, clean) for h in w.holds])
        for w in status.waiting
    ]


def _waiting_lines(status: Status) -> list[str]:
    if not status.waiting:
        return ["nothing waiting to be promoted"]
    return [
        "waiting:",
        *(line for move, held in _waiting(status) for line in [f"  {move}", *(f"    {h}" for h in held)]),
    ]


def moved(record: GateOverride) -> str:
    """What an override lets through: `platform 0.2.1`, or `service-a 0.2.1, service-b 0.3.0`."""
    if record.platform is not None:
        return f"platform {record.platform}"
    return ", ".join(f"{service} {version}" for service, version in record.services.items())


def _override(record: GateOverride, clean: Callable[[str], str] = str) -> str:
    """`freeze by Jane Doe <jane@example.com> at 2026-11-27T16:05:00Z for platform 0.2.1: "hotfix ..."`."""
    return (
        f"{clean(record.gate)} by {clean(record.by)} at {clean(record.at)} for {clean(moved(record))}: "
        f'"{clean(record.reason)}"'
    )


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
    lines += _waiting_lines(status)
    if status.overrides:
        lines += ["overrides:"]
        lines += [f"  {env}: {_override(record)}" for env, records in status.overrides for record in records]
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
    moves = _waiting(status, cell) or [("nothing waiting to be promoted", [])]
    waiting = "\n".join(line for move, held in moves for line in [f"- {move}", *(f"  - {h}" for h in held)])
    overrides = "\n".join(
        f"- {cell(env)}: {_override(record, cell)}" for env, records in status.overrides for record in records
    )
    overridden = f"\n**Gate overrides**\n\n{overrides}\n" if overrides else ""
    lines = f"\n**Release lines**: {cell(_lines(status))}\n" if status.lines else ""
    title = f"{cell(status.platform)} ({cell(status.strategy)})"
    return f"### {title}\n\n{table}\n\n**Waiting to be promoted**\n\n{waiting}\n{overridden}{lines}"


def _hold_data(hold: Hold) -> dict[str, Any]:
    return {
        "gate": hold.gate,
        "subject": hold.subject,
        "message": hold.message,
        "opens": format_instant(hold.opens) if hold.opens else None,
    }


def as_json(status: Status) -> str:
    overrides = dict(status.overrides)
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
                        "overrides": [record.as_data() for record in overrides.get(name, ())],
                    }
                    for index, ((name, mode), version) in enumerate(
                        zip(status.environments, status.platform_versions, strict=True)
                    )
                ],
                "waiting": [
                    {
                        "environment": w.environment,
                        "from": w.upstream,
                        "what": w.what,
                        "holds": [_hold_data(hold) for hold in w.holds],
                    }
                    for w in status.waiting
                ],
                "releaseLines": [{"branch": branch, "platform": version} for branch, version in status.lines],
            },
            indent=2,
        )
        + "\n"
    )
