"""Lines of findings in contract files, found only for the nodes that have findings.

Parsing a large contract with positions for every node costs more than the whole diff, so the data is
loaded without positions and a finding's JSON pointer is located afterwards by walking the text: each key
is looked for at the indentation of its parent's children (block YAML and pretty-printed JSON both indent
that way), each array index by counting items. A node written in flow style (`{a: 1}`, minified JSON) gets
the line of its nearest located ancestor.
"""

from __future__ import annotations

_PointerT = tuple[str, ...]


class Lines:
    def __init__(self, text: str) -> None:
        self.text = text
        self._rows: list[tuple[int, str]] | None = None
        self._memo: dict[_PointerT, tuple[int, int]] = {}

    @property
    def rows(self) -> list[tuple[int, str]]:
        """(indentation, stripped text) per line; blank and comment lines have indentation -1."""
        if self._rows is None:
            rows = []
            for raw in self.text.splitlines():
                stripped = raw.strip()
                if not stripped or stripped.startswith("#"):
                    rows.append((-1, ""))
                else:
                    rows.append((len(raw) - len(raw.lstrip(" ")), stripped))
            self._rows = rows
        return self._rows

    def locate(self, pointer: _PointerT, data: object) -> int:
        """1-based line of the node at `pointer` in `data` (the parsed text), or of its nearest located ancestor."""
        return self._find(tuple(pointer), data)[0] + 1 if pointer else 1

    def _root(self) -> tuple[int, int]:
        first = next((number for number, (level, _) in enumerate(self.rows) if level >= 0), -1)
        if first >= 0 and self.rows[first][1] in ("{", "["):  # pretty-printed JSON: the brace is the root
            return first, self.rows[first][0]
        return -1, -1

    def _find(self, pointer: _PointerT, data: object) -> tuple[int, int]:
        """(row, indentation of the entry) of `pointer`; the nearest ancestor's when not found."""
        if not pointer:
            return self._memo.setdefault((), self._root())
        if pointer in self._memo:
            return self._memo[pointer]
        parent_row, parent_indent = self._find(pointer[:-1], data)
        container = data
        for token in pointer[:-1]:
            container = container[int(token)] if isinstance(container, list) else container.get(token)  # type: ignore[union-attr]
        found = self._child(parent_row, parent_indent, pointer[-1], isinstance(container, list))
        result = found if found is not None else (max(parent_row, 0), parent_indent)
        if found is None:  # children of an unlocated node are unlocated too
            self._memo[pointer] = (result[0], -2)
            return self._memo[pointer]
        self._memo[pointer] = result
        return result

    def _child(self, row: int, indent: int, token: str, in_list: bool) -> tuple[int, int] | None:
        if indent == -2:
            return None
        rows = self.rows
        start = row  # the parent's own line may hold the first key of a "- key: value" item
        keys = (f"{token}:", f'"{token}":', f"'{token}':")
        index = int(token) if in_list else None
        child_indent: int | None = None
        count = -1
        for number in range(max(start, 0), len(rows)):
            level, text = rows[number]
            if level < 0:
                continue
            if number == row:
                if row >= 0 and text.startswith("- ") and level == indent:  # an item: its keys start on the dash line
                    inner = level + 2
                    if index is None and text[2:].startswith(keys):
                        return number, inner
                    if index is not None and text[2:].startswith("- "):  # "- - x": a list in a list
                        count += 1
                        if count == index:
                            return number, inner
                    child_indent = inner
                continue
            unindented_item = index is not None and level == indent and text.startswith("- ")
            if level <= indent and not unindented_item:
                return None  # left the parent's block (a sequence may sit at its key's indentation)
            if child_indent is None:
                child_indent = level
            if level != child_indent:
                continue
            if index is not None and (text.startswith("-") or text[0] in '{["0123456789tfn'):
                count += 1
                if count == index:
                    return number, level
            elif index is None and text.startswith(keys):
                return number, level
        return None
