"""The CI files `lockstep new` generates, and this repository's action.yml: every action pinned by commit from the
one table in generator/ci.py, nothing for zizmor to report, valid under GitHub's and GitLab's schemas, least
permissions, and steps that work: the slow tests run the install and check steps as the runners would."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml

from generator import ci, layout
from tests.conftest import BIN, CHECKOUT, run_lockstep

WORKFLOWS = (
    ".github/workflows/lockstep.yaml",
    ".github/workflows/lockstep-trunk.yaml",
    ".github/workflows/promote.yaml",
    ".github/workflows/verify.yaml",
    *(layout.build_workflow(service) for service in ("service-a", "service-b", "service-c")),
)
ACTION = CHECKOUT / "action.yml"
TEMPLATE = CHECKOUT / "cookiecutter-template/platform/{{cookiecutter.name}}"
SERVICE_TEMPLATE = CHECKOUT / "cookiecutter-template/service/{{cookiecutter.service}}"
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<value>.*)$")
PINNED = re.compile(
    r"^(?P<repository>[\w.-]+/[\w.-]+)(?P<path>/[\w./-]+)?@(?P<commit>[0-9a-f]{40})  # (?P<version>v\S+)$"
)


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("ci") / "platform"
    result = run_lockstep("new", "--no-input", "--ci", "both", target)
    assert result.code == 0, result.err
    return target


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text("utf-8"))


def _tool(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / str(args[0])), *map(str, args[1:])], cwd=cwd, capture_output=True, text=True)


# ---- the pins -------------------------------------------------------------------------------------------------


def _uses(path: Path) -> list[str]:
    return [m["value"] for line in path.read_text("utf-8").splitlines() if (m := USES.match(line))]


def test_every_action_is_pinned_by_commit_from_the_table(both: Path) -> None:
    table = {(a.repository, a.path, a.commit, a.version) for a in ci.ACTIONS.values()}
    used = set()
    for path in [*(both / name for name in WORKFLOWS), ACTION]:
        for value in _uses(path):
            match = PINNED.match(value)
            assert match, f"{path.name}: `uses: {value}` is not <action>@<40-hex commit>  # <version>"
            pin = (match["repository"], match["path"] or "", match["commit"], match["version"])
            assert pin in table, f"{path.name}: {value} is not the pin of generator/ci.py"
            used.add(pin)
    assert used == table, "a pin of generator/ci.py that nothing uses"


def test_the_pins_are_written_in_one_place() -> None:
    """The template takes its pins from generator/ci.py; no commit is typed into it (action.yml, which cannot be
    a template, is held to the table by the test above)."""
    commit = re.compile(r"@[0-9a-f]{40}\b")
    typed = [
        path.relative_to(CHECKOUT).as_posix()
        for root in (TEMPLATE, SERVICE_TEMPLATE, CHECKOUT / "generator")
        for path in root.rglob("*")
        if path.is_file() and path.suffix not in {".pyc"} and path.name != "ci.py"
        if commit.search(path.read_text("utf-8", errors="replace"))
    ]
    assert typed == []
    assert "@" in ci.ACTIONS["checkout"].uses and "{{" in (TEMPLATE / WORKFLOWS[0]).read_text()


# ---- what zizmor and the schemas say --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["regular", "pedantic", "auditor"])
def test_zizmor_finds_nothing(both: Path, persona: str) -> None:
    result = _tool("zizmor", "--offline", "--persona", persona, *WORKFLOWS, ACTION, cwd=both)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout and "suppressed" not in result.stdout


def test_zizmor_does_speak(tmp_path: Path) -> None:
    """The test above can fail: the workflow lockstep used to generate (tag pins, a full fetch) has findings."""
    bad = tmp_path / ".github/workflows/bad.yaml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        'name: bad\n"on": pull_request\npermissions: {}\njobs:\n  check:\n    runs-on: ubuntu-24.04\n'
        "    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n"
    )
    result = _tool("zizmor", "--offline", bad)
    assert result.returncode != 0 and "unpinned-uses" in result.stdout


@pytest.mark.parametrize(
    ("schema", "files"),
    [
        ("vendor.github-workflows", WORKFLOWS),
        ("vendor.gitlab-ci", (layout.GITLAB_CI,)),
    ],
)
def test_the_ci_files_match_their_schemas(both: Path, schema: str, files: tuple[str, ...]) -> None:
    result = _tool("check-jsonschema", "--builtin-schema", schema, *files, cwd=both)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_action_matches_its_schema() -> None:
    result = _tool("check-jsonschema", "--builtin-schema", "vendor.github-actions", ACTION)
    assert result.returncode == 0, result.stdout + result.stderr


# ---- permissions, concurrency, fetch, reports -----------------------------------------------------------------


def _runs_code(job: Mapping[str, Any]) -> bool:
    return any("run" in step or "checkout@" in str(step.get("uses", "")) for step in job["steps"])


@pytest.mark.parametrize("name", WORKFLOWS)
def test_each_job_has_its_own_least_permissions(both: Path, name: str) -> None:
    workflow = _yaml(both / name)
    assert workflow["permissions"] == {}
    for job_name, job in workflow["jobs"].items():
        granted = job["permissions"]
        assert granted, job_name
        if name == WORKFLOWS[0] and _runs_code(job):
            # the job that runs the pull request's code (and whatever its requirements install) can write nothing
            assert set(granted.values()) == {"read"}, job_name
        written = {scope for scope, level in granted.items() if level == "write"}
        assert len(written) <= 1, f"{job_name}: {written}"


def test_pull_requests_are_checked_one_run_each_from_a_shallow_fetch(both: Path) -> None:
    workflow = _yaml(both / WORKFLOWS[0])
    assert "pull_request.number" in workflow["concurrency"]["group"]
    assert workflow["concurrency"]["cancel-in-progress"] is True
    assert "pull_request_target" not in workflow["on"]
    [checkout] = [s for s in workflow["jobs"]["validate"]["steps"] if "checkout@" in str(s.get("uses"))]
    assert 1 <= checkout["with"]["fetch-depth"] <= 2 and checkout["with"]["persist-credentials"] is False
    trunk = _yaml(both / WORKFLOWS[1])
    assert trunk["concurrency"]["cancel-in-progress"] is False


def test_the_reports_written_are_the_reports_published(both: Path) -> None:
    """The check writes the SARIF and markdown files that the code-scanning and comment jobs read; the GitLab job
    writes the Code Quality file its artifacts declare."""
    jobs = _yaml(both / WORKFLOWS[0])["jobs"]
    check = next(s["run"] for s in jobs["validate"]["steps"] if "lockstep validate" in s.get("run", ""))
    written = dict(re.findall(r"--report (\w+)=(\S+)", check))
    assert set(written) == {"sarif", "markdown"}
    kept = next(s for s in jobs["validate"]["steps"] if "upload-artifact@" in str(s.get("uses")))
    assert set(kept["with"]["path"].split()) == set(written.values())
    sarif = next(s for s in jobs["code-scanning"]["steps"] if "upload-sarif@" in str(s.get("uses")))
    comment = next(s for s in jobs["comment"]["steps"] if "sticky-pull-request-comment@" in str(s.get("uses")))
    assert Path(sarif["with"]["sarif_file"]).name == written["sarif"]
    assert Path(comment["with"]["path"]).name == written["markdown"]
    gitlab = _yaml(both / layout.GITLAB_CI)["lockstep-validate"]
    script = "\n".join(gitlab["script"])
    assert "python -m pip install -r .lockstep/requirements.txt" in script
    assert re.search(r"--report gitlab=(\S+)", script)[1] == gitlab["artifacts"]["reports"]["codequality"]  # type: ignore[index]


# ---- --ci -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "present", "absent"),
    [
        ("github", [*WORKFLOWS], [layout.GITLAB_CI]),
        ("gitlab", [layout.GITLAB_CI], [".github"]),
        ("both", [*WORKFLOWS, layout.GITLAB_CI], []),
    ],
)
def test_ci_chooses_the_files(tmp_path: Path, choice: str, present: list[str], absent: list[str]) -> None:
    result = run_lockstep("new", "--no-input", "--ci", choice, tmp_path / "p")
    assert result.code == 0, result.err
    assert [name for name in present if not (tmp_path / "p" / name).is_file()] == []
    assert [name for name in absent if (tmp_path / "p" / name).exists()] == []
    assert _yaml(tmp_path / "p" / layout.ANSWERS)["answers"]["ci"] == choice


def test_an_unknown_ci_is_one_line_and_nothing_written(tmp_path: Path) -> None:
    result = run_lockstep("new", "--no-input", "--ci", "bogus", tmp_path / "p")
    assert result.code == 2 and result.out == ""
    assert len(result.err.strip().splitlines()) == 1 and "--ci" in result.err and "bogus" in result.err
    assert not (tmp_path / "p").exists()


# ---- the steps, run as the runners run them (slow: a fresh virtual environment installs the wheel) -------------


class Step(NamedTuple):
    name: str
    code: int
    out: str


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _origin(tmp_path: Path, wheel: Path) -> Path:
    """A platform installed from `wheel`, with two pull requests on it: `breaking` renames a path of service-a's
    contract without a major bump, `docs` edits the README. Each has the merge commit GitHub would make."""
    origin = tmp_path / "origin"
    result = run_lockstep("new", "--no-input", "--ci", "both", "--lockstep-source", wheel, origin)
    assert result.code == 0, result.err
    _git(origin, "config", "uploadpack.allowReachableSHA1InWant", "true")  # as GitHub and GitLab allow
    identity = ("-c", "user.name=t", "-c", "user.email=t@example.com")
    contract = origin / "services/service-a/openapi.yaml"
    for branch, path, before, after in [
        ("breaking", contract, "  /readyz:", "  /ready:"),
        ("docs", origin / "README.md", "\n", "\nEdited.\n"),
    ]:
        _git(origin, "checkout", "-q", "-b", branch, "main")
        path.write_text(path.read_text().replace(before, after, 1))
        _git(origin, *identity, "commit", "-q", "-am", branch)
        _git(origin, "checkout", "-q", "--detach", "main")
        _git(origin, *identity, "merge", "-q", "--no-ff", "-m", f"Merge {branch} into main", branch)
        _git(origin, "update-ref", f"refs/heads/{branch}-merge", "HEAD")
        _git(origin, "checkout", "-q", "main")
    return origin


def _clone(origin: Path, ref: str, depth: int, into: Path) -> Path:
    _git(origin.parent, "clone", "-q", "--depth", str(depth), "--branch", ref, origin.as_uri(), str(into))
    return into


def _python(tmp_path: Path) -> Path:
    """A fresh virtual environment: what setup-python gives a job (its `python` first on PATH)."""
    venv = tmp_path / "python"
    subprocess.run([str(BIN / "python"), "-m", "venv", str(venv)], check=True)
    return venv / "bin"


def _environment(path: Path, **variables: str) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CI_", "VIRTUAL_ENV"))}
    return {**inherited, "PATH": f"{path}{os.pathsep}{os.environ['PATH']}", "CI": "true", **variables}


def _run_github_steps(steps: list[dict[str, Any]], cwd: Path, env: Mapping[str, str]) -> list[Step]:
    """The `run:` steps of a job as the runner runs them: each in `bash --noprofile --norc -eo pipefail`; once a
    step failed, only the steps whose `if:` asks to run anyway. `uses:` steps are what the test set up."""
    done: list[Step] = []
    for step in steps:
        if "run" not in step:
            continue
        condition = str(step.get("if", ""))
        if any(s.code for s in done) and "!cancelled()" not in condition and "always()" not in condition:
            continue
        assert "${{" not in step["run"] and not step.get("env"), "an expression the runner would substitute"
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=cwd,
            env=dict(env),
            capture_output=True,
            text=True,
        )
        done.append(Step(step["name"], result.returncode, result.stdout + result.stderr))
    return done


@pytest.mark.slow
def test_the_github_check_runs_as_generated(tmp_path: Path, lockstep_wheel: Path) -> None:
    origin = _origin(tmp_path, lockstep_wheel)
    python = _python(tmp_path)
    steps = _yaml(origin / WORKFLOWS[0])["jobs"]["validate"]["steps"]
    for branch, verdict in [("breaking", 1), ("docs", 0)]:
        workspace = _clone(origin, f"{branch}-merge", 2, tmp_path / branch)  # checkout: fetch-depth 2
        summary = tmp_path / f"{branch}-summary.md"
        env = _environment(
            python,
            GITHUB_ACTIONS="true",
            GITHUB_EVENT_NAME="pull_request",
            GITHUB_BASE_REF="main",
            GITHUB_HEAD_REF=branch,
            GITHUB_REF="refs/pull/1/merge",
            GITHUB_SHA=_git(workspace, "rev-parse", "HEAD"),
            GITHUB_REPOSITORY="acme/platform",
            GITHUB_SERVER_URL="https://github.com",
            GITHUB_WORKSPACE=str(workspace),
            GITHUB_STEP_SUMMARY=str(summary),
            RUNNER_TEMP=str(tmp_path),
        )
        done = _run_github_steps(steps, workspace, env)
        codes = {step.name: step.code for step in done}
        assert codes == {
            "Install lockstep": 0,
            "Validate (pull-request mode against the base)": verdict,
            "Report in the job summary": 0,
        }, done
        sarif = json.loads((workspace / "lockstep.sarif").read_text())
        results = [r for run in sarif["runs"] for r in run["results"]]
        report = (workspace / "lockstep.md").read_text()
        assert summary.read_text() == report
        check = next(step for step in done if step.name.startswith("Validate"))
        if verdict:
            assert any(r["level"] == "error" for r in results)
            assert "::error file=services/service-a/openapi.yaml" in check.out
            assert "service-a" in report
        else:
            assert not [r for r in results if r["level"] == "error"], check.out


@pytest.mark.slow
def test_the_gitlab_merge_request_job_runs_as_generated(tmp_path: Path, lockstep_wheel: Path) -> None:
    origin = _origin(tmp_path, lockstep_wheel)
    python = _python(tmp_path)
    job = _yaml(origin / layout.GITLAB_CI)["lockstep-validate"]
    assert job["variables"]["GIT_DEPTH"] == "1"
    workspace = _clone(origin, "breaking", 1, tmp_path / "mr")  # the merge request's head alone
    base = _git(origin, "rev-parse", "main")
    env = _environment(
        python,
        GITLAB_CI="true",
        CI_PIPELINE_SOURCE="merge_request_event",
        CI_MERGE_REQUEST_DIFF_BASE_SHA=base,
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main",
        CI_MERGE_REQUEST_TARGET_BRANCH_SHA="",  # not a merged-results pipeline
        CI_COMMIT_SHA=_git(workspace, "rev-parse", "HEAD"),
        CI_PROJECT_DIR=str(workspace),
    )
    assert subprocess.run(["git", "cat-file", "-e", f"{base}^{{commit}}"], cwd=workspace).returncode != 0
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", "\n".join(job["script"])],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    quality = json.loads((workspace / job["artifacts"]["reports"]["codequality"]).read_text())
    assert any(issue["location"]["path"] == "services/service-a/openapi.yaml" for issue in quality)
    assert [path for path in job["artifacts"]["paths"] if not (workspace / path).is_file()] == []


@pytest.mark.slow
def test_the_action_installs_and_checks(tmp_path: Path, lockstep_wheel: Path) -> None:
    """action.yml's steps with `lockstep-source` a wheel, a base the checkout lacks, and two reports."""
    origin = _origin(tmp_path, lockstep_wheel)
    python = _python(tmp_path)
    workspace = _clone(origin, "breaking", 1, tmp_path / "pr")
    inputs = {
        "lockstep-source": str(lockstep_wheel),
        "base": _git(origin, "rev-parse", "main"),
        "format": "github",
        "reports": "sarif=out/lockstep.sarif\nmarkdown=out/lockstep.md\n",
        "working-directory": ".",
    }
    (workspace / "out").mkdir()
    env = _environment(python, GITHUB_ACTIONS="true", RUNNER_TEMP=str(tmp_path / "runner"))
    (tmp_path / "runner").mkdir()
    codes = []
    for step in _yaml(ACTION)["runs"]["steps"]:
        if "run" not in step:
            continue
        given = {
            name: re.sub(r"\$\{\{ inputs\.([\w-]+) \}\}", lambda m: inputs[m[1]], value)
            for name, value in step.get("env", {}).items()
        }
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=workspace,
            env={**env, **given},
            capture_output=True,
            text=True,
        )
        codes.append((step["name"], result.returncode, result.stdout + result.stderr))
    assert [(name, code) for name, code, _ in codes] == [("Install lockstep", 0), ("Validate", 1)], codes
    assert "::error file=services/service-a/openapi.yaml" in codes[-1][2]
    assert json.loads((workspace / "out/lockstep.sarif").read_text())["runs"]
    assert (workspace / "out/lockstep.md").read_text().strip()


# ---- after the merge: stamp and tag, then push (the platform's own lockstep; a bare repository as the remote) ---


def _remote_with_a_hotfix(tmp_path: Path) -> tuple[Path, str]:
    """A remote of a new platform whose release branch 0.1-release already has a fix the trunk never had; the
    commit of that fix."""
    made = run_lockstep("new", "--no-input", tmp_path / "p")
    assert made.code == 0, made.err
    remote = tmp_path / "origin.git"
    _git(tmp_path, "clone", "-q", "--bare", str(tmp_path / "p"), str(remote))
    _git(remote, "config", "uploadpack.allowFilter", "true")  # as GitHub allows
    _git(remote, "config", "receive.advertisePushOptions", "true")  # as GitLab does (ci.skip)
    identity = ("-c", "user.name=t", "-c", "user.email=t@example.com")
    fix = tmp_path / "fix"
    _git(tmp_path, "clone", "-q", remote.as_uri(), str(fix))
    _git(fix, "checkout", "-q", "-b", "0.1-release")
    (fix / "README.md").write_text((fix / "README.md").read_text() + "\nA fix.\n")
    _git(fix, *identity, "commit", "-q", "-am", "a fix on the release line")
    _git(fix, "push", "-q", "origin", "0.1-release")
    return remote, _git(fix, "rev-parse", "HEAD")


def _refs(remote: Path) -> dict[str, str]:
    listed = _git(remote, "for-each-ref", "--format=%(refname) %(objectname)")
    return dict(line.split(" ", 1) for line in listed.splitlines())  # type: ignore[misc]


def _tagged_then_arrivals(remote: Path) -> None:
    """The tag is at the commit that released 0.1.0; after it, the job's stamp recorded the arrivals (the first
    stamp records every pin)."""
    assert _git(remote, "rev-parse", "platform-v0.1.0^{commit}") == _git(remote, "rev-parse", "main~1")
    stamped = _git(remote, "show", "--name-only", "--format=", "main").split()
    assert stamped and all(re.fullmatch(r"environments/[a-z]+/arrivals/\d{4}-\d{2}\.yaml", path) for path in stamped)


def test_the_github_trunk_job_tags_and_moves_no_release_branch(tmp_path: Path, both: Path) -> None:
    remote, fix = _remote_with_a_hotfix(tmp_path)
    workspace = tmp_path / "ws"  # checkout: the branch, all history, no file contents (blob:none)
    _git(tmp_path, "clone", "-q", "--filter=blob:none", "--branch", "main", remote.as_uri(), str(workspace))
    steps = [s for s in _yaml(both / WORKFLOWS[1])["jobs"]["stamp"]["steps"] if "run" in s and "pip" not in s["run"]]
    env = _environment(BIN, GITHUB_ACTIONS="true", GITHUB_SERVER_URL="https://github.com", GITHUB_TOKEN="t0ken")
    for step in steps:
        step.pop("env", None)  # GITHUB_TOKEN: ${{ github.token }}, given above
    done = _run_github_steps(steps, workspace, env)
    assert [step.code for step in done] == [0, 0], done
    refs = _refs(remote)
    assert refs["refs/heads/0.1-release"] == fix  # the fix stays where it is
    _tagged_then_arrivals(remote)


def test_the_gitlab_trunk_job_tags_and_pushes_with_the_token(tmp_path: Path, both: Path) -> None:
    remote, fix = _remote_with_a_hotfix(tmp_path)
    workspace = tmp_path / "ws"  # the runner's clone: all history (GIT_DEPTH 0), a detached HEAD
    _git(tmp_path, "clone", "-q", remote.as_uri(), str(workspace))
    _git(workspace, "checkout", "-q", "--detach", "main")
    job = _yaml(both / layout.GITLAB_CI)["lockstep-trunk"]
    script = "\n".join(line for line in job["script"] if "pip install" not in line)
    pushed_to = "https://oauth2:t0ken@gitlab.example.com:443/acme/platform.git"
    env = _environment(
        BIN,
        GITLAB_CI="true",
        CI_COMMIT_BRANCH="main",
        CI_SERVER_PROTOCOL="https",
        CI_SERVER_HOST="gitlab.example.com",
        CI_SERVER_PORT="443",
        CI_PROJECT_PATH="acme/platform",
        GIT_CONFIG_COUNT="1",  # the URL the job pushes to is this test's remote
        GIT_CONFIG_KEY_0=f"url.{remote.as_uri()}.insteadOf",
        GIT_CONFIG_VALUE_0=pushed_to,
    )
    bash = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script]
    refused = subprocess.run(bash, cwd=workspace, env=env, capture_output=True, text=True)
    assert refused.returncode == 1 and "LOCKSTEP_PUSH_TOKEN is not set" in refused.stdout
    done = subprocess.run(
        bash, cwd=workspace, env={**env, "LOCKSTEP_PUSH_TOKEN": "t0ken"}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert _refs(remote)["refs/heads/0.1-release"] == fix
    _tagged_then_arrivals(remote)


def test_after_every_merge_the_trunk_judges_everything(tmp_path: Path, both: Path) -> None:
    """A pull request is checked for what its change can affect; after the merge (once stamp ran), the trunk
    workflow runs every rule on the whole branch: a problem no pull request touched is found there."""
    workflow = _yaml(both / WORKFLOWS[1])["jobs"]["validate"]
    assert workflow["needs"] == "stamp" and workflow["permissions"] == {"contents": "read"}
    made = run_lockstep("new", "--no-input", tmp_path / "p")
    assert made.code == 0, made.err
    platform = tmp_path / "p"
    dockerfile = platform / "services/service-a/Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("EXPOSE 8080", "EXPOSE 9090"))
    _git(platform, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", "merged earlier")
    assert run_lockstep("validate", "--repo", platform, "--base", "HEAD").code == 0  # untouched since the base
    steps = [s for s in workflow["steps"] if "run" in s and "pip" not in s["run"]]
    summary = tmp_path / "summary.md"
    done = _run_github_steps(steps, platform, _environment(BIN, GITHUB_STEP_SUMMARY=str(summary)))
    assert [step.code for step in done] == [1, 0], done
    assert "dockerfile.expose-port" in done[0].out and "dockerfile.expose-port" in summary.read_text()
    gitlab = _yaml(both / layout.GITLAB_CI)["lockstep-trunk-validate"]
    assert gitlab["needs"] == ["lockstep-trunk"]
    assert any(line.startswith("lockstep validate --report") for line in gitlab["script"])
