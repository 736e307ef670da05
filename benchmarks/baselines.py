"""What Svarstid's ranking is measured against, on the same snapshot.

1. `pandas_rank_tables`: what a user would otherwise write with the snapshot's tables — read the
   posts and the page replies with `pd.read_parquet`, find each item's first reply with a merge
   and a groupby, then the ranking below. The opening-hours clock is the one piece of work
   nobody would write in pandas, so the baseline is handed Svarstid's own vectorised
   `analysis.hours.clock.business_minutes` for free (a lower bound on what a user would write).
2. `pandas_rank`: the same ranking in pandas, but handed Svarstid's precomputed item facts
   (`item_facts.parquet`, built once at ingest): boolean masks, a groupby with median and
   quantile, the Wilson interval in numpy, a rank. This isolates the query engine.
3. `polars_rank_tables`: the same ranking from the same two tables as a careful Polars user would
   write it — a lazy scan of posts and replies with the period filter pushed down, the first
   reply per item by a join and a group-by, the per-page aggregation, the Wilson interval and
   the rank as expressions, collected once. It gets the same free opening-hours clock.
4. `duckdb_floor`: the least any DuckDB ranking can cost — one group-by scan over the same item
   facts columns (count, count_if answered and pending, median of the response column per page)
   in a fresh connection.

The pandas and Polars versions are correct and idiomatic; not sabotaged, not heroically optimised.
`compare` checks that their numbers equal Svarstid's before anything is timed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

WILSON_Z = 1.959963984540054
TOLERANCE = 1e-9
RESPONSE = {"wall": "wall_minutes", "business": "business_minutes"}
_FLOOR = """
    select page_id, count(*) as inbound, count_if(reply_count > 0) as answered,
           count_if(reply_count = 0 and wall_minutes_observed < $pending) as pending,
           median({column}) as median_response_min
    from read_parquet($file)
    where created_at >= $since and created_at < $until
    group by page_id
"""
# The floor's query per clock: two constant texts (column names are not parameters).
FLOOR_SQL = {clock: _FLOOR.replace("{column}", column) for clock, column in RESPONSE.items()}
COMPARED = (
    "inbound",
    "answered",
    "pending",
    "reply_rate",
    "median_response_min",
    "p90_response_min",
    "reply_rate_low",
    "reply_rate_high",
    "rank",
)


@dataclass(frozen=True)
class View:
    """One ranking to time: a name, the clock and an optional period (Stockholm days)."""

    name: str
    clock: str = "wall"
    since: date | None = None
    until: date | None = None
    pending_hours: float = 72.0
    min_items: int = 10

    def bounds(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """[since, until) as UTC instants: Stockholm midnights, as `metrics.Filters` does."""
        zone = "Europe/Stockholm"
        lo = (
            pd.Timestamp(datetime.combine(self.since, time())).tz_localize(zone).tz_convert("UTC")
            if self.since
            else pd.Timestamp("1900-01-01", tz="UTC")
        )
        hi = (
            pd.Timestamp(datetime.combine(self.until + timedelta(days=1), time()))
            .tz_localize(zone)
            .tz_convert("UTC")
            if self.until
            else pd.Timestamp("9999-01-01", tz="UTC")
        )
        return lo, hi

    def cli_args(self) -> list[str]:
        args = ["--clock", self.clock]
        if self.since:
            args += ["--since", self.since.isoformat()]
        if self.until:
            args += ["--until", self.until.isoformat()]
        return args


def pandas_rank(snapshot: Path, view: View) -> pd.DataFrame:
    """The leaderboard the straightforward pandas way from the item facts (page level, all)."""
    response = RESPONSE[view.clock]
    facts = pd.read_parquet(
        Path(snapshot) / "item_facts.parquet",
        columns=["page_id", "created_at", "reply_count", "wall_minutes_observed", response],
    )
    return _rank(facts.rename(columns={response: "response"}), snapshot, view)


def pandas_rank_tables(snapshot: Path, view: View, data_dir: Path | None = None) -> pd.DataFrame:
    """The leaderboard the straightforward pandas way from the snapshot's posts and replies."""
    snapshot = Path(snapshot)
    posts = pd.read_parquet(
        snapshot / "posts.parquet", columns=["post_id", "page_id", "kind", "created_at"]
    )
    items = posts[posts["kind"].isin(["visitor_post", "comment"])].drop(columns="kind")
    replies = pd.read_parquet(snapshot / "replies.parquet", columns=["item_id", "created_at"])

    # each item's replies, the number of them and the first one at or after the item
    pairs = replies.merge(
        items[["post_id", "created_at"]],
        left_on="item_id",
        right_on="post_id",
        suffixes=("_reply", "_item"),
    )
    counts = pairs.groupby("item_id").size().rename("reply_count")
    later = pairs[pairs["created_at_reply"] >= pairs["created_at_item"]]
    first = later.groupby("item_id")["created_at_reply"].min().rename("first_reply_at")
    items = items.join(counts, on="post_id").join(first, on="post_id")
    items["reply_count"] = items["reply_count"].fillna(0).astype("int64")

    as_of = pd.Timestamp(json.loads((snapshot / "manifest.json").read_text("utf-8"))["as_of"])
    observed = items["created_at"].clip(lower=as_of)  # an item stamped after as_of: just seen
    minute = pd.Timedelta(minutes=1)
    items["wall_minutes_observed"] = (observed - items["created_at"]) / minute
    if view.clock == "wall":
        items["response"] = (items["first_reply_at"] - items["created_at"]) / minute
    else:
        items["response"] = _business(items, data_dir or snapshot.parent.parent)
    return _rank(items, snapshot, view)


def _business(items: pd.DataFrame, data_dir: Path) -> np.ndarray:
    """Opening-hours minutes to the first reply: Svarstid's clock, one pass per schedule."""
    from analysis.hours.clock import business_minutes
    from analysis.hours.spec import DEFAULT_HOURS
    from analysis.registry import load_registry

    hours = {pid: entry.hours() for pid, entry in load_registry(data_dir).items()}
    created = items["created_at"].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("M8[us]")
    first = items["first_reply_at"].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("M8[us]")
    out = np.full(len(items), np.nan)
    pages_by_schedule: dict = {}
    for page_id in items["page_id"].unique():
        pages_by_schedule.setdefault(hours.get(page_id, DEFAULT_HOURS), []).append(page_id)
    for spec, page_ids in pages_by_schedule.items():
        at = np.flatnonzero(items["page_id"].isin(page_ids).to_numpy())
        out[at] = business_minutes(created[at], first[at], spec)
    return out


def _rank(facts: pd.DataFrame, snapshot: Path, view: View) -> pd.DataFrame:
    """From one row per item (page_id, created_at, reply_count, wall_minutes_observed, response)."""
    since, until = view.bounds()
    facts = facts[(facts["created_at"] >= since) & (facts["created_at"] < until)]
    answered = facts["reply_count"] > 0
    pending = ~answered & (facts["wall_minutes_observed"] < view.pending_hours * 60)
    facts = facts.assign(answered=answered, pending=pending)

    by_page = facts.groupby("page_id")
    stats = by_page.agg(
        inbound=("answered", "size"),
        answered=("answered", "sum"),
        pending=("pending", "sum"),
        median_response_min=("response", "median"),
    )
    stats["p90_response_min"] = by_page["response"].quantile(0.9)

    pages = pd.read_parquet(Path(snapshot) / "pages.parquet", columns=["page_id", "page_name"])
    out = pages.merge(stats, how="left", left_on="page_id", right_index=True)
    for col in ("inbound", "answered", "pending"):
        out[col] = out[col].fillna(0).astype("int64")

    rated = (out["inbound"] - out["pending"]).to_numpy(dtype=float)
    n = np.where(rated > 0, rated, np.nan)
    p = out["answered"].to_numpy(dtype=float) / n
    z2 = WILSON_Z**2
    center = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = WILSON_Z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    out["reply_rate"] = p
    out["reply_rate_low"] = np.maximum(center - half, 0)
    out["reply_rate_high"] = np.minimum(center + half, 1)

    # rank by reply rate (high first), then median (low first, missing last); ties share a rank
    ranked = out[rated >= view.min_items].sort_values(
        ["reply_rate", "median_response_min"], ascending=[False, True], na_position="last"
    )
    key = ranked[["reply_rate", "median_response_min"]].fillna(np.inf)
    new = key.ne(key.shift()).any(axis=1).to_numpy()
    position = np.arange(1, len(ranked) + 1)
    out["rank"] = pd.Series(np.maximum.accumulate(np.where(new, position, 0)), ranked.index)
    out["rank"] = out["rank"].astype("Int64")
    return out


def polars_rank_tables(snapshot: Path, view: View, data_dir: Path | None = None) -> pd.DataFrame:
    """The leaderboard the careful Polars way from the snapshot's posts and replies."""
    import polars as pl

    snapshot = Path(snapshot)
    since, until = (t.to_pydatetime() for t in view.bounds())
    as_of = datetime.fromisoformat(
        json.loads((snapshot / "manifest.json").read_text("utf-8"))["as_of"]
    )
    utc = pl.Datetime("us", "UTC")
    items = (
        pl.scan_parquet(snapshot / "posts.parquet")
        .filter(pl.col("kind").is_in(["visitor_post", "comment"]))
        .select("post_id", "page_id", pl.col("created_at").cast(utc))
        .filter((pl.col("created_at") >= since) & (pl.col("created_at") < until))
    )
    replies = pl.scan_parquet(snapshot / "replies.parquet").select(
        "item_id", pl.col("created_at").cast(utc).alias("reply_at")
    )
    per_item = (
        replies.join(items.select("post_id", "created_at"), left_on="item_id", right_on="post_id")
        .group_by("item_id")
        .agg(
            pl.len().alias("reply_count"),
            pl.col("reply_at").filter(pl.col("reply_at") >= pl.col("created_at")).min()
            .alias("first_reply_at"),
        )
    )  # fmt: skip
    minutes = 60_000_000  # microseconds per minute
    facts = (
        items.join(per_item, left_on="post_id", right_on="item_id", how="left")
        .with_columns(
            pl.col("reply_count").fill_null(0),
            wall_minutes_observed=(
                (pl.lit(as_of).cast(utc) - pl.col("created_at")).dt.total_microseconds() / minutes
            ).clip(lower_bound=0),
        )
        .collect()
    )
    if view.clock == "wall":
        response = (
            pl.col("first_reply_at") - pl.col("created_at")
        ).dt.total_microseconds() / minutes
        facts = facts.with_columns(response=response)
    else:
        spans = facts.select("page_id", "created_at", "first_reply_at").to_pandas()
        business = _business(spans, data_dir or snapshot.parent.parent)
        facts = facts.with_columns(response=pl.Series(business, nan_to_null=True))

    pending_minutes = view.pending_hours * 60
    stats = (
        facts.lazy()
        .group_by("page_id")
        .agg(
            inbound=pl.len(),
            answered=(pl.col("reply_count") > 0).sum(),
            pending=(
                (pl.col("reply_count") == 0) & (pl.col("wall_minutes_observed") < pending_minutes)
            ).sum(),
            median_response_min=pl.col("response").median(),
            p90_response_min=pl.col("response").quantile(0.9, interpolation="linear"),
        )
    )
    z2 = WILSON_Z**2
    n = pl.col("inbound") - pl.col("pending")
    rate = pl.col("answered") / pl.when(n > 0).then(n)
    rated = pl.col("rated")
    pages = pl.scan_parquet(snapshot / "pages.parquet").select("page_id", "page_name")
    out = (
        pages.join(stats, on="page_id", how="left")
        .with_columns(pl.col("inbound", "answered", "pending").fill_null(0).cast(pl.Int64))
        .with_columns(rated=n.cast(pl.Float64), reply_rate=rate)
        .with_columns(
            center=(pl.col("reply_rate") + z2 / (2 * rated)) / (1 + z2 / rated),
            half=WILSON_Z
            * (
                pl.col("reply_rate") * (1 - pl.col("reply_rate")) / rated + z2 / (4 * rated**2)
            ).sqrt()
            / (1 + z2 / rated),
        )
        .with_columns(
            reply_rate_low=(pl.col("center") - pl.col("half")).clip(lower_bound=0.0),
            reply_rate_high=(pl.col("center") + pl.col("half")).clip(upper_bound=1.0),
        )
        .collect()
    )
    # rank by reply rate (high first), then median (low first, missing last); ties share a rank
    ranked = (
        out.filter(pl.col("rated") >= view.min_items)
        .sort(["reply_rate", "median_response_min"], descending=[True, False], nulls_last=True)
        .with_columns(position=pl.int_range(1, pl.len() + 1, dtype=pl.Int64))
        .with_columns(
            rank=pl.when(
                pl.col("reply_rate").ne_missing(pl.col("reply_rate").shift())
                | pl.col("median_response_min").ne_missing(pl.col("median_response_min").shift())
            )
            .then(pl.col("position"))
            .forward_fill()
        )
        .select("page_id", "rank")
    )
    out = out.join(ranked, on="page_id", how="left").drop("center", "half", "rated")
    return out.to_pandas()


def duckdb_floor(snapshot: Path, view: View) -> list[tuple]:
    """One group-by scan over the same columns, in a fresh connection."""
    import duckdb

    since, until = view.bounds()
    con = duckdb.connect()
    try:
        params = {
            "file": str(Path(snapshot) / "item_facts.parquet"),
            "since": since.to_pydatetime(),
            "until": until.to_pydatetime(),
            "pending": view.pending_hours * 60,
        }
        return con.execute(FLOOR_SQL[view.clock], params).fetchall()
    finally:
        con.close()


class Mismatch(AssertionError):
    """The baseline's numbers differ from Svarstid's."""


def compare(
    svarstid: pd.DataFrame,
    baseline: pd.DataFrame,
    what: str = "pandas",
    columns: tuple[str, ...] = COMPARED,
) -> int:
    """Assert that both rankings hold the same pages and numbers; returns the pages compared."""
    a = svarstid.set_index("page_id").sort_index()
    b = baseline.set_index("page_id").sort_index()
    if list(a.index) != list(b.index):
        missing = set(a.index) ^ set(b.index)
        raise Mismatch(
            f"{what}: different pages ({len(missing)} differ, e.g. {sorted(missing)[:3]})"
        )
    for col in columns:
        x = pd.to_numeric(a[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        y = pd.to_numeric(b[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        same = np.isclose(x, y, rtol=TOLERANCE, atol=TOLERANCE, equal_nan=True)
        if not same.all():
            i = int(np.flatnonzero(~same)[0])
            raise Mismatch(
                f"{what}: {col} differs for page {a.index[i]}: svarstid {x[i]!r}, {what} {y[i]!r}"
                f" ({int((~same).sum())} pages differ)"
            )
    return len(a)
