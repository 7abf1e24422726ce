"""`lockstep remove-service NAME`: retire a service along the promotion path.

The first run takes the service out of the first environment's lock and, while later environments still run it,
marks it `retired: true` in platform.yaml; each `promote` then takes it out of the next environment, as it moves
versions. Once no lock pins it, the next run drops it from platform.yaml and the answers and removes its files
(`services/NAME`, `charts/NAME`, its values, its build workflow). Released snapshots that name it stay as they are:
they are history. A service that another still requires cannot leave an environment (the compatibility rules refuse it).
"""

from __future__ import annotations

from generator import engines, layout, templates, yamlio
from generator.errors import UsageError
from generator.operations import Plan
from generator.operations.bump import land
from generator.operations.changeset import Changeset
from generator.repository import Repo, lock_of, platform_of
from generator.tree import files_under, read_text


def remove_service(repo: Repo, name: str) -> Plan:
    platform = platform_of(repo)
    service = platform.services.get(name)
    if service is None:
        raise UsageError(f"`{name}` is not a service of {layout.PLATFORM} (services: {', '.join(platform.services)})")
    first = platform.path[0]
    pinned = [env for env in platform.path if name in lock_of(repo, env).services]
    manifest = read_text(repo.tree, layout.PLATFORM) or ""
    change = Changeset()
    if first in pinned:
        land(repo, platform, {name: None}, change)
        pinned.remove(first)
    if pinned:
        if not service.retired:
            change.write(layout.PLATFORM, yamlio.edited(manifest, ("services", name), "retired", True))
        waits = ", ".join(pinned)
        return Plan(
            f"{name} leaves {first}; it leaves {waits} as they are promoted, "
            f"then `lockstep remove-service {name}` drops it from {layout.PLATFORM}",
            change,
        )
    change.write(layout.PLATFORM, yamlio.edited(manifest, ("services",), name, None))
    answers_doc = repo.document(layout.ANSWERS)
    if answers_doc is not None and answers_doc.ok and name in answers_doc.data["answers"]["services"]:
        recorded = dict(answers_doc.data["answers"])
        recorded["services"] = {key: value for key, value in recorded["services"].items() if key != name}
        change.write(layout.ANSWERS, templates.answers_document(recorded, answers_doc.data["lockstepVersion"]))
    files = files_under(repo.tree, layout.service_dir(name)) + files_under(repo.tree, f"charts/{name}")
    files += files_under(repo.tree, engines.base_dir(name))  # its Flux base: no lock pins it any more
    files += [layout.values(env, name) for env in platform.path if repo.tree.read(layout.values(env, name)) is not None]
    for path in [*files, service.api, layout.build_workflow(name)]:
        if repo.tree.read(path) is not None:
            change.remove(path)
    return Plan(f"{name} removed from {layout.PLATFORM}, with its files; past releases keep it as history", change)
