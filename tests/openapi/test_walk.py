"""`walk.Context` and `walk.Node`, what the differ stands on: following `$ref`s (across files, and stopping with a
finding on cycles, chains that do not end, missing targets and remote refs, each reported once per place), and the
equality shortcut `same()`, which must never call two subtrees equal when something they refer to changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.openapi import loader
from generator.openapi.loader import Spec
from generator.openapi.walk import Context, Node


def spec(folder: Path, components: dict[str, Any], **files: Any) -> Spec:
    """A contract in `folder` whose component schemas are `components`, with other files beside it (`name=data`)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    root = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": components},
    }
    (folder / "openapi.yaml").write_text(yaml.safe_dump(root, sort_keys=False))
    return loader.load(str(folder / "openapi.yaml"))


def at(spec: Spec, *pointer: str) -> Node:
    return Node(loader.walk(spec.root.data, pointer), spec.root, pointer)


def schema(spec: Spec, name: str) -> Node:
    return at(spec, "components", "schemas", name)


def problems(ctx: Context) -> list[tuple[str, str | None, str | None]]:
    return [(f.rule, f.pointer, f.operation) for f in ctx.findings]


# --- Node ------------------------------------------------------------------------------------------------


def test_child_knows_its_place_and_is_none_when_absent(tmp_path: Path) -> None:
    doc = spec(tmp_path, {"Pet": {"type": "object", "required": ["id", "name"]}})
    pet = schema(doc, "Pet")
    second = pet.child("required", 1)
    assert second is not None and (second.value, second.pointer) == (
        "name",
        ("components", "schemas", "Pet", "required", "1"),
    )
    assert second.source is doc.root
    assert pet.child("required", 2) is None
    assert pet.child("properties") is None
    assert pet.child("type", "x") is None  # below a string there is nothing


# --- resolve -------------------------------------------------------------------------------------------------


def test_a_node_without_ref_is_returned_as_it_is(tmp_path: Path) -> None:
    doc = spec(tmp_path, {"Pet": {"type": "object"}})
    ctx = Context(doc, doc)
    pet = schema(doc, "Pet")
    assert ctx.resolve("base", pet) is pet
    assert ctx.resolve("base", None) is None
    assert ctx.findings == []


def test_a_ref_chain_is_followed_across_files(tmp_path: Path) -> None:
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts/more.yaml").write_text("D:\n  $ref: '../openapi.yaml#/components/schemas/Name'\n")
    doc = spec(
        tmp_path,
        {"A": {"$ref": "shared.yaml#/B"}, "Name": {"type": "string", "maxLength": 9}},
        shared={"B": {"$ref": "#/C"}, "C": {"$ref": "parts/more.yaml#/D"}},
    )
    ctx = Context(doc, doc)
    found = ctx.resolve("head", schema(doc, "A"))
    assert found is not None and found.value == {"type": "string", "maxLength": 9}
    assert found.source is doc.root and found.pointer == ("components", "schemas", "Name")
    assert ctx.findings == []


def test_refs_resolve_against_their_own_side(tmp_path: Path) -> None:
    base = spec(tmp_path / "base", {"A": {"$ref": "#/components/schemas/B"}, "B": {"type": "string"}})
    head = spec(tmp_path / "head", {"A": {"$ref": "#/components/schemas/B"}, "B": {"type": "integer"}})
    ctx = Context(base, head)
    assert ctx.resolve("base", schema(base, "A")).value == {"type": "string"}
    assert ctx.resolve("head", schema(head, "A")).value == {"type": "integer"}


@pytest.mark.parametrize(
    "schemas",
    [
        {"A": {"$ref": "#/components/schemas/A"}},
        {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}},
        {f"R{i}": {"$ref": f"#/components/schemas/R{i + 1}"} for i in range(100)} | {"R100": {"type": "string"}},
    ],
    ids=["self", "cycle", "100-hops"],
)
def test_a_chain_that_does_not_end_stops_with_a_finding(schemas: dict[str, Any], tmp_path: Path) -> None:
    doc = spec(tmp_path, schemas)
    ctx = Context(doc, doc)
    start = next(iter(schemas))
    assert ctx.resolve("base", schema(doc, start)) is None
    [finding] = ctx.findings
    assert (finding.rule, finding.level, finding.message) == ("api.unresolved-ref", "error", "$ref chain does not end")
    assert finding.file == str(tmp_path / "openapi.yaml") and finding.operation is None


@pytest.mark.parametrize("hops", [40, 64])  # 64: as many refs as are followed, then the schema they reach
def test_a_long_chain_that_ends_resolves(hops: int, tmp_path: Path) -> None:
    schemas = {f"R{i}": {"$ref": f"#/components/schemas/R{i + 1}"} for i in range(hops)}
    schemas[f"R{hops}"] = {"type": "string"}
    doc = spec(tmp_path, schemas)
    ctx = Context(doc, doc)
    assert ctx.resolve("base", schema(doc, "R0")).value == {"type": "string"}
    assert ctx.findings == []


@pytest.mark.parametrize(
    "ref",
    ["#/components/schemas/Nope", "#/components/schemas/Pet/properties/nope", "missing.yaml#/Pet", "other.yaml#/Nope"],
)
def test_a_ref_to_nothing_is_reported_where_it_is_written(ref: str, tmp_path: Path) -> None:
    doc = spec(tmp_path, {"Pet": {"type": "object"}, "Broken": {"$ref": ref}}, other={"Pet": {"type": "object"}})
    ctx = Context(doc, doc)
    assert ctx.resolve("base", schema(doc, "Broken")) is None
    [finding] = ctx.findings
    assert (finding.rule, finding.pointer) == ("api.unresolved-ref", "/components/schemas/Broken")
    assert finding.message == f"$ref `{ref}` does not resolve"
    lines = (tmp_path / "openapi.yaml").read_text().splitlines()
    assert lines[finding.line - 1].strip() == "Broken:"


def test_a_ref_outside_the_folder_does_not_resolve(tmp_path: Path) -> None:
    (tmp_path / "outside.yaml").write_text("Pet: {type: object}\n")
    doc = spec(tmp_path / "api", {"Up": {"$ref": "../outside.yaml#/Pet"}})
    ctx = Context(doc, doc)
    assert ctx.resolve("base", schema(doc, "Up")) is None
    assert problems(ctx) == [("api.unresolved-ref", "/components/schemas/Up", None)]


def test_a_remote_ref_is_reported_once_per_place(tmp_path: Path) -> None:
    remote = {"$ref": "https://example.com/pet.yaml#/Pet"}
    doc = spec(tmp_path, {"A": remote, "B": dict(remote), "C": {"$ref": "#/components/schemas/A"}})
    ctx = Context(doc, doc)
    for name in ("A", "A", "C", "B"):
        assert ctx.resolve("head", schema(doc, name)) is None
    assert problems(ctx) == [
        ("api.remote-ref", "/components/schemas/A", None),  # once, though reached three times
        ("api.remote-ref", "/components/schemas/B", None),
    ]
    assert ctx.findings[0].message == "remote $ref `https://example.com/pet.yaml#/Pet` is not followed"


@pytest.mark.parametrize(
    "ref",
    [
        "http://127.0.0.1:9/pet.yaml",
        "//example.com/pet.yaml#/Pet",
        "ftp://example.com/pet.yaml",
        "file:///etc/pet.yaml",
        "HTTPS://example.com/pet.yaml",
    ],
)
def test_every_remote_spelling_is_a_remote_ref(ref: str, tmp_path: Path) -> None:
    doc = spec(tmp_path, {"A": {"$ref": ref}})
    ctx = Context(doc, doc)
    assert ctx.resolve("base", schema(doc, "A")) is None
    assert problems(ctx) == [("api.remote-ref", "/components/schemas/A", None)]


# --- plain-name fragments: $anchor, $dynamicAnchor, $dynamicRef -----------------------------------------------


def test_a_plain_name_ref_reaches_its_anchor_not_the_document(tmp_path: Path) -> None:
    doc = spec(tmp_path, {"Name": {"$anchor": "name", "type": "string"}, "A": {"$ref": "#name"}})
    ctx = Context(doc, doc)
    found = ctx.resolve("base", schema(doc, "A"))
    assert found is not None and found.pointer == ("components", "schemas", "Name")
    assert ctx.findings == []


def test_a_plain_name_is_read_in_the_schema_resource_of_its_ref(tmp_path: Path) -> None:
    """The same anchor in two resources (`$id`): each ref reaches the one of its own resource."""
    doc = spec(
        tmp_path,
        {
            "A": {"$id": "https://example.com/a", "$defs": {"x": {"$anchor": "x", "type": "string"}}, "$ref": "#x"},
            "B": {"$id": "https://example.com/b", "$defs": {"x": {"$anchor": "x", "type": "integer"}}, "$ref": "#x"},
        },
    )
    ctx = Context(doc, doc)
    assert ctx.resolve("base", schema(doc, "A")).value == {"$anchor": "x", "type": "string"}
    assert ctx.resolve("base", schema(doc, "B")).value == {"$anchor": "x", "type": "integer"}
    assert ctx.findings == []


def test_an_anchor_in_another_file(tmp_path: Path) -> None:
    doc = spec(tmp_path, {"A": {"$dynamicRef": "other.yaml#node"}}, other={"Node": {"$dynamicAnchor": "node"}})
    ctx = Context(doc, doc)
    assert "other.yaml" in doc.sources  # a $dynamicRef's file is read with the contract
    found = ctx.resolve("base", schema(doc, "A"))
    assert found is not None and (found.source.relative, found.pointer) == ("other.yaml", ("Node",))


def test_a_dynamic_ref_whose_anchor_one_schema_defines_is_a_ref(tmp_path: Path) -> None:
    tree = {
        "$dynamicAnchor": "node",
        "type": "object",
        "properties": {"children": {"type": "array", "items": {"$dynamicRef": "#node"}}},
    }
    doc = spec(tmp_path, {"Tree": tree})
    ctx = Context(doc, doc)
    items = schema(doc, "Tree").child("properties", "children", "items")
    assert ctx.resolve("base", items).pointer == ("components", "schemas", "Tree")
    assert ctx.findings == []


def test_a_dynamic_ref_whose_anchor_several_schemas_define_is_bound_by_its_scope(tmp_path: Path) -> None:
    """A generic list whose item type each schema that uses it binds: the `$dynamicRef` reaches the
    `$dynamicAnchor` of the outermost schema resource the comparison passed through to reach it."""
    generic = {"$id": "https://example.com/list", "$defs": {"item": {"$dynamicAnchor": "item"}}}
    generic |= {"type": "array", "items": {"$dynamicRef": "#item"}}

    def bound(kind: str) -> dict[str, Any]:
        item = {"$dynamicAnchor": "item", "type": kind}
        return {"$id": f"https://example.com/{kind}s", "$defs": {"item": item}, "$ref": "#/components/schemas/List"}

    doc = spec(tmp_path, {"List": generic, "Names": bound("string"), "Counts": bound("integer")})
    ctx = Context(doc, doc)
    items = schema(doc, "List").child("items")
    for name, kind in (("Names", "string"), ("Counts", "integer")):
        added = ctx.enter("head", schema(doc, name))
        assert ctx.resolve("head", items).value == {"$dynamicAnchor": "item", "type": kind}
        ctx.leave("head", added)
    assert ctx.resolve("head", items).value == {"$dynamicAnchor": "item"}  # reached from the list alone
    assert ctx.findings == []


def test_a_dynamic_anchor_defined_twice_where_it_is_bound_is_undecided(tmp_path: Path) -> None:
    item = {"$dynamicAnchor": "item", "type": "string"}
    doc = spec(
        tmp_path,
        {"A": {"$defs": {"item": item}, "items": {"$dynamicRef": "#item"}}, "B": {"$defs": {"item": item}}},
    )
    ctx = Context(doc, doc)
    items = schema(doc, "A").child("items")
    assert ctx.resolve("base", items) is None and ctx.resolve("head", items) is None
    [finding] = ctx.findings  # once, whichever side asked first
    assert (finding.rule, finding.level, finding.pointer) == (
        "api.dynamic-ref-undecided",
        "warning",
        "/components/schemas/A/items",
    )
    assert finding.message == (
        "$dynamicRef `#item`: the schema resource that binds it defines `$dynamicAnchor: item` twice; which one it "
        "reaches could not be decided, so what lies behind it was not compared"
    )


@pytest.mark.parametrize(("keyword", "ref"), [("$dynamicRef", "#nowhere"), ("$ref", "#nowhere"), ("$ref", "#")])
def test_a_plain_name_defined_nowhere_does_not_resolve(keyword: str, ref: str, tmp_path: Path) -> None:
    doc = spec(tmp_path, {"A": {keyword: ref}, "B": {"$anchor": "b"}})
    ctx = Context(doc, doc)
    found = ctx.resolve("base", schema(doc, "A"))
    if ref == "#":  # the document itself, as a JSON pointer says
        assert found is not None and found.pointer == ()
        return
    assert found is None
    assert [(f.rule, f.message) for f in ctx.findings] == [
        ("api.unresolved-ref", f"{keyword} `{ref}` does not resolve")
    ]


# --- same() --------------------------------------------------------------------------------------------------

OWNER = {"type": "object", "properties": {"name": {"type": "string"}}}


def pair(tmp_path: Path, base_schemas: dict[str, Any], head_schemas: dict[str, Any], **files: Any) -> Context:
    return Context(spec(tmp_path / "base", base_schemas, **files), spec(tmp_path / "head", head_schemas, **files))


def same(ctx: Context, name: str) -> bool:
    return ctx.same(schema(ctx.base, name), schema(ctx.head, name))


def test_equal_subtrees_whose_refs_reach_equal_data_are_the_same(tmp_path: Path) -> None:
    schemas = {
        "Pet": {"type": "object", "properties": {"owner": {"$ref": "#/components/schemas/Owner"}}},
        "Owner": {
            **OWNER,
            "properties": {"friend": {"$ref": "#/components/schemas/Owner"}, "tag": {"$ref": "tags.yaml#/Tag"}},
        },
    }
    ctx = pair(tmp_path, schemas, schemas, tags={"Tag": {"type": "string"}})
    assert same(ctx, "Pet") and same(ctx, "Owner")  # cycles end; other files count
    assert ctx.findings == []


def test_a_changed_referenced_component_makes_equal_text_different(tmp_path: Path) -> None:
    pet = {"type": "object", "properties": {"owner": {"$ref": "#/components/schemas/Owner"}}}
    changed = {**OWNER, "required": ["name"]}
    ctx = pair(tmp_path, {"Pet": pet, "Owner": OWNER}, {"Pet": pet, "Owner": changed})
    assert schema(ctx.base, "Pet").value == schema(ctx.head, "Pet").value
    assert not same(ctx, "Pet")


def test_a_change_two_refs_away_is_seen(tmp_path: Path) -> None:
    pet = {"$ref": "#/components/schemas/Owner"}
    owner = {"type": "object", "properties": {"tag": {"$ref": "tags.yaml#/Tag"}}}
    base, head = tmp_path / "base", tmp_path / "head"
    ctx = Context(
        spec(base, {"Pet": pet, "Owner": owner}, tags={"Tag": {"type": "string"}}),
        spec(head, {"Pet": pet, "Owner": owner}, tags={"Tag": {"type": "integer"}}),
    )
    assert not same(ctx, "Pet")


def test_a_change_elsewhere_does_not_matter(tmp_path: Path) -> None:
    pet = {"type": "object", "properties": {"owner": {"$ref": "#/components/schemas/Owner"}}}
    ctx = pair(
        tmp_path,
        {"Pet": pet, "Owner": OWNER, "Other": {"type": "string"}},
        {"Pet": pet, "Owner": OWNER, "Other": {"type": "integer"}},
    )
    assert same(ctx, "Pet")
    assert not same(ctx, "Other")


@pytest.mark.parametrize(
    "ref",
    ["https://example.com/pet.yaml#/Pet", "#/components/schemas/Nope", "missing.yaml#/Pet"],
    ids=["remote", "dangling", "no-file"],
)
def test_a_ref_that_cannot_be_followed_is_never_the_same(ref: str, tmp_path: Path) -> None:
    """Equal text is not enough: the walk must reach the ref to report it."""
    schemas = {"Pet": {"type": "object", "properties": {"owner": {"$ref": ref}}}}
    assert not same(pair(tmp_path, schemas, schemas), "Pet")


def test_subtrees_from_different_files_are_not_the_same(tmp_path: Path) -> None:
    ctx = pair(
        tmp_path, {"Pet": {"type": "string"}}, {"X": {"$ref": "other.yaml#/Pet"}}, other={"Pet": {"type": "string"}}
    )
    in_root = schema(ctx.base, "Pet")
    other = ctx.head.source("other.yaml")
    assert not ctx.same(in_root, Node(other.data["Pet"], other, ("Pet",)))


@pytest.mark.parametrize("keyword", ["$ref", "$dynamicRef"])
def test_a_change_behind_a_plain_name_is_seen(keyword: str, tmp_path: Path) -> None:
    pet = {"type": "object", "properties": {"owner": {keyword: "#owner"}}}
    owner = {**OWNER, "$dynamicAnchor" if keyword == "$dynamicRef" else "$anchor": "owner"}
    ctx = pair(tmp_path, {"Pet": pet, "Owner": owner}, {"Pet": pet, "Owner": {**owner, "required": ["name"]}})
    assert not same(ctx, "Pet")
    assert same(pair(tmp_path / "again", {"Pet": pet, "Owner": owner}, {"Pet": pet, "Owner": owner}), "Pet")
