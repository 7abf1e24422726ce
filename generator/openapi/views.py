"""The effective view of a JSON Schema (OpenAPI 3.0 or 3.1) on one side of a comparison: `$ref`s followed,
`allOf` merged (so restructuring that accepts the same values is not a change), 3.0 `nullable` and 3.1
`type: [X, "null"]` read alike, `oneOf: [{type: "null"}, X]` read as "X or null", 3.0 boolean
`exclusiveMaximum` read as 3.1's number, Zalando's `x-extensible-enum` read as an enum that may grow, every `not`
(of the schema and its allOf parts) kept. Views are computed once per schema object and side, and kept in the
comparison's Context.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.openapi.walk import Context, Node

MAXIMA = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
MINIMA = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
KEYWORDS = frozenset(
    (
        "multipleOf", "uniqueItems", "contains", "minContains", "maxContains", "prefixItems", "if", "then", "else",
        "dependentRequired", "dependentSchemas", "patternProperties", "propertyNames", "unevaluatedProperties",
        "unevaluatedItems", "contentMediaType", "contentEncoding", "contentSchema", "format", "discriminator",
        "default",
    )
)  # fmt: skip


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
    const: bool = False  # `enum` came from `const`
    extensible: bool = False  # x-extensible-enum: a response may gain values
    exclusive: bool = False  # `variants` came from oneOf (exactly one must match), not anyOf
    items_closed: bool = False  # `items: false`
    keywords: dict[str, Node] = field(default_factory=dict)  # the KEYWORDS the schema writes (keywords.py)
    negations: list[Node] = field(default_factory=list)  # its `not`s (one per allOf part that has one)


def _is_null(value: Any) -> bool:
    return isinstance(value, dict) and (value.get("type") == "null" or value.get("enum") == [None]) and len(value) == 1


def view(ctx: Context, side: str, node: Node | None, depth: int = 0) -> View | None:
    """The effective schema at `node`, computed once per schema object (or `$ref` to it) and side."""
    if node is None:
        return None
    written = (side, id(node.value))
    if written in ctx.views:
        return ctx.views[written]
    before = ctx.scoped
    resolved = ctx.resolve(side, node)
    if resolved is None or not isinstance(resolved.value, dict) or depth > 32:
        return None
    key = (side, id(resolved.value))
    found = ctx.views.get(key)
    if key not in ctx.views:
        ctx.views[key] = None  # a schema that is its own allOf part stops here
        start = ctx.scoped
        found = _build(ctx, side, resolved, depth)
        if ctx.scoped == start:
            ctx.views[key] = found
        else:  # it holds a $dynamicRef followed by the dynamic scope: built again where it is needed
            del ctx.views[key]
    if ctx.scoped == before:  # (a $dynamicRef followed by the scope leads elsewhere from elsewhere)
        ctx.views[written] = found
    return found


def own(ctx: Context, side: str, node: Node) -> View | None:
    """The keywords the schema at `node` writes itself, its allOf parts not merged in (evaluation.py checks a
    value against each part, which is what allOf means)."""
    resolved = ctx.resolve(side, node)
    if resolved is None or not isinstance(resolved.value, dict):
        return None
    if "allOf" not in resolved.value:
        return view(ctx, side, resolved)
    key = (f"{side} (own)", id(resolved.value))
    if key in ctx.views:
        return ctx.views[key]
    start, result = ctx.scoped, View(resolved)
    _own(ctx, side, result, resolved, resolved.value, 0)
    if ctx.scoped == start:
        ctx.views[key] = result
    return result


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
    extensible = value.get("x-extensible-enum")
    if enum is None and isinstance(extensible, list):  # Zalando's open enum: the values known today
        enum = extensible
    result.extensible = result.extensible or (extensible is True or isinstance(extensible, list))
    result.const = result.const or ("const" in value and "enum" not in value)
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
    result.items_closed = result.items_closed or value.get("items") is False
    for keyword in KEYWORDS.intersection(value):
        result.keywords[keyword] = node.child(keyword)  # type: ignore[assignment]
    if "not" in value:
        result.negations.append(node.child("not"))  # type: ignore[arg-type]
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
            result.variants, result.exclusive = kept, keyword == "oneOf"


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
    into.const, into.extensible = into.const or part.const, into.extensible or part.extensible
    into.exclusive = into.exclusive or part.exclusive
    into.items_closed = into.items_closed or part.items_closed
    for keyword, node in part.keywords.items():
        into.keywords.setdefault(keyword, node)
    into.negations.extend(part.negations)
