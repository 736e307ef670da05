"""Opening hours: parsing and printing the registry's `opening_hours` specs.

Pure Python, importable without numpy or the holidays package, so that reading the registry
(the CLI's rank, the dashboard) does not pay for the business clock's imports;
`analysis.hours.clock` counts open minutes in these hours.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from analysis.settings import TIMEZONE

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_HOURS_SPEC = "mon-fri 08:00-16:00"
ALWAYS = "always"
_CLAUSE = re.compile(r"^\s*(?P<days>[a-z,\-]+)\s+(?P<spans>[0-9:,\-\s]+)$")
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")

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
    timezone: str = TIMEZONE
    holidays_closed: bool = True

    @classmethod
    def parse(cls, spec: str, timezone: str = TIMEZONE) -> OpeningHours:
        """`mon-thu 08:00-16:30; fri 08:00-15:00`, `mon-fri 08:00-12:00,13:00-16:00`, `always`."""
        try:
            ZoneInfo(timezone)
        except (KeyError, ValueError):  # ZoneInfoNotFoundError is a KeyError
            raise ValueError(f"unknown time zone {timezone!r}") from None
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
        clauses: list[str] = []  # runs of consecutive days with the same hours
        for spans, run in itertools.groupby(range(7), key=lambda d: self.weekly[d]):
            first, *rest = run
            days = f"{DAYS[first]}-{DAYS[rest[-1]]}" if rest else DAYS[first]
            if spans:
                clauses.append(f"{days} " + ",".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in spans))
        return "; ".join(clauses) or "closed"


DEFAULT_HOURS = OpeningHours.parse(DEFAULT_HOURS_SPEC)
