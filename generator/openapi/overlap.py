"""Do two schemas have a value in common? Asked of the alternatives of a request `oneOf` (a value that matches two
of them matches not exactly one, and is rejected), and of a `not` added to a request or removed from a response
(the values it matches are now rejected, or were excluded before).

Three answers, never a guess:
- **shown to overlap**: a value both accept. Candidates are built from each schema (its enum values, null, the
  smallest value of each kind it is meant for: an object with its required properties, the shortest string its
  pattern and lengths allow, a number in range), and from one schema's object with the other's required
  properties added; a candidate counts only when both schemas are evaluated on it and accept it, so a candidate
  built wrongly loses a decision and never makes one.
- **shown disjoint**: no value can match both, for a reason read off the schemas: no kind in common, enum values
  the other rejects, a required property the other forbids or whose schemas are themselves disjoint, ranges
  (lengths, counts, numbers) that do not meet. Keywords not read here only narrow a schema further, so they
  cannot undo a disjointness shown without them.
- **undecided**: neither could be shown (a keyword this module does not evaluate, such as `format` or a
  lookahead in a pattern, stands in the way). The caller says so with a warning, never an error.

Values are judged within the kinds a schema is meant for: its `type`, or with no `type` the kinds its keywords
describe (`properties` an object, `items` an array, `maxLength` or `pattern` a string, `maximum` a number); a schema
with neither is meant for any value. JSON Schema applies `properties` to objects only, so a schema of properties
with no `type` accepts every string as well; no client sends one, and such values are not counted.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from generator.findings import excerpt
from generator.openapi import patterns
from generator.openapi.evaluation import (
    DEPTH,
    FORMATS,
    Evaluator,
    Schema,
    is_multiple,
    kind_of,
    meant_for,
    takes_null,
    within_limits,
)
from generator.openapi.views import View, own, view
from generator.openapi.walk import Context, Node

_NOTHING = object()
_KINDS = ("object", "array", "string", "integer", "number", "boolean")


class Verdict(NamedTuple):
    overlap: bool | None  # True: shown to overlap; False: shown disjoint; None: undecided
    witness: Any = None  # with True: a value both accept
    same: bool = False  # with True: the two are one schema (a value of it may not have been built)

    def shown(self) -> str:
        """The witness as JSON, as a message may quote it."""
        return excerpt(json.dumps(self.witness, sort_keys=True, default=str))


def _common(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """The kinds in both (an integer is a number); None is every kind."""
    if a is None or b is None:
        return b if a is None else a
    found = set(a & b)
    if ("integer" in a and "number" in b) or ("integer" in b and "number" in a):
        found.add("integer")
    return frozenset(found)


def _bounds(seen: View, low: str, high: str) -> tuple[Any, Any]:
    return seen.limits.get(low), seen.limits.get(high)


def _apart(a: tuple[Any, Any], b: tuple[Any, Any]) -> bool:
    """Two inclusive ranges (None: open) that do not meet."""
    try:
        return (a[1] is not None and b[0] is not None and a[1] < b[0]) or (
            b[1] is not None and a[0] is not None and b[1] < a[0]
        )
    except TypeError:
        return False


def _number_range(seen: View) -> tuple[tuple[Any, bool], tuple[Any, bool]]:
    """((lowest, strict), (highest, strict)) of a number."""
    limits = seen.limits
    low = (limits["exclusiveMinimum"], True) if "exclusiveMinimum" in limits else (limits.get("minimum"), False)
    high = (limits["exclusiveMaximum"], True) if "exclusiveMaximum" in limits else (limits.get("maximum"), False)
    return low, high


def _numbers_apart(a: View, b: View) -> bool:
    for x, y in ((a, b), (b, a)):
        (_, _), (high, strict_high) = _number_range(x)
        (low, strict_low), _ = _number_range(y)
        try:
            if high is not None and low is not None and (high < low or (high == low and (strict_high or strict_low))):
                return True
        except TypeError:
            continue
    return False


class Judge(Evaluator):
    """Overlap of schemas, each on its side of the comparison. `null=False`: the values in question are never
    null (a parameter written as text), so null is not a value in common."""

    def __init__(self, ctx: Context, *, null: bool = True) -> None:
        super().__init__(ctx)
        self.null = null
        self._made: dict[tuple[str, int, frozenset[str] | None], list[Any]] = {}

    # --- the question --------------------------------------------------------------------------
    def overlap(self, a: Schema, b: Schema, within: frozenset[str] | None = None) -> Verdict:
        """Do `a` and `b` accept a value in common (of the kinds in `within`, None: any)?"""
        first, second = self.ctx.resolve(a.side, a.node), self.ctx.resolve(b.side, b.node)
        if first is None or second is None:
            return Verdict(False)  # a broken $ref is its own finding
        if a.side == b.side and self.ctx.same_content(a.side, first, b.side, second):
            return Verdict(True, same=True)
        for x, y in ((a, b), (b, a)):
            for value in self._candidates(x, y, within):
                if self.accepts(x, value) is True and self.accepts(y, value) is True:
                    return Verdict(True, value)
        if self.disjoint(a, b, 0, within):
            return Verdict(False)
        return Verdict(None)

    def _candidates(self, x: Schema, y: Schema, within: frozenset[str] | None) -> list[Any]:
        """Values `x` may accept: its own, and its objects with the properties `y` requires added."""
        values = self._examples(x, 0, within)
        mine, theirs = self.view(x), self.view(y)
        if mine is None or theirs is None or not theirs.required:
            return values
        extended = []
        for value in values:
            if not isinstance(value, dict) or theirs.required.issubset(value):
                continue
            added = dict(value)
            for name in sorted(theirs.required - set(value)):
                part = Schema(x.side, mine.properties[name]) if name in mine.properties else None
                if part is None and name in theirs.properties:
                    part = Schema(y.side, theirs.properties[name])
                added[name] = self._accepted(part, 1) if part is not None else 0
                if added[name] is _NOTHING:
                    break
            else:
                extended.append(added)
        return values + extended

    # --- candidates -----------------------------------------------------------------------------
    def _examples(self, schema: Schema, depth: int, within: frozenset[str] | None) -> list[Any]:
        """Values the schema may accept (unchecked), of the kinds in `within` (None: any), at most a dozen."""
        key = (schema.side, id(schema.node.value), within)
        if key not in self._made:
            self._made[key] = []  # a schema that requires itself has no finite value: none is built
            self._made[key] = self._build(schema, depth, within)
        return self._made[key]

    def _build(self, schema: Schema, depth: int, within: frozenset[str] | None) -> list[Any]:
        if depth > DEPTH:
            return []
        resolved = self.ctx.resolve(schema.side, schema.node)
        if resolved is None or resolved.value is False:
            return []
        seen = view(self.ctx, schema.side, resolved) if isinstance(resolved.value, dict) else None
        if seen is None:
            return [0, "", {}, []] if resolved.value is True or resolved.value == {} else []
        found: list[Any] = []
        if seen.enum is not None:
            found += [v for v in seen.enum[:6] if within is None or _common(frozenset({kind_of(v)}), within)]
        if seen.nullable and self.null:
            found.append(None)
        if seen.enum is None or seen.extensible:
            kinds = _common(meant_for(seen), within)
            for kind in _KINDS if kinds is None else [k for k in _KINDS if k in kinds]:
                value = self._smallest(schema.side, seen, kind, depth)
                if value is not _NOTHING:
                    found.append(value)
        for variant in (seen.variants or [])[:4]:
            found += self._examples(Schema(schema.side, variant), depth + 1, within)[:2]
        unique: dict[str, Any] = {}
        for value in found:
            unique.setdefault(repr(value), value)
        return list(unique.values())[:12]

    def _accepted(self, schema: Schema, depth: int) -> Any:
        """A value of the schema's that it accepts, else the first one built, else _NOTHING."""
        values = self._examples(schema, depth, None)
        return next((v for v in values if self.accepts(schema, v) is True), values[0] if values else _NOTHING)

    def _smallest(self, side: str, seen: View, kind: str, depth: int) -> Any:
        limits = seen.limits
        if kind == "object":
            found: dict[str, Any] = {}
            for name in sorted(seen.required):
                part = seen.properties.get(name)
                if part is None and isinstance(seen.additional, Node):
                    part = seen.additional
                value = self._accepted(Schema(side, part), depth + 1) if part is not None else 0
                if value is _NOTHING:
                    return _NOTHING
                found[name] = value
            return found
        if kind == "array":
            count = limits.get("minItems", 0)
            if not count:
                return []
            item = self._accepted(Schema(side, seen.items), depth + 1) if seen.items is not None else 0
            return [item] * count if item is not _NOTHING and isinstance(count, int) and count < 64 else _NOTHING
        if kind == "string":
            low, high = limits.get("minLength", 0), limits.get("maxLength")
            if not isinstance(low, int) or low > 1024:
                return _NOTHING
            written = seen.keywords.get("format")
            known = FORMATS.get(written.value) if written is not None and isinstance(written.value, str) else None
            if known is not None and known.kind == "string":
                return known.sample  # checked against the rest of the schema by the caller
            if seen.pattern is None or patterns.accepts_all(seen.pattern):
                return "a" * low
            for text in patterns.examples(seen.pattern):
                if len(text) >= low and (high is None or len(text) <= high):
                    return text
            return _NOTHING
        if kind in ("integer", "number"):
            step = seen.keywords.get("multipleOf")
            candidates = [0, *(limits.get(k) for k in ("minimum", "maximum"))]
            for key, shift in (("exclusiveMinimum", 1), ("exclusiveMaximum", -1)):
                if isinstance(limits.get(key), (int, float)):
                    candidates.append(limits[key] + shift)
            for candidate in candidates:
                if isinstance(candidate, (int, float)) and not isinstance(candidate, bool):
                    divides = True if step is None else is_multiple(candidate, step.value)
                    if within_limits(candidate, limits) is True and divides is True:
                        return candidate
            return _NOTHING
        return False if kind == "boolean" else _NOTHING

    # --- disjointness ----------------------------------------------------------------------------
    def disjoint(self, a: Schema, b: Schema, depth: int, within: frozenset[str] | None = None) -> bool:
        """True when no value (of the kinds in `within`) can match both."""
        if depth > DEPTH:
            return False
        first, second = self.ctx.resolve(a.side, a.node), self.ctx.resolve(b.side, b.node)
        if first is None or second is None:
            return False
        if first.value is False or second.value is False:
            return True
        va = view(self.ctx, a.side, first) if isinstance(first.value, dict) else None
        vb = view(self.ctx, b.side, second) if isinstance(second.value, dict) else None
        if va is None or vb is None:
            return False
        for x, y, alternatives in ((a, b, va.variants), (b, a, vb.variants)):
            if alternatives and all(self.disjoint(Schema(x.side, v), y, depth + 1, within) for v in alternatives):
                return True
        if self.null and takes_null(va) and takes_null(vb):
            return False
        kinds = _common(_common(meant_for(va), meant_for(vb)), within)
        return all(self._kind_disjoint(a, va, b, vb, kind, depth) for kind in (_KINDS if kinds is None else kinds))

    def _kind_disjoint(self, a: Schema, va: View, b: Schema, vb: View, kind: str, depth: int) -> bool:
        for vx, y in ((va, b), (vb, a)):
            if vx.enum is not None and not vx.extensible:
                mine = [v for v in vx.enum if kind_of(v) == kind or (kind == "number" and kind_of(v) == "integer")]
                if all(self.accepts(y, v) is False for v in mine):
                    return True
        if kind == "object":
            return self._objects_disjoint(a, va, b, vb, depth)
        if kind == "array":
            if _apart(_bounds(va, "minItems", "maxItems"), _bounds(vb, "minItems", "maxItems")):
                return True
            both = va.items is not None and vb.items is not None and not {"prefixItems"} & {*va.keywords, *vb.keywords}
            filled = va.limits.get("minItems", 0) or vb.limits.get("minItems", 0)
            return bool(both and filled and self._disjoint_parts(a, va.items, b, vb.items, depth))
        if kind == "string":
            return _apart(_bounds(va, "minLength", "maxLength"), _bounds(vb, "minLength", "maxLength"))
        if kind in ("integer", "number"):
            return _numbers_apart(va, vb)
        return False

    def _objects_disjoint(self, a: Schema, va: View, b: Schema, vb: View, depth: int) -> bool:
        if _apart(_bounds(va, "minProperties", "maxProperties"), _bounds(vb, "minProperties", "maxProperties")):
            return True
        for x, vx, y, vy in ((a, va, b, vb), (b, vb, a, va)):
            free = "patternProperties" not in vy.keywords
            for name in sorted(vx.required):
                theirs = self._property(y, name)
                if not theirs and free and vy.additional is False:
                    return True  # required on one side, refused on the other
                if not theirs and free and isinstance(vy.additional, Node):
                    theirs = [vy.additional]
                mine = self._property(x, name)
                if not mine and "patternProperties" not in vx.keywords and isinstance(vx.additional, Node):
                    mine = [vx.additional]
                if any(self._disjoint_parts(x, m, y, t, depth) for m in mine for t in theirs):
                    return True
        return False

    def _property(self, schema: Schema, name: str) -> list[Node]:
        """Every schema the value of property `name` must match: the schema's own, and its allOf parts'."""
        found: list[Node] = []
        pending = [schema]
        while pending and len(found) < 16:
            current = pending.pop()
            resolved = self.ctx.resolve(current.side, current.node)
            seen = own(self.ctx, current.side, current.node)
            if resolved is None or seen is None:
                continue
            if name in seen.properties:
                found.append(seen.properties[name])
            pending += self.parts(Schema(current.side, resolved))
        return found

    def _disjoint_parts(self, a: Schema, mine: Node | None, b: Schema, theirs: Node | None, depth: int) -> bool:
        if mine is None or theirs is None:
            return False
        return self.disjoint(Schema(a.side, mine), Schema(b.side, theirs), depth + 1)


def verdicts(
    ctx: Context, side: str, alternatives: list[Node], within: frozenset[str] | None, *, null: bool = True
) -> dict[tuple[int, int], Verdict]:
    """The pairs of alternatives (by index) not shown disjoint: shown to overlap, or undecided."""
    judge = Judge(ctx, null=null)
    found = {}
    for i in range(len(alternatives)):
        for j in range(i + 1, len(alternatives)):
            verdict = judge.overlap(Schema(side, alternatives[i]), Schema(side, alternatives[j]), within)
            if verdict.overlap is not False:
                found[(i, j)] = verdict
    return found


Alternatives = tuple[list[Node], frozenset[str] | None]  # a oneOf's alternatives, and the types of its schema


def newly(
    ctx: Context, old: Alternatives, new: Alternatives, pairs: list[tuple[Node, Node]], null: bool
) -> list[tuple[int, int, Verdict]]:
    """The pairs (by index) of the head's oneOf alternatives shown to overlap, or not shown disjoint, that the base
    did not have already: the same pair (alternatives that accept the same values: Context.meaning) with that
    verdict, or the pair of their partners (`pairs`, from SchemaDiff.pair) shown to overlap."""
    (before, old_types), (after, new_types) = old, new
    found = verdicts(ctx, "head", after, new_types, null=null)
    if not found:
        return []
    by_meaning: dict[tuple[Any, Any], bool | None] = {}
    by_place: dict[tuple[int | None, int | None], bool | None] = {}  # by the base alternatives' indexes
    for (i, j), verdict in verdicts(ctx, "base", before, old_types, null=null).items() if before else ():
        pair = (ctx.meaning("base", before[i]), ctx.meaning("base", before[j]))
        by_meaning[pair] = by_meaning[pair[::-1]] = verdict.overlap
        by_place[(i, j)] = by_place[(j, i)] = verdict.overlap
    index = {id(node): i for i, node in enumerate(before)}
    partner = {id(b): index.get(id(a)) for a, b in pairs}
    reported = []
    for (i, j), verdict in sorted(found.items()):
        pair = (ctx.meaning("head", after[i]), ctx.meaning("head", after[j]))
        was = by_place.get((partner.get(id(after[i])), partner.get(id(after[j]))), False)
        if was is True or by_meaning.get(pair) is True or (verdict.overlap is None and pair in by_meaning):
            continue
        reported.append((i, j, verdict))
    return reported
