"""Strict YAML: loading with positions and findings, deterministic dumping, atomic writes.

Loading composes PyYAML nodes (never constructs arbitrary objects) and turns them into plain data
itself, so that every value keeps the line and column it came from and every YAML trap becomes a
finding instead of a silent surprise:

- duplicate keys (PyYAML keeps the last one silently),
- YAML 1.1 booleans such as `no`, `on`, `yes` (read as booleans by YAML 1.1, as strings by YAML 1.2),
- YAML 1.1 octal and sexagesimal numbers (`0755`, `22:22`),
- anchors and aliases (refused, never expanded: no "billion laughs"),
- tabs, syntax errors, several documents in one file, non-string keys.

Numbers keep their source text so that a schema can say "`1.10` is read as the number 1.1".

Parsing strictly costs some 0.3 ms per KB: `parse` with a `cache.Store` keeps the data of a large file that parsed
without a problem, keyed by a digest of lockstep's version and the file's bytes, and reads it back when the same
bytes come again. Such a document finds its positions and number texts by parsing its text again, the first time a
finding asks for one: a clean run never does, and they are exactly those of a fresh parse.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from generator.cache import Store, code_version, digest
from generator.errors import LoadError
from generator.findings import Finding, Level, Rule, excerpt
from generator.tree import MAX_LINES, TOO_LARGE, Tree, decode, named

if TYPE_CHECKING:  # PyYAML is imported when a file is parsed (some 20 ms): a run that reads the cache never does
    import yaml

Pointer = tuple[str | int, ...]
V = TypeVar("V")
CACHED_BYTES = 4096  # smaller files parse in about as long as reading their cache entry takes

SYNTAX = Rule("yaml.syntax", "error", "The file is valid YAML (no tabs in indentation, balanced brackets, ...).")
DUPLICATE_KEY = Rule("yaml.duplicate-key", "error", "No key appears twice in one mapping.")
AMBIGUOUS_BOOLEAN = Rule(
    "yaml.ambiguous-boolean", "error", "No YAML 1.1 booleans such as yes/no/on/off: write true/false."
)
AMBIGUOUS_NUMBER = Rule(
    "yaml.ambiguous-number", "error", "No YAML 1.1 octal or sexagesimal numbers such as 0755 or 22:22."
)
ALIAS = Rule("yaml.alias", "error", "No anchors, aliases or merge keys: every value is written out.")
KEY = Rule("yaml.key", "error", "Every key is a plain string.")
MULTIPLE_DOCUMENTS = Rule("yaml.multiple-documents", "error", "One YAML document per file.")
EMPTY = Rule("yaml.empty", "error", "The file is not empty.")
RULES: tuple[Rule, ...] = (
    SYNTAX,
    DUPLICATE_KEY,
    AMBIGUOUS_BOOLEAN,
    AMBIGUOUS_NUMBER,
    ALIAS,
    KEY,
    MULTIPLE_DOCUMENTS,
    EMPTY,
)

_TAG = "tag:yaml.org,2002:"
_YAML12_BOOLEANS = {"true", "false"}


@cache
def _loader() -> type:
    """PyYAML's C loader, which composes several times faster (its marks are the same), else its Python one."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _scalars() -> Any:
    import yaml

    return yaml.constructor.SafeConstructor()


@dataclass(frozen=True)
class Position:
    line: int
    column: int


@dataclass
class Document:
    """One parsed YAML file: its data, where each value and key came from, and what was wrong with it."""

    path: str
    data: Any = None
    values: Mapping[Pointer, Position] = field(default_factory=dict)
    keys: Mapping[Pointer, Position] = field(default_factory=dict)
    numbers: Mapping[Pointer, str] = field(default_factory=dict)
    problems: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.data is not None and not any(p.level == "error" for p in self.problems)

    def position(self, pointer: Pointer, *, key: bool = False) -> Position:
        """Position of the value (or of its key) at `pointer`, else of the nearest enclosing node."""
        pointer = tuple(pointer)
        while True:
            if key and pointer in self.keys:
                return self.keys[pointer]
            if pointer in self.values:
                return self.values[pointer]
            if not pointer:
                return Position(1, 1)
            pointer = pointer[:-1]

    def finding(
        self, rule: str, message: str, pointer: Pointer = (), *, key: bool = False, level: Level = "error"
    ) -> Finding:
        where = self.position(pointer, key=key)
        return Finding(
            rule,
            level,
            self.path,
            where.line,
            where.column,
            message,
            pointer=to_json_pointer(pointer) if pointer else None,
        )


def to_json_pointer(pointer: Pointer) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in pointer)


def _position(mark: Any) -> Position:
    return Position(mark.line + 1, mark.column + 1)


class _Builder:
    """Turns a composed node tree into plain data, recording positions and problems."""

    def __init__(self, doc: Document) -> None:
        import yaml  # imported by `loads` already

        self.doc = doc
        self.seen: set[int] = set()
        self.aliases = 0
        self.values: dict[Pointer, Position] = {}
        self.keys: dict[Pointer, Position] = {}
        self.numbers: dict[Pointer, str] = {}
        doc.values, doc.keys, doc.numbers = self.values, self.keys, self.numbers
        self.nodes = (yaml.MappingNode, yaml.SequenceNode, yaml.ScalarNode)

    def problem(self, rule: Rule, node: yaml.Node, message: str) -> None:
        where = _position(node.start_mark)
        self.doc.problems.append(rule.at(self.doc.path, where.line, where.column, message))

    def build(self, node: yaml.Node, pointer: Pointer) -> Any:
        self.values[pointer] = _position(node.start_mark)
        if id(node) in self.seen:
            self.aliases += 1  # placed at the alias itself by _alias_problems
            return None
        self.seen.add(id(node))
        mapping, sequence, _ = self.nodes
        if isinstance(node, mapping):
            return self.mapping(node, pointer)
        if isinstance(node, sequence):
            return [self.build(item, (*pointer, index)) for index, item in enumerate(node.value)]
        return self.scalar(cast("yaml.ScalarNode", node), pointer)

    def mapping(self, node: yaml.MappingNode, pointer: Pointer) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                self.problem(ALIAS, key_node, "merge keys (`<<`) are not allowed; write the keys out")
                continue
            if not isinstance(key_node, self.nodes[2]):
                self.problem(KEY, key_node, "keys must be plain strings")
                continue
            key = key_node.value
            if key in result:
                first = self.keys[(*pointer, key)]
                self.problem(
                    DUPLICATE_KEY, key_node, f"duplicate key `{excerpt(key)}` (first defined on line {first.line})"
                )
                continue
            if key_node.tag != _TAG + "str" and not key_node.style:
                self.check_plain_scalar(key_node)
            self.keys[(*pointer, key)] = _position(key_node.start_mark)
            result[key] = self.build(value_node, (*pointer, key))
        return result

    def check_plain_scalar(self, node: yaml.ScalarNode) -> bool:
        """Report YAML 1.1 readings that YAML 1.2 tools disagree with; True if the text must stay a string."""
        text = node.value
        if node.tag == _TAG + "bool" and text.lower() not in _YAML12_BOOLEANS:
            self.problem(
                AMBIGUOUS_BOOLEAN,
                node,
                f"`{excerpt(text)}` is a boolean in YAML 1.1 and a string in YAML 1.2; write true/false or quote it",
            )
            return True
        if node.tag in (_TAG + "int", _TAG + "float") and (
            ":" in text or "_" in text or (len(text) > 1 and text[0] == "0" and text[1:2].isdigit())
        ):
            self.problem(
                AMBIGUOUS_NUMBER,
                node,
                f"`{excerpt(text)}` is a YAML 1.1 octal/sexagesimal number; quote it if it is text",
            )
            return True
        return False

    def scalar(self, node: yaml.ScalarNode, pointer: Pointer) -> Any:
        if node.style or node.tag == _TAG + "str":
            return node.value
        if self.check_plain_scalar(node):
            return node.value
        if node.tag == _TAG + "null":
            return None
        if node.tag == _TAG + "bool":
            return node.value.lower() == "true"
        if node.tag in (_TAG + "int", _TAG + "float"):
            self.numbers[pointer] = node.value
            scalars = _scalars()
            constructor = scalars.construct_yaml_int if node.tag.endswith("int") else scalars.construct_yaml_float
            return constructor(node)
        return node.value  # timestamps and anything else stay as the text that was written


def _loader_error(doc: Document, error: yaml.YAMLError) -> None:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    where = _position(mark) if mark is not None else Position(1, 1)
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    text = f"{context}: {problem}" if context else problem
    if "\t" in text or "tab" in text:
        text += " (indent with spaces, not tabs)"
    doc.problems.append(SYNTAX.at(doc.path, where.line, where.column, f"invalid YAML: {excerpt(text, 200)}"))


def loads(text: str, path: str) -> Document:
    """Parse one YAML document strictly; problems are findings on the returned Document."""
    doc = Document(path)
    if text.count("\n") + text.count(",") > MAX_LINES:  # the work is per node: bound it before composing
        doc.problems.append(TOO_LARGE.at(path, 1, 1, f"more than {MAX_LINES} lines and flow items"))
        return doc
    import yaml

    try:
        nodes = list(yaml.compose_all(text, Loader=_loader()))
    except yaml.YAMLError as error:
        _loader_error(doc, error)
        return doc
    except RecursionError:
        doc.problems.append(SYNTAX.at(path, 1, 1, "invalid YAML: nested too deeply"))
        return doc
    if not nodes:
        doc.problems.append(EMPTY.at(path, 1, 1, "the file is empty"))
        return doc
    if len(nodes) > 1:
        where = _position(nodes[1].start_mark)
        doc.problems.append(
            MULTIPLE_DOCUMENTS.at(path, where.line, where.column, "only one YAML document is allowed in this file")
        )
    builder = _Builder(doc)
    try:
        doc.data = builder.build(nodes[0], ())
    except RecursionError:
        doc.problems.append(SYNTAX.at(path, 1, 1, "invalid YAML: nested too deeply"))
    if builder.aliases:
        doc.problems.extend(_alias_problems(text, path))
    return doc


def _alias_problems(text: str, path: str) -> list[Finding]:
    """Composed nodes do not say where an alias was written; the event stream does."""
    found = []
    import yaml

    for event in yaml.parse(text, Loader=_loader()):
        if isinstance(event, yaml.AliasEvent):
            where = _position(event.start_mark)
            found.append(
                ALIAS.at(
                    path,
                    where.line,
                    where.column,
                    f"alias `*{excerpt(event.anchor)}` is not allowed; write the value out",
                )
            )
    return found


def parse(raw: bytes, relative: str, store: Store | None = None) -> Document:
    """Decode and parse the bytes of `relative`; bytes that are not UTF-8 are the Document's problem. With a
    `store`, a file of CACHED_BYTES or more is read from it when these bytes parsed cleanly before, and stored
    when they parse cleanly now."""
    try:
        text = decode(raw, relative)
    except LoadError as error:
        return Document(relative, problems=[error.finding])
    if store is None or len(raw) < CACHED_BYTES:
        return loads(text, relative)
    key = digest(_parser_version(), raw)
    entry = store.get(relative, key)
    if entry is not None and "data" in entry:
        source = _Reparsed(text, relative)
        return Document(
            relative,
            entry["data"],
            _Lazy(source, lambda doc: doc.values),
            _Lazy(source, lambda doc: doc.keys),
            _Lazy(source, lambda doc: doc.numbers),
        )
    doc = loads(text, relative)
    if not doc.problems:
        store.put(relative, key, {"data": doc.data})
    return doc


@cache
def _parser_version() -> bytes:
    """What a cached document depends on besides the file: lockstep's version, this module's source and PyYAML's
    files."""
    return code_version([Path(__file__)], ["yaml"])


class _Reparsed:
    """The text of a document read from the cache, parsed again the first time its positions are asked for."""

    def __init__(self, text: str, path: str) -> None:
        self.text, self.path = text, path
        self._parsed: Document | None = None

    def parsed(self) -> Document:
        if self._parsed is None:
            self._parsed = loads(self.text, self.path)
        return self._parsed


class _Lazy(Mapping[Pointer, V]):
    """One table (positions of values or keys, number texts) of a document read from the cache."""

    def __init__(self, source: _Reparsed, table: Callable[[Document], Mapping[Pointer, V]]) -> None:
        self.source, self.table = source, table

    def _table(self) -> Mapping[Pointer, V]:
        return self.table(self.source.parsed())

    def __getitem__(self, pointer: Pointer) -> V:
        return self._table()[pointer]

    def __iter__(self) -> Iterator[Pointer]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())

    def __repr__(self) -> str:
        return repr(dict(self._table()))


def load_named(path: Path) -> Document | None:
    """A YAML file the user names on the command line (see tree.named), its findings naming it as given."""
    tree, name = named(path)
    doc = load(tree, name)
    if doc is not None:
        doc.path = str(path)
        doc.problems = [replace(problem, file=str(path)) for problem in doc.problems]
    return doc


def load(tree: Tree, relative: str) -> Document | None:
    """Read and parse `relative` from `tree`; None when there is no such file. A file that cannot be read is a
    Document whose problem says why, never an exception."""
    try:
        raw = tree.read(relative)
    except LoadError as error:
        return Document(relative, problems=[error.finding])
    return None if raw is None else parse(raw, relative)


@cache
def _dumper() -> type:
    import yaml

    class IndentedDumper(yaml.SafeDumper):
        """Indent block sequences under their key, as yamllint's default `indent-sequences` expects."""

        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)

    return IndentedDumper


@cache
def _literal_dumper() -> type:
    def literal(dumper: Any, text: str) -> Any:
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)

    class LiteralDumper(_dumper()):  # type: ignore[misc]
        """Strings of several lines as literal blocks (`|`), readable and diffable."""

    LiteralDumper.add_representer(str, literal)
    return LiteralDumper


def dumps(data: Mapping[str, Any] | list[Any], *, literal: bool = False) -> str:
    """Deterministic YAML: key order kept, block style, strings that would read back otherwise quoted; with
    `literal`, strings of several lines as literal blocks."""
    import yaml

    return yaml.dump(
        data if isinstance(data, list) else dict(data),
        Dumper=_literal_dumper() if literal else _dumper(),
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=1000,
    )


def edited(text: str, parents: tuple[str, ...], key: str, value: Any) -> str:
    """`text` with `key: value` set in the mapping at `parents` (added at its end when new; removed when `value`
    is None), comments and order kept."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    editor = YAML()
    editor.preserve_quotes = True
    editor.indent(mapping=2, sequence=4, offset=2)
    editor.width = 4096
    data = editor.load(text)
    mapping = data
    for parent in parents:
        mapping = mapping[parent]
    if value is None:
        del mapping[key]
    else:
        mapping[key] = CommentedMap(value.items()) if isinstance(value, Mapping) else value
    stream = io.StringIO()
    editor.dump(data, stream)
    return stream.getvalue()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file in the same directory and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.chmod(temporary, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
