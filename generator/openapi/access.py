"""Security: who may call an operation (its requirements) and how clients authenticate (the schemes of
components/securitySchemes).

Requirements: an operation's `security` overrides the document's default; each lists alternatives, each
alternative the schemes (with scopes) a client must satisfy together. A change refuses clients when an old
alternative is met by no new one (a scheme or scope added, security where there was none); another way in, or
less security, refuses nobody and is a changelog note. The document's default is judged once, for the
operations under it on both sides.

Schemes: a scheme that operations require on both sides whose definition changed so that clients configured
for the old one fail (its type, an API key's name or place, an HTTP scheme, an OAuth2 flow or a scope removed,
a token or discovery URL moved), or that was removed from components while still required. Each change is one
finding naming the scheme and the operations that require it, placed where the change is written.

Webhooks and callbacks are not judged here: there the API is the client, and their `security` says how it
authenticates to the receiver. This module imports the walk's types only for annotations, so that rules.py can
list its rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from generator.findings import Rule, excerpt

if TYPE_CHECKING:
    from generator.openapi.walk import Context, Node, Operation

REQUIREMENT_ADDED = Rule(
    "api.security-requirement-added",
    "error",
    "A security requirement (of the document or an operation) refuses clients that met the old one: a scheme "
    "or scope added, or security where there was none.",
)
SCHEME_REMOVED = Rule(
    "api.security-scheme-removed",
    "error",
    "A security scheme that operations still require was removed from components/securitySchemes.",
)
SCHEME_TYPE_CHANGED = Rule(
    "api.security-scheme-type-changed",
    "error",
    "A security scheme in use changed its type (apiKey, http, oauth2, openIdConnect, mutualTLS): clients "
    "authenticate the old way.",
)
API_KEY_CHANGED = Rule(
    "api.security-scheme-api-key-changed",
    "error",
    "An apiKey scheme in use changed its `name` or `in`: clients send the key where it is no longer read.",
)
HTTP_SCHEME_CHANGED = Rule(
    "api.security-scheme-http-changed",
    "error",
    "An http scheme in use changed its `scheme` (basic, bearer, ...): clients send credentials of the old kind.",
)
FLOW_REMOVED = Rule(
    "api.security-scheme-flow-removed",
    "error",
    "An OAuth2 flow of a scheme in use was removed: clients that obtain their tokens with it fail.",
)
SCOPE_REMOVED = Rule(
    "api.security-scope-removed",
    "error",
    "A scope that operations' requirements use was removed from an OAuth2 flow: clients asking for it are "
    "refused a token.",
)
URL_CHANGED = Rule(
    "api.security-scheme-url-changed",
    "warning",
    "An OAuth2 flow's authorizationUrl, tokenUrl or refreshUrl, or an openIdConnectUrl, of a scheme in use "
    "changed: clients configured with the old URL fail unless it still answers.",
)
RULES: tuple[Rule, ...] = (
    REQUIREMENT_ADDED,
    SCHEME_REMOVED,
    SCHEME_TYPE_CHANGED,
    API_KEY_CHANGED,
    HTTP_SCHEME_CHANGED,
    FLOW_REMOVED,
    SCOPE_REMOVED,
    URL_CHANGED,
)

# The changelog's notes (only with `changelog`)
ADDED = Rule("api.security-added", "info", "An operation's security requirements gained a scheme or a scope.")
REMOVED = Rule("api.security-removed", "info", "An operation's security requirements lost a scheme or a scope.")
CHANGES: tuple[Rule, ...] = (ADDED, REMOVED)

Requirement = dict[str, frozenset[str]]  # one alternative: scheme -> scopes
_FLOW_URLS = ("authorizationUrl", "tokenUrl", "refreshUrl")
_SHOWN_OPERATIONS = 5


# --- requirements ------------------------------------------------------------------------------------
def requirements(value: Any) -> list[Requirement]:
    """The alternatives of a `security` list; none at all is one empty alternative (no authentication)."""
    found = [
        {str(scheme): frozenset(map(str, scopes if isinstance(scopes, list) else ())) for scheme, scopes in r.items()}
        for r in (value if isinstance(value, list) else ())
        if isinstance(r, dict)
    ]
    return found or [{}]


def _refused(old: Any, new: Any) -> list[Requirement]:
    """The old alternatives that meet no new one: clients authenticating only that way are now refused."""
    after = requirements(new)

    def met(alternative: Requirement, by: Requirement) -> bool:
        return all(scheme in by and scopes <= by[scheme] for scheme, scopes in alternative.items())

    return [a for a in requirements(old) if not any(met(b, a) for b in after)]


def _shown(alternative: Requirement) -> str:
    if not alternative:
        return "no authentication"
    return " + ".join(
        f"`{scheme}`" + (f" ({', '.join(sorted(scopes))})" if scopes else "")
        for scheme, scopes in sorted(alternative.items())
    )


def _effective(operation: dict[str, Any], root: Node) -> Any:
    """The `security` that applies to an operation: its own, or the document's default."""
    return operation["security"] if "security" in operation else root.value.get("security")


def _judge(ctx: Context, old: Node, new: Node, node: Node, label: str | None, where: str) -> None:
    """A finding per refused alternative; without one, with `changelog`, the notes of what moved."""
    before, after = old.value.get("security"), new.value.get("security")
    refused = _refused(before, after)
    if refused:
        required = " or ".join(sorted(_shown(a) for a in requirements(after)))
        for alternative in sorted(refused, key=_shown):
            message = f"{where} now requires {required}; clients using {_shown(alternative)} are refused"
            ctx.emit(REQUIREMENT_ADDED, message, node, label)
    elif ctx.changelog:
        _notes(ctx, label, where, old, new)


def _schemes_of(node: Node | None) -> dict[str, set[str]]:
    """scheme -> scopes of a `security` list (its alternatives read together: a changelog says what moved)."""
    found: dict[str, set[str]] = {}
    for requirement in node.value if node is not None and isinstance(node.value, list) else ():
        for scheme, scopes in requirement.items() if isinstance(requirement, dict) else ():
            found.setdefault(str(scheme), set()).update(map(str, scopes if isinstance(scopes, list) else ()))
    return found


def _notes(ctx: Context, label: str | None, where: str, before: Node, after: Node) -> None:
    old, new = _schemes_of(before.child("security")), _schemes_of(after.child("security"))
    added_at, removed_at = after.child("security") or after, before.child("security") or before
    for scheme in sorted(new.keys() - old.keys()):
        ctx.emit(ADDED, f"{where} scheme `{scheme}` added", added_at, label)
    for scheme in sorted(old.keys() - new.keys()):
        ctx.emit(REMOVED, f"{where} scheme `{scheme}` removed", removed_at, label)
    for scheme in sorted(old.keys() & new.keys()):
        for scope in sorted(new[scheme] - old[scheme]):
            ctx.emit(ADDED, f"scope `{scope}` of {where} scheme `{scheme}` added", added_at, label)
        for scope in sorted(old[scheme] - new[scheme]):
            ctx.emit(REMOVED, f"scope `{scope}` of {where} scheme `{scheme}` removed", removed_at, label)


def operation(ctx: Context, label: str, old: Node, new: Node, base: Node, head: Node) -> None:
    """An operation's own requirements (on either side; `base` and `head` are the documents' roots)."""
    if "security" not in old.value and "security" not in new.value:
        return  # the document's default applies on both sides: judged once, in `document`
    if old.value.get("security") == new.value.get("security"):
        return
    before = old if "security" in old.value else base
    after = new if "security" in new.value else head
    _judge(ctx, before, after, new.child("security") or head.child("security") or new, label, "security")


def document(ctx: Context, base: Node, head: Node, operations: Iterable[Operation]) -> None:
    """The document's default requirements, once, when some operation is under them on both sides; and the
    schemes of components/securitySchemes."""
    default = base.value.get("security") != head.value.get("security")
    before, after = base.child("components", "securitySchemes"), head.child("components", "securitySchemes")
    schemes = before is not None and not (after is not None and ctx.same(before, after))
    if not (default or schemes):
        return  # the common case: nothing the operations share changed
    operations = list(operations)
    if default and any("security" not in op.before and "security" not in op.after for op in operations):
        _judge(ctx, base, head, head.child("security") or head, None, "default security")
    if before is not None and schemes:
        _Schemes(ctx, base, head, before, after).compare(operations)


# --- schemes -------------------------------------------------------------------------------------------
def _listed(labels: Iterable[str]) -> str:
    shown = sorted(set(labels))
    more = len(shown) - _SHOWN_OPERATIONS
    return ", ".join(shown[:_SHOWN_OPERATIONS]) + (f" and {more} more" if more > 0 else "")


def _keys(value: Any) -> set[str]:
    return {str(key) for key in value} if isinstance(value, dict) else set()


def _text(value: Any) -> str:
    return "none" if value is None else f"`{excerpt(value)}`"


class _Schemes:
    """The schemes of components/securitySchemes on both sides, judged for the operations that require them."""

    def __init__(self, ctx: Context, base: Node, head: Node, before: Node, after: Node | None) -> None:
        self.ctx, self.base, self.head, self.before, self.after = ctx, base, head, before, after
        self.users: dict[str, set[str]] = defaultdict(set)  # scheme -> operations requiring it on both sides
        self.scopes: dict[tuple[str, str], set[str]] = defaultdict(set)  # (scheme, scope) -> operations

    def compare(self, operations: Iterable[Operation]) -> None:
        for op in operations:
            was = requirements(_effective(op.before, self.base))
            now = requirements(_effective(op.after, self.head))
            for scheme in {s for a in was for s in a} & {s for a in now for s in a}:
                self.users[scheme].add(op.label)
                for scope in {scope for a in (*was, *now) for scope in a.get(scheme, ())}:
                    self.scopes[scheme, scope].add(op.label)
        for name in sorted(self.users):
            old = self.ctx.resolve("base", self.before.child(name))
            if old is None or not isinstance(old.value, dict):
                continue  # not defined in base: what clients do with it is not known
            new = self.ctx.resolve("head", self.after.child(name)) if self.after is not None else None
            if new is not None and self.ctx.same(old, new):
                continue
            if new is None or not isinstance(new.value, dict):
                message = f"security scheme `{name}` was removed; {_listed(self.users[name])} still require it"
                self.ctx.emit(SCHEME_REMOVED, message, old, None)
            else:
                self._scheme(name, old, new)

    def _emit(self, rule: Rule, name: str, what: str, node: Node, users: Iterable[str] | None = None) -> None:
        used = _listed(self.users[name] if users is None else users)
        self.ctx.emit(rule, f"security scheme `{name}`: {what} (used by {used})", node, None)

    def _scheme(self, name: str, old: Node, new: Node) -> None:
        kind = old.value.get("type")
        if new.value.get("type") != kind:
            what = f"type {_text(kind)} -> {_text(new.value.get('type'))}"
            self._emit(SCHEME_TYPE_CHANGED, name, what, new.child("type") or new)
        elif kind == "apiKey":
            self._api_key(name, old, new)
        elif kind == "http":
            scheme, now = old.value.get("scheme"), new.value.get("scheme")
            if str(scheme).lower() != str(now).lower():  # HTTP authentication schemes are case-insensitive
                what = f"http scheme {_text(scheme)} -> {_text(now)}"
                self._emit(HTTP_SCHEME_CHANGED, name, what, new.child("scheme") or new)
        elif kind == "oauth2":
            self._flows(name, old, new)
        elif kind == "openIdConnect":
            self._url(name, old, new, "openIdConnectUrl", "")

    def _api_key(self, name: str, old: Node, new: Node) -> None:
        where, now_where = old.value.get("in"), new.value.get("in")
        key, now_key = old.value.get("name"), new.value.get("name")
        same_key = key == now_key or (
            where == now_where == "header" and isinstance(key, str) and str(now_key).lower() == key.lower()
        )
        if where != now_where or not same_key:
            what = (
                f"the API key now goes in {excerpt(now_where)} {_text(now_key)}, not in {excerpt(where)} {_text(key)}"
            )
            self._emit(API_KEY_CHANGED, name, what, new.child("in" if where != now_where else "name") or new)

    def _flows(self, name: str, old: Node, new: Node) -> None:
        for flow in sorted(_keys(old.value.get("flows"))):
            was = old.child("flows", flow)
            now = new.child("flows", flow)
            if was is None or not isinstance(was.value, dict):
                continue
            if now is None or not isinstance(now.value, dict):
                self._emit(FLOW_REMOVED, name, f"its `{flow}` flow was removed", was)
                continue
            for url in _FLOW_URLS:
                self._url(name, was, now, url, f"`{flow}` flow's ")
            scopes, kept = _keys(was.value.get("scopes")), _keys(now.value.get("scopes"))
            for scope in sorted(scopes - kept):
                users = self.scopes.get((name, scope))
                if users:
                    what = f"scope `{scope}` was removed from its `{flow}` flow"
                    self._emit(SCOPE_REMOVED, name, what, was.child("scopes", scope) or was, users)

    def _url(self, name: str, old: Node, new: Node, key: str, where: str) -> None:
        was, now = old.value.get(key), new.value.get(key)
        if was is not None and was != now:
            self._emit(URL_CHANGED, name, f"{where}{key} {_text(was)} -> {_text(now)}", new.child(key) or new)
