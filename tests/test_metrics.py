"""Hand-computed expectations for every metric, over the export in conftest.build_study_export.

Times in the export are UTC; Stockholm is UTC+1 in January. Worked figures are in the comments.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analysis.read.dataset import Dataset
from analysis.read.metrics import FilterError, Filters, rank
from tests.conftest import PAGE_A, PAGE_B, PAGE_C


def row(df: pd.DataFrame, page_id: str) -> pd.Series:
    return df.set_index("page_id").loc[page_id]


@pytest.fixture
def ds(study_data):
    return Dataset(study_data)


def test_every_page_is_listed_even_without_inbound_items(ds):
    df = rank(ds, Filters())
    assert sorted(df["page_id"]) == [PAGE_A, PAGE_B, PAGE_C]
    b = row(df, PAGE_B)
    assert b["inbound"] == 0 and pd.isna(b["reply_rate"]) and pd.isna(b["rank"])
    assert pd.isna(b["reply_rate_low"]) and pd.isna(b["reply_rate_high"])
    assert pd.isna(b["median_response_min"]) and pd.isna(b["km_median_response_min"])
    assert not b["accepts_visitor_posts"]


def test_fanpage_karma_example_median_53(ds):
    # Comments C1–C5 answered after 10, 45, 120, 1200 and 53 minutes -> median 53.
    a = row(rank(ds, Filters(scope="comments")), PAGE_A)
    assert a["median_response_min"] == pytest.approx(53)
    # p90 by linear interpolation over 10, 45, 53, 120, 1200: 120 + 0.6 * 1080 = 768
    assert a["p90_response_min"] == pytest.approx(768)


def test_reply_rate_excludes_pending_and_has_wilson_interval(ds):
    # C1–C7: C7 is pending (24 h old at AS_OF), C6 unanswered -> 5 answered of 6 rated.
    a = row(rank(ds, Filters(scope="comments")), PAGE_A)
    assert (a["inbound"], a["answered"], a["pending"]) == (7, 5, 1)
    assert a["reply_rate"] == pytest.approx(5 / 6)
    assert a["reply_rate_low"] == pytest.approx(0.4365, abs=1e-4)
    assert a["reply_rate_high"] == pytest.approx(0.9699, abs=1e-4)


def test_within_sla_counts_unanswered_as_misses(ds):
    # Within 120 min: 10, 45, 120, 53 -> 4 of the 6 rated items (C6 is a miss).
    a = row(rank(ds, Filters(scope="comments")), PAGE_A)
    assert a["within_sla_share"] == pytest.approx(4 / 6)


def test_kaplan_meier_median_counts_unanswered_as_censored(ds):
    # Events 10, 45, 53, 120, 1200; censored: C7 at 1440 (pending), C6 at 30240 (21 days).
    # S: 6/7, 5/7, 4/7, then 3/7 <= 0.5 at t = 120.
    a = row(rank(ds, Filters(scope="comments")), PAGE_A)
    assert a["km_median_response_min"] == pytest.approx(120)


def test_business_clock(ds):
    # C4 arrives Wed 09:00 local, answered Thu 05:00 local: Wed 09:00–16:00 = 420 open minutes.
    # Business times 10, 45, 120, 420, 53 -> median 53, p90 = 120 + 0.6 * 300 = 300.
    a = row(rank(ds, Filters(scope="comments", clock="business")), PAGE_A)
    assert a["median_response_min"] == pytest.approx(53)
    assert a["p90_response_min"] == pytest.approx(300)


def test_friday_evening_post_answered_monday(ds):
    # V1: Fri 18:00 local, answered Mon 09:30 local: wall 3810 min, business 90 min.
    # V2 has only a reply stamped before it: answered, but not timed.
    wall = row(rank(ds, Filters(scope="visitor_posts")), PAGE_A)
    business = row(rank(ds, Filters(scope="visitor_posts", clock="business")), PAGE_A)
    assert (wall["inbound"], wall["answered"], wall["timed"]) == (2, 2, 1)
    assert wall["median_response_min"] == pytest.approx(3810)
    assert business["median_response_min"] == pytest.approx(90)
    assert wall["within_sla_share"] == pytest.approx(0.0)  # V2 untimed: not in the base


def test_all_scope_and_questions_scope(ds):
    # all: C1–C7 + V1 + V2 = 9 inbound, 1 pending, 7 answered -> 7/8.
    a = row(rank(ds, Filters(scope="all")), PAGE_A)
    assert (a["inbound"], a["answered"], a["pending"]) == (9, 7, 1)
    assert a["reply_rate"] == pytest.approx(7 / 8)
    # timed: 10, 45, 120, 1200, 53, 3810 -> median (53 + 120) / 2
    assert a["median_response_min"] == pytest.approx(86.5)
    # questions: C1 "Hur …?", C3 "När …?", C7 "Vad …?", V1 "… varför …?"
    q = row(rank(ds, Filters(scope="questions")), PAGE_A)
    assert (q["inbound"], q["answered"], q["pending"]) == (4, 3, 1)


def test_agency_level_pools_items_of_its_pages(ds):
    # Myndighet A = pages 100 and 300: comments C1–C7, D1, D2 -> 9 inbound, 1 pending,
    # 6 answered; times 10, 30, 45, 53, 120, 1200 -> median (45 + 53) / 2 = 49.
    df = rank(ds, Filters(scope="comments", level="agency"))
    a = row(df, "Myndighet A")
    assert (a["inbound"], a["answered"], a["pending"], a["count_pages"]) == (9, 6, 1, 2)
    assert a["reply_rate"] == pytest.approx(6 / 8)
    assert a["median_response_min"] == pytest.approx(49)
    assert sorted(df["page_name"]) == ["Myndighet A", "Verket B"]


def test_too_few_to_rank_and_ordering(ds):
    df = rank(ds, Filters(scope="comments"))  # default threshold 10: nobody has 10 rated items
    assert df["rank"].isna().all() and not df["is_ranked"].any()
    df = rank(ds, Filters(scope="comments", min_items=1))
    # A: 5/6, C: 1/2, B: no items (listed last, unranked)
    assert list(df["page_id"]) == [PAGE_A, PAGE_C, PAGE_B]
    assert list(df["rank"].astype("float").fillna(-1)) == [1, 2, -1]


def test_period_is_stockholm_calendar_days_inclusive(ds):
    # 2017-01-02 local holds C1 and C2 only.
    df = rank(ds, Filters(scope="comments", since=date(2017, 1, 2), until=date(2017, 1, 2)))
    assert row(df, PAGE_A)["inbound"] == 2
    since, until = Filters(since=date(2017, 1, 2), until=date(2017, 1, 2)).bounds()
    assert since.isoformat() == "2017-01-01T23:00:00+00:00"
    assert until.isoformat() == "2017-01-02T23:00:00+00:00"


def test_pending_window_is_a_parameter(ds):
    # With a 12-hour window C7 (24 h old) is no longer pending: 5 of 7.
    a = row(rank(ds, Filters(scope="comments", pending_hours=12)), PAGE_A)
    assert (a["pending"], a["reply_rate"]) == (0, pytest.approx(5 / 7))


def test_sector_filter(ds):
    df = rank(ds, Filters(sector="Transport"))
    assert list(df["page_id"]) == [PAGE_B]


@pytest.mark.parametrize(
    "bad",
    [{"scope": "everything"}, {"clock": "sundial"}, {"level": "x'; drop table"}],
)
def test_filters_reject_values_outside_allowlists(bad):
    with pytest.raises(FilterError):
        Filters(**bad)


def test_filters_reject_reversed_period():
    with pytest.raises(FilterError):
        Filters(since=date(2017, 2, 1), until=date(2017, 1, 1))
