"""Finding lines and columns come from a text walk, not a parser: check them against the strict loader's
positions on every node of every test document, in block YAML (indented and not), pretty JSON and minified
JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import yamlio
from generator.openapi.positions import Lines
from tests.openapi.documents import pets

REAL = sorted((Path(__file__).parent.parent / "data" / "openapi" / "real").glob("*.yaml"))


def pointers(data: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from pointers(value, (*prefix, str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from pointers(value, (*prefix, str(index)))


def texts() -> Iterator[tuple[str, str]]:
    doc = pets("3.1.0")
    yield "pyyaml-indentless", yaml.safe_dump(doc, sort_keys=False)
    yield "lockstep-indented", yamlio.dumps(doc)
    for path in REAL:
        yield path.name, path.read_text()


@pytest.mark.parametrize(("name", "text"), list(texts()), ids=lambda v: v if len(v) < 40 else "")
def test_yaml_lines_and_columns_match_the_strict_loader(name: str, text: str) -> None:
    doc = yamlio.loads(text, name)
    lines = Lines(text)
    strict: dict[tuple[str, ...], tuple[int, int]] = {(): (1, 1)}
    for pointer in pointers(doc.data):
        typed: list[str | int] = []
        node = doc.data
        for token in pointer:
            typed.append(int(token) if isinstance(node, list) else token)
            node = node[typed[-1]]
        where = doc.keys.get(tuple(typed)) or doc.values.get(tuple(typed))
        if pointer:
            strict[pointer] = (where.line, where.column)
        found = lines.locate(pointer, doc.data)
        if found != strict[pointer]:  # only a node written in flow style on its ancestor's line gets its position
            ancestors = [strict[pointer[:end]] for end in range(len(pointer))]
            assert found in ancestors and found[0] == strict[pointer][0], pointer


@pytest.mark.parametrize("indent", [2, None])
def test_json_lines_hold_the_key(indent: int | None) -> None:
    data = pets("3.0.3")
    text = json.dumps(data, indent=indent)
    rows = text.splitlines()
    lines = Lines(text)
    for pointer in pointers(data):
        line, column = lines.locate(pointer, data)
        if pointer and not pointer[-1].isdigit():
            assert f'"{pointer[-1]}"' in rows[line - 1]
            if indent is not None:  # pretty-printed: the key itself; minified: the line's start
                assert rows[line - 1][column - 1 :].startswith(f'"{pointer[-1]}"'), pointer
