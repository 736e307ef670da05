"""Opening-hours specs: what the registry's `opening_hours` column accepts and how it prints."""

from __future__ import annotations

import pytest

from analysis.hours.spec import DEFAULT_HOURS, OpeningHours


def test_the_default_is_weekdays_eight_to_four():
    assert DEFAULT_HOURS.weekly == (((480, 960),),) * 5 + ((), ())
    assert DEFAULT_HOURS.timezone == "Europe/Stockholm"
    assert DEFAULT_HOURS.holidays_closed


def test_clauses_and_lunch_breaks():
    hours = OpeningHours.parse("mon-thu 08:00-12:00,13:00-16:30; fri 08:00-15:00; sat 10:00-14:00")
    assert hours.weekly[0] == ((480, 720), (780, 990))
    assert hours.weekly[3] == hours.weekly[0]
    assert hours.weekly[4] == ((480, 900),)
    assert hours.weekly[5] == ((600, 840),)
    assert hours.weekly[6] == ()


def test_always_is_every_minute_with_holidays_open():
    hours = OpeningHours.parse("Always")
    assert hours.weekly == (((0, 1440),),) * 7
    assert not hours.holidays_closed
    assert str(hours) == "always"


def test_midnight_closing_is_allowed():
    assert OpeningHours.parse("sun 18:00-24:00").weekly[6] == ((1080, 1440),)


@pytest.mark.parametrize(
    "spec",
    ["mon-fri 08:00-16:00", "mon-thu 08:00-16:30; fri 08:00-15:00",
     "mon-fri 08:00-12:00,13:00-16:00; sat 10:00-14:00", "tue 09:00-11:00; thu 09:00-11:00"],
)  # fmt: skip
def test_printing_gives_back_the_canonical_spec(spec):
    assert str(OpeningHours.parse(spec)) == spec
    assert OpeningHours.parse(str(OpeningHours.parse(spec))) == OpeningHours.parse(spec)


def test_printing_merges_days_with_the_same_hours():
    assert str(OpeningHours.parse("mon 08:00-16:00; tue 08:00-16:00")) == "mon-tue 08:00-16:00"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "empty opening hours"),
        ("mon-fri", "bad clause"),
        ("moon 08:00-16:00", "unknown day 'moon'"),
        ("fri-mon 08:00-16:00", "runs backwards"),
        ("mon 8-16", "bad time span '8-16'"),
        ("mon 08:00-16", "bad time span"),
        ("mon 08:61-16:00", "no such time"),
        ("mon 25:00-26:00", "no such time"),
        ("mon 16:00-08:00", "closes before it opens"),
        ("mon 08:00-12:00,11:00-16:00", "overlapping hours on mon"),
    ],
)
def test_a_bad_spec_says_what_is_wrong(spec, message):
    with pytest.raises(ValueError, match=message):
        OpeningHours.parse(spec)


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(ValueError, match="unknown time zone 'Europe/Atlantis'"):
        OpeningHours.parse("mon-fri 08:00-16:00", "Europe/Atlantis")
