"""Compare two JSON Schemas (OpenAPI 3.0 or 3.1) in one direction: request (what the server accepts) or
response (what clients receive).

Each schema is first reduced to its effective view (views.py). Types, nullability, enums, ranges, patterns
(patterns.py decides what it can), properties and alternatives are judged here; alternatives are paired by
shape, and a request `oneOf` whose alternatives changed is judged with overlap.py (shown to overlap: an error;
undecided: a warning that says so); the other keywords of JSON Schema 2020-12 in keywords.py. A `not` is
compared the other way round (`negated`), and what that finds is reported as a change of the `not`.
A pair already being compared further up (a `$ref` cycle) stops. Each schema pair is compared once per direction
and operation, at its first place; a pair is known by what its schemas say (walk.Context.identity), so a copy of
a component written in place is the component. Other operations that reach the same pair (a shared component)
get the recorded findings, re-labelled with their operation and place.
"""

from __future__ import annotations

from typing import Any

from generator.findings import Rule, excerpt
from generator.openapi import keywords, overlap, patterns, rules
from generator.openapi.views import MAXIMA, MINIMA, View, view
from generator.openapi.walk import Context, Node, equal

__all__ = ["MAXIMA", "MINIMA", "SchemaDiff", "View", "view"]


PairKey = tuple[int, int, tuple[Any, ...]]  # the two schema objects, and how they are compared
# Findings that say lockstep could not decide: inside a `not` they stay undecided.
UNDECIDED = frozenset(
    rule.id
    for rule in (
        rules.PATTERN_UNDECIDED,
        rules.CONDITION_UNDECIDED,
        rules.VARIANTS_OVERLAP_UNDECIDED,
        rules.NOT_UNDECIDED,
        rules.DYNAMIC_REF_UNDECIDED,
    )
)


def _covered(types: frozenset[str], by: frozenset[str] | None) -> frozenset[str]:
    """The types of `types` that `by` does not accept (an integer is a number)."""
    if by is None:
        return frozenset()
    return frozenset(t for t in types if t not in by and not (t == "integer" and "number" in by))


def _enum_keyword(node: Node) -> str:
    """The keyword a schema writes its values in (for the finding's line)."""
    return next((k for k in ("enum", "const", "x-extensible-enum") if k in node.value), "enum")


def _beyond(new: Any, old: Any, key: str) -> bool:
    """A response limit that lets more values through: a maximum raised, a minimum lowered."""
    try:
        return bool(new > old) if key in MAXIMA else bool(new < old)
    except TypeError:
        return False


def _likeness(a: View | None, b: View | None) -> int | None:
    """How alike two alternatives are (higher is more), None when they cannot be one alternative changed."""
    if a is None or b is None:
        return 0
    if (
        a.types is not None
        and b.types is not None
        and _covered(a.types, b.types) == a.types
        and _covered(b.types, a.types) == b.types
    ):
        return None  # no type in common
    shared = len(a.properties.keys() & b.properties.keys())
    if a.properties and b.properties and not shared:
        return None
    return 1 + shared + (a.types == b.types)


def _show(values: Any) -> str:
    shown = [f"`{excerpt(v)}`" for v in list(values)[:10]]
    return ", ".join(shown) + (f" and {len(values) - 10} more" if len(values) > 10 else "")


def _negated(rule: Rule, message: str, direction: str) -> tuple[Rule, str]:
    """A finding of a `not` pair (compared the other way round) as what it means for the schema that holds it."""
    if rule.id in UNDECIDED:
        return rules.NOT_UNDECIDED, f"{message} (inside a `not`)"
    if direction == "request":
        return rules.REQUEST_NOT_WIDENED, f"{message}; the API rejects the values its `not` now matches"
    return rules.RESPONSE_NOT_NARROWED, f"{message}; the API may return the values its `not` no longer matches"


class SchemaDiff:
    """Compares schema pairs for one operation; `where` names the place in the message (`request body`)."""

    def __init__(self, ctx: Context, operation: str) -> None:
        self.ctx, self.operation = ctx, operation
        self.active: set[PairKey] = set()  # pairs being compared, to stop at $ref cycles
        self.done: set[PairKey] = set()  # pairs this operation reported: once, at their first place
        self.shapes: dict[Any, list[tuple[Any, Any]]] = {}  # the same pairs by shape (_done_elsewhere)
        self.frames: list[tuple[str, list[tuple[Rule, Node, str]]]] = []  # findings of the pairs in progress
        self.null = True  # whether the values compared can be null (not in a parameter written as a string)
        # inside an odd number of `not`s: the direction of the schema that holds them (what a finding means there)
        self.negation: str | None = None

    def compare(
        self, base: Node | None, head: Node | None, direction: str, where: str, *, null: bool | None = None
    ) -> None:
        """Compare a schema pair; `null=False` for a parameter's `schema` (its value is a string in the URL or a
        header, never JSON null), which holds for everything below it."""
        if null is not None and null != self.null:
            self.null = null
            try:
                self.compare(base, head, direction, where)
            finally:
                self.null = not null
            return
        if base is None or head is None or self.ctx.same(base, head):
            return
        new = view(self.ctx, "head", head)  # the head first: a problem in both is reported where it is now
        old = view(self.ctx, "base", base)
        if old is None or new is None:
            return
        entered = (self.ctx.enter("base", base, old.node), self.ctx.enter("head", head, new.node))
        try:
            self._pair(old, new, direction, where)
        finally:
            self.ctx.leave("base", entered[0])
            self.ctx.leave("head", entered[1])

    def _pair(self, old: View, new: View, direction: str, where: str) -> None:
        how = (
            direction + ("" if self.null else " (no null)") + (" (not)" if self.negation else ""),
            self.ctx.bindings(),  # what contested $dynamicAnchors are bound to here (usually nothing)
        )
        key = (id(old.node.value), id(new.node.value), how)
        if key in self.done or self._done_elsewhere(old.node, new.node, how):
            return  # a finding per schema pair, not per path to it (a shared component, a diamond of $refs)
        self.done.add(key)
        cached = self.ctx.pairs.get(key)
        if cached is not None:  # compared for another operation or place: the same findings, re-labelled
            for rule, node, suffix in cached:
                self._record(rule, where + suffix, node)
            return
        if key in self.active:
            return  # a $ref cycle: this pair is being compared further up
        self.active.add(key)
        records: list[tuple[Rule, Node, str]] = []
        self.frames.append((where, records))
        try:
            self._compare(old, new, direction, where)
        finally:
            self.frames.pop()
            self.active.discard(key)
        self.ctx.pairs[key] = records

    def _done_elsewhere(self, old: Node, new: Node, how: tuple[Any, ...]) -> bool:
        """Whether this operation compared a pair that says the same at another place (a component and a copy of
        it written in place are one schema: inlining a $ref changes no finding)."""
        shape = (old.source.relative, new.source.relative, self.ctx.shape(old.value), self.ctx.shape(new.value), how)
        seen = self.shapes.setdefault(shape, [])
        if any(equal(a, old.value) and equal(b, new.value) for a, b in seen):
            self.done.add((id(old.value), id(new.value), how))
            return True
        seen.append((old.value, new.value))
        return False

    def negated(self, base: Node, head: Node, direction: str, where: str) -> None:
        """Compare two `not` subschemas of a schema compared in `direction`. The schema rejects what its `not`
        matches, so the pair is compared in the other direction: a request whose `not` matches more rejects more,
        a response whose `not` matches less may return more."""
        outer = self.negation
        self.negation = None if outer is not None else direction  # a `not` inside a `not` cancels it
        try:
            self.compare(base, head, "response" if direction == "request" else "request", f"{where} (not)")
        finally:
            self.negation = outer

    def _compare(self, old: View, new: View, direction: str, where: str) -> None:
        if old.variants is not None or new.variants is not None:
            self._alternatives(old, new, direction, where)
            if old.variants is None or new.variants is None:
                self._noted(old, new, direction, where, retyped=True)
                keywords.compare(self, old, new, direction, where)
                return  # a plain schema became alternatives (or back): compared as alternatives only
        retyped = self._request(old, new, where) if direction == "request" else self._response(old, new, where)
        self._noted(old, new, direction, where, retyped)
        if not retyped:  # below a changed type, differences are consequences, not news
            keywords.compare(self, old, new, direction, where)
            self._children(old, new, direction, where)

    def _noted(self, old: View, new: View, direction: str, where: str, retyped: bool) -> None:
        """The changelog's notes on this pair: none here (notes.SchemaNotes makes them)."""

    def _emit(self, rule: Rule, message: str, node: Node, keyword: str | None = None) -> None:
        """At `keyword` of `node` when the node itself writes it (not an allOf part), else at the node. Inside a
        `not`, what the comparison found is a change of the values the `not` matches (_negated)."""
        at = (node.child(keyword) if keyword else None) or node
        if self.negation is not None:
            if rule.level == "info":
                return  # the changelog's notes would read the wrong way round
            rule, message = _negated(rule, message, self.negation)
        self._record(rule, message, at)

    def _record(self, rule: Rule, message: str, at: Node) -> None:
        self.ctx.emit(rule, message, at, self.operation)
        for where, records in self.frames:  # every message starts with the place of the pairs above it
            records.append((rule, at, message[len(where) :]))

    def _request(self, old: View, new: View, where: str) -> bool:
        """Request rules; True when the type changed."""
        at = new.node
        lost = _covered(old.types, new.types) if old.types is not None else frozenset()
        if new.types is not None and (old.types is None or lost) and not (old.variants or new.variants):
            what = (
                f"no longer accepts {_show(sorted(lost))}" if lost else f"now accepts only {_show(sorted(new.types))}"
            )
            self._emit(rules.REQUEST_TYPE_CHANGED, f"{where} {what}", at)
            return True
        self._nullability(old, new, "request", where)
        if new.enum is not None:
            removed = [v for v in old.enum if v not in new.enum] if old.enum is not None else None
            if removed is None and not new.extensible:
                self._emit(rules.REQUEST_ENUM_VALUE_REMOVED, f"{where} now accepts only {_show(new.enum)}", at, "enum")
            elif removed:
                message = f"{where} no longer accepts {_show(removed)}"
                self._emit(rules.REQUEST_ENUM_VALUE_REMOVED, message, at, _enum_keyword(at))
        for key in MAXIMA:
            if key in new.limits and (key not in old.limits or new.limits[key] < old.limits[key]):
                before = old.limits.get(key, "none")
                self._emit(rules.REQUEST_MAX_DECREASED, f"{where}: {key} {before} -> {new.limits[key]}", at, key)
        for key in MINIMA:
            if key in new.limits and (key not in old.limits or new.limits[key] > old.limits[key]):
                before = old.limits.get(key, "none")
                self._emit(rules.REQUEST_MIN_INCREASED, f"{where}: {key} {before} -> {new.limits[key]}", at, key)
        if new.pattern != old.pattern:
            accepted = patterns.covers(old.pattern, new.pattern)
            if accepted is False:
                self._emit(rules.REQUEST_PATTERN_CHANGED, f"{where} must now match `{new.pattern}`", at, "pattern")
            elif accepted is None:
                message = (
                    f"{where}: pattern `{excerpt(old.pattern)}` -> `{excerpt(new.pattern)}`: could not decide whether "
                    "every value it accepted still matches"
                )
                self._emit(rules.PATTERN_UNDECIDED, message, at, "pattern")
        if new.additional is False and old.additional is not False:
            self._emit(rules.REQUEST_ADDITIONAL_PROPERTIES_CLOSED, f"{where} no longer accepts other properties", at)
        for name, node in new.properties.items():
            if self._read_only(node):
                continue
            if name not in old.properties and name in new.required:
                self._emit(rules.REQUEST_PROPERTY_ADDED_REQUIRED, f"{where}: new required property `{name}`", node)
            elif name in old.properties and name in new.required and name not in old.required:
                self._emit(rules.REQUEST_PROPERTY_BECAME_REQUIRED, f"{where}: property `{name}` is now required", node)
        for name in sorted(new.required - old.required - set(new.properties)):
            self._emit(rules.REQUEST_PROPERTY_ADDED_REQUIRED, f"{where}: new required property `{name}`", at)
        return False

    def _response(self, old: View, new: View, where: str) -> bool:
        """Response rules; True when the type changed."""
        at = new.node
        gained = _covered(new.types, old.types) if new.types is not None else frozenset()
        if old.types is not None and (new.types is None or gained) and not (old.variants or new.variants):
            what = (
                f"may now be {_show(sorted(gained))}"
                if gained
                else f"is no longer limited to {_show(sorted(old.types))}"
            )
            self._emit(rules.RESPONSE_TYPE_CHANGED, f"{where} {what}", at)
            return True
        self._nullability(old, new, "response", where)
        if old.enum is not None:
            added = [v for v in new.enum if v not in old.enum] if new.enum is not None else None
            if old.const and (added or added is None):
                now = f"is now {_show(added)}" if added else "is no longer a constant"
                self._emit(rules.RESPONSE_CONST_CHANGED, f"{where} was `{excerpt(old.enum[0])}`, {now}", at, "const")
            elif added and not old.extensible:
                self._emit(rules.RESPONSE_ENUM_VALUE_ADDED, f"{where} may now be {_show(added)}", at, "enum")
            elif added is None and not old.extensible:
                self._emit(rules.RESPONSE_ENUM_VALUE_ADDED, f"{where} is no longer limited to {_show(old.enum)}", at)
        for key in (*MAXIMA, *MINIMA):
            if key in old.limits and (key not in new.limits or _beyond(new.limits[key], old.limits[key], key)):
                message = f"{where}: {key} {old.limits[key]} -> {new.limits.get(key, 'none')}"
                self._emit(rules.RESPONSE_RANGE_WIDENED, message, at, key if key in new.limits else None)
        if old.pattern is not None and new.pattern != old.pattern:
            narrowed = patterns.covers(new.pattern, old.pattern)
            message = f"{where}: pattern `{excerpt(old.pattern)}` -> " + (
                f"`{excerpt(new.pattern)}`" if new.pattern is not None else "none"
            )
            if narrowed is False:
                self._emit(rules.RESPONSE_CONSTRAINT_RELAXED, message, at, "pattern" if new.pattern else None)
            elif narrowed is None:
                message += ": could not decide whether it may now return values the old pattern excluded"
                self._emit(rules.PATTERN_UNDECIDED, message, at, "pattern")
        for name in sorted(old.required - new.required - set(old.properties)):  # required, with no schema given
            self._emit(rules.RESPONSE_PROPERTY_BECAME_OPTIONAL, f"{where}: property `{name}` became optional", at)
        for name, node in old.properties.items():
            if self._write_only(node):
                continue
            if name not in new.properties:
                rule = (
                    rules.RESPONSE_PROPERTY_REMOVED
                    if name in old.required
                    else rules.RESPONSE_OPTIONAL_PROPERTY_REMOVED
                )
                self._emit(rule, f"{where}: property `{name}` was removed", node)
            elif name in old.required and name not in new.required:
                self._emit(
                    rules.RESPONSE_PROPERTY_BECAME_OPTIONAL,
                    f"{where}: property `{name}` became optional",
                    new.properties[name],
                )
        return False

    def _side(self, node: Node) -> str:
        return "head" if node.source is self.ctx.head.sources.get(node.source.relative) else "base"

    def _read_only(self, node: Node) -> bool:
        seen = view(self.ctx, self._side(node), node)
        return seen is not None and seen.read_only

    def _write_only(self, node: Node) -> bool:
        seen = view(self.ctx, self._side(node), node)
        return seen is not None and seen.write_only

    def _alternatives(self, old: View, new: View, direction: str, where: str) -> None:
        """oneOf/anyOf on either side (a plain schema is one alternative), paired by `_pair` and each pair
        compared. A request that lost an alternative rejects what it accepted, and one whose oneOf alternatives
        newly overlap rejects the values that match both; a response that gained one may send what clients do
        not know."""
        pairs, removed, added = self.pair(old, new)
        if direction == "request" and removed:
            self._emit(
                rules.REQUEST_VARIANT_REMOVED, f"{where}: {len(removed)} of its alternatives were removed", new.node
            )
        if direction == "response" and added:
            self._emit(rules.RESPONSE_VARIANT_ADDED, f"{where}: {len(added)} alternative(s) added", new.node)
        if direction == "request" and new.exclusive and new.variants and "discriminator" not in new.keywords:
            self._overlaps(old, new, where, pairs)
        if old.nullable != new.nullable:
            self._nullability(old, new, direction, where)
        for index, (a, b) in enumerate(pairs):
            if a is old.node and b is new.node:
                continue
            label = where if len(pairs) == 1 else f"{where} (alternative {index + 1})"
            self.compare(a, b, direction, label)

    def pair(self, old: View, new: View) -> tuple[list[tuple[Node, Node]], list[Node], list[Node]]:
        """(pairs, old alternatives with no partner, new ones with no partner): alternatives with the same data
        first, then each other one with the most alike of the new ones left (types in common, then the most
        property names in common); two objects with no property name in common, or two schemas with no type
        in common, are different alternatives, not one changed."""
        before = old.variants if old.variants is not None else [old.node]
        after = new.variants if new.variants is not None else [new.node]
        pairs: list[tuple[Node, Node]] = []
        unmatched, rest = list(after), []
        for alternative in before:
            twin = next((n for n in unmatched if n.value == alternative.value), None) or next(
                (n for n in unmatched if self._same_content(alternative, n)), None
            )
            if twin is None:
                rest.append(alternative)
            else:
                unmatched.remove(twin)
                pairs.append((alternative, twin))
        removed = []
        for alternative in rest:
            mine = view(self.ctx, "base", alternative)
            scores = [(_likeness(mine, view(self.ctx, "head", n)), -i) for i, n in enumerate(unmatched)]
            best = max(((s, i) for s, i in scores if s is not None), default=None)
            if best is None:
                removed.append(alternative)
            else:
                pairs.append((alternative, unmatched.pop(-best[1])))
        return pairs, removed, unmatched

    def _same_content(self, old: Node, new: Node) -> bool:
        """Whether two alternatives say the same, written in place or behind a `$ref`."""
        return self.ctx.same_content("base", old, "head", new)

    def _overlaps(self, old: View, new: View, where: str, pairs: list[tuple[Node, Node]]) -> None:
        """A request oneOf's alternatives that newly overlap (an error), or may (a warning that says so)."""
        before = old.variants if old.exclusive and old.variants else []
        for i, j, verdict in overlap.newly(
            self.ctx, (before, old.types), (new.variants or [], new.types), pairs, self.null
        ):
            if verdict.overlap:
                shown = "are the same schema" if verdict.same else f"overlap (both accept `{verdict.shown()}`)"
                message = (
                    f"{where}: alternatives {i + 1} and {j + 1} of its oneOf {shown}; a value matching both is rejected"
                )
                self._emit(rules.REQUEST_VARIANTS_OVERLAP, message, new.node, "oneOf")
            else:
                message = (
                    f"{where}: could not decide whether alternatives {i + 1} and {j + 1} of its oneOf overlap (a "
                    "value matching both is rejected)"
                )
                self._emit(rules.VARIANTS_OVERLAP_UNDECIDED, message, new.node, "oneOf")

    def _nullability(self, old: View, new: View, direction: str, where: str) -> None:
        if direction == "request" and old.nullable and not new.nullable and self.null:
            self._emit(rules.REQUEST_BECAME_NON_NULLABLE, f"{where} no longer accepts null", new.node)
        if direction == "response" and new.nullable and not old.nullable and self.null:
            self._emit(rules.RESPONSE_BECAME_NULLABLE, f"{where} may now be null", new.node)

    def _children(self, old: View, new: View, direction: str, where: str) -> None:
        for name in sorted(new.properties.keys() & old.properties.keys(), key=str):  # sorted: the first place wins
            hidden = self._read_only if direction == "request" else self._write_only  # not sent / not received
            if hidden(new.properties[name]) or hidden(old.properties[name]):
                continue
            self.compare(old.properties[name], new.properties[name], direction, f"{where}.{name}")
        if old.items is not None and new.items is not None:
            self.compare(old.items, new.items, direction, f"{where}[]")
        if isinstance(old.additional, Node) and isinstance(new.additional, Node):
            self.compare(old.additional, new.additional, direction, f"{where}.*")
