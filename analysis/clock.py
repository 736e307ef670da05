"""Wall and business clocks for response times.

The business clock counts only opening hours: by default Mon–Fri 08:00–16:00 Europe/Stockholm,
configurable per page. Closed days are Sweden's public holidays (the `holidays` package, without
its "every Sunday" convention) plus Midsummer Eve, Christmas Eve and New Year's Eve, which Swedish
agencies treat as non-working days. An item that arrives while closed starts its clock at the
next opening.

Opening hours are local wall times. Each local day's open and close instants are converted to UTC
on their own, so daylight-saving changes are handled by construction: a span over the switch
weekend counts the right minutes, and a 00:00–24:00 day counts 23 or 25 hours when it should.

`business_minutes` is vectorised: it builds one table of open intervals (UTC) with a cumulative
sum of open time, and F(t) = open time before t comes from `np.searchsorted`; the answer is
F(end) − F(start).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import numpy as np

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_HOURS_SPEC = "mon-fri 08:00-16:00"
ALWAYS = "always"
_US_PER_MIN = 60_000_000
_CLAUSE = re.compile(r"^\s*(?P<days>[a-z,\-]+)\s+(?P<spans>[0-9:,\-\s]+)$")
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")

Interval = tuple[int, int]  # local minutes of the day, [open, close)


def _days(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        ends = part.split("-")
        if len(ends) > 2 or any(e not in DAYS for e in ends):
            raise ValueError(f"unknown day {part!r} (use mon … sun)")
        first, last = DAYS.index(ends[0]), DAYS.index(ends[-1])
        if last < first:
            raise ValueError(f"day range {part!r} runs backwards")
        out.extend(range(first, last + 1))
    return out


def _span(text: str) -> Interval:
    m = _SPAN.match(text.strip())
    if not m:
        raise ValueError(f"bad time span {text.strip()!r} (use HH:MM-HH:MM)")
    h1, m1, h2, m2 = map(int, m.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if m1 > 59 or m2 > 59 or start > 1440 or end > 1440:
        raise ValueError(f"no such time in {text.strip()!r}")
    if end <= start:
        raise ValueError(f"closes before it opens in {text.strip()!r}")
    return start, end


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass(frozen=True)
class OpeningHours:
    """Weekly opening hours in a time zone; `weekly[0]` is Monday."""

    weekly: tuple[tuple[Interval, ...], ...]
    timezone: str = "Europe/Stockholm"
    holidays_closed: bool = True

    @classmethod
    def parse(cls, spec: str, timezone: str = "Europe/Stockholm") -> OpeningHours:
        """`mon-thu 08:00-16:30; fri 08:00-15:00`, `mon-fri 08:00-12:00,13:00-16:00`, `always`."""
        ZoneInfo(timezone)  # raises for an unknown zone
        text = spec.strip().lower()
        if text == ALWAYS:
            return cls(tuple(((0, 1440),) for _ in DAYS), timezone, holidays_closed=False)
        if not text:
            raise ValueError("empty opening hours")
        weekly: list[list[Interval]] = [[] for _ in DAYS]
        for clause in text.split(";"):
            m = _CLAUSE.match(clause)
            if not m:
                raise ValueError(f"bad clause {clause.strip()!r} (use e.g. mon-fri 08:00-16:00)")
            spans = [_span(s) for s in m["spans"].split(",")]
            for day in _days(m["days"]):
                weekly[day].extend(spans)
        for day, spans in enumerate(weekly):
            spans.sort()
            if any(a[1] > b[0] for a, b in itertools.pairwise(spans)):
                raise ValueError(f"overlapping hours on {DAYS[day]}")
        return cls(tuple(tuple(s) for s in weekly), timezone)

    def __str__(self) -> str:
        if not self.holidays_closed and all(s == ((0, 1440),) for s in self.weekly):
            return ALWAYS
        clauses: list[str] = []
        day = 0
        while day < 7:
            spans = self.weekly[day]
            last = day
            while last + 1 < 7 and self.weekly[last + 1] == spans:
                last += 1
            if spans:
                days = DAYS[day] if last == day else f"{DAYS[day]}-{DAYS[last]}"
                clauses.append(f"{days} " + ",".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in spans))
            day = last + 1
        return "; ".join(clauses) or "closed"


DEFAULT_HOURS = OpeningHours.parse(DEFAULT_HOURS_SPEC)


@lru_cache(maxsize=64)
def closed_days(year: int) -> frozenset[date]:
    """Swedish public holidays plus Midsummer, Christmas and New Year's Eve."""
    days = set(holidays.Sweden(years=year, include_sundays=False))
    midsummer_eve = next(date(year, 6, d) for d in range(19, 26) if date(year, 6, d).weekday() == 4)
    days |= {midsummer_eve, date(year, 12, 24), date(year, 12, 31)}
    return frozenset(days)


def _local_instant(day: date, minute: int, zone: ZoneInfo) -> int:
    """Microseconds since the epoch (UTC) of a local wall time; minute 1440 is next midnight."""
    extra, minute = divmod(minute, 1440)
    local = datetime.combine(day + timedelta(days=extra), time(minute // 60, minute % 60), zone)
    return int(local.timestamp() * 1_000_000)


@lru_cache(maxsize=256)
def _open_table(hours: OpeningHours, first: date, last: date) -> tuple[np.ndarray, ...]:
    """Open intervals (UTC µs) for every local day in [first, last] and open time before each."""
    zone = ZoneInfo(hours.timezone)
    opens: list[int] = []
    closes: list[int] = []
    day = first
    while day <= last:
        closed = hours.holidays_closed and day in closed_days(day.year)
        if not closed:
            for a, b in hours.weekly[day.weekday()]:
                opens.append(_local_instant(day, a, zone))
                closes.append(_local_instant(day, b, zone))
        day += timedelta(days=1)
    o = np.array(opens, dtype=np.int64)
    c = np.array(closes, dtype=np.int64)
    before = np.concatenate(([0], np.cumsum(c - o)[:-1])).astype(np.int64) if len(o) else o
    return o, c, before


def _open_before(t: np.ndarray, table: tuple[np.ndarray, ...]) -> np.ndarray:
    """F(t): open microseconds from the table's start up to each instant t (int64 µs)."""
    opens, closes, before = table
    if not len(opens):
        return np.zeros(len(t), dtype=np.int64)
    i = np.searchsorted(opens, t, side="right") - 1
    j = np.clip(i, 0, None)
    inside = np.clip(np.minimum(t, closes[j]) - opens[j], 0, None)
    return np.where(i >= 0, before[j] + inside, 0)


def _as_utc_day(us: int, zone: ZoneInfo) -> date:
    return datetime.fromtimestamp(us / 1_000_000, zone).date()


def business_minutes(start: np.ndarray, end: np.ndarray, hours: OpeningHours) -> np.ndarray:
    """Open minutes between UTC instants (datetime64[us]); NaN for NaT or end < start."""
    s = np.asarray(start, dtype="datetime64[us]")
    e = np.asarray(end, dtype="datetime64[us]")
    out = np.full(len(s), np.nan)
    valid = ~np.isnat(s) & ~np.isnat(e)
    valid &= e >= s
    if not valid.any():
        return out
    si = s[valid].astype(np.int64)
    ei = e[valid].astype(np.int64)
    zone = ZoneInfo(hours.timezone)
    first = _as_utc_day(int(si.min()), zone) - timedelta(days=1)
    last = _as_utc_day(int(ei.max()), zone) + timedelta(days=1)
    table = _open_table(hours, first, last)
    out[valid] = (_open_before(ei, table) - _open_before(si, table)) / _US_PER_MIN
    return out


def wall_minutes(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Calendar minutes from start to end; NaN where either is NaT."""
    s = np.asarray(start, dtype="datetime64[us]")
    e = np.asarray(end, dtype="datetime64[us]")
    diff = (e - s).astype("timedelta64[us]").astype(np.float64) / _US_PER_MIN
    diff[np.isnat(s) | np.isnat(e)] = np.nan
    return diff


def is_open(ts: datetime, hours: OpeningHours = DEFAULT_HOURS) -> bool:
    """Whether an aware datetime falls within opening hours."""
    local = ts.astimezone(ZoneInfo(hours.timezone))
    if hours.holidays_closed and local.date() in closed_days(local.year):
        return False
    minute = local.hour * 60 + local.minute
    return any(a <= minute < b for a, b in hours.weekly[local.weekday()])
