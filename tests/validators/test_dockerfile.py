from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import edit, findings
from tests.validators.cases import Case, assert_fires

PY = "services/service-b/Dockerfile"
GO = "services/service-a/Dockerfile"


def _latest_and_root(repo: Path) -> None:
    edit(repo, PY, "FROM python:3.12-slim-bookworm\n", "FROM python:latest\n")
    edit(repo, PY, "USER 10001:10001\n", "")


def _hadolint_gone(repo: Path) -> None:
    import os

    os.environ["LOCKSTEP_HADOLINT"] = str(repo / "no-such-hadolint")


CASES = [
    Case("dockerfile.hadolint", PY, "FROM python:latest", _latest_and_root),
    Case("dockerfile.unpinned-base", PY, "FROM python:latest", _latest_and_root),
    Case("dockerfile.root-user", PY, "FROM python:latest", _latest_and_root),
    Case("dockerfile.expose-port", GO, "EXPOSE 9090", lambda r: edit(r, GO, "EXPOSE 8080", "EXPOSE 9090")),
    Case("dockerfile.hadolint-missing", GO, None, _hadolint_gone),
    Case("dockerfile.hadolint-failed", GO, None, lambda r: (r / ".hadolint.yaml").write_text("ignored: [\n")),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_fires_at_the_right_line(case: Case, default_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCKSTEP_HADOLINT", "")  # empty: the default binary; restored after the test
    assert_fires(case, default_repo)


def test_latest_is_hadolint_DL3007(default_repo: Path) -> None:
    _latest_and_root(default_repo)
    rules = {f.rule for f in findings(default_repo)}
    assert "dockerfile.hadolint.DL3007" in rules


def test_user_root_is_refused(default_repo: Path) -> None:
    edit(default_repo, PY, "USER 10001:10001", "USER root")
    [finding] = [f for f in findings(default_repo) if f.rule == "dockerfile.root-user"]
    assert finding.message == "USER root runs as root"


def test_digest_pinned_base_is_accepted(default_repo: Path) -> None:
    edit(default_repo, PY, "FROM python:3.12-slim-bookworm\n", "FROM python@sha256:" + "a" * 64 + "\n")
    assert not [f for f in findings(default_repo) if f.rule == "dockerfile.unpinned-base"]
