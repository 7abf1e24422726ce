"""Walk two OpenAPI documents once, side by side, and judge every changed node with the rules of its kind.

Paths are matched by shape (`/vehicles/{id}` and `/vehicles/{vehicleId}` are the same path), operations by
method, parameters by location and name (path parameters by position), responses by status, bodies by
media type. Identical subtrees are skipped by equality before anything descends into them.

With `changelog`, the same walk also notes every change that breaks nothing (rules.CHANGES, level info):
what was added, relaxed, deprecated. Without it, none of that is looked at, so a plain comparison costs
what it did.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from generator.findings import Finding, Rule, excerpt, sort_findings
from generator.openapi import notes, rules
from generator.openapi.limits import DEFAULT, Limits
from generator.openapi.loader import Spec
from generator.openapi.schema_diff import SchemaDiff
from generator.openapi.walk import Context, Node

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_TEMPLATE = re.compile(r"\{[^}/]*\}")


def shape(template: str) -> str:
    return _TEMPLATE.sub("{}", template)


def _paths(ctx: Context, side: str, spec: Spec) -> dict[str, tuple[str, Node]]:
    root = Node(spec.root.data, spec.root, ())
    paths = root.child("paths")
    found: dict[str, tuple[str, Node]] = {}
    if paths is None or not isinstance(paths.value, dict):
        return found
    for template in paths.value:
        item = ctx.resolve(side, paths.child(template))
        if item is not None and isinstance(item.value, dict):
            found.setdefault(shape(str(template)), (str(template), item))
    return found


def _sunset(operation: dict[str, Any], item: dict[str, Any]) -> datetime.date | str | None:
    """The date the operation may be removed after; the text as written when it is not a date (then no date
    has passed: removing the operation is breaking)."""
    raw = operation.get("x-sunset", item.get("x-sunset"))
    if isinstance(raw, (datetime.date, datetime.datetime)):
        return raw if isinstance(raw, datetime.date) and not isinstance(raw, datetime.datetime) else raw.date()
    try:
        return datetime.date.fromisoformat(str(raw)[:10]) if raw is not None else None
    except ValueError:
        return excerpt(raw)


class Differ:
    def __init__(
        self, base: Spec, head: Spec, today: datetime.date, limits: Limits = DEFAULT, *, changelog: bool = False
    ) -> None:
        self.ctx = Context(base, head, limits.findings, changelog=changelog)
        self.today = today

    def run(self) -> list[Finding]:
        """The findings, within the limits: past the findings cap the rest are counted, and a document nested
        too deeply to compare stops the comparison; either way one `api.limit` finding says so."""
        try:
            self._walk()
        except RecursionError:
            self._limit(f"{self.ctx.head.root.name} is nested too deeply to compare; nothing further was compared")
        if self.ctx.dropped:
            self._limit(
                f"{self.ctx.dropped} more finding(s) not shown: a comparison reports at most "
                f"{self.ctx.max_findings} (--max-findings)"
            )
        if self.ctx.dropped_notes:
            self._limit(
                f"{self.ctx.dropped_notes} more non-breaking change(s) not shown: a changelog lists at most "
                f"{self.ctx.max_findings} (--max-findings)"
            )
        return sort_findings(self.ctx.findings)

    def _limit(self, message: str) -> None:
        root = self.ctx.head.root
        self.ctx.findings.append(rules.LIMIT.at(root.name, 1, 1, message))

    def _walk(self) -> None:
        if self.ctx.changelog:
            notes.document(self.ctx)
        base_paths = _paths(self.ctx, "base", self.ctx.base)
        head_paths = _paths(self.ctx, "head", self.ctx.head)
        for key, (template, item) in base_paths.items():
            if key not in head_paths:
                for method in METHODS:
                    operation = item.child(method)
                    if operation is not None:
                        self._removed(f"{method.upper()} {template}", operation, item)
                continue
            head_template, head_item = head_paths[key]
            if self.ctx.same(item, head_item):
                continue
            for method in METHODS:
                old = item.child(method)
                if old is None:
                    added = head_item.child(method) if self.ctx.changelog else None
                    if added is not None:
                        notes.operation_added(self.ctx, f"{method.upper()} {head_template}", added)
                    continue
                new = head_item.child(method)
                if new is None:
                    self._removed(f"{method.upper()} {template}", old, item)
                elif not (self.ctx.same(old, new) and self._same_path_parameters(item, head_item)):
                    self._operation(
                        f"{method.upper()} {head_template}", template, head_template, item, old, head_item, new
                    )
        for key, (template, item) in head_paths.items() if self.ctx.changelog else ():
            if key not in base_paths:
                for method in METHODS:
                    operation = item.child(method)
                    if operation is not None:
                        notes.operation_added(self.ctx, f"{method.upper()} {template}", operation)

    def _same_path_parameters(self, old: Node, new: Node) -> bool:
        a, b = old.child("parameters"), new.child("parameters")
        return (a is None and b is None) or (a is not None and b is not None and self.ctx.same(a, b))

    # --- operations --------------------------------------------------------------------------------
    def _removed(self, label: str, operation: Node, item: Node) -> None:
        deprecated = operation.value.get("deprecated") is True or item.value.get("deprecated") is True
        sunset = _sunset(operation.value, item.value)
        if deprecated and isinstance(sunset, str):
            self.ctx.emit(
                rules.REMOVED_BEFORE_SUNSET,
                f"{label} was removed; its x-sunset `{sunset}` is not a date (YYYY-MM-DD)",
                operation,
                label,
            )
        elif deprecated and isinstance(sunset, datetime.date) and sunset > self.today:
            self.ctx.emit(
                rules.REMOVED_BEFORE_SUNSET, f"{label} was removed before its sunset date {sunset}", operation, label
            )
        elif deprecated:
            when = f" (sunset {sunset})" if sunset else ""
            self.ctx.emit(rules.DEPRECATED_REMOVED, f"deprecated {label} was removed{when}", operation, label)
        else:
            self.ctx.emit(rules.OPERATION_REMOVED, f"{label} was removed", operation, label)

    def _operation(
        self, label: str, old_template: str, new_template: str, old_item: Node, old: Node, new_item: Node, new: Node
    ) -> None:
        schemas = (notes.SchemaNotes if self.ctx.changelog else SchemaDiff)(self.ctx, label)
        old_id, new_id = old.value.get("operationId"), new.value.get("operationId")
        if old_id and new_id and old_id != new_id:
            self.ctx.emit(rules.OPERATION_ID_CHANGED, f"operationId `{old_id}` is now `{new_id}`", new, label)
        if self.ctx.changelog:
            notes.operation(self.ctx, label, old, new)
        self._parameters(
            label,
            schemas,
            self._parameter_map("base", old_template, old_item, old),
            self._parameter_map("head", new_template, new_item, new),
            new,
        )
        self._request_body(label, schemas, old, new)
        self._responses(label, schemas, old, new)

    # --- parameters ------------------------------------------------------------------------------
    def _parameter_map(self, side: str, template: str, item: Node, operation: Node) -> dict[tuple[str, str], Node]:
        """(in, name) -> parameter; path parameters keyed by their position in the template."""
        positions = {name[1:-1]: str(i) for i, name in enumerate(_TEMPLATE.findall(template))}
        found: dict[tuple[str, str], Node] = {}
        for owner in (item, operation):  # operation-level parameters override path-level ones
            listed = owner.child("parameters")
            for index in range(len(listed.value) if listed is not None and isinstance(listed.value, list) else 0):
                parameter = self.ctx.resolve(side, owner.child("parameters", index))
                if parameter is None or not isinstance(parameter.value, dict):
                    continue
                where, name = str(parameter.value.get("in", "")), str(parameter.value.get("name", ""))
                key = (
                    (where, positions.get(name, name))
                    if where == "path"
                    else (where, name.lower() if where == "header" else name)
                )
                found[key] = parameter
        return found

    def _parameters(
        self,
        label: str,
        schemas: SchemaDiff,
        old: dict[tuple[str, str], Node],
        new: dict[tuple[str, str], Node],
        operation: Node,
    ) -> None:
        for key, parameter in old.items():
            name = parameter.value.get("name")
            if key not in new:
                if key[0] != "path":
                    self.ctx.emit(rules.PARAMETER_REMOVED, f"{key[0]} parameter `{name}` was removed", parameter, label)
                continue
            head = new[key]
            if head.value.get("required") is True and parameter.value.get("required") is not True:
                self.ctx.emit(
                    rules.PARAMETER_BECAME_REQUIRED, f"{key[0]} parameter `{name}` is now required", head, label
                )
            elif self.ctx.changelog:
                notes.parameter(self.ctx, label, f"{key[0]} parameter `{head.value.get('name')}`", parameter, head)
            schemas.compare(
                self._parameter_schema(parameter),
                self._parameter_schema(head),
                "request",
                f"{key[0]} parameter `{head.value.get('name')}`",
                null=head.child("schema") is None,  # a parameter written as text never carries null
            )
        for key, parameter in new.items():
            if key not in old and parameter.value.get("required") is True:
                self.ctx.emit(
                    rules.PARAMETER_ADDED_REQUIRED,
                    f"new required {key[0]} parameter `{parameter.value.get('name')}`",
                    parameter,
                    label,
                )
            elif key not in old and self.ctx.changelog:
                notes.parameter_added(self.ctx, label, key[0], parameter.value.get("name"), parameter)

    @staticmethod
    def _parameter_schema(parameter: Node) -> Node | None:
        schema = parameter.child("schema")
        if schema is not None:
            return schema
        content = parameter.value.get("content")
        if isinstance(content, dict) and content:
            return parameter.child("content", next(iter(content)), "schema")
        return None

    # --- request bodies --------------------------------------------------------------------------
    def _request_body(self, label: str, schemas: SchemaDiff, old: Node, new: Node) -> None:
        before = self.ctx.resolve("base", old.child("requestBody"))
        after = self.ctx.resolve("head", new.child("requestBody"))
        if after is None or not isinstance(after.value, dict):
            if self.ctx.changelog and before is not None and isinstance(before.value, dict):
                notes.request_body_removed(self.ctx, label, before)
            return
        was_required = before is not None and before.value.get("required") is True
        if after.value.get("required") is True and not was_required:
            what = "became required" if before is not None else "is new and required"
            self.ctx.emit(rules.BODY_BECAME_REQUIRED, f"request body {what}", after, label)
        elif self.ctx.changelog:
            notes.request_body(self.ctx, label, before, after)
        if before is None or not isinstance(before.value, dict):
            return
        self._media(label, schemas, before, after, "request", "request body", rules.REQUEST_MEDIA_TYPE_REMOVED)

    def _media(
        self,
        label: str,
        schemas: SchemaDiff,
        before: Node,
        after: Node,
        direction: str,
        where: str,
        removed_rule: Rule,
    ) -> None:
        old, new = before.value.get("content") or {}, after.value.get("content") or {}
        if not isinstance(old, dict) or not isinstance(new, dict):
            return
        if self.ctx.changelog:
            notes.media_added(self.ctx, label, after, [media for media in new if media not in old], direction, where)
        for media in old:
            if media not in new:
                node = before.child("content", media)
                assert node is not None
                self.ctx.emit(removed_rule, f"{where}: media type `{media}` was removed", node, label)
            else:
                schemas.compare(
                    before.child("content", media, "schema"),
                    after.child("content", media, "schema"),
                    direction,
                    f"{where} ({media})" if len(old) > 1 else where,
                )

    # --- responses -------------------------------------------------------------------------------
    def _responses(self, label: str, schemas: SchemaDiff, old: Node, new: Node) -> None:
        before, after = old.child("responses"), new.child("responses")
        if before is None or after is None or not isinstance(before.value, dict):
            return
        if self.ctx.changelog and isinstance(after.value, dict):
            notes.statuses_added(
                self.ctx, label, after, [status for status in after.value if status not in before.value]
            )
        for status in before.value:
            old_response = self.ctx.resolve("base", before.child(status))
            new_response = self.ctx.resolve("head", after.child(status)) if status in after.value else None
            if old_response is None:
                continue
            if new_response is None:
                if str(status).upper().startswith("2"):
                    self.ctx.emit(
                        rules.SUCCESS_STATUS_REMOVED, f"success response {status} was removed", old_response, label
                    )
                elif self.ctx.changelog:
                    notes.status_removed(self.ctx, label, status, old_response)
                continue
            if isinstance(old_response.value, dict) and isinstance(new_response.value, dict):
                self._headers(label, old_response, new_response, status)
                self._media(
                    label,
                    schemas,
                    old_response,
                    new_response,
                    "response",
                    f"response {status}",
                    rules.RESPONSE_MEDIA_TYPE_REMOVED,
                )

    def _headers(self, label: str, old: Node, new: Node, status: str) -> None:
        before, after = old.value.get("headers") or {}, new.value.get("headers") or {}
        if not isinstance(before, dict) or not isinstance(after, dict):
            return
        kept = {name.lower() for name in after}
        if self.ctx.changelog:
            known = {name.lower() for name in before}
            notes.headers_added(self.ctx, label, new, [name for name in after if name.lower() not in known], status)
        for name in before:
            if name.lower() in kept:
                continue
            header = self.ctx.resolve("base", old.child("headers", name))
            required = header is not None and isinstance(header.value, dict) and header.value.get("required") is True
            rule = rules.RESPONSE_HEADER_REMOVED if required else rules.RESPONSE_OPTIONAL_HEADER_REMOVED
            self.ctx.emit(rule, f"response {status}: header `{name}` is no longer sent", header or old, label)


def diff(
    base: Spec,
    head: Spec,
    today: datetime.date | None = None,
    limits: Limits = DEFAULT,
    *,
    changelog: bool = False,
) -> list[Finding]:
    """Every breaking (error) and risky (warning) change from `base` to `head`; with `changelog`, also every
    other change clients may notice (info)."""
    return Differ(base, head, today or datetime.date.today(), limits, changelog=changelog).run()
