"""Rule family `delivery`: in pull-request mode, a change reaches an environment only as a new version.

A built version (a lock pin with `chart:`) is deployed from the registry: its chart is the one the build pipeline
pushed, whatever `charts/<service>/` says now. A version that is not built yet (no `chart:`) is deployed by
helmfile and `lockstep render` from the working tree's `charts/<service>/`, so a change of that folder would
reach every environment that pins such a version, without a new version and without a promotion. That is what
`delivery.unversioned-change` refuses. Changes under `services/<service>/` never reach an environment without a
new image (the lock pins the image, by tag or digest), so they need no rule here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from generator.findings import Finding, Rule
from generator.repository import Repo

UNVERSIONED_CHANGE = Rule(
    "delivery.unversioned-change",
    "error",
    "(with --base) A change of charts/<service>/ reaches no environment without a new version: an environment "
    "whose unchanged pin is not built yet (no `chart:`) would deploy it from the working tree. Changes under "
    "services/<service>/ never reach an environment without a new image, so they are fine.",
)

ENGINES = {
    "argocd": " (Argo CD cannot deploy it until it is built)",
    "flux": " (Flux cannot deploy it until it is built)",
}
INPUTS: tuple[str, ...] = ("charts/*", "environments/*/platform.lock.yaml", "platform.yaml")
RULES: tuple[Rule, ...] = (UNVERSIONED_CHANGE,)


def _chart_changes(changed: Iterable[str], services: Iterable[str]) -> dict[str, str]:
    """The first changed file under each service's chart folder, by service."""
    first: dict[str, str] = {}
    for path in sorted(changed):
        parts = path.split("/", 2)
        if len(parts) == 3 and parts[0] == "charts" and parts[1] in services:
            first.setdefault(parts[1], path)
    return first


def check(repo: Repo) -> Iterator[Finding]:
    base, platform = repo.base, repo.platform
    if base is None or platform is None:
        return
    pinned = {name for lock in repo.locks.values() for name, pin in lock.services.items() if pin.chart is None}
    if not pinned:
        return  # every version is built: no chart is deployed from the working tree, and git need not be asked
    changes = _chart_changes(repo.changed(), pinned & set(platform.services))
    for service, path in sorted(changes.items()):
        for environment in platform.path:
            lock, was = repo.locks.get(environment), base.locks.get(environment)
            pin = lock.services.get(service) if lock else None
            before = was.services.get(service) if was else None
            if pin is None or pin.chart is not None or before is None or before.version != pin.version:
                continue
            yield UNVERSIONED_CHANGE.at(
                path,
                1,
                1,
                f"{environment} runs {service} {pin.version}, which is not built: helmfile deploys it with the working "
                f"tree's charts/{service}, so this change reaches {environment} without a new version"
                f"{ENGINES.get(platform.engine, '')}; build and promote one instead",
            )
