"""`lockstep diff-api BASE HEAD --changelog` as users run it: every change by operation, with its level and line,
in each format; exit codes from --fail-on; the accept-list; and `validate` staying as quiet as it was."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import commit, run_lockstep, validate
from tests.openapi.documents import Doc, edited, pets, write
from tests.openapi.test_real_documents import at, load

CONTRACT = "services/service-a/openapi.yaml"


def additions(d: Doc) -> None:
    d["paths"]["/pets"]["put"] = {"operationId": "replacePets", "responses": {"204": {"description": "done"}}}
    d["paths"]["/pets"]["get"]["parameters"].append({"name": "owner", "in": "query", "schema": {"type": "string"}})
    d["components"]["schemas"]["Pet"]["properties"]["nickname"] = {"type": "string"}


def pair(tmp_path: Path, *edits: Any) -> tuple[Path, Path]:
    return write(pets(), tmp_path / "base.yaml"), write(edited(pets(), *edits), tmp_path / "head.yaml")


def line(path: Path, number: int) -> str:
    return path.read_text().splitlines()[number - 1].strip()


def at_line(path: Path, text: str) -> int:
    """The number of the one line of `path` that is `text` (indentation aside)."""
    [number] = [n for n, written in enumerate(path.read_text().splitlines(), 1) if written.strip() == text]
    return number


def test_each_addition_with_its_operation_and_line(tmp_path: Path) -> None:
    base, head = pair(tmp_path, additions)
    result = run_lockstep("diff-api", base, head, "--changelog", "--format", "json")
    assert result.code == 0, result.out  # additions only: nothing at or above error
    changes = json.loads(result.out)["changes"]
    found = {(c["id"], c["operation"]): c for c in changes}
    assert set(found) == {
        ("api.operation-added", "PUT /pets"),
        ("api.request-parameter-added", "GET /pets"),
        *{("api.response-property-added", op) for op in ("GET /pets", "POST /pets", "GET /pets/{petId}")},
        ("api.response-property-added", "PATCH /pets/{petId}"),
    }
    assert {c["level"] for c in changes} == {"info"} and {c["file"] for c in changes} == {str(head)}
    assert line(head, found["api.operation-added", "PUT /pets"]["line"]) == "put:"
    assert line(head, found["api.request-parameter-added", "GET /pets"]["line"]) == "- name: owner"
    assert line(head, found["api.response-property-added", "GET /pets"]["line"]) == "nickname:"
    assert found["api.request-parameter-added", "GET /pets"]["text"] == "new optional query parameter `owner`"


def test_text_groups_changes_by_operation(tmp_path: Path) -> None:
    def breaking(d: Doc) -> None:
        d["paths"]["/pets"]["get"]["parameters"][0]["schema"]["maximum"] = 10

    base, head = pair(tmp_path, additions, breaking)
    result = run_lockstep("diff-api", base, head, "--changelog")
    assert result.code == 1  # the breaking change
    blocks = result.out.split("\n\n")

    def where(text: str) -> str:
        return f"{head}:{at_line(head, text)}"

    assert blocks[0].splitlines() == [
        "GET /pets",
        f"  error   query parameter `limit`: maximum 100 -> 10  (api.request-max-decreased, {where('maximum: 10')})",
        f"  info    new optional query parameter `owner`  (api.request-parameter-added, {where('- name: owner')})",
        f"  info    response 200[]: new property `nickname`  (api.response-property-added, {where('nickname:')})",
    ]
    assert blocks[1].splitlines() == [
        "PUT /pets",
        f"  info    PUT /pets was added  (api.operation-added, {where('put:')})",
    ]
    assert [block.splitlines()[0] for block in blocks[2:-1]] == [
        "POST /pets",
        "GET /pets/{petId}",
        "PATCH /pets/{petId}",
    ]
    assert blocks[-1] == "7 change(s): 1 error(s), 0 warning(s), 6 info in 5 operation(s)\n"


def test_fail_on_and_the_plain_comparison(tmp_path: Path) -> None:
    base, head = pair(tmp_path, additions)
    assert run_lockstep("diff-api", base, head, "--changelog", "--fail-on", "info").code == 1
    plain = run_lockstep("diff-api", base, head)
    assert (plain.code, plain.out) == (0, "no findings\n")  # without --changelog additions are not findings
    same = run_lockstep("diff-api", base, base, "--changelog")
    assert (same.code, same.out) == (0, "no changes\n")


def test_markdown_and_the_findings_formats(tmp_path: Path) -> None:
    base, head = pair(tmp_path, additions)
    markdown = run_lockstep("diff-api", base, head, "--changelog", "--format", "markdown").out
    assert markdown.startswith(
        "## API changelog\n\n**6 change(s): 0 error(s), 0 warning(s), 6 info in 5 operation(s)**"
    )
    assert "### PUT /pets\n\n- **info** PUT /pets was added (`api.operation-added`, " in markdown
    github = run_lockstep("diff-api", base, head, "--changelog", "--format", "github").out  # each change a finding
    put = at_line(head, "put:")
    assert f"::notice file={head},line={put},col=5,title=api.operation-added (PUT /pets)::PUT /pets was added" in github


def test_the_accept_list_applies(tmp_path: Path) -> None:
    base, head = pair(tmp_path, additions, lambda d: d["paths"]["/pets"].pop("post"))
    accept = tmp_path / "api-exceptions.yaml"
    accept.write_text(
        "apiVersion: lockstep/v1\nkind: ApiExceptions\nexceptions:\n"
        "  - rule: api.operation-removed\n    operation: POST /pets\n    reason: nobody calls it\n"
    )
    assert run_lockstep("diff-api", base, head, "--changelog").code == 1
    result = run_lockstep("diff-api", base, head, "--changelog", "--exceptions", accept)
    assert result.code == 0
    assert (
        "POST /pets\n  info    POST /pets was removed (accepted: nobody calls it)  (api.operation-removed" in result.out
    )


def test_a_public_document(tmp_path: Path) -> None:
    base = load("scalar-galaxy.yaml")
    head = edited(
        base,
        lambda d: at(d, "components", "schemas", "Planet", "properties").update(moons={"type": "integer"}),
        lambda d: at(d, "paths", "/planets/{planetId}", "delete").update(deprecated=True),
    )
    old, new = write(base, tmp_path / "base.yaml"), write(head, tmp_path / "head.yaml")
    changes = json.loads(run_lockstep("diff-api", old, new, "--changelog", "--format", "json").out)["changes"]
    assert {(c["id"], c["operation"]) for c in changes} == {
        ("api.operation-deprecated", "DELETE /planets/{planetId}"),
        *{
            ("api.response-property-added", op)  # GET /planets too: its list binds Planet with $dynamicRef
            for op in ("GET /planets", "POST /planets", "GET /planets/{planetId}", "PUT /planets/{planetId}")
        },
        *{("api.request-property-added", op) for op in ("POST /planets", "PUT /planets/{planetId}")},
        ("api.request-property-added", "POST /celestial-bodies"),  # a oneOf of Planet and Satellite
        ("api.response-property-added", "POST /celestial-bodies"),
        # the webhook and callbacks send a Planet: judged as what the API returns (their receivers get `moons`)
        ("api.response-property-added", "POST webhook `newPlanet`"),
        *{
            ("api.response-property-added", f"POST {{$request.body#/{url}}} (callback `{name}` of POST /planets)")
            for url, name in (
                ("successCallbackUrl", "planetCreated"),
                ("failureCallbackUrl", "planetCreationFailed"),
                ("successCallbackUrl", "planetExploded"),
            )
        },
    }
    assert {line(new, c["line"]) for c in changes} == {"moons:", "deprecated: true"}


def test_validate_does_not_note_what_breaks_nothing(default_repo: Path) -> None:
    contract = default_repo / CONTRACT
    contract.write_text(
        contract.read_text().replace(
            "  /items/{id}:\n",
            "  /items/count:\n    get:\n      responses:\n        '200':\n          description: ok\n  /items/{id}:\n",
        )
    )
    commit(default_repo, "a new operation")
    result = validate(default_repo, "--base", "HEAD~1", "--fail-on", "info")
    assert (result.code, result.out) == (0, "no findings\n")
    changelog = run_lockstep("diff-api", f"HEAD~1:{CONTRACT}", f"HEAD:{CONTRACT}", "--changelog", cwd=default_repo)
    assert changelog.out.startswith(
        f"GET /items/count\n  info    GET /items/count was added  (api.operation-added, HEAD:{CONTRACT}:"
    )
