"""Load an OpenAPI 3.0/3.1 document (YAML or JSON, a file or `REF:path` from git) and the files its `$ref`s reach.

Nothing is fetched over the network: a remote `$ref` stays unresolved (the differ reports it). Relative file refs
(`schemas.yaml#/Pet`) are read beside the referring file, from the same tree (a folder, a repository, a git ref),
and never from outside it. Every file a contract reaches is read when it is loaded, so nothing reads a file later;
`$ref`s themselves are followed lazily by the differ, so cycles cost nothing. A ref's fragment is a JSON pointer
(`#/components/schemas/Pet`, read from the file's root) or a plain name (`#pet`): the schema that defines it with
`$anchor` or `$dynamicAnchor`, in the schema resource (`$id`) the ref is written in (`locate`).
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from generator import gitrefs
from generator.cache import Store, code_version, digest
from generator.errors import LoadError, UsageError
from generator.findings import Rule, excerpt
from generator.openapi.anchors import Anchor, anchor_name, anchors_in, resources_of
from generator.openapi.limits import DEFAULT, Limits
from generator.openapi.positions import Lines
from generator.tree import Tree, named, read_text
from generator.yamlio import DUPLICATE_KEY, to_json_pointer

if TYPE_CHECKING:  # PyYAML is imported only when yaml-rs cannot read a contract (some 20 ms otherwise)
    import yaml

SYNTAX = Rule("api.syntax", "error", "An API contract is valid YAML or JSON.")
NOT_OPENAPI = Rule(
    "api.not-openapi", "error", "An API contract is an OpenAPI 3.x document (`openapi: 3.x` at the top)."
)
SHAPE = Rule(
    "api.shape",
    "error",
    "An API contract has OpenAPI's shape: paths, operations, parameters, bodies, responses and schemas are "
    "mappings or lists where OpenAPI says so.",
)
RULES: tuple[Rule, ...] = (SYNTAX, NOT_OPENAPI, SHAPE)  # and yaml.duplicate-key, as in every YAML file

Pointer = tuple[str, ...]
MAX_BYTES = 64 * 1024 * 1024
# A `$ref` (or `$dynamicRef`) whose value does not start with `#`: the text names another file (checked exactly on
# the data).
_FILE_REF_TEXT = re.compile(r"""\$(?:dynamicR|r)ef['"]?\s*:\s*['"]?(?!#)[^\s'"]""")


@dataclass
class Source:
    """One file of a contract: where it is (relative to the root's folder), its name in findings, its data."""

    relative: str
    name: str
    data: Any
    text: str

    def __post_init__(self) -> None:
        self.lines = Lines(self.text)
        self._anchors: dict[str, list[Anchor]] | None = None  # read when a `#name` ref first needs them

    def anchors(self, name: str) -> list[Anchor]:
        """Where the file defines the plain-name fragment `name`, in document order."""
        return self.all_anchors().get(name, [])

    def all_anchors(self) -> dict[str, list[Anchor]]:
        if self._anchors is None:
            self._anchors = anchors_in(self.data)
        return self._anchors

    def line(self, pointer: Pointer) -> int:
        return self.lines.locate(pointer, self.data)[0]

    def position(self, pointer: Pointer) -> tuple[int, int]:
        """Line and column of the key (or list item) at `pointer`, or of its nearest located ancestor."""
        return self.lines.locate(pointer, self.data)


@dataclass
class Spec:
    """A contract: the root source and the other files its refs reach, all read when it was loaded."""

    root: Source
    root_file: str = ""  # the root's own file name, for refs that name it (`openapi.yaml#/...`)
    sources: dict[str, Source] = field(default_factory=dict)
    # every `$ref` object the engine would read whose ref is remote or names nothing: (file, pointer, the object)
    broken: list[tuple[Source, Pointer, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sources[self.root.relative] = self.root
        self._contested: frozenset[str] | None = None

    def source(self, relative: str) -> Source | None:
        """Another file of the contract; None when it could not be read or parsed (its refs do not resolve)."""
        return self.root if relative == self.root_file else self.sources.get(relative)

    def contested(self) -> frozenset[str]:
        """The `$dynamicAnchor` names that several schemas of the contract define: a `$dynamicRef` to one of them
        reaches the one of the outermost schema resource evaluation passed through (its dynamic scope)."""
        if self._contested is None:
            counts: dict[str, int] = {}
            for source in self.sources.values():
                if "$dynamicAnchor" in source.text:
                    for name, anchors in source.all_anchors().items():
                        counts[name] = counts.get(name, 0) + sum(anchor.dynamic for anchor in anchors)
            self._contested = frozenset(name for name, count in counts.items() if count > 1)
        return self._contested


def _fast_yaml(text: str, nodes: int) -> Any:
    """yaml-rs (Rust, YAML 1.2, about 25 times faster than PyYAML's C loader on large contracts), with its alias
    expansion capped at `nodes`; None when it is missing, fails, or the text uses merge keys (`<<`, which YAML
    1.2 does not have): PyYAML then reads the text, and says where an error is."""
    if "<<" in text:
        return None
    try:
        import yaml_rs
    except ImportError:
        return None
    try:
        return yaml_rs.loads(
            text,
            alias_limits=yaml_rs.AliasLimits(max_total_replayed_events=nodes),
            duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error,
        )
    except Exception:  # any failure: PyYAML reads the text, within the same budget, and reports the error
        return None


def _expanded(node: yaml.Node, budget: int) -> bool:
    """True when `node` expands to at most `budget` values (an alias counts every time it is used)."""
    import yaml

    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        current, done = stack.pop()
        if id(current) in sizes:
            continue
        children = (
            [part for pair in current.value for part in pair]
            if isinstance(current, yaml.MappingNode)
            else current.value
            if isinstance(current, yaml.SequenceNode)
            else []
        )
        if not done:
            stack.append((current, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        sizes[id(current)] = 1 + sum(sizes.get(id(child), 1) for child in children)
        if sizes[id(current)] > budget:
            return False
    return True


def _slow_yaml(text: str, name: str, nodes: int) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if not _expanded(node, nodes):
            raise LoadError(SYNTAX.at(name, 1, 1, f"expands to more than {nodes} values through YAML aliases"))
        _no_duplicates(node, name)
        return loader.construct_document(node)
    except yaml.YAMLError as error:
        raise _invalid(name, error) from None
    finally:
        loader.dispose()


def _no_duplicates(root: yaml.Node, name: str) -> None:
    """LoadError at the second of two equal keys in one mapping (YAML and JSON both keep only the last)."""
    import yaml

    seen: set[int] = set()
    stack: list[tuple[yaml.Node, Pointer]] = [(root, ())]
    while stack:
        node, pointer = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*pointer, str(index))) for index, item in enumerate(node.value))
        elif isinstance(node, yaml.MappingNode):
            first: dict[str, yaml.Node] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                    if key.value in first:
                        mark = key.start_mark
                        where = to_json_pointer((*pointer, key.value))
                        message = (
                            f"{where}: duplicate key `{excerpt(key.value)}` (first defined on line "
                            f"{first[key.value].start_mark.line + 1}); only the last would be read"
                        )
                        raise LoadError(
                            replace(DUPLICATE_KEY.at(name, mark.line + 1, mark.column + 1, message), pointer=where)
                        )
                    first[key.value] = key
                stack.append((value, (*pointer, str(key.value))))


class _Duplicate(ValueError):
    pass


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _Duplicate
    return found


def _duplicate_in_json(text: str, name: str, nodes: int) -> None:
    """LoadError for a JSON text with a duplicate key: where it is when PyYAML reads the text (JSON is YAML but
    for a few escapes and tabs), the first line otherwise."""
    try:
        _slow_yaml(text, name, nodes)
    except LoadError as error:
        if error.finding.rule == DUPLICATE_KEY.id:
            raise
    raise LoadError(DUPLICATE_KEY.at(name, 1, 1, "a key appears twice in one object; only the last would be read"))


def _parse(text: str, name: str, nodes: int = DEFAULT.nodes) -> Any:
    try:
        if text.lstrip().startswith(("{", "[")):
            try:
                return json.loads(text, object_pairs_hook=_unique)
            except _Duplicate:
                _duplicate_in_json(text, name, nodes)
        fast = _fast_yaml(text, nodes)
        return fast if fast is not None else _slow_yaml(text, name, nodes)
    except RecursionError:
        raise LoadError(SYNTAX.at(name, 1, 1, "nested too deeply")) from None
    except ValueError as error:
        raise _invalid(name, error) from None


def _invalid(name: str, error: Exception) -> LoadError:
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark is not None else getattr(error, "lineno", None) or 1
    reason = getattr(error, "problem", None) or getattr(error, "msg", None) or str(error)
    return LoadError(SYNTAX.at(name, line, 1, f"not valid YAML or JSON: {excerpt(reason, 200)}"))


def refs_in(data: Any) -> Iterator[str]:
    """Every `$ref` and `$dynamicRef` string in `data`, at any depth."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                yield ref
            if "$dynamicRef" in item and isinstance(item["$dynamicRef"], str):
                yield item["$dynamicRef"]
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _file_refs(data: Any) -> Iterator[str]:
    """The file part of every `$ref` that names another file."""
    return (unquote(ref.partition("#")[0]) for ref in refs_in(data) if not ref.startswith("#") and not is_remote(ref))


def _read(tree: Tree, path: str, name: str) -> str | None:
    try:
        return read_text(tree, path, MAX_BYTES)
    except LoadError as error:
        raise LoadError(replace(error.finding, file=name)) from None


def load_tree(
    tree: Tree,
    path: str,
    name: str | None = None,
    prefix: str = "",
    limits: Limits = DEFAULT,
    store: Store | None = None,
) -> Spec:
    """The contract at `path` in `tree` (named `name` in findings) and every file its `$ref`s reach inside the
    tree (named beside `name`, after its `prefix` such as `REF:`). LoadError when the contract itself cannot be
    read, parsed, or is not OpenAPI 3.x. With a `store`, files that had OpenAPI's shape before are not walked
    again (`_check_shape`)."""
    name = name or path
    text = _read(tree, path, name)
    if text is None:
        raise LoadError(SYNTAX.at(name, 1, 1, "no such file"))
    data = _parse(text, name, limits.nodes)
    if not isinstance(data, dict) or not str(data.get("openapi", "")).startswith("3."):
        raise LoadError(NOT_OPENAPI.at(name, 1, 1, "not an OpenAPI 3.x document (no `openapi: 3.x` at the top)"))
    # The root is "" in both specs of a diff, so that `#/...` refs of base and head name the same place.
    spec = Spec(Source("", name, data, text), root_file=PurePosixPath(path).name)
    _read_references(tree, spec, path, name, prefix, limits)
    _check_shape(spec, store, path)
    return spec


def _check_shape(spec: Spec, store: Store | None = None, path: str = "") -> None:
    """LoadError at the first node that is not shaped as OpenAPI says (structure.py), which also notes the
    `$ref`s that cannot be followed in `spec.broken`. With a `store`, the same files (by content) that had the
    shape before have it now: the walk is skipped and the broken `$ref`s are taken from the store (by file and
    pointer, found again in this load's data)."""
    from generator.openapi import structure  # it reads the loader's records

    key = _shape_key(spec) if store is not None else ""
    if store is not None and _shaped_before(spec, store.get(path, key)):
        return
    problem = structure.check(spec)
    if problem is not None:
        line, column = problem.source.position(problem.pointer)
        where = to_json_pointer(problem.pointer) or "/"
        finding = SHAPE.at(problem.source.name, line, column, f"{where}: {problem.message}")
        raise LoadError(replace(finding, pointer=where))
    if store is not None:
        store.put(path, key, {"broken": [[source.relative, list(pointer)] for source, pointer, _ in spec.broken]})


def _shape_key(spec: Spec) -> str:
    """What decides the shape check: the code that parses and checks, and every file of the contract."""
    files = sorted((source.relative, source.text) for source in spec.sources.values())
    parts = [_checker_version(), spec.root_file.encode()]
    for relative, text in files:
        parts += [relative.encode("utf-8", "surrogateescape"), text.encode("utf-8", "surrogateescape")]
    return digest(*parts)


def _shaped_before(spec: Spec, entry: dict[str, Any] | None) -> bool:
    """True when `entry` says these files had the shape; its broken `$ref`s are then `spec.broken`. False when
    there is no entry or one that does not fit this load's data (the walk then decides)."""
    broken = entry.get("broken") if entry is not None else None
    if not isinstance(broken, list):
        return False
    found: list[tuple[Source, Pointer, Any]] = []
    try:
        for relative, pointer in broken:
            source = spec.sources[relative]
            at = tuple(pointer)
            if not all(isinstance(token, str) for token in at):
                return False
            value = walk(source.data, at)
            if not isinstance(value, dict) or not ("$ref" in value or "$dynamicRef" in value):
                return False
            found.append((source, at, value))
    except (KeyError, IndexError, ValueError, TypeError):
        return False
    spec.broken[:] = found
    return True


@cache
def _checker_version() -> bytes:
    """lockstep's version, the source of the loader and the shape check, and the installed YAML parsers' files."""
    here = Path(__file__).parent
    return code_version([here / "loader.py", here / "structure.py"], ["yaml_rs", "yaml"])


def _read_references(tree: Tree, spec: Spec, path: str, name: str, prefix: str, limits: Limits) -> None:
    """Every file the contract's relative `$ref`s reach, inside the tree, into `spec.sources`."""
    text = spec.root.text
    pending = [spec.root] if _FILE_REF_TEXT.search(text) else []
    folder = PurePosixPath(path).parent if pending else PurePosixPath()
    while pending:
        current = pending.pop()
        for ref in _file_refs(current.data):
            relative, _ = split_ref(ref, current)
            inside = posixpath.normpath((folder / relative).as_posix())
            if relative in spec.sources or relative == spec.root_file or inside.startswith(("../", "/")):
                continue
            shown = posixpath.normpath((PurePosixPath(name[len(prefix) :]).parent / relative).as_posix())
            other = _other_source(tree, inside, relative, prefix + shown, limits.nodes)
            if other is not None:
                spec.sources[relative] = other
                pending.append(other)


def _other_source(tree: Tree, inside: str, relative: str, name: str, nodes: int) -> Source | None:
    try:
        text = _read(tree, inside, name)
        return None if text is None else Source(relative, name, _parse(text, name, nodes), text)
    except LoadError:
        return None  # its refs do not resolve: the differ says so where they are used


def load(argument: str, *, cwd: Path = Path("."), limits: Limits = DEFAULT) -> Spec:
    """`path/to/openapi.yaml`, or `REF:path` to read it (and the files it refers to) from git at REF."""
    path = cwd / argument
    if path.is_file():  # the document named, and the files it refers to, all in its folder
        folder, name = named(path)
        return load_tree(folder, name, argument, limits=limits)
    ref, _, inside = argument.partition(":")
    if not ref or not inside:
        raise UsageError(f"{argument}: no such file (use REF:path to read a file from git)")
    if not gitrefs.ref_exists(cwd, gitrefs.check_ref(ref)):
        raise UsageError(f"{argument}: not found in git")
    tree = gitrefs.RefTree(cwd, ref)
    try:
        if tree.read(inside, MAX_BYTES) is None:
            raise UsageError(f"{argument}: not found in git")
        return load_tree(tree, inside, argument, prefix=f"{ref}:", limits=limits)
    finally:
        tree.close()


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def walk(data: Any, pointer: Pointer) -> Any:
    for token in pointer:
        if isinstance(data, dict):
            data = data[token]
        elif isinstance(data, list):
            data = data[int(token)]
        else:
            raise KeyError(token)
    return data


def is_remote(ref: str) -> bool:
    return ref.lower().startswith(("http://", "https://", "//", "ftp://", "file:"))


def locate(spec: Spec, current: Source, ref: str, at: Pointer = ()) -> tuple[Source, Pointer] | None:
    """The file and pointer a local ref names, seen from the node at `at` in `current`; None when the file was not
    read, or a plain-name fragment is defined nowhere (or more than once) in the schema resource it is read in."""
    relative, pointer = split_ref(ref, current)
    other = spec.source(relative)
    name = None if ref.startswith("#/") else anchor_name(ref)
    if other is None or name is None:
        return None if other is None else (other, pointer)
    candidates = other.anchors(name)
    if len(candidates) > 1:  # one per schema resource: the one of the resource the ref is read in
        resource = resources_of(other.data, at)[-1] if other is current and not ref.partition("#")[0] else ()
        candidates = [anchor for anchor in candidates if anchor.resource == resource]
    return (other, candidates[0].pointer) if len(candidates) == 1 else None


def split_ref(ref: str, current: Source) -> tuple[str, Pointer]:
    """`other.yaml#/a/b` seen from `current` -> (path of other.yaml relative to the root's folder, ("a", "b"))."""
    # a $ref is a URI: its parts may be percent-encoded (`#/paths/~1items~1%7Bid%7D`, RFC 6901 section 6)
    file_part, _, fragment = (unquote(part) for part in ref.partition("#"))
    pointer = tuple(unescape(token) for token in fragment.split("/")[1:]) if fragment else ()
    if not file_part:
        return current.relative, pointer
    joined = (PurePosixPath(current.relative).parent / file_part).as_posix()
    return posixpath.normpath(joined), pointer
