"""generator/makefile.py: the default port a service's Makefile gives `make run` (`PORT ?= 8080`), with the
line it is on, which `validate` compares with the port in platform.yaml.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.makefile import DefaultPort, default_port


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("PORT ?= 8080", "8080"),
        ("PORT := 9000", "9000"),
        ("PORT=1", "1"),
        ("PORT = 3000", "3000"),
        ("PORT?=8081   ", "8081"),
        ("PORT ?= $(DEFAULT_PORT)", "$(DEFAULT_PORT)"),
        ("PORT ?= 9090  # default for make run", "9090"),
    ],
)
def test_each_assignment_form(line: str, value: str) -> None:
    assert default_port(f"{line}\n") == DefaultPort(value, 1)


def test_the_line_is_counted_from_one() -> None:
    text = "# Build and run locally.\n\nSERVICE := a\nPORT ?= 8080\nexport PORT\n"
    assert default_port(text) == DefaultPort("8080", 4)


def test_windows_line_endings() -> None:
    assert default_port("# run\r\nPORT ?= 8080\r\n") == DefaultPort("8080", 2)


def test_the_first_assignment_wins() -> None:
    assert default_port("PORT ?= 8080\nPORT := 9000\n") == DefaultPort("8080", 1)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "run:\n\tgo run .\n",
        "# PORT ?= 8080\n",
        "EXPORT_PORT ?= 8080\n",
        "PORTS ?= 8080 8081\n",
        "run:\n\tPORT=8080 go run .\n",  # a recipe line, not an assignment
        "export PORT\n",
    ],
)
def test_none_without_a_port_assignment(text: str) -> None:
    assert default_port(text) is None


def test_the_generated_makefiles_give_the_manifest_port(default_repo: Path) -> None:
    for service in ("service-a", "service-b", "service-c"):
        text = (default_repo / "services" / service / "Makefile").read_text()
        found = default_port(text)
        assert found is not None and found.value == "8080"
        assert text.splitlines()[found.line - 1].startswith("PORT")
