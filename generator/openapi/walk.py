"""What the differ and the schema comparison share: nodes that know where they are written, `$ref`
resolution against a spec, finding emission with positions, and the equality shortcut.

A `$dynamicRef` is followed as validators follow it: to the schema it names, like a `$ref`, unless that schema's
`$dynamicAnchor` is defined by several schemas of the contract; then to the one defined by the outermost schema
resource the comparison passed through to reach it (its dynamic scope, kept by `enter` and `leave`), so a generic
`PaginatedResource` with `items: {$dynamicRef: '#itemType'}` is compared with the item type of the response that
binds it. Where that cannot be decided (the binding resource defines the anchor twice), the warning
`api.dynamic-ref-undecided` says so and nothing behind it is compared: a guess could be a wrong error.

The shortcut: two subtrees whose raw data are equal, and every `$ref` they reach (transitively) names data
that are equal in base and head, cannot differ; they are skipped without descending.

A schema is known by what it says, not by the object that holds it (`same_content`, `meaning`): a copy of a
component written in place (inlined) is the component.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from generator.findings import Finding, Rule
from generator.openapi import rules
from generator.openapi.anchors import anchor_name, resources_of
from generator.openapi.contents import Contents
from generator.openapi.limits import DEFAULT
from generator.openapi.loader import Pointer, Source, Spec, is_remote, locate, refs_in, split_ref, walk
from generator.yamlio import to_json_pointer

if TYPE_CHECKING:
    from generator.openapi.schema_diff import View

_MAX_REF_HOPS = 64


def _shape(value: Any) -> tuple[Any, ...]:
    """A little of what a schema says (how many keywords, its type and $ref): equal schemas have equal shapes."""
    if not isinstance(value, dict):
        return (repr(value),)
    properties = value.get("properties")
    count = len(properties) if isinstance(properties, dict) else -1
    return len(value), repr(value.get("type")), repr(value.get("$ref")), count


def equal(a: Any, b: Any) -> bool:
    """Equal as JSON values: Python's == (C code, stopping at the first difference), but `true` is not 1."""
    return a is b or (a == b and _same_scalars(a, b))


def _same_scalars(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return all(_same_scalars(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return all(_same_scalars(x, y) for x, y in zip(a, b, strict=True))
    return isinstance(a, bool) == isinstance(b, bool)


@dataclass(frozen=True)
class Node:
    value: Any
    source: Source
    pointer: Pointer

    def child(self, *tokens: str | int) -> Node | None:
        value = self.value
        for token in tokens:
            found = (isinstance(value, dict) and token in value) or (
                isinstance(value, list) and isinstance(token, int) and token < len(value)
            )
            if not found:
                return None
            value = value[token]
        return Node(value, self.source, (*self.pointer, *map(str, tokens)))


class Operation(NamedTuple):
    """An operation on both sides of a comparison: `method` of the path items `old_item` and `new_item`; `path`
    as written in head. Its data are read as they are (`before`, `after`); nodes are made only for a finding."""

    method: str
    path: str
    old_item: Node
    new_item: Node
    moved: bool = False  # paired by URL: the document's base path moved into the path, or out of it

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def before(self) -> dict[str, Any]:
        return self.old_item.value[self.method]  # type: ignore[no-any-return]

    @property
    def after(self) -> dict[str, Any]:
        return self.new_item.value[self.method]  # type: ignore[no-any-return]


RefKey = tuple[str, Pointer, str]  # (file, JSON pointer, plain-name fragment: "" for a pointer)
Identity = tuple[str, int]  # (the file a node is written in, its content's number)
_REMOTE: RefKey = ("<remote>", (), "")
_DYNAMIC = "$dynamicRef"


class Context:
    """One comparison of two specs: resolution, findings, and memos."""

    def __init__(
        self, base: Spec, head: Spec, max_findings: int = DEFAULT.findings, *, changelog: bool = False
    ) -> None:
        self.base, self.head = base, head
        self.changelog = changelog  # also the changes that break nothing (CHANGES, level info)
        self.findings: list[Finding] = []
        self.max_findings, self.dropped = max_findings, 0
        self.notes, self.dropped_notes = 0, 0  # the changelog's notes, capped apart so they never crowd out errors
        self._reported: set[tuple[str, str, str]] = set()
        self._undecided: set[tuple[str, Pointer]] = set()  # $dynamicRefs said to be undecided
        self.scope: dict[str, list[tuple[Source, Pointer]]] = {"base": [], "head": []}  # see `enter`
        self.scoped = 0  # how many `$dynamicRef`s were followed by their scope (views.py keeps none of them)
        self._direct: dict[tuple[int, str], list[RefKey]] = {}
        self._pointers: dict[str, Pointer] = {}  # a `#/...` ref: its pointer (the same in every file)
        self._equal: dict[RefKey, bool] = {}
        self.views: dict[tuple[str, int], View | None] = {}  # effective schemas, by side and schema object
        self._targets: dict[tuple[Any, ...], tuple[Source, Pointer, Any] | None] = {}  # resolved $refs
        self.pairs: dict[tuple[Any, ...], Any] = {}  # schema pairs compared (SchemaDiff): their findings, relative
        self.contents = Contents()  # what schemas say, as numbers (meaning)

    def spec(self, side: str) -> Spec:
        return self.base if side == "base" else self.head

    # --- $ref resolution -------------------------------------------------------------------------
    def target(self, side: str, source: Source, ref: str, at: Pointer = ()) -> tuple[Source, Pointer, Any] | None:
        """What `ref`, written at `at` in `source`, names: its file, pointer and value."""
        # a plain-name fragment may be defined once per schema resource: which one depends on where the ref is
        plain = not ref.startswith("#/") and anchor_name(ref) is not None
        key = (side, source.relative, ref, at) if plain else (side, source.relative, ref)
        if key not in self._targets:
            found = locate(self.spec(side), source, ref, at)
            try:
                self._targets[key] = None if found is None else (*found, walk(found[0].data, found[1]))
            except (KeyError, IndexError, ValueError, TypeError):
                self._targets[key] = None
        return self._targets[key]

    def resolve(self, side: str, node: Node | None) -> Node | None:
        """Follow `$ref`s (and `$dynamicRef`s) until a real node; None (with a document finding) when a ref cannot
        be followed."""
        if node is None or type(node.value) is not dict or ("$ref" not in node.value and _DYNAMIC not in node.value):
            return node  # the common case, kept cheap
        for _ in range(_MAX_REF_HOPS + 1):  # up to _MAX_REF_HOPS refs followed, then the node they reach
            if node is None or not isinstance(node.value, dict):
                return node
            keyword = "$ref" if isinstance(node.value.get("$ref"), str) else _DYNAMIC
            ref = node.value.get(keyword)
            if not isinstance(ref, str):
                return node
            if is_remote(ref):
                self._document_problem(rules.REMOTE_REF, node, f"remote {keyword} `{ref}` is not followed")
                return None
            found = self.target(side, node.source, ref, node.pointer)
            if found is None and keyword == _DYNAMIC and anchor_name(ref) in self.spec(side).contested():
                self._undecided_dynamic(node, ref)  # defined twice where it is read: which one is not known
                return None
            if found is None:
                self._document_problem(rules.UNRESOLVED_REF, node, f"{keyword} `{ref}` does not resolve")
                return None
            if keyword == _DYNAMIC:
                found = self._dynamic(side, node, ref, found)
                if found is None:
                    return None
            node = Node(found[2], found[0], found[1])
        assert node is not None  # the loop returns on None
        self._document_problem(rules.UNRESOLVED_REF, node, "$ref chain does not end")
        return None

    def _dynamic(
        self, side: str, node: Node, ref: str, found: tuple[Source, Pointer, Any]
    ) -> tuple[Source, Pointer, Any] | None:
        """Where a `$dynamicRef` leads. Naming a `$dynamicAnchor` that several schemas define, it reaches the one
        defined by the outermost schema resource evaluation passed through (its dynamic scope: `enter`), as
        validators do; otherwise the schema it names, as a `$ref` does. None, with the warning that says it could
        not be decided, when that outermost resource defines the name twice."""
        name = anchor_name(ref)
        target = found[2]
        if name is None or not isinstance(target, dict) or target.get("$dynamicAnchor") != name:
            return found  # it behaves as a $ref
        if name not in self.spec(side).contested():
            return found
        self.scoped += 1  # what the node leads to depends on the scope: views.py does not keep it
        for source, resource in self.scope[side]:
            defined = [a for a in source.anchors(name) if a.dynamic and a.resource == resource]
            if len(defined) == 1:
                return source, defined[0].pointer, walk(source.data, defined[0].pointer)
            if defined:
                break  # the outermost resource that defines it defines it twice
        else:
            return found  # none evaluated before defines it: the one it names, entered next
        self._undecided_dynamic(node, ref)
        return None

    def _undecided_dynamic(self, node: Node, ref: str) -> None:
        if (node.source.relative, node.pointer) not in self._undecided:  # once, on either side
            self._undecided.add((node.source.relative, node.pointer))
            message = (
                f"$dynamicRef `{ref}`: the schema resource that binds it defines `$dynamicAnchor: "
                f"{anchor_name(ref)}` twice; which one it reaches could not be decided, so what lies behind it was "
                "not compared"
            )
            self.emit(rules.DYNAMIC_REF_UNDECIDED, message, node, None)

    # --- the dynamic scope: the schema resources a comparison passed through, outermost first ----------------
    def enter(self, side: str, *nodes: Node) -> int:
        """Add the schema resources evaluation enters at `nodes` (their file, the nearest `$id` around each, and
        so for every schema a `$ref` chain from them passes) to the side's dynamic scope, when the contract has a
        contested `$dynamicAnchor`; how many were added (for `leave`)."""
        if not self.spec(side).contested():
            return 0
        scope = self.scope[side]
        added = 0
        for node in (step for start in nodes for step in self._chain(side, start)):
            for resource in {(), resources_of(node.source.data, node.pointer)[-1]}:
                if not any(known is node.source and place == resource for known, place in scope):
                    scope.append((node.source, resource))
                    added += 1
        return added

    def _chain(self, side: str, node: Node) -> list[Node]:
        """`node` and every schema its `$ref`s lead through."""
        found = [node]
        while len(found) <= _MAX_REF_HOPS and isinstance(node.value, dict) and isinstance(node.value.get("$ref"), str):
            target = None if is_remote(node.value["$ref"]) else self.target(side, node.source, node.value["$ref"])
            if target is None:
                break
            node = Node(target[2], target[0], target[1])
            found.append(node)
        return found

    def leave(self, side: str, added: int) -> None:
        del self.scope[side][len(self.scope[side]) - added :]

    def bindings(self) -> tuple[Any, ...]:
        """What each contested `$dynamicAnchor` is bound to in the current scopes (() when none is contested)."""
        found: list[Any] = []
        for side in ("base", "head"):
            for name in sorted(self.spec(side).contested()):
                bound = next(
                    (
                        (source.relative, resource)
                        for source, resource in self.scope[side]
                        if any(a.dynamic and a.resource == resource for a in source.anchors(name))
                    ),
                    None,
                )
                found.append((side, name, bound))
        return tuple(found)

    def report_broken(self) -> None:
        """A finding for every `$ref` of the head that the engine would read and cannot follow (noted by the
        shape walk), also where nothing old is compared (an operation or a request body added)."""
        for source, pointer, value in self.head.broken:
            self.resolve("head", Node(value, source, pointer))

    def _document_problem(self, rule: Rule, node: Node, message: str) -> None:
        key = (rule.id, node.source.name, to_json_pointer(node.pointer))
        if key not in self._reported:
            self._reported.add(key)
            self.emit(rule, message, node, operation=None)

    # --- findings ------------------------------------------------------------------------------
    def emit(self, rule: Rule, message: str, node: Node, operation: str | None) -> None:
        if rule.level == "info":  # a changelog note (emitted only with `changelog`)
            if self.notes >= self.max_findings:
                self.dropped_notes += 1
                return
            self.notes += 1
        elif len(self.findings) - self.notes >= self.max_findings:
            self.dropped += 1
            return
        line, column = node.source.position(node.pointer)
        self.findings.append(
            Finding(
                rule.id,
                rule.level,
                node.source.name,
                line,
                column,
                message,
                operation=operation,
                pointer=to_json_pointer(node.pointer) or "/",
            )
        )

    # --- identity: what a node says, whatever object holds it ----------------------------------------
    def same_content(self, side: str, node: Node | None, other_side: str, other: Node | None) -> bool:
        """Whether two schemas say the same (written in the same file, `$ref`s at their top followed), whatever
        objects hold them: a copy of a component written in place is the component."""
        first, second = self.resolve(side, node), self.resolve(other_side, other)
        return (
            first is not None
            and second is not None
            and first.source.relative == second.source.relative
            and equal(first.value, second.value)
        )

    def shape(self, value: Any) -> tuple[Any, ...]:
        """Enough of a schema to tell most unequal ones apart cheaply; equal ones are then told by `equal`."""
        return _shape(value)

    def meaning(self, side: str, node: Node | None) -> Identity | None:
        """Like `identity`, but blind to what says nothing about values (descriptions, titles, examples,
        defaults, `x-` extensions): two schemas that differ only there accept the same values."""
        resolved = self.resolve(side, node)
        return None if resolved is None else (resolved.source.relative, self.contents.meaning(resolved.value))

    # --- the equality shortcut ---------------------------------------------------------------------
    def _direct_refs(self, source: Source, value: Any) -> list[RefKey]:
        key = (id(value), source.relative)
        found = self._direct.get(key)
        if found is None:
            found = self._direct[key] = []
            for ref in refs_in(value):
                if ref.startswith("#/"):  # the common case, kept cheap: each pointer split once
                    pointer = self._pointers.get(ref)
                    if pointer is None:
                        pointer = self._pointers[ref] = split_ref(ref, source)[1]
                    found.append((source.relative, pointer, ""))
                else:
                    found += self._ref_keys(source, ref)
        return found

    def _ref_keys(self, source: Source, ref: str) -> list[RefKey]:
        if is_remote(ref):
            return [_REMOTE]  # a remote ref is never "the same": the walk descends to it and reports it
        name = anchor_name(ref)
        if name is None:
            return [(*split_ref(ref, source), "")]
        # every file that defines the name on either side (a $dynamicRef may reach any of them)
        files = {*self.base.sources, *self.head.sources, split_ref(ref, source)[0]}
        return [(relative, (), name) for relative in sorted(files)]

    def _reached(self, spec: Spec, key: RefKey) -> list[tuple[Pointer, Any]]:
        """Where a ref key leads in `spec`, and the value there (every definition of a plain name, in order)."""
        source = spec.source(key[0])
        if source is None:
            raise KeyError(key[0])
        if not key[2]:
            return [(key[1], walk(source.data, key[1]))]
        return sorted((anchor.pointer, walk(source.data, anchor.pointer)) for anchor in source.anchors(key[2]))

    def _ref_equal(self, key: RefKey) -> bool:
        if key == _REMOTE:
            return False
        if key not in self._equal:
            base, head = self.base.source(key[0]), self.head.source(key[0])
            try:
                if key[2]:
                    self._equal[key] = self._reached(self.base, key) == self._reached(self.head, key)
                else:
                    self._equal[key] = (
                        base is not None and head is not None and walk(base.data, key[1]) == walk(head.data, key[1])
                    )
            except (KeyError, IndexError, ValueError, TypeError):
                self._equal[key] = False
        return self._equal[key]

    def same(self, base: Node, head: Node) -> bool:
        """True when the two subtrees and everything their refs reach are equal, so nothing can differ."""
        if base.source.relative != head.source.relative or base.value != head.value:
            return False
        pending = list(self._direct_refs(base.source, base.value))
        seen: set[RefKey] = set()
        while pending:
            key = pending.pop()
            if key in seen:
                continue
            seen.add(key)
            if not self._ref_equal(key):
                return False
            source = self.base.source(key[0])
            assert source is not None  # _ref_equal read it
            if key[2]:
                for _, value in self._reached(self.base, key):
                    pending.extend(self._direct_refs(source, value))
            else:
                pending.extend(self._direct_refs(source, walk(source.data, key[1])))
        return True
