"""What the differ and the schema comparison share: nodes that know where they are written, `$ref`
resolution against a spec, finding emission with positions, and the equality shortcut.

The shortcut: two subtrees whose raw data are equal, and every `$ref` they reach (transitively) names data
that are equal in base and head, cannot differ; they are skipped without descending.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from generator.findings import Finding, Rule
from generator.openapi import rules
from generator.openapi.limits import DEFAULT
from generator.openapi.loader import Pointer, Source, Spec, is_remote, refs_in, split_ref, walk
from generator.yamlio import to_json_pointer

if TYPE_CHECKING:
    from generator.openapi.schema_diff import View

_MAX_REF_HOPS = 64


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


RefKey = tuple[str, Pointer]
_REMOTE: RefKey = ("<remote>", ())


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
        self._direct: dict[tuple[int, RefKey], list[RefKey]] = {}
        self._equal: dict[RefKey, bool] = {}
        self.views: dict[tuple[str, int], View | None] = {}  # effective schemas, by side and schema object
        self._targets: dict[tuple[str, str, str], tuple[Source, Pointer, Any] | None] = {}  # resolved $refs
        self.pairs: dict[tuple[int, int, str], Any] = {}  # schema pairs compared: their findings, relative

    def spec(self, side: str) -> Spec:
        return self.base if side == "base" else self.head

    # --- $ref resolution -------------------------------------------------------------------------
    def target(self, side: str, source: Source, ref: str) -> tuple[Source, Pointer, Any] | None:
        key = (side, source.relative, ref)
        if key not in self._targets:
            relative, pointer = split_ref(ref, source)
            other = self.spec(side).source(relative)
            try:
                self._targets[key] = None if other is None else (other, pointer, walk(other.data, pointer))
            except (KeyError, IndexError, ValueError, TypeError):
                self._targets[key] = None
        return self._targets[key]

    def resolve(self, side: str, node: Node | None) -> Node | None:
        """Follow `$ref`s until a real node; None (with a document finding) when a ref cannot be followed."""
        if node is None or type(node.value) is not dict or "$ref" not in node.value:
            return node  # the common case, kept cheap
        for _ in range(_MAX_REF_HOPS + 1):  # up to _MAX_REF_HOPS refs followed, then the node they reach
            if node is None or not isinstance(node.value, dict) or not isinstance(node.value.get("$ref"), str):
                return node
            ref = node.value["$ref"]
            if is_remote(ref):
                self._document_problem(rules.REMOTE_REF, node, f"remote $ref `{ref}` is not followed")
                return None
            found = self.target(side, node.source, ref)
            if found is None:
                self._document_problem(rules.UNRESOLVED_REF, node, f"$ref `{ref}` does not resolve")
                return None
            node = Node(found[2], found[0], found[1])
        assert node is not None  # the loop returns on None
        self._document_problem(rules.UNRESOLVED_REF, node, "$ref chain does not end")
        return None

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

    # --- the equality shortcut ---------------------------------------------------------------------
    def _direct_refs(self, source: Source, value: Any) -> list[RefKey]:
        key = (id(value), (source.relative, ()))
        if key not in self._direct:
            # a remote ref is never "the same": the walk descends to it and reports it
            self._direct[key] = [_REMOTE if is_remote(ref) else split_ref(ref, source) for ref in refs_in(value)]
        return self._direct[key]

    def _ref_equal(self, key: RefKey) -> bool:
        if key == _REMOTE:
            return False
        if key not in self._equal:
            base, head = self.base.source(key[0]), self.head.source(key[0])
            try:
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
            pending.extend(self._direct_refs(source, walk(source.data, key[1])))
        return True
