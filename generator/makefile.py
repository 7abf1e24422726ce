"""What lockstep reads in a service's Makefile: the default port (`PORT ?= 8080`) that `make run` uses."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PORT = re.compile(r"^PORT\s*[?:]?=\s*([^\s#]+)\s*(?:#.*)?$", re.M)


@dataclass(frozen=True)
class DefaultPort:
    value: str  # as written: `8080`, or `$(X)` when it is not a number
    line: int


def default_port(text: str) -> DefaultPort | None:
    match = _PORT.search(text)
    if match is None:
        return None
    return DefaultPort(match.group(1), text.count("\n", 0, match.start()) + 1)
