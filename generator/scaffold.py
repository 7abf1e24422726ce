"""Cookiecutter runs: `lockstep new` (the platform template, then the service template once per service)
and `lockstep add-service` (the service template on an existing repository)."""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from generator import __version__, answers, layout, resources, yamlio
from generator.answers import Answers, ServiceAnswer
from generator.changeset import Changeset
from generator.errors import Refused, UsageError
from generator.model import Lock, Pin, Promotion, Release

INITIAL_VERSION = "0.1.0"
HOOKS_REPO = "https://github.com/lockstep-dev/lockstep"


def _render(template: str, values: dict[str, Any], output_dir: Path) -> Path:
    """Run one cookiecutter template with answers that are already checked (nothing is prompted or
    evaluated: answers are inserted as text). Returns the generated directory."""
    from cookiecutter.generate import generate_files

    template_dir = resources.template_path(template)
    defaults = json.loads((template_dir / "cookiecutter.json").read_text("utf-8"))
    private = {key: value for key, value in defaults.items() if key.startswith("_")}
    context = {"cookiecutter": {**private, **values}}
    return Path(generate_files(repo_dir=template_dir, context=context, output_dir=output_dir))


def render_service(
    service: ServiceAnswer, *, platform: str, registry: str, environments: list[str], version: str = INITIAL_VERSION
) -> dict[str, str]:
    """Every file the service template gives one service, by repository path."""
    with tempfile.TemporaryDirectory(prefix="lockstep-service-") as scratch:
        out = _render(
            "service",
            {
                "service": service.name,
                "language": service.language,
                "port": str(service.port),
                "platform": platform,
                "registry": registry,
                "version": version,
            },
            Path(scratch),
        )
        files = {
            path.relative_to(out).as_posix(): path.read_text("utf-8")
            for path in sorted(out.rglob("*"))
            if path.is_file()
        }
    values = files.pop("values.yaml")
    for env in environments:
        files[layout.values(env, service.name)] = values
    return files


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
            "environments": [{"name": e.name, "mode": e.mode} for e in plan.environments],
            "services": [{"name": s.name, "language": s.language, "port": s.port} for s in plan.services],
        },
        "_lockstep": {"version": __version__, "hooks_repo": HOOKS_REPO, "hooks_rev": f"v{__version__}"},
    }


def generate(plan: Answers, destination: Path) -> list[str]:
    """Write the whole platform repository into the empty directory `destination`."""
    out = _render("platform", _platform_context(plan), destination.parent)
    if out != destination:
        out.rename(destination)
    env_names = [env.name for env in plan.environments]
    for service in plan.services:
        for relative, text in render_service(
            service, platform=plan.name, registry=plan.registry, environments=env_names
        ).items():
            yamlio.write_atomic(destination / relative, text)
    from generator.operations import utc_now

    locks, releases = initial_state(plan, utc_now())
    for lock in locks:
        yamlio.write_atomic(destination / layout.lock(lock.environment), yamlio.dumps(lock.as_data()))
    for release in releases:
        yamlio.write_atomic(destination / layout.release(release.version), yamlio.dumps(release.as_data()))
    yamlio.write_atomic(destination / layout.ANSWERS, answers_document(plan.as_data()))
    return sorted(p.relative_to(destination).as_posix() for p in destination.rglob("*") if p.is_file())


def check_target(target: Path, *, force: bool) -> None:
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target}: exists and is not a directory")
    existing = next(parent for parent in target.absolute().parents if parent.exists())
    if not existing.is_dir():
        raise UsageError(f"{target}: {existing} is not a directory")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise UsageError(f"{target}: directory is not empty (use --force to write into it)")


def new(target: Path, plan: Answers, *, force: bool = False) -> list[str]:
    """Generate, validate and commit a platform repository at `target`; nothing is left on failure."""
    from generator import gitrefs, validators
    from generator.repository import load_repo

    check_target(target, force=force)
    with tempfile.TemporaryDirectory(prefix="lockstep-new-") as scratch:
        staged = Path(scratch) / "repo"
        written = generate(plan, staged)
        errors = [f for f in validators.check(load_repo(staged)) if f.level == "error"]
        if errors:  # a bug in a template, or answers the schema let through
            first = errors[0]
            raise Refused(
                f"refused, nothing written: the generated repository has {len(errors)} error(s), "
                f"first {first.file}:{first.line}: {first.rule}: {first.message}"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir() and any(target.iterdir()):  # --force: write over what is there
            shutil.copytree(staged, target, dirs_exist_ok=True)
            gitrefs.init(target)
            gitrefs.commit(target, f"lockstep new: the {plan.name} platform", written)
        else:
            gitrefs.init(staged)
            gitrefs.commit(staged, f"lockstep new: the {plan.name} platform")
            if target.is_dir():
                target.rmdir()
            shutil.move(str(staged), str(target))
    return written


def prompt(options: dict[str, str | None]) -> dict[str, str | None]:
    """Ask, with cookiecutter's prompts, for every answer not given as an option."""
    from cookiecutter.prompt import prompt_for_config

    answers.resolve(options)  # refuse bad options before asking anything
    template = json.loads((resources.template_path("platform") / "cookiecutter.json").read_text("utf-8"))
    asked = {key: value for key, value in template.items() if not key.startswith("_") and options.get(key) is None}
    if "registry" in asked and options.get("name"):
        asked["registry"] = answers.default_registry(str(options["name"]))
    given = prompt_for_config({"cookiecutter": {**asked, "__prompts__": template["__prompts__"]}}) if asked else {}
    return {**options, **{key: str(value) for key, value in given.items()}}


def _edited_platform(text: str, service: ServiceAnswer) -> str:
    """platform.yaml with one more service, comments and order kept."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    editor = YAML()
    editor.preserve_quotes = True
    editor.indent(mapping=2, sequence=4, offset=2)
    editor.width = 4096
    data = editor.load(text)
    data["services"][service.name] = CommentedMap(
        [("language", service.language), ("port", service.port), ("api", layout.contract(service.name))]
    )
    stream = io.StringIO()
    editor.dump(data, stream)
    return stream.getvalue()


def add_service(root: Path, name: str, language: str, port: int | str | None) -> Changeset:
    """The change that adds a service: its files, its entry in platform.yaml and answers, and its first
    version in the first environment (a new platform version there, where platform versions exist)."""
    from generator.operations import load_valid
    from generator.operations.bump import land

    repo, platform = load_valid(root)
    if name in platform.services:
        raise UsageError(f"service `{name}` already exists in {layout.PLATFORM}")
    spec = f"{name}:{language}" + (f":{port}" if port is not None else "")
    plan = answers.resolve(
        {
            "name": platform.name,
            "strategy": platform.strategy,
            "registry": platform.registry,
            "environments": ",".join(platform.path),
            "services": spec,
        },
        labels={"services": "add-service"},
    )
    service = plan.services[0]
    for directory in (layout.service_dir(name), f"charts/{name}"):
        if (root / directory).exists():
            raise UsageError(f"{root / directory}: already exists")
    change = Changeset(
        render_service(service, platform=platform.name, registry=platform.registry, environments=list(platform.path))
    )
    change.write(layout.PLATFORM, _edited_platform((root / layout.PLATFORM).read_text("utf-8"), service))
    land(repo, platform, {name: Pin(INITIAL_VERSION, layout.image(platform.registry, name, INITIAL_VERSION))}, change)
    answers_doc = repo.document(layout.ANSWERS)
    if answers_doc is not None and answers_doc.ok:
        recorded = dict(answers_doc.data["answers"])
        recorded["services"] = {**recorded["services"], name: {"language": service.language, "port": service.port}}
        change.write(layout.ANSWERS, answers_document(recorded, answers_doc.data["lockstepVersion"]))
    return change
