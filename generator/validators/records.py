"""Rule family `records`: the check records, the overrides and the arrivals are written once and only appended.

In pull-request mode (a base) it judges the record files the change touches: a check record
(environments/<env>/verifications/...) that exists at base is never changed or removed, and the records of
overrides.yaml and arrivals/<YYYY-MM>.yaml at base stay as they are, in front of what is appended. A new record
sits where its content says, and its `at` is neither earlier than the file's last at base nor later than now.
With the files a pre-commit hook gives (`validate --base HEAD FILE...`), it judges those files alone (without a
base: the order inside each file).
Without either it judges nothing: the gates read the records they need, and the schema family reports
overrides.yaml and the arrivals. The cost follows the files changed, never the history.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from generator import freeze, layout
from generator.errors import LoadError
from generator.findings import Finding, Rule
from generator.model import Verification
from generator.repository import Repo, now_of, record_document
from generator.yamlio import Document

REWRITTEN = Rule(
    "records.rewritten",
    "error",
    "(with --base) A check record is never changed or removed; overrides and arrivals are only appended.",
)
MISNAMED = Rule(
    "records.misnamed",
    "error",
    "A record sits where its content says: a check record's path names its environment, subject, version, "
    "check and time; overrides and arrivals files their environment, an arrival the UTC month of its file.",
)
BACKDATED = Rule(
    "records.backdated",
    "error",
    "A new record's `at` is not earlier than the last one at base (the order in its file without a base) "
    "and not later than now plus 5 minutes.",
)
UNREADABLE = Rule("records.unreadable", "error", "A check record the change adds loads and follows its schema.")

INPUTS: tuple[str, ...] = ("environments/*",)
RULES: tuple[Rule, ...] = (REWRITTEN, MISNAMED, BACKDATED, UNREADABLE)
SKEW = timedelta(minutes=5)  # how far ahead of the check's clock a record may be (clocks differ a little)
PATH = "verifications/{platform/<V>|services/<service>/<v>}/<check>.<YYYYMMDDTHHMMSSZ>.yaml"


def _kind(relative: str) -> str | None:
    parts = relative.split("/")
    if len(parts) < 3 or parts[0] != layout.ENVIRONMENTS_DIR:
        return None
    if parts[2] == "verifications":
        return "verification"
    if len(parts) == 3 and parts[2] == "overrides.yaml":
        return "overrides"
    if len(parts) == 4 and parts[2] == "arrivals":
        return "arrivals"
    return None


def _named(relative: str) -> dict[str, Any] | None:
    """What a check record's path says: environment, service (None: platform), version, check, at."""
    parts = relative.split("/")
    subject = parts[3:-1]
    if len(subject) == 2 and subject[0] == "platform":
        service, version = None, subject[1]
    elif len(subject) == 3 and subject[0] == "services":
        service, version = subject[1], subject[2]
    else:
        return None
    check, dot, stamp = parts[-1].removesuffix(".yaml").rpartition(".")
    if not dot or not parts[-1].endswith(".yaml") or len(stamp) != 16:
        return None
    at = f"{stamp[0:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[9:11]}:{stamp[11:13]}:{stamp[13:15]}Z"
    return {"environment": parts[1], "service": service, "version": version, "check": check, "at": at}


def _read(repo: Repo, relative: str) -> bytes | None:
    """The file's bytes (None: absent); a file that cannot be read (a link, too large) reads as its problem."""
    try:
        return repo.tree.read(relative)
    except LoadError as error:
        return str(error).encode()


def _verification(repo: Repo, relative: str, latest: datetime) -> Iterator[Finding]:
    base = repo.base
    raw = _read(base, relative) if base is not None else None
    if raw is not None and base is not None:
        if _read(repo, relative) == raw:
            return  # given to the hook, unchanged
        doc, was = record_document(repo, relative, "verification"), record_document(base, relative, "verification")
        if doc is None:
            yield REWRITTEN.at(relative, 1, 1, "a check record is never changed or removed; this one was removed")
            return
        data, before = doc.data if isinstance(doc.data, dict) else {}, was.data if was and was.ok else {}
        key = next((k for k in (*before, *data) if data.get(k) != before.get(k)), None)
        message = f"a check record is never changed or removed; this one was changed{f' (`{key}`)' if key else ''}"
        yield REWRITTEN.of(doc, message, (key,) if key is not None and key in data else (), key=True)
        return
    doc = record_document(repo, relative, "verification")
    if doc is None:
        return  # removed, and not at base: nothing was recorded
    if not doc.ok:
        for problem in doc.problems:
            yield UNREADABLE.at(problem.file, problem.line, problem.column, problem.message)
        return
    record = Verification.from_data(doc.data)
    named = _named(relative)
    if named is None:
        yield MISNAMED.at(relative, 1, 1, f"a check record goes to environments/<env>/{PATH}")
    else:
        for key, said in named.items():
            content = getattr(record, key)
            if content != said:
                shown = "platform" if key == "service" and content is None else content
                message = f"`{key}` {shown} here, {said or 'platform'} in the path: a record sits where it says"
                yield MISNAMED.of(doc, message, (key,) if key in doc.data else (), key=key not in doc.data)
                break
    if _later(record.at, latest):
        yield BACKDATED.of(doc, f"at {record.at} is later than now ({_now(latest)}) plus 5 minutes", ("at",))


def _later(at: str, latest: datetime) -> bool:
    """`at` is after `latest` (never a crash: compared as time-ordered text)."""
    return freeze.order(at) > freeze.order(freeze.format_instant(latest))


def _now(latest: datetime) -> str:
    return freeze.format_instant(latest - SKEW)


def _appended(
    doc: Document,
    key: str,
    now: Sequence[Any],
    was: Sequence[Any] | None,
    last: str,
    latest: datetime,
    what: str,
) -> Iterator[Finding]:
    """`now` starts with `was` (None: no base, judge the whole file), and each record after it is at or after
    `last` (the file's last at base) and the one before it, and not after `latest`."""
    start = 0
    if was is not None:
        kept = tuple(now[: len(was)])
        if kept != tuple(was):
            index = next((i for i, (a, b) in enumerate(zip(kept, was, strict=False)) if a != b), len(kept))
            pointer: tuple[str | int, ...] = (key, index) if index < len(now) else (key,)
            if index < len(now):  # at the first field that changed
                edited, recorded = now[index].as_data(), was[index].as_data()
                field = next((k for k in (*recorded, *edited) if edited.get(k) != recorded.get(k)), None)
                pointer += (field,) if field is not None and field in edited else ()
            message = f"record {index + 1} of {what} was edited or removed; records are only appended"
            yield REWRITTEN.of(doc, message, pointer, key=index >= len(kept))
            return
        start = len(was)
    for index in range(start, len(now)):
        at = now[index].at
        if freeze.order(at) < freeze.order(last):
            yield BACKDATED.of(doc, f"at {at} is earlier than {last}, the record before it", (key, index, "at"))
        elif _later(at, latest):
            yield BACKDATED.of(doc, f"at {at} is later than now ({_now(latest)}) plus 5 minutes", (key, index, "at"))
        last = max(last, at, key=freeze.order)


def _overrides(repo: Repo, relative: str, latest: datetime) -> Iterator[Finding]:
    environment = relative.split("/")[1]
    base = repo.base
    was = base.overrides.get(environment) if base is not None else None
    doc, now = repo.documents.get(relative), repo.overrides.get(environment)
    if now is None or doc is None:
        if was is not None and _read(repo, relative) is None:
            yield REWRITTEN.at(
                relative, 1, 1, f"the overrides of {environment} were removed; records are only appended"
            )
        return  # not loading: the schema family says why
    if now.environment != environment:
        yield MISNAMED.of(doc, f"`environment` {now.environment} here, {environment} in the path", ("environment",))
    records = was.records if was is not None else (() if base is not None else None)
    last = max((r.at for r in was.records), default="", key=freeze.order) if was is not None else ""
    yield from _appended(doc, "overrides", now.records, records, last, latest, f"{environment}'s overrides")


def _arrivals(repo: Repo, relative: str, latest: datetime) -> Iterator[Finding]:
    environment, month = relative.split("/")[1], relative.rsplit("/", 1)[1].removesuffix(".yaml")
    base = repo.base
    was_months = base.arrivals.get(environment, []) if base is not None else []
    was = next((a for a in was_months if a.month == month), None)
    doc = repo.documents.get(relative)
    now = next((a for a in repo.arrivals.get(environment, []) if a.month == month), None)
    if now is None or doc is None:
        if was is not None and _read(repo, relative) is None:
            message = f"the {month} arrivals of {environment} were removed; records are only appended"
            yield REWRITTEN.at(relative, 1, 1, message)
        return  # not loading: the schema family says why
    if now.environment != environment:
        yield MISNAMED.of(doc, f"`environment` {now.environment} here, {environment} in the path", ("environment",))
    records = was.records if was is not None else (() if base is not None else None)
    start = len(records) if records is not None else 0
    for index, record in enumerate(now.records[start:], start):
        if layout.arrival_month(record.at) != month:
            message = f"at {record.at} is not in {month}: an arrival goes to the file of its UTC month"
            yield MISNAMED.of(doc, message, ("arrivals", index, "at"))
    last = max((r.at for a in was_months if a.month <= month for r in a.records[-1:]), default="", key=freeze.order)
    yield from _appended(doc, "arrivals", now.records, records, last, latest, f"{environment}'s {month} arrivals")


JUDGES = {"verification": _verification, "overrides": _overrides, "arrivals": _arrivals}


def check(repo: Repo) -> Iterable[Finding]:
    if repo.focus.files is not None:  # the pre-commit hook: the files it stages (compared with HEAD, its base)
        files: Iterable[str] = repo.focus.files
    elif repo.base is not None:
        files = repo.changed()
    else:
        return []
    latest = now_of(repo) + SKEW
    findings: list[Finding] = []
    for relative in sorted(files):
        kind = _kind(relative)
        if kind is not None:
            findings.extend(JUDGES[kind](repo, relative, latest))
    return findings
