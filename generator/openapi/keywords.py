"""The JSON Schema 2020-12 keywords beyond types, properties, enums and ranges, compared with direction: a
request change is breaking when the API rejects what it accepted, a response change is risky when clients may
receive what they were told they would not.

A keyword that holds a schema (`contains`, `prefixItems` positions, `dependentSchemas`, `patternProperties`,
`propertyNames`, `contentSchema`, `then`/`else`) is compared as a schema pair, with the same rules, at its own
place (`request body.tags (contains)`); a keyword added or removed is judged here. Where the change cannot be
judged (the `if` of a condition changed), a warning says so; it is never an error.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from generator.findings import Rule, excerpt
from generator.openapi import overlap, rules
from generator.openapi.evaluation import Schema

if TYPE_CHECKING:
    from generator.openapi.schema_diff import SchemaDiff
    from generator.openapi.views import View

WIDER_FORMATS = frozenset({("int32", "int64"), ("float", "double")})  # (narrow, wide): every narrow value is wide


def _value(view: View, keyword: str, default: Any = None) -> Any:
    node = view.keywords.get(keyword)
    return default if node is None else node.value


def _trivial(value: Any) -> bool:
    """A schema that accepts everything: `true` or `{}`."""
    return value is True or value == {}


def _multiple(value: Any, of: Any) -> bool | None:
    """Is every multiple of `value` a multiple of `of`? None when they are not numbers."""
    try:
        ratio = Fraction(str(value)) / Fraction(str(of))
    except (ValueError, ZeroDivisionError, TypeError):
        return None
    return ratio.denominator == 1


def compare(diff: SchemaDiff, old: View, new: View, direction: str, where: str) -> None:
    if not (old.keywords or new.keywords or old.items_closed or new.items_closed or old.negations or new.negations):
        return  # the common case: none of these keywords on either side
    request = direction == "request"
    _default(diff, old, new, where)
    _format(diff, old, new, request, where)
    _multiple_of(diff, old, new, request, where)
    _unique_items(diff, old, new, request, where)
    _contains(diff, old, new, direction, where)
    _items(diff, old, new, direction, where)
    _dependencies(diff, old, new, direction, where)
    _schemas_by_name(diff, old, new, direction, where)
    _content(diff, old, new, direction, where)
    _condition(diff, old, new, direction, where)
    _negations(diff, old, new, direction, where)
    if request:
        _discriminator(diff, old, new, where)


def _relaxed(diff: SchemaDiff, new: View, message: str, keyword: str | None = None) -> None:
    diff._emit(rules.RESPONSE_CONSTRAINT_RELAXED, message, new.node, keyword)


def _schema(
    diff: SchemaDiff, old: View, new: View, direction: str, keyword: str, label: str, added: tuple[Rule, str], gone: str
) -> None:
    """A keyword that holds one schema: compared as a pair at `label`; added to a request, `added` (rule and
    message); gone from a response, the `gone` message."""
    before, after = old.keywords.get(keyword), new.keywords.get(keyword)
    if before is not None and after is not None:
        diff.compare(before, after, direction, label)
    elif direction == "request" and after is not None and not _trivial(after.value):
        diff._emit(added[0], added[1], new.node, keyword)
    elif direction == "response" and before is not None and after is None and not _trivial(before.value):
        _relaxed(diff, new, gone)


def _schemas(
    diff: SchemaDiff, old: View, new: View, direction: str, keyword: str, where: str, texts: tuple[str, str, str]
) -> None:
    """A keyword that holds a schema per name, name by name. `texts`: the place of a pair below `where`, the
    message of one added to a request, of one gone from a response; `{name}` in each is the name."""
    before_node, after_node = old.keywords.get(keyword), new.keywords.get(keyword)
    before, after = (n.value if n is not None else {} for n in (before_node, after_node))
    if not isinstance(before, dict) or not isinstance(after, dict) or before == after:
        return
    label, added, gone = (where + text for text in texts)
    for name in sorted(after, key=str):  # sorted: a pair reached twice is reported at its first place
        if name in before:
            assert before_node is not None and after_node is not None  # both hold `name`
            place = label.replace("{name}", str(name))
            diff.compare(before_node.child(name), after_node.child(name), direction, place)
        elif direction == "request" and not _trivial(after[name]):
            rule = (
                rules.REQUEST_DEPENDENCY_ADDED
                if keyword == "dependentSchemas"
                else rules.REQUEST_PATTERN_PROPERTY_ADDED
            )
            diff._emit(rule, added.replace("{name}", excerpt(name)), new.node, keyword)
    for name in before:
        if name not in after and direction == "response" and not _trivial(before[name]):
            _relaxed(diff, new, gone.replace("{name}", excerpt(name)))


def _default(diff: SchemaDiff, old: View, new: View, where: str) -> None:
    if "default" in old.keywords and "default" in new.keywords:
        was, now = _value(old, "default"), _value(new, "default")
        if was != now:
            message = f"{where}: default `{_json(was)}` -> `{_json(now)}`"
            diff._emit(rules.DEFAULT_REPLACED, message, new.node, "default")


def _format(diff: SchemaDiff, old: View, new: View, request: bool, where: str) -> None:
    was, now = _value(old, "format"), _value(new, "format")
    if was == now:
        return
    message = f"{where}: format {_shown(was)} -> {_shown(now)}"
    if request and now is not None and (was, now) not in WIDER_FORMATS:
        diff._emit(rules.REQUEST_FORMAT_CHANGED, message, new.node, "format")
    elif not request and was is not None and (now, was) not in WIDER_FORMATS:
        diff._emit(rules.RESPONSE_FORMAT_CHANGED, message, new.node, "format")


def _multiple_of(diff: SchemaDiff, old: View, new: View, request: bool, where: str) -> None:
    was, now = _value(old, "multipleOf"), _value(new, "multipleOf")
    if was == now:
        return
    message = f"{where}: multipleOf {_shown(was)} -> {_shown(now)}"
    if request and now is not None and (was is None or _multiple(was, now) is False):
        diff._emit(rules.REQUEST_MULTIPLE_OF_CHANGED, message, new.node, "multipleOf")
    elif not request and was is not None and (now is None or _multiple(now, was) is False):
        _relaxed(diff, new, message, "multipleOf")


def _unique_items(diff: SchemaDiff, old: View, new: View, request: bool, where: str) -> None:
    was, now = _value(old, "uniqueItems") is True, _value(new, "uniqueItems") is True
    if request and now and not was:
        diff._emit(rules.REQUEST_UNIQUE_ITEMS_ADDED, f"{where}: items must now be unique", new.node, "uniqueItems")
    elif not request and was and not now:
        _relaxed(diff, new, f"{where}: items may now repeat (uniqueItems removed)")


def _contains(diff: SchemaDiff, old: View, new: View, direction: str, where: str) -> None:
    _schema(
        diff,
        old,
        new,
        direction,
        "contains",
        f"{where} (contains)",
        (rules.REQUEST_CONTAINS_NARROWED, f"{where}: must now contain an item that matches a schema (contains)"),
        f"{where}: no longer promises an item that matches a schema (contains removed)",
    )
    if "contains" not in old.keywords or "contains" not in new.keywords:
        return
    request = direction == "request"
    for keyword, default, tighter in (("minContains", 1, 1), ("maxContains", None, -1)):
        was, now = _value(old, keyword, default), _value(new, keyword, default)
        if was == now or not all(isinstance(v, (int, float)) or v is None for v in (was, now)):
            continue
        message = f"{where}: {keyword} {was if was is not None else 'none'} -> {now if now is not None else 'none'}"
        narrowed = (now - was) * tighter > 0 if was is not None and now is not None else was is None
        if request and narrowed:
            diff._emit(rules.REQUEST_CONTAINS_NARROWED, message, new.node, keyword)
        elif not request and not narrowed:
            _relaxed(diff, new, message, keyword)


def _items(diff: SchemaDiff, old: View, new: View, direction: str, where: str) -> None:
    """prefixItems position by position (past a side's tuple, its `items` applies), and the array closed."""
    request = direction == "request"
    before, after = _value(old, "prefixItems", []), _value(new, "prefixItems", [])
    before, after = (before if isinstance(before, list) else []), (after if isinstance(after, list) else [])
    for index in range(max(len(before), len(after))):
        a = old.keywords["prefixItems"].child(index) if index < len(before) else old.items
        b = new.keywords["prefixItems"].child(index) if index < len(after) else new.items
        closed = (index >= len(before) and old.items_closed, index >= len(after) and new.items_closed)
        if a is not None and b is not None:
            diff.compare(a, b, direction, f"{where}[{index}]")
        elif request and b is not None and not closed[0] and not _trivial(b.value):
            message = f"{where}[{index}]: position {index} must now match a schema (prefixItems)"
            diff._emit(rules.REQUEST_ITEMS_NARROWED, message, new.node, "prefixItems")
        elif not request and a is not None and b is None and not closed[1]:
            _relaxed(diff, new, f"{where}[{index}]: position {index} may now be any value (prefixItems)")
    was_closed = old.items_closed or _value(old, "unevaluatedItems") is False
    if request and (new.items_closed or _value(new, "unevaluatedItems") is False) and not was_closed:
        keyword = "items" if new.items_closed else "unevaluatedItems"
        message = f"{where}: no longer accepts items after position {len(after)} ({keyword}: false)"
        diff._emit(rules.REQUEST_ITEMS_NARROWED, message, new.node, keyword)


def _dependencies(diff: SchemaDiff, old: View, new: View, direction: str, where: str) -> None:
    request = direction == "request"
    before, after = _value(old, "dependentRequired", {}), _value(new, "dependentRequired", {})
    if isinstance(before, dict) and isinstance(after, dict) and before != after:
        first, second = (before, after) if request else (after, before)
        for name, needed in second.items():
            gained = [n for n in needed if n not in first.get(name, [])] if isinstance(needed, list) else []
            if gained and request:
                message = f"{where}: when `{name}` is sent, {_names(gained)} must now be sent too"
                diff._emit(rules.REQUEST_DEPENDENCY_ADDED, message, new.node, "dependentRequired")
            elif gained:
                message = f"{where}: when `{name}` is present, {_names(gained)} may now be missing"
                _relaxed(diff, new, message, "dependentRequired" if "dependentRequired" in new.keywords else None)
    texts = (
        " (if `{name}`)",
        ": when `{name}` is sent, the object must now match a schema (dependentSchemas)",
        ": when `{name}` is present, the object may no longer match its schema",
    )
    _schemas(diff, old, new, direction, "dependentSchemas", where, texts)


def _names(names: list[Any]) -> str:
    return ", ".join(f"`{excerpt(n)}`" for n in names)


def _schemas_by_name(diff: SchemaDiff, old: View, new: View, direction: str, where: str) -> None:
    """patternProperties, propertyNames and unevaluatedProperties: schemas on property names or values."""
    request = direction == "request"
    texts = (
        "./{name}/",
        ": properties matching `{name}` must now match a schema",
        ": properties matching `{name}` are no longer constrained",
    )
    _schemas(diff, old, new, direction, "patternProperties", where, texts)
    _schema(
        diff,
        old,
        new,
        direction,
        "propertyNames",
        f"{where} (property names)",
        (rules.REQUEST_PROPERTY_NAMES_RESTRICTED, f"{where}: property names must now match a schema (propertyNames)"),
        f"{where}: property names are no longer constrained (propertyNames removed)",
    )
    rest_before, rest_after = old.keywords.get("unevaluatedProperties"), new.keywords.get("unevaluatedProperties")
    if (
        rest_before is not None
        and rest_after is not None
        and isinstance(rest_before.value, dict)
        and isinstance(rest_after.value, dict)
    ):
        diff.compare(rest_before, rest_after, direction, f"{where}.*")
    closed = old.additional is False or (rest_before is not None and rest_before.value is False)
    if request and rest_after is not None and rest_after.value is False and not closed and new.additional is not False:
        message = f"{where} no longer accepts other properties (unevaluatedProperties: false)"
        diff._emit(rules.REQUEST_ADDITIONAL_PROPERTIES_CLOSED, message, new.node, "unevaluatedProperties")


def _content(diff: SchemaDiff, old: View, new: View, direction: str, where: str) -> None:
    request = direction == "request"
    for keyword in ("contentMediaType", "contentEncoding"):
        was, now = _value(old, keyword), _value(new, keyword)
        if was == now:
            continue
        message = f"{where}: {keyword} {_shown(was)} -> {_shown(now)}"
        if request and now is not None:
            diff._emit(rules.REQUEST_CONTENT_CHANGED, message, new.node, keyword)
        elif not request and was is not None:
            _relaxed(diff, new, message, keyword if now is not None else None)
    _schema(
        diff,
        old,
        new,
        direction,
        "contentSchema",
        f"{where} (content)",
        (rules.REQUEST_CONTENT_CHANGED, f"{where}: the encoded content must now match a schema (contentSchema)"),
        f"{where}: the encoded content is no longer described (contentSchema removed)",
    )


def _json(value: Any) -> str:
    """A value as JSON writes it, so `5` and `"5"` read differently."""
    return excerpt(json.dumps(value, ensure_ascii=False, default=str))


def _shown(value: Any) -> str:
    return "none" if value is None else f"`{excerpt(value)}`"


def _condition(diff: SchemaDiff, old: View, new: View, direction: str, where: str) -> None:
    request = direction == "request"
    before, after = old.keywords.get("if"), new.keywords.get("if")
    if before is None and after is None:
        return
    if before is not None and after is not None and not diff.ctx.same_content("base", before, "head", after):
        message = f"{where}: the condition (`if`) changed; which values must match `then` or `else` was not decided"
        diff._emit(rules.CONDITION_UNDECIDED, message, new.node, "if")
        return
    for keyword, side in (("then", "matching"), ("else", "not matching")):
        a = old.keywords.get(keyword) if before is not None else None
        b = new.keywords.get(keyword) if after is not None else None
        if a is not None and b is not None:
            diff.compare(a, b, direction, f"{where} ({keyword})")
        elif request and b is not None and not _trivial(b.value):
            message = f"{where}: values {side} the condition must now match a schema ({keyword})"
            diff._emit(rules.REQUEST_CONDITION_ADDED, message, new.node, keyword if before is not None else "if")
        elif not request and a is not None and not _trivial(a.value):
            _relaxed(diff, new, f"{where}: values {side} the condition are no longer constrained ({keyword})")


def _discriminator(diff: SchemaDiff, old: View, new: View, where: str) -> None:
    """A request discriminator: clients choose the alternative by the value they send."""
    before, after = _value(old, "discriminator"), _value(new, "discriminator")
    if not isinstance(before, dict) or not isinstance(after, dict) or before == after:
        return
    if before.get("propertyName") != after.get("propertyName"):
        message = (
            f"{where}: discriminator `{excerpt(before.get('propertyName'))}` -> `{excerpt(after.get('propertyName'))}`"
        )
        diff._emit(rules.REQUEST_DISCRIMINATOR_CHANGED, message, new.node, "discriminator")
        return
    was, now = before.get("mapping") or {}, after.get("mapping") or {}
    if not isinstance(was, dict) or not isinstance(now, dict):
        return
    for value, target in was.items():
        if value not in now:
            message = f"{where}: discriminator value `{excerpt(value)}` is no longer mapped"
        elif now[value] != target:
            message = f"{where}: discriminator value `{excerpt(value)}` now maps to `{excerpt(now[value])}`"
        else:
            continue
        diff._emit(rules.REQUEST_DISCRIMINATOR_CHANGED, message, new.node, "discriminator")


def _negations(diff: SchemaDiff, old: View, new: View, direction: str, where: str) -> None:
    """`not`: the schema accepts what its `not` rejects. A `not` on both sides is compared the other way round
    (SchemaDiff.negated); one added to a request rejects the values it matches that the request accepted, one
    removed from a response lets through the values it matched; each is decided where it can be shown."""
    before, after = list(old.negations), list(new.negations)
    for node in list(after):  # the same `not` on both sides, whatever object holds it
        twin = next((n for n in before if diff.ctx.same_content("base", n, "head", node)), None)
        if twin is not None:
            before.remove(twin)
            after.remove(node)
            diff.negated(twin, node, direction, where)
    for index in range(min(len(before), len(after))):
        diff.negated(before[index], after[index], direction, where)
    request, judge = direction == "request", overlap.Judge(diff.ctx, null=diff.null)
    for node in after[len(before) :] if request else before[len(after) :]:
        whole, negation = (old.node, node) if request else (new.node, node)
        sides = ("base", "head") if request else ("head", "base")
        verdict = judge.overlap(Schema(sides[0], whole), Schema(sides[1], negation))
        what = f"{where}: a `not` was added" if request else f"{where}: its `not` was removed"
        effect = "it rejects values the API accepted" if request else "it may now return values it excluded"
        if verdict.overlap is True:
            rule = rules.REQUEST_NOT_WIDENED if request else rules.RESPONSE_NOT_NARROWED
            diff._emit(rule, f"{what}; {effect}, such as `{verdict.shown()}`", new.node, "not")
        elif verdict.overlap is None:
            message = f"{what}; could not decide whether {effect}"
            diff._emit(rules.NOT_UNDECIDED, message, new.node, "not")
