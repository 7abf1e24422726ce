"""The wheel carries the schemas and templates, and the README stays true to the code."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from generator import validators
from generator.report import rules_format
from tests.conftest import CHECKOUT


def test_wheel_ships_schemas_and_templates(lockstep_wheel: Path) -> None:
    assert lockstep_wheel.name.startswith("lockstep_gitops-")  # the distribution's name; the command is `lockstep`
    wheel = lockstep_wheel
    names = set(zipfile.ZipFile(wheel).namelist())
    for kind in ("common", "platform", "lock", "release", "answers", "config", "rules-config"):
        assert f"generator/_data/schemas/{kind}.schema.json" in names
    for template in ("platform", "service"):
        assert f"generator/_data/cookiecutter-template/{template}/cookiecutter.json" in names
    assert any(name.endswith("templates/deployment.yaml") for name in names)


def test_readme_rule_table_is_the_catalogue() -> None:
    readme = (CHECKOUT / "README.md").read_text()
    table = re.search(r"<!-- rules:start[^\n]*-->\n(.*?)<!-- rules:end -->", readme, re.S)
    assert table is not None
    assert table.group(1).strip() == rules_format.markdown(validators.catalogue()).strip()


def test_ci_runs_the_readme_test_command() -> None:
    readme = (CHECKOUT / "README.md").read_text()
    ci = (CHECKOUT / ".ci" / "run").read_text()
    assert "python -m pytest -n auto -q" in readme and "python -m pytest -n auto -q" in ci


def test_contract_rules_page_is_the_catalogue() -> None:
    from generator.openapi.rules import CATALOGUE

    page = (CHECKOUT / "docs" / "contract-rules.md").read_text()
    assert page.endswith(rules_format.markdown(list(CATALOGUE)))
