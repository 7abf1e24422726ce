"""The changelog's notes: every change that breaks no client (rules.CHANGES, all at level info), found in the
same walk as the breaking ones when the comparison is asked for a changelog (`diff-api --changelog`).

The differ calls the functions here only with `changelog`, and then compares schemas with SchemaNotes (which
adds the notes on each schema pair it compares) instead of SchemaDiff. Without a changelog nothing here runs,
so `validate` and plain `diff-api` report and cost what they did.

A note is placed where the change is written: what was added or changed in the head document, what was
removed in the base.
"""

from __future__ import annotations

from typing import Any

from generator.findings import Rule, excerpt
from generator.openapi import patterns, rules
from generator.openapi.schema_diff import MAXIMA, MINIMA, SchemaDiff, View, _covered, _show
from generator.openapi.walk import Context, Node

_MISSING = object()


def _names(values: Any) -> list[str]:
    return [str(v) for v in values] if isinstance(values, list) else []


def _shown(value: Any) -> str:
    return "none" if value is _MISSING else f"`{excerpt(value)}`"


# --- operations ----------------------------------------------------------------------------------
def operation_added(ctx: Context, label: str, operation: Node) -> None:
    deprecated = " (deprecated)" if operation.value.get("deprecated") is True else ""
    ctx.emit(rules.OPERATION_ADDED, f"{label} was added{deprecated}", operation, label)


def operation(ctx: Context, label: str, old: Node, new: Node) -> None:
    """Deprecation, operationId and tags (security requirements: access.py)."""
    was, now = old.value.get("deprecated") is True, new.value.get("deprecated") is True
    if now and not was:
        sunset = new.value.get("x-sunset")
        when = f" (sunset {excerpt(sunset)})" if sunset is not None else ""
        ctx.emit(rules.OPERATION_DEPRECATED, f"{label} is deprecated{when}", new.child("deprecated") or new, label)
    elif was and not now:
        ctx.emit(rules.OPERATION_REACTIVATED, f"{label} is no longer deprecated", new, label)
    old_id, new_id = old.value.get("operationId"), new.value.get("operationId")
    if new_id and not old_id:
        ctx.emit(
            rules.OPERATION_ID_ADDED, f"operationId `{excerpt(new_id)}` added", new.child("operationId") or new, label
        )
    elif old_id and not new_id:
        ctx.emit(
            rules.OPERATION_ID_REMOVED,
            f"operationId `{excerpt(old_id)}` removed",
            old.child("operationId") or old,
            label,
        )
    old_tags, new_tags = _names(old.value.get("tags")), _names(new.value.get("tags"))
    for tag in [t for t in new_tags if t not in old_tags]:
        ctx.emit(rules.TAG_ADDED, f"tag `{excerpt(tag)}` added", new.child("tags") or new, label)
    for tag in [t for t in old_tags if t not in new_tags]:
        ctx.emit(rules.TAG_REMOVED, f"tag `{excerpt(tag)}` removed", old.child("tags") or old, label)


# --- parameters, bodies, responses ---------------------------------------------------------------
def parameter(ctx: Context, label: str, name: str, old: Node, new: Node) -> None:
    """A parameter on both sides (one that became required is the differ's finding, not a note)."""
    if old.value.get("required") is True and new.value.get("required") is not True:
        ctx.emit(rules.PARAMETER_BECAME_OPTIONAL, f"{name} is now optional", new, label)
    was, now = old.value.get("deprecated") is True, new.value.get("deprecated") is True
    if now and not was:
        ctx.emit(rules.PARAMETER_DEPRECATED, f"{name} is deprecated", new.child("deprecated") or new, label)
    elif was and not now:
        ctx.emit(rules.PARAMETER_REACTIVATED, f"{name} is no longer deprecated", new, label)


def parameter_added(ctx: Context, label: str, where: str, name: object, node: Node) -> None:
    ctx.emit(rules.PARAMETER_ADDED, f"new optional {where} parameter `{name}`", node, label)


def request_body(ctx: Context, label: str, before: Node | None, after: Node) -> None:
    """A request body in head that did not become required (that is the differ's finding)."""
    if before is None or not isinstance(before.value, dict):
        ctx.emit(rules.BODY_ADDED, "optional request body added", after, label)
    elif before.value.get("required") is True and after.value.get("required") is not True:
        ctx.emit(rules.BODY_BECAME_OPTIONAL, "request body is now optional", after, label)


def media_added(ctx: Context, label: str, after: Node, media: list[str], direction: str, where: str) -> None:
    rule = rules.REQUEST_MEDIA_TYPE_ADDED if direction == "request" else rules.RESPONSE_MEDIA_TYPE_ADDED
    for name in media:
        ctx.emit(rule, f"{where}: media type `{excerpt(name)}` was added", after.child("content", name) or after, label)


def statuses_added(ctx: Context, label: str, responses: Node, statuses: list[str]) -> None:
    for status in statuses:
        kind = "success response" if str(status).startswith("2") else "response"
        node = responses.child(status) or responses
        ctx.emit(rules.RESPONSE_STATUS_ADDED, f"{kind} {excerpt(status)} was added", node, label)


def status_removed(ctx: Context, label: str, status: str, response: Node) -> None:
    """A non-success status (a success one is the differ's finding)."""
    ctx.emit(rules.RESPONSE_STATUS_REMOVED, f"response {excerpt(status)} was removed", response, label)


def headers_added(ctx: Context, label: str, response: Node, names: list[str], status: str) -> None:
    for name in names:
        node = response.child("headers", name) or response
        ctx.emit(rules.RESPONSE_HEADER_ADDED, f"response {status}: header `{excerpt(name)}` was added", node, label)


# --- schemas -------------------------------------------------------------------------------------
def _above(a: Any, b: Any) -> bool:
    try:
        return bool(a > b)
    except TypeError:  # not numbers: nothing to say about their order
        return False


class SchemaNotes(SchemaDiff):
    """SchemaDiff that also notes, on each schema pair it compares, the changes that break nothing."""

    def _note(self, rule: Rule, message: str, node: Node, keyword: str | None = None) -> None:
        self._emit(rule, message, node, keyword)

    def _noted(self, old: View, new: View, direction: str, where: str, retyped: bool) -> None:
        self._annotations(old, new, where)
        if old.variants is not None or new.variants is not None:
            self._variants(old, new, direction, where)
            self._nullable(old, new, direction, where)
            return
        if retyped:
            return  # below a changed type, differences are consequences, not news
        self._nullable(old, new, direction, where)
        if direction == "request":
            self._request_notes(old, new, where)
        else:
            self._response_notes(old, new, where)

    def _annotations(self, old: View, new: View, where: str) -> None:
        """What the schema itself says in either direction: its default value and deprecation."""
        before, after = old.node.value, new.node.value
        was, now = before.get("default", _MISSING), after.get("default", _MISSING)
        if was != now and _MISSING in (was, now):  # replaced: rules.DEFAULT_REPLACED, a warning
            at = new.node if now is not _MISSING else old.node
            message = f"{where}: default {_shown(was)} -> {_shown(now)}"
            self._note(rules.DEFAULT_CHANGED, message, at, "default" if now is not _MISSING else None)
        deprecated, now_deprecated = before.get("deprecated") is True, after.get("deprecated") is True
        if now_deprecated and not deprecated:
            self._note(rules.PROPERTY_DEPRECATED, f"{where} is deprecated", new.node, "deprecated")
        elif deprecated and not now_deprecated:
            self._note(rules.PROPERTY_REACTIVATED, f"{where} is no longer deprecated", new.node)

    def _variants(self, old: View, new: View, direction: str, where: str) -> None:
        _, removed, added = self.pair(old, new)
        if direction == "request" and added:
            self._note(rules.REQUEST_VARIANT_ADDED, f"{where}: {len(added)} alternative(s) added", new.node)
        if direction == "response" and removed:
            message = f"{where}: {len(removed)} of its alternatives were removed"
            self._note(rules.RESPONSE_VARIANT_REMOVED, message, new.node)

    def _nullable(self, old: View, new: View, direction: str, where: str) -> None:
        if not self.null:
            return  # a parameter's or header's text value is never null
        if direction == "request" and new.nullable and not old.nullable:
            self._note(rules.REQUEST_BECAME_NULLABLE, f"{where} now accepts null", new.node)
        if direction == "response" and old.nullable and not new.nullable:
            self._note(rules.RESPONSE_BECAME_NON_NULLABLE, f"{where} is no longer null", new.node)

    def _request_notes(self, old: View, new: View, where: str) -> None:
        at = new.node
        if old.types is not None:
            gained = _covered(new.types, old.types) if new.types is not None else None
            if gained is None:
                self._note(rules.REQUEST_TYPE_WIDENED, f"{where} now accepts any type", at)
            elif gained:
                self._note(rules.REQUEST_TYPE_WIDENED, f"{where} now also accepts {_show(sorted(gained))}", at)
        if old.enum is not None:
            added = [v for v in new.enum if v not in old.enum] if new.enum is not None else None
            if added is None:
                self._note(rules.REQUEST_ENUM_VALUE_ADDED, f"{where} is no longer limited to {_show(old.enum)}", at)
            elif added:
                self._note(rules.REQUEST_ENUM_VALUE_ADDED, f"{where} now also accepts {_show(added)}", at, "enum")
        for key in MAXIMA:
            if key in old.limits and (key not in new.limits or _above(new.limits[key], old.limits[key])):
                self._limit(rules.REQUEST_MAX_INCREASED, old, new, key, where)
        for key in MINIMA:
            if key in old.limits and (key not in new.limits or _above(old.limits[key], new.limits[key])):
                self._limit(rules.REQUEST_MIN_DECREASED, old, new, key, where)
        if old.pattern is not None and new.pattern is None:
            self._note(rules.REQUEST_PATTERN_REMOVED, f"{where} no longer has to match `{excerpt(old.pattern)}`", at)
        if old.additional is False and new.additional is not False:
            self._note(rules.REQUEST_ADDITIONAL_PROPERTIES_OPENED, f"{where} now accepts other properties", at)
        for name, node in new.properties.items():
            if self._read_only(node):
                continue
            if name not in old.properties and name not in new.required:
                self._note(rules.REQUEST_PROPERTY_ADDED, f"{where}: new optional property `{name}`", node)
            elif name in old.properties and name in old.required and name not in new.required:
                self._note(rules.REQUEST_PROPERTY_BECAME_OPTIONAL, f"{where}: property `{name}` is now optional", node)
        for name, node in old.properties.items():
            if name not in new.properties and not self._read_only(node):
                self._note(rules.REQUEST_PROPERTY_REMOVED, f"{where}: property `{name}` was removed", node)

    def _limit(self, rule: Rule, old: View, new: View, key: str, where: str) -> None:
        now = new.limits.get(key, _MISSING)
        message = f"{where}: {key} {_plain(old.limits.get(key, _MISSING))} -> {_plain(now)}"
        self._note(rule, message, new.node, key if now is not _MISSING else None)

    def _response_notes(self, old: View, new: View, where: str) -> None:
        at = new.node
        if new.types is not None:
            lost = _covered(old.types, new.types) if old.types is not None else None
            if lost is None:
                self._note(rules.RESPONSE_TYPE_NARROWED, f"{where} is now limited to {_show(sorted(new.types))}", at)
            elif lost:
                self._note(rules.RESPONSE_TYPE_NARROWED, f"{where} can no longer be {_show(sorted(lost))}", at)
        if new.enum is not None:
            removed = [v for v in old.enum if v not in new.enum] if old.enum is not None else None
            if removed is None:
                self._note(
                    rules.RESPONSE_ENUM_VALUE_REMOVED, f"{where} is now limited to {_show(new.enum)}", at, "enum"
                )
            elif removed:
                self._note(rules.RESPONSE_ENUM_VALUE_REMOVED, f"{where} can no longer be {_show(removed)}", at, "enum")
        for key in MAXIMA:  # tightened only: a widened range is rules.RESPONSE_RANGE_WIDENED, a warning
            if key in new.limits and (key not in old.limits or _above(old.limits[key], new.limits[key])):
                self._limit(rules.RESPONSE_CONSTRAINT_CHANGED, old, new, key, where)
        for key in MINIMA:
            if key in new.limits and (key not in old.limits or _above(new.limits[key], old.limits[key])):
                self._limit(rules.RESPONSE_CONSTRAINT_CHANGED, old, new, key, where)
        if new.pattern is not None and old.pattern != new.pattern and patterns.covers(new.pattern, old.pattern):
            message = f"{where}: pattern {_shown(old.pattern or _MISSING)} -> {_shown(new.pattern)}"
            self._note(rules.RESPONSE_CONSTRAINT_CHANGED, message, at, "pattern")
        for name, node in new.properties.items():
            if self._write_only(node):
                continue
            if name not in old.properties:
                required = " (required)" if name in new.required else ""
                self._note(rules.RESPONSE_PROPERTY_ADDED, f"{where}: new property `{name}`{required}", node)
            elif name in new.required and name not in old.required:
                self._note(rules.RESPONSE_PROPERTY_BECAME_REQUIRED, f"{where}: property `{name}` is now required", node)


def _plain(value: Any) -> str:
    return "none" if value is _MISSING else excerpt(value)
