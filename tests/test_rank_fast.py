"""The ranking and its history against plain references, on every view of a seeded demo.

`rank` (sql/marts/rank.sql: one grid aggregation for the counts and the Kaplan–Meier steps, one
for the quantiles) is held to a plain-Python ranking written from the definitions, item by item;
`insights.history` (one grouped query over all periods) to `rank` run once per period with the
movement worked out from consecutive rankings, as the history was first written. Counts must be
equal and floats within 1e-9, on one snapshot and on two that share items (latest wins).
"""

from __future__ import annotations

import json
import math
import shutil
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from analysis.read import insights
from analysis.read.dataset import Dataset
from analysis.read.metrics import BUCKETS, Filters, rank
from analysis.sources.demo import write_demo

TOLERANCE = 1e-9
INT_COLUMNS = ("inbound", "answered", "pending", "rated", "timed", "count_pages", *BUCKETS)
FLOAT_COLUMNS = (
    "reply_rate", "reply_rate_low", "reply_rate_high", "median_response_min", "p90_response_min",
    "within_sla_share", "km_median_response_min",
)  # fmt: skip
Q1 = {"since": date(2017, 1, 1), "until": date(2017, 3, 31)}
VIEWS = [
    Filters(),
    Filters(clock="business"),
    Filters(**Q1),
    Filters(clock="business", **Q1),
    Filters(level="agency"),
    Filters(level="agency", clock="business", since=date(2016, 11, 5), until=date(2017, 2, 14)),
    Filters(scope="questions"),
    Filters(scope="visitor_posts", clock="business"),
    Filters(scope="comments", since=date(2017, 6, 20)),
    Filters(pending_hours=0),
    Filters(pending_hours=24 * 30, min_items=100),
    Filters(sector="Statliga bolag"),
    Filters(since=date(2017, 3, 26), until=date(2017, 3, 26)),  # the day clocks go forward
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("rank_fast") / "data"
    data.mkdir()
    write_demo(data, items=20_000, seed=7)
    return data


@pytest.fixture(scope="module")
def two_snapshots(demo, tmp_path_factory) -> Path:
    """The demo and a later snapshot holding every third of its items, their wall-clock times
    doubled: the later values must win, and no item may count twice."""
    data = tmp_path_factory.mktemp("rank_fast_two") / "data"
    shutil.copytree(demo, data)
    (first,) = (data / "snapshots").iterdir()
    later_id = first.name.replace("20170701T000000Z", "20170702T000000Z")
    later = data / "snapshots" / later_id
    shutil.copytree(first, later)
    facts = pq.read_table(later / "item_facts.parquet")
    keep = np.arange(len(facts)) % 3 == 0
    facts = facts.filter(keep)
    doubled = pc.multiply(facts["wall_minutes"], 2.0)
    facts = facts.set_column(facts.schema.get_field_index("wall_minutes"), "wall_minutes", doubled)
    pq.write_table(facts, later / "item_facts.parquet")
    manifest = json.loads((later / "manifest.json").read_text("utf-8"))
    manifest["snapshot_id"] = later_id
    (later / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return data


# -- a plain-Python ranking, item by item ---------------------------------------------------------


def _grid(t: float) -> float:
    step = 1 if t <= 1440 else 15 if t <= 10080 else 1440
    return math.ceil(t / step) * step


def _quantile(xs: list[float], q: float) -> float | None:
    if not xs:
        return None
    xs = sorted(xs)
    pos = (len(xs) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _km_median(cells: list[tuple[float, bool]]) -> float | None:
    """Smallest event cell with S(t) <= 0.5, the curve stepping at each grid cell."""
    items, events = Counter(t for t, _ in cells), Counter(t for t, e in cells if e)
    at_risk, survival = len(cells), 1.0
    for t in sorted(items):
        if events[t]:
            survival *= 1 - events[t] / at_risk
            if survival <= 0.5 + 1e-9:
                return float(t)
        at_risk -= items[t]
    return None


def _facts(ds: Dataset) -> pd.DataFrame:
    """Every snapshot's item facts, each item once: the latest snapshot wins."""
    frames = [
        pq.read_table(s.path / "item_facts.parquet").to_pandas().assign(order=i)
        for i, s in enumerate(ds.snapshots)
    ]
    facts = pd.concat(frames, ignore_index=True).sort_values("order")
    return facts.drop_duplicates("item_id", keep="last")


def plain_rank(ds: Dataset, f: Filters) -> pd.DataFrame:
    pages = ds.pages
    if f.sector is not None:
        pages = pages[pages["sector"] == f.sector]
    entity = pages["agency"] if f.level == "agency" else pages["page_id"]
    entity_of = dict(zip(pages["page_id"], entity, strict=True))
    sla = dict(zip(pages["page_id"], pages["sla_minutes"], strict=True))
    since, until = f.bounds()
    facts = _facts(ds)
    facts = facts[
        (facts["created_at"] >= since)
        & (facts["created_at"] < until)
        & facts["page_id"].isin(list(entity_of))
    ]
    if f.scope == "questions":
        facts = facts[facts["is_question"]]
    elif f.scope != "all":
        facts = facts[facts["kind"] == f.scope.removesuffix("s")]
    clock = "business_minutes" if f.clock == "business" else "wall_minutes"
    per: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    lists: dict[str, dict] = defaultdict(lambda: {"times": [], "cells": []})
    for row in facts.itertuples(index=False):
        e, c = entity_of[row.page_id], per[entity_of[row.page_id]]
        response = getattr(row, clock)
        response = None if pd.isna(response) else float(response)
        observed = float(getattr(row, f"{clock}_observed"))
        answered = row.reply_count > 0
        pending = not answered and row.wall_minutes_observed < f.pending_hours * 60
        c["inbound"] += 1
        c["answered"] += answered
        c["pending"] += pending
        if response is not None:
            c["timed"] += 1
            lists[e]["times"].append(response)
            edge = next((i for i, x in enumerate((120, 480, 1440)) if response <= x), 3)
            c[("answered_0_2h", "answered_2_8h", "answered_8_24h", "answered_over_24h")[edge]] += 1
            c["within_sla"] += response <= sla[row.page_id]
        if not (answered and response is None):
            lists[e]["cells"].append(
                (_grid(response if response is not None else observed), response is not None)
            )
            c["sla_base"] += not pending
    out = {}
    for e, c in per.items():
        rated = c["inbound"] - c["pending"]
        out[e] = {
            **{k: c[k] for k in ("inbound", "answered", "pending", "timed")},
            **{k: c[k] for k in BUCKETS[:4]},
            "rated": rated,
            "answered_untimed": c["answered"] - c["timed"],
            "unanswered": rated - c["answered"],
            "reply_rate": c["answered"] / rated if rated else None,
            "median_response_min": _quantile(lists[e]["times"], 0.5),
            "p90_response_min": _quantile(lists[e]["times"], 0.9),
            "within_sla_share": c["within_sla"] / c["sla_base"] if c["sla_base"] else None,
            "km_median_response_min": _km_median(lists[e]["cells"]),
        }
    return pd.DataFrame.from_dict(out, orient="index")


def assert_same_numbers(fast: pd.DataFrame, plain: pd.DataFrame) -> None:
    fast = fast.set_index("page_id")
    assert set(plain.index) <= set(fast.index)
    missing = fast.index.difference(plain.index)
    assert (fast.loc[missing, "inbound"] == 0).all()
    fast = fast.loc[plain.index]
    for col in plain.columns:
        got = pd.to_numeric(fast[col]).to_numpy(dtype=float, na_value=np.nan)
        want = pd.to_numeric(plain[col]).to_numpy(dtype=float, na_value=np.nan)
        if col in INT_COLUMNS:
            assert np.array_equal(got, want), col
        else:
            assert np.allclose(got, want, rtol=TOLERANCE, atol=TOLERANCE, equal_nan=True), col


@pytest.mark.parametrize("f", VIEWS, ids=str)
def test_rank_equals_the_plain_ranking_on_every_view(demo, f):
    ds = Dataset(demo)
    assert_same_numbers(rank(ds, f), plain_rank(ds, f))


@pytest.mark.parametrize("f", VIEWS[:6], ids=str)
def test_rank_over_two_snapshots_equals_the_plain_ranking(two_snapshots, f):
    ds = Dataset(two_snapshots)
    assert len(ds.snapshots) == 2
    assert_same_numbers(rank(ds, f), plain_rank(ds, f))


def test_the_plain_ranking_is_not_trivially_equal(demo):
    """The views above rank real spreads: pages with pending items, untimed and censored ones."""
    ds = Dataset(demo)
    r = rank(ds, Filters())
    assert (r["pending"] > 0).any() and (r["unanswered"] > 0).any()
    assert r["km_median_response_min"].notna().sum() >= 20
    assert (r["km_median_response_min"] != r["median_response_min"]).any()


# -- history: one query against one ranking per period --------------------------------------------


def plain_history(ds: Dataset, filters: Filters, by: str) -> pd.DataFrame:
    first, last = insights.data_days(ds, filters)
    spans = insights.periods(first, last, by)
    before = insights.previous_period(spans[0].since, spans[0].until)
    previous = rank(ds, filters.with_(since=before[0], until=before[1]))
    rows = []
    for span in spans:
        current = rank(ds, filters.with_(since=span.since, until=span.until))
        moved = insights.movement(current, previous)
        moved.insert(0, "period", span.key)
        moved.insert(1, "period_start", span.since)
        moved.insert(2, "period_end", span.until)
        rows.append(moved)
        previous = current
    return pd.concat(rows, ignore_index=True)[[*insights.HISTORY_COLUMNS, "is_new"]]


HISTORY_VIEWS = [
    (Filters(), "month"),
    (Filters(), "quarter"),
    (Filters(level="agency", clock="business"), "month"),
    (Filters(scope="questions", min_items=3), "month"),
    (Filters(sector="Statliga bolag", pending_hours=24 * 30), "quarter"),
    (Filters(since=date(2016, 12, 15), until=date(2017, 2, 10), min_items=1), "month"),
]


@pytest.mark.parametrize(("f", "by"), HISTORY_VIEWS, ids=str)
def test_history_equals_a_ranking_per_period(demo, f, by):
    ds = Dataset(demo)
    fast, plain = insights.history(ds, f, by), plain_history(ds, f, by)
    assert len(fast) > 0
    pd.testing.assert_frame_equal(fast, plain, check_dtype=False, rtol=TOLERANCE, atol=TOLERANCE)


def test_history_over_two_snapshots_equals_a_ranking_per_period(two_snapshots):
    ds = Dataset(two_snapshots)
    fast, plain = insights.history(ds, Filters(), "month"), plain_history(ds, Filters(), "month")
    pd.testing.assert_frame_equal(fast, plain, check_dtype=False, rtol=TOLERANCE, atol=TOLERANCE)


def test_history_puts_items_of_the_last_local_hours_of_a_month_in_the_next(demo):
    """Stockholm's midnight is 22:00 or 23:00 UTC: items in that hour belong to the next month
    (the fixture has some, so the equality tests above cover them)."""
    facts = _facts(Dataset(demo))
    at = facts["created_at"].dt.tz_convert("UTC")
    local = facts["created_at"].dt.tz_convert("Europe/Stockholm")
    crossing = (at.dt.month != local.dt.month).sum()
    assert crossing > 0
    h = insights.history(Dataset(demo), Filters(min_items=1), "month")
    assert h.groupby("period")["inbound"].sum().sum() == len(facts)


def test_history_for_some_entities_is_their_rows_of_the_whole(demo):
    ds = Dataset(demo)
    whole = insights.history(ds, Filters(), "month")
    some = sorted(whole["page_id"].unique())[:3]
    part = insights.history_by_month(ds, Filters(), some)
    expected = whole[whole["page_id"].isin(some)].reset_index(drop=True)
    pd.testing.assert_frame_equal(part, expected)
