"""Walk two OpenAPI documents once, side by side, and judge every changed node with the rules of its kind.

Paths are matched as OpenAPI defines them: templates equal up to parameter names are the same path
(`/vehicles/{id}` and `/vehicles/{vehicleId}`); two of them in one document are ambiguous, a finding of their
own, and are paired by name first, then in sorted order, so that no result depends on the order of keys. When
the document's base path changed, the paths left over are paired again by URL (base path and path): a base path
that moved into the paths (`/v1` + `/users` -> `/` + `/v1/users`) moved no operation.
Operations are matched by method, parameters by location and name (path parameters by position), responses by
status, bodies by media type, webhooks by name, callbacks by name and expression. Identical subtrees are
skipped by equality before anything descends into them. Every mapping is walked in sorted order.

Webhooks and callbacks are walked with the roles reversed: there the API is the client. The request it sends
is judged by the response rules (receivers must understand it), the responses it receives by the request
rules (it must still accept them).

What belongs to every operation rather than to one is judged beside the walk, given the operations both sides
have: servers (the document's, a path's, an operation's) in servers.py, security requirements and schemes in
access.py. Response headers are compared here, as response values (in webhooks and callbacks as request ones).

With `changelog`, the same walk also notes every change that breaks nothing (rules.CHANGES, level info):
what was added, relaxed, deprecated. Without it, none of that is looked at, so a plain comparison costs
what it did.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from generator.findings import Finding, Rule, excerpt, sort_findings
from generator.openapi import access, notes, rules, servers
from generator.openapi.limits import DEFAULT, Limits
from generator.openapi.loader import Spec
from generator.openapi.schema_diff import SchemaDiff
from generator.openapi.walk import Context, Node, Operation

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_TEMPLATE = re.compile(r"\{[^}/]*\}")


def shape(template: str) -> str:
    return _TEMPLATE.sub("{}", template)


_MISSING = object()


class Item(NamedTuple):
    """A path item (or webhook, or callback expression) under the key it is written at."""

    key: str
    node: Node


def _items(ctx: Context, side: str, owner: Node | None) -> dict[str, list[Item]]:
    """The path items of a `paths`-like mapping, grouped by shape, each group in document order."""
    found: dict[str, list[Item]] = {}
    if owner is None or not isinstance(owner.value, dict):
        return found
    for key in owner.value:
        item = ctx.resolve(side, owner.child(key))
        if item is not None and isinstance(item.value, dict):
            found.setdefault(shape(str(key)), []).append(Item(str(key), item))
    return found


def _pairs(old: dict[str, list[Item]], new: dict[str, list[Item]]) -> Iterator[tuple[Item | None, Item | None]]:
    """Base and head items that are the same path, by shape in sorted order: within a shape, equal templates
    pair first, the rest in sorted order; what is left over was removed (head None) or added (base None)."""
    for group in sorted(old.keys() | new.keys()):
        before = {item.key: item for item in old.get(group, ())}
        after = {item.key: item for item in new.get(group, ())}
        for key in sorted(before.keys() & after.keys()):
            yield before[key], after[key]
        rest_old = [before[key] for key in sorted(before.keys() - after.keys())]
        rest_new = [after[key] for key in sorted(after.keys() - before.keys())]
        for index in range(max(len(rest_old), len(rest_new))):
            yield (
                rest_old[index] if index < len(rest_old) else None,
                rest_new[index] if index < len(rest_new) else None,
            )


def _by_url(items: Iterable[Item], base_path: str) -> dict[str, list[Item]]:
    found: dict[str, list[Item]] = {}
    for item in items:
        found.setdefault(shape(base_path.rstrip("/") + item.key), []).append(item)
    return found


def _path_pairs(
    old: dict[str, list[Item]], new: dict[str, list[Item]], base_paths: tuple[str, str] | None
) -> list[tuple[Item | None, Item | None]]:
    """`_pairs`; and when the document's base path changed (`base_paths`, old and new), the paths left over
    paired again by URL: `/v1` + `/users` moved to `/` + `/v1/users` is the same operation at the same URL."""
    pairs = list(_pairs(old, new))
    if base_paths is None:
        return pairs
    gone = [a for a, b in pairs if b is None and a is not None]
    added = [b for a, b in pairs if a is None and b is not None]
    kept = [(a, b) for a, b in pairs if a is not None and b is not None]
    return kept + list(_pairs(_by_url(gone, base_paths[0]), _by_url(added, base_paths[1])))


def _exact_pairs(old: dict[str, list[Item]], new: dict[str, list[Item]]) -> Iterator[tuple[Item | None, Item | None]]:
    """Items paired by their exact key (webhook names, callback expressions), in sorted order."""
    before = {item.key: item for items in old.values() for item in items}
    after = {item.key: item for items in new.values() for item in items}
    for key in sorted(before.keys() | after.keys()):
        yield before.get(key), after.get(key)


Labeller = Callable[[str, Item], str]  # (method, item) -> the operation's label in findings


def _label(method: str, item: Item) -> str:
    return f"{method.upper()} {item.key}"


def _callback_label(name: str, owner: str) -> Labeller:
    return lambda method, item: f"{method.upper()} {item.key} (callback `{name}` of {owner})"


def _operations(pairs: Iterable[tuple[Item | None, Item | None]], moved: bool) -> Iterator[Operation]:
    """The operations of paired path items that both sides have (`moved`: some were paired by URL)."""
    for old, new in pairs:
        if old is None or new is None:
            continue
        by_url = moved and shape(old.key) != shape(new.key)
        for method in METHODS:
            if method in old.node.value and method in new.node.value:
                yield Operation(method, new.key, old.node, new.node, by_url)


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
        self.roots = Node(base.root.data, base.root, ()), Node(head.root.data, head.root, ())

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
        base, head = self.roots
        self.ctx.report_broken()
        base_paths = _items(self.ctx, "base", base.child("paths"))
        head_paths = _items(self.ctx, "head", head.child("paths"))
        self._ambiguous(base_paths, head_paths)
        moved = servers.moved(base, head)
        pairs = _path_pairs(base_paths, head_paths, moved)
        servers.compare(self.ctx, base, head, _operations(pairs, moved is not None))  # streamed: a large
        access.document(self.ctx, base, head, _operations(pairs, moved is not None))  # document holds no more
        for old, new in pairs:
            self._path(old, new, _label, reverse=False)
        webhooks = _items(self.ctx, "base", base.child("webhooks")), _items(self.ctx, "head", head.child("webhooks"))
        for old, new in _exact_pairs(*webhooks):
            self._path(old, new, lambda method, item: f"{method.upper()} webhook `{item.key}`", reverse=True)

    def _path(self, old: Item | None, new: Item | None, label: Labeller, *, reverse: bool) -> None:
        """One path item (or webhook, or callback expression) on either side or both."""
        if new is None:
            assert old is not None
            for method in METHODS:
                operation = old.node.child(method)
                if operation is not None:
                    self._removed(label(method, old), operation, old.node)
            return
        if old is None:
            for method in METHODS if self.ctx.changelog else ():
                operation = new.node.child(method)
                if operation is not None:
                    notes.operation_added(self.ctx, label(method, new), operation)
            return
        if self.ctx.same(old.node, new.node):
            return
        for method in METHODS:
            before, after = old.node.child(method), new.node.child(method)
            if before is None:
                if after is not None and self.ctx.changelog:
                    notes.operation_added(self.ctx, label(method, new), after)
            elif after is None:
                self._removed(label(method, old), before, old.node)
            elif not (self.ctx.same(before, after) and self._same_path_parameters(old.node, new.node)):
                self._operation(label(method, new), old, before, new, after, reverse=reverse)

    def _ambiguous(self, base: dict[str, list[Item]], head: dict[str, list[Item]]) -> None:
        """Head templates equal up to parameter names to another one, unless the base had them already."""
        for group, items in head.items():
            if len(items) < 2:
                continue
            known = {item.key for item in base.get(group, ())}
            new = [item for item in items if item.key not in known]
            others = ", ".join(f"`{item.key}`" for item in sorted(items) if item not in new)
            for item in new if len(new) < len(items) else new[1:]:
                same = others or f"`{items[0].key}`"
                node = Node(item.node.value, self.ctx.head.root, ("paths", item.key))
                self.ctx.emit(
                    rules.AMBIGUOUS_PATH,
                    f"path `{item.key}` is the same path as {same} (templates equal up to parameter names)",
                    node,
                    None,
                )

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

    def _operation(self, label: str, old_item: Item, old: Node, new_item: Item, new: Node, *, reverse: bool) -> None:
        """`reverse`: a webhook or callback operation (the API sends the request and receives the responses)."""
        schemas = (notes.SchemaNotes if self.ctx.changelog else SchemaDiff)(self.ctx, label)
        old_id, new_id = old.value.get("operationId"), new.value.get("operationId")
        if old_id and new_id and old_id != new_id:
            self.ctx.emit(rules.OPERATION_ID_CHANGED, f"operationId `{old_id}` is now `{new_id}`", new, label)
        if self.ctx.changelog:
            notes.operation(self.ctx, label, old, new)
        if not reverse:
            access.operation(self.ctx, label, old, new, *self.roots)
        parameters = (
            self._parameter_map("base", old_item.key, old_item.node, old),
            self._parameter_map("head", new_item.key, new_item.node, new),
        )
        if reverse:
            self._sent_parameters(label, schemas, *parameters)
        else:
            self._parameters(label, schemas, *parameters, new)
        self._request_body(label, schemas, old, new, reverse=reverse)
        self._responses(label, schemas, old, new, reverse=reverse)
        self._callbacks(label, old, new, reverse=reverse)

    def _callbacks(self, label: str, old: Node, new: Node, *, reverse: bool) -> None:
        before, after = old.child("callbacks"), new.child("callbacks")
        if before is None or not isinstance(before.value, dict):
            return
        after_names = after.value if after is not None and isinstance(after.value, dict) else {}
        for name in sorted(before.value, key=str):
            old_callback = self.ctx.resolve("base", before.child(name))
            new_callback = self.ctx.resolve("head", after.child(name)) if after and name in after_names else None
            if old_callback is None:
                continue
            pairs = _exact_pairs(
                _items(self.ctx, "base", old_callback), _items(self.ctx, "head", new_callback) if new_callback else {}
            )
            for old_path, new_path in pairs:
                self._path(old_path, new_path, _callback_label(str(name), label), reverse=not reverse)

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
            else:
                self._default(label, f"{key[0]} parameter `{head.value.get('name')}`", parameter, head)
                if self.ctx.changelog:
                    notes.parameter(self.ctx, label, f"{key[0]} parameter `{head.value.get('name')}`", parameter, head)
            schemas.compare(
                _value_schema(parameter),
                _value_schema(head),
                "request",
                f"{key[0]} parameter `{head.value.get('name')}`",
                null=_null(head),
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

    def _default(self, label: str, where: str, old: Node, new: Node) -> None:
        """An optional parameter's default removed: the server no longer says what it assumes when a client leaves
        the parameter out."""
        before = self.ctx.resolve("base", _value_schema(old))
        after = self.ctx.resolve("head", _value_schema(new))
        if before is None or not isinstance(before.value, dict) or "default" not in before.value:
            return
        now = after.value.get("default", _MISSING) if after is not None and isinstance(after.value, dict) else _MISSING
        if now is not _MISSING:
            return  # kept, or replaced: the schema comparison says so (api.default-replaced)
        message = f"{where}: its default `{excerpt(before.value['default'])}` was removed"
        self.ctx.emit(rules.PARAMETER_DEFAULT_REMOVED, message, new, label)

    def _sent_parameters(
        self, label: str, schemas: SchemaDiff, old: dict[tuple[str, str], Node], new: dict[tuple[str, str], Node]
    ) -> None:
        """A webhook's or callback's parameters: what the API sends, judged as a response (adding is harmless)."""
        for key, parameter in old.items():
            name = parameter.value.get("name")
            head = new.get(key)
            always = parameter.value.get("required") is True
            if head is None or (always and head.value.get("required") is not True):
                what = "was removed" if head is None else "is no longer required (not always sent)"
                rule = rules.CALLBACK_PARAMETER_REMOVED if always else rules.CALLBACK_OPTIONAL_PARAMETER_REMOVED
                self.ctx.emit(rule, f"{key[0]} parameter `{name}` {what}", head or parameter, label)
            if head is not None:
                schemas.compare(
                    _value_schema(parameter),
                    _value_schema(head),
                    "response",
                    f"{key[0]} parameter `{name}`",
                    null=_null(head),
                )

    # --- request bodies --------------------------------------------------------------------------
    def _request_body(self, label: str, schemas: SchemaDiff, old: Node, new: Node, *, reverse: bool) -> None:
        before = self.ctx.resolve("base", old.child("requestBody"))
        after = self.ctx.resolve("head", new.child("requestBody"))
        had = before is not None and isinstance(before.value, dict)
        if after is None or not isinstance(after.value, dict):
            if had and before is not None:
                rule = rules.CALLBACK_BODY_REMOVED if reverse else rules.BODY_REMOVED
                self.ctx.emit(rule, "request body was removed", before, label)
            return
        was_required = had and before is not None and before.value.get("required") is True
        if reverse:
            if was_required and after.value.get("required") is not True:
                self.ctx.emit(rules.CALLBACK_BODY_REMOVED, "request body is no longer always sent", after, label)
        elif after.value.get("required") is True and not was_required:
            what = "became required" if before is not None else "is new and required"
            self.ctx.emit(rules.BODY_BECAME_REQUIRED, f"request body {what}", after, label)
        elif self.ctx.changelog:
            notes.request_body(self.ctx, label, before, after)
        if before is None or not had:
            return
        if reverse:  # what the API sends: receivers must understand it
            self._media(label, schemas, before, after, "response", "request body", rules.RESPONSE_MEDIA_TYPE_REMOVED)
        else:
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
        for media in sorted(old, key=str):
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
    def _responses(self, label: str, schemas: SchemaDiff, old: Node, new: Node, *, reverse: bool) -> None:
        """`reverse`: responses the API receives (from a webhook's or callback's receiver), judged as requests."""
        before, after = old.child("responses"), new.child("responses")
        if before is None or after is None or not isinstance(before.value, dict):
            return
        if self.ctx.changelog and isinstance(after.value, dict):
            notes.statuses_added(
                self.ctx, label, after, [status for status in after.value if status not in before.value]
            )
        for status in sorted(before.value, key=str):
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
                self._headers(label, schemas, old_response, new_response, status, reverse=reverse)
                self._media(
                    label,
                    schemas,
                    old_response,
                    new_response,
                    "request" if reverse else "response",
                    f"response {status}",
                    rules.REQUEST_MEDIA_TYPE_REMOVED if reverse else rules.RESPONSE_MEDIA_TYPE_REMOVED,
                )

    def _headers(self, label: str, schemas: SchemaDiff, old: Node, new: Node, status: str, *, reverse: bool) -> None:
        """A response's headers, by name in any case (`$ref`s to components/headers followed; `Content-Type` is
        not a header there, OpenAPI says). Clients read them: one gone, or no longer required, or whose value
        may now be other text, breaks them. `reverse`: headers the API receives (a webhook's or callback's
        response), judged as request headers."""
        before, after = _headers(self.ctx, "base", old), _headers(self.ctx, "head", new)
        if self.ctx.changelog:
            added = [after[key] for key in sorted(after.keys() - before.keys())]
            quiet = [name for name, header in added if not (reverse and _required(header))]  # else a finding
            notes.headers_added(self.ctx, label, new, quiet, status)
        for key in sorted(before.keys() | after.keys()):
            (name, was), (_, now) = before.get(key, ("", None)), after.get(key, ("", None))
            where = f"response {status}: header `{after[key][0] if key in after else name}`"
            if (key in before and was is None) or (key in after and now is None):
                continue  # a $ref that does not resolve: reported where it is written
            if reverse:
                self._received_header(label, schemas, where, was, now)
            elif now is None:
                assert was is not None
                rule = rules.RESPONSE_HEADER_REMOVED if _required(was) else rules.RESPONSE_OPTIONAL_HEADER_REMOVED
                self.ctx.emit(rule, f"{where} is no longer sent", was, label)
            elif was is not None:
                if _required(was) and not _required(now):
                    self.ctx.emit(rules.RESPONSE_HEADER_BECAME_OPTIONAL, f"{where} is no longer required", now, label)
                schemas.compare(_value_schema(was), _value_schema(now), "response", where, null=_null(now))

    def _received_header(self, label: str, schemas: SchemaDiff, where: str, was: Node | None, now: Node | None) -> None:
        """A header of a response the API receives: breaking when the API now requires what receivers may not
        send, or accepts less of it."""
        if now is None:
            assert was is not None
            self.ctx.emit(rules.PARAMETER_REMOVED, f"{where} was removed (receivers still send it)", was, label)
            return
        if _required(now) and (was is None or not _required(was)):
            rule = rules.PARAMETER_ADDED_REQUIRED if was is None else rules.PARAMETER_BECAME_REQUIRED
            self.ctx.emit(rule, f"{where} is {'new and' if was is None else 'now'} required", now, label)
        if was is not None:
            schemas.compare(_value_schema(was), _value_schema(now), "request", where, null=_null(now))


def _headers(ctx: Context, side: str, response: Node) -> dict[str, tuple[str, Node | None]]:
    """lower-case name -> (name, header resolved, None when its $ref does not resolve); of two names that differ
    only in case, the first in sorted order."""
    headers = response.value.get("headers")
    found: dict[str, tuple[str, Node | None]] = {}
    for name in sorted(headers, key=str) if isinstance(headers, dict) else ():
        key = str(name).lower()
        if key != "content-type" and key not in found:
            header = ctx.resolve(side, response.child("headers", name))
            found[key] = (str(name), header if header is not None and isinstance(header.value, dict) else None)
    return found


def _required(header: Node | None) -> bool:
    return header is not None and header.value.get("required") is True


def _value_schema(parameter: Node) -> Node | None:
    """The schema of a parameter's or header's value: its `schema`, or its (first) media type's."""
    schema = parameter.child("schema")
    if schema is not None:
        return schema
    content = parameter.value.get("content")
    if isinstance(content, dict) and content:
        return parameter.child("content", min(content, key=str), "schema")
    return None


def _null(parameter: Node) -> bool:
    """Whether a parameter's or header's value can be JSON null: not when it is written with `schema` (its value
    is text), only when it is serialized as a media type (`content`)."""
    return parameter.child("schema") is None


def ref_findings(spec: Spec) -> list[Finding]:
    """Every `$ref` of `spec` that the engine would read and cannot follow (remote, or naming nothing)."""
    ctx = Context(spec, spec)
    ctx.report_broken()
    return ctx.findings


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
