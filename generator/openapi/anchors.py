"""Plain-name fragments (`#pet`): where a file defines them (`$anchor: pet`, `$dynamicAnchor: pet`), in which
schema resource (the nearest `$id` around them), and the resources a node is inside. Read from a file's data
alone; loader.locate uses them to resolve a ref, walk.py to follow a `$dynamicRef` through its dynamic scope.
"""

from __future__ import annotations

from typing import Any, NamedTuple
from urllib.parse import unquote

Pointer = tuple[str, ...]
# Where the anchors of a file are looked for: not inside values (an `example` may hold any keys), but in every
# mapping of names (a property may be called `example`).
_VALUES = frozenset(("example", "examples", "enum", "const", "default"))
_NAMES = frozenset(
    (
        "properties", "patternProperties", "dependentSchemas", "$defs", "definitions", "schemas", "responses", "paths",
        "webhooks", "callbacks", "headers", "content", "parameters", "requestBodies",
    )
)  # fmt: skip


class Anchor(NamedTuple):
    """A plain-name fragment a schema defines (`$anchor: node`, or `$dynamicAnchor: node`)."""

    pointer: Pointer
    resource: Pointer  # the schema resource it belongs to: its nearest enclosing `$id` (() for the file itself)
    dynamic: bool


def anchor_name(ref: str) -> str | None:
    """The plain-name fragment of a ref (`#node`, `other.yaml#node`); None for a JSON pointer or none."""
    fragment = unquote(ref.partition("#")[2])
    return fragment if fragment and not fragment.startswith("/") else None


def anchors_in(data: Any) -> dict[str, list[Anchor]]:
    """Every plain name the data define, each with where it is defined, in document order."""
    found: dict[str, list[Anchor]] = {}
    stack: list[tuple[Any, Pointer, Pointer, bool]] = [(data, (), (), False)]  # value, pointer, resource, names
    while stack:
        value, pointer, resource, names = stack.pop()
        if isinstance(value, list):
            stack.extend((item, (*pointer, str(i)), resource, False) for i, item in reversed(list(enumerate(value))))
            continue
        if not isinstance(value, dict):
            continue
        if not names:
            if isinstance(value.get("$id"), str) and pointer:
                resource = pointer
            for keyword, dynamic in (("$anchor", False), ("$dynamicAnchor", True)):
                if isinstance(value.get(keyword), str):
                    found.setdefault(value[keyword], []).append(Anchor(pointer, resource, dynamic))
        for key, item in reversed(list(value.items())):
            if isinstance(item, (dict, list)) and (names or key not in _VALUES):
                stack.append((item, (*pointer, str(key)), resource, not names and key in _NAMES))
    return found


def resources_of(data: Any, pointer: Pointer) -> list[Pointer]:
    """The schema resources the node at `pointer` is inside, outermost first: the file itself, and every
    ancestor (or the node itself) with an `$id`."""
    found: list[Pointer] = [()]
    for depth, token in enumerate(pointer):
        if isinstance(data, dict):
            data = data.get(token)
        elif isinstance(data, list) and token.isdigit() and int(token) < len(data):
            data = data[int(token)]
        else:
            break
        if isinstance(data, dict) and isinstance(data.get("$id"), str):
            found.append(pointer[: depth + 1])
    return found
