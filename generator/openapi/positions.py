"""Lines of findings in contract files, found only for the nodes that have findings.

Parsing a large contract with positions for every node costs more than the whole diff, so the data is
loaded without positions and a finding's JSON pointer is located afterwards in the text: each key is looked
for at the indentation of its parent's children (block YAML and pretty-printed JSON both indent that way),
each array index by counting items, with regular expressions over the text (no per-line Python loop). A
node written in flow style (`{a: 1}`, minified JSON) gets the line of its nearest located ancestor.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_PointerT = tuple[str, ...]
_NOT_FOUND = -2  # indentation marker: the node was not located; its children are not looked for
# Every pattern starts with a newline: a literal prefix lets the regex engine skip to line starts quickly.
# The text is kept with one newline in front, so every line, the first too, follows a newline, and an
# entry's offset is the offset of the newline before its line.
_CONTENT = re.compile(r"\n( *)([^ \n#][^\n]*)")


@cache
def _key(indent: int, token: str) -> re.Pattern[str]:
    name = re.escape(token)
    return re.compile(rf"\n {{{indent}}}(?:{name}|\"{name}\"|'{name}'):(?=[ \n]|\Z)")


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

    def locate(self, pointer: _PointerT, data: object) -> int:
        """1-based line of the node at `pointer` in `data` (the parsed text), or of its nearest located ancestor."""
        if not pointer:
            return 1
        offset = self._find(tuple(pointer), data)[0]
        return max(self.text.count("\n", 0, offset + 1), 1)

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
        text = self.text
        index = int(token) if in_list else None
        count = -1
        start = 0
        child_indent: int | None = None
        if offset >= 0:
            own = self._line(offset)
            stripped = own.lstrip(" ")
            level = len(own) - len(stripped)
            if stripped.startswith("- ") and level == indent:  # an item: its content starts on the dash line
                child_indent, rest = level + 2, stripped[2:]
                if index is None and _key(0, token).match("\n" + rest):
                    return offset, child_indent
                if index is not None and rest.startswith("- "):  # "- - x": a list in a list
                    count += 1
                    if count == index:
                        return offset, child_indent
            newline = text.find("\n", offset + 1)
            start = len(text) if newline < 0 else newline
        ending = _end(indent, index is not None).search(text, start)
        stop = ending.start() if ending is not None else len(text)
        if child_indent is None:
            first = _CONTENT.search(text, start, stop)
            if first is None:
                return None
            child_indent = len(first.group(1))
        if index is None:
            match = _key(child_indent, token).search(text, start, stop)
            return (match.start(), child_indent) if match is not None else None
        for match in _item(child_indent).finditer(text, start, stop):
            count += 1
            if count == index:
                return match.start(), child_indent
        return None
