"""`lockstep add-service NAME`: the service template's files (with its build workflow where the platform runs
GitHub Actions), the service in platform.yaml and the answers, and its first version in the first environment (a
new platform version there, where platform versions exist)."""

from __future__ import annotations

from generator import answers, engines, layout, templates, yamlio
from generator.errors import UsageError
from generator.model import Pin
from generator.operations import Plan
from generator.operations.bump import land
from generator.operations.changeset import Changeset
from generator.repository import Repo, platform_of
from generator.tree import read_text


def add_service(repo: Repo, name: str, language: str, port: int | str | None, rollout: str | None = None) -> Plan:
    platform = platform_of(repo)
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
            "rollout": rollout,
        },
        labels={"services": "add-service", "rollout": "--rollout"},
    )
    service = plan.services[0]
    for directory in (layout.service_dir(name), f"charts/{name}"):
        if repo.tree.listdir(directory):
            raise UsageError(f"{repo.root / directory}: already exists")
    change = Changeset()
    github = platform if repo.tree.listdir(layout.WORKFLOWS_DIR) else None  # a build workflow beside the others
    change.files.update(
        templates.render_service(
            service,
            platform=platform.name,
            registry=platform.registry,
            environments=list(platform.path),
            pipeline=github,
        )
    )
    entry = {
        "language": service.language,
        "port": service.port,
        "api": layout.contract(name),
        **templates.service_settings(plan.rollout, platform.path[0]),
    }
    change.write(
        layout.PLATFORM, yamlio.edited(read_text(repo.tree, layout.PLATFORM) or "", ("services",), name, entry)
    )
    if platform.engine == "flux":  # its Flux base, unless the team wrote one already
        written = engines.texts(engines.flux_base(platform, name))
        change.files.update({path: text for path, text in written.items() if repo.tree.read(path) is None})
    initial = templates.INITIAL_VERSION
    land(repo, platform, {name: Pin(initial, layout.image(platform.registry, name, initial))}, change)
    answers_doc = repo.document(layout.ANSWERS)
    if answers_doc is not None and answers_doc.ok:
        recorded = dict(answers_doc.data["answers"])
        answer = {"language": service.language, "port": service.port} | ({"rollout": rollout} if rollout else {})
        recorded["services"] = {**recorded["services"], name: answer}
        change.write(layout.ANSWERS, templates.answers_document(recorded, answers_doc.data["lockstepVersion"]))
    return Plan(f"{name} ({language}) added at {initial}", change)
