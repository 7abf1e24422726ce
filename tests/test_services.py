"""Every generated service is a real program that serves exactly its contract: `make build`, `make test`, then
`PORT=<free port> make run` on 127.0.0.1, called over HTTP, fuzzed by schemathesis against its openapi.yaml,
and stopped with SIGTERM under a steady stream of requests (it drains without dropping one). Needs make, go,
python3, node, javac/java on PATH, and schemathesis in this environment (the test extras)."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import BIN, run_lockstep

pytestmark = pytest.mark.slow  # builds and runs services with go, python, node and a JDK

SERVICES = {"orders": "go", "billing": "python", "web": "node", "ledger": "java"}
TOOLCHAINS = {"go": ["go"], "python": ["python3"], "node": ["node"], "java": ["javac", "java"]}
TEST_VERSION = "7.7.7-test"  # what the Helm chart would pass as SERVICE_VERSION
STARTUP_TIMEOUT = 60.0
DRAIN_SECONDS = 2  # the drain delay the services run with here (DRAIN_SECONDS; 5 s when unset)
SHUTDOWN_TIMEOUT = 5.0  # the services' bound on the requests in flight once their listener is closed
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="session")
def tool_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Go's build cache, shared by the tests of one worker (a cold one costs ~10 s per build)."""
    return tmp_path_factory.mktemp("tool-cache")


@pytest.fixture
def service_env(tool_cache: Path) -> dict[str, str]:
    """The environment of make and of the services: HOME is already a temporary directory (conftest); Go
    writes only under tool_cache and fetches nothing."""
    env = {key: value for key, value in os.environ.items() if key not in ("PORT", "SERVICE_NAME", "SERVICE_VERSION")}
    env.update(
        GOCACHE=str(tool_cache / "go-build"),
        GOPATH=str(tool_cache / "go"),
        GOPROXY="off",
        GOTOOLCHAIN="local",
        GOTELEMETRY="off",
        NO_COLOR="1",
    )
    return env


def require_toolchain(language: str, env: dict[str, str]) -> None:
    for tool in ["make", *TOOLCHAINS[language]]:
        if shutil.which(tool, path=env["PATH"]) is None:
            pytest.fail(f"`{tool}` is not on PATH: the {language} services cannot be built (install it; see .ci/run)")


def make(directory: Path, target: str, env: dict[str, str]) -> None:
    result = subprocess.run(
        ["make", target], cwd=directory, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, f"make {target} in {directory.name}:\n{result.stdout}\n{result.stderr}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    raw: bytes

    @property
    def json(self) -> object:
        assert self.headers.get("content-type", "").startswith("application/json"), self.headers
        return json.loads(self.raw)


@dataclass
class Service:
    name: str
    directory: Path
    port: int
    process: subprocess.Popen
    stdout: Path
    stderr: Path
    sent: list[tuple[str, str, int]] = field(default_factory=list)  # (method, path, status) of each call

    def call(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            reply = Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            connection.close()
        self.sent.append((method, path, reply.status))
        return reply

    def output(self) -> str:
        return f"stdout:\n{self.stdout.read_text(errors='replace')}\nstderr:\n{self.stderr.read_text(errors='replace')}"


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rpartition(")")[2].split()[1])


def children_of(pid: int) -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _parent_of(int(p.name)) == pid]


@contextmanager
def running(directory: Path, env: dict[str, str], tmp_path: Path, **variables: str) -> Iterator[Service]:
    """`PORT=<free port> make run` in its own session, until /healthz answers; its process group is killed
    on the way out, whatever happened."""
    port = free_port()
    stdout, stderr = tmp_path / f"{directory.name}.out", tmp_path / f"{directory.name}.err"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            ["make", "run"],
            cwd=directory,
            env={**env, "PORT": str(port), **variables},
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
    service = Service(directory.name, directory, port, process, stdout, stderr)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            assert process.poll() is None, f"make run exited with {process.returncode}\n{service.output()}"
            assert time.monotonic() < deadline, (
                f"no answer on :{port}/healthz in {STARTUP_TIMEOUT}s\n{service.output()}"
            )
            try:
                if service.call("GET", "/healthz").status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        yield service
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


# --- what every service must do ------------------------------------------------------------------------------


def check_probes_and_version(service: Service, version: str) -> None:
    health = service.call("GET", "/healthz")
    assert (health.status, health.json) == (200, {"status": "ok"})
    ready = service.call("GET", "/readyz")
    assert (ready.status, ready.json) == (200, {"status": "ready"})
    info = service.call("GET", "/version")
    assert (info.status, info.json) == (200, {"service": service.name, "version": version})


def check_items(service: Service) -> None:
    empty = service.call("GET", "/items")
    assert (empty.status, empty.json) == (200, [])
    created = service.call("POST", "/items", b'{"name": "first"}', JSON)
    assert created.status == 201, created.raw
    item = created.json
    assert isinstance(item, dict) and item["name"] == "first" and isinstance(item["id"], str)
    assert created.headers["location"] == f"/items/{item['id']}"
    fetched = service.call("GET", created.headers["location"])
    assert (fetched.status, fetched.json) == (200, item)
    # 100 characters is the most a name may have; JSON Schema counts code points, not bytes or UTF-16 units
    longest = service.call("POST", "/items", json.dumps({"name": "\U0001f600" * 100}).encode(), JSON)
    assert longest.status == 201, longest.raw
    utf8 = service.call("POST", "/items", '{"name": "é"}'.encode(), {"Content-Type": "application/json; charset=utf-8"})
    assert (utf8.status, utf8.json["name"]) == (201, "é")
    listed = service.call("GET", "/items")
    assert (listed.status, [i["name"] for i in listed.json]) == (200, ["first", "\U0001f600" * 100, "é"])
    assert listed.json[0] == item


BAD_BODIES = {
    "not JSON": b'{"name": ',
    "empty": b"",
    "not an object": b'["name"]',
    "a string": b'"first"',
    "name missing": b"{}",
    "name a number": b'{"name": 1}',
    "name null": b'{"name": null}',
    "name empty": b'{"name": ""}',
    "name too long": json.dumps({"name": "\U0001f600" * 101}).encode(),
    "name too long, raw UTF-8": ('{"name": "%s"}' % ("é" * 101)).encode(),
    "an extra field": b'{"name": "a", "colour": "red"}',
    "invalid UTF-8": b'{"name": "\xff\xfe"}',
    "trailing data": b'{"name": "a"} {}',
    "deeply nested": b"[" * 20000,
}


def check_bad_input(service: Service) -> None:
    for what, body in BAD_BODIES.items():
        reply = service.call("POST", "/items", body, JSON)
        assert reply.status == 400, f"{what}: {reply.status} {reply.raw[:200]!r}"
        error = reply.json
        assert isinstance(error, dict) and isinstance(error.get("error"), str) and error["error"], (what, error)
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        reply = service.call("POST", "/items", b'{"name": "a"}', {"Content-Type": content_type})
        assert reply.status == 415 and "error" in reply.json, (content_type, reply.status, reply.raw)
    no_type = service.call("POST", "/items", b'{"name": "a"}')
    assert no_type.status == 415 and "error" in no_type.json
    check_too_large(service)
    assert [i["name"] for i in service.call("GET", "/items").json] == ["first", "\U0001f600" * 100, "é"]


def check_too_large(service: Service) -> None:
    """A body that claims 10 MB gets 413 once 64 KiB + 1 bytes are there: the service neither waits for the
    rest nor buffers it."""
    head = b"POST /items HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    with socket.create_connection(("127.0.0.1", service.port), timeout=10) as client:
        client.sendall(head + b"Content-Length: 10000000\r\n\r\n" + b" " * 70_000)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = client.recv(65536)
            if not chunk:
                break
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.split()[1:2] == [b"413"], answer[:300]
    assert b'"error"' in rest.partition(b"\r\n\r\n")[2], answer[:300]
    service.sent.append(("POST", "/items", 413))


def check_unknown_and_undeclared(service: Service) -> None:
    for path in ("/items/no-such-id", "/items/999999", "/no/such/path", "/", "/items/"):
        reply = service.call("GET", path)
        assert reply.status == 404, (path, reply.status, reply.raw)
        assert isinstance(reply.json["error"], str)
    for method, path, allowed in (
        ("DELETE", "/items", {"GET", "POST"}),
        ("PUT", "/items", {"GET", "POST"}),
        ("PATCH", "/items/1", {"GET"}),
        ("POST", "/items/1", {"GET"}),
        ("POST", "/healthz", {"GET"}),
        ("DELETE", "/readyz", {"GET"}),
        ("OPTIONS", "/version", {"GET"}),
    ):
        reply = service.call(method, path)
        assert reply.status == 405, (method, path, reply.status, reply.raw)
        assert {m.strip() for m in reply.headers.get("allow", "").split(",")} == allowed, (method, path, reply.headers)
        assert isinstance(reply.json["error"], str)


def check_schemathesis(service: Service, env: dict[str, str], tmp_path: Path) -> None:
    schemathesis = BIN / "schemathesis"
    if not schemathesis.is_file():
        pytest.fail(f"{schemathesis} not found: install the test extras (pip install -e '.[test]')")
    result = subprocess.run(
        [
            str(schemathesis),
            "run",
            str(service.directory / "openapi.yaml"),
            "--url",
            f"http://127.0.0.1:{service.port}",
            "--max-examples",
            "30",
            "--request-timeout",
            "10",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    report = result.stdout[-6000:] + result.stderr[-2000:]
    assert result.returncode == 0, f"schemathesis found problems in {service.name}:\n{report}"
    assert "No issues found" in result.stdout, report
    assert re.search(r"Operations:\s+6 selected / 6 total", result.stdout), report


@dataclass(frozen=True)
class Sent:
    """One request of the steady stream: when it was sent and answered, and its status (None: it failed)."""

    at: float
    done: float
    path: str
    status: int | None


def steady_stream(service: Service, sent: list[Sent], refused: threading.Event, stop: threading.Event) -> None:
    """GET /version and /readyz in turn, each on a new connection, until stop; refused is set at the first
    request that fails (the listener is closed)."""
    paths = ("/version", "/readyz")
    while not stop.is_set():
        path, at = paths[len(sent) % 2], time.monotonic()
        try:
            status: int | None = service.call("GET", path).status
        except (OSError, http.client.HTTPException):
            status = None
            refused.set()
        sent.append(Sent(at, time.monotonic(), path, status))
        time.sleep(0.02)


def check_drain(service: Service) -> None:
    """SIGTERM to the service (make's one child, since the recipe execs it) while requests keep coming: /readyz
    answers 503 at once, every other request is served for the drain delay, then the listener closes, the
    request in flight (its body sent before and after the close) finishes, and the service exits 0 (so does
    make)."""
    children = children_of(service.process.pid)
    assert len(children) == 1, f"make run should have one child, the service; it has {children}"
    sent: list[Sent] = []
    refused, stop = threading.Event(), threading.Event()
    stream = threading.Thread(target=steady_stream, args=(service, sent, refused, stop), daemon=True)
    body = b'{"name": "in flight"}'
    head = f"POST /items HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {len(body)}"
    with socket.create_connection(("127.0.0.1", service.port), timeout=10) as client:
        client.sendall(head.encode() + b"\r\n\r\n" + body[:5])
        stream.start()
        time.sleep(0.5)  # the request is in the service's hands, its body incomplete; the stream flows
        signalled = time.monotonic()
        os.kill(children[0], signal.SIGTERM)
        assert refused.wait(DRAIN_SECONDS + 3), f"still accepting {DRAIN_SECONDS + 3} s after SIGTERM"
        closed = time.monotonic() - signalled
        client.sendall(body[5:])
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
            if answer.rstrip().endswith(b"}"):
                break
    stop.set()
    stream.join()
    assert answer.split(b"\r\n", 1)[0].split()[1:2] == [b"201"], answer
    service.sent.append(("POST", "/items", 201))
    try:
        code = service.process.wait(timeout=DRAIN_SECONDS + SHUTDOWN_TIMEOUT + 1 - (time.monotonic() - signalled))
    except subprocess.TimeoutExpired:
        pytest.fail(f"{service.name} still running {DRAIN_SECONDS + SHUTDOWN_TIMEOUT + 1} s after SIGTERM")
    assert code == 0, f"{service.name} exited with {code} after SIGTERM\n{service.output()}"

    # the drain delay, less what a signal and a request take to arrive
    draining = [s for s in sent if signalled + 0.2 <= s.at <= signalled + DRAIN_SECONDS - 0.2]
    before = [s for s in sent if s.done < signalled]
    assert before and [s for s in before if s.status != 200] == [], sent
    assert closed >= DRAIN_SECONDS - 0.2, f"the listener closed {closed:.2f} s after SIGTERM, before the drain ended"
    assert len(draining) >= 20, f"only {len(draining)} requests during the drain"
    assert [s for s in draining if s.status != (503 if s.path == "/readyz" else 200)] == [], sent


def check_refuses_bad_drain_seconds(directory: Path, env: dict[str, str]) -> None:
    """A DRAIN_SECONDS that is not a whole number of seconds: the service does not start, and says why."""
    result = subprocess.run(
        ["make", "run"],
        cwd=directory,
        env={**env, "PORT": str(free_port()), "DRAIN_SECONDS": "5s"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0, result.stdout
    assert any(
        line.startswith("{") and "DRAIN_SECONDS" in json.loads(line)["msg"] for line in result.stdout.splitlines()
    ), result.stdout


def check_logs(service: Service) -> None:
    """One JSON line on stdout per request (besides the commands make echoes), nothing on stderr."""
    recipe = {line.strip() for line in (service.directory / "Makefile").read_text().splitlines() if line[:1] == "\t"}
    logged = []
    # lines end at "\n" alone: a logged path may hold U+0085 or U+2028, which str.splitlines() would split at
    for line in service.stdout.read_text().split("\n"):
        if not line or line in recipe:
            continue
        entry = json.loads(line)  # anything else must be a JSON line
        assert isinstance(entry, dict) and isinstance(entry.get("time"), str), line
        if "status" in entry:
            logged.append((entry["method"], entry["path"], entry["status"]))
    for request in service.sent:
        assert request in logged, f"no log line for {request}\n{service.output()}"
    assert service.stderr.read_text() == "", service.output()


def exercise(directory: Path, env: dict[str, str], tmp_path: Path, version: str, **variables: str) -> None:
    make(directory, "build", env)
    make(directory, "test", env)
    check_refuses_bad_drain_seconds(directory, env)
    with running(directory, env, tmp_path, DRAIN_SECONDS=str(DRAIN_SECONDS), **variables) as service:
        check_probes_and_version(service, version)
        check_items(service)
        check_bad_input(service)
        check_unknown_and_undeclared(service)
        check_schemathesis(service, env, tmp_path)
        check_drain(service)
    check_logs(service)


# --- the tests -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES, ids=SERVICES.values())
def test_service_serves_its_contract(
    service: str, new_repo: Callable[..., Path], service_env: dict[str, str], tmp_path: Path
) -> None:
    require_toolchain(SERVICES[service], service_env)
    repo = new_repo("--services", f"{service}:{SERVICES[service]}")
    exercise(repo / "services" / service, service_env, tmp_path, TEST_VERSION, SERVICE_VERSION=TEST_VERSION)


def test_added_service_serves_its_contract(default_repo: Path, service_env: dict[str, str], tmp_path: Path) -> None:
    """`lockstep add-service` gives the same working program; without SERVICE_VERSION it reports the
    template's version."""
    require_toolchain("python", service_env)
    result = run_lockstep("add-service", "extra", "--language", "python", "--port", "9090", "--repo", default_repo)
    assert result.code == 0, result.err
    exercise(default_repo / "services/extra", service_env, tmp_path, "0.1.0")


def test_docker_build_stage_runs_make_build(new_repo: Callable[..., Path]) -> None:
    """What CI builds is what runs locally: every command of `make build` is a RUN of the build stage."""
    repo = new_repo("--services", ",".join(f"{name}:{language}" for name, language in SERVICES.items()))
    for service in SERVICES:
        makefile = (repo / "services" / service / "Makefile").read_text()
        recipe = re.search(r"^build:\n((?:\t.*\n)+)", makefile, re.M)
        assert recipe, makefile
        dockerfile = (repo / "services" / service / "Dockerfile").read_text()
        build_stage = dockerfile.split("\nFROM ", 2)[1]
        for command in recipe.group(1).split("\n"):
            if command.strip():
                assert f"\nRUN {command.strip()}\n" in build_stage, (service, command, build_stage)
