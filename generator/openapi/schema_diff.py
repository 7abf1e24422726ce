"""Compare two JSON Schemas (OpenAPI 3.0 or 3.1) in one direction: request (what the server accepts) or
response (what clients receive).

Each schema is first reduced to its effective view: `$ref`s followed, `allOf` merged (so restructuring that
accepts the same values is not a change), 3.0 `nullable` and 3.1 `type: [X, "null"]` read alike,
`oneOf: [{type: "null"}, X]` read as "X or null" (one composite change, reported once), 3.0 boolean
`exclusiveMaximum` read as 3.1's number. A pair already being compared further up (a `$ref` cycle) stops.
Each schema pair is compared once per direction: other operations that reach the same pair (a shared
component) get the recorded findings, re-labelled with their operation and place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.findings import Rule, excerpt
from generator.openapi import rules
from generator.openapi.walk import Context, Node

MAXIMA = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
MINIMA = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")


@dataclass
class View:
    node: Node
    types: frozenset[str] | None = None  # None: any type
    nullable: bool = False
    properties: dict[str, Node] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    additional: Any = True  # True, False or a Node
    items: Node | None = None
    enum: tuple[Any, ...] | None = None
    limits: dict[str, Any] = field(default_factory=dict)
    pattern: str | None = None
    variants: list[Node] | None = None
    read_only: bool = False
    write_only: bool = False


def _is_null(value: Any) -> bool:
    return isinstance(value, dict) and (value.get("type") == "null" or value.get("enum") == [None]) and len(value) == 1


def view(ctx: Context, side: str, node: Node | None, depth: int = 0) -> View | None:
    """The effective schema at `node`, computed once per schema object (or `$ref` to it) and side."""
    if node is None:
        return None
    written = (side, id(node.value))
    if written in ctx.views:
        return ctx.views[written]
    resolved = ctx.resolve(side, node)
    if resolved is None or not isinstance(resolved.value, dict) or depth > 32:
        return None
    key = (side, id(resolved.value))
    if key not in ctx.views:
        ctx.views[key] = None  # a schema that is its own allOf part stops here
        ctx.views[key] = _build(ctx, side, resolved, depth)
    ctx.views[written] = ctx.views[key]
    return ctx.views[key]


def _build(ctx: Context, side: str, node: Node, depth: int) -> View:
    value = node.value
    result = View(node)
    for index, _ in enumerate(value.get("allOf") or []):
        part = view(ctx, side, node.child("allOf", index), depth + 1)
        if part is not None:
            _merge(result, part)
    _own(ctx, side, result, node, value, depth)
    return result


def _own(ctx: Context, side: str, result: View, node: Node, value: dict[str, Any], depth: int) -> None:
    types = value.get("type")
    if isinstance(types, str):
        types = [types]
    if isinstance(types, list):
        result.nullable = result.nullable or "null" in types or value.get("nullable") is True
        mine = frozenset(t for t in types if t != "null")
        result.types = mine if result.types is None else result.types & mine
    elif value.get("nullable") is True:
        result.nullable = True
    for name in value.get("properties") or {}:
        result.properties.setdefault(name, node.child("properties", name))  # type: ignore[arg-type]
    result.required = result.required | frozenset(r for r in value.get("required") or [] if isinstance(r, str))
    if "additionalProperties" in value:
        extra = value["additionalProperties"]
        result.additional = extra if isinstance(extra, bool) else node.child("additionalProperties")
    if "items" in value and isinstance(value["items"], dict):
        result.items = node.child("items")
    enum = value.get("enum") if "enum" in value else ([value["const"]] if "const" in value else None)
    if isinstance(enum, list):
        result.nullable = result.nullable or None in enum
        values = tuple(v for v in enum if v is not None)
        result.enum = values if result.enum is None else tuple(v for v in result.enum if v in values)
    for key in (*MAXIMA, *MINIMA):
        if key in value and not isinstance(value[key], bool):
            result.limits[key] = value[key]
    for flag, bound in (("exclusiveMaximum", "maximum"), ("exclusiveMinimum", "minimum")):
        if value.get(flag) is True and bound in value:  # OpenAPI 3.0's boolean form
            result.limits[flag] = result.limits.pop(bound)
    if isinstance(value.get("pattern"), str):
        result.pattern = value["pattern"]
    result.read_only = result.read_only or value.get("readOnly") is True
    result.write_only = result.write_only or value.get("writeOnly") is True
    for keyword in ("oneOf", "anyOf"):
        branches = value.get(keyword)
        if not isinstance(branches, list):
            continue
        kept: list[Node] = []
        for index in range(len(branches)):
            branch = node.child(keyword, index)
            resolved = ctx.resolve(side, branch)
            if branch is not None and not (resolved is not None and _is_null(resolved.value)):
                kept.append(branch)
        if len(kept) < len(branches):
            result.nullable = True
        if len(kept) == 1 and len(branches) > 1:  # `X or null`: X itself, nullable
            inner = view(ctx, side, kept[0], depth + 1)
            if inner is not None:
                _merge(result, inner)
        else:
            result.variants = kept


def _merge(into: View, part: View) -> None:
    """allOf: every part's constraints hold at once."""
    if part.types is not None:
        into.types = part.types if into.types is None else into.types & part.types
    into.nullable = into.nullable or part.nullable
    for name, node in part.properties.items():
        into.properties.setdefault(name, node)
    into.required = into.required | part.required
    if part.additional is not True:
        into.additional = part.additional
    into.items = into.items or part.items
    if part.enum is not None:
        into.enum = part.enum if into.enum is None else tuple(v for v in into.enum if v in part.enum)
    for key, limit in part.limits.items():
        mine = into.limits.get(key)
        into.limits[key] = limit if mine is None else (min(mine, limit) if key in MAXIMA else max(mine, limit))
    into.pattern = into.pattern or part.pattern
    into.variants = into.variants or part.variants
    into.read_only = into.read_only or part.read_only
    into.write_only = into.write_only or part.write_only


def _covered(types: frozenset[str], by: frozenset[str] | None) -> frozenset[str]:
    """The types of `types` that `by` does not accept (an integer is a number)."""
    if by is None:
        return frozenset()
    return frozenset(t for t in types if t not in by and not (t == "integer" and "number" in by))


def _show(values: Any) -> str:
    shown = [f"`{excerpt(v)}`" for v in list(values)[:10]]
    return ", ".join(shown) + (f" and {len(values) - 10} more" if len(values) > 10 else "")


class SchemaDiff:
    """Compares schema pairs for one operation; `where` names the place in the message (`request body`)."""

    def __init__(self, ctx: Context, operation: str) -> None:
        self.ctx, self.operation = ctx, operation
        self.active: set[tuple[int, int, str]] = set()  # pairs being compared, to stop at $ref cycles
        self.done: set[tuple[int, int, str]] = set()  # pairs this operation reported: once, at their first place
        self.frames: list[tuple[str, list[tuple[Rule, Node, str]]]] = []  # findings of the pairs in progress

    def compare(self, base: Node | None, head: Node | None, direction: str, where: str) -> None:
        if base is None or head is None or self.ctx.same(base, head):
            return
        old, new = view(self.ctx, "base", base), view(self.ctx, "head", head)
        if old is None or new is None:
            return
        key = (id(old.node.value), id(new.node.value), direction)
        if key in self.done:
            return  # a finding per schema pair, not per path to it (a shared component, a diamond of $refs)
        self.done.add(key)
        cached = self.ctx.pairs.get(key)
        if cached is not None:  # compared for another operation or place: the same findings, re-labelled
            for rule, node, suffix in cached:
                self._emit(rule, where + suffix, node)
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

    def _compare(self, old: View, new: View, direction: str, where: str) -> None:
        if old.variants is not None or new.variants is not None:
            self._alternatives(old, new, direction, where)
            if old.variants is None or new.variants is None:
                self._noted(old, new, direction, where, retyped=True)
                return  # a plain schema became alternatives (or back): compared as alternatives only
        retyped = self._request(old, new, where) if direction == "request" else self._response(old, new, where)
        self._noted(old, new, direction, where, retyped)
        if not retyped:  # below a changed type, differences are consequences, not news
            self._children(old, new, direction, where)

    def _noted(self, old: View, new: View, direction: str, where: str, retyped: bool) -> None:
        """The changelog's notes on this pair: none here (notes.SchemaNotes makes them)."""

    def _emit(self, rule: Rule, message: str, node: Node, keyword: str | None = None) -> None:
        """At `keyword` of `node` when the node itself writes it (not an allOf part), else at the node."""
        at = (node.child(keyword) if keyword else None) or node
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
            if removed is None:
                self._emit(rules.REQUEST_ENUM_VALUE_REMOVED, f"{where} now accepts only {_show(new.enum)}", at, "enum")
            elif removed:
                self._emit(rules.REQUEST_ENUM_VALUE_REMOVED, f"{where} no longer accepts {_show(removed)}", at, "enum")
        for key in MAXIMA:
            if key in new.limits and (key not in old.limits or new.limits[key] < old.limits[key]):
                before = old.limits.get(key, "none")
                self._emit(rules.REQUEST_MAX_DECREASED, f"{where}: {key} {before} -> {new.limits[key]}", at, key)
        for key in MINIMA:
            if key in new.limits and (key not in old.limits or new.limits[key] > old.limits[key]):
                before = old.limits.get(key, "none")
                self._emit(rules.REQUEST_MIN_INCREASED, f"{where}: {key} {before} -> {new.limits[key]}", at, key)
        if new.pattern is not None and new.pattern != old.pattern:
            self._emit(rules.REQUEST_PATTERN_CHANGED, f"{where} must now match `{new.pattern}`", at, "pattern")
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
            if added:
                self._emit(rules.RESPONSE_ENUM_VALUE_ADDED, f"{where} may now be {_show(added)}", at, "enum")
            elif added is None:
                self._emit(rules.RESPONSE_ENUM_VALUE_ADDED, f"{where} is no longer limited to {_show(old.enum)}", at)
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
        """oneOf/anyOf on either side (a plain schema is one alternative): pair alternatives that are the same
        `$ref` or the same data, then the rest in order, and compare each pair. A request that lost an
        alternative rejects what it accepted; a response that gained one may send what clients do not know."""
        before = old.variants if old.variants is not None else [old.node]
        after = new.variants if new.variants is not None else [new.node]
        pairs: list[tuple[Node, Node]] = []
        unmatched = list(after)
        for alternative in before:
            twin = next((n for n in unmatched if n.value == alternative.value), None)
            if twin is not None:
                unmatched.remove(twin)
                pairs.append((alternative, twin))
        rest = [a for a in before if all(a is not p[0] for p in pairs)]
        pairs += list(zip(rest, unmatched, strict=False))
        if direction == "request" and len(after) < len(before):
            self._emit(
                rules.REQUEST_VARIANT_REMOVED,
                f"{where}: {len(before) - len(after)} of its alternatives were removed",
                new.node,
            )
        if direction == "response" and len(after) > len(before):
            self._emit(
                rules.RESPONSE_VARIANT_ADDED, f"{where}: {len(after) - len(before)} alternative(s) added", new.node
            )
        if old.nullable != new.nullable:
            self._nullability(old, new, direction, where)
        for index, (a, b) in enumerate(pairs):
            if a is old.node and b is new.node:
                continue
            label = where if len(pairs) == 1 else f"{where} (alternative {index + 1})"
            self.compare(a, b, direction, label)

    def _nullability(self, old: View, new: View, direction: str, where: str) -> None:
        if direction == "request" and old.nullable and not new.nullable:
            self._emit(rules.REQUEST_BECAME_NON_NULLABLE, f"{where} no longer accepts null", new.node)
        if direction == "response" and new.nullable and not old.nullable:
            self._emit(rules.RESPONSE_BECAME_NULLABLE, f"{where} may now be null", new.node)

    def _children(self, old: View, new: View, direction: str, where: str) -> None:
        for name in [name for name in new.properties if name in old.properties]:  # in order: the first place wins
            hidden = self._read_only if direction == "request" else self._write_only  # not sent / not received
            if hidden(new.properties[name]) or hidden(old.properties[name]):
                continue
            self.compare(old.properties[name], new.properties[name], direction, f"{where}.{name}")
        if old.items is not None and new.items is not None:
            self.compare(old.items, new.items, direction, f"{where}[]")
        if isinstance(old.additional, Node) and isinstance(new.additional, Node):
            self.compare(old.additional, new.additional, direction, f"{where}.*")
