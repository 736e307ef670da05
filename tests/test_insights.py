"""Hand-computed expectations for the measures of analysis/read/insights.py and the response-time
buckets, over the export built here (and the study export of conftest for the buckets).

Times in the export are UTC; Stockholm is UTC+1 in December and January. Worked figures are in
the comments.
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analysis.contract import FACTS_FLAGS
from analysis.ingest import ingest_graph_api
from analysis.read import insights
from analysis.read.dataset import Dataset
from analysis.read.metrics import BUCKETS, Filters, rank
from analysis.snapshot.prepare import found_personnummer
from tests.conftest import PAGE_A
from tests.graph_export import node, write_page

Q_PAGE, S_PAGE = "500", "600"
AS_OF = datetime(2017, 3, 1, 12, 0, tzinfo=UTC)
JANUARY = Filters(since=date(2017, 1, 1), until=date(2017, 1, 31))
REGISTRY = (
    "page_id,agency,sector,accepts_visitor_posts,opening_hours,sla_minutes\n"
    f"{Q_PAGE},Insiktsverket,Test,false,mon-sun 08:00-16:00,\n"
    f"{S_PAGE},Stormverket,Test,true,,\n"
)


def c(id_: str, at: str, who: str, message: str, children=None, hidden: bool = False):
    """A comment whose hidden state the export states (the Graph API's is_hidden)."""
    out = node(id_, at, who, message, children)
    out["is_hidden"] = hidden
    return out


def build_export(root: Path) -> Path:
    """Page 500 (a closed wall in the registry, open every day 08–16): threads with follow-ups
    before and after the page's reply, redirecting replies, hidden personnummer posts. Page 600:
    one comment a day in January, a burst exactly at the storm threshold, a longer storm and a
    burst one short of the threshold."""
    q = Q_PAGE
    r = lambda id_, at, msg: node(id_, at, q, msg)  # noqa: E731 — the page's reply
    post_0 = node(
        "500_0",
        "2016-12-15 08:00",
        q,
        "December",
        [c("500_0_c", "2016-12-15 09:00", "u20", "Hej?")],  # never answered: December 0/1
    )
    post_1 = node(
        "500_1",
        "2017-01-02 08:00",
        q,
        "Nu kan du ansöka digitalt",
        [
            c("500_1_c1", "2017-01-02 10:00", "u1", "Hur ansöker jag?",
              [r("500_1_c1_r", "2017-01-02 11:00", "Hej! Fyll i blanketten.")]),
            c("500_1_c1b", "2017-01-02 10:30", "u1", "Hallå?"),  # before the reply: no follow-up
            c("500_1_c1c", "2017-01-02 12:00", "u1", "Det fungerar inte"),  # after: a follow-up
            c("500_1_c2x", "2017-01-02 11:00", "u2", "En annan sak"),  # u2, but not c2's thread
            c("500_1_c3", "2017-01-02 10:00", "u3", "Var är mitt beslut?",
              [r("500_1_c3_r", "2017-01-02 10:20", "Du når oss på 070-123 45 67.")]),
            c("500_1_c3b", "2017-01-11 12:00", "u3", "Fortfarande inget"),  # 9 days: too late
            c("500_1_c4", "2017-01-03 10:00", "u5", "Mitt personnummer är 811228-9874",
              [r("500_1_c4_r", "2017-01-03 10:05", "Vi har dolt inlägget.")], hidden=True),
            c("500_1_c5", "2017-01-03 11:00", "u6", "Hjälp, 811228-9874"),  # not hidden
            c("500_1_c6", "2017-01-03 12:00", "u7", "Idioter", hidden=True),
            c("500_1_c7", "2017-01-05 10:00", "u8", "Hur lång är handläggningstiden?", [
                r("500_1_c7_r0", "2017-01-05 09:00", "Ring oss i stället."),  # stamped before
                r("500_1_c7_r1", "2017-01-05 10:40", "Ungefär tre veckor."),  # times it: 40 min
            ]),
        ],
    )  # fmt: skip
    post_2 = node(
        "500_2",
        "2017-01-02 08:00",
        q,
        "Frågor om deklarationen?",
        [
            c("500_2_c2", "2017-01-02 10:00", "u2", "Hur gör jag?",
              [r("500_2_c2_r", "2017-01-02 10:30", "Kontakta oss via kontaktformuläret.")]),
        ],
    )  # fmt: skip
    wall = [
        node("500_v1", "2017-01-10 08:00", "u4", "Var hittar jag mitt beslut?",
             [r("500_v1_r", "2017-01-10 08:30", "Logga in på Mina sidor.")]),
        node("500_v2", "2017-01-11 08:00", "u4", "Hittade inte"),  # same wall, next day
        # Sunday 15 January 10:00 local, answered 11:00: open on Sundays -> 60 business minutes
        node("500_s1", "2017-01-15 09:00", "u9", "Hej",
             [r("500_s1_r", "2017-01-15 10:00", "Vi svarar även på söndagar.")]),
        # Epiphany (Friday 6 January, a public holiday) 10:00 local, answered Saturday 09:00:
        # closed all Friday, open Saturday 08:00-09:00 -> 60 business minutes, 1380 wall minutes
        node("500_h1", "2017-01-06 09:00", "u10", "Trettondagen",
             [r("500_h1_r", "2017-01-07 08:00", "God fortsättning!")]),
    ]  # fmt: skip
    write_page(root, q, "Insiktsverket", [[post_0, post_1, post_2], wall])

    s = S_PAGE
    comments = [node("600_0_c", "2016-12-20 09:00", "ud0", "December",
                     [node("600_0_c_r", "2016-12-20 09:10", s, "Svar")])]  # fmt: skip
    for day in range(1, 31):  # one a day, answered after 10 minutes: the usual rate is 1
        at = f"2017-01-{day:02d} 10:00"
        reply = node(f"600_d{day}_r", f"2017-01-{day:02d} 10:10", s, "Svar")
        comments.append(node(f"600_d{day}", at, f"ud{day}", "Fråga", [reply]))

    def burst(tag: str, day: int, hour: int, n: int, answered: int, start_second: int = 0):
        for i in range(n):
            sec = start_second + i * 30
            at = f"2017-01-{day:02d} {hour:02d}:{sec // 60:02d}:{sec % 60:02d}"
            kids = []
            if i < answered:
                r_at = f"2017-01-{day:02d} {hour + 1:02d}:{sec // 60:02d}:{sec % 60:02d}"
                kids = [node(f"600_{tag}{i}_r", r_at, s, "Svar")]  # after 60 minutes
            comments.append(node(f"600_{tag}{i}", at, f"u{tag}{i}", "Skandal!", kids))

    burst("a", 20, 12, 20, 5)  # 12:00:00-12:09:30: exactly the threshold of 20
    burst("b", 22, 12, 25, 0)  # 12:00-12:12 and …
    burst("c", 22, 12, 21, 0, start_second=900)  # … 12:15-12:25: one storm of 46, 30 minutes
    burst("n", 25, 14, 19, 0)  # one short of the threshold: no storm
    write_page(root, s, "Stormverket", [[node("600_1", "2016-12-01 08:00", s, "Hej", comments)]])
    return root


@pytest.fixture(scope="module")
def insight_data(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("insights")
    data = root / "data"
    data.mkdir()
    (data / "registry.csv").write_text(REGISTRY, encoding="utf-8")
    ingest_graph_api(data, [build_export(root / "export")], as_of=AS_OF)
    return data


@pytest.fixture(scope="module")
def ds(insight_data):
    return Dataset(insight_data)


def one(df: pd.DataFrame, entity_id: str, key: str = "entity_id") -> pd.Series:
    return df.set_index(key).loc[entity_id]


# -- response-time buckets ------------------------------------------------------------------------


def test_buckets_on_the_study_export_add_up_to_inbound(study_data):
    ds = Dataset(study_data)
    # comments C1-C7: 10, 45, 120 (the edge, inclusive), 53 in 0-2 h; 1200 in 8-24 h; C6 not
    # answered; C7 pending
    a = one(rank(ds, Filters(scope="comments")), PAGE_A, "page_id")
    assert [a[b] for b in BUCKETS] == [4, 0, 1, 0, 0, 1]
    assert a["pending"] == 1 and sum(a[b] for b in BUCKETS) + a["pending"] == a["inbound"]
    # business clock: C4 takes 420 open minutes -> 2-8 h
    b = one(rank(ds, Filters(scope="comments", clock="business")), PAGE_A, "page_id")
    assert [b[x] for x in BUCKETS] == [4, 1, 0, 0, 0, 1]
    # visitor posts: V1 3810 minutes (> 24 h), V2 answered only before it (untimed)
    v = one(rank(ds, Filters(scope="visitor_posts")), PAGE_A, "page_id")
    assert [v[x] for x in BUCKETS] == [0, 0, 0, 1, 1, 0]


# -- answer quality -------------------------------------------------------------------------------


def test_follow_up_rate_counts_a_visitor_writing_again_after_the_first_reply(ds):
    aq = one(insights.answer_quality(ds, JANUARY, [Q_PAGE]), Q_PAGE)
    # answered and timed: c1, c2, c3, c4, c7, v1, s1, h1 = 8. Followed up: c1 (u1 again at
    # 12:00 under the same post, after the 11:00 reply; c1b at 10:30 came before it) and v1 (u4
    # on the same wall 23 h 30 min after the reply). Not: c2 (u2 wrote again under another
    # post), c3 (u3 came back after 9 days, past the 24 hours).
    assert (aq["follow_up_base"], aq["followed_up"]) == (8, 2)
    assert aq["follow_up_rate"] == pytest.approx(2 / 8)


# the follow-up as the plain self-join over the whole thread: what the windowed join must equal
PLAIN_FOLLOW_UP = """
timed as (
    select i.item_id, i.entity_id, i.first_reply_at, p.thread_key, p.author_key
    from items as i
    inner join posts as p on i.item_id = p.post_id
    where i.first_reply_at is not null
),

followed as (
    select distinct t.item_id
    from timed as t
    inner join posts as q
        on
            t.thread_key = q.thread_key
            and t.author_key = q.author_key
            and t.item_id != q.post_id
    where
        epoch(q.created_at) - epoch(t.first_reply_at) > 0
        and epoch(q.created_at) - epoch(t.first_reply_at) <= $follow_up_hours * 3600
),

"""


@pytest.mark.parametrize("hours", [0, 0.5, 1, 1.5, 2, 23.5, 24, 24.5, 200, 24 * 9])
@pytest.mark.parametrize("filters", [JANUARY, Filters(), Filters(level="agency")])
def test_follow_ups_by_window_equal_the_plain_self_join(ds, hours, filters):
    from analysis.read import sql

    text = sql.load("answer_quality_from_posts")
    start = text.index("-- The follow-up window as an equality")
    plain = text[:start] + PLAIN_FOLLOW_UP + text[text.index("first_replies as (") :]
    values = {**insights._values(ds, filters, None), "follow_up_hours": float(hours)}

    def run(query: str) -> pd.DataFrame:
        names = {n for n in values if f"${n}" in query}
        return ds.cursor().execute(query, {n: values[n] for n in names}).df()

    pd.testing.assert_frame_equal(run(text), run(plain))


def test_redirect_rate_reads_the_first_reply_and_the_phone_mask(ds):
    aq = one(insights.answer_quality(ds, JANUARY, [Q_PAGE]), Q_PAGE)
    # c3 "Du når oss på [telefon]" (the masked number), c2 "Kontakta oss via
    # kontaktformuläret", v1 "Logga in på Mina sidor": 3 of 8 first replies. c7's first reply is
    # the one that times it ("Ungefär tre veckor"), not the earlier-stamped "Ring oss i stället".
    assert (aq["first_replies"], aq["redirected"]) == (8, 3)
    assert aq["redirect_rate"] == pytest.approx(3 / 8)


@pytest.mark.parametrize(
    ("reply", "redirects"),
    [
        ("Ring oss på 0771-524 524", True),
        ("Kontakta kundservice så hjälper de dig", True),
        ("Mejla oss på [e-post]", True),
        ("Du hittar det på Mina sidor", True),
        ("Please call us on weekdays", True),
        ("Send us a private message", True),
        ("Beslutet kommer inom tre veckor.", False),
        ("Ringde du igår?", False),
        ("Thanks, we have fixed it", False),
    ],
)
def test_redirect_patterns(reply, redirects):
    import re

    # the pattern is RE2 in DuckDB; Python's re reads these the same way
    assert bool(re.search(insights.REDIRECT_PATTERN, reply)) is redirects


# -- moderation -----------------------------------------------------------------------------------


def test_moderation_counts_hidden_items_and_personnummer_found_when_masking(ds):
    monthly = insights.moderation(ds, JANUARY, [Q_PAGE])
    assert list(monthly["month_start"].astype(str)) == ["2017-01-01"]
    m = one(insights.moderation_totals(monthly), Q_PAGE)
    # 15 inbound items in January; hidden c4, c6; the 4 visitor posts do not say (unknown)
    assert (m["inbound"], m["hidden"], m["hidden_unknown"]) == (15, 2, 4)
    assert m["hidden_share"] == pytest.approx(2 / 11)
    # personnummer in c4 (hidden) and c5 (not hidden): 1 of 2
    assert (m["with_personnummer"], m["personnummer_hidden"], m["personnummer_unknown"]) == (
        2,
        1,
        0,
    )
    assert m["personnummer_hidden_share"] == pytest.approx(1 / 2)


def test_the_flag_is_stored_and_the_number_is_not(ds):
    posts = pq.read_table(ds.snapshots[0].path / "posts.parquet").to_pandas().set_index("post_id")
    assert bool(posts.loc["500_1_c4", "has_personnummer"])
    assert not bool(posts.loc["500_1_c6", "has_personnummer"])
    assert "811228" not in "".join(posts["message"].dropna())


def test_a_typed_mask_token_is_not_a_found_number():
    raw = pa.array(["[personnummer]", "811228-9874", None, "[personnummer] 811228-9874"])
    masked = pa.array(["[personnummer]", "[personnummer]", None, "[personnummer] [personnummer]"])
    assert found_personnummer(raw, masked).to_pylist() == [False, True, False, True]


def _drop_flag(snapshot: Path) -> None:
    """Make `snapshot` one written before the flag: neither its posts nor its item facts (nor
    the item facts' later flags) have it."""
    path = snapshot / "posts.parquet"
    table = pq.read_table(path)
    pq.write_table(table.drop_columns(["has_personnummer"]), path)
    path = snapshot / "item_facts.parquet"
    table = pq.read_table(path)
    pq.write_table(table.drop_columns(list(FACTS_FLAGS)), path)


def test_snapshots_without_the_flag_read_as_unknown(insight_data, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(insight_data, old)
    (old_snap,) = sorted((old / "snapshots").iterdir())
    _drop_flag(old_snap)
    m = one(insights.moderation_totals(insights.moderation(Dataset(old), JANUARY)), Q_PAGE)
    assert (m["with_personnummer"], m["personnummer_unknown"], m["hidden"]) == (0, 15, 2)
    assert pd.isna(m["personnummer_hidden_share"])
    # an older snapshot without the column, then a newer one with it: read by name, the newer
    # rows win
    ingest_graph_api(old, [build_export(tmp_path / "export")], as_of=AS_OF.replace(day=2))
    m = one(insights.moderation_totals(insights.moderation(Dataset(old), JANUARY)), Q_PAGE)
    assert (m["with_personnummer"], m["personnummer_unknown"]) == (2, 0)


# -- storms ---------------------------------------------------------------------------------------


def test_storms_at_the_threshold_and_one_short(ds):
    st = insights.storms(ds, JANUARY, [S_PAGE])
    # windows with an arrival: 30 daily ones with 1, then 20, 25, 21 and 19: the usual rate is
    # the median, 1; the threshold max(10 x 1, 20) = 20. The burst of 20 is a storm, the 19 is
    # not, the 25 and 21 in consecutive quarters are one storm.
    assert list(st["storm_no"]) == [1, 2]
    assert list(st["usual_rate"]) == [1, 1] and list(st["threshold"]) == [20, 20]
    first, second = st.iloc[0], st.iloc[1]
    assert first["start_at"] == pd.Timestamp("2017-01-20 12:00", tz="UTC")
    assert (first["size"], first["duration_min"]) == (20, 15)
    assert second["start_at"] == pd.Timestamp("2017-01-22 12:00", tz="UTC")
    assert second["end_at"] == pd.Timestamp("2017-01-22 12:30", tz="UTC")
    assert (second["size"], second["duration_min"]) == (46, 30)
    # during the first: 5 of 20 answered, each after 60 minutes; the second: none answered
    assert first["reply_rate"] == pytest.approx(5 / 20)
    assert first["median_response_min"] == pytest.approx(60)
    assert second["reply_rate"] == 0 and pd.isna(second["median_response_min"])
    # outside the storms: the 30 daily comments (answered after 10 minutes) and the 19
    assert first["items_outside"] == 49
    assert first["reply_rate_outside"] == pytest.approx(30 / 49)
    assert first["median_response_min_outside"] == pytest.approx(10)


def test_no_storm_on_a_quiet_page(ds):
    assert insights.storms(ds, JANUARY, [Q_PAGE]).empty


# -- ranking history ------------------------------------------------------------------------------


def test_history_by_month_with_movement(ds):
    h = insights.history(ds, Filters(min_items=1), "month")
    assert sorted(set(h["period"])) == ["2016-12", "2017-01"]
    dec = h[h["period"] == "2016-12"].set_index("page_id")
    jan = h[h["period"] == "2017-01"].set_index("page_id")
    # December: 600 answered its one item (1/1), 500 did not (0/1); nothing ranked before
    assert (dec.loc[S_PAGE, "rank"], dec.loc[Q_PAGE, "rank"]) == (1, 2)
    assert dec["is_new"].all() and dec["movement"].isna().all()
    # January: 500 answers 8 of 15 (0.53), 600 35 of 115 (0.30): 500 up one, 600 down one
    assert jan.loc[Q_PAGE, "reply_rate"] == pytest.approx(8 / 15)
    assert jan.loc[S_PAGE, "reply_rate"] == pytest.approx(35 / 115)
    assert (jan.loc[Q_PAGE, "rank"], jan.loc[Q_PAGE, "movement"]) == (1, 1)
    assert (jan.loc[S_PAGE, "rank"], jan.loc[S_PAGE, "movement"]) == (2, -1)
    # each period's figures are the ranking of that period
    jan_rank = rank(ds, Filters(min_items=1, since=date(2017, 1, 1), until=date(2017, 1, 31)))
    assert jan.loc[Q_PAGE, "median_response_min"] == pytest.approx(
        one(jan_rank, Q_PAGE, "page_id")["median_response_min"]
    )


def test_periods_and_the_period_before():
    spans = insights.periods(date(2016, 11, 20), date(2017, 2, 3), "quarter")
    assert [s.key for s in spans] == ["2016-q4", "2017-q1"]
    assert spans[0].since == date(2016, 10, 1) and spans[1].until == date(2017, 3, 31)
    assert insights.previous_period(date(2017, 1, 1), date(2017, 1, 31)) == (
        date(2016, 12, 1),
        date(2016, 12, 31),
    )
    assert insights.previous_period(date(2017, 1, 1), date(2017, 3, 31)) == (
        date(2016, 10, 1),
        date(2016, 12, 31),
    )
    # not whole months: the same number of days just before
    assert insights.previous_period(date(2017, 1, 10), date(2017, 1, 19)) == (
        date(2016, 12, 31),
        date(2017, 1, 9),
    )


def test_movement_marks_new_and_unranked_rows():
    now = pd.DataFrame({"page_id": ["a", "b", "c", "d"], "rank": [1, 2, 3, None]})
    before = pd.DataFrame({"page_id": ["b", "a", "d"], "rank": [1, 4, 2]})
    m = insights.movement(now.astype({"rank": "Int64"}), before.astype({"rank": "Int64"}))
    assert m["movement"].tolist()[:2] == [3, -1]
    assert m["is_new"].tolist() == [False, False, True, False]
    assert pd.isna(m["movement"].iloc[2]) and pd.isna(m["movement"].iloc[3])


# -- the definitions settled in the methodology ---------------------------------------------------


def test_a_reply_stamped_before_and_one_after_the_later_times_it(ds):
    # c7: replies at 09:00 (before the 10:00 item) and 10:40 -> timed at 40 minutes
    f = Filters(scope="comments", since=date(2017, 1, 5), until=date(2017, 1, 5))
    row = one(rank(ds, f), Q_PAGE, "page_id")
    assert (row["inbound"], row["answered"], row["timed"]) == (1, 1, 1)
    assert row["median_response_min"] == pytest.approx(40)
    assert row["within_sla_share"] == pytest.approx(1.0)


def test_a_closed_wall_with_visitor_posts_counts_them(ds):
    row = one(rank(ds, JANUARY.with_(scope="visitor_posts")), Q_PAGE, "page_id")
    assert not row["accepts_visitor_posts"]  # the registry says closed …
    assert (row["inbound"], row["answered"]) == (4, 3)  # … and the posts it got still count


def test_registry_hours_open_on_sundays_but_closed_on_public_holidays(ds):
    sunday = Filters(clock="business", since=date(2017, 1, 15), until=date(2017, 1, 15))
    holiday = Filters(clock="business", since=date(2017, 1, 6), until=date(2017, 1, 6))
    assert one(rank(ds, sunday), Q_PAGE, "page_id")["median_response_min"] == pytest.approx(60)
    assert one(rank(ds, holiday), Q_PAGE, "page_id")["median_response_min"] == pytest.approx(60)
    wall = one(rank(ds, holiday.with_(clock="wall")), Q_PAGE, "page_id")
    assert wall["median_response_min"] == pytest.approx(1380)


def test_agency_level_page_columns_hold_the_agency(study_data):
    df = rank(Dataset(study_data), Filters(level="agency"))
    a = one(df, "Myndighet A", "page_id")
    assert a["page_name"] == "Myndighet A" and a["agency"] == "Myndighet A"
    assert a["count_pages"] == 2  # pages 100 and 300 of the registry and the data
    assert one(df, "Verket B", "page_id")["count_pages"] == 1  # a page with no items counts


def test_redirect_patterns_spell_the_maskers_tokens():
    import re

    from analysis.snapshot.privacy import EMAIL_MASK, PHONE_MASK

    assert re.search(insights.REDIRECT_PATTERN, f"Ring {PHONE_MASK}")
    assert re.search(insights.REDIRECT_PATTERN, f"Skriv till {EMAIL_MASK}")


def test_the_methodology_states_the_new_definitions_with_the_codes_constants():
    from analysis import methodology
    from analysis.read import metrics

    en = dict(methodology.definitions("en"))
    assert f"{metrics.STORM_FACTOR} × the page's usual rate" in en["Storms"]
    assert f"{metrics.STORM_MIN_ITEMS} items" in en["Storms"]
    assert f"within {metrics.FOLLOW_UP_HOURS} hours" in en["Follow-up rate (a proxy)"]
    assert "a proxy" in en["Redirect rate (a proxy)"].lower()
    for _, phrase in metrics.REDIRECT_PATTERNS:
        assert phrase in en["Redirect rate (a proxy)"]
    assert "not counted as misses" in en["Within the goal"]
    assert "first reply stamped at or after it" in en["Page reply"]
    assert "still count as inbound items" in en["Open wall"]
    assert "Sundays open" in en["Response time"]
    assert "count_pages counts the agency's pages" in en["Page and agency"]
    assert "skin tones" in en["Scope"]
