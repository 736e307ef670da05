"""The data contract: the Arrow schemas of the tables sources produce and snapshots store.

Sources (`analysis.sources`) hand the snapshot writer `pages`, raw `posts` and `replies` in the
`RAW_*`/`PAGES_SCHEMA` shapes; the writer (`analysis.snapshot`) stores `POSTS_SCHEMA` (masked,
pseudonymised), `REPLIES_SCHEMA`, `PAGES_SCHEMA` and `FACTS_SCHEMA`. docs/data-contract.md
describes every column for tools that write snapshots directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyarrow as pa

SCHEMA_VERSION = 1
TS = pa.timestamp("us", tz="UTC")
POST_KINDS = ("page_post", "visitor_post", "comment")
# Facebook pages exist since 2004; a timestamp outside these years is a broken export.
FIRST_YEAR, LAST_YEAR = 2004, 2100
BATCH_ROWS = 500_000  # rows a source hands the writer at a time (masked and written together)

PAGES_SCHEMA = pa.schema(
    [
        ("page_id", pa.string()),
        ("page_name", pa.string()),
        ("category", pa.string()),
        ("link", pa.string()),
        ("fan_count", pa.int64()),
        ("followers_count", pa.int64()),
    ]
)
# What sources hand in: raw author ids and unmasked text.
RAW_POSTS_SCHEMA = pa.schema(
    [
        ("post_id", pa.string()),
        ("page_id", pa.string()),
        ("kind", pa.string()),
        ("parent_id", pa.string()),
        ("created_at", TS),
        ("author_id", pa.string()),
        ("message", pa.string()),
        ("is_hidden", pa.bool_()),
        ("permalink_url", pa.string()),
    ]
)
# What a snapshot stores: author ids replaced by keyed hashes, messages masked and cut.
POSTS_SCHEMA = pa.schema(
    [
        ("post_id", pa.string()),
        ("page_id", pa.string()),
        ("kind", pa.string()),
        ("parent_id", pa.string()),
        ("created_at", TS),
        ("author_key", pa.string()),
        ("message", pa.string()),
        ("message_length", pa.int64()),
        ("is_question", pa.bool_()),
        ("is_hidden", pa.bool_()),
        ("permalink_url", pa.string()),
        # added after schema version 1's first snapshots: older posts.parquet files lack it and
        # read as null (unknown) through int_inbound_posts
        ("has_personnummer", pa.bool_()),
    ]
)
REPLIES_SCHEMA = pa.schema(
    [
        ("reply_id", pa.string()),
        ("page_id", pa.string()),
        ("item_id", pa.string()),
        ("created_at", TS),
        ("message", pa.string()),
    ]
)
# One row per inbound item, derived when a snapshot is written (analysis/snapshot/facts.py).
FACTS_SCHEMA = pa.schema(
    [
        ("item_id", pa.string()),
        ("page_id", pa.string()),
        ("kind", pa.string()),
        ("created_at", TS),
        ("is_question", pa.bool_()),
        ("observed_at", TS),
        ("reply_count", pa.int32()),
        ("first_reply_at", TS),
        ("has_reply_before_item", pa.bool_()),
        ("wall_minutes", pa.float64()),
        ("business_minutes", pa.float64()),
        ("wall_minutes_observed", pa.float64()),
        ("business_minutes_observed", pa.float64()),
        # added after schema version 1's first snapshots (older item_facts.parquet files lack
        # them; the marts that read them fall back to posts and replies, analysis.read.insights)
        ("is_hidden", pa.bool_()),
        ("has_personnummer", pa.bool_()),
        ("follow_up_at", TS),
        ("first_reply_redirects", pa.bool_()),
    ]
)
# The columns of FACTS_SCHEMA a snapshot written before them lacks.
FACTS_FLAGS = ("is_hidden", "has_personnummer", "follow_up_at", "first_reply_redirects")


def rebatch(tables: Iterable[pa.Table], rows: int, schema: pa.Schema) -> Iterator[pa.Table]:
    """The rows of `tables`, in order, as tables of `rows` rows (the last one shorter): at least
    one table, empty when there are no rows. Slices, not copies; each input is let go as soon as
    its rows are out, so a generator of tables is held one or two at a time."""
    pending: list[pa.Table] = []
    count, sent = 0, False
    for table in tables:
        pending.append(table)
        count += table.num_rows
        del table
        while count >= rows:
            joined = pa.concat_tables(pending)
            yield joined.slice(0, rows)
            pending, count, sent = [joined.slice(rows)], count - rows, True
            del joined
    if count or not sent:
        yield pa.concat_tables(pending) if pending else schema.empty_table()
