from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_lockstep

DATA = Path(__file__).parent.parent / "data"


def _in_flight(repo: Path) -> Path:
    """service-a bumped and released in dev, service-c bumped after the release and stamped (waiting for stage)."""
    for step in (["bump", "service-a"], ["release"], ["bump", "service-c", "minor"], ["stamp"]):
        assert run_lockstep(*step, "--repo", repo).code == 0
    return repo


def test_markdown_matches_the_reference_file(default_repo: Path) -> None:
    result = run_lockstep("status", "--format", "markdown", "--repo", _in_flight(default_repo))
    assert result.code == 0
    assert result.out == (DATA / "status_three_services.md").read_text()


def test_terminal_table(default_repo: Path) -> None:
    result = run_lockstep("status", "--repo", _in_flight(default_repo))
    lines = result.out.splitlines()
    assert lines[0] == "logistics (combined)"
    assert lines[2] == "│ service   │ dev         │ stage    │ prod     │"
    assert lines[5] == "│ platform  │ 0.3.0-dev.1 │ 0.1.0    │ 0.1.0    │"
    assert lines[-2:] == ["waiting:", "  stage <- dev: platform 0.3.0-dev.1"]
    assert len({len(line) for line in lines[1:-2]}) == 1  # a real table: every row as wide as the frame


def test_json(default_repo: Path) -> None:
    status = json.loads(run_lockstep("status", "--format", "json", "--repo", _in_flight(default_repo)).out)
    assert [env["platform"] for env in status["environments"]] == ["0.3.0-dev.1", "0.1.0", "0.1.0"]
    assert status["environments"][0]["services"]["service-c"] == "0.2.0"
    assert status["waiting"] == [{"environment": "stage", "from": "dev", "what": "platform 0.3.0-dev.1"}]


def test_independent_environments_list_services_waiting(new_repo) -> None:
    repo = new_repo("--strategy", "independent")
    assert run_lockstep("bump", "service-b", "--repo", repo).code == 0
    status = json.loads(run_lockstep("status", "--format", "json", "--repo", repo).out)
    assert status["waiting"] == [{"environment": "stage", "from": "dev", "what": "service-b 0.1.1"}]
