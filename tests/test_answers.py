from __future__ import annotations

from pathlib import Path

import pytest

from generator import answers
from generator.errors import UsageError


@pytest.mark.parametrize(
    ("strategy", "count", "expected"),
    [
        ("independent", 3, "iii"),
        ("monolith", 3, "ppp"),
        ("combined", 3, "ipp"),
        ("combined", 1, "i"),
        ("combined", 2, "ip"),
        ("combined", 6, "iiiipp"),
    ],
)
def test_modes(strategy: str, count: int, expected: str) -> None:
    names = [f"e{i}" for i in range(count)]
    assert "".join(e.mode[0] for e in answers.modes(strategy, names)) == expected


def test_services_with_ports() -> None:
    assert answers.parse_services("a:go, b:java:9090") == {
        "a": {"language": "go", "port": 8080},
        "b": {"language": "java", "port": 9090},
    }


def test_option_label_in_the_message() -> None:
    with pytest.raises(UsageError, match=r"^--registry: .*`Not A Registry` is not an image registry path"):
        answers.resolve({"registry": "Not A Registry"})


def test_defaults() -> None:
    plan = answers.resolve({})
    assert plan.name == "logistics" and plan.registry == "registry.example.com/logistics"
    assert [s.language for s in plan.services] == ["go", "python", "node"]


def test_an_answers_file_without_answers_is_exit_2_naming_the_file(tmp_path: Path) -> None:
    from tests.conftest import run_lockstep

    config = tmp_path / "answers.yaml"
    config.write_text("apiVersion: lockstep/v1\nkind: Answers\n")
    result = run_lockstep("new", "--no-input", "--config", config, tmp_path / "p")
    assert result.code == 2
    assert result.err == f"lockstep: error: {config}:1:1: an answers file needs its `answers` mapping\n"
    assert not (tmp_path / "p").exists()
