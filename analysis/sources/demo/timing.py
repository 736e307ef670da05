"""The demo year's clock: local day × hour grid, arrival-time sampling and staffed hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import numpy as np

from analysis.hours.clock import OpenTime, closed_days, open_time
from analysis.hours.spec import OpeningHours
from analysis.settings import TIMEZONE, ZONE

FIRST_DAY = date(2016, 7, 1)
DAYS = 365  # 2016-07-01 … 2017-06-30
AS_OF = datetime(2017, 7, 1, 0, 0, tzinfo=UTC)
US = 1_000_000  # microseconds per second
MIN_US = 60 * US


def utc_us(local: datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    return int(local.timestamp()) * US


def local_us(day: date, hour: int, minute: int = 0) -> int:
    return utc_us(datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE))


@dataclass(frozen=True)
class Grid:
    """The year as 365 local days × 24 local hours ("cells")."""

    cell_us: np.ndarray  # UTC µs of each local hour's start, shape (DAYS * 24,)
    weekday: np.ndarray  # per day, 0 = Monday
    month: np.ndarray
    dom: np.ndarray
    closed: np.ndarray  # Swedish public holiday or eve
    days: tuple[date, ...]

    def day_index(self, d: date) -> int:
        return (d - FIRST_DAY).days


@lru_cache(maxsize=1)
def year_grid() -> Grid:
    days = tuple(FIRST_DAY + timedelta(days=i) for i in range(DAYS))
    cell = np.array([local_us(d, h) for d in days for h in range(24)], dtype=np.int64)
    return Grid(
        cell_us=cell,
        weekday=np.array([d.weekday() for d in days]),
        month=np.array([d.month for d in days]),
        dom=np.array([d.day for d in days]),
        closed=np.array([d in closed_days(d.year) for d in days]),
        days=days,
    )


# Visitors' hours (local): busy daytime, busiest in the evening, quiet at night.
VISITOR_HOURS_WEEKDAY = np.array(
    [0.25, 0.12, 0.07, 0.05, 0.05, 0.12, 0.35, 0.75, 1.0, 1.05, 1.05, 1.05,
     1.1, 1.05, 1.0, 1.0, 1.05, 1.15, 1.3, 1.5, 1.7, 1.75, 1.45, 0.8]
)  # fmt: skip
VISITOR_HOURS_WEEKEND = np.array(
    [0.45, 0.25, 0.12, 0.07, 0.05, 0.07, 0.15, 0.35, 0.65, 0.95, 1.15, 1.2,
     1.2, 1.15, 1.1, 1.1, 1.1, 1.15, 1.25, 1.45, 1.65, 1.7, 1.4, 0.85]
)  # fmt: skip
OFFICE_HOURS = np.array([0.0] * 7 + [0.4] + [1.5] * 8 + [0.4] + [0.0] * 7)
VISITOR_WEEKDAYS = np.array([1.15, 1.05, 1.0, 1.0, 0.92, 0.75, 0.9])
OFFICE_WEEKDAYS = np.array([1.1, 1.0, 1.0, 1.0, 0.95, 0.08, 0.08])


def season_weights(grid: Grid, season: str) -> np.ndarray:
    """Relative volume per day of the year."""
    m, dom = grid.month, grid.dom
    w = np.ones(DAYS)
    w[m == 7] = 0.75  # summer holidays
    holidays = ((m == 12) & (dom >= 23)) | ((m == 1) & (dom <= 6))
    w[holidays] *= 0.6
    if season == "tax":
        monthly = {7: 0.25, 8: 0.2, 9: 0.2, 10: 0.2, 11: 0.25, 12: 0.2, 1: 0.35, 2: 0.6,
                   3: 1.3, 4: 2.4, 5: 0.45, 6: 0.3}  # fmt: skip
        w = np.array([monthly[int(x)] for x in m])
        w[(m == 4) & (dom >= 18)] *= 2.2  # the last fortnight before the deadline
        w[(m == 5) & (dom <= 2)] = 6.0  # 1–2 May: deadline
    elif season == "students":
        w[m == 8] *= 1.6
        w[m == 9] *= 1.3
        w[m == 1] *= 1.5
    elif season == "travel":
        w[m == 7] *= 1.8
        w[m == 6] *= 1.3
        w[m == 12] *= 1.2
    elif season == "winter":
        w[np.isin(m, (11, 12, 1, 2))] *= 1.4
    elif season == "summer":
        w *= np.array(
            [{5: 2.0, 6: 2.4, 7: 2.6, 8: 1.8, 4: 1.3, 3: 0.9}.get(int(x), 0.5) for x in m]
        )
    elif season == "pension":
        w[np.isin(m, (2, 3, 4))] *= 1.25  # the orange envelope
    return w


def cell_weights(grid: Grid, day_w: np.ndarray, daytime: float) -> np.ndarray:
    weekend = grid.weekday >= 5
    visitor = np.where(weekend[:, None], VISITOR_HOURS_WEEKEND, VISITOR_HOURS_WEEKDAY)
    visitor = visitor / visitor.mean() * VISITOR_WEEKDAYS[grid.weekday][:, None]
    office = OFFICE_HOURS[None, :] * OFFICE_WEEKDAYS[grid.weekday][:, None]
    office = office / office.mean()
    hours = (1 - daytime) * visitor + daytime * office
    return (day_w[:, None] * hours).ravel()


def draw_categories(rng: np.random.Generator, n: int, p) -> np.ndarray:
    """`n` draws of 0 … len(p)-1 with probabilities p (numpy's choice is slow for this)."""
    cdf = np.cumsum(p, dtype=np.float64)
    return np.minimum(np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right"), len(cdf) - 1)


def sample_times(rng: np.random.Generator, n: int, weights: np.ndarray, grid: Grid) -> np.ndarray:
    """`n` instants (UTC µs, whole seconds) drawn from per-cell weights, in time order.

    Sorted uniforms come from cumulated exponential spacings (no sort needed); each one's place
    inside its cell's share of the cumulative weight gives its second within the hour."""
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    cdf = np.cumsum(weights)
    spacings = np.cumsum(rng.standard_exponential(n + 1))
    u = spacings[:-1] * (cdf[-1] / spacings[-1])
    cell = np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)
    start = cdf[cell] - weights[cell]
    frac = np.clip((u - start) / np.maximum(weights[cell], 1e-300), 0.0, 0.9999)
    return grid.cell_us[cell] + (frac * 3600).astype(np.int64) * US


# -- staffed hours: reply times -------------------------------------------------------------------


@lru_cache(maxsize=32)
def staffed_hours(spec: str) -> OpenTime:
    """A schedule's open time from just before the year to well after the snapshot, from the
    business clock so replies land in the hours that clock counts."""
    hours = OpeningHours.parse(spec, TIMEZONE)
    return open_time(hours, FIRST_DAY - timedelta(days=2), AS_OF.date() + timedelta(days=120))


def staffed_after(staffed: OpenTime, f: np.ndarray, minutes: np.ndarray) -> np.ndarray:
    """The instant `minutes` of open time after F = f, in whole seconds."""
    return staffed.instant_at(f + (minutes * MIN_US).astype(np.int64)) // US * US
