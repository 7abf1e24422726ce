"""What an environment deploys, as helm command lines: the same chart, values, namespace, Kubernetes version
and image that the generated helmfile gives helm for that environment (`helmfile -e ENV template`): a built pin's
chart from the registry by version (its digest checked against the lock when it is pulled), an unbuilt one's from
./charts.

Pure: the loaded repository in, `helm template` arguments out (generator/helm.py builds them, for `validate
--render` too); `commands/render.py` pulls the built charts and runs them."""

from __future__ import annotations

from generator import layout
from generator.errors import UsageError
from generator.helm import HelmTemplate, helm_template
from generator.repository import Repo


def plan(repo: Repo, environment: str, service: str | None = None) -> tuple[HelmTemplate, ...]:
    """Every release `environment` deploys (or `service`'s alone), by service name."""
    platform = repo.platform
    if platform is None:
        raise UsageError(f"{layout.PLATFORM} is not valid: `lockstep validate` says why")
    if platform.environment(environment) is None:
        raise UsageError(f"unknown environment `{environment}` (environments: {', '.join(platform.path)})")
    lock = repo.locks.get(environment)
    if lock is None:
        raise UsageError(f"{layout.lock(environment)} does not exist")
    if service is not None and service not in lock.services:
        where = f"is not deployed in {environment}" if service in platform.services else f"is not in {layout.PLATFORM}"
        raise UsageError(f"--service: `{service}` {where}")
    names = sorted(lock.services) if service is None else [service]
    unknown = [name for name in names if name not in platform.services]
    if unknown:
        raise UsageError(
            f"{layout.lock(environment)} pins `{unknown[0]}`, which is not a service of {layout.PLATFORM}:"
            " `lockstep validate` says why"
        )
    return tuple(helm_template(platform, environment, name, lock.services[name]) for name in names)
