"""The synthetic demo world: the article's published figures, the realism the dashboard shows,
masking, determinism and scaling. The default demo is generated once per test session."""

from __future__ import annotations

import csv
import io
import re
from contextlib import redirect_stdout
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from analysis.cli import main
from analysis.datafolder import list_snapshots, read_manifest
from analysis.errors import DataDirError, InputError
from analysis.read.dataset import Dataset
from analysis.read.metrics import Filters, rank
from analysis.registry import load_registry
from analysis.snapshot import privacy
from analysis.sources import demo

JANUARY = {"since": date(2017, 1, 1), "until": date(2017, 1, 31)}
YEAR = {"since": date(2016, 7, 1), "until": date(2017, 6, 30)}
TABLES = ("pages", "posts", "replies", "item_facts")


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default demo (DEFAULT_ITEMS inbound items, default seed), written once."""
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    demo.write_demo(data_dir)
    return data_dir


@pytest.fixture(scope="module")
def ds(demo_dir: Path) -> Dataset:
    return Dataset(demo_dir)


@pytest.fixture(scope="module")
def study(demo_dir: Path) -> list[dict]:
    """The study month through the CLI, as a user would reproduce the article."""
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(
            [
                "rank", "--data-dir", str(demo_dir), "--scope", "visitor_posts",
                "--clock", "wall", "--since", "2017-01-01", "--until", "2017-01-31",
                "--format", "csv",
            ]
        )  # fmt: skip
    assert code == 0
    return list(csv.DictReader(io.StringIO(out.getvalue())))


@pytest.fixture(scope="module")
def con(demo_dir: Path) -> duckdb.DuckDBPyConnection:
    """DuckDB over the snapshot's Parquet files; dates and hours in Europe/Stockholm."""
    (snap,) = list_snapshots(demo_dir)
    c = duckdb.connect()
    c.execute("set TimeZone = 'Europe/Stockholm'")
    for table in TABLES:
        c.execute(f"create view {table} as select * from read_parquet('{snap / table}.parquet')")
    return c


def rows(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None) -> list:
    cur = con.cursor()  # a cursor is a session of its own: set its time zone too
    cur.execute("set TimeZone = 'Europe/Stockholm'")
    return cur.execute(query, params or []).fetchall()


def one(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None):
    return rows(con, query, params)[0]


def pid(key: str) -> str:
    return demo.page_id(key)


def number(value: str) -> float | None:
    return float(value) if value != "" else None


# -- the published figures (Smampion's study month, January 2017) ---------------------------------


def test_the_study_lists_66_pages_of_which_33_accept_visitor_posts(study):
    assert len(study) == 66
    assert sum(r["accepts_visitor_posts"] == "true" for r in study) == 33


def test_11_of_the_33_open_walls_never_answered_a_visitor_post(study):
    open_walls = [r for r in study if r["accepts_visitor_posts"] == "true"]
    silent = [r for r in open_walls if int(r["answered"]) == 0 and int(r["inbound"]) > 0]
    assert len(silent) == 11
    assert all(int(r["inbound"]) > 0 for r in open_walls)
    assert all(int(r["pending"]) == 0 for r in study)  # the snapshot is taken long after


def test_three_pages_answered_every_visitor_post(study):
    perfect = [r for r in study if r["reply_rate"] != "" and float(r["reply_rate"]) == 1.0]
    assert {r["page_name"] for r in perfect} == {
        "Statens veterinärmedicinska anstalt", "Sol", "UD Resklar",
    }  # fmt: skip
    assert {r["agency"] for r in perfect} >= {"Strålsäkerhetsmyndigheten", "Utrikesdepartementet"}
    for r in perfect:  # enough items to be ranked, none still pending
        assert r["is_ranked"] == "true" and int(r["rated"]) >= 10 and int(r["pending"]) == 0


def test_the_three_fastest_medians_are_14_91_and_137_minutes(study):
    timed = sorted(
        (number(r["median_response_min"]), r["page_name"])
        for r in study
        if r["median_response_min"] != ""
    )
    assert timed[:3] == [
        (14.0, "Lotteriinspektionen"),
        (91.0, "Försäkringskassan bostadsbidrag"),
        (137.0, "Sjöfartsverket"),
    ]
    assert timed[3][0] > 137.0


def test_the_study_month_is_the_same_through_the_api(ds, study):
    df = rank(ds, Filters(scope="visitor_posts", clock="wall", **JANUARY))
    by_name = df.set_index("page_name")
    assert len(df) == 66
    assert by_name.loc["Lotteriinspektionen", "median_response_min"] == 14.0
    assert (df["reply_rate"] == 1.0).sum() == 3


# -- open and closed walls ------------------------------------------------------------------------


def test_closed_walls_get_no_visitor_posts_and_ignored_open_walls_stay_ignored(ds, con):
    registry = load_registry(ds.data_dir)
    assert len(registry) == 66
    closed = [p for p, e in registry.items() if e.accepts_visitor_posts is False]
    assert len(closed) == 33
    kinds = dict(
        rows(
            con,
            "select accepts, count(*) from (select list_contains($1, page_id) as accepts "
            "from posts where kind = 'visitor_post') group by all",
            [closed],
        )
    )
    assert kinds.get(True, 0) == 0 and kinds[False] > 0
    # closed walls still get comments under their own posts
    comments = rank(ds, Filters(scope="comments", **YEAR)).set_index("page_id")
    assert (comments.loc[closed, "inbound"] > 0).all()
    # open walls nobody answers: visitor posts all year, not one answered
    year = rank(ds, Filters(scope="visitor_posts", **YEAR))
    ignored = year[(year["accepts_visitor_posts"]) & (year["answered"] == 0)]
    assert len(ignored) == 11 and (ignored["inbound"] > 0).all()


# -- when visitors write and when pages answer ----------------------------------------------------

OUTSIDE_OFFICE = "(isodow(created_at) >= 6 or hour(created_at) < 8 or hour(created_at) >= 16)"


def test_visitors_write_evenings_and_weekends_pages_reply_in_staffed_hours(con):
    outside, weekend = one(
        con,
        f"select avg({OUTSIDE_OFFICE}::int), avg((isodow(created_at) >= 6)::int) "
        "from posts where kind <> 'page_post'",
    )
    assert outside > 0.5 and weekend > 0.15
    evening = one(
        con, "select avg((hour(created_at) >= 18)::int) from posts where kind <> 'page_post'"
    )[0]
    assert evening > 0.25
    r_outside, r_weekend = one(
        con,
        f"select avg({OUTSIDE_OFFICE}::int), avg((isodow(created_at) >= 6)::int) from replies",
    )
    assert r_outside < 0.2 and r_weekend < 0.06  # a few pages staff evenings and weekends


def test_monday_morning_is_the_busiest_reply_time(con):
    cells = rows(
        con,
        "select isodow(created_at), hour(created_at), count(*) as n from replies "
        "group by all order by n desc limit 2",
    )
    assert {(d, h) for d, h, _ in cells} == {(1, 8), (1, 9)}
    by_day = dict(
        rows(
            con,
            "select isodow(created_at), count(*) from replies "
            "where hour(created_at) in (8, 9) group by all",
        )
    )
    assert by_day[1] > 1.4 * max(n for d, n in by_day.items() if d != 1)


def test_pensionsmyndigheten_meets_its_two_hour_goal_on_the_business_clock(ds):
    for scope in ("comments", "all"):
        business = rank(ds, Filters(scope=scope, clock="business", **JANUARY)).set_index("page_id")
        row = business.loc[pid("pension")]
        assert 0.97 <= row["within_sla_share"] <= 0.99, scope
        assert row["reply_rate"] > 0.99
        wall = rank(ds, Filters(scope=scope, clock="wall", **JANUARY)).set_index("page_id")
        # the wall clock counts nights and weekends: the median is hours, not minutes
        assert wall.loc[pid("pension"), "median_response_min"] > 5 * row["median_response_min"]
        assert wall.loc[pid("pension"), "median_response_min"] > 240
    before_storm = Filters(
        scope="all", clock="business", since=date(2016, 7, 1), until=date(2017, 3, 26)
    )
    share = rank(ds, before_storm).set_index("page_id").loc[pid("pension"), "within_sla_share"]
    assert share >= 0.97
    assert load_registry(ds.data_dir)[pid("pension")].sla_minutes == 120


def test_a_storm_of_angry_comments_hits_pensionsmyndigheten_after_tv4(con):
    days = rows(
        con,
        "select created_at::date as d, count(*) as n, avg(is_question::int), "
        "avg(regexp_matches(message, 'TV4|efterlevandestöd')::int) "
        "from posts where page_id = $1 and kind <> 'page_post' group by all order by n desc",
        [pid("pension")],
    )
    median = sorted(n for _, n, _, _ in days)[len(days) // 2]
    peak_day, peak, questions, about_tv = days[0]
    assert date(2017, 3, 27) <= peak_day <= date(2017, 3, 31)
    assert peak > 15 * median
    assert questions < 0.5 and about_tv > 0.25  # statements more than questions
    hidden = one(
        con,
        "select count(*) filter (where is_hidden) from posts "
        "where page_id = $1 and created_at between '2017-03-28' and '2017-04-02'",
        [pid("pension")],
    )[0]
    assert hidden > 0  # moderators hide some of it


def test_payout_post_a_few_days_before_the_25th_then_fewer_questions(con):
    posts = rows(
        con,
        "select created_at from posts where page_id = $1 and kind = 'page_post' "
        "and starts_with(message, 'När kommer pengarna?') order by 1",
        [pid("fk_foralder")],
    )
    assert len(posts) == 12  # one a month
    assert all(18 <= t.day <= 23 and t.weekday() < 5 for (t,) in posts)
    before, after = one(
        con,
        """
        with promo as (
            select created_at as t from posts
            where page_id = $1 and kind = 'page_post'
              and starts_with(message, 'När kommer pengarna?')
        ),
        asked as (
            select created_at from posts
            where page_id = $1 and kind <> 'page_post'
              and regexp_matches(message, 'pengarna|utbetalning')
        )
        select
            count(*) filter (where a.created_at >= p.t - interval 3 day and a.created_at < p.t),
            count(*) filter (where a.created_at >= p.t and a.created_at < p.t + interval 3 day)
        from promo as p, asked as a
        """,
        [pid("fk_foralder")],
    )
    assert after * 3 < before


def test_skatteverket_asks_follow_up_questions_has_no_goal_and_peaks_before_2_may(ds, con):
    skv = pid("skv_dekl")
    assert load_registry(ds.data_dir)[skv].sla_minutes is None  # no stated response goal
    asking = dict(
        rows(con, "select page_id, avg(contains(message, '?')::int) from replies group by all")
    )
    assert asking[skv] >= 0.3 and asking[skv] == max(asking.values())
    replies_per_item = dict(
        rows(
            con,
            "select page_id, avg(reply_count) from item_facts where reply_count > 0 group by all",
        )
    )
    assert replies_per_item[skv] > 1.3 and replies_per_item[skv] == max(replies_per_item.values())
    month, week = (
        one(
            con,
            f"select date_trunc('{unit}', created_at)::date, count(*) as n from posts "
            "where page_id = $1 and kind <> 'page_post' group by all order by n desc limit 1",
            [skv],
        )[0]
        for unit in ("month", "week")
    )
    assert month == date(2017, 4, 1)
    assert date(2017, 4, 17) <= week <= date(2017, 5, 1)


def test_bursts_of_hundreds_of_comments_in_a_quarter_of_an_hour(con):
    bursts = rows(
        con,
        "select page_id, max(n) from (select page_id, count(*) as n from posts "
        "where kind = 'comment' group by page_id, time_bucket(interval 15 minute, created_at)) "
        "group by all having max(n) >= 100",
    )
    peaks = dict(bursts)
    assert peaks[pid("fk_foralder")] >= 500  # "det har hänt att de fått in 500 på en kvart"
    assert len(peaks) >= 2


def test_followers_and_traffic_fit_the_pages(con):
    pages = {
        r[0]: r[1:]
        for r in rows(con, "select page_id, followers_count, fan_count, page_name from pages")
    }
    assert 84_000 <= pages[pid("fk_foralder")][0] < 85_000
    assert 10_000 <= pages[pid("pension")][0] < 10_500  # its ten-thousandth follower in January
    assert 10_500 <= pages[pid("skv_dekl")][0] < 11_000  # "nästan 11 000"
    assert all(f and fans and fans <= f for f, fans, _ in pages.values())
    busiest = rows(
        con, "select page_id, count(*) as n from item_facts group by all order by n desc limit 1"
    )[0][0]
    assert busiest == pid("fk_foralder")


# -- messages -------------------------------------------------------------------------------------


def test_messages_are_swedish_questions_and_statements_with_emojis(con):
    questions, swedish, emoji = one(
        con,
        "select avg(is_question::int), avg(regexp_matches(message, '[åäöÅÄÖ]')::int), "
        "avg(regexp_matches(message, '[\\x{1F300}-\\x{1FAFF}\\x{2764}]')::int) "
        "from posts where kind <> 'page_post'",
    )
    assert 0.4 < questions < 0.85 and swedish > 0.4 and emoji > 0.05
    languages = one(
        con,
        "select count(*) filter (where regexp_matches(message, '[\\x{0600}-\\x{06FF}]')), "
        "count(*) filter (where starts_with(message, 'How ') or starts_with(message, 'Can ')) "
        "from posts where page_id = $1 and kind <> 'page_post'",
        [pid("fk_sprak")],
    )
    assert all(n > 0 for n in languages)
    replies_in_swedish = one(con, "select avg(starts_with(message, 'Hej')::int) from replies")[0]
    assert replies_in_swedish > 0.5


def test_planted_personal_data_is_masked_before_it_is_stored(demo_dir, con):
    planted = demo.PLANTED_PERSONNUMMER + demo.PLANTED_PHONES + demo.PLANTED_EMAILS
    # each planted value is personal data by the masking rules …
    for value in planted:
        assert privacy.mask_text(value) in (
            privacy.PERSONNUMMER_MASK, privacy.PHONE_MASK, privacy.EMAIL_MASK,
        ), value  # fmt: skip
    # … the generator writes them into visitors' and pages' messages …
    world = demo.generate()
    pattern = "|".join(re.escape(v) for v in planted)
    for table in (world.posts, world.replies):
        assert pc.sum(pc.match_substring_regex(table["message"], pattern)).as_py() > 50
    # … and none reaches storage: not in any column, not in the files' bytes
    (snap,) = list_snapshots(demo_dir)
    for name in TABLES:
        table = pq.read_table(snap / f"{name}.parquet")
        for column in table.itercolumns():
            if pa.types.is_string(column.type):
                found = pc.match_substring_regex(column, pattern)
                assert not pc.any(found).as_py(), name
        raw = (snap / f"{name}.parquet").read_bytes()
        assert not any(v.encode() in raw for v in planted)
    for table in ("posts", "replies"):
        masks = one(
            con,
            f"select count(*) filter (where contains(message, '[personnummer]')), "
            f"count(*) filter (where contains(message, '[telefon]')), "
            f"count(*) filter (where contains(message, '[e-post]')) from {table}",
        )
        assert all(n > 0 for n in masks), table
    visitors = one(con, "select count(*) filter (where starts_with(author_key, 'v_')) from posts")
    assert visitors[0] == one(con, "select count(*) from posts where kind <> 'page_post'")[0]


def test_ids_and_links_look_like_the_graph_api(con):
    post = re.compile(r"^\d{15}_\d+$")
    comment = re.compile(r"^\d{15}_\d+_\d+$")
    for kind, post_id, parent, link in rows(
        con,
        "select kind, post_id, parent_id, permalink_url from posts using sample 2000 rows "
        "(reservoir, 7)",
    ):
        if kind == "comment":
            assert comment.match(post_id) and post_id.startswith(parent + "_")
            assert link.endswith("?comment_id=" + post_id.rsplit("_", 1)[1])
        else:
            assert post.match(post_id) and parent is None
            page, n = post_id.split("_")
            assert link == f"https://www.facebook.com/{page}/posts/{n}"
    unique = one(
        con,
        "select count(*) = count(distinct post_id), "
        "(select count(*) = count(distinct reply_id) from replies) from posts",
    )
    assert unique == (True, True)
    orphans = one(
        con,
        "select count(*) from replies r anti join posts p on r.item_id = p.post_id",
    )[0]
    assert orphans == 0


def test_registry_names_agency_sector_hours_and_goal_for_every_page(ds):
    registry = load_registry(ds.data_dir)
    assert set(registry) == set(demo.PAGE_IDS)
    fk = [e for e in registry.values() if e.agency == "Försäkringskassan"]
    assert {e.page_name for e in fk} >= {
        "Försäkringskassan förälder", "Försäkringskassan bostadsbidrag",
    }  # fmt: skip
    assert len(fk) == 3
    sectors = {e.sector for e in registry.values()}
    assert {"Socialförsäkring", "Skatt", "Transport", "Statliga bolag"} <= sectors
    assert all(e.opening_hours and e.agency and e.sector for e in registry.values())
    assert ds.is_demo and ds.latest.source == "demo"


# -- determinism, scaling, refusals ---------------------------------------------------------------


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same small world written twice into two folders holding the same secret key."""
    dirs = []
    for name in ("a", "b"):
        d = tmp_path_factory.mktemp(f"twin-{name}") / "data"
        d.mkdir()
        (d / ".salt").write_text("ab" * 32 + "\n", encoding="ascii")
        demo.write_demo(d, items=20_000, seed=7)
        dirs.append(d)
    return dirs[0], dirs[1]


def test_the_same_seed_gives_identical_tables(twins):
    a, b = (list_snapshots(d) for d in twins)
    assert len(a) == len(b) == 1 and a[0].name != b[0].name  # run times differ in the name
    assert sorted(p.name for p in a[0].iterdir()) == sorted(p.name for p in b[0].iterdir())
    for name in ("pages", "posts", "replies"):  # what the generator hands to write_snapshot
        ta, tb = (pq.read_table(s[0] / f"{name}.parquet") for s in (a, b))
        assert ta.equals(tb), name
    # item_facts is derived by storage (ORDER BY page_id, created_at): items of one page stamped
    # in the same second may come out in either order, so compare its rows, not their order
    fa, fb = (pq.read_table(s[0] / "item_facts.parquet").sort_by("item_id") for s in (a, b))
    assert fa.equals(fb)
    assert read_manifest(a[0])["counts"] == read_manifest(b[0])["counts"]
    assert (twins[0] / "registry.csv").read_bytes() == (twins[1] / "registry.csv").read_bytes()


def test_the_demo_hands_the_writer_the_rows_prepare_makes_of_its_raw_ones():
    """`write_demo` prepares each distinct message and author once (`Stored`): every batch is
    the one `prepare.posts` / `prepare.replies` makes of the raw batch, masking included."""
    from analysis.snapshot import prepare
    from analysis.sources.demo.columns import Stored, post_tables, reply_tables
    from analysis.sources.demo.simulate import page_years

    key = bytes(range(32))
    pages = page_years(20_000, 7)
    stored = Stored(pages, key)
    raw, fast = list(post_tables(pages)), list(post_tables(pages, stored))
    assert len(raw) == len(fast) > 2
    for r, f in zip(raw, fast, strict=True):
        assert prepare.posts(r, key).equals(f)
    assert sum(pc.sum(f["has_personnummer"]).as_py() for f in fast) > 0
    assert sum(pc.sum(pc.is_null(f["author_key"])).as_py() for f in fast) == len(raw[0])
    raw, fast = list(reply_tables(list(pages))), list(reply_tables(list(pages), stored))
    assert len(raw) == len(fast) > 2
    for r, f in zip(raw, fast, strict=True):
        assert prepare.replies(r).equals(f)
    masked = pc.sum(pc.count_substring(pa.concat_tables(fast)["message"], "[telefon]"))
    assert masked.as_py() > 0


@pytest.mark.parametrize("seed", range(6))
def test_visitors_write_again_in_one_pass_as_one_by_one(seed):
    """The vectorised follow-up edits give the authors the plain loop gives, chains included
    (an item that takes an author passes it on when it asks again), also where an edit goes to
    an earlier item (the wall's January posts come first, out of time order)."""
    from analysis.sources.demo import simulate

    rng = np.random.default_rng(seed)
    n, n_vp = 4_000, 1_200
    us, day = 1_000_000, 86_400 * 1_000_000
    wall = np.sort(rng.integers(0, 30 * day, n_vp))
    if seed % 2:  # as the world draws the wall: January's visitor posts first, then the rest
        wall = np.concatenate([np.sort(wall[:300] // 3 + 10 * day), wall[300:]])
    t = np.concatenate([wall, np.sort(rng.integers(0, 30 * day, n - n_vp))]) + 1_467_000_000 * us
    t = t // (60 * us) * (60 * us)  # ties included: whole minutes
    is_vp = np.arange(n) < n_vp
    root = np.where(is_vp, 10**9 + np.arange(n), 10**9 + rng.integers(0, 25, n))
    root[~is_vp & (t < t[n_vp] + 3 * day)] = 2 * 10**9  # the last thread ends early
    first = t + rng.integers(60, 2 * day, n)
    asked = rng.random(n) < 0.5
    author = rng.integers(0, 10**8, n)
    plain, original = author.copy(), author.copy()
    simulate._visitors_write_again(t, is_vp, root, author, asked, first)
    thread = np.where(is_vp, -1, root)
    order = np.lexsort((t, thread))
    simulate._write_again_one_by_one(
        thread, order, thread[order], t[order], plain, np.flatnonzero(asked), first
    )
    assert (author == plain).all()
    assert (author != original).sum() > 100


def test_the_world_keeps_whole_seconds_only():
    from analysis.sources.demo.simulate import _seconds

    us = np.array([1_467_000_000, 1_499_990_000]) * 1_000_000
    assert _seconds(us).tolist() == [1_467_000_000, 1_499_990_000]
    for bad in (us + 1, us * 2):  # a fraction of a second, past 2038
        with pytest.raises(ValueError):
            _seconds(bad)


def test_the_demos_author_keys_are_the_writers():
    from analysis.sources.demo.columns import _author_keys

    authors = np.array([100_000_000, 100_000_001, 165_999_999, 123_456_789])
    ids = pa.array([f"visitor_{a}" for a in authors])
    for key in (bytes(range(32)), b"k" * 64, b"long" * 20):
        assert _author_keys(authors, key).equals(privacy.pseudonymise(ids, key))


def test_the_demos_item_facts_are_the_ones_the_writer_derives_from_its_files(twins):
    """`write_demo` hands the writer the item facts it knows (`fact_tables`): they are the rows,
    in the order, that DuckDB derives from the written posts and replies."""
    from analysis.snapshot.facts import fact_batches
    from analysis.sources.demo.timing import AS_OF

    (snap,) = list_snapshots(twins[0])
    hours = {pid: e.hours() for pid, e in load_registry(twins[0]).items()}
    derived = pa.Table.from_batches(
        [b for t in fact_batches(snap / "posts.parquet", snap / "replies.parquet", AS_OF, hours)
         for b in t.to_batches()]
    )  # fmt: skip
    given = pq.read_table(snap / "item_facts.parquet")
    assert given.num_rows == derived.num_rows == 20_000
    assert given.equals(derived.cast(given.schema))
    assert (
        pc.sum(given["reply_count"]).as_py() == pq.read_metadata(snap / "replies.parquet").num_rows
    )
    # the flags are there to compare: each one true, false and (where it can be) null somewhere
    for flag in ("is_hidden", "has_personnummer", "first_reply_redirects"):
        counts = {v["values"]: v["counts"] for v in pc.value_counts(given[flag]).to_pylist()}
        assert counts.get(True, 0) > 0 and counts.get(False, 0) > 0, flag
    assert given["is_hidden"].null_count > 0
    assert (
        given["first_reply_redirects"].null_count
        == pc.sum(pc.equal(given["reply_count"], 0)).as_py()
        > 0
    )
    assert 0 < given["follow_up_at"].null_count < given.num_rows
    assert pc.sum(pc.not_equal(given["follow_up_at"], given["created_at"])).as_py() > 0


def test_the_demos_flags_are_item_facts_sql_on_tied_and_early_replies(tmp_path):
    """The default world has no two replies to an item in one second, no item answered only
    before it was posted and no visitor writing again in the very second of the reply: in a world
    edited to have each (a tie of a redirecting and a plain reply either way round; replies
    before the item, alone or with later ones; a later item of the same thread and author stamped
    at the first reply), `fact_tables` still gives the rows, in the order, that item_facts.sql
    derives from the written files."""
    from analysis.read.metrics import REDIRECT_PATTERN
    from analysis.snapshot.facts import fact_batches
    from analysis.sources.demo.columns import Stored, fact_tables, post_tables, reply_tables
    from analysis.sources.demo.pages import registry_entries
    from analysis.sources.demo.simulate import NEVER, page_years
    from analysis.sources.demo.timing import AS_OF, utc_us

    key = bytes(range(32))
    pages = page_years(20_000, 3)
    stored = Stored(pages, key)
    redirects = np.asarray(pc.match_substring_regex(stored.reply, REDIRECT_PATTERN))
    red, plain = np.flatnonzero(redirects), np.flatnonzero(~redirects)
    rng = np.random.default_rng(3)
    edits = {"tie": 0, "early": 0, "same second": 0}
    for p in pages:
        n = len(p.t)
        if not len(p.r_item):
            continue
        # two replies of one item in the same second, the redirecting one first or second
        by_item = np.argsort(p.r_item, kind="stable")
        pair = np.flatnonzero(p.r_item[by_item][1:] == p.r_item[by_item][:-1])
        pair = pair[rng.random(len(pair)) < 0.5]
        pair = pair[np.unique(p.r_item[by_item[pair]], return_index=True)[1]]  # one an item
        a, b = by_item[pair], by_item[pair + 1]
        p.r_t[a] = p.r_t[b] = np.minimum(p.r_t[a], p.r_t[b])
        swap = rng.random(len(a)) < 0.5
        p.r_message[np.where(swap, a, b)] = rng.choice(red, len(a))
        p.r_message[np.where(swap, b, a)] = rng.choice(plain, len(a))
        edits["tie"] += len(a)
        # replies before the item: all of an item's, or one of them
        answered = np.unique(p.r_item)
        early = answered[rng.random(len(answered)) < 0.1]
        rows = np.flatnonzero(np.isin(p.r_item, early))
        item = p.r_item[rows]
        moved = (item % 2 == 0) | (rng.random(len(rows)) < 0.5)  # even items: every reply
        p.r_t[rows] = np.where(moved, p.t[item] - rng.integers(1, 3_600, len(rows)), p.r_t[rows])
        edits["early"] += len(rows)
        # a later item of the same thread and author stamped at the earlier one's first reply
        thread = np.where(np.arange(n) < p.n_vp, -1, p.root)
        order = np.lexsort((p.t, p.author, thread))
        first = np.full(n, NEVER, dtype=np.int64)
        on_time = p.r_t >= p.t[p.r_item]
        np.minimum.at(first, p.r_item[on_time], p.r_t[on_time])
        e, later = order[:-1], order[1:]
        same = (thread[e] == thread[later]) & (p.author[e] == p.author[later]) & (first[e] < NEVER)
        same &= rng.random(len(same)) < 0.5
        p.t[later[same]] = first[e[same]]
        edits["same second"] += int(same.sum())
    assert min(edits.values()) > 20, edits

    posts, replies = tmp_path / "posts.parquet", tmp_path / "replies.parquet"
    pq.write_table(pa.concat_tables(post_tables(pages, stored)), posts)
    pq.write_table(pa.concat_tables(reply_tables(pages, stored)), replies)
    hours = {e.page_id: e.hours() for e in registry_entries()}
    derived = pa.concat_tables(fact_batches(posts, replies, AS_OF, hours))
    given = pa.concat_tables(fact_tables(list(pages), stored, utc_us(AS_OF), hours))
    assert given.num_rows == derived.num_rows == 20_000
    assert given.equals(derived.cast(given.schema))
    only_early = pc.and_(pc.is_null(given["first_reply_at"]), given["has_reply_before_item"])
    assert pc.sum(only_early).as_py() > 0


def test_another_seed_gives_another_world_with_the_same_story():
    a, b = demo.generate(20_000, seed=1), demo.generate(20_000, seed=2)
    assert a.posts.num_rows != b.posts.num_rows or not a.posts.equals(b.posts)
    assert a.pages.equals(b.pages)


def test_items_scales_the_world(twins):
    counts = read_manifest(list_snapshots(twins[0])[0])["counts"]
    assert abs(counts["inbound_items"] - 20_000) <= 200
    assert counts["pages"] == 66 and counts["replies"] > 0
    ds = Dataset(twins[0])
    study = rank(ds, Filters(scope="visitor_posts", **JANUARY))
    assert (study["reply_rate"] == 1.0).sum() == 3  # the story holds at any size
    fastest = study.dropna(subset=["median_response_min"]).nsmallest(3, "median_response_min")
    assert fastest["median_response_min"].tolist() == [14.0, 91.0, 137.0]


def test_the_cli_writes_the_demo_and_says_it_is_synthetic(tmp_path, capsys):
    assert main(["demo", "--data-dir", str(tmp_path), "--items", "5000", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "66 pages, 5,000 inbound items" in out and "synthetic" in out
    assert main(["rank", "--data-dir", str(tmp_path)]) == 0
    assert "Synthetic demo data" in capsys.readouterr().out


def test_demo_refuses_a_folder_with_real_snapshots(study_data):
    with pytest.raises(DataDirError, match="real snapshots"):
        demo.write_demo(study_data, items=5_000)
    assert len(list_snapshots(study_data)) == 1


def test_too_few_items_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(InputError):
        demo.generate(10)
    assert main(["demo", "--data-dir", str(tmp_path), "--items", "10"]) == 2
    assert "--items" in capsys.readouterr().err


# -- the measures of analysis/read/insights.py have something true to show -------------------------


def test_the_storms_of_the_demo_are_found_by_the_storm_rule(ds):
    from analysis.read import insights

    storms = insights.storms(ds, Filters(**YEAR)).set_index("page_id")
    # Pensionsmyndigheten after TV4 (28 March 2017, 19:35 local), the twin parents' 500 in a
    # quarter of an hour (12 October 2016) and Skatteverket's crash evening before 2 May
    pension = storms.loc[[pid("pension")]]
    assert len(pension) == 1
    start = pension["start_at"].iloc[0].tz_convert("Europe/Stockholm")
    assert start.date() == date(2017, 3, 28) and 19 <= start.hour <= 20
    assert pension["size"].iloc[0] >= 400
    twins = storms.loc[[pid("fk_foralder")]]
    assert twins["start_at"].iloc[0].date() == date(2016, 10, 12) and twins["size"].iloc[0] >= 500
    assert pid("skv_dekl") in storms.index
    assert len(storms) == 3


def test_skatteverkets_follow_up_questions_bring_visitors_back(ds):
    from analysis.read import insights

    aq = insights.answer_quality(ds, Filters(**YEAR)).set_index("entity_id")
    busy = aq[aq["follow_up_base"] >= 500]
    assert busy["follow_up_rate"].idxmax() == pid("skv_dekl")
    assert busy.loc[pid("skv_dekl"), "follow_up_rate"] > 1.5 * busy["follow_up_rate"].median()


def test_personnummer_comments_are_hidden_more_often_than_others(ds):
    from analysis.read import insights

    m = insights.moderation_totals(insights.moderation(ds, Filters(**YEAR)))
    total = m[["hidden", "inbound", "hidden_unknown", "personnummer_hidden"]].sum()
    known = m["personnummer_hidden_known"].sum()
    assert m["with_personnummer"].sum() > 0 and m["personnummer_unknown"].sum() == 0
    assert total["personnummer_hidden"] / known > 5 * total["hidden"] / (
        total["inbound"] - total["hidden_unknown"]
    )
