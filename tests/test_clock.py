"""The business clock, hand-computed: weekends, holidays, DST changes, per-page hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from analysis.hours.clock import (
    business_minutes,
    closed_days,
    is_open,
    open_time,
    wall_minutes,
)
from analysis.hours.spec import DEFAULT_HOURS, OpeningHours

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
        ("2017-12-22 15:00", "2017-12-27 09:00", 120),  # Christmas Eve (a Sunday), Day, Boxing Day
        ("2018-12-21 15:00", "2018-12-27 09:00", 120),  # Christmas Eve on Monday 24 Dec 2018
        ("2018-12-28 15:00", "2019-01-02 09:00", 120),  # New Year's Eve (Mon) and Day closed
        ("2017-04-13 15:00", "2017-04-18 08:30", 90),  # Good Friday and Easter Monday
        ("2017-03-24 15:00", "2017-03-27 09:00", 120),  # across spring-forward (26 Mar)
        ("2017-10-27 15:00", "2017-10-30 09:00", 120),  # across fall-back (29 Oct)
        ("2017-01-10 09:00", "2017-01-10 09:00", 0),
        ("2017-01-10 15:59:30", "2017-01-11 08:00:30", 1),  # seconds count too
    ],
)
def test_business_minutes_default_hours(start, end, expected):
    assert minutes(start, end) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2017-03-25 12:00", "2017-03-26 12:00", 1380),  # spring forward: a 23-hour day
        ("2017-10-28 12:00", "2017-10-29 12:00", 1500),  # fall back: a 25-hour day
        ("2017-01-10 09:00", "2017-01-10 10:30", 90),
    ],
)
def test_wall_minutes_across_dst(start, end, expected):
    assert wall_minutes(np.array([utc(start)]), np.array([utc(end)]))[0] == pytest.approx(expected)


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


@pytest.mark.parametrize(
    ("spec", "day", "expected"),
    [
        # Sun 26 Mar 2017: local 02:00-03:00 does not exist; a boundary in it is the jump.
        ("mon-sun 02:30-03:00", "2017-03-26", 0),
        ("mon-sun 02:00-02:30,03:00-04:00", "2017-03-26", 60),
        ("mon-sun 01:00-03:30", "2017-03-26", 90),  # 01:00 CET -> 03:30 CEST
        # Sun 29 Oct 2017: local 02:00-03:00 happens twice; a boundary in it is the first one.
        ("mon-sun 01:00-04:00", "2017-10-29", 240),
        ("mon-sun 02:30-03:00", "2017-10-29", 90),  # 02:30 CEST -> 03:00 CET
    ],
)
def test_boundaries_inside_the_switch_hour_count_real_minutes(spec, day, expected):
    nxt = str(np.datetime64(day) + 1)
    assert minutes(f"{day} 00:00", f"{nxt} 00:00", OpeningHours.parse(spec)) == expected


def _reference(start: np.datetime64, end: np.datetime64, hours: OpeningHours) -> int:
    """Open minutes counted one real (UTC) minute at a time, checking the local wall time."""
    zone, count = ZoneInfo(hours.timezone), 0
    t = datetime.fromisoformat(str(start)).replace(tzinfo=UTC)
    stop = datetime.fromisoformat(str(end)).replace(tzinfo=UTC)
    while t < stop:
        local = t.astimezone(zone)
        closed = hours.holidays_closed and local.date() in closed_days(local.year)
        minute = local.hour * 60 + local.minute
        count += not closed and any(a <= minute < b for a, b in hours.weekly[local.weekday()])
        t += timedelta(minutes=1)
    return count


@pytest.mark.parametrize(
    "hours",
    [
        DEFAULT_HOURS,
        OpeningHours.parse("mon-fri 08:00-08:10,08:20-08:30,08:40-12:00,13:00-16:00"),
        OpeningHours.parse("sat-sun 01:00-04:00; mon-fri 00:00-24:00"),
        OpeningHours.parse("always"),
        OpeningHours.parse("mon-fri 09:00-17:00", timezone="America/New_York"),
    ],
    ids=str,
)
def test_matches_a_minute_by_minute_reference(hours):
    # Random minute-aligned spans of up to three days around both DST weekends, Midsummer
    # and Christmas-New Year, against the slow but obvious count.
    rng = np.random.default_rng(11)
    windows = ["2017-03-23", "2017-10-26", "2017-06-21", "2017-12-21", "2017-03-10"]
    lo = np.array([utc(f"{w} 00:00") for w in windows])[rng.integers(0, len(windows), 30)]
    start = lo + rng.integers(0, 4 * 1440, 30).astype("timedelta64[m]")
    end = start + rng.integers(0, 3 * 1440, 30).astype("timedelta64[m]")
    expected = [_reference(a, b, hours) for a, b in zip(start, end, strict=True)]
    assert business_minutes(start, end, hours).tolist() == expected


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
        ("mon-fri 08:60-16:00", "no such time"),
        ("fri-mon 08:00-16:00", "runs backwards"),
        ("mon-fri 8-16", "bad time span '8-16'"),
    ],
)
def test_bad_specs_raise_with_the_bad_part(spec, fragment):
    with pytest.raises(ValueError, match=fragment):
        OpeningHours.parse(spec)


def _us(*local: str) -> np.ndarray:
    return np.array([utc(t).astype(np.int64) for t in local], dtype=np.int64)


H = 60 * 60_000_000  # one hour in µs


def test_open_time_counts_only_opening_hours_over_weekends_and_holidays():
    """Thu 5 Jan 2017 is open, Fri 6 (Epiphany) and the weekend closed, Mon 9 open again."""
    clock = open_time(DEFAULT_HOURS, date(2017, 1, 5), date(2017, 1, 9))
    f = clock.before(_us("2017-01-05 07:00", "2017-01-05 09:30", "2017-01-07 12:00",
                         "2017-01-09 09:00"))  # fmt: skip
    assert (f - f[0]).tolist() == [0, 90 * 60_000_000, 8 * H, 9 * H]
    assert clock.inside(_us("2017-01-05 07:59", "2017-01-05 08:00", "2017-01-05 16:00",
                            "2017-01-06 10:00", "2017-01-09 15:59")).tolist() == [
        False, True, False, False, True
    ]  # fmt: skip


def test_open_time_instant_at_inverts_before_and_lands_in_opening_hours():
    clock = open_time(DEFAULT_HOURS, date(2017, 1, 5), date(2017, 1, 9))
    start = clock.before(_us("2017-01-05 15:00"))[0]
    # 30 min later is inside Thursday; 60 min is Thursday's close, which is not open: Monday's
    # opening; 90 min is Monday 08:30 — the holiday and the weekend count nothing
    at = clock.instant_at(start + np.array([30, 60, 90]) * 60_000_000)
    assert at.tolist() == _us("2017-01-05 15:30", "2017-01-09 08:00", "2017-01-09 08:30").tolist()
    t = _us("2017-01-05 08:00", "2017-01-05 12:34", "2017-01-09 15:59")
    assert clock.instant_at(clock.before(t)).tolist() == t.tolist()


def test_open_time_follows_daylight_saving():
    """Fri 24 Mar 2017 opens at 07:00 UTC (winter time), Mon 27 Mar at 06:00 UTC (summer time)."""
    clock = open_time(DEFAULT_HOURS, date(2017, 3, 24), date(2017, 3, 27))
    fri = int(datetime(2017, 3, 24, 7, tzinfo=UTC).timestamp()) * 1_000_000
    mon = int(datetime(2017, 3, 27, 6, tzinfo=UTC).timestamp()) * 1_000_000
    start = clock.before(np.array([fri]))[0]
    assert clock.instant_at(start + np.array([0, 8 * H, 8 * H + 1])).tolist() == [
        fri, mon, mon + 1
    ]  # fmt: skip


def test_closed_days_include_the_eves_but_not_every_sunday():
    days = closed_days(2017)
    assert datetime(2017, 6, 23).date() in days  # Midsommarafton
    assert datetime(2017, 12, 24).date() in days and datetime(2017, 12, 31).date() in days
    assert datetime(2017, 1, 15).date() not in days  # an ordinary Sunday (closed by the week)


def test_unknown_time_zone_is_a_value_error():
    with pytest.raises(ValueError, match="unknown time zone 'Europe/Stokholm'"):
        OpeningHours.parse("mon-fri 08:00-16:00", timezone="Europe/Stokholm")


def test_spec_is_lenient_about_case_and_spaces():
    assert str(OpeningHours.parse("  Mon-Fri 8:00 - 16:00 ")) == "mon-fri 08:00-16:00"
    assert str(OpeningHours.parse("mon,tue,wed 08:00-16:00; thu 08:00-16:00")) == (
        "mon-thu 08:00-16:00"
    )


@pytest.mark.parametrize(
    ("ts", "expected"),
    [
        (datetime(2017, 1, 10, 9, 0, tzinfo=STHLM), True),
        (datetime(2017, 1, 10, 8, 0, tzinfo=STHLM), True),  # opening minute is open
        (datetime(2017, 1, 10, 16, 0, tzinfo=STHLM), False),  # closing minute is not
        (datetime(2017, 1, 6, 10, 0, tzinfo=STHLM), False),  # Epiphany
        (datetime(2017, 6, 23, 10, 0, tzinfo=STHLM), False),  # Midsummer Eve
        (datetime(2017, 1, 14, 10, 0, tzinfo=STHLM), False),  # Saturday
        (datetime(2017, 1, 10, 8, 30, tzinfo=UTC), True),  # 09:30 in Stockholm
    ],
)
def test_is_open(ts, expected):
    assert is_open(ts) is expected


def test_is_open_wants_an_aware_datetime():
    with pytest.raises(ValueError, match="aware"):
        is_open(datetime(2017, 1, 10, 9, 0))
