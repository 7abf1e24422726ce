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


MIXED = """\
openapi: 3.1.0
info: {title: flow, version: '1'}
paths:
  /a:
    get:
      description: >
        folded text
        over lines
      summary: plain text
        that runs on
      parameters:
      - name: x
        in: query
        schema: {type: string, enum: [a, b]}
      - {name: y, in: header}
      - - nested
        - list
      responses:
        '200':
          description: |
            literal: not a key
            paths: nor this
        "404": {description: gone}
  /b:
    get:
      responses:
        '200':
          description: b
components:
  schemas:
    A:
      type: object
      properties:
        tags: [x, y]
        name:
          type: string
"""


def located_texts() -> Iterator[tuple[str, str]]:
    yield "mixed-flow-and-multiline", MIXED
    yield from texts()
    yield "pets-json", json.dumps(pets("3.0.3"), indent=2)
    for path in sorted((Path(__file__).parent.parent / "data" / "openapi" / "real").glob("*.json")):
        yield path.name, path.read_text()


@pytest.mark.parametrize(("name", "text"), list(located_texts()), ids=lambda v: v if len(v) < 40 else "")
def test_positions_do_not_depend_on_the_order_they_are_asked_in(name: str, text: str) -> None:
    """Blocks remember their ends and keys between lookups: asking from the last node back, or the deepest nodes
    first, gives every node the position it has when asked in document order."""
    data = yaml.safe_load(text)
    everything = list(pointers(data))
    in_order = [Lines(text).locate(pointer, data) for pointer in everything]
    backwards = Lines(text)
    assert [backwards.locate(pointer, data) for pointer in reversed(everything)][::-1] == in_order
    deepest_first = Lines(text)
    by_depth = sorted(range(len(everything)), key=lambda index: -len(everything[index]))
    found = {index: deepest_first.locate(everything[index], data) for index in by_depth}
    assert [found[index] for index in range(len(everything))] == in_order


def test_multi_line_and_flow_nodes_get_their_own_or_their_ancestors_line() -> None:
    data = yaml.safe_load(MIXED)
    lines = Lines(MIXED)
    rows = MIXED.splitlines()
    assert lines.locate(("paths", "/a", "get", "summary"), data) == (9, 7)
    assert lines.locate(("paths", "/a", "get", "responses", "200", "description"), data) == (20, 11)
    assert lines.locate(("paths", "/a", "get", "responses", "404"), data) == (23, 9)
    assert lines.locate(("paths", "/a", "get", "parameters", "1"), data) == (15, 9)
    assert lines.locate(("paths", "/a", "get", "parameters", "2", "1"), data) == (17, 11)
    # written in flow style: the line of the nearest node on a line of its own
    assert lines.locate(("paths", "/a", "get", "parameters", "0", "schema", "enum"), data) == (14, 9)
    assert lines.locate(("info", "title"), data) == (2, 1)
    # text inside a block scalar is not a key of the document
    assert lines.locate(("paths", "/b"), data) == (24, 3)
    assert rows[24 - 1].strip() == "/b:"
    assert lines.locate(("components", "schemas", "A", "properties", "name", "type"), data) == (36, 11)
