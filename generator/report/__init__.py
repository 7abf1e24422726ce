"""Every output format of lockstep, in one registry: findings (`validate`, `diff-api`), the rule catalogue
(`--list-rules`) and `status`. Each formatter turns records into text and does nothing else; the commands take
their `--format` (and `--report FORMAT=PATH`) choices from here.

A formatter's module is imported when its format is first used: the CLI lists the choices at every start
(`lockstep --version` included), and one run uses one or two formats of seven."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from generator.findings import Rule
    from generator.operations.status import Status
    from generator.report.record import Report

F = TypeVar("F", bound=Callable[..., str])


class Registry(Mapping[str, F], Generic[F]):
    """Format name -> renderer, from `{name: "module.function"}` (modules of this package)."""

    def __init__(self, entries: dict[str, str]) -> None:
        self._entries = entries

    def __getitem__(self, name: str) -> F:
        module, _, function = self._entries[name].rpartition(".")
        renderer: Any = getattr(importlib.import_module(f"{__name__}.{module}"), function)
        return renderer  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


FINDINGS: Registry[Callable[[Report], str]] = Registry(
    {
        "text": "text_format.render",
        "json": "json_format.render",
        "github": "github_format.render",
        "sarif": "sarif_format.render",
        "junit": "junit_format.render",
        "gitlab": "gitlab_format.render",
        "markdown": "markdown_format.render",
    }
)
RULES: Registry[Callable[[list[Rule]], str]] = Registry(
    {"text": "rules_format.text", "markdown": "rules_format.markdown"}
)
STATUS: Registry[Callable[[Status], str]] = Registry(
    {"text": "status_format.text", "json": "status_format.as_json", "markdown": "status_format.markdown"}
)

__all__ = ["FINDINGS", "RULES", "STATUS", "Registry"]
