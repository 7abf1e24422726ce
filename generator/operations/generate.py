"""`lockstep generate`: the files lockstep derives (deploy/values/, Flux's companions of the locks) rewritten
from platform.yaml and the locks, and the engine objects that are missing written (generator/engines.py).

Engine objects that exist belong to the team and are left as they are: `lockstep validate` checks what they
mean. A derived file that is current is not written again, so a second run writes nothing."""

from __future__ import annotations

from generator import engines
from generator.operations import Plan
from generator.operations.changeset import Changeset
from generator.repository import Repo, platform_of


def generate(repo: Repo) -> Plan:
    platform = platform_of(repo)
    pinned = {service for lock in repo.locks.values() for service in lock.services}
    change = Changeset()
    for relative, text in engines.texts(engines.objects(platform, pinned)).items():
        if repo.tree.read(relative) is None:
            change.write(relative, text)
    change.derive(repo, everything=True)
    count = len(change.files)
    summary = (
        f"{count} file(s) written from platform.yaml and the locks" if count else "every generated file is current"
    )
    return Plan(summary, change)
