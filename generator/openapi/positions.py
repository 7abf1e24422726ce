"""Lines of findings in contract files, found only for the nodes that have findings.

Parsing a large contract with positions for every node costs more than the whole diff, so the data is
loaded without positions and a finding's JSON pointer is located afterwards in the text: each key is looked
for at the indentation of its parent's children (block YAML and pretty-printed JSON both indent that way),
each array index by counting items, with regular expressions over the text (no per-line Python loop). A
node written in flow style (`{a: 1}`, minified JSON) gets the line of its nearest located ancestor.

A key's column is its indentation (a key after `- ` is indented two past the dash), an item's is that of its value
(after its `- `).

Each block is indexed once (every key and item at its children's indentation), and lines are counted from
the nearest offset already counted, so that locating N findings costs about N lookups, not N scans of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache
from typing import Any

_PointerT = tuple[str, ...]
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


@dataclass
class _Block:
    """The children of one located node: each key's and each item's entry offset, and their indentation."""

    indent: int
    keys: dict[str, int] = field(default_factory=dict)
    items: list[int] = field(default_factory=list)


@cache
def _item(indent: int) -> re.Pattern[str]:
    return re.compile(rf"\n {{{indent}}}(?:-|[{{\[\"0-9tfn])")


@cache
def _end(indent: int, in_list: bool) -> re.Pattern[str]:
    """The first line that leaves a block indented deeper than `indent` (a sequence may sit at its key's
    own indentation, so in a list a `- ` line at `indent` does not end it)."""
    if indent < 0:
        return re.compile(r"(?!)")
    shallower = rf" {{0,{indent - 1}}}[^ \n#]|" if indent > 0 else ""
    level = rf" {{{indent}}}(?!- )[^ \n#]" if in_list else rf" {{{indent}}}[^ \n#]"
    return re.compile(rf"\n(?:{shallower}{level})")


class Lines:
    def __init__(self, text: str) -> None:
        self.text = "\n" + text
        self._memo: dict[_PointerT, tuple[int, int]] = {}
        self._blocks: dict[tuple[int, int, bool], _Block | None] = {}
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
        runs at memory speed; a table of every line start cost some 100 ms on a 5 MB contract)."""
        before = bisect_right(self._counted, offset) - 1
        start, lines = (self._counted[before], self._lines[before]) if before >= 0 else (0, 0)
        lines += self.text.count("\n", start, offset + 1)
        self._counted.insert(before + 1, offset + 1)
        self._lines.insert(before + 1, lines)
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
        found = self._child(parent[0], parent[1], pointer[-1], isinstance(container, list))
        self._memo[pointer] = found if found is not None else (max(parent[0], 0), _NOT_FOUND)
        return self._memo[pointer]

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
            index = int(token)
            return (block.items[index], block.indent) if index < len(block.items) else None
        found = block.keys.get(token)
        return (found, block.indent) if found is not None else None

    def _block(self, offset: int, indent: int, in_list: bool) -> _Block | None:
        """Every child entry of the node whose entry line is at `offset`, found in one pass over its block."""
        key = (offset, indent, in_list)
        if key not in self._blocks:
            self._blocks[key] = self._index(offset, indent, in_list)
        return self._blocks[key]

    def _index(self, offset: int, indent: int, in_list: bool) -> _Block | None:
        text = self.text
        start = 0
        child_indent: int | None = None
        on_dash: _Block | None = None  # what the node's own `- ` line holds
        if offset >= 0:
            own = self._line(offset)
            stripped = own.lstrip(" ")
            level = len(own) - len(stripped)
            if stripped.startswith("- ") and level == indent:  # an item: its content starts on the dash line
                child_indent, rest = level + 2, stripped[2:]
                on_dash = _Block(child_indent)
                if not in_list:
                    here = _KEY_HERE.match(rest)
                    if here is not None:
                        on_dash.keys[_name(here)] = offset
                elif rest.startswith("- "):  # "- - x": a list in a list
                    on_dash.items.append(offset)
            newline = text.find("\n", offset + 1)
            start = len(text) if newline < 0 else newline
        ending = _end(indent, in_list).search(text, start)
        stop = ending.start() if ending is not None else len(text)
        if child_indent is None:
            first = _CONTENT.search(text, start, stop)
            if first is None:
                return None
            child_indent = len(first.group(1))
        block = on_dash or _Block(child_indent)
        if in_list:
            block.items += [match.start() for match in _item(child_indent).finditer(text, start, stop)]
        else:
            for match in _keys(child_indent).finditer(text, start, stop):
                block.keys.setdefault(_name(match), match.start())
        return block
