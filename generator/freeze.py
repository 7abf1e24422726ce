"""The time math of promotion gates: soak durations, ledger instants, freeze windows (no repository file, no clock).

Every instant here is an aware UTC datetime. A freeze window is written in local wall-clock time of an IANA zone,
so each occurrence is resolved to UTC with the zone's rules:
- a wall time that does not exist (the spring-forward gap) resolves to the instant of the jump;
- a wall time that exists twice (the fall-back overlap) resolves to its first occurrence for a start and its
  second for an end.
So an occurrence is one contiguous interval that covers every instant whose wall clock falls inside the window:
it never reopens for the repeated hour, and a Fri 15:00-Mon 08:00 window lasts 64, 65 or 66 hours.

Zones come from the `tzdata` package (a dependency), so a laptop and CI compute the same windows whatever their OS
zone data; the OS's data is used only when the package is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache, reduce
from importlib import resources
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator.model import FreezeWindow

UTC = timezone.utc
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HORIZON = timedelta(days=400)  # `frozen` stops chaining windows this far ahead: "frozen for more than 400 days"
MAX_CHAIN = 60  # ... or after this many occurrences

DURATION = re.compile(r"^([1-9][0-9]{0,4})(m|h|d)$")
UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}
INSTANT = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")
INSTANT_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_DAY_TIME = r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([01][0-9]|2[0-3]):([0-5][0-9])"
WEEKLY = re.compile(f"^{_DAY_TIME}-{_DAY_TIME}$")
LOCAL_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2})?$")
ZONE_KEY = re.compile(r"^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$")  # no dots, no leading slash: no path tricks


# --- durations and instants -----------------------------------------------------------------------------------


def parse_duration(text: str) -> timedelta:
    """`30m`, `24h`, `2d` (platform.yaml `gates.soak`)."""
    match = DURATION.match(text)
    if match is None:
        raise ValueError(f"`{text[:40]}` is not a duration such as 30m, 24h or 2d")
    return int(match.group(1)) * UNITS[match.group(2)]


def format_duration(delta: timedelta) -> str:
    """`30m`, `24h`, `2d`, `2d 1h 30m`, `45s`: the largest units first (days from 48h on), zero parts left out."""
    if delta < timedelta(0):
        raise ValueError(f"a duration is not negative: {delta}")
    seconds = int(delta.total_seconds())
    parts = []
    units = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
    for unit, size in units if seconds >= 2 * 86400 else units[1:]:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts) or "0m"


def parse_instant(text: str) -> datetime:
    """`2026-11-28T10:15:00Z` (the ledger's timestamps and `--now`) as an aware UTC datetime."""
    if INSTANT.match(text) is None:
        raise ValueError(f"`{text[:40]}` is not a UTC time such as 2026-11-28T10:15:00Z")
    try:
        return datetime.strptime(text, INSTANT_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"`{text}` is not a valid date and time") from None


def order(at: str) -> str:
    """A ledger timestamp (`2026-11-28T10:15:00Z`, with an optional fraction of a second as its schema allows) as a
    key that sorts by time: without the `Z`, which would sort after the fraction's dot."""
    return at.removesuffix("Z")


def record_instant(at: str) -> datetime:
    """A ledger timestamp as its schema allows it (seconds, an optional fraction, `Z`) as an aware UTC datetime;
    ValueError for a time that does not exist (2026-02-30)."""
    seconds, _, fraction = order(at).partition(".")
    return parse_instant(f"{seconds}Z") + timedelta(microseconds=int(fraction[:6].ljust(6, "0") or 0))


def format_instant(instant: datetime) -> str:
    return _utc(instant).strftime(INSTANT_FORMAT)


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError(f"{instant} has no time zone (freeze math takes aware UTC datetimes)")
    return instant.astimezone(UTC)


# --- zones -----------------------------------------------------------------------------------------------------


def zone(key: str) -> ZoneInfo:
    """The IANA zone `key` from the `tzdata` package (the OS's zone data only when the package is missing)."""
    if len(key) > 64 or ZONE_KEY.match(key) is None:
        raise ValueError(f"`{key[:64]}` is not an IANA time zone name such as Europe/Berlin or UTC")
    return _zone(key)


@lru_cache(maxsize=64)
def _zone(key: str) -> ZoneInfo:
    packaged = _packaged_keys()
    try:
        if packaged is None:  # no tzdata package: the OS's zone data
            return ZoneInfo(key)
        if key in packaged:  # listed, in its exact case (a case-insensitive file system would find `europe/berlin`)
            path = reduce(
                lambda folder, part: folder.joinpath(part), key.split("/"), resources.files("tzdata.zoneinfo")
            )
            with path.open("rb") as data:
                return ZoneInfo.from_file(data, key=key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    raise ValueError(f"unknown time zone `{key}` (IANA names such as Europe/Berlin or UTC)")


@lru_cache(maxsize=1)
def _packaged_keys() -> frozenset[str] | None:
    """The zone names the `tzdata` package holds, None when it is not installed."""
    try:
        return frozenset(resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8").split())
    except (ModuleNotFoundError, OSError):
        return None


def zone_problem(key: str) -> str | None:
    """Why `key` is unusable as a window's `tz`, None when it loads."""
    try:
        zone(key)
    except ValueError as error:
        return str(error)
    return None


def local(instant: datetime, tz: str) -> str:
    """`Mon 08:00 CET`: the wall clock of `tz` at `instant`, for messages."""
    wall = _utc(instant).astimezone(zone(tz))
    return f"{DAYS[wall.weekday()]} {wall:%H:%M} {wall.tzname()}"


def resolve(wall: datetime, tz: ZoneInfo, *, last: bool) -> datetime:
    """The UTC instant at which the clock of `tz` shows the naive `wall` time: the jump for a time in a
    spring-forward gap; the first (`last=False`) or second (`last=True`) occurrence of a repeated time."""
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    low, high = min(first, second), max(first, second)
    if _wall(first, tz) == wall:  # it exists, once (first == second) or twice
        return high if last else low
    # the gap: zoneinfo does not expose transitions, so bisect (to the second) for the first instant past `wall`
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if _wall(middle, tz) >= wall:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def _wall(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


# --- windows ---------------------------------------------------------------------------------------------------


class Weekly(NamedTuple):
    """A parsed `weekly` spec: start weekday and time, and the end that many days later."""

    day: int  # 0 = Monday
    start: time
    days: int  # days from the start day to the end day (7 when the window wraps to the same weekday)
    end: time


def parse_weekly(text: str) -> Weekly:
    """`Fri 15:00-Mon 08:00`."""
    match = WEEKLY.match(text)
    if match is None:
        raise ValueError(f"`{text[:40]}` is not a weekly window such as Fri 15:00-Mon 08:00")
    start_day, start_hour, start_minute, end_day, end_hour, end_minute = match.groups()
    start, end = time(int(start_hour), int(start_minute)), time(int(end_hour), int(end_minute))
    days = (DAYS.index(end_day) - DAYS.index(start_day)) % 7
    if days == 0 and end <= start:
        days = 7  # "Mon 08:00-Mon 07:00": almost a week
    return Weekly(DAYS.index(start_day), start, days, end)


def parse_local(text: str, *, end: bool) -> datetime:
    """A range bound as a naive local time: a date is 00:00, and a date `to` is inclusive (00:00 the day after)."""
    if LOCAL_DATE.match(text) is None:
        raise ValueError(f"`{text[:40]}` is not a date such as 2026-12-20 (or a local time such as 2026-12-20T18:00)")
    try:
        if "T" in text:
            return datetime.fromisoformat(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"`{text}` is not a valid date or time") from None
    return datetime.combine(day + timedelta(days=1) if end else day, time(0))


def weekly_occurrences(spec: Weekly, tz: ZoneInfo, now: datetime, weeks: range) -> Iterator[tuple[datetime, datetime]]:
    """The occurrences (start, end) in UTC whose start day lies in the given weeks, counted from `now`'s local
    week (0); week -1 holds a window that began last week and is still on (Fri->Mon evaluated on Monday)."""
    today = _wall(now, tz).date()
    monday = today - timedelta(days=today.weekday())
    for week in weeks:
        first_day = monday + timedelta(days=7 * week + spec.day)
        yield (
            resolve(datetime.combine(first_day, spec.start), tz, last=False),
            resolve(datetime.combine(first_day + timedelta(days=spec.days), spec.end), tz, last=True),
        )


def range_occurrence(window: FreezeWindow) -> tuple[datetime, datetime]:
    """The one occurrence (start, end) in UTC of a `from`/`to` window."""
    if window.start is None or window.end is None:
        raise ValueError("a freeze window is `weekly` or a range with `from` and `to`")
    tz = zone(window.tz)
    start = resolve(parse_local(window.start, end=False), tz, last=False)
    return start, resolve(parse_local(window.end, end=True), tz, last=True)


def occurrence(window: FreezeWindow, now: datetime) -> tuple[datetime, datetime] | None:
    """The occurrence (start inclusive, end exclusive, UTC) of `window` that holds `now`, or None."""
    now = _utc(now)
    if window.weekly is None:
        candidates: Iterator[tuple[datetime, datetime]] = iter((range_occurrence(window),))
    else:
        candidates = weekly_occurrences(parse_weekly(window.weekly), zone(window.tz), now, range(-1, 1))
    return next(((start, end) for start, end in candidates if start <= now < end), None)


def window_problem(window: FreezeWindow) -> str | None:
    """What makes a (schema-valid) window unusable: an unknown zone, or a range whose `from` is not before `to`."""
    problem = zone_problem(window.tz)
    if problem is not None or window.weekly is not None:
        return problem
    try:
        start, end = range_occurrence(window)
    except ValueError as error:
        return str(error)
    return None if start < end else f"`from` {window.start} is not before `to` {window.end}"


class Freeze(NamedTuple):
    """A window that holds `now`: its occurrence, and when no window holds any more."""

    window: FreezeWindow  # the first window (in order) that holds now
    start: datetime
    end: datetime  # the end of this occurrence
    opens: datetime  # the end of the chain of overlapping or adjacent windows; now + HORIZON when `endless`
    endless: bool = False  # the windows chain on beyond HORIZON (or MAX_CHAIN occurrences): no opening in sight


def holding(windows: Sequence[FreezeWindow], now: datetime) -> tuple[FreezeWindow, datetime, datetime] | None:
    """The first window that holds `now`, with its occurrence."""
    for window in windows:
        found = occurrence(window, now)
        if found is not None:
            return window, *found
    return None


def frozen(windows: Sequence[FreezeWindow], now: datetime) -> Freeze | None:
    """The freeze that holds `now`, None when no window does."""
    now = _utc(now)
    first = holding(windows, now)
    if first is None:
        return None
    window, start, opens = first
    for _ in range(MAX_CHAIN):
        if opens - now > HORIZON:
            break
        chained = holding(windows, opens)
        if chained is None:
            return Freeze(window, start, first[2], opens)
        opens = chained[2]
    return Freeze(window, start, first[2], now + HORIZON, endless=True)


def until(freeze: Freeze) -> str:
    """`until 2026-11-30T07:00:00Z (Mon 08:00 CET)`, or `for more than 400 days`, for messages."""
    if freeze.endless:
        return f"for more than {HORIZON.days} days"
    return f"until {format_instant(freeze.opens)} ({local(freeze.opens, freeze.window.tz)})"


def upcoming(windows: Sequence[FreezeWindow], now: datetime, within: timedelta) -> tuple[FreezeWindow, datetime] | None:
    """The window that starts next after `now` (not at it) and no later than `now + within`, with that start;
    the first in order on a tie."""
    now = _utc(now)
    best: tuple[FreezeWindow, datetime] | None = None
    for window in windows:
        for start in _starts(window, now, within):
            if now < start <= now + within and (best is None or start < best[1]):
                best = (window, start)
    return best


def _starts(window: FreezeWindow, now: datetime, within: timedelta) -> Iterator[datetime]:
    if window.weekly is None:
        yield range_occurrence(window)[0]
        return
    weeks = range(0, within.days // 7 + 2)
    yield from (start for start, _ in weekly_occurrences(parse_weekly(window.weekly), zone(window.tz), now, weeks))


def describe(window: FreezeWindow) -> str:
    """`weekly Fri 15:00-Mon 08:00 Europe/Berlin` (`, REASON` after it when given) or
    `holidays 2026-12-20..2027-01-04 Europe/Berlin` (the reason first, `freeze` when none)."""
    if window.weekly is not None:
        text = f"weekly {window.weekly} {window.tz}"
        return text if window.reason is None else f"{text}, {window.reason}"
    return f"{window.reason or 'freeze'} {window.start}..{window.end} {window.tz}"
