"""`lockstep rollback ENV`: go back to what ENV ran before, taking along every service the rollback breaks.

Platform versions: `--to X.Y.Z`, a version the ledger says ENV ran; its snapshot was a tested whole.
Services (independent-mode ENV): `--service S --to V`. The planner pins S at V, then repairs every broken
requirement by rolling the consumer back to the newest version ENV ran whose own requirements are met (or,
when the consumer cannot move, the provider back to the newest version that meets it), until nothing is
broken. Versions only go down, and only to versions ENV ran: no untested combination is ever planned.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from generator import gitrefs, layout, versions, yamlio
from generator.errors import Refused
from generator.model import Lock, Move, Pin, RollbackRecord, Rollbacks
from generator.openapi.differ import diff
from generator.operations import Plan, utc_now
from generator.operations.changeset import Changeset
from generator.repository import Repo, environment_of, lock_of, platform_of, shipped_contract
from generator.validators.contracts import missing_operations

History = Mapping[str, Mapping[str, Pin]]  # service -> version -> pin, as the environment ran them


@dataclass(frozen=True)
class Step:
    service: str
    before: str
    after: Pin
    reason: str


def _met(pin: Pin, plan: Mapping[str, Pin]) -> bool:
    return all(
        needed in plan and versions.satisfies(plan[needed].version, text) for needed, text in pin.requires.items()
    )


def _older(history: History, service: str, than: str) -> list[Pin]:
    """What the environment ran of `service` before `than`, newest first."""
    candidates = [pin for version, pin in history.get(service, {}).items() if versions.newer(than, version)]
    return sorted(candidates, key=lambda pin: versions.parse(pin.version), reverse=True)


def _broken(plan: Mapping[str, Pin]) -> tuple[str, str, str] | None:
    """The first requirement the plan does not meet: (consumer, provider, range)."""
    for consumer in sorted(plan):
        for provider, text in sorted(plan[consumer].requires.items()):
            if provider not in plan or not versions.satisfies(plan[provider].version, text):
                return consumer, provider, text
    return None


def plan_services(
    environment: str, current: Mapping[str, Pin], history: History, service: str, target: Pin
) -> list[Step]:
    """The smallest rollback that pins `service` at `target` and leaves every requirement met."""
    plan = {**current, service: target}
    reasons = {service: "requested"}
    while (broken := _broken(plan)) is not None:
        consumer, provider, text = broken
        need = f"{consumer} {plan[consumer].version} requires {provider} {text}"
        if consumer != service:
            fit = next((pin for pin in _older(history, consumer, plan[consumer].version) if _met(pin, plan)), None)
            if fit is not None:
                reasons[consumer] = need + (
                    f", {provider} goes to {plan[provider].version}" if provider in plan else ""
                )
                plan[consumer] = fit
                continue
        if provider in plan and provider != service:
            fit = next(
                (
                    pin
                    for pin in _older(history, provider, plan[provider].version)
                    if versions.satisfies(pin.version, text) and _met(pin, plan)
                ),
                None,
            )
            if fit is not None:
                reasons[provider] = need
                plan[provider] = fit
                continue
        at = f"{provider} {plan[provider].version}" if provider in plan else f"no {provider}"
        raise Refused(
            f"cannot roll {service} back to {target.version} in {environment}: {need}, and no version of "
            f"{consumer} that {environment} ran fits {at}"
        )
    return [
        Step(name, current[name].version, plan[name], reasons[name]) for name in reasons if current[name] != plan[name]
    ]


def history_of(repo: Repo, environment: str) -> dict[str, dict[str, Pin]]:
    """Every pin `environment` ran: its lock now, ledger snapshots promoted there, its lock in git history."""
    ran: dict[str, dict[str, Pin]] = {}
    locks = [repo.locks[environment]] if environment in repo.locks else []
    for _, text in gitrefs.file_history(repo.root, layout.lock(environment)):
        doc = yamlio.loads(text, layout.lock(environment))
        if doc.ok and isinstance(doc.data, dict) and isinstance(doc.data.get("services"), dict):
            try:
                locks.append(Lock.from_data(doc.data))
            except (KeyError, TypeError):
                continue  # an old lock of another shape: not a source of versions
    snapshots = [r.services for r in repo.releases.values() if environment in r.environments()]
    for services in [lock.services for lock in locks] + snapshots:
        for name, pin in services.items():
            ran.setdefault(name, {}).setdefault(pin.version, pin)
    return ran


def previous(repo: Repo, environment: str, service: str | None) -> str | None:
    """What `rollback` would go back to: the newest version older than what `environment` runs now that it ran
    before (`service` None: a platform version, from the ledger; else that service's, from `history_of`)."""
    lock = lock_of(repo, environment)
    if service is None:
        if lock.platform is None:
            return None
        ran = [
            v for v, r in repo.releases.items() if environment in r.environments() and versions.newer(lock.platform, v)
        ]
        return max(ran, key=versions.parse, default=None)
    current = lock.services.get(service)
    older = _older(history_of(repo, environment), service, current.version) if current else []
    return older[0].version if older else None


def command(environment: str, to: str, service: str | None) -> str:
    """The `lockstep rollback` command line that goes back to `to`."""
    return f"lockstep rollback {environment}" + (f" --service {service}" if service else "") + f" --to {to}"


def _table(steps: list[Step]) -> str:
    rows = [("service", "from", "to", "why"), *((s.service, s.before, s.after.version, s.reason) for s in steps)]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True)) + "  " + row[3] for row in rows
    )


def _record(repo: Repo, environment: str, record: RollbackRecord, change: Changeset) -> None:
    existing = repo.rollbacks.get(environment, Rollbacks(environment, ()))
    change.write_rollbacks(existing.appended(record))


def _rollback_platform(repo: Repo, environment: str, lock: Lock, version: str) -> Plan:
    release = repo.releases.get(version)
    if release is None or environment not in release.environments():
        raise Refused(f"{environment} never ran platform {version} (the ledger has no promotion of it there)")
    if lock.platform is None:
        raise Refused(f"{environment} runs no platform version; roll its services back with --service")
    if not versions.newer(lock.platform, version):
        raise Refused(f"{environment} runs platform {lock.platform}; {version} is not older")
    change = Changeset()
    change.write_lock(lock.with_services(release.services, version))
    _record(repo, environment, RollbackRecord(utc_now(repo), Move(lock.platform, version, "requested"), {}), change)
    return Plan(f"rollback of {environment}: platform {lock.platform} -> {version}", change)


def _rollback_services(repo: Repo, environment: str, lock: Lock, service: str, version: str) -> Plan:
    current = lock.services.get(service)
    if current is None:
        raise Refused(f"{service} does not run in {environment}")
    history = history_of(repo, environment)
    target = history.get(service, {}).get(version)
    if target is None:
        raise Refused(f"{environment} never ran {service} {version}; a rollback only goes back to what it ran")
    if not versions.newer(current.version, version):
        raise Refused(f"{environment} runs {service} {current.version}; {version} is not older")
    steps = plan_services(environment, lock.services, history, service, target)
    pins = {**lock.services, **{step.service: step.after for step in steps}}
    warnings = _contract_checks(repo, environment, steps, pins)
    change = Changeset()
    change.write_lock(lock.with_services(pins, None))
    moves = {step.service: Move(step.before, step.after.version, step.reason) for step in steps}
    _record(repo, environment, RollbackRecord(utc_now(repo), None, moves), change)
    return Plan("\n".join([f"rollback of {environment}:", _table(steps), *warnings]), change)


def _contract_checks(repo: Repo, environment: str, steps: list[Step], pins: Mapping[str, Pin]) -> list[str]:
    """A rollback is an API change for every consumer: each service going back is diffed from the contract its
    running version shipped to the one its target shipped (both from git history). An operation that a consumer
    running beside it names in `requires` and the target lacks refuses the rollback; other breaking changes are
    warnings."""
    platform = platform_of(repo)
    warnings: list[str] = []
    for step in steps:
        then = shipped_contract(repo, step.service, step.after.version)
        now = shipped_contract(repo, step.service, step.before)
        if then is None:
            warnings.append(f"warning: the contract of {step.service} {step.after.version} is not in git history")
            continue
        for consumer, operation in missing_operations(platform, pins, step.service, then):
            raise Refused(
                f"cannot roll {step.service} back to {step.after.version} in {environment}: {consumer} "
                f"{pins[consumer].version} calls `{operation}`, which {step.service} {step.after.version} does not have"
            )
        if now is not None:
            for finding in diff(now, then):
                if finding.level == "error":
                    where = f"{finding.operation}: " if finding.operation else ""
                    warnings.append(
                        f"warning: {step.service} {step.before} -> {step.after.version}: {finding.rule}: "
                        f"{where}{finding.message}"
                    )
    return warnings


def rollback(repo: Repo, environment: str, to: str, service: str | None = None) -> Plan:
    platform = platform_of(repo)
    target = environment_of(platform, environment)
    versions.parse(to)
    lock = lock_of(repo, environment)
    if service is None:
        if not platform.versioned:
            raise Refused(f"strategy `independent` has no platform versions: rollback {environment} --service S --to V")
        return _rollback_platform(repo, environment, lock, to)
    if target.mode == "platform":
        raise Refused(f"{environment} moves whole platform versions: rollback {environment} --to <platform version>")
    if service not in platform.services:
        raise Refused(f"`{service}` is not a service of {layout.PLATFORM}")
    return _rollback_services(repo, environment, lock, service, to)
