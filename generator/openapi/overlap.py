"""Do two alternatives of a `oneOf` overlap (some value matches both, so it matches not exactly one and is
rejected)? Decided only when it can be shown: the alternatives are the same schema, or the smallest value one of
them accepts (an object with just its required properties, each the smallest value of its own schema; an empty
array; the shortest string; a number in range) is accepted by the other. Any keyword this module does not
evaluate leaves the pair undecided, and an undecided pair is not reported.
"""

from __future__ import annotations

from typing import Any

from generator.openapi import patterns
from generator.openapi.views import View, view
from generator.openapi.walk import Context, Node

_NOTHING = object()
_DEPTH = 12
# Keywords whose effect on a value is evaluated here (or that say nothing about which values match).
_EVALUATED = frozenset(
    (
        "type", "nullable", "properties", "required", "additionalProperties", "items", "enum", "const", "minimum",
        "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems",
        "minProperties", "maxProperties", "pattern", "allOf", "$ref", "title", "description", "example", "examples",
        "default", "deprecated", "readOnly", "writeOnly", "xml", "externalDocs", "$comment", "$id", "$schema",
    )
)  # fmt: skip


class Judge:
    """Overlap of alternatives on one side of a comparison."""

    def __init__(self, ctx: Context, side: str) -> None:
        self.ctx, self.side = ctx, side

    def overlap(self, a: Node, b: Node) -> bool:
        first, second = self.ctx.resolve(self.side, a), self.ctx.resolve(self.side, b)
        if first is None or second is None:
            return False
        if first.value == second.value and first.source is second.source:
            return True
        for x, y in ((first, second), (second, first)):
            value = self._example(x, 0)
            if value is not _NOTHING and self._accepts(x, value, 0) is True and self._accepts(y, value, 0) is True:
                return True
        return False

    def _plain(self, node: Node, depth: int) -> View | None:
        """The effective view, when every keyword of the schema and its allOf parts is one evaluated here."""
        if depth > _DEPTH:
            return None
        resolved = self.ctx.resolve(self.side, node)
        if resolved is None or not isinstance(resolved.value, dict) or not _EVALUATED.issuperset(resolved.value):
            return None
        for index in range(len(resolved.value.get("allOf") or [])):
            part = resolved.child("allOf", index)
            if part is None or self._plain(part, depth + 1) is None:
                return None
        seen = view(self.ctx, self.side, resolved)
        return seen if seen is not None and seen.variants is None else None

    def _example(self, node: Node, depth: int) -> Any:
        seen = self._plain(node, depth)
        if seen is None:
            return _NOTHING
        if seen.enum:
            return seen.enum[0]
        kinds = seen.types if seen.types is not None else frozenset({"object"} if seen.properties else {"string"})
        if "object" in kinds:
            found: dict[str, Any] = {}
            for name in sorted(seen.required):
                part = seen.properties.get(name)
                found[name] = self._example(part, depth + 1) if part is not None else 0
                if found[name] is _NOTHING:
                    return _NOTHING
            return found
        if "array" in kinds:
            count = seen.limits.get("minItems", 0)
            if not count:
                return []
            item = self._example(seen.items, depth + 1) if seen.items is not None else 0
            return _NOTHING if item is _NOTHING or not isinstance(count, int) else [item] * count
        if "string" in kinds:
            length = seen.limits.get("minLength", 0)
            return "a" * length if isinstance(length, int) and seen.pattern is None else _NOTHING
        for kind in ("integer", "number"):
            if kind in kinds:
                for candidate in (0, seen.limits.get("minimum"), seen.limits.get("maximum")):
                    if candidate is not None and self._accepts(node, candidate, depth) is True:
                        return candidate
                return _NOTHING
        return False if "boolean" in kinds else _NOTHING

    def _accepts(self, node: Node, value: Any, depth: int) -> bool | None:
        """True or False when decided; None when a keyword here cannot be evaluated."""
        seen = self._plain(node, depth)
        if seen is None:
            return None
        if value is None:
            return seen.nullable
        kind = _kind(value)
        if seen.types is not None and kind not in seen.types and not (kind == "integer" and "number" in seen.types):
            return False
        if seen.enum is not None and value not in seen.enum:
            return False
        limits = seen.limits
        if kind in ("integer", "number"):
            return _within(value, limits)
        if kind == "string":
            size: Any = len(value)
            if seen.pattern is not None and not patterns.accepts_all(seen.pattern):
                matched = patterns.search(seen.pattern, value)
                if matched is not True:
                    return matched
        elif kind == "array":
            size = len(value)
            for item in value:
                verdict = self._accepts(seen.items, item, depth + 1) if seen.items is not None else True
                if verdict is not True:
                    return verdict
        elif kind == "object":
            size = len(value)
            if not seen.required.issubset(value):
                return False
            for name, item in value.items():
                part = seen.properties.get(name)
                extra = seen.additional
                if part is None and extra is False:
                    return False
                target = part if part is not None else extra if isinstance(extra, Node) else None
                verdict = self._accepts(target, item, depth + 1) if target is not None else True
                if verdict is not True:
                    return verdict
        else:
            return True
        keys = {"string": "Length", "array": "Items", "object": "Properties"}[kind]
        low, high = limits.get("min" + keys), limits.get("max" + keys)
        return (low is None or size >= low) and (high is None or size <= high)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "integer"
    if isinstance(value, float):
        return "number"
    kinds: dict[type, str] = {str: "string", list: "array", dict: "object"}
    return kinds.get(type(value), "unknown")


def _within(value: float, limits: dict[str, Any]) -> bool | None:
    try:
        return (
            ("minimum" not in limits or value >= limits["minimum"])
            and ("maximum" not in limits or value <= limits["maximum"])
            and ("exclusiveMinimum" not in limits or value > limits["exclusiveMinimum"])
            and ("exclusiveMaximum" not in limits or value < limits["exclusiveMaximum"])
        )
    except TypeError:
        return None


def overlaps(ctx: Context, side: str, alternatives: list[Node]) -> list[tuple[int, int]]:
    """The pairs of alternatives (by index) shown to overlap."""
    judge = Judge(ctx, side)
    return [
        (i, j)
        for i in range(len(alternatives))
        for j in range(i + 1, len(alternatives))
        if judge.overlap(alternatives[i], alternatives[j])
    ]
