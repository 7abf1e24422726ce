"""`lockstep verify --env ENV --check NAME --result passed|failed`: record a check's result for what ENV runs now.

One file per record (layout.verification), never changed: the `checks` gate of the environment after ENV reads
the latest record of each check for exactly the version that moves. A record is accepted only for what ENV runs
now (its platform version, or with `--service` that service's pin), which binds it to a deployed version. A
failed check offers the way back: the `rollback` that ENV would take (operations/rollback.py plans it), which
`--rollback` writes in the same change.
"""

from __future__ import annotations

from typing import NamedTuple

from generator import layout, schemas, yamlio
from generator.errors import Refused, UsageError
from generator.model import Result, Verification
from generator.operations import Plan, utc_now
from generator.operations.changeset import Changeset
from generator.operations.rollback import command, previous, rollback
from generator.repository import Repo, environment_of, lock_of, platform_of


class Verified(NamedTuple):
    plan: Plan  # the record (and with `--rollback`, the rollback)
    then: str  # what to print once it is written: the way back after a failed check, else nothing


def _runs(repo: Repo, environment: str, service: str | None) -> str:
    """What `environment` runs now of `service` (None: its platform version)."""
    platform = platform_of(repo)
    target = environment_of(platform, environment)
    lock = lock_of(repo, environment)
    if service is None:
        if lock.platform is None:
            raise UsageError(f"{environment} runs no platform version: name the service with --service")
        return lock.platform
    if target.mode == "platform":
        raise UsageError(f"{environment} moves whole platform versions: record its platform version (no --service)")
    if service not in platform.services:
        raise UsageError(f"`{service}` is not a service of {layout.PLATFORM}")
    pin = lock.services.get(service)
    if pin is None:
        raise Refused(f"{service} does not run in {environment}")
    return pin.version


def _valid(record: Verification, relative: str) -> None:
    """The record as its schema wants it, else exit 2 naming the option (nothing is written yet)."""
    doc = yamlio.loads(yamlio.dumps(record.as_data()), relative)
    for problem in schemas.validate(doc, "verification"):
        key = problem.pointer.split("/")[1] if problem.pointer and problem.pointer.count("/") else ""
        option = {"environment": "env"}.get(key, key)
        raise UsageError(f"--{option}: {problem.message}" if key else problem.message)


def verify(
    repo: Repo,
    environment: str,
    check: str,
    result: Result,
    by: str | None,
    *,
    service: str | None = None,
    version: str | None = None,
    url: str | None = None,
    with_rollback: bool = False,
) -> Verified:
    if with_rollback and result != "failed":
        raise UsageError("--rollback goes with --result failed")
    runs = _runs(repo, environment, service)
    subject = f"{service} {runs}" if service else f"platform {runs}"
    at = utc_now(repo)
    record = Verification(environment, check, version or runs, result, at, by or "-", service, url)
    relative = layout.verification(environment, service, record.version, check, at)
    _valid(record, relative)
    if by is None:
        raise UsageError("verify needs a git identity (who recorded it): set user.name and user.email")
    if record.version != runs:
        raise Refused(
            f"{environment} runs {subject}, not {record.version}: a record is accepted only for what it runs now"
        )
    if repo.tree.read(relative) is not None:
        raise Refused(f"a record of {check} at {at} exists; retry")
    change = Changeset()
    change.write(relative, yamlio.dumps(record.as_data()))
    summary = f"{check} {result} for {subject} in {environment}"
    if result == "passed":
        return Verified(Plan(summary, change), "")
    to = previous(repo, environment, service)
    try:
        if to is None:
            raise Refused(
                f"{environment} ran no {'version of ' + service if service else 'platform version'} older "
                f"than {runs}: there is nothing to roll back to"
            )
        back = rollback(repo, environment, to, service)
    except Refused as refused:
        if with_rollback:
            raise
        return Verified(
            Plan(summary, change), f"no way back: {str(refused).removeprefix('refused, nothing written: ')}"
        )
    if with_rollback:
        back.change.files[relative] = change.files[relative]
        return Verified(Plan(f"{summary}\n{back.summary}", back.change), "")
    return Verified(
        Plan(summary, change),
        f"the way back (not written; run it, or verify with --rollback):\n{back.summary}\n"
        f"  {command(environment, to, service)}",
    )
