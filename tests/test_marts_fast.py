"""The fast answer-quality, moderation and storms marts equal their plain definitions.

answer_quality and moderation read flags stored in the item facts; their plain definitions
(answer_quality_from_posts, moderation_from_posts) read the posts and replies and are what
insights runs for snapshots without the flags. storms tags items by an equality join; the
previous definition (a range join) is kept here as STORMS_RANGE_JOIN. Each is compared on a
seeded demo, on the hand-built export of test_insights, on follow-up edges, on old snapshots, on
several snapshots and after compaction.
"""

from __future__ import annotations

import itertools
import shutil
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from analysis import settings
from analysis.compact import compact
from analysis.contract import FACTS_FLAGS
from analysis.ingest import ingest_graph_api
from analysis.read import insights, profile
from analysis.read.dataset import Dataset
from analysis.read.metrics import Filters
from analysis.sources import demo
from tests.graph_export import node, write_page
from tests.test_insights import AS_OF, REGISTRY, build_export

# every scope, both clocks and levels (each in one view), a period and a sector
FILTERS = [
    Filters(scope=scope, clock=clock, level=level)
    for scope, (clock, level) in zip(
        settings.SCOPES,
        itertools.cycle(itertools.product(settings.CLOCKS, settings.LEVELS)),
        strict=False,
    )
] + [Filters(since=date(2017, 1, 9), until=date(2017, 1, 31)), Filters(sector="Test")]
HOURS = [0, 0.5, 1, 24, 24 * 9]

# storms before the equality join (the range join `i.w between r.first_w and r.last_w`)
STORMS_RANGE_JOIN = """
with items as (
    select page_id, page_name, entity_id, item_id, created_at, is_answered, is_pending,
        response_minutes, floor(epoch(created_at) / ($window_minutes * 60))::bigint as w
    from int_items_in_scope(
        $files, $dedupe, $level, $scope, $clock, $since, $until, $pending_minutes
    )
    where list_contains($entity_ids, entity_id)
),
windows as (select page_id, w, count(*) as arrivals from items group by page_id, w),
usual as (
    select page_id, quantile_cont(arrivals, 0.5) as usual_rate,
        greatest($factor * quantile_cont(arrivals, 0.5), $min_items) as threshold
    from windows group by page_id
),
hot as (
    select w.page_id, w.w, w.arrivals, u.usual_rate, u.threshold,
        w.w - row_number() over (partition by w.page_id order by w.w) as run
    from windows as w inner join usual as u on w.page_id = u.page_id
    where w.arrivals >= u.threshold
),
runs as (
    select page_id, run, min(w) as first_w, max(w) as last_w, count(*) as windows,
        any_value(usual_rate) as usual_rate, any_value(threshold) as threshold,
        row_number() over (partition by page_id order by min(w)) as storm_no
    from hot group by page_id, run
),
tagged as (
    select i.*, r.storm_no from items as i
    left join runs as r on i.page_id = r.page_id and i.w between r.first_w and r.last_w
),
during as (
    select page_id, storm_no, any_value(page_name) as page_name,
        any_value(entity_id) as entity_id, min(created_at) as first_item_at,
        max(created_at) as last_item_at, count(*) as size,
        count(*) filter (where is_answered) as answered,
        count(*) filter (where is_pending) as pending,
        count(*) filter (where is_answered) / nullif(count(*) filter (where not is_pending), 0)
            as reply_rate,
        quantile_cont(response_minutes, 0.5) as median_response_min
    from tagged where storm_no is not null group by page_id, storm_no
),
outside as (
    select page_id, count(*) as items_outside,
        count(*) filter (where is_answered) / nullif(count(*) filter (where not is_pending), 0)
            as reply_rate_outside,
        quantile_cont(response_minutes, 0.5) as median_response_min_outside
    from tagged where storm_no is null group by page_id
)
select d.entity_id, d.page_id, d.page_name, d.storm_no,
    to_timestamp(r.first_w * $window_minutes * 60) as start_at,
    to_timestamp((r.last_w + 1) * $window_minutes * 60) as end_at,
    r.windows * $window_minutes as duration_min, d.first_item_at, d.last_item_at, d.size,
    r.usual_rate, r.threshold, d.answered, d.pending, d.reply_rate, d.median_response_min,
    coalesce(o.items_outside, 0) as items_outside, o.reply_rate_outside,
    o.median_response_min_outside
from during as d
inner join runs as r on d.page_id = r.page_id and d.storm_no = r.storm_no
left join outside as o on d.page_id = o.page_id
order by start_at, page_id
"""

EDGE_PAGE = "700"


def build_edges(root: Path) -> Path:
    """Follow-ups at the edges: at the reply's second (not after it), exactly a day after,
    a second past a day, in another thread and on the wall; two replies in the same second (the
    lower id is the first); a first reply without text; only a reply stamped before the item."""
    p = EDGE_PAGE
    r = lambda id_, at, msg="Svar": node(id_, at, p, msg)  # noqa: E731 — the page's reply
    post = node(
        "700_1",
        "2017-01-02 08:00",
        p,
        "Inlägg",
        [
            node("700_a", "2017-01-03 10:00", "e1", "A?", [r("700_a_r", "2017-01-03 11:00")]),
            node("700_a2", "2017-01-03 11:00", "e1", "Samma sekund som svaret"),
            node("700_b", "2017-01-04 10:00", "e2", "B?", [r("700_b_r", "2017-01-04 11:00")]),
            node("700_b2", "2017-01-05 11:00", "e2", "Exakt ett dygn efter"),
            node("700_c", "2017-01-06 10:00", "e3", "C?", [r("700_c_r", "2017-01-06 11:00")]),
            node("700_c2", "2017-01-07 11:00:01", "e3", "En sekund för sent"),
            node("700_e", "2017-01-09 10:00", "e5", "E?", [
                r("700_e_r2", "2017-01-09 11:00", "Ring oss"),
                r("700_e_r1", "2017-01-09 11:00", "Tack"),
            ]),
            node("700_f", "2017-01-10 10:00", "e6", "F?", [r("700_f_r", "2017-01-10 11:00", "")]),
            node("700_g", "2017-01-11 10:00", "e7", "G?", [
                r("700_g_r0", "2017-01-11 09:00", "Mejla oss"),  # stamped before the item
            ]),
        ],
    )  # fmt: skip
    other = node("700_2", "2017-01-02 09:00", p, "Ett annat inlägg", [
        node("700_a3", "2017-01-03 12:00", "e1", "I en annan tråd"),
    ])  # fmt: skip
    wall = [node("700_v", "2017-01-03 12:30", "e1", "På väggen")]
    write_page(root, p, "Kantverket", [[post, other], wall])
    return root


def _ingest(data: Path, exports: list[Path], as_of: datetime) -> None:
    data.mkdir(parents=True, exist_ok=True)
    registry = REGISTRY + f"{EDGE_PAGE},Kantverket,Test,true,,\n"
    (data / "registry.csv").write_text(registry, encoding="utf-8")
    ingest_graph_api(data, exports, as_of=as_of)


@pytest.fixture(scope="module")
def edge_data(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("marts_fast")
    exports = [build_export(root / "export"), build_edges(root / "edges")]
    _ingest(root / "data", exports, AS_OF)
    return root / "data"


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("marts_demo") / "data"
    demo.write_demo(data, items=30_000, seed=11)
    return data


def _run(ds: Dataset, name: str, filters: Filters, **values) -> pd.DataFrame:
    """A mart's SQL run on its own, every entity of the view (as insights runs it)."""
    return profile._run(ds, name, {**insights._values(ds, filters, None), **values})


def _drop_flags(snapshot: Path) -> None:
    """Make `snapshot` one written before its item facts carried the flags."""
    path = snapshot / "item_facts.parquet"
    pq.write_table(pq.read_table(path).drop_columns(list(FACTS_FLAGS)), path)


@pytest.mark.parametrize("data", ["edge_data", "demo_data"])
@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_fast_marts_equal_the_plain_ones(data, filters, request):
    ds = Dataset(request.getfixturevalue(data))
    assert len(ds.snapshots) == 1 and insights.flags_in_facts(ds)  # the fast path runs
    for hours in HOURS:
        fast = _run(ds, "answer_quality", filters, follow_up_hours=float(hours))
        plain = _run(ds, "answer_quality_from_posts", filters, follow_up_hours=float(hours))
        pd.testing.assert_frame_equal(fast, plain, obj=f"answer_quality, {hours} h")
    pd.testing.assert_frame_equal(
        insights.answer_quality(ds, filters), insights.answer_quality(ds, filters, plain=True)
    )
    pd.testing.assert_frame_equal(
        insights.moderation(ds, filters), insights.moderation(ds, filters, plain=True)
    )
    pd.testing.assert_frame_equal(
        insights.storms(ds, filters),
        ds.cursor()
        .execute(STORMS_RANGE_JOIN, _params(ds, filters, STORMS_RANGE_JOIN))
        .df()[list(insights.storms(ds, filters).columns)],
    )


def _params(ds: Dataset, filters: Filters, query: str) -> dict:
    values = insights._values(ds, filters, None)
    return {k: v for k, v in values.items() if f"${k}" in query}


def test_the_demo_has_what_the_marts_count(demo_data):
    """The comparison above means something: the demo has follow-ups, redirects, hidden items,
    personnummer and storms."""
    ds = Dataset(demo_data)
    aq = insights.answer_quality(ds, Filters())
    assert aq["followed_up"].sum() > 0 and aq["redirected"].sum() > 0
    m = insights.moderation(ds, Filters())
    assert m["hidden"].sum() > 0 and m["with_personnummer"].sum() > 0
    assert len(insights.storms(ds, Filters())) > 0


def test_follow_up_and_first_reply_edges(edge_data):
    facts = pq.read_table(next((edge_data / "snapshots").iterdir()) / "item_facts.parquet")
    f = facts.to_pandas().set_index("item_id")
    # at the reply's own second: not after it; the next item of e1 in that thread is none
    assert pd.isna(f.loc["700_a", "follow_up_at"])
    assert f.loc["700_b", "follow_up_at"] == pd.Timestamp("2017-01-05 11:00", tz="UTC")
    assert f.loc["700_c", "follow_up_at"] == pd.Timestamp("2017-01-07 11:00:01", tz="UTC")
    assert not f.loc["700_e", "first_reply_redirects"]  # 700_e_r1 sorts first: "Tack"
    assert not f.loc["700_f", "first_reply_redirects"]  # no text: no redirect
    assert f.loc["700_g", "first_reply_redirects"]  # only a reply stamped before: that one
    assert pd.isna(f.loc["700_a2", "first_reply_redirects"])  # unanswered
    aq = insights.answer_quality(Dataset(edge_data), Filters()).set_index("entity_id")
    # of a, b, c, e, f timed (g is not): b exactly a day after follows up, c a second late
    # does not; of the six first replies, g's "Mejla oss" redirects
    assert aq.loc[EDGE_PAGE, ["follow_up_base", "followed_up"]].tolist() == [5, 1]
    assert aq.loc[EDGE_PAGE, ["first_replies", "redirected"]].tolist() == [6, 1]


def test_old_snapshots_read_the_posts_and_give_the_same_numbers(edge_data, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(edge_data, old)
    (snap,) = (old / "snapshots").iterdir()
    _drop_flags(snap)
    ds_new, ds_old = Dataset(edge_data), Dataset(old)
    assert not insights.flags_in_facts(ds_old)
    for filters in FILTERS:
        for mart in (insights.answer_quality, insights.moderation):
            pd.testing.assert_frame_equal(mart(ds_old, filters), mart(ds_new, filters))


@pytest.fixture
def split(tmp_path) -> Path:
    """Two snapshots: the first has a comment and its reply, the second (later) only the
    visitor's follow-up in the same thread — and the first is written before the flags."""
    p = EDGE_PAGE
    first = node("700_1", "2017-01-02 08:00", p, "Inlägg", [
        node("700_x", "2017-01-03 10:00", "e1", "Fråga", [node("700_x_r", "2017-01-03 10:30",
                                                               p, "Kontakta oss")]),
    ])  # fmt: skip
    later = node("700_1", "2017-01-02 08:00", p, "Inlägg", [
        node("700_y", "2017-01-03 12:00", "e1", "Följdfråga"),
        node("700_z", "2017-01-04 12:00", "e9", "Annan fråga", [node("700_z_r", "2017-01-04 12:10",
                                                                     p, "Svar")]),
    ])  # fmt: skip
    data = tmp_path / "data"
    _ingest(data, [write_page(tmp_path / "a", p, "Kantverket", [[first]]).parent], AS_OF)
    _drop_flags(next((data / "snapshots").iterdir()))
    export = write_page(tmp_path / "b", p, "Kantverket", [[later]]).parent
    ingest_graph_api(data, [export], as_of=AS_OF.replace(day=2))
    return data


def test_several_snapshots_and_their_compaction(split):
    ds = Dataset(split)
    assert len(ds.snapshots) == 2
    before = {
        (mart.__name__, str(f)): mart(ds, f)
        for mart in (insights.answer_quality, insights.moderation)
        for f in FILTERS
    }
    # the follow-up is only in the later snapshot: the plain definition sees it
    aq = before[("answer_quality", str(Filters()))].set_index("entity_id")
    assert aq.loc[EDGE_PAGE, ["follow_up_base", "followed_up", "redirected"]].tolist() == [2, 1, 1]
    compact(split)
    ds = Dataset(split)
    assert len(ds.snapshots) == 1 and insights.flags_in_facts(ds)  # now the fast path
    for (name, _), frame in before.items():
        f = next(f for f in FILTERS if str(f) == _)
        pd.testing.assert_frame_equal(getattr(insights, name)(ds, f), frame, obj=name)


def test_a_mart_falls_back_when_one_snapshot_lacks_the_flags(split):
    ds = Dataset(split)
    assert not insights.flags_in_facts(ds)
    assert insights.moderation(ds, Filters()).equals(insights.moderation(ds, Filters(), plain=True))
