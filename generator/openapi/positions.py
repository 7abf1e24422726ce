"""Lines of findings in contract files, found only for the nodes that have findings.

Parsing a large contract with positions for every node costs more than the whole diff, so the data is
loaded without positions and a finding's JSON pointer is located afterwards in the text: each key is looked
for at the indentation of its parent's children (block YAML and pretty-printed JSON both indent that way),
each array index by counting items, with regular expressions over the text (no per-line Python loop). A
node written in flow style (`{a: 1}`, minified JSON) gets the line of its nearest located ancestor.

A key's column is its indentation (a key after `- ` is indented two past the dash), an item's is that of its value
(after its `- `).

A block remembers what is known of it: where its end is (or how far it has been seen to run on), the keys already
looked up, its items. A key is found by a plain string search for its line (`\n`, its indentation, its name as
written: `"name"`, `'name'` or `name`), then checked with the key pattern, and it belongs to the block when no
line that ends the block comes before it; that check resumes where the last one stopped, so a block's text is
scanned for its end once at most, and never past its last key looked up. Lines are counted from the nearest
offset already counted, before or after, so that locating N findings costs about N lookups, not N scans of the
text, whatever order they come in.
"""

from __future__ import annotations

import re
from bisect import bisect_right, insort
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import Any

_PointerT = tuple[str, ...]
_SEARCHES = 16  # keys looked up one by one in a block before all its keys are indexed at once
_NOT_FOUND = -2  # indentation marker: the node was not located; its children are not looked for
# Every pattern starts with a newline: a literal prefix lets the regex engine skip to line starts quickly.
# The text is kept with one newline in front, so every line, the first too, follows a newline, and an
# entry's offset is the offset of the newline before its line.
_CONTENT = re.compile(r"\n( *)([^ \n#][^\n]*)")


_PLAIN = r"(?:[^\s#'\"\-?:,\[\]{}]|-(?! ))[^\n]*?"  # a plain key: not a `- ` item, up to its first `: `
_KEY_BODY = rf"(?:\"(?P<double>[^\"\n]*)\"|'(?P<single>[^'\n]*)'|(?P<plain>{_PLAIN}))[ \t]*:(?=[ \n]|\Z)"
_KEY_HERE = re.compile(_KEY_BODY)


@cache
def _keys(indent: int) -> re.Pattern[str]:
    """Every key written at exactly `indent` (its name in one of the three groups)."""
    return re.compile(rf"\n {{{indent}}}{_KEY_BODY}")


def _name(match: re.Match[str]) -> str:
    for group in ("double", "single", "plain"):
        found = match.group(group)
        if found is not None:
            return found
    return ""  # pragma: no cover - one group always matches


_PLAIN_START = re.compile(r"[^\s#'\"\-?:,\[\]{}]|-(?! )")  # how a plain key may begin


@dataclass
class _Block:
    """The children of one located node, as far as they were looked up: each key's entry offset (None: not a
    child), its items' offsets, their indentation, and how far the block is known to run."""

    indent: int
    start: int  # the newline that ends the node's own line: children come after it
    ending: re.Pattern[str] | _Never  # a line that leaves the block
    bound: int  # a line known to leave the block (a later sibling's, an ancestor's end), or the text's length
    listed: bool  # whether `items` holds every item
    indexed: bool = False  # whether `keys` holds every key (a name not in it is not a child)
    keys: dict[str, int | None] = field(default_factory=dict)
    items: list[int] = field(default_factory=list)
    found: list[int] = field(default_factory=list)  # the keys' offsets found so far, in order
    clear: dict[str, int] = field(default_factory=dict)  # how a line may begin: no such line from start to here
    stop: int | None = None  # the newline of the line that ends the block (the text's length when none does)
    seen: int = -1  # no line in start..seen ends the block (until stop is known)

    def before_stop(self, text: str, offset: int) -> bool:
        """Whether the entry at `offset` (a newline after start) lies inside the block."""
        if self.stop is not None:
            return offset < self.stop
        if offset <= self.seen:
            return True
        ending = self.ending.search(text, max(self.seen, self.start), offset)
        if ending is None:
            self.seen = offset
            return True
        self.stop = ending.start()
        return False

    def end(self, text: str) -> int:
        if self.stop is None:
            ending = self.ending.search(text, max(self.seen, self.start), self.bound)
            self.stop = ending.start() if ending is not None else self.bound
        return self.stop

    def first(self, text: str, opening: str, end: int) -> int:
        """The first line of the block before `end` that begins with `opening`, or -1; a span found without one
        is remembered, so that keys written otherwise (a JSON text's plain names) cost one search per block."""
        clear = self.clear.get(opening, self.start)
        if clear >= end:
            return -1
        at = text.find(opening, clear, end)
        if at < 0:
            self.clear[opening] = max(clear, end - len(opening) + 1)
        return at

    def limit(self) -> int:
        return self.bound if self.stop is None else self.stop

    def after(self, offset: int) -> int:
        """A line known to leave the block of the key at `offset` (a child of this block): the next key found, or
        this block's end."""
        index = bisect_right(self.found, offset)
        return self.found[index] if index < len(self.found) else self.limit()


@cache
def _item(indent: int) -> re.Pattern[str]:
    return re.compile(rf"\n {{{indent}}}(?:-|[{{\[\"0-9tfn])")


@cache
def _end(indent: int, in_list: bool) -> re.Pattern[str] | _Never:
    """The first line that leaves a block indented deeper than `indent` (a sequence may sit at its key's
    own indentation, so in a list a `- ` line at `indent` does not end it)."""
    if indent < 0:
        return _NEVER
    # a line not indented deeper, not blank, not a comment (lookaheads: each line costs one try, no backtracking)
    dash = rf"(?! {{{indent}}}- )" if in_list else ""
    return re.compile(rf"\n(?! {{{indent + 1}}})(?! *(?:[\n#]|\Z)){dash}")


class _Never:
    """The end of the root's block (no node written above it): no line ends it."""

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> None:
        return None

    def match(self, text: str, pos: int = 0) -> None:
        return None


_NEVER = _Never()


class Lines:
    def __init__(self, text: str) -> None:
        self.text = "\n" + text
        self._json = text.lstrip().startswith(("{", "["))  # keys are likelier "quoted" than plain
        self._memo: dict[_PointerT, tuple[int, int]] = {}
        self._blocks: dict[tuple[int, int, bool], _Block | None] = {}
        self._bounds: dict[tuple[int, int], int] = {}  # (offset, indentation) of a located node: its block's bound
        self._next: dict[int, dict[str, str]] = {}  # a mapping of the data (by id): each key's next key
        self._tightened: set[tuple[int, int]] = set()  # located keys whose bound the next key has set
        self._counted: list[int] = []  # offsets whose line is known (sorted), and those lines
        self._lines: list[int] = []

    def locate(self, pointer: _PointerT, data: object) -> tuple[int, int]:
        """1-based line and column of the key (or list item) at `pointer` in `data` (the parsed text), or of its
        nearest located ancestor."""
        pointer = tuple(pointer)
        offset, indent = self._find(pointer, data)
        while indent == _NOT_FOUND and pointer:  # the nearest located ancestor, with its own column
            pointer = pointer[:-1]
            offset, indent = self._find(pointer, data)
        if not pointer or indent < 0:
            return 1, 1
        item = self.text.startswith("- ", offset + 1 + indent)  # a list item: its value, after the dash
        return max(self._line_number(offset), 1), indent + (3 if item else 1)

    def _line_number(self, offset: int) -> int:
        """The line of the entry at `offset`: newlines counted from the nearest offset counted before (str.count
        runs at memory speed; a table of every line start cost some 100 ms on a 5 MB contract), or back from the
        nearest counted after it when that is nearer."""
        after = bisect_right(self._counted, offset + 1)
        start, lines = (self._counted[after - 1], self._lines[after - 1]) if after > 0 else (0, 0)
        if after < len(self._counted) and self._counted[after] - offset - 1 < offset + 1 - start:  # nearer after
            lines = self._lines[after] - self.text.count("\n", offset + 1, self._counted[after])
        else:
            lines += self.text.count("\n", start, offset + 1)
        self._counted.insert(after, offset + 1)
        self._lines.insert(after, lines)
        return lines

    def _root(self) -> tuple[int, int]:
        first = _CONTENT.search(self.text)
        if first is not None and first.group(2).strip() in ("{", "["):  # pretty-printed JSON: the brace is the root
            return first.start(), len(first.group(1))
        return -1, -1

    def _find(self, pointer: _PointerT, data: object) -> tuple[int, int]:
        """(offset of the entry's line, indentation of the entry); the nearest ancestor's when not found."""
        if not pointer:
            return self._memo.setdefault((), self._root())
        if pointer in self._memo:
            return self._memo[pointer]
        parent = self._find(pointer[:-1], data)
        container: Any = data
        for token in pointer[:-1]:
            container = container[int(token)] if isinstance(container, list) else container.get(token)
        in_list = isinstance(container, list)
        found = self._child(parent[0], parent[1], pointer[-1], in_list)
        self._memo[pointer] = found if found is not None else (max(parent[0], 0), _NOT_FOUND)
        if found is not None and not in_list and found not in self._tightened:
            self._tightened.add(found)
            self._bound_by_next(parent, container, pointer[-1], found)
        return self._memo[pointer]

    def _bound_by_next(
        self, parent: tuple[int, int], container: dict[str, Any], token: str, found: tuple[int, int]
    ) -> None:
        """The key after `token` in the data, where its line follows: the block of `token` ends there at the latest
        (a later sibling's line leaves it), which keeps the searches in that block short."""
        following = self._next.get(id(container))
        if following is None:
            names = [str(name) for name in container]
            following = self._next[id(container)] = dict(pairwise(names))
        after = following.get(token)
        if after is not None:
            at = self._child(parent[0], parent[1], after, False)
            if at is not None and found[0] < at[0] < self._bounds.get(found, len(self.text)):
                self._bounds[found] = at[0]

    def _line(self, offset: int) -> str:
        end = self.text.find("\n", offset + 1)
        return self.text[offset + 1 : end if end >= 0 else len(self.text)]

    def _child(self, offset: int, indent: int, token: str, in_list: bool) -> tuple[int, int] | None:
        if indent == _NOT_FOUND:
            return None
        block = self._block(offset, indent, in_list)
        if block is None:
            return None
        if in_list:
            items = self._items(block)
            index = int(token)
            return (items[index], block.indent) if index < len(items) else None
        found = self._key(block, token)
        return (found, block.indent) if found is not None else None

    def _block(self, offset: int, indent: int, in_list: bool) -> _Block | None:
        """The children of the node whose entry line is at `offset` (None when it has none on lines of their own)."""
        key = (offset, indent, in_list)
        if key not in self._blocks:
            self._blocks[key] = self._open(offset, indent, in_list)
        return self._blocks[key]

    def _open(self, offset: int, indent: int, in_list: bool) -> _Block | None:
        text = self.text
        start = 0
        ending = _end(indent, in_list)
        bound = self._bounds.get((offset, indent), len(text))
        if offset >= 0:
            newline = text.find("\n", offset + 1)
            start = len(text) if newline < 0 else newline
            own = self._line(offset)
            stripped = own.lstrip(" ")
            level = len(own) - len(stripped)
            if stripped.startswith("- ") and level == indent:  # an item: its content starts on the dash line
                on_dash = _Block(level + 2, start, ending, bound, listed=False)
                rest = stripped[2:]
                if not in_list:
                    here = _KEY_HERE.match(rest)
                    if here is not None:
                        on_dash.keys[_name(here)] = offset
                        self._bounds[(offset, level + 2)] = bound
                elif rest.startswith("- "):  # "- - x": a list in a list
                    on_dash.items.append(offset)
                return on_dash
        first = _CONTENT.search(text, start, bound)
        if first is None or ending.match(text, first.start()) is not None:  # the block ends before any child
            return None
        return _Block(len(first.group(1)), start, ending, bound, listed=False)

    def _key(self, block: _Block, token: str) -> int | None:
        """The first line of the block that holds the key `token` at the children's indentation."""
        if token in block.keys or block.indexed:
            return block.keys.get(token)
        text, pattern = self.text, _keys(block.indent)
        if len(block.keys) >= _SEARCHES:  # many keys wanted here: index them all in one pass over the block
            stop = block.end(text)
            for match in pattern.finditer(text, block.start, stop):
                block.keys.setdefault(_name(match), match.start())
            block.keys = {name: at for name, at in block.keys.items() if at is not None and at < stop}
            block.indexed = True
            block.found = sorted(at for at in block.keys.values() if at is not None)
            for at in block.found:
                self._bounds.setdefault((at, block.indent), block.after(at))
            return block.keys.get(token)
        prefix = "\n" + " " * block.indent
        limit = block.limit()
        best: int | None = None
        for written in self._forms(token):
            needle = prefix + written
            end = limit if best is None else best
            at = block.first(text, prefix + written[0], end)  # no line of the block begins so before it
            if at >= 0:
                at = text.find(needle, at, end)
            while at >= 0:
                written_so = pattern.match(text, at, limit)
                if written_so is not None and _name(written_so) == token:
                    best = at
                    break
                at = text.find(needle, at + 1, limit if best is None else best)
        found = best if best is not None and block.before_stop(text, best) else None
        block.keys[token] = found
        if found is not None:
            insort(block.found, found)
            self._bounds.setdefault((found, block.indent), block.after(found))
        return found

    def _forms(self, token: str) -> list[str]:
        """How a key named `token` may begin its line, the likeliest first (the others are looked for before it)."""
        quoted = [f'"{token}"', f"'{token}'"]
        if not _PLAIN_START.match(token):
            return quoted
        return [*quoted, token] if self._json else [token, *quoted]

    def _items(self, block: _Block) -> list[int]:
        if not block.listed:
            stop = block.end(self.text)
            block.items += [match.start() for match in _item(block.indent).finditer(self.text, block.start, stop)]
            block.listed = True
            for at in block.items:  # not the next item: an item that is a list runs on over `- ` lines
                self._bounds.setdefault((at, block.indent), stop)
        return block.items
