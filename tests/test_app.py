"""The dashboard through Streamlit's AppTest: every page runs, filters drive the numbers, the
address restores a view, and bad addresses give a warning rather than an error.

The app reads the seeded world of conftest.build_app_data (six pages over 13 weeks).
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
import types
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import analysis
from analysis import methodology
from analysis.read.dataset import Dataset
from analysis.read.metrics import RANK_COLUMNS
from analysis.settings import STUDY_MONTH
from analysis.snapshot.writer import write_snapshot
from analysis.sources import graph_api
from tests.conftest import APP_TEXTS, build_app_export
from ui import i18n, tables

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = str(ROOT / "dashboard.py")
VIEWS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "views").glob("*.py"))
TIMEOUT = 30


@pytest.fixture
def app_env(app_data, monkeypatch):
    monkeypatch.setenv("SVARSTID_DATA_DIR", str(app_data))
    return app_data


def start(query: dict | None = None, page: str | None = None) -> AppTest:
    """Run the dashboard; with `page`, then open that page with `query` as a freshly opened link
    would (the address differs from what the session last wrote)."""
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    if page is None:
        at.query_params.update(query or {})
        return at.run()
    at.run()
    at.query_params.clear()
    at.query_params.update(query or {})
    return at.switch_page(page).run()


def leaderboard(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value  # the rankings page's first table


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


# -- smoke: every page ----------------------------------------------------------------------------


@pytest.mark.parametrize("page", VIEWS)
def test_every_page_runs(app_env, page):
    at = start(page=page)
    no_errors(at)
    assert at.title, "every page has a title"
    assert at.query_params.get("lang") == "sv"


@pytest.mark.parametrize("page", VIEWS)
def test_every_page_runs_in_english_at_agency_level(app_env, page):
    at = start({"lang": "en", "level": "agency", "clock": "business"}, page)
    no_errors(at)
    assert at.radio(key="w_lang").value == "en"


@pytest.mark.parametrize("page", VIEWS)
def test_every_page_copes_with_a_period_without_data(app_env, page):
    at = start({"period": "custom", "since": "2030-01-01", "until": "2030-01-31"}, page)
    no_errors(at)
    assert not at.warning


# -- rankings: the filters drive the table --------------------------------------------------------


def test_rankings_default_view(app_env):
    at = start()
    no_errors(at)
    board = leaderboard(at)
    assert len(board) == 6 and board["rank"].tolist()[:5] == [1, 2, 3, 4, 5]
    assert pd.isna(board["rank"].iloc[-1]) and "för få" in board["flags"].iloc[-1]
    assert "stängd vägg" in " ".join(board["flags"])
    assert [m.label for m in at.metric][:2] == ["Sidor", "Inkomna"]
    assert at.metric[1].value == "837"


@pytest.mark.parametrize(
    ("key", "value"),
    [("w_scope", "comments"), ("w_scope", "visitor_posts"), ("w_scope", "questions"),
     ("w_period", "study"), ("w_period", "2016-12"), ("w_period", "last30")],
)  # fmt: skip
def test_scope_and_period_change_the_volumes(app_env, key, value):
    at = start()
    before = leaderboard(at)["inbound"].sum()
    widget = at.radio(key=key) if key == "w_scope" else at.selectbox(key=key)
    widget.set_value(value).run()
    no_errors(at)
    assert 0 < leaderboard(at)["inbound"].sum() < before
    assert at.query_params[key.removeprefix("w_")] == value


def test_clock_changes_the_response_times(app_env):
    at = start()
    wall = leaderboard(at).set_index("name")["median"]
    at.radio(key="w_clock").set_value("business").run()
    business = leaderboard(at).set_index("name")["median"]
    assert (business < wall).all(), "opening hours leave out nights and weekends"
    assert at.query_params["clock"] == "business"


@pytest.mark.parametrize("period", [None, "study"])
def test_the_views_one_click_away_are_ranked_while_the_visitor_reads(app_env, monkeypatch, period):
    """After the start page is drawn, the other clock and the other scopes are ranked in the
    background into the page's cache — with the period before each, for the movement column,
    when a period is chosen: a click on them then runs no ranking query of its own and shows
    what a query for that view gives."""
    import streamlit as st

    from analysis.read import metrics
    from ui import data

    st.cache_data.clear()  # earlier tests ranked these views too
    at = start({"period": period} if period else None)
    no_errors(at)
    assert data.prefetch_settled(TIMEOUT)
    ranked = {"page": [], "background": []}
    real = metrics.rank

    def counted(ds, f):
        who = "background" if threading.current_thread().name.startswith("svarstid") else "page"
        ranked[who].append(f)
        return real(ds, f)

    monkeypatch.setattr(metrics, "rank", counted)
    at.radio(key="w_scope").set_value("questions").run()
    no_errors(at)
    assert ranked["page"] == [], "the click ran its own ranking"
    since, until = STUDY_MONTH if period else (None, None)
    ds = Dataset(app_env)
    expected = real(ds, metrics.Filters(scope="questions", since=since, until=until))
    ds.close()
    assert leaderboard(at)["inbound"].sum() == expected["inbound"].sum() < 837
    # the page just drawn queues its own neighbours: the other clock is ranked in the background
    assert data.prefetch_settled(TIMEOUT)
    assert ranked["page"] == []
    # the others one click from "questions" were ranked from the first page already
    assert [(f.clock, f.scope) for f in ranked["background"]] == [("business", "questions")] * (
        2 if period else 1
    )


def test_prefetch_can_be_turned_off_and_is_bounded(app_env, monkeypatch):
    from analysis.read import metrics
    from analysis.settings import SCOPES
    from ui import data

    assert sorted(data.PREFETCH_SCOPES) == sorted(SCOPES), "a new scope needs its place"
    views = data.neighbours(metrics.Filters())
    assert [(f.clock, f.scope) for f in views] == [
        ("business", "all"),
        ("wall", "questions"),
        ("wall", "visitor_posts"),
        ("wall", "comments"),
    ]
    ds = Dataset(app_env)
    try:
        monkeypatch.setenv("SVARSTID_PREFETCH", "0")
        assert data.prefetch_rankings(ds, metrics.Filters()) == 0
        monkeypatch.setenv("SVARSTID_PREFETCH", "1")
        monkeypatch.setattr(data, "PREFETCH_MAX_QUEUED", 2)
        gate = threading.Event()
        data._PREFETCH.submit(gate.wait, TIMEOUT)  # hold the worker so the jobs stay queued
        try:
            assert data.prefetch_rankings(ds, metrics.Filters(level="agency")) == 2
            # a visitor's run drops what has not begun, and the views can be queued again
            assert data.yield_to_visitor() == 2
            assert data.prefetch_rankings(ds, metrics.Filters(level="agency")) == 2
        finally:
            gate.set()
        assert data.prefetch_settled(TIMEOUT)
        assert data._QUEUED == {}
    finally:
        ds.close()


def test_a_visitors_query_stops_the_background_ranking_of_another_view(app_env, monkeypatch):
    """The view being ranked in the background gives way to a visitor's query for another view
    (DuckDB interrupts it), and not to one for the same view, whose result it is."""
    from analysis.read import metrics
    from ui import data

    def slow(ds, data_key, filters):  # a query of a minute unless stopped
        ds.cursor().execute("select count(*) from range(100000000000) t(x) where x % 7 = 3")
        return ds.cursor().execute("select 1").fetchall()

    monkeypatch.setattr(data, "_ranking", slow)
    ds = Dataset(app_env)
    try:
        assert data.prefetch_rankings(ds, metrics.Filters(clock="business", min_items=3)) == 4
        while data._RUNNING.get("job") is None:
            time.sleep(0.01)
        job = data._RUNNING["job"]
        assert job[1].clock == "wall"  # the other clock comes first
        assert data.yield_to_visitor(wanted=job) == 3  # the three queued scopes, not the clock
        time.sleep(0.3)
        assert data._RUNNING.get("job") == job, "the view the visitor wants runs on"
        began = time.perf_counter()
        assert data.yield_to_visitor() == 1
        assert data.prefetch_settled(TIMEOUT)
        assert time.perf_counter() - began < 10, "the background query was not stopped"
    finally:
        ds.close()


def test_level_agency_merges_pages(app_env):
    at = start()
    at.radio(key="w_level").set_value("agency").run()
    board = leaderboard(at)
    assert len(board) == 5 and "pages" in board
    assert board.set_index("name").loc["Försäkringskassan", "pages"] == 2
    assert at.metric[0].label == "Myndigheter"


def test_sector_filter(app_env):
    at = start()
    at.selectbox(key="w_sector").set_value("Skatt").run()
    assert leaderboard(at)["name"].tolist() == ["Skatteverket"]
    assert at.query_params["sector"] == "Skatt"


def test_custom_dates(app_env):
    at = start({"period": "custom", "since": "2017-01-02", "until": "2017-01-08"})
    no_errors(at)
    assert not at.warning
    week = leaderboard(at)["inbound"].sum()
    assert 0 < week < 150
    assert str(at.date_input(key="w_since").value) == "2017-01-02"


def test_scatter_and_downloads_are_there(app_env):
    at = start()
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["CSV", "Excel"]
    assert not at.get("plotly_chart"), "a chart is drawn on request, after the table"
    at.button_group(key="w_chart").set_value("scatter").run()  # a click on the chart's button
    no_errors(at)
    assert [c.key for c in at.get("plotly_chart")] == ["scatter"]  # one chart at a time
    assert at.query_params["chart"] == "scatter"
    at.button_group(key="w_chart").set_value("buckets").run()
    no_errors(at)
    assert [c.key for c in at.get("plotly_chart")] == ["buckets"]


def test_a_shared_link_opens_its_chart(app_env):
    at = start({"chart": "buckets"})
    no_errors(at)
    assert [c.key for c in at.get("plotly_chart")] == ["buckets"]
    bad = start({"chart": "pie"})  # an unknown chart is reset with the one notice
    assert not bad.get("plotly_chart") and len(bad.warning) == 1


# -- the address ----------------------------------------------------------------------------------


def test_query_parameters_restore_the_view(app_env):
    query = {"lang": "en", "period": "study", "scope": "comments", "clock": "business",
             "level": "agency", "goal": "4", "sector": "Socialförsäkring"}  # fmt: skip
    at = start(query)
    no_errors(at)
    assert not at.warning
    assert at.radio(key="w_lang").value == "en"
    assert at.selectbox(key="w_period").value == "study"
    assert at.radio(key="w_scope").value == "comments"
    assert at.radio(key="w_clock").value == "business"
    assert at.radio(key="w_level").value == "agency"
    assert at.selectbox(key="w_sector").value == "Socialförsäkring"
    assert at.title[0].value == "Rankings"
    assert sorted(leaderboard(at)["name"]) == ["Försäkringskassan", "Pensionsmyndigheten"]
    assert dict(at.query_params) == query, "the address keeps exactly the view"


def test_profile_and_compare_restore_their_selection(app_env):
    at = start({"level": "agency", "id": "Skatteverket"}, "views/profile.py")
    no_errors(at)
    assert at.title[0].value == "Skatteverket"
    assert at.query_params["id"] == "Skatteverket"
    at = start({"ids": ["1003", "1005"]}, "views/compare.py")
    no_errors(at)
    assert at.multiselect(key="w_ids").value == ["1003", "1005"]
    assert at.query_params["ids"] == ["1003", "1005"]


def test_filters_follow_the_visitor_across_pages(app_env):
    at = start()
    at.radio(key="w_scope").set_value("comments").run()
    at.radio(key="w_clock").set_value("business").run()
    for page in ("views/profile.py", "views/compare.py", "views/methodology.py",
                 "views/rankings.py"):  # fmt: skip
        at.query_params.clear()  # Streamlit clears the address on a page switch
        at.switch_page(page).run()
        no_errors(at)
        if page != "views/methodology.py":
            assert at.radio(key="w_scope").value == "comments", page
            assert at.query_params["clock"] == "business", page


BAD = [  # (address, the parameter that is bad)
    ({"scope": "x' or 1=1 --"}, "scope"),
    ({"clock": "'; drop table page_dim; --"}, "clock"),
    ({"level": "admin"}, "level"),
    ({"lang": "de"}, "lang"),
    ({"period": "9999-99"}, "period"),
    ({"period": "custom", "since": "9999-99-99"}, "since"),
    ({"period": "custom", "until": "2017-02-30"}, "until"),
    ({"period": "custom", "since": "99999-01-01"}, "since"),
    ({"sector": "Skatt' or sector <> '"}, "sector"),
    ({"snapshot": "../../etc/passwd"}, "snapshot"),
    ({"scope": "a" * 5000}, "scope"),
]


@pytest.mark.parametrize(("query", "bad"), BAD, ids=[f"{b}-{i}" for i, (_, b) in enumerate(BAD)])
def test_bad_values_in_the_address_warn_and_fall_back(app_env, query, bad):
    at = start(query)
    no_errors(at)
    assert len(at.warning) == 1 and f"({bad})" in at.warning[0].value, "names what was ignored"
    assert leaderboard(at)["inbound"].sum() == 837, "the default view is shown"
    assert at.query_params.get(bad) != query[bad], "the bad value leaves the address"


@pytest.mark.parametrize(
    ("page", "query"),
    [("views/profile.py", {"id": "999"}), ("views/profile.py", {"id": "1' or '1'='1"}),
     ("views/profile.py", {"level": "agency", "id": "1001"}),
     ("views/compare.py", {"ids": ["1001", "nope"]}), ("views/compare.py", {"ids": ["1"] * 9})],
)  # fmt: skip
def test_unknown_pages_in_the_address_warn(app_env, page, query):
    at = start(query, page)
    no_errors(at)
    assert at.warning
    assert at.title


def test_unknown_parameters_are_dropped_quietly(app_env):
    at = start({"utm_source": "newsletter", "fbclid": "abc"})
    no_errors(at)
    assert not at.warning
    assert "utm_source" not in at.query_params


def test_pinned_snapshot(app_env):
    snapshot = Dataset(app_env).latest.snapshot_id
    at = start({"snapshot": snapshot})
    no_errors(at)
    assert not at.warning
    assert at.checkbox(key="w_pin").value is True
    assert at.query_params["snapshot"] == snapshot
    at.checkbox(key="w_pin").uncheck().run()
    assert "snapshot" not in at.query_params
    at.checkbox(key="w_pin").check().run()
    assert at.query_params["snapshot"] == snapshot


def test_language_switch(app_env):
    at = start()
    at.radio(key="w_lang").set_value("en").run()
    no_errors(at)
    assert at.title[0].value == "Rankings"
    assert at.radio(key="w_scope").value == "all", "values survive the switch"
    assert at.query_params["lang"] == "en"


# -- the profile and compare pages ----------------------------------------------------------------


def test_profile_shows_public_text_as_text(app_env):
    at = start({"id": "1004"}, "views/profile.py")
    no_errors(at)
    # the trend, the open chart tab's (the distribution) and the open heatmap tab's (hidden
    # tabs are not drawn)
    assert len(at.get("plotly_chart")) == 3
    assert len(at.dataframe) == 1, "only the open tab's table: the slowest items"
    frames = [at.dataframe[0].value]
    at.session_state["items_tab"] = "Obesvarade"  # what a click on the tab does
    at.run()
    no_errors(at)
    assert len(at.dataframe) == 1 and len(at.get("plotly_chart")) == 3
    frames.append(at.dataframe[0].value)
    assert not frames[0].equals(frames[1]), "the other tab's table is shown"
    texts = pd.concat(frames)  # slowest and unanswered items
    markup = APP_TEXTS[4]  # "**Fet text** <b>html</b> [länk](…) <script>…"
    assert markup in set(texts["text"]), "shown verbatim in a table cell"
    assert not any("<script>" in m.value for m in at.markdown), "never as Markdown"
    assert not texts["text"].str.contains("811228-9874").any(), "masked at ingest"


def test_profile_heatmap_tabs_draw_one_chart_each(app_env):
    at = start({"id": "1004"}, "views/profile.py")
    titles = []
    for label in ("Inom målet", "Median svarstid", "Inkommande", "Väntande (kön)"):
        at.session_state["heat_tab"] = label
        at.run()
        no_errors(at)
        charts = at.get("plotly_chart")
        assert len(charts) == 3
        titles.append(json.loads(charts[-1].proto.spec)["layout"]["title"]["text"])
    assert len(set(titles)) == 4, titles


# -- the goal: the manager's question, goals that differ by page ----------------------------------


def chart(at: AppTest, key: str) -> dict:
    return json.loads(next(c for c in at.get("plotly_chart") if c.key == key).proto.spec)


def test_profile_answers_within_goal_by_weekday_and_hour(app_env):
    at = start({"id": "1004"}, "views/profile.py")
    no_errors(at)
    heat = chart(at, "within")  # the first tab: the share within the goal
    cell = heat["data"][0]
    assert cell["zmid"] == 50 and cell["zmin"] == 0 and cell["zmax"] == 100
    assert cell["texttemplate"] == "%{text}", "values readable without hovering"
    assert "2 h" in heat["layout"]["title"]["text"]
    counts = [c for row in cell["customdata"] for c in row if c]
    assert counts and all(" av " in c and "inlägg" in c for c in counts)
    # the trend's median is in hours, with the goal's line at 2 h
    trend = chart(at, "trend")
    assert [s["y0"] for s in trend["layout"]["shapes"]] == [2.0]
    assert trend["layout"]["yaxis2"]["title"]["text"] == "Median (timmar)"
    dist = chart(at, "distribution")
    assert any("2 h" in a["text"] for a in dist["layout"]["annotations"])


def test_median_heatmap_is_logarithmic_around_the_goal(app_env):
    import math

    at = start({"id": "1004"}, "views/profile.py")
    at.session_state["heat_tab"] = "Median svarstid"
    at.run()
    cell = chart(at, "median_response_min")["data"][0]
    assert cell["zmin"] == math.log10(120 / 16) and cell["zmax"] == math.log10(120 * 16)
    middle = (cell["zmin"] + cell["zmax"]) / 2
    assert math.isclose(middle, math.log10(120)), "the scale divides at the goal"
    shown = [v for row in cell["text"] for v in row if v]
    assert shown and any(v.endswith(("min", "h", "dygn")) for v in shown)


def test_leaderboard_shows_each_rows_goal_and_a_common_goal(app_env):
    at = start()
    board = leaderboard(at)
    assert "goal" in board and set(board["goal"]) == {2.0}
    own = board.set_index("name")["within"]
    at.selectbox(key="w_goal").set_value("8").run()
    no_errors(at)
    board = leaderboard(at)
    assert set(board["goal"]) == {8.0}
    assert (board.set_index("name")["within"] >= own).all()
    assert (board.set_index("name")["within"] > own).any()
    assert at.query_params["goal"] == "8"
    at.button_group(key="w_chart").set_value("scatter").run()
    scatter = chart(at, "scatter")
    assert [s["x0"] for s in scatter["layout"]["shapes"] if s["type"] == "line"] == [480.0]
    assert "Gemensamt mål: 8 h" in at.caption[0].value


def test_rankings_show_movement_against_the_period_before(app_env):
    from analysis.read import insights
    from analysis.read.metrics import Filters, rank

    at = start({"period": "2017-01"})
    no_errors(at)
    board = leaderboard(at)
    ds = Dataset(app_env)
    jan = rank(
        ds,
        Filters(since=pd.Timestamp("2017-01-01").date(), until=pd.Timestamp("2017-01-31").date()),
    )
    dec = rank(
        ds,
        Filters(since=pd.Timestamp("2016-12-01").date(), until=pd.Timestamp("2016-12-31").date()),
    )
    moved = insights.movement(jan, dec).set_index("page_name")
    expected = [
        tables.move_text(moved.at[n, "movement"], bool(moved.at[n, "is_new"]), "sv")
        for n in board["name"]
    ]  # fmt: skip
    assert board["move"].tolist() == expected
    assert any(m.startswith(("↑", "↓", "=")) for m in expected)
    assert "move" not in leaderboard(start()).columns  # the whole data has no period before


def test_profile_shows_quality_moderation_rank_history_and_storms(app_env):
    at = start({"id": "1004"}, "views/profile.py")
    no_errors(at)
    labels = [m.label for m in at.metric]
    for label in ("Uppföljningsgrad", "Hänvisningsgrad", "Dolda av sidan", "Personnummer dolda"):
        assert label in labels
    for label, key in (("Aktivitet per vecka", "activity"), ("Rang per månad", "rank_history")):
        at.session_state["chart_tab"] = label  # what a click on the tab does
        at.run()
        no_errors(at)
        assert key in [c.key for c in at.get("plotly_chart")]
    keys = [c.key for c in at.get("plotly_chart")]
    assert "rank_history" in keys
    history = json.loads(at.get("plotly_chart")[keys.index("rank_history")].proto.spec)
    low, high = history["layout"]["yaxis"]["range"]
    assert low > high == 0.5  # rank 1 on top
    assert any("Inga stormar" in i.value for i in at.info)  # a quiet world has none
    at = start({"id": "1004", "lang": "en"}, "views/profile.py")
    no_errors(at)
    assert "Follow-up rate" in [m.label for m in at.metric]


def test_compare_needs_two(app_env):
    at = start(page="views/compare.py")
    assert len(at.multiselect(key="w_ids").value) == 3
    at.multiselect(key="w_ids").set_value(["1001"]).run()
    no_errors(at)
    assert at.info and not at.get("plotly_chart")
    at.multiselect(key="w_ids").set_value(["1001", "1002"]).run()
    assert [c.key for c in at.get("plotly_chart")] == ["compare_trend", "compare_distribution"]
    at.session_state["compare_tab"] = "Svarstider i intervall"
    at.run()
    assert [c.key for c in at.get("plotly_chart")] == ["compare_trend", "compare_buckets"]
    buckets = json.loads(at.get("plotly_chart")[-1].proto.spec)["data"]
    assert [b["name"] for b in buckets][:2] == ["0–2 h", "2–8 h"] and len(buckets) == 6
    assert len(buckets[0]["y"]) == 2  # a bar per entity


def test_compare_is_one_table_of_entities_and_measures(app_env):
    at = start({"ids": ["1001", "1002", "1003", "1004"]}, "views/compare.py")
    no_errors(at)
    table = at.dataframe[0].value
    assert table["n"].tolist() == [1, 2, 3, 4] and len(table) == 4
    assert all(v.endswith(("min", "h", "dygn")) for v in table["median"]), "units written"
    assert all(re.fullmatch(r"\d+ av \d+", v) or v.startswith("Ej") for v in table["rank"])
    assert not at.metric, "no cards that cut their numbers"


def test_switching_level_keeps_the_selection(app_env):
    at = start({"id": "1002"}, "views/profile.py")
    page_name = at.title[0].value
    at.radio(key="w_level").set_value("agency").run()
    no_errors(at)
    agency = at.selectbox(key="w_id").value
    assert agency != "1002" and at.query_params["id"] == agency
    assert any("Nivån byttes" in c.value for c in at.caption), "says what changed"
    at.radio(key="w_level").set_value("page").run()
    assert at.selectbox(key="w_id").value in {"1001", "1002"}  # a page of that agency
    assert page_name
    at = start({"ids": ["1001", "1002", "1004"]}, "views/compare.py")
    at.radio(key="w_level").set_value("agency").run()
    no_errors(at)
    assert len(at.multiselect(key="w_ids").value) >= 2, "pages became their agencies"
    assert any("Nivån byttes" in c.value for c in at.caption)


def test_one_period_option_per_month(app_env):
    at = start()
    options = at.selectbox(key="w_period").options
    assert "Studiemånaden januari 2017" in options and "Januari 2017" not in options
    at = start({"period": "2017-01"})  # an old link naming the month
    no_errors(at)
    assert not at.warning and at.selectbox(key="w_period").value == "study"


def test_the_ranking_rule_is_where_the_rank_is(app_env):
    at = start()
    board = leaderboard(at)
    assert re.search(r"för få \(\d+ av minst \d+\)", board["flags"].iloc[-1])
    assert re.search(r"minst \d+ bedömda inlägg", at.caption[1].value)


def test_methodology_renders_the_code_definitions(app_env):
    at = start(page="views/methodology.py")
    shown = " ".join(m.value for m in at.markdown)
    for term, _text in methodology.definitions("sv"):
        assert term in shown


# -- demo data ------------------------------------------------------------------------------------


def _write_demo(data_dir: Path, items=None, seed=None):
    """A stand-in for analysis.sources.demo.write_demo: the seeded world, labelled as demo data."""
    export = build_app_export(Path(data_dir).parent / "demo-export", seed or 7)
    pages, posts, replies = graph_api.parse_paths([export]).tables()
    return write_snapshot(
        Path(data_dir), pages, posts, replies, as_of=pd.Timestamp("2017-03-01", tz="UTC"),
        source="demo",
    )  # fmt: skip


@pytest.fixture
def fake_demo(monkeypatch):
    module = types.ModuleType("analysis.sources.demo")
    module.write_demo = _write_demo
    monkeypatch.setitem(sys.modules, "analysis.sources.demo", module)
    monkeypatch.setattr(analysis, "demo", module, raising=False)
    return module


@pytest.mark.parametrize("page", VIEWS)
def test_an_empty_data_folder_shows_the_labelled_demo(tmp_path, monkeypatch, fake_demo, page):
    data_dir = tmp_path / "data"
    monkeypatch.setenv("SVARSTID_DATA_DIR", str(data_dir))
    at = start(page=page)
    no_errors(at)
    assert any("Syntetiska demodata" in w.value for w in at.warning), "labelled on every page"
    banners = [e for e in [*at.warning, *at.info] if "Syntetiska demodata" in e.value]
    assert len(banners) == 1, "once, also on the methodology page"
    assert (data_dir / "demo" / "snapshots").is_dir(), "generated once, beside the data"


# -- strings, formats and downloads (no AppTest needed) -------------------------------------------


def test_every_string_key_used_exists_in_both_languages():
    used = set()
    for path in [ROOT / "dashboard.py", *ROOT.glob("views/*.py"), *ROOT.glob("ui/*.py")]:
        used |= set(re.findall(r"\bt\(\s*\"([a-z0-9_]+)\"", path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if not i18n.has(k))
    assert not missing
    for key, (sv, en) in i18n.STRINGS.items():
        assert sv and en, key


def test_ranking_downloads(app_data):
    from analysis.read.metrics import Filters, rank

    ranking = rank(Dataset(app_data), Filters())
    header = tables.ranking_csv(ranking).decode().splitlines()[0]
    assert header.startswith(",".join(RANK_COLUMNS) + ",")
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(tables.ranking_xlsx(ranking, [("Period", "X")], "sv")))
    assert book.sheetnames == ["Rankning", "Definitioner", "Urval"]
    assert book["Definitioner"].max_row == len(methodology.DEFINITIONS) + 1
    assert book["Rankning"]["F2"].number_format == "0.0%"  # the reply rate as a percentage
    assert book["Rankning"]["F1"].value == "Svarsfrekvens"


def test_dashboard_csv_opens_right_in_swedish_excel(app_data):
    from analysis.read.metrics import Filters, rank

    ranking = rank(Dataset(app_data), Filters())
    raw = tables.people_csv(ranking, "sv")
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    lines = raw.decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    assert header[:3] == ["Rang", "Id", "Namn"] and "Median svarstid (min)" in header
    first = dict(zip(header, lines[1].split(";"), strict=True))
    assert re.fullmatch(r"\d+,\d", first["Svarsfrekvens"]), "a decimal comma"
    assert re.fullmatch(r"\d+", first["Median svarstid (min)"]), "whole minutes as on screen"
    english = tables.people_csv(ranking, "en").decode("utf-8-sig").splitlines()
    assert english[0].startswith("Rank,Id,Name,") and "." in english[1]
    assert tables.ranking_csv(ranking).decode().startswith(",".join(RANK_COLUMNS)), "CLI's CSV"


def test_excel_speaks_the_ui_language_and_rounds_as_on_screen(app_data):
    import io

    import openpyxl

    from analysis.read.metrics import Filters, rank

    ranking = rank(Dataset(app_data), Filters())
    link = "https://svarstid.example.se/rankings?lang=sv"
    book = openpyxl.load_workbook(
        io.BytesIO(tables.ranking_xlsx(ranking, [("Länk till vyn", link)], "sv"))
    )
    sheet = book["Rankning"]
    headers = [c.value for c in sheet[1]]
    col = {h: i for i, h in enumerate(headers)}
    assert "Median svarstid (min)" in col and "median_response_min" not in col
    median = sheet[2][col["Median svarstid (min)"]]
    assert median.value == round(median.value) and median.number_format == "#,##0"
    assert sheet[2][col["Svarsfrekvens"]].number_format == "0.0%"
    assert book["Urval"]["B2"].hyperlink.target == link
    name = tables.export_name("xlsx", ("Rankning", "Januari 2017", "Alla", "Väggklocka"))
    assert re.fullmatch(r"svarstid-rankning-januari-2017-alla-vaggklocka-\d{8}\.xlsx", name)


def test_the_link_to_the_view_is_absolute(app_env, monkeypatch):
    from ui import state

    monkeypatch.setenv(state.PUBLIC_URL_VARIABLE, "https://svarstid.example.se/")
    at = start({"period": "2017-01"})
    no_errors(at)
    monkeypatch.setattr(state, "query_string", lambda: "period=2017-01")
    assert state.view_link("rankings") == "https://svarstid.example.se/rankings?period=2017-01"


def test_one_notice_lists_everything_reset(app_env):
    at = start({"scope": "nope", "clock": "nope", "level": "nope"})
    no_errors(at)
    assert len(at.warning) == 1
    assert all(f"({n})" in at.warning[0].value for n in ("scope", "clock", "level"))


def test_unknown_ids_among_good_ones_keep_the_good_ones(app_env):
    at = start({"ids": ["1001", "x1", "1002", "x2", "1003", "x3", "1004"]}, "views/compare.py")
    no_errors(at)
    assert at.multiselect(key="w_ids").value == ["1001", "1002", "1003", "1004"]
    assert len(at.warning) == 1 and "(ids)" in at.warning[0].value


def test_reversed_dates_are_swapped_in_the_fields_too(app_env):
    at = start({"period": "custom", "since": "2017-01-08", "until": "2017-01-02"})
    no_errors(at)
    assert str(at.date_input(key="w_since").value) == "2017-01-02"
    assert str(at.date_input(key="w_until").value) == "2017-01-08"
    assert len(at.warning) == 1 and "bytt plats" in at.warning[0].value
    assert at.query_params["since"] == "2017-01-02"


def test_a_broken_data_folder_is_a_clear_message(tmp_path, monkeypatch):
    broken = tmp_path / "data" / "snapshots" / "20170201T000000Z_20170201T000000Z_abcdef"
    broken.mkdir(parents=True)
    (broken / "manifest.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("SVARSTID_DATA_DIR", str(tmp_path / "data"))
    at = start()
    assert not at.exception
    assert at.error and "python -m analysis snapshots" in at.error[0].value


def test_the_layers_stay_apart():
    """analysis/ never imports Streamlit; only ui/data.py caches."""
    for path in (ROOT / "analysis").rglob("*.py"):
        assert "import streamlit" not in path.read_text(encoding="utf-8"), path
    for path in [ROOT / "dashboard.py", *ROOT.glob("views/*.py"), *ROOT.glob("ui/*.py")]:
        text = path.read_text(encoding="utf-8")
        if path.name != "data.py":
            assert "st.cache_" not in text, path


@pytest.mark.parametrize("table", ["item_facts", "posts"])
@pytest.mark.parametrize("page", VIEWS)
def test_a_damaged_table_is_a_clear_message_on_every_page(
    app_data, tmp_path, monkeypatch, page, table
):
    """A snapshot table garbled between its header and its footer (so the footer check passes):
    whichever query meets it, the frame's or the page's (the profile's posts), the visitor sees
    the data-folder message, not an exception box."""
    import shutil

    import pyarrow.parquet as pq

    data = tmp_path / "data"
    shutil.copytree(app_data, data)
    (snap,) = [p for p in (data / "snapshots").iterdir() if not p.name.startswith(".")]
    target = snap / f"{table}.parquet"
    raw = bytearray(target.read_bytes())
    footer = pq.read_metadata(target).serialized_size + 8
    for i in range(4, len(raw) - footer):
        raw[i] ^= 0x5A
    target.write_bytes(bytes(raw))
    monkeypatch.setenv("SVARSTID_DATA_DIR", str(data))
    at = start(page=page)
    assert not at.exception, [e.value for e in at.exception]
    if table == "item_facts" or page == "views/profile.py":  # only the profile reads posts
        assert any("python -m analysis snapshots" in e.value for e in at.error)


# Widths Chromium draws these in (Source Sans, 14 px; canvas measureText), grid padding aside.
MEASURED_PX = {
    "MSB – Myndigheten för samhällsskydd och beredskap": 313,
    "Statens veterinärmedicinska anstalt": 209,
    "Försäkringskassan på andra språk": 198,
    "Median (min)": 78,
    "Inom mål (%)": 79,
    "för få (6 av 10) · stängd vägg": 161,
    "12 345 678": 62,
}


@pytest.mark.parametrize(("text", "px"), MEASURED_PX.items())
def test_column_widths_never_undercount_the_drawn_text(text, px):
    assert px + 16 <= tables.text_px(text) <= px + 16 + 0.08 * px + 8


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_leaderboard_defaults_fit_a_laptop_even_with_long_names(app_env, lang):
    from analysis.read.metrics import Filters, rank

    ranking = rank(Dataset(app_env), Filters())
    long = "MSB – Myndigheten för samhällsskydd och beredskap"
    ranking.loc[ranking.index[0], "page_name"] = long
    _, config, defaults = tables.leaderboard(ranking, "page", lang)
    assert defaults[:3] == ["rank", "name", "reply_rate"]
    assert sum(config[c]["width"] for c in defaults) <= tables.LAPTOP_TABLE_PX
    assert config["name"]["width"] >= tables.text_px(long)
    assert not config["name"]["pinned"], "a wide name column is not pinned (a phone)"
    _, config, _ = tables.leaderboard(ranking.iloc[1:], "page", lang)
    assert config["name"]["pinned"]


def test_leaderboard_shows_what_fits_a_laptop_and_names_a_shared_goal(app_env):
    at = start()
    grid = at.dataframe[0].proto
    cols, order = json.loads(grid.columns), list(grid.column_order)
    assert order[:3] == ["rank", "name", "reply_rate"] and "within" in order
    assert sum(cols[c]["width"] for c in order) <= tables.LAPTOP_TABLE_PX
    assert cols["within"]["label"] == "Inom 2 h (%)" and "goal" not in order  # one goal for all
    at.selectbox(key="w_goal").set_value("8").run()
    assert json.loads(at.dataframe[0].proto.columns)["within"]["label"] == "Inom 8 h (%)"
    at.multiselect(key="w_columns").set_value(["p90", "goal"]).run()  # the column chooser
    assert list(at.dataframe[0].proto.column_order) == ["rank", "name", "p90", "goal"]
