"""Loading a contract (`loader.load`, `loader.load_tree`): YAML and JSON, a file or `REF:path` from git, the files
its relative `$ref`s reach (read once, when it is loaded, and never from outside its folder or the network), and
the errors a user sees for documents that cannot be used."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.errors import LoadError, UsageError
from generator.openapi import loader
from generator.openapi.api import diff_files
from generator.tree import DiskTree, OverlayTree
from tests.openapi.documents import edited, pets, write

PET = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, check=True, capture_output=True
    )


def committed(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "--no-verify", "-m", message)


def contract(schema_ref: str, **schemas: object) -> dict:
    """A one-operation contract whose response schema is `schema_ref`, with extra component schemas."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/pets": {
                "get": {
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": schema_ref}}}}
                    }
                }
            }
        },
        "components": {"schemas": {"Root": {"type": "string"}, **schemas}},
    }


def dump(data: object, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def split_contract(folder: Path) -> Path:
    """openapi.yaml -> schemas.yaml -> parts/deep/owner.yaml, which refers back to both by name."""
    dump(
        {"Pet": {"type": "object", "properties": {"owner": {"$ref": "parts/deep/owner.yaml#/Owner"}}}},
        folder / "schemas.yaml",
    )
    dump(
        {
            "Owner": {
                "type": "object",
                "properties": {
                    "kind": {"$ref": "../../openapi.yaml#/components/schemas/Root"},
                    "pet": {"$ref": "../../schemas.yaml#/Pet"},
                },
            }
        },
        folder / "parts" / "deep" / "owner.yaml",
    )
    return dump(contract("schemas.yaml#/Pet"), folder / "openapi.yaml")


# --- documents -------------------------------------------------------------------------------------------


def test_yaml_and_json_documents_load_the_same_data(tmp_path: Path) -> None:
    as_yaml = loader.load(str(write(pets(), tmp_path / "a.yaml")))
    as_json = loader.load(str(write(pets(), tmp_path / "b.json")))
    assert as_yaml.root.data == as_json.root.data == pets()
    assert (as_yaml.root.name, as_yaml.root_file) == (f"{tmp_path}/a.yaml", "a.yaml")


def test_a_path_is_read_relative_to_cwd_and_named_as_given(tmp_path: Path) -> None:
    split_contract(tmp_path / "api")
    spec = loader.load("api/openapi.yaml", cwd=tmp_path)
    assert spec.root.name == "api/openapi.yaml"
    assert spec.source("schemas.yaml").name == "api/schemas.yaml"  # findings in it name it from the cwd too


def test_anchors_and_merge_keys_are_expanded(tmp_path: Path) -> None:
    text = (
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
        "    Base: &base {type: object, required: [id]}\n    Pet:\n      <<: *base\n      description: a pet\n"
    )
    (tmp_path / "openapi.yaml").write_text(text)
    schemas = loader.load(str(tmp_path / "openapi.yaml")).root.data["components"]["schemas"]
    assert schemas["Pet"] == {"type": "object", "required": ["id"], "description": "a pet"}


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_byte_order_mark_is_dropped(suffix: str, tmp_path: Path) -> None:
    path = write(pets(), tmp_path / f"openapi{suffix}")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert loader.load(str(path)).root.data == pets()


# --- files that $refs reach ------------------------------------------------------------------------------


def test_every_file_a_contract_reaches_is_read_when_it_is_loaded(tmp_path: Path) -> None:
    root = split_contract(tmp_path)
    spec = loader.load(str(root))
    for path in (tmp_path / "schemas.yaml", tmp_path / "parts/deep/owner.yaml", root):
        path.unlink()  # nothing is read from disk after loading
    assert set(spec.sources) == {"", "schemas.yaml", "parts/deep/owner.yaml"}
    assert spec.source("schemas.yaml").data["Pet"]["type"] == "object"
    owner = spec.source("parts/deep/owner.yaml")
    assert owner.name == f"{tmp_path}/parts/deep/owner.yaml"
    assert owner.data["Owner"]["properties"]["kind"] == {"$ref": "../../openapi.yaml#/components/schemas/Root"}
    assert spec.source("openapi.yaml") is spec.root  # the file that refers back to the root gets the root


def test_a_json_contract_reaches_its_json_files(tmp_path: Path) -> None:
    (tmp_path / "schemas.json").write_text(json.dumps({"Pet": PET}, indent=2))
    root = tmp_path / "openapi.json"
    root.write_text(json.dumps(contract("./schemas.json#/Pet"), indent=2))
    spec = loader.load(str(root))
    (tmp_path / "schemas.json").unlink()
    assert spec.source("schemas.json").data == {"Pet": PET}


def test_files_outside_the_contracts_folder_are_not_read(tmp_path: Path) -> None:
    outside = dump({"Pet": PET}, tmp_path / "outside.yaml")
    doc = contract("../outside.yaml#/Pet", Abs={"$ref": f"{outside}#/Pet"}, Url={"$ref": f"file://{outside}#/Pet"})
    dump({"Deep": {"$ref": "../../outside.yaml#/Pet"}}, tmp_path / "api/parts/deep.yaml")
    doc["components"]["schemas"]["Deep"] = {"$ref": "parts/deep.yaml#/Deep"}
    spec = loader.load(str(dump(doc, tmp_path / "api/openapi.yaml")))
    assert set(spec.sources) == {"", "parts/deep.yaml"}
    for relative in ("../outside.yaml", str(outside), f"file://{outside}", "outside.yaml"):
        assert spec.source(relative) is None, relative


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("missing.yaml", None),
        ("broken.yaml", b"Pet: [\n"),
        ("latin1.yaml", "Pet: {description: caf\xe9}\n".encode("latin-1")),
    ],
)
def test_a_referenced_file_that_cannot_be_read_leaves_its_refs_unresolved(
    name: str, content: bytes | None, tmp_path: Path
) -> None:
    if content is not None:
        (tmp_path / name).write_bytes(content)
    dump({"Pet": PET}, tmp_path / "good.yaml")
    spec = loader.load(str(dump(contract(f"{name}#/Pet", Good={"$ref": "good.yaml#/Pet"}), tmp_path / "o.yaml")))
    assert spec.source(name) is None
    assert spec.source("good.yaml").data == {"Pet": PET}  # the contract and its other files still load


def test_remote_refs_are_never_fetched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the loader opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    doc = contract(
        "http://127.0.0.1:9/pet.yaml#/Pet",
        A={"$ref": "https://example.com/schemas.yaml#/Pet"},
        B={"$ref": "//example.com/schemas.yaml"},
        C={"$ref": "ftp://example.com/schemas.yaml"},
    )
    spec = loader.load(str(dump(doc, tmp_path / "openapi.yaml")))
    assert set(spec.sources) == {""}
    assert spec.source("https://example.com/schemas.yaml") is None


def test_load_tree_reads_from_any_tree_and_names_files_from_the_root(tmp_path: Path) -> None:
    planned = OverlayTree(
        DiskTree(tmp_path),
        {
            "svc/api/openapi.yaml": yaml.safe_dump(contract("schemas.yaml#/Pet")),
            "svc/api/schemas.yaml": yaml.safe_dump({"Pet": PET}),
        },
    )
    spec = loader.load_tree(planned, "svc/api/openapi.yaml")
    assert spec.root.name == "svc/api/openapi.yaml" and spec.root_file == "openapi.yaml"
    assert spec.source("schemas.yaml").name == "svc/api/schemas.yaml"
    with pytest.raises(LoadError) as missing:
        loader.load_tree(planned, "svc/api/nope.yaml", "the contract")
    assert str(missing.value) == "the contract:1:1: no such file"


# --- git refs --------------------------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose HEAD~1 has Pet.name required and whose HEAD does not; api/ holds the same contract."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "--quiet")
    for version, required in (("v1", ["id", "name"]), ("v2", ["id"])):
        pet = {**PET, "required": required}
        for folder in (repo, repo / "api"):
            dump(contract("schemas.yaml#/Pet"), folder / "openapi.yaml")
            dump({"Pet": pet}, folder / "schemas.yaml")
        committed(repo, version)
    return repo


def test_a_git_ref_reads_the_contract_and_its_files_as_committed(repo: Path) -> None:
    (repo / "api/schemas.yaml").write_text("Pet: {type: string}\n")  # the working tree is not read
    (repo / "api/openapi.yaml").unlink()
    old, new = loader.load("HEAD~1:api/openapi.yaml", cwd=repo), loader.load("HEAD:api/openapi.yaml", cwd=repo)
    assert old.root.name == "HEAD~1:api/openapi.yaml" and old.root_file == "openapi.yaml"
    assert old.source("schemas.yaml").name == "HEAD~1:api/schemas.yaml"
    assert old.source("schemas.yaml").data["Pet"]["required"] == ["id", "name"]
    assert new.source("schemas.yaml").data["Pet"]["required"] == ["id"]
    at_the_top = loader.load("HEAD~1:openapi.yaml", cwd=repo)  # the ref is kept in every file's name
    assert at_the_top.source("schemas.yaml").name == "HEAD~1:schemas.yaml"


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("nope.yaml", "nope.yaml: no such file (use REF:path to read a file from git)"),
        ("HEAD:nope.yaml", "HEAD:nope.yaml: not found in git"),
        ("no-such-branch:openapi.yaml", "no-such-branch:openapi.yaml: not found in git"),
        ("--output=x:openapi.yaml", "`--output=x` is not a git ref"),
        ("HEAD:", "HEAD:: no such file (use REF:path to read a file from git)"),
    ],
)
def test_a_missing_file_or_bad_ref_is_a_one_line_usage_error(argument: str, message: str, repo: Path) -> None:
    with pytest.raises(UsageError) as error:
        loader.load(argument, cwd=repo)
    assert str(error.value) == message
    assert not (repo / "x").exists()


def test_a_broken_committed_contract_names_the_ref_and_line(repo: Path) -> None:
    (repo / "openapi.yaml").write_text("openapi: 3.1.0\ninfo:\n  title: t: u\n")
    committed(repo, "broken")
    with pytest.raises(LoadError) as error:
        loader.load("HEAD:openapi.yaml", cwd=repo)
    assert (error.value.finding.rule, error.value.finding.file, error.value.finding.line) == (
        "api.syntax",
        "HEAD:openapi.yaml",
        3,
    )
    assert str(error.value).startswith("HEAD:openapi.yaml:3:1: not valid YAML or JSON: ")


# --- documents that cannot be used -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("colon.yaml", "openapi: 3.1.0\ninfo:\n  title: t: u\npaths: {}\n", 3),
        ("indent.yaml", "openapi: 3.1.0\ninfo:\n  title: t\n version: '1'\npaths: {}\n", 4),
        ("tab.yaml", "openapi: 3.1.0\ninfo:\n\ttitle: t\n", 3),
        ("comma.json", '{\n  "openapi": "3.1.0",\n  "paths": {,\n  }\n}\n', 3),
    ],
)
def test_a_syntax_error_says_where(name: str, text: str, line: int, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(LoadError) as error:
        loader.load(str(path))
    finding = error.value.finding
    assert (finding.rule, finding.level, finding.file, finding.line) == ("api.syntax", "error", str(path), line)
    assert str(error.value) == f"{path}:{line}:1: {finding.message}"
    assert finding.message.startswith("not valid YAML or JSON: ")


@pytest.mark.parametrize(
    "text",
    ["swagger: '2.0'\npaths: {}\n", "openapi: 2.0.0\n", "- openapi: 3.1.0\n", "", "[1, 2]\n", "info: {title: t}\n"],
    ids=["swagger", "openapi-2", "list", "empty", "json-list", "no-version"],
)
def test_a_document_that_is_not_openapi_3(text: str, tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(text)
    with pytest.raises(LoadError) as error:
        loader.load(str(path))
    assert error.value.finding.rule == "api.not-openapi"
    assert str(error.value) == f"{path}:1:1: not an OpenAPI 3.x document (no `openapi: 3.x` at the top)"


def test_a_file_that_is_not_utf8_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc/api.yaml").write_bytes("openapi: 3.1.0\ninfo: {title: caf\xe9}\n".encode("latin-1"))
    with pytest.raises(LoadError) as error:
        loader.load("svc/api.yaml", cwd=tmp_path)
    assert (error.value.finding.rule, error.value.finding.file) == ("file.unreadable", "svc/api.yaml")
    assert str(error.value) == "svc/api.yaml:1:1: not UTF-8 text (byte 32)"


def test_refs_stay_as_written(tmp_path: Path) -> None:
    """The loaded data is the document as written: `$ref`s are followed later, by the differ, not inlined."""
    doc = edited(pets(), lambda d: d["components"]["schemas"]["Pet"].update(description="a pet"))
    spec = loader.load(str(write(doc, tmp_path / "openapi.yaml")))
    assert spec.root.data["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Pet"},
    }
    assert spec.root.data["components"]["schemas"]["Pet"]["description"] == "a pet"


def test_a_percent_encoded_ref_resolves_as_the_pointer_it_encodes(tmp_path: Path) -> None:
    """A $ref is a URI (RFC 6901 section 6): APIs.guru's descriptions (benchmarks/corpus.py) point into paths with
    `{` written `%7B`, and a file name may hold `%20`."""
    document = contract("space%20dir/schemas.json#/Pet")
    document["paths"]["/pets/{id}"] = {"get": {"responses": {"200": {"$ref": "#/paths/~1pets/get/responses/200"}}}}
    document["paths"]["/owners/{id}"] = {"$ref": "#/paths/~1pets~1%7Bid%7D"}
    base, head = tmp_path / "base" / "openapi.json", tmp_path / "head" / "openapi.json"
    for root, pet in ((base, PET), (head, {**PET, "required": []})):
        (root.parent / "space dir").mkdir(parents=True)
        (root.parent / "space dir" / "schemas.json").write_text(json.dumps({"Pet": pet}))
        root.write_text(json.dumps(document))
    assert set(loader.load(str(base)).sources) == {"", "space dir/schemas.json"}
    assert diff_files(str(base), str(base)) == []
    found = {(f.rule, f.operation) for f in diff_files(str(base), str(head))}
    assert ("api.response-property-became-optional", "GET /owners/{id}") in found  # reached through %7Bid%7D
