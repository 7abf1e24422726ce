"""Rule family `pipeline`: the GitHub Actions workflows that build and move versions. Every service has its build
workflow (`.github/workflows/build-<service>.yaml`, as `lockstep new` and `add-service` write it) that runs when its
code or chart changes and never runs twice at once; every action is pinned by commit; no job runs with the token's
default permissions; no `pull_request_target` workflow checks out the pull request's code.

A platform without `.github/workflows/` (GitLab CI alone) has nothing here to check. The workflows are read only
when this family runs (`Repo.workflows`), and with a focus on some files (the pre-commit hooks) only those of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any

from generator import layout
from generator.findings import Finding, Rule, excerpt
from generator.repository import Repo
from generator.yamlio import Document, Pointer

UNPINNED_ACTION = Rule(
    "pipeline.unpinned-action",
    "error",
    "Every action and reusable workflow a workflow uses is pinned by a full commit (`@<40 hex>`), a container "
    "action by digest; local actions (`./...`) are the repository's own.",
)
MISSING_BUILD = Rule(
    "pipeline.missing-build",
    "error",
    "Every service has its build workflow (.github/workflows/build-<service>.yaml) that runs on a push changing "
    "services/<service>/ or charts/<service>/ and one run at a time (a concurrency group that cancels nothing).",
)
DANGEROUS_TRIGGER = Rule(
    "pipeline.dangerous-trigger",
    "error",
    "A pull_request_target workflow (it runs with the base's secrets and a write token) never checks out or runs "
    "the pull request's code.",
)
NO_PERMISSIONS = Rule(
    "pipeline.no-permissions",
    "error",
    "Every job says its permissions, or the workflow does: otherwise it gets the token's defaults, which may write.",
)
RULES: tuple[Rule, ...] = (UNPINNED_ACTION, MISSING_BUILD, DANGEROUS_TRIGGER, NO_PERMISSIONS)
INPUTS: tuple[str, ...] = ("platform.yaml", f"{layout.WORKFLOWS_DIR}/*")

_COMMIT = re.compile(r"@[0-9a-f]{40}$")
_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
# what refers to the pull request's own code in a pull_request_target workflow
_HEAD = re.compile(r"github\.event\.pull_request\.head\.|github\.head_ref|gh pr checkout|refs/pull/")
# a concurrency group that differs on every run is no group at all
_PER_RUN = re.compile(r"github\.(sha|run_id|run_number|run_attempt)")


def _uses_pinned(value: str) -> bool:
    if value.startswith("./"):
        return True
    return bool((_DIGEST if value.startswith("docker://") else _COMMIT).search(value.strip()))


def _jobs(data: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    jobs = data.get("jobs")
    if isinstance(jobs, Mapping):
        for name, job in jobs.items():
            if isinstance(job, Mapping):
                yield str(name), job


def _steps(job: Mapping[str, Any]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    steps = job.get("steps")
    if isinstance(steps, list):
        for index, step in enumerate(steps):
            if isinstance(step, Mapping):
                yield index, step


def _events(data: Mapping[str, Any]) -> dict[str, Any]:
    """The workflow's triggers, whichever way `on` is written (a name, a list of names, or a mapping)."""
    on = data.get("on")  # written `on:` or `"on":`, lockstep's YAML reader reads the key as the string
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {str(event): None for event in on}
    if isinstance(on, Mapping):
        return {str(event): spec for event, spec in on.items()}
    return {}


def _unpinned(doc: Document, data: Mapping[str, Any]) -> Iterator[Finding]:
    for name, job in _jobs(data):
        used: list[tuple[Pointer, Any]] = [(("jobs", name, "uses"), job.get("uses"))]
        used += [(("jobs", name, "steps", index, "uses"), step.get("uses")) for index, step in _steps(job)]
        for pointer, value in used:
            if isinstance(value, str) and not _uses_pinned(value):
                what = "a container action pinned by tag" if value.startswith("docker://") else "pinned by tag"
                yield UNPINNED_ACTION.of(
                    doc,
                    f"`uses: {excerpt(value)}` is {what}: a tag can be moved to other code; pin the full commit "
                    "(`@<40 hex>  # <tag>`)",
                    pointer,
                )


def _dangerous(doc: Document, data: Mapping[str, Any]) -> Iterator[Finding]:
    if "pull_request_target" not in _events(data):
        return
    for name, job in _jobs(data):
        for index, step in _steps(job):
            pointer: Pointer = ("jobs", name, "steps", index)
            given = step.get("with")
            ref = given.get("ref") if isinstance(given, Mapping) else None
            run = step.get("run")
            if isinstance(ref, str) and _HEAD.search(ref):
                pointer = (*pointer, "with", "ref")
            elif isinstance(run, str) and _HEAD.search(run):
                pointer = (*pointer, "run")
            else:
                continue
            yield DANGEROUS_TRIGGER.of(
                doc,
                f"job `{excerpt(name)}` checks out the pull request's code in a pull_request_target workflow, which "
                "runs with the base's secrets and a write token: use `pull_request` for what runs its code",
                pointer,
            )


def _permissions(doc: Document, data: Mapping[str, Any]) -> Iterator[Finding]:
    if "permissions" in data:
        return
    for name, job in _jobs(data):
        if "permissions" not in job:
            yield NO_PERMISSIONS.of(
                doc,
                f"job `{excerpt(name)}` gets the token's default permissions (the workflow sets none): give it "
                "`permissions:` with what it needs, and the workflow `permissions: {}`",
                ("jobs", name),
                key=True,
            )


@cache
def _glob(pattern: str) -> re.Pattern[str]:
    """A GitHub path filter as a regular expression (`**` any characters, `*` and `?` none of them a slash)."""
    parts = re.split(r"(\*\*|\*|\?)", pattern)
    wild = {"**": ".*", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(wild.get(part, re.escape(part)) for part in parts))


def _matches(pattern: str, path: str) -> bool:
    if pattern.endswith("/**") and not any(wild in pattern[:-3] for wild in "*?[!"):
        return path.startswith(pattern[:-2])  # a folder and all below it: as lockstep writes them, no regex
    return bool(_glob(pattern).fullmatch(path))


def _filtered(paths: Any, ignored: Any, path: str) -> bool:
    """Whether a push that changes `path` starts the workflow, given its `paths` / `paths-ignore` filters (a later
    `!pattern` excludes again what an earlier one included)."""
    if isinstance(paths, list):
        included = False
        for pattern in map(str, paths):
            negated = pattern.startswith("!")
            if _matches(pattern.removeprefix("!"), path):
                included = not negated
        return included
    if isinstance(ignored, list):
        return not any(_matches(str(pattern), path) for pattern in ignored)
    return True


def _build_problems(doc: Document, data: Mapping[str, Any], service: str) -> Iterator[Finding]:
    events = _events(data)
    if "push" not in events:
        yield MISSING_BUILD.of(
            doc, f"the build workflow of {service} does not run on a push: add `on: push` for the main branch"
        )
    else:
        push = events["push"] if isinstance(events["push"], Mapping) else {}
        samples = (f"services/{service}/Dockerfile", f"charts/{service}/templates/deployment.yaml")
        missed = [path for path in samples if not _filtered(push.get("paths"), push.get("paths-ignore"), path)]
        if missed:
            where: Pointer = ("on", "push", "paths") if "paths" in push else ("on", "push", "paths-ignore")
            folders = " or ".join("/".join(path.split("/")[:2]) + "/" for path in missed)
            yield MISSING_BUILD.of(
                doc,
                f"a push that changes {folders} does not start the build of {service}: its `paths` must take "
                f"services/{service}/** and charts/{service}/**",
                where if where[-1] in push else ("on",),
            )
    concurrency = data.get("concurrency")
    group = concurrency.get("group") if isinstance(concurrency, Mapping) else concurrency
    cancel = concurrency.get("cancel-in-progress") if isinstance(concurrency, Mapping) else None
    if not isinstance(group, str) or _PER_RUN.search(group):
        yield MISSING_BUILD.of(
            doc,
            f"two builds of {service} may run at once and take the same version: give the workflow "
            f"`concurrency: {{group: build-{service}, cancel-in-progress: false}}`",
            ("concurrency",) if concurrency is not None else (),
        )
    elif cancel is not None and cancel is not False:
        yield MISSING_BUILD.of(
            doc,
            f"a build of {service} may be cancelled after it pushed its image and before it pinned it: set "
            "`cancel-in-progress: false`",
            ("concurrency", "cancel-in-progress"),
        )


def _builds(repo: Repo, workflows: Mapping[str, Document]) -> Iterator[Finding]:
    platform = repo.platform
    manifest = repo.document(layout.PLATFORM)
    if platform is None or manifest is None:
        return
    for name, service in platform.services.items():
        relative = layout.build_workflow(name)
        if service.retired or not repo.focus.reads(relative):
            continue
        doc = workflows.get(relative) or workflows.get(relative.removesuffix(".yaml") + ".yml")
        if doc is None:
            yield MISSING_BUILD.of(
                manifest,
                f"{name} has no build workflow ({relative}): nothing builds its image and chart or pins its new "
                f"versions; copy another service's and put {name} in it",
                ("services", name),
                key=True,
            )
        elif not isinstance(doc.data, Mapping):
            first = doc.problems[0].message if doc.problems else "not a mapping"
            yield MISSING_BUILD.of(doc, f"the build workflow of {name} does not load: {first}")
        else:
            yield from _build_problems(doc, doc.data, name)


def check(repo: Repo) -> Iterable[Finding]:
    workflows = repo.workflows()
    if not workflows.present:
        return []  # no GitHub Actions here
    findings = list(_builds(repo, workflows.documents))
    for doc in workflows.documents.values():
        if isinstance(doc.data, Mapping):
            findings.extend(_unpinned(doc, doc.data))
            findings.extend(_dangerous(doc, doc.data))
            findings.extend(_permissions(doc, doc.data))
    return findings
