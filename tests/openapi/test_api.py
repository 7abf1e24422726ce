"""`lockstep diff-api` as users run it: files and git refs, formats, exit codes, the catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.conftest import commit, git, run_lockstep
from tests.openapi.documents import edited, pets, write


def pair(tmp_path: Path, edit, suffix: str = ".yaml") -> tuple[Path, Path]:
    base = write(pets(), tmp_path / f"base{suffix}")
    head = write(edited(pets(), edit), tmp_path / f"head{suffix}")
    return base, head


def drop_name(d: dict) -> None:
    d["components"]["schemas"]["Pet"]["properties"].pop("name")
    d["components"]["schemas"]["Pet"]["required"].remove("name")


def test_json_output(tmp_path: Path) -> None:
    base, head = pair(tmp_path, drop_name)
    result = run_lockstep("diff-api", base, head, "--format", "json")
    assert result.code == 1
    report = json.loads(result.out)
    assert report["summary"]["error"] == 4  # one per operation: GET /pets/{petId} returns Pet as JSON and as XML
    first = report["findings"][0]
    assert set(first) == {"rule", "level", "operation", "pointer", "message", "file", "line", "column"}
    assert {f["operation"] for f in report["findings"]} == {
        "GET /pets",
        "POST /pets",
        "GET /pets/{petId}",
        "PATCH /pets/{petId}",
    }
    assert first["pointer"] == "/components/schemas/Pet/properties/name" and first["file"] == str(base)


def test_text_markdown_github(tmp_path: Path) -> None:
    base, head = pair(tmp_path, drop_name)
    text = run_lockstep("diff-api", base, head).out
    assert f"{base}:" in text and "error api.response-property-removed: GET /pets: response 200[]" in text
    markdown = run_lockstep("diff-api", base, head, "--format", "markdown").out
    assert markdown.startswith("**4 error(s), 0 warning(s), 0 info**")
    assert "| error | `api.response-property-removed` | GET /pets |" in markdown
    github = run_lockstep("diff-api", base, head, "--format", "github").out
    assert github.startswith("::error file=")


def test_fail_on_warning_and_clean_pairs(tmp_path: Path) -> None:
    base, head = pair(tmp_path, lambda d: d["components"]["schemas"]["Pet"]["properties"]["status"]["enum"].append("x"))
    assert run_lockstep("diff-api", base, head).code == 0  # a warning only
    assert run_lockstep("diff-api", base, head, "--fail-on", "warning").code == 1
    same = run_lockstep("diff-api", base, base)
    assert (same.code, same.out) == (0, "no findings\n")


def test_yaml_against_json(tmp_path: Path) -> None:
    base = write(pets(), tmp_path / "a.yaml")
    head = write(pets(), tmp_path / "b.json")
    assert run_lockstep("diff-api", base, head).code == 0


def test_git_refs(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "--quiet")
    write(pets(), repo / "openapi.yaml")
    commit(repo, "v1")
    write(edited(pets(), drop_name), repo / "openapi.yaml")
    commit(repo, "v2")
    result = run_lockstep("diff-api", "HEAD~1:openapi.yaml", "HEAD:openapi.yaml", cwd=repo)
    assert result.code == 1 and "HEAD~1:openapi.yaml:" in result.out


def test_relative_file_refs_and_positions_in_them(tmp_path: Path) -> None:
    def split(doc: dict) -> dict:
        schemas = doc["components"].pop("schemas")
        text = yaml.safe_dump(schemas, sort_keys=False).replace("#/components/schemas/", "#/")
        return {
            "doc": yaml.safe_load(yaml.safe_dump(doc).replace("#/components/schemas/", "schemas.yaml#/")),
            "schemas": text,
        }

    for name, doc in (("base", pets()), ("head", edited(pets(), drop_name))):
        folder = tmp_path / name
        (folder / "shared").mkdir(parents=True)
        parts = split(doc)
        (folder / "shared" / "schemas.yaml").write_text(parts["schemas"])
        (folder / "openapi.yaml").write_text(
            yaml.safe_dump(parts["doc"], sort_keys=False).replace("schemas.yaml#/", "shared/schemas.yaml#/")
        )
    result = run_lockstep(
        "diff-api", tmp_path / "base/openapi.yaml", tmp_path / "head/openapi.yaml", "--format", "json"
    )
    assert result.code == 1, result.err
    findings = json.loads(result.out)["findings"]
    assert {f["file"] for f in findings} == {f"{tmp_path}/base/shared/schemas.yaml"}
    lines = (tmp_path / "base/shared/schemas.yaml").read_text().splitlines()
    assert {lines[f["line"] - 1].strip() for f in findings} == {"name:"}


def test_remote_refs_are_findings_never_fetched(tmp_path: Path) -> None:
    base, head = pair(
        tmp_path,
        lambda d: d["components"]["schemas"]["Pet"]["properties"].update(
            owner={"$ref": "http://127.0.0.1:9/owner.yaml"}
        ),
    )
    result = run_lockstep("diff-api", base, head)
    assert "api.remote-ref" in result.out and "remote $ref `http://127.0.0.1:9/owner.yaml`" in result.out


def test_bad_input_is_exit_2_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "swagger.yaml").write_text("swagger: '2.0'\npaths: {}\n")
    (tmp_path / "broken.yaml").write_text("openapi: 3.1.0\npaths: [\n")
    for args, message in (
        (["nope.yaml", "nope.yaml"], "nope.yaml: no such file"),
        ([tmp_path / "swagger.yaml", tmp_path / "swagger.yaml"], "not an OpenAPI 3.x document"),
        ([tmp_path / "broken.yaml", tmp_path / "broken.yaml"], "broken.yaml:3:1: not valid YAML or JSON"),
        (["HEAD:x.yaml", "HEAD:x.yaml"], "HEAD:x.yaml: not found in git"),
    ):
        result = run_lockstep("diff-api", *args, cwd=tmp_path)
        assert result.code == 2, result
        [line] = result.err.splitlines()
        assert message in line and "Traceback" not in line


def test_list_rules() -> None:
    from generator.openapi.rules import CHANGES, RULES

    result = run_lockstep("diff-api", "--list-rules")  # the judged rules, then the changelog's notes
    assert [line.split()[0] for line in result.out.splitlines()] == [rule.id for rule in (*RULES, *CHANGES)]
    assert run_lockstep("diff-api", "--list-rules", "markdown").out.startswith("| rule | level |")


def test_accept_list(tmp_path: Path) -> None:
    base, head = pair(tmp_path, lambda d: d["paths"]["/pets"].pop("post"))
    accept = tmp_path / "api-exceptions.yaml"
    accept.write_text(
        "apiVersion: lockstep/v1\nkind: ApiExceptions\nexceptions:\n"
        "  - rule: api.operation-removed\n    operation: POST /pets\n    reason: nobody calls it\n"
    )
    result = run_lockstep("diff-api", base, head, "--exceptions", accept)
    assert result.code == 0 and "(accepted: nobody calls it)" in result.out
    accept.write_text(accept.read_text() + "    expires: 2001-01-01\n")
    result = run_lockstep("diff-api", base, head, "--exceptions", accept)
    assert result.code == 1
    assert f"{accept}:4:5: error api.exception-expired" in result.out
    assert "error api.operation-removed" in result.out
    accept.write_text("apiVersion: lockstep/v1\nkind: ApiExceptions\nexceptions:\n  - rule: nonsense\n")
    bad = run_lockstep("diff-api", base, head, "--exceptions", accept)
    assert bad.code == 2 and f"{accept}:4:" in bad.err
