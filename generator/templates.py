"""The cookiecutter templates: the platform template, then the service template once per service (`lockstep
new`), or the service template alone (`lockstep add-service`). Answers are checked before they get here and are
inserted as text, never evaluated as templates."""

from __future__ import annotations

import fnmatch
import functools
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from generator import __version__, ci, deploy, distribution, engines, hooks, layout, resources, yamlio
from generator.answers import Answers, ServiceAnswer
from generator.model import (
    INGRESS_NAMESPACE,
    KUBERNETES_VERSION,
    Lock,
    Pin,
    Platform,
    Promotion,
    Release,
)

if TYPE_CHECKING:
    from jinja2 import Environment, Template

INITIAL_VERSION = "0.1.0"
LIST = "listItems"  # the operationId of the list operation in the service template's openapi.yaml
DEFAULT_REPLICAS = 2  # every service of a generated platform, but FIRST_REPLICAS in the first environment
FIRST_REPLICAS = 1
# What each --ci choice adds; the template has them all, `generate` keeps those asked for.
CI_FILES = {"github": ".github", "gitlab": layout.GITLAB_CI}
PROMOTE_WORKFLOW = f"{layout.WORKFLOWS_DIR}/promote.yaml"  # for a promotion path of two environments or more


def _render(template: str, values: dict[str, Any], output_dir: Path) -> Path:
    """Run one cookiecutter template with answers that are already checked (nothing is prompted or
    evaluated: answers are inserted as text). Returns the generated directory."""
    from cookiecutter.generate import generate_files

    template_dir = resources.template_path(template)
    context = {"cookiecutter": {**_private(template_dir), **values}}
    return Path(generate_files(repo_dir=template_dir, context=context, output_dir=output_dir))


def _private(template_dir: Path) -> dict[str, Any]:
    """The template's private answers (`_`-prefixed keys of its cookiecutter.json): never asked, always passed."""
    defaults = json.loads((template_dir / "cookiecutter.json").read_text("utf-8"))
    return {key: value for key, value in defaults.items() if key.startswith("_")}


def _pipeline_context(platform: Platform) -> dict[str, Any]:
    """The service template's `_pipeline`: where the build pushes (the image registry's host, the charts' OCI
    repository and host), whether helm speaks plain HTTP to it (a registry on the loopback address), and the first
    environment (where the build pins the version and records its tests)."""
    return {
        "first": platform.path[0],
        "host": platform.registry.split("/", 1)[0],
        "charts": platform.charts,
        "charts_host": platform.charts.removeprefix("oci://").split("/", 1)[0],
        "plain_http": platform.charts_plain_http,
    }


# rendered, then left out
_NO_PIPELINE = {"first": "", "host": "", "charts": "", "charts_host": "", "plain_http": False}


class _Entry(NamedTuple):
    """One file of a template: its path (a Jinja template itself) and its text (compiled, or copied as it is)."""

    path: Template
    text: Template | str


class _Compiled(NamedTuple):
    """A cookiecutter template read and compiled once per process: its private answers, the Jinja environment
    cookiecutter would make (StrictUndefined, its extensions, trailing newlines kept) and every file."""

    private: dict[str, Any]
    env: Environment
    files: tuple[_Entry, ...]


@functools.cache
def _compiled(template: str) -> _Compiled:
    """Read `template` once: what cookiecutter's `generate_files` reads and compiles again for every run (and
    `new` runs the service template once per service). Files matching `_copy_without_render` are kept as text."""
    from cookiecutter.utils import create_env_with_context

    template_dir = resources.template_path(template)
    private = _private(template_dir)
    env = create_env_with_context({"cookiecutter": private})
    [root] = [entry for entry in template_dir.iterdir() if entry.is_dir() and "{{" in entry.name]
    copied = private.get("_copy_without_render", [])
    files = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(root).as_posix()
        text = path.read_text("utf-8")
        verbatim = any(fnmatch.fnmatch(relative, pattern) for pattern in copied)
        files.append(_Entry(env.from_string(relative), text if verbatim else env.from_string(text)))
    return _Compiled(private, env, tuple(files))


def _render_files(template: str, values: dict[str, Any]) -> dict[str, str]:
    """Every file `template` gives for `values`, by path, in memory: what cookiecutter writes into its project
    folder (a path that renders to an empty file name is left out, as cookiecutter leaves it out)."""
    compiled = _compiled(template)
    context = {"cookiecutter": {**compiled.private, **values}}
    files = {}
    for entry in compiled.files:
        relative = entry.path.render(**context)
        if not relative or relative.endswith("/"):
            continue
        files[relative] = entry.text if isinstance(entry.text, str) else entry.text.render(**context)
    return files


def render_service(
    service: ServiceAnswer,
    *,
    platform: str,
    registry: str,
    environments: list[str],
    version: str = INITIAL_VERSION,
    pipeline: Platform | None = None,
) -> dict[str, str]:
    """Every file the service template gives one service, by repository path; with `pipeline` (the platform, when
    it runs GitHub Actions) its build workflow too."""
    files = _render_files(
        "service",
        {
            "service": service.name,
            "language": service.language,
            "port": str(service.port),
            "platform": platform,
            "registry": registry,
            "version": version,
            "_ci": ci.context(),
            "_pipeline": _pipeline_context(pipeline) if pipeline is not None else _NO_PIPELINE,
        },
    )
    values = files.pop("values.yaml")
    if pipeline is None:
        files.pop(layout.build_workflow(service.name))
    for env in environments:
        files[layout.values(env, service.name)] = values
    return dict(sorted(files.items()))


def initial_state(plan: Answers, now: str) -> tuple[list[Lock], list[Release]]:
    """Every service at 0.1.0 in every environment; with platform versions, release 0.1.0 promoted
    through the whole path."""
    pins = {s.name: Pin(INITIAL_VERSION, layout.image(plan.registry, s.name, INITIAL_VERSION)) for s in plan.services}
    versioned = plan.strategy != "independent"
    platform = INITIAL_VERSION if versioned else None
    locks = [Lock(env.name, platform, pins) for env in plan.environments]
    releases = []
    if versioned:
        releases.append(Release(INITIAL_VERSION, pins, tuple(Promotion(env.name, now) for env in plan.environments)))
    return locks, releases


def answers_document(plan_data: dict[str, Any], version: str = __version__) -> str:
    return yamlio.dumps(
        {
            "apiVersion": "lockstep/v1",
            "kind": "Answers",
            "template": "platform",
            "lockstepVersion": version,
            "answers": plan_data,
        }
    )


def _default_requires(plan: Answers, index: int) -> dict[str, Any]:
    """The generated platform's one `requires` edge, so that compatibility, rollback planning and network policy
    show on day one: the second service calls the first one's list operation (the service template's contract).
    The range takes every 0.x from the initial version on: on trunk, `bump` moves the minor of a released 0.x
    version (not a breaking change), which a caret range (`^0.1`) would refuse."""
    if index != 1:
        return {"requires": None}
    provider = plan.services[0].name
    return {"requires": {"service": provider, "range": f">={INITIAL_VERSION} <1.0.0", "operation": LIST}}


def service_settings(rollout: str, first_environment: str) -> dict[str, Any]:
    """How a new service runs in platform.yaml (`lockstep add-service`; the platform template writes the same from
    `_platform`): its rollout, DEFAULT_REPLICAS, and FIRST_REPLICAS in the first environment."""
    return {
        "rollout": rollout,
        "replicas": DEFAULT_REPLICAS,
        "environments": {first_environment: {"replicas": FIRST_REPLICAS}},
    }


def _platform_context(plan: Answers) -> dict[str, Any]:
    return {
        "name": plan.name,
        "strategy": plan.strategy,
        "services": ",".join(f"{s.name}:{s.language}" for s in plan.services),
        "environments": ",".join(env.name for env in plan.environments),
        "registry": plan.registry,
        "_platform": {
            "name": plan.name,
            "strategy": plan.strategy,
            "registry": plan.registry,
            "kubernetesVersion": KUBERNETES_VERSION,
            "ingressNamespace": INGRESS_NAMESPACE,
            "environments": [{"name": e.name, "mode": e.mode} for e in plan.environments],
            "services": [
                {"name": s.name, "language": s.language, "port": s.port, **_default_requires(plan, index)}
                for index, s in enumerate(plan.services)
            ],
            "rollout": plan.rollout,
            "engine": plan.engine,
            "repository": plan.repository,
            "replicas": DEFAULT_REPLICAS,
            "firstReplicas": FIRST_REPLICAS,
        },
        "_lockstep": {"version": __version__, "distribution": distribution.DISTRIBUTION, "ci": plan.ci},
        "_ci": ci.context(),
    }


def _written_platform(destination: Path) -> Platform:
    doc = yamlio.load_named(destination / layout.PLATFORM)
    assert doc is not None and doc.ok, "the platform template wrote a platform.yaml that does not load"
    return Platform.from_data(doc.data)


def _write(destination: Path, relative: str, text: str) -> None:
    """Write one file of a platform being generated in its own new scratch folder (nobody reads it until it is
    committed and renamed into place, so no temporary file and rename per file as `yamlio.write_atomic` does)."""
    path = destination / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as stream:
        stream.write(text)


def generate(plan: Answers, destination: Path, now: str) -> list[str]:
    """Write the whole platform repository into the empty directory `destination`."""
    out = _render("platform", _platform_context(plan), destination.parent)
    if out != destination:
        out.rename(destination)
    for choice, relative in CI_FILES.items():
        unwanted = destination / relative
        if plan.ci not in (choice, "both") and unwanted.is_dir():
            shutil.rmtree(unwanted)
        elif plan.ci not in (choice, "both"):
            unwanted.unlink(missing_ok=True)
    if len(plan.environments) < 2:
        (destination / PROMOTE_WORKFLOW).unlink(missing_ok=True)
    env_names = [env.name for env in plan.environments]
    github = _written_platform(destination) if plan.ci in ("github", "both") else None
    for service in plan.services:
        for relative, text in render_service(
            service, platform=plan.name, registry=plan.registry, environments=env_names, pipeline=github
        ).items():
            _write(destination, relative, text)
    locks, releases = initial_state(plan, now)
    for lock in locks:
        _write(destination, layout.lock(lock.environment), yamlio.dumps(lock.as_data()))
    for release in releases:
        _write(destination, layout.release(release.version), yamlio.dumps(release.as_data()))
    platform = _written_platform(destination)
    derived = deploy.files(platform, {lock.environment: lock for lock in locks})
    pinned = {service for lock in locks for service in lock.services}
    for relative, text in (derived | engines.texts(engines.objects(platform, pinned))).items():
        _write(destination, relative, text)
    _write(destination, layout.ANSWERS, answers_document(plan.as_data()))
    _write(destination, layout.REQUIREMENTS, distribution.requirements_file(plan.lockstep_source))
    config = hooks.render_config(plan.hooks.mode, plan.hooks.repo, plan.hooks.rev, plan.hooks.tag)
    _write(destination, layout.PRE_COMMIT_CONFIG, config)
    return sorted(p.relative_to(destination).as_posix() for p in destination.rglob("*") if p.is_file())
