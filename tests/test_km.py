"""Kaplan–Meier median and the other aggregates against plain-Python references, seeded data."""

from __future__ import annotations

import math
import random
import statistics
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest

from analysis import contract
from analysis.read.dataset import Dataset
from analysis.read.metrics import Filters, rank
from analysis.snapshot import writer

AS_OF = datetime(2017, 2, 1, tzinfo=UTC)


def km_median(times: list[tuple[float, bool]]) -> float | None:
    """Textbook Kaplan–Meier median: smallest event time with S(t) <= 0.5."""
    survival = 1.0
    at_risk = len(times)
    for t in sorted({t for t, _ in times}):
        events = sum(1 for u, e in times if u == t and e)
        leaving = sum(1 for u, _ in times if u == t)
        if events:
            survival *= 1 - events / at_risk
            if survival <= 0.5 + 1e-9:
                return t
        at_risk -= leaving
    return None


def grid(t: float) -> float:
    """rank.sql's KM grid: whole minutes up to a day, quarter hours up to a week, then days."""
    step = 1 if t <= 1440 else 15 if t <= 10080 else 1440
    return math.ceil(t / step) * step


def quantile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (DuckDB's quantile_cont)."""
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def build(folder, seed: int, max_delay: int):
    """Five pages of items in January 2017 with whole-minute reply delays up to `max_delay`."""
    rng = random.Random(seed)
    posts, replies, expected = [], [], {}
    for p in range(5):
        page = f"p{p}"
        answer_share = [0.9, 0.7, 0.5, 0.3, 0.95][p]
        times: list[tuple[float, bool]] = []
        for i in range(rng.randint(20, 60)):
            created = datetime(2017, 1, 2, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 40000))
            item = f"{page}_{i}"
            posts.append((item, page, "comment", f"{page}_post", created, f"u{i}", "Hej?", None,
                          None))  # fmt: skip
            if rng.random() < answer_share:
                delay = rng.randint(1, max_delay)
                at = created + timedelta(minutes=delay)
                replies.append((f"{item}_r", page, item, at, "Svar"))
                times.append((float(delay), True))
            else:
                waited = (AS_OF - created).total_seconds() / 60
                times.append((waited, False))
        expected[page] = times
    data = folder / "data"
    pages = pa.Table.from_pylist(
        [{"page_id": f"p{p}", "page_name": f"Sida {p}"} for p in range(5)],
        schema=contract.PAGES_SCHEMA,
    )
    cols = list(zip(*posts, strict=True))
    raw_posts = pa.table(
        [pa.array(c, f.type) for c, f in zip(cols, contract.RAW_POSTS_SCHEMA, strict=True)],
        schema=contract.RAW_POSTS_SCHEMA,
    )
    cols = list(zip(*replies, strict=True))
    raw_replies = pa.table(
        [pa.array(c, f.type) for c, f in zip(cols, contract.REPLIES_SCHEMA, strict=True)],
        schema=contract.REPLIES_SCHEMA,
    )
    writer.write_snapshot(data, pages, raw_posts, raw_replies, as_of=AS_OF, source="test")
    return data, expected


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """Delays under a day: the KM grid is exact there, whole minutes."""
    return build(tmp_path_factory.mktemp("km"), seed=42, max_delay=1400)


@pytest.fixture(scope="module")
def slow(tmp_path_factory):
    """Delays up to three weeks: events on the quarter-hour and whole-day steps of the grid."""
    return build(tmp_path_factory.mktemp("km_slow"), seed=7, max_delay=3 * 10080)


@pytest.mark.parametrize("fixture", ["seeded", "slow"])
def test_aggregates_match_plain_python(fixture, request):
    """Counts, median and p90 (exact, interpolated) on minute and day cells of the KM grid."""
    data, expected = request.getfixturevalue(fixture)
    df = rank(Dataset(data), Filters(pending_hours=0, min_items=1)).set_index("page_id")
    for page, times in expected.items():
        answered = [t for t, e in times if e]
        got = df.loc[page]
        assert got["inbound"] == len(times) and got["answered"] == len(answered)
        assert got["reply_rate"] == pytest.approx(len(answered) / len(times))
        assert got["median_response_min"] == pytest.approx(statistics.median(answered))
        assert got["p90_response_min"] == pytest.approx(quantile(answered, 0.9))
        assert got["within_sla_share"] == pytest.approx(
            sum(1 for t in answered if t <= 120) / len(times)
        )


@pytest.mark.parametrize("fixture", ["seeded", "slow"])
def test_kaplan_meier_median_matches_textbook(fixture, request):
    data, expected = request.getfixturevalue(fixture)
    df = rank(Dataset(data), Filters(pending_hours=0, min_items=1)).set_index("page_id")
    undefined = 0
    for page, times in expected.items():
        gridded = [(grid(t), e) for t, e in times]
        want = km_median(gridded)
        got = df.loc[page, "km_median_response_min"]
        if want is None:
            undefined += 1
            assert got != got  # NaN: fewer than half ever answered
        else:
            assert got == pytest.approx(want)
    assert undefined >= 1  # the 30 % page never reaches S <= 0.5


def test_quantiles_at_the_edges(tmp_path):
    """One timed item, two in far-apart grid cells, ties, and ranks split across cells."""
    delays = {
        "one": [7.5],
        "two": [5.25, 3000.5],
        "ties": [60.0, 60.0, 60.0, 61.0, 20000.0],
        "spread": [0.5, 1440.0, 1440.25, 10079.0, 10081.0, 30000.0, 30001.5],
    }
    start = datetime(2017, 1, 2, 9, tzinfo=UTC)
    posts, replies = [], []
    for page, values in delays.items():
        for i, minutes in enumerate(values):
            item = f"{page}_{i}"
            created = start + timedelta(hours=i)
            posts.append((item, page, "comment", f"{page}_post", created, "u", "Hej?", None, None))
            at = created + timedelta(minutes=minutes)
            replies.append((f"{item}_r", page, item, at, "Svar"))
    pages = pa.Table.from_pylist(
        [{"page_id": p, "page_name": p} for p in delays], schema=contract.PAGES_SCHEMA
    )
    raw_posts = pa.table(
        [pa.array(c, f.type) for c, f in zip(zip(*posts, strict=True), contract.RAW_POSTS_SCHEMA,
                                               strict=True)],
        schema=contract.RAW_POSTS_SCHEMA,
    )  # fmt: skip
    raw_replies = pa.table(
        [pa.array(c, f.type) for c, f in zip(zip(*replies, strict=True), contract.REPLIES_SCHEMA,
                                               strict=True)],
        schema=contract.REPLIES_SCHEMA,
    )  # fmt: skip
    data = tmp_path / "data"
    writer.write_snapshot(data, pages, raw_posts, raw_replies, as_of=AS_OF, source="test")
    df = rank(Dataset(data), Filters(min_items=1)).set_index("page_id")
    for page, values in delays.items():
        assert df.loc[page, "median_response_min"] == pytest.approx(quantile(values, 0.5)), page
        assert df.loc[page, "p90_response_min"] == pytest.approx(quantile(values, 0.9)), page
