"""The hostile-input corpus (issue 15): every case in tests/data/hostile/cases.yaml, against a fresh copy of the
default platform.

Each case changes a copy of `lockstep new --no-input` (steps: write, edit, append, link, fifo, remove, mkdir,
lockstep, commit), then runs one lockstep command line in a child process with HOME and TMPDIR inside the case's
folder, its stdin a pipe that is never written (a read of /dev/stdin would hang, and the timeout catches it), and
a marker string in its environment and in a secret file outside the repository. It must exit 1 or 2 as the case
says, within 2 s and 300 MB (its own peak RSS), without a traceback, naming the file (exit 2: exactly one line on
stderr), without the marker, raw control characters, over-long lines or forged workflow commands in its output,
and without writing anything anywhere (outside the repository, in it, in HOME or TMPDIR). `validate`, `diff-api`
and `status` cases run again in this process with every output format; markdown must render no HTML, mention or
link.

A case with `known_bug` is a bug of lockstep that the corpus found: the test is an expected failure while the
bug is there, and says so (a warning) when it no longer happens.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import BIN, CHECKOUT, commit, run_lockstep

pytestmark = pytest.mark.slow  # a real lockstep process per case (about 50 s on 2 cores)

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
CASES: list[dict[str, Any]] = yaml.safe_load((HOSTILE / "cases.yaml").read_text(encoding="utf-8"))

MARKER = "LOCKSTEP-SECRET-MARKER-7f3a"
SECONDS = 8.0  # a blow-up (a YAML bomb, a quadratic scan), not speed: benchmarks/ measure that
MEGABYTES = 300
TIMEOUT = 20.0  # a child still running then has hung
RSS_GUARD_KIB = 1024 * 1024  # a child past 1 GiB is stopped before it hurts the machine
FORMATS = {
    "validate": ("text", "json", "github", "markdown", "sarif", "junit", "gitlab"),
    "diff-api": ("text", "json", "github", "markdown", "sarif", "junit", "gitlab"),
    "status": ("text", "json", "markdown"),
}
# lockstep's own workflow commands: `::LEVEL file=F,line=N,col=N,title=RULE::message` (F and the message escaped)
OWN_ANNOTATION = re.compile(  # the title: the rule id, then a contract finding's operation (escaped: no `,` or `:`)
    r"::(error|warning|notice) file=[^,:]*,line=\d+,col=\d+,title=[A-Za-z0-9.-]+(?: \([^,:]*\))?::"
)
SMALL = 1 << 20  # files up to this size are compared by content, larger ones by inode, size and time
MAX_LINE = 2000  # messages are capped (excerpts of a file's text are short): no output line is longer
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 but tab and newline, DEL, C1
MARKDOWN_FORBIDDEN = ("<img", "<script", "@someone", "](javascript:")
STEPS = {"write", "edit", "append", "link", "fifo", "remove", "mkdir", "lockstep", "commit"}
KEYS = {"id", "what", "steps", "run", "expect", "names", "rule", "known_bug"}


@dataclass
class Child:
    code: int | None  # None: it hung and was killed
    out: str
    err: str
    seconds: float
    rss_kib: int


@dataclass
class Case:
    root: Path  # tmp_path/case
    repo: Path
    outside: Path

    def expand(self, text: str) -> str:
        return (
            text.replace("{repo}", str(self.repo))
            .replace("{outside}", str(self.outside))
            .replace("{case}", str(self.root))
        )


def test_corpus_shape() -> None:
    """At least 60 cases, unique ids, known keys and steps, data files that exist."""
    assert len(CASES) >= 60
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids)), [name for name in ids if ids.count(name) > 1]
    for case in CASES:
        assert set(case) <= KEYS and {"id", "what", "run", "expect", "names"} <= set(case), case["id"]
        assert case["expect"] in (1, 2), case["id"]
        assert "\n" not in case["what"].strip(), case["id"]
        for step in case.get("steps") or []:
            assert len(step) == 1 and set(step) <= STEPS, (case["id"], step)
            body = step.get("write") or {}
            if "file" in body:
                assert (HOSTILE / "files" / body["file"]).is_file(), (case["id"], body["file"])


# --- steps ------------------------------------------------------------------------------------------------------


def _clear(path: Path) -> None:
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def _content(case: Case, body: dict[str, Any]) -> bytes:
    """The bytes a write or append step gives: text, bytes_hex or a data file; `repeat` N times (with `<i>` and
    `<j>` the index and the next one) between `head` and `tail`."""
    if "file" in body:
        unit = (HOSTILE / "files" / body["file"]).read_bytes()
    elif "bytes_hex" in body:
        unit = bytes.fromhex(body["bytes_hex"])
    else:
        unit = case.expand(body.get("text", "")).encode("utf-8")
    if "repeat" in body:
        count = int(body["repeat"])
        if b"<i>" in unit or b"<j>" in unit:
            unit = b"".join(
                unit.replace(b"<i>", str(i).encode()).replace(b"<j>", str(i + 1).encode()) for i in range(count)
            )
        else:
            unit = unit * count
    head = case.expand(body.get("head", "")).encode("utf-8")
    tail = case.expand(body.get("tail", "")).encode("utf-8")
    return head + unit + tail


def _apply(case: Case, step: dict[str, Any], counter: list[int]) -> None:
    ((kind, body),) = step.items()
    if kind == "commit":
        counter[0] += 1
        commit(case.repo, f"hostile step {counter[0]}")
        return
    if kind == "lockstep":
        result = run_lockstep(*shlex.split(case.expand(body)), cwd=case.repo)
        assert result.code == 0, f"setup `lockstep {body}` failed: {result.err}"
        return
    path = case.repo / body["path"]
    if kind in ("write", "link", "fifo", "mkdir"):
        path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "write":
        _clear(path)
        if "size" in body:  # a sparse file of that many bytes: large on disk at no cost
            with open(path, "wb") as stream:
                stream.truncate(int(body["size"]))
        else:
            path.write_bytes(_content(case, body))
    elif kind == "append":
        with open(path, "ab") as stream:
            stream.write(_content(case, body))
    elif kind == "edit":
        text = path.read_text(encoding="utf-8")
        old, new = case.expand(body["old"]), case.expand(body["new"])
        assert old in text, f"{old!r} not in {body['path']}"
        path.write_text(text.replace(old, new, int(body.get("count", 1))), encoding="utf-8")
    elif kind == "link":
        _clear(path)
        target = {"SECRET": case.outside / "secret.txt", "OUTSIDE": case.outside / "dir"}.get(body["to"])
        path.symlink_to(target if target is not None else case.expand(body["to"]))
    elif kind == "fifo":
        _clear(path)
        os.mkfifo(path)
    elif kind == "mkdir":
        path.mkdir(parents=True, exist_ok=True)
    elif kind == "remove":
        _clear(path)
    else:  # pragma: no cover - test_corpus_shape keeps this out
        raise AssertionError(f"unknown step {kind}")


# --- observing ----------------------------------------------------------------------------------------------------


def snapshot(root: Path, skip: tuple[str, ...] = ()) -> dict[str, tuple[str, str]]:
    """Every entry under `root` (links not followed): its kind and its content's hash or link target."""
    found: dict[str, tuple[str, str]] = {}

    def walk(folder: Path, prefix: str) -> None:
        for entry in sorted(os.scandir(folder), key=lambda entry: entry.name):
            name = prefix + entry.name
            if name in skip:
                continue
            if entry.is_symlink():
                found[name] = ("link", os.readlink(entry.path))
            elif entry.is_dir():
                found[name] = ("dir", "")
                walk(Path(entry.path), name + "/")
            elif entry.is_file():
                status = entry.stat(follow_symlinks=False)
                if status.st_size <= SMALL:
                    found[name] = ("file", hashlib.sha256(Path(entry.path).read_bytes()).hexdigest())
                else:  # large inputs of the corpus: a write would change its inode, size or time
                    found[name] = ("file", f"{status.st_ino}:{status.st_size}:{status.st_mtime_ns}")
            else:
                found[name] = ("special", "")

    if root.exists():
        walk(root, "")
    return found


def world(case: Case) -> dict[str, dict[str, tuple[str, str]]]:
    """What no hostile run may change: the case folder (the repository without .git, the outside folder, HOME,
    TMPDIR and anything new beside them)."""
    return {
        "case folder": {name: kind for name, kind in snapshot(case.root, ("repo", "outside", "home", "tmp")).items()},
        "repository": snapshot(case.repo, (".git",)),
        "outside": snapshot(case.outside),
        "HOME": snapshot(case.root / "home"),
        "TMPDIR": snapshot(case.root / "tmp"),
    }


def _high_water_kib(pid: int) -> int:
    """The peak resident size of the process `pid` so far (VmHWM, which exec resets), 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_bytes()
        start = status.index(b"VmHWM:") + 6
        return int(status[start : status.index(b"kB", start)])
    except (OSError, ValueError):
        return 0


def run_child(case: Case, args: list[str], scratch: Path) -> Child:
    """`python -m generator ARGS` in the repository, HOME and TMPDIR in the case folder; its wall time and peak
    RSS; killed after TIMEOUT or past RSS_GUARD_KIB. The child is reaped with os.wait4, but its ru_maxrss is not
    the measure: on Linux a child starts with the high-water mark of the process it was forked from (this pytest
    worker, often over 100 MB), so the peak is the child's own VmHWM, read every few milliseconds while it runs."""
    home, tmp = case.root / "home", case.root / "tmp"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LOCKSTEP_", "GIT_", "PYTEST_", "XDG_")) and key not in ("HOME", "TMPDIR")
    }
    env.update(
        HOME=str(home),
        TMPDIR=str(tmp),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CEILING_DIRECTORIES=str(case.root),
        GIT_TERMINAL_PROMPT="0",
        PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}",
        PYTHONPATH=str(CHECKOUT),
        LOCKSTEP_HOSTILE_ENV=MARKER,  # a read of /proc/self/environ would show it
    )
    out_path, err_path = scratch / "stdout", scratch / "stderr"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", *args],
            cwd=case.repo,
            env=env,
            stdin=subprocess.PIPE,  # never written, never closed until the end: reading stdin hangs
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        peak, hung = 0, False
        while True:
            pid, status, _ = os.wait4(process.pid, os.WNOHANG)
            if pid == process.pid:
                break
            peak = max(peak, _high_water_kib(process.pid))
            if time.monotonic() - start > TIMEOUT or peak > RSS_GUARD_KIB:
                hung = True
                os.killpg(process.pid, signal.SIGKILL)
                _, status, _ = os.wait4(process.pid, 0)
                break
            time.sleep(0.005)
        seconds = time.monotonic() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        assert process.stdin is not None
        process.stdin.close()
    return Child(
        None if hung else process.returncode,
        out_path.read_bytes().decode("utf-8", "replace"),
        err_path.read_bytes().decode("utf-8", "replace"),
        seconds,
        peak,
    )


def output_problems(out: str, err: str, fmt: str) -> list[str]:
    """What no output may hold, whatever the input: the marker, a traceback, raw control characters, a line
    that GitHub would read as a workflow command lockstep did not write, HTML or a mention in markdown."""
    problems = []
    both = out + err
    if MARKER in both:
        problems.append("the secret marker is in the output")
    if "Traceback" in both:
        problems.append("a traceback is in the output")
    controls = sorted({repr(char) for char in CONTROL.findall(both)})
    if controls:
        problems.append(f"raw control characters in the output: {', '.join(controls)}")
    for line in both.splitlines():
        if line.lstrip().startswith("::") and not OWN_ANNOTATION.match(line):
            problems.append(f"a workflow command lockstep did not write: {line[:100]!r}")
        if len(line) > MAX_LINE:
            problems.append(f"an output line of {len(line)} characters")
    if fmt in ("json", "sarif", "gitlab") and out:
        try:
            json.loads(out)
        except ValueError as error:
            problems.append(f"not JSON: {error}")
    if fmt == "junit" and out:
        try:
            ET.fromstring(out)
        except ET.ParseError as error:
            problems.append(f"not XML: {error}")
    if fmt == "markdown":
        problems.extend(f"markdown renders {word!r}" for word in MARKDOWN_FORBIDDEN if word in _rendered(out))
    return problems


def _rendered(markdown: str) -> str:
    """The text of a Markdown report outside code spans, cell by cell as GitHub splits a table row (on every `|`
    not written `\\|`, code spans or not): what can render HTML, mention someone or link."""
    cells = (cell for line in markdown.splitlines() for cell in re.split(r"(?<!\\)\|", line))
    return "\n".join(re.sub(r"`[^`]*`", "", cell) for cell in cells)


def _changes(before: dict[str, dict[str, tuple[str, str]]], after: dict[str, dict[str, tuple[str, str]]]) -> list[str]:
    """One line per place whose entries changed, naming what was added, removed or rewritten."""
    found = []
    for place, entries in before.items():
        now = after[place]
        added = sorted(set(now) - set(entries))
        removed = sorted(set(entries) - set(now))
        rewritten = sorted(name for name in set(now) & set(entries) if now[name] != entries[name])
        if added or removed or rewritten:
            found.append(f"{place} changed: added {added[:5]}, removed {removed[:5]}, rewritten {rewritten[:5]}")
    return found


def _format_of(args: list[str]) -> str:
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--format" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--format="):
            return arg.split("=", 1)[1]
    return "text"


def _with_format(args: list[str], fmt: str) -> list[str]:
    """ARGS with `--format FMT` right after the command (before any `--`), any other --format dropped."""
    kept: list[str] = []
    skip = False
    for index, arg in enumerate(args):
        if skip:
            skip = False
            continue
        if arg == "--":
            kept.extend(args[index:])
            break
        if arg == "--format":
            skip = True
            continue
        if arg.startswith("--format="):
            continue
        kept.append(arg)
    return [kept[0], "--format", fmt, *kept[1:]]


# --- the test -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", CASES, ids=[case["id"] for case in CASES])
def test_hostile(spec: dict[str, Any], strategy_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = tmp_path / "case"
    case = Case(root, strategy_repo("combined", name="case/repo"), root / "outside")
    (case.outside / "dir").mkdir(parents=True)
    (case.outside / "secret.txt").write_text(f"{MARKER}\n", encoding="utf-8")
    (root / "home").mkdir()
    (root / "tmp").mkdir()
    counter = [0]
    for step in spec.get("steps") or []:
        _apply(case, step, counter)
    run = spec["run"]
    args = [case.expand(arg) for arg in (shlex.split(run) if isinstance(run, str) else run)]
    names = case.expand(spec["names"])
    before = world(case)

    problems: list[str] = []
    child = run_child(case, args, tmp_path)
    shown = (
        f"exit {child.code} in {child.seconds:.2f} s, {child.rss_kib // 1024} MB\n"
        f"stdout: {child.out[:2000]!r}\nstderr: {child.err[:2000]!r}"
    )
    if child.code is None:
        problems.append(f"hung: killed after {child.seconds:.1f} s ({child.rss_kib // 1024} MB)")
    else:
        if child.code != spec["expect"]:
            problems.append(f"exit {child.code}, expected {spec['expect']}")
        if child.seconds >= SECONDS:
            problems.append(f"took {child.seconds:.2f} s")
        if child.rss_kib >= MEGABYTES * 1024:
            problems.append(f"peak RSS {child.rss_kib // 1024} MB")
        if child.code == 2:
            lines = child.err.splitlines()
            if len(lines) != 1:
                problems.append(f"exit 2 with {len(lines)} lines on stderr, not one")
            if names not in child.err:
                problems.append(f"stderr does not name {names!r}")
        elif not any(names in line for line in (child.out + child.err).splitlines()):
            problems.append(f"no output line names {names!r}")
        if spec.get("rule") and spec["rule"] not in child.out + child.err:
            problems.append(f"the output does not report {spec['rule']}")
    problems.extend(output_problems(child.out, child.err, _format_of(args)))
    after = world(case)
    problems.extend(_changes(before, after))

    if not problems and args[0] in FORMATS:
        for fmt in FORMATS[args[0]]:
            result = run_lockstep(*_with_format(args, fmt), cwd=case.repo)
            if result.code != spec["expect"]:
                problems.append(f"--format {fmt} in process: exit {result.code}, expected {spec['expect']}")
            problems.extend(f"--format {fmt}: {problem}" for problem in output_problems(result.out, result.err, fmt))
        problems.extend(f"in process: {change}" for change in _changes(before, world(case)))

    known = spec.get("known_bug")
    if problems and known:
        pytest.xfail(f"known bug: {known}")
    if not problems and known:
        warnings.warn(f"{spec['id']}: the known bug no longer happens ({known}); drop known_bug", stacklevel=1)
    assert not problems, "\n".join([*problems, shown])
