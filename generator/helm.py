"""helm, run on the charts and values lockstep loaded: `helm template` for each (environment, service) with the
arguments helmfile gives it, and `helm lint --strict` per chart; what helm printed, parsed.

The files are written to a scratch folder under their repository paths (read through the repository's `Tree`, so
a working tree, a git ref and planned changes render alike, and helm reads nothing a link takes out of the
repository). helm is a process per call: the calls run in a thread pool.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator import layout, scratch
from generator.errors import LoadError
from generator.model import Pin, Platform, image_values
from generator.tree import Tree

INSTALL = (
    "helm is not on PATH: install helm v3 or v4 (https://helm.sh/docs/intro/install/), "
    "or run `python tools/k8s_tools.py` from lockstep's source and put the directory it prints on PATH"
)


@dataclass(frozen=True)
class Pull:
    """A built pin's chart: `helm pull` by version (helm 3 cannot pull by digest), then held to the lock's digest."""

    reference: str  # oci://host/path/<service>
    version: str
    digest: str  # the lock's `chart`
    plain_http: bool  # a loopback registry: helm 4 speaks HTTP to it only when told

    @property
    def registry(self) -> str:
        return self.reference.removeprefix("oci://").split("/", 1)[0]

    def args(self, into: str) -> tuple[str, ...]:
        """After `helm`: pull the package into the folder `into`."""
        http = ("--plain-http",) if self.plain_http else ()
        return ("pull", self.reference, "--version", self.version, *http, "-d", into)


@dataclass(frozen=True)
class HelmTemplate:
    """One service's release in one environment, as `helm template` renders it (run in the repository root)."""

    service: str
    environment: str
    namespace: str
    chart: str  # charts/<service> of the working tree (not built yet), or the built chart's oci:// reference
    options: tuple[str, ...]  # after the chart
    pull: Pull | None = None  # a built pin: the chart to pull (and check) before rendering it

    @property
    def args(self) -> tuple[str, ...]:
        """After `helm`."""
        return ("template", self.service, self.chart, *self.options)

    def pulled(self, package: str) -> HelmTemplate:
        """The same release rendered from the package `helm pull` wrote."""
        return replace(self, chart=package)


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def helm_template(platform: Platform, environment: str, service: str, pin: Pin) -> HelmTemplate:
    """The command helmfile runs for `service` in `environment`: the release is named after the service, in the
    environment's namespace, from the chart the pipeline built for the pin's version (`<charts>/<service>`, by
    version) or, not built yet, from ./charts/<service>; with the environment's values file, then the platform
    values lockstep derives (deploy/values/<env>/<service>.yaml), then the lock's image (`image.ref`)."""
    env = platform.environment(environment)
    assert env is not None, environment
    chart = platform.chart_ref(service) if pin.chart is not None else posixpath.dirname(layout.chart(service))
    options = (
        "--version",
        pin.version,
        "--kube-version",
        platform.kubernetes_version,
        "--namespace",
        env.namespace,
        "--values",
        layout.values(environment, service),
        "--values",
        layout.platform_values(environment, service),
        "--set-json",
        f"image={_json(image_values(platform, service, pin))}",
    )
    pull = Pull(chart, pin.version, pin.chart, platform.charts_plain_http) if pin.chart is not None else None
    return HelmTemplate(service, environment, env.namespace, chart, options, pull)


@dataclass(frozen=True)
class Pulled:
    """What `helm pull` gave: the package (a path) and the digest helm printed, or why it failed."""

    pull: Pull
    package: str = ""
    digest: str = ""
    error: str = ""  # helm's first line when it failed

    @property
    def missing(self) -> bool:
        """The registry answered that it has no such version (any other failure is the registry's)."""
        return self.error.endswith("not found")

    def problem(self, environment: str) -> str | None:
        """Why the chart `environment`'s lock pins cannot be rendered, in one line; None when it can."""
        pull = self.pull
        if self.error:
            return f"cannot pull {pull.reference} {pull.version} from the registry {pull.registry}: {self.error}"
        if self.digest != pull.digest:
            return (
                f"{pull.reference}:{pull.version} in the registry is {self.digest or 'of no digest'}"
                f" but {layout.lock(environment)} pins {pull.digest}"
            )
        return None


def pull(program: str, into: Path, chart: Pull) -> Pulled:
    """`helm pull` of a built chart into a new folder under `into`; the digest helm printed."""
    folder = Path(tempfile.mkdtemp(prefix="pull-", dir=into))
    result = subprocess.run([program, *chart.args(str(folder))], capture_output=True, text=True, check=False)
    said = result.stdout + result.stderr
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        return Pulled(chart, error=(lines[-1] if lines else f"exit {result.returncode}").removeprefix("Error: "))
    digest = re.search(r"^Digest: (sha256:[0-9a-f]{64})$", said, flags=re.MULTILINE)
    packages = sorted(folder.glob("*.tgz"))
    if not packages:
        return Pulled(chart, error="helm pull wrote no package")
    return Pulled(chart, str(packages[0]), digest[1] if digest else "")


@dataclass(frozen=True)
class Manifest:
    """One object helm rendered, and the template that wrote it (`<chart>/templates/<file>`, from `# Source:`)."""

    source: str
    data: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.data.get("kind", ""))

    @property
    def name(self) -> str:
        metadata = self.data.get("metadata")
        return str(metadata.get("name", "")) if isinstance(metadata, dict) else ""


@dataclass(frozen=True)
class Release:
    """What `helm template` gave for one service in one environment: its objects, or why it failed."""

    service: str
    environment: str
    manifests: tuple[Manifest, ...]
    error: str | None = None  # helm's message when it failed
    pulled: bool = False  # rendered from the chart built for the pin, pulled from the registry (not ./charts)


@dataclass(frozen=True)
class LintMessage:
    level: str  # ERROR, WARNING
    file: str  # the chart's file helm names (Chart.yaml, values.yaml, templates/x.yaml), "" for none
    line: int  # in that file, 0 when helm gives none
    text: str


@dataclass(frozen=True)
class Lint:
    service: str
    messages: tuple[LintMessage, ...]  # what made `helm lint --strict` fail; empty when it passed


@dataclass(frozen=True)
class Rendered:
    """Everything helm said about the repository (`missing`: why helm did not run at all)."""

    releases: tuple[Release, ...] = ()
    lints: tuple[Lint, ...] = ()
    missing: str | None = None
    templates: Mapping[str, str] = field(default_factory=dict)  # the charts' templates helm read, by path
    pulls: Mapping[tuple[str, str], Pulled] = field(default_factory=dict)  # the built pins' charts, by (env, service)


def binary() -> str | None:
    return shutil.which("helm")


def parse(text: str) -> tuple[Manifest, ...]:
    """`helm template`'s output: each non-empty document with the template named by its `# Source:` comment."""
    import yaml  # here: PyYAML is not imported where nothing is rendered (the pre-commit hook)

    found = []
    for chunk in re.split(r"^---[ \t]*$", text, flags=re.MULTILINE):
        source = re.search(r"^# Source: (\S+)", chunk, flags=re.MULTILINE)
        data = yaml.load(chunk, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        if isinstance(data, dict) and data:
            found.append(Manifest(source[1] if source else "", data))
    return tuple(found)


_LINT = re.compile(r"^\[(ERROR|WARNING)\] ([^:\s]*): ?(.*)$")
TEMPLATE_AT = re.compile(r"(?:[\w.-]+/)?(templates/[^\s:]+):(\d+)")  # where helm says a template failed


def parse_lint(output: str) -> tuple[LintMessage, ...]:
    """The [ERROR] and [WARNING] entries of `helm lint` (each with the indented lines that follow it)."""
    entries: list[list[str]] = []
    for line in output.splitlines():
        if _LINT.match(line):
            entries.append([line])
        elif entries and line[:1].isspace() and line.strip():
            entries[-1].append(line.strip())
        elif entries and not line.strip():
            entries.append([])  # an empty line ends an entry
    messages = []
    for entry in (e for e in entries if e):
        match = _LINT.match(entry[0])
        assert match is not None
        text = " ".join([match[3], *entry[1:]]).strip()
        at = TEMPLATE_AT.search(text)
        file = at[1] if at else match[2].rstrip("/")
        messages.append(LintMessage(match[1], file if file != "templates" else "", int(at[2]) if at else 0, text))
    return tuple(messages)


def copy(tree: Tree, relative: str, folder: Path, written: dict[str, bytes]) -> None:
    """`relative` (a file, or a folder and everything under it) from `tree` into `folder`, each file's bytes also
    kept in `written` by path."""
    try:
        raw = tree.read(relative)
    except LoadError:
        return  # unreadable or outside: loading reports it; helm does not see it
    if raw is not None:
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(raw)
        written[relative] = raw
        return
    try:
        names = tree.listdir(relative)
    except LoadError:
        return
    for name in names:
        copy(tree, f"{relative}/{name}", folder, written)


def _helm(program: str, folder: Path, args: Iterable[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([program, *args], cwd=folder, capture_output=True, text=True, check=False)


def _template(program: str, folder: Path, release: HelmTemplate) -> Release:
    import yaml

    result = _helm(program, folder, release.args)
    built = release.pull is not None
    if result.returncode != 0:
        error = result.stderr.replace("Use --debug flag to render out invalid YAML", "").strip()
        return Release(release.service, release.environment, (), error.removeprefix("Error: ") or "helm failed", built)
    try:
        return Release(release.service, release.environment, parse(result.stdout), pulled=built)
    except yaml.YAMLError as problem:
        said = f"helm printed YAML that does not parse: {problem}"
        return Release(release.service, release.environment, (), said, built)


def _lint(program: str, folder: Path, services: list[str]) -> list[Lint]:
    """`helm lint --strict` on every chart of `services` in one process (helm starts in about 50 ms, a chart lints
    in a few): its output, a section per failing chart (`==> Linting charts/<service>`), split by chart."""
    if not services:
        return []
    charts = {posixpath.dirname(layout.chart(service)): service for service in services}
    result = _helm(program, folder, ("lint", "--strict", "--quiet", *charts))
    if result.returncode == 0:
        return [Lint(service, ()) for service in services]
    sections = re.split(r"^==> Linting (\S+)$", result.stdout, flags=re.MULTILINE)
    found = {charts[chart]: parse_lint(text) for chart, text in zip(sections[1::2], sections[2::2], strict=True)}
    failed = (LintMessage("ERROR", "", 0, result.stderr.strip() or "helm lint failed"),)
    return [Lint(s, (found[s] or failed) if s in found else (() if found else failed)) for s in services]


def render(tree: Tree, platform: Platform, pins: Mapping[tuple[str, str], Pin], charts: Iterable[str]) -> Rendered:
    """`helm template` for each (environment, service) of `pins` whose chart and values file exist, and `helm
    lint --strict` on each chart of `charts` (by service); all at once, in a thread pool."""
    from concurrent.futures import ThreadPoolExecutor  # here: `validate` without `--render` never needs it

    program = binary()
    if program is None:
        return Rendered(missing=INSTALL)
    linted = sorted(set(charts))
    services = sorted({service for _, service in pins} | set(linted))
    with scratch.folder("render") as folder:
        written: dict[str, bytes] = {}
        for service in services:
            copy(tree, posixpath.dirname(layout.chart(service)), folder, written)
        for environment, service in pins:
            copy(tree, layout.values(environment, service), folder, written)
            copy(tree, layout.platform_values(environment, service), folder, written)
        planned = [
            helm_template(platform, environment, service, pin)
            for (environment, service), pin in sorted(pins.items())
            if (pin.chart is not None or layout.chart(service) in written)
            and layout.values(environment, service) in written
            and layout.platform_values(environment, service) in written
        ]
        linted = [service for service in linted if layout.chart(service) in written]
        templates = {  # the charts' templates, as helm reads them (for the findings' lines)
            path: raw.decode("utf-8", errors="replace")
            for path, raw in sorted(written.items())
            if path.startswith("charts/") and path.split("/")[2] == "templates"
        }
        with ThreadPoolExecutor(max_workers=min(32, (os.cpu_count() or 1) + 4)) as pool:
            lints = pool.submit(_lint, program, folder, linted)
            charts_ = {(r.pull.reference, r.pull.version): r.pull for r in planned if r.pull is not None}
            got = dict(
                zip(charts_, pool.map(lambda chart: pull(program, folder, chart), charts_.values()), strict=True)
            )
            pulls: dict[tuple[str, str], Pulled] = {}
            releases = []
            for release in planned:
                if release.pull is not None:  # each environment's lock held to its own digest
                    pulled = replace(got[release.pull.reference, release.pull.version], pull=release.pull)
                    pulls[release.environment, release.service] = pulled
                    if pulled.problem(release.environment) is not None:
                        continue
                    release = release.pulled(pulled.package)
                releases.append(release)
            rendered = pool.map(lambda release: _template(program, folder, release), releases)
            return Rendered(tuple(rendered), tuple(lints.result()), templates=templates, pulls=pulls)
