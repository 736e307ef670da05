"""Per-item facts, precomputed when a snapshot is written so that queries only aggregate.

One row per inbound item: its first page reply and the response time on both clocks, plus the
time it was observed unanswered for (the censoring time of the Kaplan–Meier estimate), and the
flags the answer-quality and moderation marts read (hidden, personnummer, the visitor's next item
after the first reply, whether the first reply redirects).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis.contract import BATCH_ROWS, FACTS_FLAGS, FACTS_SCHEMA
from analysis.hours.clock import business_minutes, wall_minutes
from analysis.hours.spec import DEFAULT_HOURS, OpeningHours
from analysis.read.metrics import REDIRECT_PATTERN

_ITEM_FACTS_SQL = (Path(__file__).parent / "item_facts.sql").read_text(encoding="utf-8")
MEMORY_LIMIT = "768MB"  # DuckDB's memory while it derives the facts (it spills beyond)


def _utc_naive(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A timestamp column as numpy datetime64[us] (UTC instants, NaT for nulls)."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    arr = arr.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
    mask = np.asarray(arr.is_null())
    values = pc.fill_null(arr, 0).to_numpy(zero_copy_only=False).astype("int64", copy=True)
    out = values.view("datetime64[us]")
    out[mask] = np.datetime64("NaT")
    return out


def fact_batches(
    posts: Path,
    replies: Path,
    as_of: datetime,
    hours_by_page: dict[str, OpeningHours] | None = None,
    *,
    batch_rows: int = BATCH_ROWS,
    memory_limit: str = MEMORY_LIMIT,
    spill_dir: Path | None = None,
) -> Iterator[pa.Table]:
    """`item_facts` of the posts and replies in two Parquet files, in batches of `batch_rows`.

    In bounded memory: DuckDB reads only the columns it needs from the files and keeps to
    `memory_limit` (spilling to `spill_dir`), and the response times are added one batch at a
    time."""
    config = {
        "memory_limit": memory_limit,
        "preserve_insertion_order": False,
    }
    if spill_dir is not None:
        config["temp_directory"] = str(spill_dir)  # a setting, not SQL text: any path works
    con = duckdb.connect(config=config)
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("set enable_progress_bar = false")
        con.read_parquet(str(posts)).create_view("posts")
        con.read_parquet(str(replies)).create_view("replies")
        query = con.sql(
            _ITEM_FACTS_SQL, params={"as_of": as_of, "redirect_pattern": REDIRECT_PATTERN}
        )
        reader = query.to_arrow_reader(batch_rows)
        for batch in reader:
            yield with_minutes(pa.Table.from_batches([batch]), hours_by_page or {})
    finally:
        con.close()


def create_flags(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Create `table`: item_id and FACTS_FLAGS of each inbound item of the views `posts` and
    `replies` on `con` — what writing a snapshot of them would store (compaction derives the
    merged snapshot's flags so)."""
    params = {"as_of": datetime.now(UTC), "redirect_pattern": REDIRECT_PATTERN}
    con.sql(_ITEM_FACTS_SQL, params=params).select("item_id", *FACTS_FLAGS).create(table)


def with_minutes(base: pa.Table, hours_by_page: dict[str, OpeningHours]) -> pa.Table:
    """Item facts from the query's rows: response and observed times on both clocks."""
    created = _utc_naive(base["created_at"])
    first = _utc_naive(base["first_reply_at"])
    observed = _utc_naive(base["observed_at"])
    observed = np.maximum(observed, created)  # an item stamped after as_of was just seen

    wall = wall_minutes(created, first)
    wall_obs = wall_minutes(created, observed)
    business = np.full(len(created), np.nan)
    business_obs = np.full(len(created), np.nan)
    page_ids = base["page_id"].combine_chunks()
    # One vectorised pass per distinct opening-hours schedule (usually one or a handful).
    groups: dict[OpeningHours, list[str]] = {}
    for page_id in pc.unique(page_ids).to_pylist():
        groups.setdefault(hours_by_page.get(page_id, DEFAULT_HOURS), []).append(page_id)
    for hours, ids in groups.items():
        if len(groups) == 1:
            business = business_minutes(created, first, hours)
            business_obs = business_minutes(created, observed, hours)
            break
        rows = np.asarray(pc.is_in(page_ids, value_set=pa.array(ids, pa.string())))
        business[rows] = business_minutes(created[rows], first[rows], hours)
        business_obs[rows] = business_minutes(created[rows], observed[rows], hours)

    def col(values: np.ndarray) -> pa.Array:
        return pa.array(values, pa.float64(), from_pandas=True)

    table = base.append_column("wall_minutes", col(wall))
    table = table.append_column("business_minutes", col(business))
    table = table.append_column("wall_minutes_observed", col(wall_obs))
    table = table.append_column("business_minutes_observed", col(business_obs))
    return table.select(FACTS_SCHEMA.names).cast(FACTS_SCHEMA)
