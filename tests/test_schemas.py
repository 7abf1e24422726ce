"""generator/schemas.py: every shipped schema accepts what lockstep itself writes, and each kind of schema
error becomes a finding with the right rule, a message a user can act on, and the position of the key or
value at fault; `require_valid` (files named on the command line) stops at the first problem.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from generator import resources, schemas, yamlio
from generator.errors import LoadError
from generator.findings import Finding
from generator.model import Arrival, Arrivals, GateOverride, Overrides, Verification
from tests.conftest import commit, run_lockstep

LOCK = """\
apiVersion: lockstep/v1
kind: Lock
environment: dev
platform: 0.1.0
services:
  service-a:
    version: 0.1.0
    image: registry.example.com/logistics/service-a:0.1.0
"""

EXCEPTIONS = """\
apiVersion: lockstep/v1
kind: ApiExceptions
exceptions:
  - rule: api.operation-removed
    operation: POST /pets
    service: service-a
    reason: nobody calls it
    expires: 2026-12-31
"""

RULES_CONFIG = """\
apiVersion: lockstep/v1
kind: Config
rules:
  consistency.default-port: warning
  dockerfile.hadolint.DL3008: "off"
"""


def check(text: str, kind: str) -> list[Finding]:
    return schemas.validate(yamlio.loads(text, "f.yaml"), kind)


def only(text: str, kind: str) -> Finding:
    [finding] = check(text, kind)
    return finding


def _step(repo: Path, *args: str) -> None:
    result = run_lockstep(*args, "--repo", repo)
    assert result.code == 0, result.err
    commit(repo, " ".join(args))


def test_every_kind_has_a_shipped_schema_that_is_itself_valid() -> None:
    for kind in (*schemas.KINDS, "common"):
        schema = json.loads(resources.schema_path(kind).read_text("utf-8"))
        Draft202012Validator.check_schema(schema)
        assert "$id" not in schema  # its URI is where it is read from, so its refs resolve beside it


def test_every_ref_is_a_pointer_or_a_shipped_schema_beside_it() -> None:
    shipped = {path.name for path in resources.data_dir("schemas").glob("*.schema.json")}
    for path in resources.data_dir("schemas").glob("*.schema.json"):
        for ref in re.findall(r'"\$ref": "([^"]*)"', path.read_text("utf-8")):
            assert ref.startswith("#/") or ref.split("#")[0] in shipped, (path.name, ref)


def test_every_kind_accepts_what_lockstep_writes(default_repo: Path) -> None:
    _step(default_repo, "bump", "service-a")
    _step(default_repo, "release")
    _step(default_repo, "promote", "stage")
    _step(default_repo, "rollback", "stage", "--to", "0.1.0")
    files = {
        "platform": "platform.yaml",
        "lock": "environments/stage/platform.lock.yaml",
        "release": "releases/0.2.0.yaml",
        "rollbacks": "environments/stage/rollbacks.yaml",
        "answers": ".lockstep/answers.yaml",
        "values": "environments/prod/values/service-c.yaml",
        "chart": "charts/service-b/Chart.yaml",
    }
    for kind, relative in files.items():
        doc = yamlio.loads((default_repo / relative).read_text(), relative)
        assert doc.ok, (relative, doc.problems)
        assert schemas.validate(doc, kind) == [], relative
    answers = yamlio.loads((default_repo / ".lockstep/answers.yaml").read_text(), "answers")
    assert schemas.validate(yamlio.Document("config", answers.data["answers"]), "config") == []
    assert check(EXCEPTIONS, "api-exceptions") == []  # as the README documents it; `new` writes none
    assert check(RULES_CONFIG, "rules-config") == []  # likewise
    records = {"overrides", "arrivals", "verification"}  # test_gate_records_are_accepted_and_hand_made_nonsense_is_not
    assert set(files) | {"config", "api-exceptions", "rules-config"} | records == set(schemas.KINDS)


def test_gate_records_are_accepted_and_hand_made_nonsense_is_not() -> None:
    by = "Jane Doe <jane@example.com>"
    verification = Verification("stage", "integration-tests", "0.2.0", "passed", "2026-11-28T10:00:00Z", by)
    override = GateOverride("2026-11-28T10:00:00Z", "freeze", "INC-4711", by, services={"service-a": "0.2.1"})
    arrivals = Arrivals("dev", "2026-11", (Arrival("2026-11-28T10:00:00Z", "0.2.0", "service-a"),))
    records = {
        "verification": verification.as_data(),
        "overrides": Overrides("prod", (override,)).as_data(),
        "arrivals": arrivals.appended([Arrival("2026-11-28T10:00:00Z", "0.2.0-dev.1")]).as_data(),
    }
    for kind, data in records.items():
        assert schemas.validate(yamlio.Document(kind, data), kind) == [], kind
    assert Verification.from_data(records["verification"]) == verification
    assert Arrivals.from_data(records["arrivals"], "2026-11").records[0] == arrivals.records[0]
    records["verification"]["url"] = "http://insecure.example.com"
    records["arrivals"]["arrivals"][0]["platform"] = "0.2.0"  # both forms at once
    del records["overrides"]["overrides"][0]["services"]  # says not what it moves
    for kind, data in records.items():
        assert schemas.validate(yamlio.Document(kind, data), kind) != [], kind


def test_every_generated_lock_values_and_chart_file_is_accepted(default_repo: Path) -> None:
    kinds = {"platform.lock.yaml": "lock", "Chart.yaml": "chart"}
    checked = 0
    for path in sorted(default_repo.rglob("*.yaml")):
        kind = kinds.get(path.name) or ("values" if path.parent.name == "values" else None)
        if kind is not None:
            assert schemas.validate(yamlio.loads(path.read_text(), path.name), kind) == [], path
            checked += 1
    assert checked == 3 + 9 + 3  # three locks, three services in three environments, three charts


def test_unknown_key_lists_the_allowed_keys_at_the_key() -> None:
    finding = only(LOCK.replace("platform: 0.1.0\n", "platform: 0.1.0\ncolour: blue\n"), "lock")
    assert finding.rule == "schema.unknown-key"
    assert (
        finding.message == "unknown key `colour` (allowed: apiVersion, environment, kind, metadata, platform, services)"
    )
    assert (finding.line, finding.column, finding.pointer) == (5, 1, "/colour")


def test_unknown_key_deep_in_a_file() -> None:
    finding = only(LOCK.replace("    version: 0.1.0\n", "    version: 0.1.0\n    tag: x\n"), "lock")
    assert finding.rule == "schema.unknown-key"
    assert finding.message == "unknown key `tag` (allowed: chart, image, requires, version)"
    assert (finding.line, finding.column, finding.pointer) == (8, 5, "/services/service-a/tag")


def test_missing_key_points_at_the_object_that_lacks_it() -> None:
    finding = only(LOCK.replace("    image: registry.example.com/logistics/service-a:0.1.0\n", ""), "lock")
    assert (finding.rule, finding.message) == ("schema.missing-key", "missing required key `image`")
    assert (finding.line, finding.column) == (6, 3)  # the `service-a:` key


def test_missing_keys_at_the_top_are_each_reported() -> None:
    findings = check("apiVersion: lockstep/v1\nkind: Lock\n", "lock")
    assert len(findings) == 2  # each once
    assert {(f.rule, f.message, f.line, f.column) for f in findings} == {
        ("schema.missing-key", "missing required key `environment`", 1, 1),
        ("schema.missing-key", "missing required key `services`", 1, 1),
    }


def test_a_key_that_is_not_a_dns_label_is_an_invalid_name_at_the_key() -> None:
    finding = only(LOCK.replace("  service-a:", "  Service_A:"), "lock")
    assert finding.rule == "schema.invalid-name"
    assert finding.message.startswith("`Service_A` is not a DNS-1123 label (lowercase letters, digits and '-'")
    assert (finding.line, finding.column, finding.pointer) == (6, 3, "/services/Service_A")


def test_a_value_that_is_not_a_dns_label_uses_the_schema_message_at_the_value() -> None:
    finding = only(LOCK.replace("environment: dev", "environment: Dev"), "lock")
    assert finding.rule == "schema.invalid-name"  # an environment's name, written as a value
    assert finding.message.startswith("`environment` `Dev` is not a DNS-1123 label")
    assert (finding.line, finding.column) == (3, 14)


def test_an_unquoted_version_says_to_quote_it() -> None:
    finding = only(LOCK.replace("    version: 0.1.0", "    version: 1.10"), "lock")
    assert finding.rule == "schema.unquoted-number"
    assert finding.message == '`1.10` is read as the number 1.1; quote it: "1.10"'
    assert (finding.line, finding.column, finding.pointer) == (7, 14, "/services/service-a/version")
    assert check(LOCK.replace("    version: 0.1.0", '    version: "1.10"'), "lock") != []  # quoted, still not SemVer


def test_an_unquoted_chart_version_says_to_quote_it() -> None:
    finding = only("apiVersion: v2\nname: a\nversion: 0.1.0\nappVersion: 1.0\n", "chart")
    assert (finding.rule, finding.message) == (
        "schema.unquoted-number",
        '`1.0` is read as the number 1.0; quote it: "1.0"',
    )


def test_a_quoted_number_where_a_number_belongs_is_an_invalid_value() -> None:
    platform = (
        "apiVersion: lockstep/v1\nkind: Platform\nname: p\nstrategy: combined\n"
        "environments:\n  - name: dev\n    mode: independent\nregistry: r.example.com/p\n"
        "services:\n  a:\n    language: go\n    port: '8080'\n    api: services/a/openapi.yaml\n"
    )
    finding = only(platform, "platform")
    assert finding.rule == "schema.invalid-value"
    assert finding.message.startswith("`port` ")
    assert "`8080` is not of type 'integer'" in finding.message
    assert (finding.line, finding.column) == (12, 11)


def test_const_names_the_one_allowed_value_at_the_value() -> None:
    finding = only(LOCK.replace("kind: Lock", "kind: Lok"), "lock")
    assert (finding.rule, finding.message) == ("schema.invalid-value", "`kind` `Lok` is not one of: Lock")
    assert (finding.line, finding.column, finding.pointer) == (2, 7, "/kind")


def test_enum_lists_every_choice() -> None:
    answers = "name: p\nstrategy: sometimes\n"
    finding = only(answers, "config")
    assert finding.message == "`strategy` `sometimes` is not one of: independent, monolith, combined"
    assert (finding.line, finding.column, finding.pointer) == (2, 11, "/strategy")


def test_an_impossible_expiry_date_is_an_invalid_value() -> None:
    finding = only(EXCEPTIONS.replace("2026-12-31", "2026-02-30"), "api-exceptions")
    assert finding.rule == "schema.invalid-value"
    assert finding.message == "`expires` `2026-02-30` is not a date such as 2026-12-31"
    assert (finding.line, finding.column, finding.pointer) == (8, 14, "/exceptions/0/expires")


def test_values_must_be_a_mapping() -> None:
    finding = only("- replicaCount: 1\n", "values")
    assert finding.rule == "schema.invalid-value"
    assert finding.message.endswith("must be a mapping of Helm values (key: value)")


@pytest.mark.parametrize(
    ("key", "owner"),
    [
        ("replicaCount", "platform.yaml, not here: the service's `replicas`"),
        ("resources", "platform.yaml, not here: the service's `resources`"),
        ("rollout", "platform.yaml, not here: the service's `rollout`"),
        ("image", "the environment's platform.lock.yaml"),
        ("networkPolicy", "platform.yaml, not here: the `requires` of the services"),
    ],
)
def test_values_may_not_set_what_platform_yaml_or_the_lock_owns(key: str, owner: str) -> None:
    finding = only(f"env: {{}}\n{key}: {{a: 1}}\n", "values")
    assert finding.rule == "schema.invalid-value" and (finding.line, finding.column) == (2, 1)
    assert finding.message.startswith(f"`{key}` is set by {owner}")


def test_an_unparseable_document_has_no_schema_findings() -> None:
    doc = yamlio.loads("a: [\n", "f.yaml")
    assert doc.problems and schemas.validate(doc, "lock") == []


def test_require_valid_raises_the_first_problem_as_file_line_column() -> None:
    doc = yamlio.loads(LOCK.replace("kind: Lock", "kind: Lok"), "config/lock.yaml")
    with pytest.raises(LoadError) as caught:
        schemas.require_valid(doc, "lock")
    assert str(caught.value) == "config/lock.yaml:2:7: `kind` `Lok` is not one of: Lock"
    assert caught.value.finding.rule == "schema.invalid-value"


def test_require_valid_reports_yaml_problems_before_schema_ones() -> None:
    doc = yamlio.loads(LOCK + "kind: Lok\n", "lock.yaml")
    with pytest.raises(LoadError) as caught:
        schemas.require_valid(doc, "lock")
    assert caught.value.finding.rule == "yaml.duplicate-key"
    assert str(caught.value).startswith("lock.yaml:9:1: duplicate key `kind`")


def test_require_valid_accepts_a_valid_document() -> None:
    schemas.require_valid(yamlio.loads(LOCK, "lock.yaml"), "lock")


def test_a_trailing_newline_does_not_pass_a_pattern() -> None:
    """JSON Schema's `$` is the very end (Python's would also match before a final newline)."""
    finding = only(LOCK.replace("version: 0.1.0", 'version: "0.1.0\\n"', 1), "lock")
    assert finding.rule == "schema.invalid-value" and "0.1.0\\n" in finding.message
