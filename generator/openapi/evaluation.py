"""Does a schema accept a value? Answered for the values overlap.py builds, with JSON Schema's meaning of each
keyword: True only when every keyword of the schema (and of its allOf parts) is one evaluated here, False when a
keyword it holds rejects the value (whatever the others say: a keyword only ever narrows what a schema accepts),
None when that cannot be told.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any, NamedTuple

from generator.openapi import patterns
from generator.openapi.views import View, own, view
from generator.openapi.walk import Context, Node

DEPTH = 12
# Keywords that decide which values match: those evaluated here exactly, and the others. Any other keyword is an
# annotation (validators ignore keywords they do not know), and says nothing about values.
_EVALUATED = frozenset(
    (
        "type", "nullable", "properties", "required", "additionalProperties", "items", "enum", "const", "minimum",
        "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems",
        "minProperties", "maxProperties", "pattern", "multipleOf", "uniqueItems", "allOf", "oneOf", "anyOf", "not",
        "format",
    )
)  # fmt: skip
_NOT_EVALUATED = frozenset(
    (
        "if", "then", "else", "dependentRequired", "dependentSchemas", "dependencies", "prefixItems", "additionalItems",
        "contains", "minContains", "maxContains", "patternProperties", "propertyNames", "unevaluatedItems",
        "unevaluatedProperties", "contentMediaType", "contentEncoding", "contentSchema", "discriminator",
        "x-extensible-enum", "$ref", "$dynamicRef", "$recursiveRef",
    )
)  # fmt: skip
_OBJECT_WORDS = ("properties", "required", "patternProperties", "propertyNames", "dependentRequired")
_STRING_WORDS = ("minLength", "maxLength", "pattern")
_NUMBER_WORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def _text(pattern: str) -> Callable[[Any], bool]:
    compiled = re.compile(pattern)
    return lambda value: isinstance(value, str) and compiled.fullmatch(value) is not None


def _address(kind: type[ipaddress.IPv4Address | ipaddress.IPv6Address]) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        try:
            kind(value if isinstance(value, str) else "-")
        except ValueError:
            return False
        return True

    return check


def _integer(bits: int) -> Callable[[Any], bool]:
    return lambda value: kind_of(value) == "integer" and -(2 ** (bits - 1)) <= value < 2 ** (bits - 1)


def _calendar(text: Any) -> bool:
    try:
        datetime.date.fromisoformat(str(text)[:10])
    except ValueError:
        return False
    return True


_DATE, _TIME = r"\d{4}-\d{2}-\d{2}", r"\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})"
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DATE_TIME, _DAY = _text(f"{_DATE}[Tt]{_TIME}"), _text(_DATE)
_URI_CHARACTER = r"[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]"  # what RFC 3986 allows unescaped
_VARIABLE = r"[A-Za-z0-9_.%]+(:[0-9]+|\*)?"
_EXPRESSION = rf"\{{[+#./;?&=,!@|]?{_VARIABLE}(,{_VARIABLE})*\}}"  # RFC 6570


class Format(NamedTuple):
    """A `format` this module can check (strictly: a value it accepts, every validator accepts), with a value of
    it. A format only ever narrows what a schema accepts, and validators may not check it at all: a value that
    fails the check is not known to be rejected."""

    kind: str  # the kind of value it applies to
    check: Callable[[Any], bool]
    sample: Any


FORMATS = {
    "date-time": Format("string", lambda v: _DATE_TIME(v) and _calendar(v), "2020-01-01T00:00:00Z"),
    "date": Format("string", lambda v: _DAY(v) and _calendar(v), "2020-01-01"),
    "time": Format("string", _text(_TIME), "00:00:00Z"),
    "email": Format("string", _text(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+"), "a@example.com"),
    "uri": Format(
        "string", _text(r"[A-Za-z][A-Za-z0-9+.-]*://[A-Za-z0-9.-]+(/[A-Za-z0-9._~/-]*)?"), "https://example.com"
    ),
    "uri-reference": Format("string", _text(f"{_URI_CHARACTER}*"), "https://example.com"),
    "uri-template": Format("string", _text(f"({_URI_CHARACTER}|{_EXPRESSION})*"), "https://example.com"),
    "uuid": Format(
        "string", _text(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"), "00000000-0000-0000-0000-000000000000"
    ),
    "ipv4": Format("string", _address(ipaddress.IPv4Address), "127.0.0.1"),
    "ipv6": Format("string", _address(ipaddress.IPv6Address), "::1"),
    "hostname": Format("string", _text(f"{_LABEL}(\\.{_LABEL})*"), "example.com"),
    "byte": Format("string", _text(r"([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?"), ""),
    "binary": Format("string", lambda v: isinstance(v, str), ""),
    "password": Format("string", lambda v: isinstance(v, str), ""),
    "int32": Format("integer", _integer(32), 0),
    "int64": Format("integer", _integer(64), 0),
    "float": Format("number", lambda v: kind_of(v) in ("integer", "number"), 0),
    "double": Format("number", lambda v: kind_of(v) in ("integer", "number"), 0),
}


class Schema(NamedTuple):
    """A schema on one side of a comparison."""

    side: str
    node: Node


def kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "integer"
    if isinstance(value, float):
        return "number"
    kinds: dict[type, str] = {str: "string", list: "array", dict: "object"}
    return kinds.get(type(value), "unknown")


def _member(value: Any, values: tuple[Any, ...]) -> bool:
    """`value in values`, where true is not 1 (as JSON sees them)."""
    return any(value == v and isinstance(value, bool) == isinstance(v, bool) for v in values)


def meant_for(seen: View) -> frozenset[str] | None:
    """The kinds a schema is meant for: its types, else what its keywords describe; None: any value."""
    if seen.types is not None:
        return seen.types
    kinds = set()
    words = {*seen.limits, *seen.keywords}
    if seen.properties or seen.required or seen.additional is not True or any(w in words for w in _OBJECT_WORDS):
        kinds.add("object")
    if seen.items is not None or seen.items_closed or {"minItems", "maxItems", "prefixItems", "contains"} & words:
        kinds.add("array")
    if seen.pattern is not None or any(w in words for w in _STRING_WORDS):
        kinds.add("string")
    if any(w in words for w in _NUMBER_WORDS) or "multipleOf" in words:
        kinds.add("number")
    return frozenset(kinds) or None


def takes_null(seen: View) -> bool:
    return seen.nullable or (seen.types is None and seen.enum is None and meant_for(seen) is None)


def within_limits(value: float, limits: dict[str, Any]) -> bool | None:
    try:
        return (
            ("minimum" not in limits or value >= limits["minimum"])
            and ("maximum" not in limits or value <= limits["maximum"])
            and ("exclusiveMinimum" not in limits or value > limits["exclusiveMinimum"])
            and ("exclusiveMaximum" not in limits or value < limits["exclusiveMaximum"])
        )
    except TypeError:
        return None


def is_multiple(value: Any, of: Any) -> bool | None:
    try:
        return (Fraction(str(value)) / Fraction(str(of))).denominator == 1
    except (ValueError, ZeroDivisionError, TypeError):
        return None


class Evaluator:
    """Schemas on either side of a comparison, evaluated on values."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._exact: dict[tuple[str, int], bool] = {}

    def view(self, schema: Schema) -> View | None:
        return view(self.ctx, schema.side, schema.node)

    def exact(self, schema: Schema, depth: int = 0) -> bool:
        """True when every keyword of the schema (and of its allOf parts) is one evaluated here exactly."""
        key = (schema.side, id(schema.node.value))
        if key not in self._exact:
            self._exact[key] = False  # a schema that is its own allOf part is not evaluated
            self._exact[key] = self._evaluated(schema, depth)
        return self._exact[key]

    def _evaluated(self, schema: Schema, depth: int) -> bool:
        written = schema.node.value
        if isinstance(written, dict) and ("$ref" in written or "$dynamicRef" in written):
            beside = [k for k in written if k not in ("$ref", "$dynamicRef")]
            if any(k in _EVALUATED or k in _NOT_EVALUATED for k in beside):
                return False  # keywords beside a $ref (3.1) are not read by the view
        resolved = self.ctx.resolve(schema.side, schema.node)
        if resolved is None or depth > DEPTH:
            return False
        value = resolved.value
        if isinstance(value, bool):
            return True
        if not isinstance(value, dict):
            return False
        if any(k in _NOT_EVALUATED for k in value):
            return False
        return all(self.exact(part, depth + 1) for part in self.parts(Schema(schema.side, resolved)))

    def parts(self, schema: Schema) -> list[Schema]:
        """The allOf parts of a (resolved) schema: a value must match each."""
        listed = schema.node.value.get("allOf") if isinstance(schema.node.value, dict) else None
        found = [schema.node.child("allOf", i) for i in range(len(listed) if isinstance(listed, list) else 0)]
        return [Schema(schema.side, part) for part in found if part is not None]

    def accepts(self, schema: Schema, value: Any, depth: int = 0) -> bool | None:
        """True when the schema accepts `value` (every keyword evaluated); False when a keyword it holds rejects
        it (whatever the others say); None when that cannot be told."""
        if depth > DEPTH:
            return None
        resolved = self.ctx.resolve(schema.side, schema.node)
        if resolved is None:
            return None
        if isinstance(resolved.value, bool):
            return resolved.value
        seen = own(self.ctx, schema.side, resolved)
        if seen is None:
            return None
        verdicts = [self._check(schema.side, seen, value, depth)]
        if value is not None:  # null and allOf: the view reads 3.0's `nullable` beside an allOf as "or null"
            verdicts += [self.accepts(part, value, depth + 1) for part in self.parts(Schema(schema.side, resolved))]
        if False in verdicts:
            return False
        return True if None not in verdicts and self.exact(schema, depth) else None

    def _check(self, side: str, seen: View, value: Any, depth: int) -> bool | None:
        if value is None:
            if not takes_null(seen):
                return False
            # the view lets null through when any allOf part does: only a guess when there are parts
            return None if seen.variants or seen.negations or "allOf" in seen.node.value else True
        kind = kind_of(value)
        if seen.types is not None and kind not in seen.types and not (kind == "integer" and "number" in seen.types):
            return False
        if seen.enum is not None and not seen.extensible and not _member(value, seen.enum):
            return False
        verdicts = [self._kind_check(side, seen, kind, value, depth)]
        if seen.variants:
            verdicts.append(self._variants(side, seen, value, depth))
        for negation in seen.negations:
            matched = self.accepts(Schema(side, negation), value, depth + 1)
            verdicts.append(None if matched is None else not matched)
        if False in verdicts:
            return False
        return None if None in verdicts else True

    def _variants(self, side: str, seen: View, value: Any, depth: int) -> bool | None:
        found = [self.accepts(Schema(side, v), value, depth + 1) for v in seen.variants or ()]
        if seen.exclusive and found.count(True) > 1:
            return False
        if all(f is False for f in found):
            return False
        if seen.exclusive:
            return True if found.count(True) == 1 and None not in found else None
        return True if True in found else None

    def _kind_check(self, side: str, seen: View, kind: str, value: Any, depth: int) -> bool | None:
        verdict = self._kind_rules(side, seen, kind, value, depth)
        written = seen.keywords.get("format")
        if verdict is not True or written is None:
            return verdict
        known = FORMATS.get(written.value) if isinstance(written.value, str) else None
        if known is None:
            return None  # a format of its own: what it accepts is the API's secret
        applies = kind == known.kind or (known.kind == "number" and kind == "integer")
        return True if not applies or known.check(value) else None

    def _kind_rules(self, side: str, seen: View, kind: str, value: Any, depth: int) -> bool | None:
        limits, unknown = seen.limits, False
        if kind in ("integer", "number"):
            inside = within_limits(value, limits)
            if inside is not True:
                return inside
            of = seen.keywords.get("multipleOf")
            if of is not None:
                divides = is_multiple(value, of.value)
                if divides is not True:
                    return divides
            return True
        if kind == "string":
            size = len(value)
            if seen.pattern is not None and not patterns.accepts_all(seen.pattern):
                matched = patterns.search(seen.pattern, value)
                if matched is False:
                    return False
                unknown = matched is None
        elif kind == "array":
            size = len(value)
            unique = seen.keywords.get("uniqueItems")
            if unique is not None and unique.value is True and len({repr(item) for item in value}) < size:
                return False
            if seen.items_closed and value and "prefixItems" not in seen.keywords:
                return False  # `items: false` and no tuple: only the empty array
            if seen.items is not None and "prefixItems" not in seen.keywords:
                for item in value:
                    verdict = self.accepts(Schema(side, seen.items), item, depth + 1)
                    if verdict is False:
                        return False
                    unknown = unknown or verdict is None
        elif kind == "object":
            size = len(value)
            if not seen.required.issubset(value):
                return False
            free = "patternProperties" not in seen.keywords  # additionalProperties applies past the patterns
            for name, item in value.items():
                part = seen.properties.get(name)
                if part is None and seen.additional is False and free:
                    return False
                target = part if part is not None else seen.additional if isinstance(seen.additional, Node) else None
                if target is not None and (part is not None or free):
                    verdict = self.accepts(Schema(side, target), item, depth + 1)
                    if verdict is False:
                        return False
                    unknown = unknown or verdict is None
        else:
            return True
        keys = {"string": "Length", "array": "Items", "object": "Properties"}[kind]
        low, high = limits.get("min" + keys), limits.get("max" + keys)
        try:
            if (low is not None and size < low) or (high is not None and size > high):
                return False
        except TypeError:
            return None
        return None if unknown else True
