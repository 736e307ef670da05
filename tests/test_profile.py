"""analysis/read/profile.py: the profile and compare marts, worked out by hand on the study export
(see conftest.build_study_export), plus the seeded app world for the weekly shapes.

Times in the export are UTC; Stockholm is UTC+1 in January.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analysis.read import profile, sql
from analysis.read.dataset import Dataset
from analysis.read.metrics import FilterError, Filters, rank
from tests.conftest import PAGE_A, PAGE_B, PAGE_C

MARTS = (
    "profile_weekly", "profile_distribution", "profile_heatmap", "profile_backlog",
    "profile_slowest", "profile_unanswered", "profile_activity", "snapshot_coverage",
)  # fmt: skip
COMMENTS = Filters(scope="comments")


@pytest.fixture
def ds(study_data):
    return Dataset(study_data)


@pytest.fixture(scope="module")
def app_ds(app_data):
    return Dataset(app_data)


# -- the SQL files --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", MARTS)
def test_each_mart_has_its_function_and_a_header_naming_every_parameter(name):
    text = sql.load(name)
    header = "\n".join(line for line in text.splitlines() if line.startswith("--"))
    assert header.startswith(f"-- {name}:"), "the first line names the query and its purpose"
    for part in ("grain:", "inputs:", "parameters"):
        assert part in header, part
    body = re.sub(r"--[^\n]*", "", text)
    for param in set(re.findall(r"\$(\w+)", body)):
        assert f"${param}" in header, f"${param} is used but not documented"
    assert callable(getattr(profile, name))


# -- the marts on the hand-checked export ---------------------------------------------------------


def test_distribution_bins_the_fanpage_karma_example(ds):
    # C1–C5 answered after 10, 45, 120, 1200 and 53 minutes: bins 0–15, 30–60 (×2), 2–4 h, 8 h–1 d
    d = profile.profile_distribution(ds, COMMENTS, [PAGE_A]).set_index("bin")
    assert len(d) == len(profile.RESPONSE_EDGES)
    assert d["count_items"].to_dict() == {0: 1, 1: 0, 2: 2, 3: 0, 4: 1, 5: 0, 6: 1, 7: 0, 8: 0,
                                          9: 0, 10: 0}  # fmt: skip
    assert d["share"].sum() == pytest.approx(1.0)
    assert d.loc[6, "lower_min"] == 480 and d.loc[6, "upper_min"] == 1440
    assert d.loc[10, "upper_min"] == float("inf")


def test_weekly_trend_uses_stockholm_weeks(ds):
    w = profile.profile_weekly(ds, COMMENTS, [PAGE_A]).set_index("week_start")
    # Week of Mon 2 Jan: C1–C5 (+ C8 without author, not counted) -> 5 items, all answered
    first = w.loc[pd.Timestamp("2017-01-02")]
    assert (first["inbound"], first["answered"], first["rated"]) == (5, 5, 5)
    assert first["reply_rate"] == 1.0 and first["median_response_min"] == pytest.approx(53)
    # Week of 9 Jan: C6 never answered; week of 30 Jan: C7 pending, so no reply rate
    assert w.loc[pd.Timestamp("2017-01-09"), "reply_rate"] == 0.0
    last = w.loc[pd.Timestamp("2017-01-30")]
    assert last["pending"] == 1 and pd.isna(last["reply_rate"])


def test_weekly_totals_match_the_ranking(ds):
    w = profile.profile_weekly(ds, Filters(), [PAGE_A])
    r = rank(ds, Filters()).set_index("page_id").loc[PAGE_A]
    assert w["inbound"].sum() == r["inbound"] and w["answered"].sum() == r["answered"]


def test_heatmap_places_items_in_local_time(ds):
    h = profile.profile_heatmap(ds, COMMENTS, [PAGE_A]).set_index(["weekday", "hour"])
    assert len(h) == 7 * 24
    # C1 and C2 arrive Monday 2 Jan 10:00 UTC = 11:00 in Stockholm, answered after 10 and 45 min
    assert h.loc[(1, 11), "arrivals"] == 2
    assert h.loc[(1, 11), "median_response_min"] == pytest.approx(27.5)
    assert h.loc[(1, 10), "arrivals"] == 0 and pd.isna(h.loc[(1, 10), "median_response_min"])
    assert h["arrivals"].sum() == 7


def test_slowest_items_carry_masked_text_and_links(ds):
    s = profile.profile_slowest(ds, COMMENTS, [PAGE_A])
    assert s["response_minutes"].tolist() == [1200, 120, 53, 45, 10]
    assert "anna.svensson@example.se" not in s["message"].iloc[0]
    assert s["message"].str.contains("811228-9874").sum() == 0  # C1's personnummer is masked


def test_unanswered_leaves_pending_items_out(ds):
    u = profile.profile_unanswered(ds, COMMENTS, [PAGE_A])
    assert u["item_id"].tolist() == ["100_1_c6"]  # C7 is still pending
    assert u["waited_minutes"].iloc[0] > 72 * 60


def test_links_other_than_facebook_https_are_dropped():
    df = pd.DataFrame(
        {"permalink_url": ["https://www.facebook.com/1/posts/2", "javascript:alert(1)",
                           "http://www.facebook.com/x", "https://facebook.com.evil.example/x",
                           None]}
    )  # fmt: skip
    out = profile._safe_links(df)["permalink_url"].tolist()
    assert out[0] == "https://www.facebook.com/1/posts/2"
    assert all(v is None or pd.isna(v) for v in out[1:])


def test_agency_level_joins_the_agencys_pages(ds):
    agency = Filters(level="agency")
    w = profile.profile_weekly(ds, agency, ["Myndighet A"])
    pages = profile.profile_weekly(ds, Filters(), [PAGE_A, PAGE_C])
    assert w["inbound"].sum() == pages["inbound"].sum()
    assert set(w["entity_id"]) == {"Myndighet A"}


def test_compare_gives_one_row_per_entity_and_week(ds):
    w = profile.profile_weekly(ds, Filters(), [PAGE_A, PAGE_C])
    assert set(w["entity_id"]) == {PAGE_A, PAGE_C}
    assert not w.duplicated(["entity_id", "week_start"]).any()


@pytest.mark.parametrize("bad", ["999", "x' or 1=1 --", "Myndighet A"])
def test_unknown_entities_are_refused_before_sql(ds, bad):
    with pytest.raises(FilterError):
        profile.profile_weekly(ds, Filters(), [bad])  # "Myndighet A" is an agency, not a page


def test_activity_counts_page_posts_beside_inbound(ds):
    a = profile.profile_activity(ds, Filters(), [PAGE_B])
    assert a["page_posts"].sum() == 1 and a["inbound"].sum() == 0  # a closed wall


def test_period_filters_every_mart(ds):
    since = Filters(scope="comments", since=date(2017, 1, 3), until=date(2017, 1, 5))
    assert profile.profile_weekly(ds, since, [PAGE_A])["inbound"].sum() == 3  # C3, C4, C5
    assert len(profile.profile_slowest(ds, since, [PAGE_A])) == 3


def test_coverage_per_snapshot(ds):
    c = profile.snapshot_coverage(ds)
    assert c["snapshot_id"].tolist() == [s.snapshot_id for s in ds.snapshots]
    assert c["inbound_items"].iloc[0] == ds.snapshots[0].counts["inbound_items"]
    first, last = profile.data_range(c)
    assert (first, last) == (date(2017, 1, 2), date(2017, 1, 30))


def test_empty_dataset_gives_empty_frames(tmp_path: Path):
    empty = Dataset(tmp_path)
    assert profile.profile_weekly(empty, Filters(), ["1"]).empty
    assert len(profile.profile_heatmap(empty, Filters(), ["1"])) == 7 * 24
    assert profile.snapshot_coverage(empty).empty
    assert profile.data_range(profile.snapshot_coverage(empty)) == (None, None)


# -- the seeded world: shapes the dashboard relies on ---------------------------------------------


def test_monday_morning_backlog_shows(app_ds):
    b = profile.profile_backlog(app_ds, Filters(), ["1001"]).set_index(["weekday", "hour"])
    monday_morning = b.loc[(1, 7), "mean_waiting"]
    assert monday_morning > 2 * b.loc[(3, 12), "mean_waiting"]  # vs Wednesday noon
    assert monday_morning > b.loc[(5, 12), "mean_waiting"]  # vs Friday noon


def test_backlog_is_zero_where_nothing_waits(ds):
    b = profile.profile_backlog(ds, Filters(), [PAGE_B])
    assert (b["mean_waiting"].fillna(0) == 0).all()


# -- plain Python ---------------------------------------------------------------------------------


def test_period_presets_cover_the_data():
    presets = profile.period_presets(date(2016, 11, 28), date(2017, 2, 26))
    keys = [p.key for p in presets]
    assert keys == ["all", "last30", "study", "2017-q1", "2016-q4", "2017-02", "2017-01",
                    "2016-12", "2016-11"]  # fmt: skip
    by_key = {p.key: p for p in presets}
    last30, study = by_key["last30"], by_key["study"]
    assert (last30.since, last30.until) == (date(2017, 1, 28), date(2017, 2, 26))
    assert (study.since, study.until) == (date(2017, 1, 1), date(2017, 1, 31))
    assert by_key["2016-q4"].until == date(2016, 12, 31)
    assert by_key["2017-02"].until == date(2017, 2, 28)


@pytest.mark.parametrize(
    ("first", "last", "has_study"),
    [(date(2018, 3, 1), date(2018, 3, 10), False), (date(2016, 12, 20), date(2017, 1, 2), True)],
)
def test_the_study_month_is_offered_only_when_covered(first, last, has_study):
    keys = [p.key for p in profile.period_presets(first, last)]
    assert ("study" in keys) == has_study
    assert keys[:2] == ["all", "last30"]


def test_no_data_gives_only_the_whole_period():
    assert [p.key for p in profile.period_presets(None, None)] == ["all"]


def test_peer_medians_use_ranked_entities(ds):
    r = rank(ds, Filters(min_items=5))
    peers = profile.peer_medians(r)
    ranked = r[r["is_ranked"]]
    assert peers["reply_rate"] == pytest.approx(ranked["reply_rate"].median())
    assert set(peers) == set(profile.PEER_COLUMNS)


def test_entities_at_both_levels(ds):
    pages = profile.entities(ds, "page")
    assert sorted(pages["entity_id"]) == [PAGE_A, PAGE_B, PAGE_C]
    agencies = profile.entities(ds, "agency").set_index("entity_id")
    assert agencies.loc["Myndighet A", "count_pages"] == 2


@pytest.mark.parametrize("clock", ["wall", "business"])
def test_within_goal_marts_rest_on_the_rankings_base(ds, clock):
    """On each page's own goal, the per-entity mart and the weekday × hour cells summed give
    the leaderboard's within-goal share on the leaderboard's base; a common goal of one minute
    keeps that base and counts fewer answers within it."""
    filters = Filters(clock=clock, min_items=0)
    ranking = rank(ds, filters).set_index("page_id")
    ids = list(ranking.index)
    per_entity = profile.within_goal(ds, filters, ids).set_index("entity_id")
    for page_id, row in per_entity.iterrows():
        assert row["within_goal_share"] == pytest.approx(ranking.at[page_id, "within_sla_share"])
        cells = profile.profile_within_goal(ds, filters, [page_id])
        assert cells["sla_base"].sum() == row["sla_base"]
        assert cells["within_goal"].sum() == row["within_goal"]
    strict = profile.within_goal(ds, filters, ids, goal_minutes=1).set_index("entity_id")
    assert (strict["sla_base"] == per_entity["sla_base"]).all()
    assert (strict["within_goal"] <= per_entity["within_goal"]).all()
