"""Freeze windows and soak durations: the DST table of the design note, boundaries to the second, ranges, chains."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import generator
from generator.freeze import (
    HORIZON,
    Freeze,
    describe,
    format_duration,
    format_instant,
    frozen,
    local,
    occurrence,
    parse_duration,
    parse_instant,
    until,
    upcoming,
    window_problem,
    zone,
    zone_problem,
)
from generator.model import FreezeWindow

WEEKEND = "Fri 15:00-Mon 08:00"


def at(text: str) -> datetime:
    return parse_instant(text)


def span(window: FreezeWindow, now: str) -> tuple[str, str] | None:
    found = occurrence(window, at(now))
    return None if found is None else (format_instant(found[0]), format_instant(found[1]))


@pytest.mark.parametrize(
    ("tz", "friday", "start", "end", "hours"),
    [
        ("Europe/Berlin", "2026-03-27", "2026-03-27T14:00:00Z", "2026-03-30T06:00:00Z", 64),
        ("Europe/Berlin", "2026-10-23", "2026-10-23T13:00:00Z", "2026-10-26T07:00:00Z", 66),
        ("Europe/Berlin", "2027-03-26", "2027-03-26T14:00:00Z", "2027-03-29T06:00:00Z", 64),
        ("Europe/Berlin", "2027-10-29", "2027-10-29T13:00:00Z", "2027-11-01T07:00:00Z", 66),
        ("Europe/Berlin", "2026-07-03", "2026-07-03T13:00:00Z", "2026-07-06T06:00:00Z", 65),
        ("America/New_York", "2026-03-06", "2026-03-06T20:00:00Z", "2026-03-09T12:00:00Z", 64),
        ("America/New_York", "2026-10-30", "2026-10-30T19:00:00Z", "2026-11-02T13:00:00Z", 66),
        ("America/New_York", "2027-03-12", "2027-03-12T20:00:00Z", "2027-03-15T12:00:00Z", 64),
        ("America/New_York", "2027-11-05", "2027-11-05T19:00:00Z", "2027-11-08T13:00:00Z", 66),
        ("America/New_York", "2026-07-03", "2026-07-03T19:00:00Z", "2026-07-06T12:00:00Z", 65),
    ],
)
def test_a_weekend_window_follows_the_wall_clock_across_dst(
    tz: str, friday: str, start: str, end: str, hours: int
) -> None:
    window = FreezeWindow(weekly=WEEKEND, tz=tz)
    friday_16_local = at(start) + timedelta(hours=1)
    assert friday_16_local.astimezone(zone(tz)).strftime("%Y-%m-%d %H:%M") == f"{friday} 16:00"
    found = occurrence(window, friday_16_local)
    assert found is not None
    assert (format_instant(found[0]), format_instant(found[1])) == (start, end)
    assert found[1] - found[0] == timedelta(hours=hours)
    # the same occurrence holds on Monday morning: the window began last week
    assert occurrence(window, found[1] - timedelta(seconds=1)) == found


@pytest.mark.parametrize(
    ("tz", "before", "first", "last", "after"),
    [
        ("Europe/Berlin", "2026-03-27T13:59:59Z", "2026-03-27T14:00:00Z", "2026-03-30T05:59:59Z",
         "2026-03-30T06:00:00Z"),
        ("America/New_York", "2026-10-30T18:59:59Z", "2026-10-30T19:00:00Z", "2026-11-02T12:59:59Z",
         "2026-11-02T13:00:00Z"),
    ],
)  # fmt: skip
def test_start_is_inclusive_and_end_exclusive_to_the_second(
    tz: str, before: str, first: str, last: str, after: str
) -> None:
    windows = [FreezeWindow(weekly=WEEKEND, tz=tz)]
    assert frozen(windows, at(before)) is None
    assert frozen(windows, at(first)) is not None
    assert frozen(windows, at(last)) is not None
    assert frozen(windows, at(after)) is None


def test_an_end_in_the_spring_gap_ends_at_the_jump() -> None:
    window = FreezeWindow(weekly="Sat 22:00-Sun 02:30", tz="Europe/Berlin")  # 02:30 does not exist on 2026-03-29
    assert span(window, "2026-03-29T00:59:59Z") == ("2026-03-28T21:00:00Z", "2026-03-29T01:00:00Z")
    assert span(window, "2026-03-29T01:00:00Z") is None  # 03:00 CEST


def test_an_end_in_the_fall_overlap_takes_the_second_occurrence_and_never_flickers() -> None:
    window = FreezeWindow(weekly="Sat 22:00-Sun 02:30", tz="Europe/Berlin")  # 02:00-02:59 happens twice on 2026-10-25
    frozen_through = ["2026-10-25T00:29:59Z", "2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:29:59Z"]
    assert all(span(window, now) == ("2026-10-24T20:00:00Z", "2026-10-25T01:30:00Z") for now in frozen_through)
    assert span(window, "2026-10-25T01:30:00Z") is None  # 02:30 CET, the second 02:30


def test_a_start_in_the_spring_gap_starts_at_the_jump() -> None:
    window = FreezeWindow(weekly="Sun 02:30-Sun 06:00", tz="America/New_York")
    assert span(window, "2026-03-08T06:59:59Z") is None
    assert span(window, "2026-03-08T07:00:00Z") == ("2026-03-08T07:00:00Z", "2026-03-08T10:00:00Z")  # 03:00 EDT


def test_an_ambiguous_start_takes_the_first_occurrence() -> None:
    window = FreezeWindow(weekly="Sun 01:30-Sun 03:00", tz="America/New_York")  # 01:30 happens twice on 2026-11-01
    assert span(window, "2026-11-01T05:29:59Z") is None
    assert span(window, "2026-11-01T05:30:00Z") == ("2026-11-01T05:30:00Z", "2026-11-01T08:00:00Z")  # 01:30 EDT
    assert span(window, "2026-11-01T07:59:59Z") is not None
    assert span(window, "2026-11-01T08:00:00Z") is None  # 03:00 EST


def test_a_date_range_is_frozen_through_its_last_day() -> None:
    window = FreezeWindow(start="2026-12-20", end="2027-01-04", tz="Europe/Berlin", reason="holidays")
    assert span(window, "2026-12-19T22:59:59Z") is None
    assert span(window, "2026-12-19T23:00:00Z") == ("2026-12-19T23:00:00Z", "2027-01-04T23:00:00Z")
    assert span(window, "2027-01-04T22:59:59Z") is not None  # 23:59:59 on the 4th, Berlin
    assert span(window, "2027-01-04T23:00:00Z") is None


def test_a_range_with_local_times_ends_before_its_to() -> None:
    window = FreezeWindow(start="2026-12-20T18:00", end="2027-01-04T08:00", tz="Europe/Berlin", reason="holidays")
    assert span(window, "2026-12-20T16:59:59Z") is None
    assert span(window, "2026-12-20T17:00:00Z") == ("2026-12-20T17:00:00Z", "2027-01-04T07:00:00Z")
    assert span(window, "2027-01-04T07:00:00Z") is None


def test_adjacent_windows_chain_into_one_opening() -> None:
    weekend = FreezeWindow(weekly=WEEKEND, tz="Europe/Berlin")
    holidays = FreezeWindow(start="2026-11-30T08:00", end="2026-12-01", tz="Europe/Berlin", reason="migration")
    freeze = frozen([weekend, holidays], at("2026-11-27T15:00:00Z"))  # Friday 16:00 CET
    assert freeze == Freeze(weekend, at("2026-11-27T14:00:00Z"), at("2026-11-30T07:00:00Z"), at("2026-12-01T23:00:00Z"))
    assert until(freeze) == "until 2026-12-01T23:00:00Z (Wed 00:00 CET)"
    assert frozen([weekend], at("2026-11-27T15:00:00Z")) == freeze._replace(opens=at("2026-11-30T07:00:00Z"))


def test_windows_that_never_open_stop_at_the_horizon() -> None:
    always = [FreezeWindow(weekly="Mon 00:00-Thu 00:00"), FreezeWindow(weekly="Thu 00:00-Mon 00:00")]
    now = at("2026-11-27T15:00:00Z")
    freeze = frozen(always, now)
    assert freeze is not None and freeze.endless
    assert freeze.opens == now + HORIZON
    assert until(freeze) == "for more than 400 days"


def test_upcoming_names_the_next_start_within_the_horizon_given() -> None:
    weekend = FreezeWindow(weekly=WEEKEND, tz="Europe/Berlin")
    holidays = FreezeWindow(start="2026-12-20", end="2027-01-04", tz="Europe/Berlin", reason="holidays")
    wednesday = at("2026-11-25T12:00:00Z")
    assert upcoming([holidays, weekend], wednesday, timedelta(days=7)) == (weekend, at("2026-11-27T14:00:00Z"))
    assert upcoming([holidays, weekend], wednesday, timedelta(days=1)) is None
    saturday = at("2026-12-19T12:00:00Z")
    assert upcoming([weekend, holidays], saturday, timedelta(days=2)) == (holidays, at("2026-12-19T23:00:00Z"))


def test_unknown_or_malformed_zones_are_refused_with_a_short_reason() -> None:
    assert zone_problem("Europe/Berlin") is None
    assert zone_problem("Etc/GMT+5") is None
    for key in ("Europe/Berlni", "Europe", "Mars/Olympus", "europe/berlin", "posixrules"):
        assert zone_problem(key) == f"unknown time zone `{key}` (IANA names such as Europe/Berlin or UTC)"
    for key in ("../etc/passwd", "/etc/localtime", "Europe/../Europe/Berlin", "", "zone1970.tab"):
        assert zone_problem(key) == f"`{key}` is not an IANA time zone name such as Europe/Berlin or UTC"
    with pytest.raises(ValueError, match="Europe/Berlni"):
        occurrence(FreezeWindow(weekly=WEEKEND, tz="Europe/Berlni"), at("2026-11-27T15:00:00Z"))


def test_window_problem_names_a_range_that_ends_before_it_starts() -> None:
    backwards = FreezeWindow(start="2027-01-04", end="2026-12-20", reason="holidays")
    assert window_problem(backwards) == "`from` 2027-01-04 is not before `to` 2026-12-20"
    assert window_problem(backwards._replace(end="2027-01-04")) is None  # one day, inclusive
    assert window_problem(backwards._replace(end="2027-01-04T00:00")) == (
        "`from` 2027-01-04 is not before `to` 2027-01-04T00:00"
    )
    assert window_problem(FreezeWindow(weekly=WEEKEND, tz="Mars/Olympus")) is not None
    assert window_problem(backwards._replace(start="2026-13-01")) == "`2026-13-01` is not a valid date or time"
    assert (
        window_problem(backwards._replace(end="2027-01-04T24:00")) == "`2027-01-04T24:00` is not a valid date or time"
    )


def test_zones_come_from_the_tzdata_package_without_the_system_database() -> None:
    script = (
        "from datetime import datetime, timezone\n"
        "import zoneinfo\n"
        "from generator.freeze import zone\n"
        "assert zoneinfo.TZPATH == ('/nonexistent',), zoneinfo.TZPATH\n"
        "try:\n"
        "    zoneinfo.ZoneInfo('Europe/Berlin')\n"  # the interpreter alone finds it too, in the tzdata package
        "except zoneinfo.ZoneInfoNotFoundError:\n"
        "    raise SystemExit('tzdata is not installed')\n"
        "berlin = zone('Europe/Berlin')\n"
        "for day in ('2026-01-15', '2026-07-15'):\n"
        "    print(datetime.fromisoformat(day + 'T12:00:00+00:00').astimezone(berlin).utcoffset())\n"
    )
    env = {**os.environ, "PYTHONTZPATH": "/nonexistent"}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1:00:00", "2:00:00"]
    # without site-packages (no tzdata package) and without system zone data, the zone is unknown: tzdata is needed
    script = "from generator.freeze import zone_problem; print(zone_problem('Europe/Berlin'))"
    env["PYTHONPATH"] = str(Path(generator.__file__).parent.parent)
    result = subprocess.run([sys.executable, "-S", "-c", script], env=env, capture_output=True, text=True, check=False)
    assert result.stdout == "unknown time zone `Europe/Berlin` (IANA names such as Europe/Berlin or UTC)\n"


@pytest.mark.parametrize(
    ("text", "delta"), [("30m", timedelta(minutes=30)), ("24h", timedelta(hours=24)), ("2d", timedelta(days=2))]
)
def test_durations_round_trip(text: str, delta: timedelta) -> None:
    assert parse_duration(text) == delta
    assert format_duration(delta) == text


def test_format_duration_names_the_largest_units_first() -> None:
    assert format_duration(timedelta(days=2, hours=1, minutes=30)) == "2d 1h 30m"
    assert format_duration(timedelta(days=1, hours=12)) == "36h"
    assert format_duration(timedelta(seconds=45)) == "45s"
    assert format_duration(timedelta(0)) == "0m"


@pytest.mark.parametrize("text", ["0h", "24", "1w", "24H", "123456m", " 2d", "2d ", "-1h", "1.5h", ""])
def test_parse_duration_refuses_what_the_schema_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration such as 30m, 24h or 2d"):
        parse_duration(text)


def test_instants_round_trip() -> None:
    instant = parse_instant("2026-11-28T10:15:00Z")
    assert instant.utcoffset() == timedelta(0)
    assert format_instant(instant) == "2026-11-28T10:15:00Z"


@pytest.mark.parametrize(
    "text", ["2026-11-28T10:15:00", "2026-11-28T10:15:00+01:00", "2026-11-28 10:15:00Z", "2026-11-28", "now"]
)
def test_parse_instant_refuses_anything_but_the_utc_form(text: str) -> None:
    with pytest.raises(ValueError, match="is not a UTC time such as 2026-11-28T10:15:00Z"):
        parse_instant(text)


def test_parse_instant_refuses_an_impossible_date() -> None:
    with pytest.raises(ValueError, match="is not a valid date and time"):
        parse_instant("2026-02-30T10:15:00Z")


def test_describe_and_local_name_the_zone() -> None:
    assert describe(FreezeWindow(weekly=WEEKEND, tz="Europe/Berlin")) == "weekly Fri 15:00-Mon 08:00 Europe/Berlin"
    assert describe(FreezeWindow(weekly=WEEKEND)) == "weekly Fri 15:00-Mon 08:00 UTC"
    assert describe(FreezeWindow(weekly=WEEKEND, reason="no weekend deploys")) == (
        "weekly Fri 15:00-Mon 08:00 UTC, no weekend deploys"
    )
    holidays = FreezeWindow(start="2026-12-20", end="2027-01-04", tz="Europe/Berlin", reason="holidays")
    assert describe(holidays) == "holidays 2026-12-20..2027-01-04 Europe/Berlin"
    assert local(at("2026-11-30T07:00:00Z"), "Europe/Berlin") == "Mon 08:00 CET"
    assert local(at("2026-07-06T06:00:00Z"), "Europe/Berlin") == "Mon 08:00 CEST"
    assert local(at("2026-11-30T07:00:00Z"), "UTC") == "Mon 07:00 UTC"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="has no time zone"):
        frozen([FreezeWindow(weekly=WEEKEND)], datetime(2026, 11, 27, 15))


def test_a_window_that_ends_before_its_start_on_the_same_weekday_lasts_almost_a_week() -> None:
    window = FreezeWindow(weekly="Mon 08:00-Mon 07:00")
    assert span(window, "2026-11-30T07:30:00Z") is None  # Monday 07:30: the one open hour
    assert span(window, "2026-11-30T08:00:00Z") == ("2026-11-30T08:00:00Z", "2026-12-07T07:00:00Z")
    assert span(window, "2026-12-07T06:59:59Z") == ("2026-11-30T08:00:00Z", "2026-12-07T07:00:00Z")
