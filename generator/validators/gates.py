"""Rule family `gates`: what a change must pass to move versions into an environment (platform.yaml `gates:`).

A change moves versions into environment E when E's lock goes from the base's to the head's with a newer (or new)
platform version (platform-mode E), or a new or newer service pin, or a service removed (independent-mode E).
Going back is a rollback: never gated, never counted; a platform label alone (stamp, release) moves nothing.

The gates are the BASE's (a change cannot remove the gate that blocks it; an environment new at head uses head's),
and only records present at base count (verifications, arrivals): a change cannot bring its own evidence. An
override appended by the change to environments/<E>/overrides.yaml for exactly what moves into E turns its gate's
findings into `gates.overridden`. `judge` is the one implementation: pull-request mode (`validate --base`) and every
writer (`Changeset.check`) call it, so the two cannot disagree. Without a base only the config rules run.
Cost: nothing when no lock changed; otherwise one verification folder per gated subject, read on first use.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import NamedTuple

from generator import freeze, layout, versions
from generator.findings import Finding, Pointer, Rule
from generator.model import Environment, Gate, GateOverride, Lock, Platform, latest_arrivals
from generator.repository import Repo, now_of
from generator.yamlio import Document

ONE_ENVIRONMENT = Rule(
    "gates.one-environment",
    "error",
    "(with --base) A change that moves versions into an environment with `oneEnvironmentPerChange` (the default "
    "after the first) moves versions into no other environment.",
)
FREEZE = Rule("gates.freeze", "error", "(with --base) Nothing moves into an environment while a freeze window holds.")
SOAK = Rule(
    "gates.soak",
    "error",
    "(with --base) What moves into an environment with `soak` has run in the environment before it that long "
    "(its arrivals, recorded by `lockstep stamp` after the merge).",
)
CHECKS = Rule(
    "gates.checks",
    "error",
    "(with --base) The environment before holds a passing latest record of each check in `checks` for exactly "
    "the version that moves (`lockstep verify`), at base.",
)
MAX_SERVICES = Rule(
    "gates.max-services",
    "error",
    "(with --base) A change moves at most `maxServicesPerPromotion` services into an independent-mode environment.",
)
OVERRIDDEN = Rule(
    "gates.overridden",
    "info",
    "(with --base) A gate that holds was passed by an override the change appends (who and why).",
)
OVERRIDE_MISMATCH = Rule(
    "gates.override-mismatch",
    "error",
    "(with --base) An appended override names exactly what the change moves into its environment.",
)
OVERRIDE_REASON = Rule(
    "gates.override-reason", "error", "(with --base) An appended override gives a reason, not a blank or placeholder."
)
OVERRIDE_UNNEEDED = Rule(
    "gates.override-unneeded", "warning", "(with --base) An appended override passes a gate that holds."
)
PENDING = Rule(
    "gates.pending",
    "info",
    "(with --base) A change of an environment's gates takes effect once merged: the base's gates judge this change.",
)
UNKNOWN_TIME_ZONE = Rule("gates.unknown-time-zone", "error", "A freeze window's `tz` is a known IANA time zone.")
FREEZE_RANGE = Rule("gates.freeze-range", "error", "A freeze range's `from` is before its `to`.")
FIRST_ENVIRONMENT = Rule(
    "gates.first-environment",
    "error",
    "The first environment has no `soak` or `checks` (nothing runs before it).",
)
MAX_SERVICES_MODE = Rule(
    "gates.max-services-mode",
    "error",
    "`maxServicesPerPromotion` is for independent-mode environments (a platform-mode one moves whole versions).",
)

INPUTS: tuple[str, ...] = ("platform.yaml", "environments/*", "releases/*")
RULES: tuple[Rule, ...] = (
    ONE_ENVIRONMENT,
    FREEZE,
    SOAK,
    CHECKS,
    MAX_SERVICES,
    OVERRIDDEN,
    OVERRIDE_MISMATCH,
    OVERRIDE_REASON,
    OVERRIDE_UNNEEDED,
    PENDING,
    UNKNOWN_TIME_ZONE,
    FREEZE_RANGE,
    FIRST_ENVIRONMENT,
    MAX_SERVICES_MODE,
)
BY_GATE: dict[Gate, Rule] = {
    "one-environment": ONE_ENVIRONMENT,
    "freeze": FREEZE,
    "soak": SOAK,
    "checks": CHECKS,
    "max-services": MAX_SERVICES,
}
PLACEHOLDERS = frozenset({"todo", "-", "n/a", "na", "tbd", "none", "?", "."})


class Hold(NamedTuple):
    """One gate holding one move."""

    gate: Gate
    environment: str
    subject: str  # "platform 0.2.0" | "service-a 0.2.0" | "" (the whole change)
    message: str
    opens: datetime | None  # None: it opens on an action (a record, a split change), not at a time


class Moving(NamedTuple):
    """What a change moves into one environment (rollbacks left out)."""

    environment: str
    platform: str | None  # platform mode: the new platform version
    services: Mapping[str, str | None]  # independent mode: service -> new version (None: removed)

    def matches(self, record: GateOverride) -> bool:
        """The override names exactly these moves (a removal has no version to name)."""
        pinned = {name: version for name, version in self.services.items() if version is not None}
        return record.platform == self.platform and dict(record.services) == pinned


def _newer(old: str | None, new: str | None) -> bool:
    return new is not None and (old is None or versions.newer(new, old))


def _rolled_back(before: Repo, after: Repo, environment: str) -> set[str]:
    """The services the rollback records the change appends in `environment` name."""
    rolled = after.rollbacks.get(environment)
    known = len(before.rollbacks[environment].records) if environment in before.rollbacks else 0
    return {name for record in (rolled.records[known:] if rolled else ()) for name in record.services}


def moving(before: Repo, after: Repo) -> dict[str, Moving]:
    """By environment (in path order), what the change from `before` to `after` moves into it; {} when no lock
    changed."""
    platform = after.platform or before.platform
    if platform is None:
        return {}
    found: dict[str, Moving] = {}
    for environment in platform.environments:
        name = environment.name
        was, lock = before.locks.get(name), after.locks.get(name)
        if lock is None or was == lock:
            continue
        mode = _environment(before, after, name).mode
        if mode == "platform":
            if _newer(was.platform if was else None, lock.platform):
                found[name] = Moving(name, lock.platform, {})
            continue
        old = {s: pin.version for s, pin in was.services.items()} if was else {}
        services: dict[str, str | None] = {
            s: pin.version for s, pin in lock.services.items() if _newer(old.get(s), pin.version)
        }
        rolled = _rolled_back(before, after, name)
        services |= {s: None for s in old if s not in lock.services and s not in rolled}
        if services:
            found[name] = Moving(name, None, services)
    return found


def _environment(before: Repo, after: Repo, name: str) -> Environment:
    """The environment as the base declares it (its gates judge), or as the head does when it is new there."""
    for platform in (before.platform, after.platform):
        found = platform.environment(name) if platform else None
        if found is not None:
            return found
    raise KeyError(name)


def _upstream(before: Repo, after: Repo, name: str) -> Environment | None:
    platform = before.platform if before.platform and name in before.platform.path else after.platform
    return platform.upstream(name) if platform else None


# --- the gates --------------------------------------------------------------------------------------------------


def _freeze(environment: Environment, now: datetime) -> Iterator[Hold]:
    if not environment.gates.freeze:
        return
    try:
        held = freeze.frozen(environment.gates.freeze, now)
    except ValueError:
        return  # an unknown zone or a bad range: the config rules say so
    if held is not None:
        message = f"{environment.name} is frozen ({freeze.describe(held.window)}) {freeze.until(held)}"
        yield Hold("freeze", environment.name, "", message, None if held.endless else held.opens)


def _subjects(before: Repo, move: Moving, upstream: Environment) -> list[tuple[str | None, str]]:
    """What must have soaked / been verified in the upstream, as (service | None for the platform, version)."""
    if move.platform is None:
        return [(s, v) for s, v in move.services.items() if v is not None]
    if upstream.mode == "platform":
        return [(None, move.platform)]
    release = before.releases.get(move.platform)
    return [(s, pin.version) for s, pin in release.services.items()] if release else [(None, move.platform)]


def _what(service: str | None, version: str) -> str:
    return f"{service or 'platform'} {version}"


def _soak(before: Repo, environment: Environment, upstream: Environment, move: Moving, now: datetime) -> Iterator[Hold]:
    if environment.gates.soak is None:
        return
    soak = freeze.parse_duration(environment.gates.soak)
    ran = before.locks.get(upstream.name)
    subjects = _subjects(before, move, upstream)
    if move.platform is not None and upstream.mode != "platform":  # the pins of V that U runs now
        subjects = [(s, v) for s, v in subjects if s is not None and ran is not None and _pin(ran, s) == v]
        subjects = subjects or [(None, move.platform)]
    subject = _what(None, move.platform) if move.platform is not None else ""
    since: str | None = None
    latest = latest_arrivals(before.arrivals.get(upstream.name, ()))
    for service, version in subjects:
        arrived = latest.get(service)
        pinned = ran is not None and (ran.platform if service is None else _pin(ran, service)) == version
        if arrived is None or arrived.version != version or not pinned:
            yield Hold(
                "soak",
                environment.name,
                subject or _what(service, version),
                f"no arrival of {_what(service, version)} in {upstream.name} is recorded (the trunk workflow's "
                f"`lockstep stamp` records it after the merge); {environment.name} needs {environment.gates.soak}",
                None,
            )
            return
        if move.platform is None:
            yield from _soaked(environment, upstream, _what(service, version), arrived.at, soak, now)
        else:
            since = max(since or arrived.at, arrived.at, key=freeze.order)
    if since is not None:
        yield from _soaked(environment, upstream, subject, since, soak, now)


def _pin(lock: Lock, service: str) -> str | None:
    pin = lock.services.get(service)
    return pin.version if pin else None


def _soaked(
    environment: Environment, upstream: Environment, what: str, since: str, soak: timedelta, now: datetime
) -> Iterator[Hold]:
    try:
        opens = freeze.record_instant(since) + soak
    except ValueError:  # a time that does not exist (2026-02-30): no arrival the gate can count from
        message = f"the arrival of {what} in {upstream.name} at {since} is not a real time; {environment.name} needs "
        yield Hold("soak", environment.name, what, f"{message}{environment.gates.soak}", None)
        return
    if now < opens:
        yield Hold(
            "soak",
            environment.name,
            what,
            f"{what} has run in {upstream.name} since {since}; {environment.name} needs {environment.gates.soak}: "
            f"opens {freeze.format_instant(opens)}",
            opens,
        )


def _checks(before: Repo, environment: Environment, upstream: Environment, move: Moving) -> Iterator[Hold]:
    for check in environment.gates.checks:
        if move.platform is None:
            for service, version in _subjects(before, move, upstream):
                yield from _verified(before, environment, upstream, check, service, version)
            continue
        platform_record = list(_verified(before, environment, upstream, check, None, move.platform))
        if not platform_record or upstream.mode == "platform":
            yield from platform_record
            continue
        runs = before.locks.get(environment.name)  # or each service V changes relative to what E runs passed
        changed = [
            (s, v) for s, v in _subjects(before, move, upstream) if s is not None and (not runs or _pin(runs, s) != v)
        ]
        per_service = [hold for s, v in changed for hold in _verified(before, environment, upstream, check, s, v)]
        if per_service:
            yield from platform_record


def _verified(
    before: Repo, environment: Environment, upstream: Environment, check: str, service: str | None, version: str
) -> Iterator[Hold]:
    what = _what(service, version)
    latest = before.verifications(upstream.name, service, version).latest(check)
    command = f"lockstep verify --env {upstream.name} --check {check}"
    command += f" --service {service}" if service else ""
    if latest is None:
        message = (
            f"{upstream.name} holds no {check} record for {what} "
            f"(`{command} --version {version} --result passed`); {environment.name} needs it"
        )
        yield Hold("checks", environment.name, what, message, None)
    elif latest.result != "passed":
        url = f", {latest.url}" if latest.url else ""
        message = f"the latest {check} record for {what} in {upstream.name} failed ({latest.at}{url})"
        yield Hold("checks", environment.name, what, message, None)


def _max_services(environment: Environment, move: Moving) -> Iterator[Hold]:
    limit = environment.gates.max_services
    if limit is not None and move.platform is None and len(move.services) > limit:
        message = (
            f"this change moves {len(move.services)} services into {environment.name}; "
            f"{environment.name} takes at most {limit} at once"
        )
        yield Hold("max-services", environment.name, "", message, None)


def _holds(before: Repo, after: Repo, moves: Mapping[str, Moving], now: datetime) -> list[Hold]:
    found: list[Hold] = []
    for name, move in moves.items():
        environment = _environment(before, after, name)
        gates = environment.gates
        if gates.one_environment and len(moves) > 1:
            *others, last = moves
            listed = f"{', '.join(others)} and {last}"
            found.append(
                Hold(
                    "one-environment",
                    name,
                    "",
                    f"this change moves versions into {listed}; {name} takes one environment's change at a time: "
                    "one pull request per environment",
                    None,
                )
            )
        found.extend(_move_holds(before, environment, _upstream(before, after, name), move, now))
    return found


def _move_holds(
    before: Repo, environment: Environment, upstream: Environment | None, move: Moving, now: datetime
) -> Iterator[Hold]:
    """The gates of `environment` that hold `move` (one-environment aside: it depends on the whole change)."""
    yield from _freeze(environment, now)
    if upstream is not None:
        yield from _soak(before, environment, upstream, move, now)
        yield from _checks(before, environment, upstream, move)
    yield from _max_services(environment, move)


# --- findings -----------------------------------------------------------------------------------------------------


def _pointer(move: Moving) -> Pointer:
    if move.platform is not None:
        return ("platform",)
    first = next(iter(move.services))
    return ("services", first, "version") if move.services[first] is not None else ("services",)


def _appended(before: Repo, after: Repo, environment: str) -> list[tuple[int, GateOverride]]:
    records = after.overrides[environment].records if environment in after.overrides else ()
    known = len(before.overrides[environment].records) if environment in before.overrides else 0
    return list(enumerate(records))[known:]


def _overrides(
    before: Repo, after: Repo, moves: Mapping[str, Moving], held: list[Hold]
) -> tuple[list[Finding], set[tuple[str, Gate]]]:
    """The findings of the overrides the change appends, and the (environment, gate) pairs they pass."""
    found: list[Finding] = []
    passed: set[tuple[str, Gate]] = set()
    for environment in sorted(set(after.overrides) | set(before.overrides)):
        doc = after.documents.get(layout.overrides(environment))
        for index, record in _appended(before, after, environment):
            if doc is None:
                continue
            at: Pointer = ("overrides", index)
            if record.reason.strip().lower() in PLACEHOLDERS:
                found.append(
                    OVERRIDE_REASON.of(
                        doc, f"the {record.gate} override has no reason: say why (`--reason TEXT`)", (*at, "reason")
                    )
                )
                continue
            move = moves.get(environment)
            if move is None or not move.matches(record):
                recorded = record.platform or ", ".join(f"{s} {v}" for s, v in record.services.items()) or "nothing"
                found.append(
                    OVERRIDE_MISMATCH.of(
                        doc,
                        f"the {record.gate} override names {recorded}; this change moves "
                        f"{_moved(move)} into {environment}",
                        at,
                    )
                )
                continue
            if not any(h.environment == environment and h.gate == record.gate for h in held):
                found.append(OVERRIDE_UNNEEDED.of(doc, f"the {record.gate} gate does not hold {environment}", at))
                continue
            passed.add((environment, record.gate))
            found.append(
                OVERRIDDEN.of(doc, f"{record.gate} overridden by {record.by}: {record.reason}", (*at, "reason"))
            )
    return found, passed


def _moved(move: Moving | None) -> str:
    if move is None:
        return "nothing"
    if move.platform is not None:
        return f"platform {move.platform}"
    return ", ".join(f"{s} {v}" if v else f"{s} (removed)" for s, v in move.services.items())


def _pending(before: Repo, after: Repo) -> Iterator[Finding]:
    if before.platform is None or after.platform is None:
        return
    doc = after.documents.get(layout.PLATFORM)
    for index, environment in enumerate(after.platform.environments):
        was = before.platform.environment(environment.name)
        if doc is not None and was is not None and was.gates != environment.gates:
            yield PENDING.of(
                doc,
                f"the gates of {environment.name} change; they judge changes once this one is merged "
                "(the base's gates judge this one)",
                ("environments", index, "name"),
            )


def judge(before: Repo, after: Repo, now: datetime) -> list[Finding]:
    """The gate findings of the change from `before` to `after`, judged at `now` (pull-request mode: the base
    and the head; a writer: the working tree and the tree with its change)."""
    moves = moving(before, after)
    findings = list(_pending(before, after))
    held = _holds(before, after, moves, now) if moves else []
    overridden, passed = _overrides(before, after, moves, held)
    findings += overridden
    for hold in held:
        if (hold.environment, hold.gate) in passed:
            continue
        doc = after.documents.get(layout.lock(hold.environment))
        if doc is not None:
            findings.append(BY_GATE[hold.gate].of(doc, hold.message, _pointer(moves[hold.environment])))
    return findings


def holds(repo: Repo, environment: str, now: datetime) -> list[Hold]:
    """What holds promoting into `environment` what the environment before it runs now (for `status`); [] when
    nothing waits."""
    platform = repo.platform
    target = platform.environment(environment) if platform else None
    upstream = platform.upstream(environment) if platform and target else None
    lock, source = repo.locks.get(environment), repo.locks.get(upstream.name) if upstream else None
    if target is None or upstream is None or lock is None or source is None:
        return []
    if target.mode == "platform":
        if not _newer(lock.platform, source.platform):
            return []
        move = Moving(environment, source.platform, {})
    else:
        services = {s: pin.version for s, pin in source.services.items() if _newer(_pin(lock, s), pin.version)}
        if not services:
            return []
        move = Moving(environment, None, services)
    return list(_move_holds(repo, target, upstream, move, now))


# --- the config rules ---------------------------------------------------------------------------------------------


def _config(platform: Platform, doc: Document) -> Iterator[Finding]:
    for index, environment in enumerate(platform.environments):
        gates = environment.gates
        at: Pointer = ("environments", index, "gates")
        if index == 0:
            for key, value in (("soak", gates.soak), ("checks", gates.checks)):
                if value:
                    yield FIRST_ENVIRONMENT.of(
                        doc, f"{environment.name} is the first environment: nothing runs before it to {key}", (*at, key)
                    )
        if gates.max_services is not None and environment.mode == "platform":
            yield MAX_SERVICES_MODE.of(
                doc,
                f"{environment.name} is platform-mode: it moves whole platform versions, not a number of services",
                (*at, "maxServicesPerPromotion"),
            )
        for number, window in enumerate(gates.freeze):
            where: Pointer = (*at, "freeze", number)
            problem = freeze.zone_problem(window.tz)
            if problem is not None:
                yield UNKNOWN_TIME_ZONE.of(doc, problem, (*where, "tz"))
                continue
            problem = freeze.window_problem(window)
            if problem is not None:
                yield FREEZE_RANGE.of(doc, problem, (*where, "from"))


def check(repo: Repo) -> Iterable[Finding]:
    doc = repo.documents.get(layout.PLATFORM)
    findings = [] if repo.platform is None or doc is None else list(_config(repo.platform, doc))
    if repo.base is not None and repo.base.platform is not None:
        findings += judge(repo.base, repo, now_of(repo))
    return findings
