"""The build pipeline and the promote workflow lockstep generates: which files each platform gets, what zizmor and
GitHub's workflow schema say of them for every engine and CI choice, and their steps run as a runner runs them:
the chart packaged and pushed to a real registry (helm v4, the `oci_registry` fixture) with the digest the lock
will pin, a version refused once it is built, and a promotion committed by lockstep and pushed to its branch."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import layout
from generator.templates import PROMOTE_WORKFLOW
from tests.conftest import BIN, K8sTools, OciRegistry, git, run_lockstep, ungate

SERVICES = ("service-a", "service-b", "service-c")


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text("utf-8"))


def _step(workflow: Mapping[str, Any], job: str, name: str) -> dict[str, Any]:
    step: dict[str, Any] = next(s for s in workflow["jobs"][job]["steps"] if s.get("name") == name)
    return step


def _run(step: Mapping[str, Any], cwd: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """A `run:` step as the runner runs it (bash -eo pipefail), with the variables its `env:` and the workflow's
    would give it: the test gives their values."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "VIRTUAL_ENV"))}
    env = {**inherited, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "CI": "true", **variables}
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


def _outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines())  # type: ignore[misc]


# ---- which files ----------------------------------------------------------------------------------------------


def test_each_service_gets_its_build_and_the_path_its_promotions_and_verifications(
    new_repo: Callable[..., Path],
) -> None:
    repo = new_repo("--environments", "dev,qa,stage,prod")
    workflows = {p.name for p in (repo / layout.WORKFLOWS_DIR).iterdir()}
    assert {f"build-{service}.yaml" for service in SERVICES} <= workflows and "promote.yaml" in workflows
    promote = _yaml(repo / PROMOTE_WORKFLOW)
    assert promote["on"]["workflow_dispatch"]["inputs"]["environment"]["options"] == ["qa", "stage", "prod"]
    verify = _yaml(repo / layout.WORKFLOWS_DIR / "verify.yaml")
    assert verify["on"]["workflow_dispatch"]["inputs"]["environment"]["options"] == ["dev", "qa", "stage", "prod"]
    trunk = _yaml(repo / layout.WORKFLOWS_DIR / "lockstep-trunk.yaml")
    assert verify["concurrency"] == trunk["concurrency"]  # one push to the branch at a time, never cancelled
    pin = _yaml(repo / layout.build_workflow("service-a"))["jobs"]["pin"]["steps"]
    recorded = next(s["run"] for s in pin if "lockstep verify" in s.get("run", ""))
    assert '--env dev --check unit-tests --service "$SERVICE" --version "$VERSION"' in recorded
    build = _yaml(repo / layout.build_workflow("service-b"))
    assert build["env"] == {
        "SERVICE": "service-b",
        "IMAGE": "registry.example.com/logistics/service-b",
        "CHARTS": "oci://registry.example.com/logistics/charts",
    }


def test_one_environment_has_builds_and_nothing_to_promote(new_repo: Callable[..., Path]) -> None:
    repo = new_repo("--environments", "prod")
    assert not (repo / PROMOTE_WORKFLOW).exists()
    assert (repo / layout.build_workflow("service-a")).is_file()


def test_gitlab_alone_gets_no_workflow_and_neither_does_a_service_added(new_repo: Callable[..., Path]) -> None:
    repo = new_repo("--ci", "gitlab")
    result = run_lockstep("add-service", "service-d", "--language", "python", "--repo", repo)
    assert result.code == 0, result.err
    assert not (repo / ".github").exists()


def test_remove_service_takes_its_build_away(new_repo: Callable[..., Path]) -> None:
    repo = new_repo("--environments", "dev", "--strategy", "independent")
    for service in ("service-b", "service-c"):  # service-b requires service-a: it leaves first
        result = run_lockstep("remove-service", service, "--repo", repo)
        assert result.code == 0, result.err
        assert not (repo / layout.build_workflow(service)).exists()
    assert (repo / layout.build_workflow("service-a")).is_file()


# ---- what zizmor and GitHub's schema say, for every engine and CI choice ---------------------------------------


@pytest.mark.slow  # six platforms made, zizmor and check-jsonschema run on each (test_ci runs them on the default)
@pytest.mark.parametrize("ci", ["github", "both"])
@pytest.mark.parametrize("engine", ["argocd", "flux", "none"])
def test_every_generated_workflow_is_clean(new_repo: Callable[..., Path], engine: str, ci: str) -> None:
    repo = new_repo("--engine", engine, "--ci", ci)
    files = sorted(str(p.relative_to(repo)) for p in (repo / layout.WORKFLOWS_DIR).iterdir())
    assert len(files) == 7  # lockstep, trunk, promote, verify, a build per service
    for persona in ("regular", "pedantic", "auditor"):
        result = subprocess.run(
            [BIN / "zizmor", "--offline", "--persona", persona, *files], cwd=repo, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "No findings to report" in result.stdout and "suppressed" not in result.stdout
    schema = [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *files]
    result = subprocess.run(schema, cwd=repo, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_expressions_reach_the_shell_only_through_env(new_repo: Callable[..., Path]) -> None:
    repo = new_repo()
    for path in (repo / layout.WORKFLOWS_DIR).iterdir():
        for job in _yaml(path)["jobs"].values():
            assert [s["run"] for s in job["steps"] if "${{" in s.get("run", "")] == [], path.name


# ---- the steps, run --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_chart_is_pushed_with_the_digest_the_lock_pins_and_built_once(
    new_repo: Callable[..., Path], oci_registry: OciRegistry, k8s_tools: K8sTools, tmp_path: Path
) -> None:
    """With a registry on 127.0.0.1 the workflow passes helm --plain-http; `helm pull` of the version pushed prints
    the digest the step gave; a second build of that version is refused before it pushes anything."""
    repo = new_repo("--registry", f"{oci_registry.host}/pipeline")
    workflow = _yaml(repo / layout.build_workflow("service-a"))
    assert workflow["env"]["CHARTS"] == f"oci://{oci_registry.host}/pipeline/charts"
    runner = tmp_path / "runner"
    runner.mkdir()
    given = {**workflow["env"], "VERSION": "0.2.0", "RUNNER_TEMP": str(runner), "HOME": str(tmp_path)}
    refuse = _step(workflow, "build", "Refuse a version that was built already")
    assert _run(refuse, repo, **given).returncode == 0  # 0.2.0 is not in the registry yet
    output = tmp_path / "output"
    pushed = _run(_step(workflow, "build", "Package and push the chart"), repo, **given, GITHUB_OUTPUT=str(output))
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    digest = _outputs(output)["digest"]
    pulled = subprocess.run(
        ["helm", "pull", f"{workflow['env']['CHARTS']}/service-a", "--version", "0.2.0", "--plain-http"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert pulled.returncode == 0, pulled.stderr
    assert f"Digest: {digest}" in pulled.stdout + pulled.stderr and re.fullmatch(r"sha256:[0-9a-f]{64}", digest)
    again = _run(refuse, repo, **given)
    assert again.returncode == 1 and "service-a 0.2.0 is built already" in again.stdout


@pytest.mark.slow
def test_a_promotion_is_committed_by_lockstep_and_pushed_to_its_branch(
    new_repo: Callable[..., Path], tmp_path: Path
) -> None:
    repo = new_repo("--strategy", "independent")
    result = run_lockstep("bump", "service-a", "--repo", repo, "--commit")
    assert result.code == 0, result.err
    remote = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(remote))
    git(repo, "remote", "add", "origin", remote.as_uri())
    workflow = _yaml(repo / PROMOTE_WORKFLOW)
    job = workflow["jobs"]["promote"]
    given = {
        "ENVIRONMENT": "stage",
        "SERVICE": "service-a",
        "VERSION": "",
        "BRANCH": "lockstep/promote-stage",
        "GH_TOKEN": "t0ken",
        "GITHUB_SERVER_URL": "https://github.com",
    }
    assert set(job["env"]) == {
        *("ENVIRONMENT", "SERVICE", "VERSION", "OVERRIDE", "REASON", "BRANCH"),
        *("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL"),  # who promotes (and overrides): the actor, not the bot
    }
    given |= {"OVERRIDE": "", "REASON": "", "GIT_AUTHOR_NAME": "octocat", "GIT_AUTHOR_EMAIL": "1+octocat@example.com"}
    for name in ("Promote", "Push the branch of the pull request"):
        done = _run(_step(workflow, "promote", name), repo, **given)
        assert done.returncode == 0, done.stdout + done.stderr
    subject = git(remote, "log", "-1", "--format=%s", "lockstep/promote-stage").strip()
    assert git(remote, "log", "-1", "--format=%an|%cn", "lockstep/promote-stage").strip() == "octocat|lockstep"
    assert subject == "promote stage: service-a 0.1.0 -> 0.1.1 in stage (from dev)"
    changed = git(remote, "diff", "--name-only", "main", "lockstep/promote-stage").split()
    assert changed == [layout.lock("stage")]


# ---- the pull-request check during a freeze -------------------------------------------------------------------


def test_the_check_fails_a_promotion_during_a_freeze_with_one_line_naming_the_window(default_repo: Path) -> None:
    """prod is frozen every weekend (Europe/Berlin). A promotion into prod made on Thursday, checked by the
    generated workflow's validate step on Saturday: one error annotation, rule gates.freeze, naming the window and
    when it opens; the same pull request checked on Monday after 08:00 passes."""
    platform = default_repo / "platform.yaml"
    weekend = "        - weekly: Fri 15:00-Mon 08:00\n          tz: Europe/Berlin\n"
    ungate(default_repo)  # the generated soak and checks: this test is about the freeze
    platform.write_text(
        platform.read_text().replace("  - name: prod\n", f"  - name: prod\n    gates:\n      freeze:\n{weekend}", 1)
    )
    git(default_repo, "commit", "-qam", "prod freezes on weekends")
    thursday = ("--now", "2026-11-26T10:00:00Z")
    for step in (["bump", "service-a"], ["stamp"], ["release"], ["promote", "stage"]):
        assert run_lockstep(*step, *thursday, "--commit", "--repo", default_repo).code == 0, step
    git(default_repo, "checkout", "-qb", "promote-prod")
    assert run_lockstep("promote", "prod", *thursday, "--commit", "--repo", default_repo).code == 0
    git(default_repo, "checkout", "-q", "--detach", "main")
    git(default_repo, "merge", "-q", "--no-ff", "-m", "Merge promote-prod", "promote-prod")  # GitHub's merge commit
    workflow = _yaml(default_repo / layout.WORKFLOWS_DIR / "lockstep.yaml")
    validate = _step(workflow, "validate", "Validate (pull-request mode against the base)")
    saturday = _run({"run": validate["run"] + " --now 2026-11-28T12:00:00Z"}, default_repo)
    errors = [line for line in saturday.stdout.splitlines() if line.startswith("::error")]
    assert saturday.returncode == 1 and len(errors) == 1, saturday.stdout + saturday.stderr
    assert "title=gates.freeze" in errors[0] and "file=environments/prod/platform.lock.yaml" in errors[0]
    assert "weekly Fri 15:00-Mon 08:00 Europe/Berlin" in errors[0] and "2026-11-30T07:00:00Z" in errors[0]
    monday = _run({"run": validate["run"] + " --now 2026-11-30T08:00:00Z"}, default_repo)
    assert monday.returncode == 0, monday.stdout + monday.stderr


# ---- the records the workflows write (`lockstep verify`) -------------------------------------------------------


@pytest.mark.slow
def test_the_build_pins_the_version_and_records_its_tests_in_one_pull_request(default_repo: Path) -> None:
    workflow = _yaml(default_repo / layout.build_workflow("service-a"))
    given = {
        **workflow["env"],
        **workflow["jobs"]["pin"]["env"],
        "VERSION": "0.2.0",
        "DIGEST": "sha256:" + "a" * 64,
        "CHART_DIGEST": "sha256:" + "b" * 64,
        "RUN": "https://github.com/acme/platform/actions/runs/7",
    }
    for name in ("Pin the version, the image and the chart", "Record that its tests passed"):
        done = _run(_step(workflow, "pin", name), default_repo, **given)
        assert done.returncode == 0, done.stdout + done.stderr
    recorded = git(default_repo, "show", "--name-only", "--format=", "HEAD").split()
    assert len(recorded) == 1 and recorded[0].startswith("environments/dev/verifications/services/service-a/0.2.0/")
    record = _yaml(default_repo / recorded[0])
    assert (record["check"], record["result"], record["url"]) == ("unit-tests", "passed", given["RUN"])
    title = git(default_repo, "log", "-1", "--format=%s", "HEAD^").strip()  # what the pull request is called
    assert "service-a" in title and "0.2.0" in title


@pytest.mark.slow
def test_verify_records_a_result_under_the_actor_and_pushes_it(default_repo: Path, tmp_path: Path) -> None:
    remote = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(default_repo), str(remote))
    git(default_repo, "remote", "add", "origin", remote.as_uri())
    workflow = _yaml(default_repo / layout.WORKFLOWS_DIR / "verify.yaml")
    given = {
        "ENVIRONMENT": "stage",
        "CHECK": "integration-tests",
        "RESULT": "passed",
        "SERVICE": "",
        "VERSION": "",
        "URL": "https://ci.example.com/run/9",
        "ROLLBACK": "false",
        "BRANCH": "lockstep/rollback-stage",
        "GIT_AUTHOR_NAME": "octocat",
        "GIT_AUTHOR_EMAIL": "1+octocat@users.noreply.github.com",
        "GH_TOKEN": "t0ken",
        "TARGET": "main",
        "GITHUB_SERVER_URL": "https://github.com",
    }
    assert set(workflow["jobs"]["verify"]["env"]) == set(given) - {"GH_TOKEN", "TARGET", "GITHUB_SERVER_URL"}
    for name in ("Verify", "Push the record (or the branch of the rollback's pull request)"):
        done = _run(_step(workflow, "verify", name), default_repo, **given)
        assert done.returncode == 0, done.stdout + done.stderr
    [path] = git(remote, "show", "--name-only", "--format=", "main").split()
    assert path.startswith("environments/stage/verifications/platform/0.1.0/integration-tests.")
    record = yaml.safe_load(git(remote, "show", f"main:{path}"))
    assert record["by"] == "octocat <1+octocat@users.noreply.github.com>" and record["result"] == "passed"
