"""The service template rendered in memory (compiled once per process) gives exactly the files cookiecutter's
own `generate_files` writes for the same answers: every language, with and without the build pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator import ci, templates
from generator.answers import ServiceAnswer
from generator.model import Platform
from generator.repository import load_repo


def _cookiecutter(values: dict[str, Any], output: Path) -> dict[str, str]:
    out = templates._render("service", values, output)  # cookiecutter's generate_files, writing files
    return {path.relative_to(out).as_posix(): path.read_text("utf-8") for path in out.rglob("*") if path.is_file()}


@pytest.mark.parametrize("language", ["go", "python", "node", "java"])
@pytest.mark.parametrize("with_pipeline", [False, True])
def test_service_files_are_those_cookiecutter_writes(
    language: str, with_pipeline: bool, default_repo: Path, tmp_path: Path
) -> None:
    platform: Platform | None = load_repo(default_repo).platform if with_pipeline else None
    service = ServiceAnswer("orders", language, 8080)
    rendered = templates.render_service(
        service,
        platform="logistics",
        registry="registry.example.com/logistics",
        environments=["dev"],
        pipeline=platform,
    )
    pipeline = templates._pipeline_context(platform) if platform is not None else templates._NO_PIPELINE
    values = {
        "service": "orders",
        "language": language,
        "port": "8080",
        "platform": "logistics",
        "registry": "registry.example.com/logistics",
        "version": templates.INITIAL_VERSION,
        "_ci": ci.context(),
        "_pipeline": pipeline,
    }
    expected = _cookiecutter(values, tmp_path)
    expected["environments/dev/values/orders.yaml"] = expected.pop("values.yaml")
    workflow = ".github/workflows/build-orders.yaml"
    if platform is None:
        expected.pop(workflow)
    assert rendered == expected
    assert (workflow in rendered) is with_pipeline
    assert any(name.startswith("charts/orders/templates/") for name in rendered)  # copied without rendering
