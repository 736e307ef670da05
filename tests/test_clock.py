"""The business clock, hand-computed: weekends, holidays, DST changes, per-page hours."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from analysis.clock import (
    DEFAULT_HOURS,
    OpeningHours,
    business_minutes,
    closed_days,
    is_open,
    wall_minutes,
)

STHLM = ZoneInfo("Europe/Stockholm")


def utc(local: str) -> np.datetime64:
    """A Stockholm wall time as the UTC instant the clock functions take."""
    ts = datetime.fromisoformat(local).replace(tzinfo=STHLM)
    return np.datetime64(int(ts.timestamp() * 1_000_000), "us")


def minutes(start: str, end: str, hours: OpeningHours = DEFAULT_HOURS) -> float:
    return float(business_minutes(np.array([utc(start)]), np.array([utc(end)]), hours)[0])


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2017-01-10 09:00", "2017-01-10 10:30", 90),  # Tuesday, within the day
        ("2017-01-10 06:00", "2017-01-10 08:45", 45),  # arrives before opening
        ("2017-01-10 15:30", "2017-01-11 08:30", 60),  # overnight
        ("2017-01-13 17:00", "2017-01-16 09:00", 60),  # Friday evening -> Monday
        ("2017-01-13 15:00", "2017-01-16 09:00", 120),  # weekend skipped
        ("2017-01-14 10:00", "2017-01-15 18:00", 0),  # all weekend: no open time
        ("2017-01-05 15:00", "2017-01-09 09:00", 120),  # Epiphany (Fri 6 Jan) closed
        ("2017-06-22 15:00", "2017-06-26 09:00", 120),  # Midsummer Eve (Fri 23 Jun) closed
        ("2017-12-22 15:00", "2017-12-27 09:00", 120),  # Christmas Eve, Day, Boxing Day
        ("2017-04-13 15:00", "2017-04-18 08:30", 90),  # Good Friday and Easter Monday
        ("2017-03-24 15:00", "2017-03-27 09:00", 120),  # across spring-forward (26 Mar)
        ("2017-10-27 15:00", "2017-10-30 09:00", 120),  # across fall-back (29 Oct)
        ("2017-01-10 09:00", "2017-01-10 09:00", 0),
    ],
)
def test_business_minutes_default_hours(start, end, expected):
    assert minutes(start, end) == pytest.approx(expected)


def test_wall_minutes_across_dst():
    # Sat 25 Mar 12:00 -> Sun 26 Mar 12:00 local is 23 hours of real time.
    start, end = np.array([utc("2017-03-25 12:00")]), np.array([utc("2017-03-26 12:00")])
    assert wall_minutes(start, end)[0] == pytest.approx(23 * 60)


@pytest.mark.parametrize(
    ("day", "expected_hours"),
    [("2017-03-26", 23), ("2017-10-29", 25), ("2017-10-30", 24)],
)
def test_always_counts_real_minutes_of_a_dst_day(day, expected_hours):
    always = OpeningHours.parse("always")
    nxt = {"2017-03-26": "2017-03-27", "2017-10-29": "2017-10-30", "2017-10-30": "2017-10-31"}
    got = minutes(f"{day} 00:00", f"{nxt[day]} 00:00", always)
    assert got == pytest.approx(expected_hours * 60)


@pytest.mark.parametrize(
    ("spec", "start", "end", "expected"),
    [
        # Thursday open to 16:30, Friday to 15:00
        ("mon-thu 08:00-16:30; fri 08:00-15:00", "2017-01-12 16:00", "2017-01-13 09:00", 90),
        ("mon-thu 08:00-16:30; fri 08:00-15:00", "2017-01-13 14:00", "2017-01-16 08:30", 90),
        # lunch closed
        ("mon-fri 08:00-12:00,13:00-16:00", "2017-01-10 11:30", "2017-01-10 13:30", 60),
        # weekend service
        ("mon-sun 10:00-14:00", "2017-01-14 09:00", "2017-01-15 11:00", 300),
    ],
)
def test_per_page_hours(spec, start, end, expected):
    assert minutes(start, end, OpeningHours.parse(spec)) == pytest.approx(expected)


def test_missing_and_reversed_times_are_nan():
    nat = np.datetime64("NaT", "us")
    start = np.array([utc("2017-01-10 09:00"), nat, utc("2017-01-10 10:00")])
    end = np.array([nat, utc("2017-01-10 09:00"), utc("2017-01-10 09:00")])
    assert np.isnan(business_minutes(start, end, DEFAULT_HOURS)).all()
    assert np.isnan(wall_minutes(start[:2], end[:2])).all()


def test_vectorised_matches_one_by_one():
    rng = np.random.default_rng(7)
    base = utc("2016-12-01 00:00").astype(np.int64)
    start = (base + rng.integers(0, 120 * 86400 * 10**6, 500)).astype("datetime64[us]")
    end = start + rng.integers(0, 10 * 86400 * 10**6, 500).astype("timedelta64[us]")
    together = business_minutes(start, end, DEFAULT_HOURS)
    single = [business_minutes(start[i : i + 1], end[i : i + 1], DEFAULT_HOURS)[0]
              for i in range(500)]  # fmt: skip
    assert np.allclose(together, single)


@pytest.mark.parametrize(
    "spec",
    ["mon-fri 08:00-16:00", "mon-thu 08:00-16:30; fri 08:00-15:00", "always",
     "mon,wed 09:00-12:00,13:00-15:00"],
)  # fmt: skip
def test_spec_round_trips(spec):
    assert str(OpeningHours.parse(str(OpeningHours.parse(spec)))) == str(OpeningHours.parse(spec))
    assert OpeningHours.parse(str(OpeningHours.parse(spec))) == OpeningHours.parse(spec)


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("mon-fri 08:00-25:00", "no such time"),
        ("mon-fri 16:00-08:00", "closes before it opens"),
        ("funday 08:00-16:00", "unknown day"),
        ("", "empty"),
        ("mon-fri", "bad clause"),
        ("mon 08:00-12:00; mon 11:00-13:00", "overlapping"),
    ],
)
def test_bad_specs_raise_with_the_bad_part(spec, fragment):
    with pytest.raises(ValueError, match=fragment):
        OpeningHours.parse(spec)


def test_closed_days_include_the_eves_but_not_every_sunday():
    days = closed_days(2017)
    assert datetime(2017, 6, 23).date() in days  # Midsommarafton
    assert datetime(2017, 12, 24).date() in days and datetime(2017, 12, 31).date() in days
    assert datetime(2017, 1, 15).date() not in days  # an ordinary Sunday (closed by the week)


def test_is_open():
    assert is_open(datetime(2017, 1, 10, 9, 0, tzinfo=STHLM))
    assert not is_open(datetime(2017, 1, 10, 16, 0, tzinfo=STHLM))
    assert not is_open(datetime(2017, 1, 6, 10, 0, tzinfo=STHLM))  # Epiphany
