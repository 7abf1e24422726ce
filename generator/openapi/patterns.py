"""Does one regular expression (`pattern`) accept every string another accepts? Undecidable in general
(ECMA-262 patterns have lookarounds and backreferences); decided here where it can be, and `None` elsewhere.

Decided `True` (the new pattern accepts every string the old one did): equal patterns; a new pattern that
accepts everything (none, `''`, `.*`, any pattern without anchors, boundaries or lookarounds that matches the
empty string); every alternative of the old pattern is an alternative of the new one with the same or fewer
anchors (`^a$` -> `^(a|b)$`, `^a$` -> `^a`).
Decided `False`: a string the old pattern accepts and the new one rejects. The candidates are made from the old
pattern itself for the plain syntax most API patterns use (literals, classes, `\\d\\w\\s.`, groups, alternation,
quantifiers), plus a few short strings when the old pattern accepts everything; each candidate is checked
against both patterns, so a candidate built wrongly only loses a decision, never makes a wrong one.
Python's `re` stands in for ECMA-262: on that plain syntax and the ASCII candidates used, they agree; a pattern
Python cannot compile is not decided.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

_PROBES = ("", "a", "A", "0", "-", " ", "a0", "_", ".")
_CLASS_ESCAPES = {"d": "0", "w": "a", "s": " ", "D": "a", "W": "-", "S": "a"}
_MAX_EXAMPLES = 16


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return None


def search(pattern: str, text: str) -> bool | None:
    compiled = _compiled(pattern)
    return None if compiled is None else compiled.search(text) is not None


def accepts_all(pattern: str | None) -> bool:
    """True when the pattern matches every string: nothing ties a match to a place, and it matches ''."""
    if pattern is None or pattern in ("", ".*"):
        return True
    if any(mark in pattern for mark in ("^", "$", "\\b", "\\B", "(?", "\\A", "\\Z")):
        return False
    return search(pattern, "") is True


def _split(body: str, at: str = "|") -> list[str] | None:
    """`body` split at its top-level `|` (not inside a group, a class, or escaped); None when unbalanced."""
    parts, depth, start, index, in_class = [], 0, 0, 0, False
    while index < len(body):
        char = body[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if body[index + 1 : index + 2] == "]":
                index += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return None
        elif char == at and depth == 0:
            parts.append(body[start:index])
            start = index + 1
        index += 1
    if depth or in_class:
        return None
    parts.append(body[start:])
    return parts


def _group_body(text: str) -> str | None:
    """The inside of `(...)` or `(?:...)` when that one group spans all of `text`."""
    opener = "(?:" if text.startswith("(?:") else "(" if text.startswith("(") and not text.startswith("(?") else None
    if opener is None or not text.endswith(")") or text.endswith("\\)"):
        return None
    inner = text[len(opener) : -1]
    return inner if _split(inner, ")") == [inner] and _split(inner) is not None else None


Alternative = tuple[bool, str, bool]  # (anchored at the start, body, anchored at the end)


def _alternatives(pattern: str) -> list[Alternative] | None:
    pieces = _split(pattern)
    if pieces is None:
        return None
    found: list[Alternative] = []
    for piece in pieces:
        start = piece.startswith("^")
        body = piece[1:] if start else piece
        end = body.endswith("$") and not body.endswith("\\$")
        body = body[:-1] if end else body
        inner = _group_body(body)
        inside = _split(inner) if inner is not None else None
        if inside is not None and len(inside) > 1:  # ^(a|b)$ is ^a$ or ^b$
            found += [(start, part, end) for part in inside]
        else:
            found.append((start, inner if inner is not None else body, end))
    return found


def _alternative_covers(old: Alternative, new: Alternative) -> bool:
    """Every string `old` matches, `new` matches: the same body with the same or fewer anchors."""
    return old[1] == new[1] and (old[0] or not new[0]) and (old[2] or not new[2])


# --- examples: strings the old pattern accepts --------------------------------------------------------------
class _Unsupported(Exception):
    pass


def _class_example(text: str, index: int) -> tuple[list[str], int]:
    """Up to three characters a `[...]` class at `index` accepts, and the index after the class."""
    end = index + 1
    if text[end : end + 1] == "^":
        end += 1
    if text[end : end + 1] == "]":
        end += 1
    while end < len(text) and text[end] != "]":
        end += 2 if text[end] == "\\" else 1
    if end >= len(text):
        raise _Unsupported
    whole = text[index : end + 1]
    compiled = _compiled(whole)
    if compiled is None:
        raise _Unsupported
    accepted = [candidate for candidate in "a0A-_ .zZ9" if compiled.fullmatch(candidate)][:3]
    if not accepted:
        raise _Unsupported
    return accepted, end + 1


def _quantifier(text: str, index: int) -> tuple[int, int]:
    """(smallest repeat count, index after the quantifier) of what follows an atom."""
    char = text[index : index + 1]
    if char in ("*", "?"):
        low, index = 0, index + 1
    elif char == "+":
        low, index = 1, index + 1
    elif char == "{":
        close = text.find("}", index)
        found = re.fullmatch(r"(\d+)(,\d*)?", text[index + 1 : close]) if close > 0 else None
        if found is None:
            return 1, index  # a literal `{`: left to the caller's next atom
        low, index = int(found.group(1)), close + 1
    else:
        return 1, index
    if text[index : index + 1] in ("?", "+"):
        index += 1  # lazy or possessive: the same strings
    return low, index


def _sequence(text: str, index: int) -> tuple[list[str], int]:
    """Examples of the branches from `index` up to an unmatched `)` or the end, and that index."""
    branches: list[list[str]] = []
    current = [""]
    while index < len(text) and text[index] != ")":
        char = text[index]
        if char == "|":
            branches.append(current)
            current, index = [""], index + 1
            continue
        if char in "^$":
            index += 1
            continue
        if char == "(":
            if text.startswith("(?:", index):
                index += 3
            elif text.startswith("(?", index):
                raise _Unsupported  # lookarounds and named groups
            else:
                index += 1
            atoms, index = _sequence(text, index)
            if text[index : index + 1] != ")":
                raise _Unsupported
            index += 1
        elif char == "[":
            atoms, index = _class_example(text, index)
        elif char == "\\":
            escaped = text[index + 1 : index + 2]
            if escaped in _CLASS_ESCAPES:
                atoms = [_CLASS_ESCAPES[escaped]]
            elif escaped and not escaped.isalnum():
                atoms = [escaped]
            else:
                raise _Unsupported  # \p{...}, \u...., back-references, \b
            index += 2
        elif char == ".":
            atoms, index = ["a"], index + 1
        elif char in "*+?{":
            raise _Unsupported
        else:
            atoms, index = [char], index + 1
        low, index = _quantifier(text, index)
        current = [done + atom * low for done in current for atom in atoms][:_MAX_EXAMPLES]
    branches.append(current)
    return [example for branch in branches for example in branch][:_MAX_EXAMPLES], index


def _examples(pattern: str) -> Iterator[str]:
    """Strings the pattern accepts (checked), as many as its plain syntax lets us build."""
    candidates = list(_PROBES) if accepts_all(pattern) else []
    try:
        built, end = _sequence(pattern, 0)
        if end == len(pattern):  # and each with a character around it, for patterns not anchored
            candidates += built + [f"{example}-" for example in built] + [f"-{example}" for example in built]
    except (_Unsupported, RecursionError):
        pass
    return (c for c in dict.fromkeys(candidates) if search(pattern, c) is True)


def examples(pattern: str) -> list[str]:
    """A few strings the pattern accepts (each checked against it); none when its syntax is not the plain one."""
    return list(_examples(pattern))


@functools.lru_cache(maxsize=1024)
def covers(old: str | None, new: str | None) -> bool | None:
    """Does `new` accept every string `old` accepts? True, False (a string shows it does not), or None."""
    if accepts_all(new) or old == new:
        return True
    assert new is not None  # accepts_all(None)
    if old is not None and not accepts_all(old):
        before, after = _alternatives(old), _alternatives(new)
        if before and after and all(any(_alternative_covers(a, b) for b in after) for a in before):
            return True
    for example in _examples(old if old is not None else ""):
        if search(new, example) is False:
            return False
    return None
