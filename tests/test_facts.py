"""Per-item facts written with each snapshot: first reply, response and observed minutes."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analysis.contract import FACTS_SCHEMA, POSTS_SCHEMA, REPLIES_SCHEMA
from analysis.hours.spec import OpeningHours
from analysis.snapshot.facts import fact_batches

AS_OF = datetime(2017, 1, 31, 12, 0, tzinfo=UTC)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _tables(tmp_path):
    posts = [  # post_id, page_id, kind, created (UTC; Stockholm is UTC+1 in January)
        ("p1", "A", "page_post", "2017-01-02 08:00"),
        ("c1", "A", "comment", "2017-01-02 09:00"),  # Monday 10:00 local, answered 10:45
        ("c2", "A", "comment", "2017-01-13 16:00"),  # Friday 17:00 local, answered Monday 08:30
        ("c3", "A", "comment", "2017-01-30 11:00"),  # pending: 25 hours before as_of
        ("v1", "B", "visitor_post", "2017-01-03 09:00"),  # replied before it and after it
        ("c4", "B", "comment", "2017-02-01 00:00"),  # stamped after as_of
    ]
    replies = [  # reply_id, page_id, item_id, created (UTC)
        ("r1", "A", "c1", "2017-01-02 09:45"),
        ("r1b", "A", "c1", "2017-01-02 09:50"),
        ("r2", "A", "c2", "2017-01-16 07:30"),
        ("r3", "B", "v1", "2017-01-03 08:00"),
        ("r4", "B", "v1", "2017-01-03 09:20"),
    ]
    n = len(posts)
    post_table = pa.table(
        {
            "post_id": [p[0] for p in posts], "page_id": [p[1] for p in posts],
            "kind": [p[2] for p in posts], "parent_id": [None] * n,
            "created_at": [_utc(p[3]) for p in posts], "author_key": ["x"] * n,
            "message": ["?"] * n, "message_length": [1] * n, "is_question": [True] * n,
            "is_hidden": [False] * n, "permalink_url": [None] * n,
            "has_personnummer": [False] * n,
        },
        schema=POSTS_SCHEMA,
    )  # fmt: skip
    reply_table = pa.table(
        {
            "reply_id": [r[0] for r in replies], "page_id": [r[1] for r in replies],
            "item_id": [r[2] for r in replies], "created_at": [_utc(r[3]) for r in replies],
            "message": ["svar"] * len(replies),
        },
        schema=REPLIES_SCHEMA,
    )  # fmt: skip
    pq.write_table(post_table, tmp_path / "posts.parquet")
    pq.write_table(reply_table, tmp_path / "replies.parquet")
    return tmp_path / "posts.parquet", tmp_path / "replies.parquet"


def _facts(tmp_path, **kwargs) -> dict[str, dict]:
    posts, replies = _tables(tmp_path)
    batches = list(fact_batches(posts, replies, AS_OF, **kwargs))
    assert all(b.schema == FACTS_SCHEMA for b in batches)
    rows = pa.concat_tables(batches).to_pylist()
    return {r["item_id"]: r for r in rows}


def test_one_row_per_inbound_item_and_none_for_page_posts(tmp_path):
    assert sorted(_facts(tmp_path)) == ["c1", "c2", "c3", "c4", "v1"]


def test_the_first_reply_counts_and_every_reply_is_counted(tmp_path):
    c1 = _facts(tmp_path)["c1"]
    assert c1["reply_count"] == 2
    assert c1["first_reply_at"] == _utc("2017-01-02 09:45")
    assert c1["wall_minutes"] == 45
    assert c1["business_minutes"] == 45  # inside the default 08:00–16:00


def test_a_friday_evening_item_waits_no_open_minutes_over_the_weekend(tmp_path):
    c2 = _facts(tmp_path)["c2"]
    assert c2["wall_minutes"] == 2 * 24 * 60 + 15 * 60 + 30  # Fri 17:00 → Mon 08:30
    assert c2["business_minutes"] == 30


def test_a_reply_stamped_before_its_item_is_flagged_not_used(tmp_path):
    v1 = _facts(tmp_path)["v1"]
    assert v1["has_reply_before_item"] is True
    assert v1["reply_count"] == 2
    assert v1["wall_minutes"] == 20


def test_an_unanswered_item_is_observed_until_as_of(tmp_path):
    c3 = _facts(tmp_path)["c3"]
    assert c3["first_reply_at"] is None
    assert c3["wall_minutes"] is None
    assert c3["observed_at"] == AS_OF
    assert c3["wall_minutes_observed"] == 25 * 60
    # Monday 12:00 → 16:00 and Tuesday 08:00 → 13:00 local
    assert c3["business_minutes_observed"] == 4 * 60 + 5 * 60


def test_an_item_stamped_after_as_of_was_just_seen(tmp_path):
    assert _facts(tmp_path)["c4"]["wall_minutes_observed"] == 0


def test_each_page_is_timed_on_its_own_hours(tmp_path):
    facts = _facts(tmp_path, hours_by_page={"A": OpeningHours.parse("always")})
    assert facts["c2"]["business_minutes"] == facts["c2"]["wall_minutes"]
    assert facts["c3"]["business_minutes_observed"] == 25 * 60
    assert facts["v1"]["business_minutes"] == 20  # page B keeps the default hours


@pytest.mark.parametrize("batch_rows", [1, 2, 3])
def test_batches_hold_the_same_rows_whatever_their_size(tmp_path, batch_rows):
    posts, replies = _tables(tmp_path)
    batches = list(fact_batches(posts, replies, AS_OF, batch_rows=batch_rows))
    assert max(len(b) for b in batches) <= batch_rows
    assert {r["item_id"]: r for b in batches for r in b.to_pylist()} == _facts(tmp_path)
