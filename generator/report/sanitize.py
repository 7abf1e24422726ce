"""What comes from files (paths, messages) made safe for each format before it is printed: a message can never
start a line of its own, run a terminal escape sequence, issue a GitHub workflow command, or mention, link or
render HTML in a pull-request comment."""

from __future__ import annotations

MAX_MESSAGE = 1000  # characters of one message in any report


def capped(value: str) -> str:
    return value if len(value) <= MAX_MESSAGE else value[:MAX_MESSAGE] + "..."


def text(value: str) -> str:
    """One line, control characters (C0, DEL, C1, line and paragraph separators) shown escaped, length capped."""
    shown = capped(value)
    if shown.isprintable():  # the common case, checked at C speed
        return shown
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in shown)


_MARKDOWN = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "&#64;", "[": "&#91;", "]": "&#93;", "|": "\\|"}


def markdown(value: str) -> str:
    """Text for a Markdown table cell: one line, no HTML, no mention, no link, no table break (code spans and
    emphasis are left as they are: they cannot do any of that)."""
    return "".join(_MARKDOWN.get(ch, ch) for ch in text(value.replace("\r", " ").replace("\n", " ")))
