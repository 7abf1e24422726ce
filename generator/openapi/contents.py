"""What a value says, as a number: equal content (mappings compared without order, `true` apart from 1) is one
number, whatever object holds it. walk.Context.meaning uses it to know a oneOf's alternatives by the values they
accept (descriptions and examples aside), so a pair of alternatives the base had already is not reported again.
"""

from __future__ import annotations

from typing import Any

_ANNOTATIONS = frozenset(
    ("description", "title", "example", "examples", "default", "deprecated", "externalDocs", "$comment", "xml")
)
_NAMES = frozenset(("properties", "patternProperties", "dependentSchemas", "$defs", "definitions"))
_EXAMPLES = frozenset(("example", "examples"))


def _meaningful(value: Any, names: bool = False) -> Any:
    """A copy of a schema without its annotations (a mapping of names keeps every name)."""
    if isinstance(value, list):
        return [_meaningful(item) for item in value]
    if not isinstance(value, dict):
        return value
    return {
        key: _meaningful(item, not names and key in _NAMES)
        for key, item in value.items()
        if names or not (key in _ANNOTATIONS or (isinstance(key, str) and key.startswith("x-")))
    }


class Contents:
    """Numbers for contents, interned: each mapping or list is read once (and kept, so that its id, by which it
    is remembered, is never another object's)."""

    def __init__(self) -> None:
        self._numbers: dict[int, tuple[int, Any]] = {}  # id of a mapping or list -> (its number, the object)
        self._interned: dict[Any, int] = {}
        self._meanings: dict[int, tuple[Any, int]] = {}  # id of a schema -> (the schema, `meaning`)

    def of(self, value: Any) -> int:
        """A number per distinct content (mappings compared without order), the same for equal copies. A schema's
        `example` and `examples` are not read (no comparison reads them, and they are most of a large schema)."""
        if not isinstance(value, (dict, list)):  # a boolean schema, or a value that is no schema
            return self._interned.setdefault(self._token(value), len(self._interned))
        known = self._numbers.get(id(value))
        if known is not None:
            return known[0]
        stack: list[tuple[Any, bool, bool]] = [(value, False, False)]  # (value, ready, a mapping of names)
        while stack:
            item, ready, names = stack.pop()
            if id(item) in self._numbers:
                continue
            if not ready:
                stack.append((item, True, names))
                if isinstance(item, dict):
                    stack.extend(
                        (child, False, not names and key in _NAMES)
                        for key, child in item.items()
                        if isinstance(child, (dict, list)) and (names or key not in _EXAMPLES)
                    )
                else:
                    stack.extend((child, False, False) for child in item if isinstance(child, (dict, list)))
                continue
            if isinstance(item, dict):
                key: Any = frozenset(
                    (name, self._token(child)) for name, child in item.items() if names or name not in _EXAMPLES
                )
            else:
                key = tuple(self._token(child) for child in item)
            self._numbers[id(item)] = (self._interned.setdefault(key, len(self._interned)), item)
        return self._numbers[id(value)][0]

    def _token(self, value: Any) -> Any:
        if isinstance(value, dict):
            return ("{}", self._numbers[id(value)][0])
        if isinstance(value, list):
            return ("[]", self._numbers[id(value)][0])
        try:
            hash(value)
        except TypeError:  # a YAML !!set
            return ("?", repr(value))
        return ("", type(value) is bool, value)  # True is not 1

    def meaning(self, value: Any) -> int:
        """The number of a schema without its annotations: two that differ only there accept the same values."""
        if id(value) not in self._meanings:
            self._meanings[id(value)] = (value, self.of(_meaningful(value)))
        return self._meanings[id(value)][1]
