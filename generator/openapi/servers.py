"""Servers: where clients send their requests. A path item's `servers` override the document's, and an
operation's override both; each operation's effective servers are compared by their base paths (server
variables at their defaults), the part of the URL clients build every request on.

A change of the document's servers is one finding for all the operations under them on both sides at the same
path (an operation the differ paired by URL, its base path moved into its path, kept its URL); an operation (or
path item) that declares servers of its own on either side is judged apart, under its own label. Webhooks and
callbacks have no servers: the API calls the receiver's URL.

This module imports the walk's types only for annotations, so that rules.py can list its rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from generator.findings import Rule

if TYPE_CHECKING:
    from generator.openapi.walk import Context, Node, Operation

ALL_CHANGED = Rule(
    "api.servers-base-path-changed",
    "error",
    "Every server's base path changed (the document's, a path's or an operation's servers): every client's URL "
    "is wrong.",
)
ONE_REMOVED = Rule(
    "api.server-base-path-removed",
    "warning",
    "A server base path is gone while others remain (the document's, a path's or an operation's servers): "
    "clients configured with it get the wrong URL.",
)
RULES: tuple[Rule, ...] = (ALL_CHANGED, ONE_REMOVED)

_VARIABLE = re.compile(r"\{[^}/]*\}")


def base_paths(servers: Any) -> frozenset[str]:
    """The base path of every server of a `servers` list (variables at their defaults); none is the one server
    `/`, as OpenAPI says."""
    found: set[str] = set()
    for server in servers if isinstance(servers, list) else ():
        url = server.get("url") if isinstance(server, dict) else None
        if not isinstance(url, str):
            continue
        variables = server.get("variables") if isinstance(server.get("variables"), dict) else {}

        def default(match: re.Match[str], variables: dict[str, Any] = variables) -> str:
            variable = variables.get(match.group(0)[1:-1])
            return str(variable.get("default", "")) if isinstance(variable, dict) else match.group(0)

        url = _VARIABLE.sub(default, url)
        path = urlsplit(url).path if "://" in url or url.startswith("//") else url.split("?")[0].split("#")[0]
        found.add("/" + path.strip("/"))
    return frozenset(found or {"/"})


def _declared(item: Node, method: str) -> Node | None:
    """The `servers` that apply to an operation when it or its path item declares some (an empty list declares
    none), else None: the document's apply."""
    operation = item.value[method]
    if "servers" in operation and isinstance(operation["servers"], list) and operation["servers"]:
        return item.child(method, "servers")
    if "servers" in item.value and isinstance(item.value["servers"], list) and item.value["servers"]:
        return item.child("servers")
    return None


def moved(base: Node, head: Node) -> tuple[str, str] | None:
    """The document's base path in base and in head, when each has one and they differ (a path may have moved
    into it or out of it); else None."""
    before, after = base_paths(base.value.get("servers")), base_paths(head.value.get("servers"))
    if len(before) == 1 and len(after) == 1 and before != after:
        return next(iter(before)), next(iter(after))
    return None


def compare(ctx: Context, base: Node, head: Node, operations: Iterable[Operation]) -> None:
    """The document's servers once, for the operations under them on both sides at the same path, and every
    operation under servers of its own (or of its path)."""
    inherited = False
    for operation in operations:
        before = _declared(operation.old_item, operation.method)
        after = _declared(operation.new_item, operation.method)
        if before is None and after is None:
            inherited = inherited or not operation.moved  # moved: the same URL, written another way
            continue
        old = before.value if before is not None else base.value.get("servers")
        new = after.value if after is not None else head.value.get("servers")
        _judge(ctx, old, new, after or head.child("servers") or operation.new_item, operation.label)
    if inherited:
        _judge(ctx, base.value.get("servers"), head.value.get("servers"), head.child("servers") or head, None)


def _judge(ctx: Context, old: Any, new: Any, node: Node, label: str | None) -> None:
    before, after = base_paths(old), base_paths(new)
    gone = sorted(before - after)
    if not gone:
        return
    now = ", ".join(f"`{path}`" for path in sorted(after))
    if before & after:
        message = f"server base path {', '.join(f'`{p}`' for p in gone)} is gone (servers now at {now})"
        ctx.emit(ONE_REMOVED, message, node, label)
    else:
        was = ", ".join(f"`{path}`" for path in sorted(before))
        ctx.emit(ALL_CHANGED, f"every server's base path changed: {was} is now {now}", node, label)
