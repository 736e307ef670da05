"""Profiles and comparisons of pages or agencies: trends, distributions, heatmaps, item lists.

Each query function has the name of its SQL file in `sql/marts/` and takes a `Dataset`, the
`Filters` of the view and the entities to describe: page ids (level 'page') or agency names
(level 'agency'), checked against the data before they reach SQL as bound parameters. Several
entities give one row per entity where the grain says so (the Compare page), one gives a profile.
The period presets and peer comparison here are plain Python, shared by dashboard and tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from analysis.read import sql
from analysis.read.dataset import Dataset
from analysis.read.metrics import FilterError, Filters
from analysis.settings import STUDY_MONTH, TIMEZONE

# Lower edges of the response-time bins, in minutes (the last bin is open-ended): quarter
# hours up to the hour, then doubling to the day, then days. The 2-hour goal is an edge.
RESPONSE_EDGES = (0.0, 15.0, 30.0, 60.0, 120.0, 240.0, 480.0, 1440.0, 2880.0, 4320.0, 10080.0)
MAX_ENTITIES = 6
ITEM_LIMIT = 20
PEER_COLUMNS = ("reply_rate", "median_response_min", "p90_response_min", "within_sla_share")
_COMMENT = re.compile(r"--[^\n]*")
_PARAM = re.compile(r"\$(\w+)")


def _run(ds: Dataset, name: str, values: dict) -> pd.DataFrame:
    """Run a mart with the bound parameters its SQL names (DuckDB refuses extra ones)."""
    wanted = set(_PARAM.findall(_COMMENT.sub("", sql.load(name))))
    missing = wanted - values.keys()
    if missing:
        raise KeyError(f"{name}: no value for {', '.join(sorted(missing))}")
    return ds.query(name, {k: values[k] for k in wanted})


def _values(ds: Dataset, filters: Filters, entity_ids: list[str] | tuple[str, ...]) -> dict:
    ids = list(dict.fromkeys(str(e) for e in entity_ids))
    known = set(entities(ds, filters.level)["entity_id"])
    unknown = [e for e in ids if e not in known]
    if unknown:
        raise FilterError(f"unknown {filters.level}: {unknown[0]!r}")
    return {
        **ds.params(),
        **filters.params(),
        "post_files": ds.files("posts"),
        "entity_ids": ids,
        "edges": list(RESPONSE_EDGES),
        "limit": ITEM_LIMIT,
    }


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=columns)


# -- the entities a view can describe -------------------------------------------------------------


def entities(ds: Dataset, level: str) -> pd.DataFrame:
    """Pages (level 'page') or agencies: entity_id, entity_name, sector, count_pages, sla_minutes.

    Sorted by name; a page name shared by two pages gets its id added so every label is unique.
    """
    pages = ds.pages
    if level == "agency":
        out = (
            pages.groupby("agency", sort=False)
            .agg(
                sector=("sector", "first"),
                count_pages=("page_id", "size"),
                sla_minutes=("sla_minutes", "median"),
            )
            .reset_index()
            .rename(columns={"agency": "entity_id"})
        )
        out["entity_name"] = out["entity_id"]
    else:
        out = pages[["page_id", "page_name", "sector", "sla_minutes"]].rename(
            columns={"page_id": "entity_id", "page_name": "entity_name"}
        )
        out = out.assign(count_pages=1)
        dup = out["entity_name"].duplicated(keep=False)
        out.loc[dup, "entity_name"] = out["entity_name"] + " (" + out["entity_id"] + ")"
    cols = ["entity_id", "entity_name", "sector", "count_pages", "sla_minutes"]
    return out[cols].sort_values(["entity_name", "entity_id"]).reset_index(drop=True)


# -- the marts ------------------------------------------------------------------------------------


def profile_weekly(ds: Dataset, filters: Filters, entity_ids) -> pd.DataFrame:
    """Reply rate, median, p90 and goal share per entity and week (Monday, Stockholm)."""
    cols = [
        "entity_id", "week_start", "inbound", "answered", "pending", "rated", "reply_rate",
        "median_response_min", "p90_response_min", "within_sla_share",
    ]  # fmt: skip
    if ds.is_empty or not entity_ids:
        return _empty(cols)
    return _run(ds, "profile_weekly", _values(ds, filters, entity_ids))


def profile_distribution(ds: Dataset, filters: Filters, entity_ids) -> pd.DataFrame:
    """Answered items per response-time bin, every bin of RESPONSE_EDGES listed (zeros too)."""
    cols = ["entity_id", "bin", "lower_min", "upper_min", "count_items", "share"]
    if ds.is_empty or not entity_ids:
        return _empty(cols)
    values = _values(ds, filters, entity_ids)
    df = _run(ds, "profile_distribution", values)
    grid = pd.MultiIndex.from_product(
        [values["entity_ids"], range(len(RESPONSE_EDGES))], names=["entity_id", "bin"]
    )
    out = (
        df.set_index(["entity_id", "bin"])[["count_items", "share"]]
        .reindex(grid)
        .fillna({"count_items": 0, "share": 0.0})
        .reset_index()
    )
    out["count_items"] = out["count_items"].astype("int64")
    out["share"] = out["share"].astype("float64")
    out["lower_min"] = out["bin"].map(lambda i: RESPONSE_EDGES[i])
    out["upper_min"] = out["bin"].map(
        lambda i: RESPONSE_EDGES[i + 1] if i + 1 < len(RESPONSE_EDGES) else float("inf")
    )
    return out[cols]


def profile_heatmap(ds: Dataset, filters: Filters, entity_ids) -> pd.DataFrame:
    """Arrivals and median response time by weekday (1 = Monday) × hour, all 168 cells."""
    cols = ["weekday", "hour", "arrivals", "timed", "median_response_min"]
    if ds.is_empty or not entity_ids:
        return _full_week(_empty(cols), cols)
    return _full_week(_run(ds, "profile_heatmap", _values(ds, filters, entity_ids)), cols)


def profile_backlog(ds: Dataset, filters: Filters, entity_ids) -> pd.DataFrame:
    """Mean number of items waiting at the start of each weekday × hour, all 168 cells."""
    cols = ["weekday", "hour", "mean_waiting", "max_waiting", "count_samples"]
    if ds.is_empty or not entity_ids:
        return _full_week(_empty(cols), cols)
    return _full_week(_run(ds, "profile_backlog", _values(ds, filters, entity_ids)), cols)


def _full_week(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    grid = pd.MultiIndex.from_product([range(1, 8), range(24)], names=["weekday", "hour"])
    out = df.astype({"weekday": "int64", "hour": "int64"}).set_index(["weekday", "hour"])
    out = out.reindex(grid).reset_index()
    for col in ("arrivals", "timed", "count_samples", "max_waiting", "sla_base", "within_goal"):
        if col in out:
            out[col] = out[col].fillna(0).astype("int64")
    for col in ("mean_waiting", "median_response_min", "within_goal_share"):
        if col in out:
            out[col] = out[col].astype("float64")
    return out[cols]


def profile_slowest(ds: Dataset, filters: Filters, entity_ids) -> pd.DataFrame:
    """The ITEM_LIMIT answered items with the longest response time, text and link included."""
    cols = [
        "item_id", "page_name", "kind", "created_at", "first_reply_at", "response_minutes",
        "message", "permalink_url",
    ]  # fmt: skip
    if ds.is_empty or not entity_ids:
        return _empty(cols)
    return _safe_links(_run(ds, "profile_slowest", _values(ds, filters, entity_ids)))


def profile_unanswered(ds: Dataset, filters: Filters, entity_ids) -> pd.DataFrame:
    """The ITEM_LIMIT newest unanswered items past the pending window, text and link included."""
    cols = [
        "item_id", "page_name", "kind", "created_at", "waited_minutes", "message",
        "permalink_url",
    ]  # fmt: skip
    if ds.is_empty or not entity_ids:
        return _empty(cols)
    return _safe_links(_run(ds, "profile_unanswered", _values(ds, filters, entity_ids)))


def _safe_links(df: pd.DataFrame) -> pd.DataFrame:
    """Keep only https:// links to Facebook: a link column must never carry javascript: URLs."""
    ok = df["permalink_url"].fillna("").str.match(r"^https://([a-z0-9-]+\.)*facebook\.com/")
    df["permalink_url"] = df["permalink_url"].where(ok, None)
    return df


def profile_activity(ds: Dataset, filters: Filters, entity_ids) -> pd.DataFrame:
    """The page's own posts and the inbound items per entity and week."""
    cols = ["entity_id", "week_start", "page_posts", "inbound"]
    if ds.is_empty or not entity_ids:
        return _empty(cols)
    return _run(ds, "profile_activity", _values(ds, filters, entity_ids))


def snapshot_coverage(ds: Dataset) -> pd.DataFrame:
    """Per snapshot: inbound items, pages with items, first and last item time (UTC)."""
    cols = ["snapshot_id", "inbound_items", "count_pages", "first_item_at", "last_item_at"]
    if ds.is_empty:
        return _empty(cols)
    df = _run(ds, "snapshot_coverage", {"files": ds.files("item_facts")})
    df["snapshot_id"] = df["filename"].map(lambda f: Path(f).parent.name)
    return df[cols]


# -- plain Python over the results ----------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A named period of the data: since and until are Stockholm days, inclusive."""

    key: str  # 'all', 'last30', 'study', '2017-q1', '2017-01'
    kind: str  # 'all' | 'last30' | 'study' | 'quarter' | 'month'
    since: date | None
    until: date | None


def period_presets(first: date | None, last: date | None) -> list[Period]:
    """The whole data, its last 30 days, the study month (when covered), each quarter, each
    month — newest first within quarters and months."""
    out = [Period("all", "all", None, None)]
    if first is None or last is None:
        return out
    out.append(Period("last30", "last30", max(first, last - timedelta(days=29)), last))
    study_first, study_last = STUDY_MONTH
    if first <= study_last and last >= study_first:
        out.append(Period("study", "study", study_first, study_last))
    quarters, months = [], []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        start = date(y, m, 1)
        end = (date(y + (m == 12), m % 12 + 1, 1)) - timedelta(days=1)
        months.append(Period(f"{y}-{m:02d}", "month", start, end))
        if m in (1, 4, 7, 10) or start == date(first.year, first.month, 1):
            q = (m - 1) // 3 + 1
            q_start = date(y, 3 * q - 2, 1)
            q_end = date(y + (q == 4), (3 * q) % 12 + 1, 1) - timedelta(days=1)
            quarters.append(Period(f"{y}-q{q}", "quarter", q_start, q_end))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out + quarters[::-1] + months[::-1]


def data_range(coverage: pd.DataFrame) -> tuple[date | None, date | None]:
    """First and last day (Stockholm) with an inbound item, from snapshot_coverage."""
    if coverage.empty:
        return None, None
    first = pd.Timestamp(coverage["first_item_at"].min()).tz_convert(TIMEZONE)
    last = pd.Timestamp(coverage["last_item_at"].max()).tz_convert(TIMEZONE)
    return first.date(), last.date()


def peer_medians(ranking: pd.DataFrame) -> dict[str, float | None]:
    """The median of each KPI over the ranked entities (all with items when none is ranked)."""
    peers = ranking[ranking["is_ranked"]] if "is_ranked" in ranking else ranking
    if peers.empty:
        peers = ranking[ranking["inbound"] > 0] if len(ranking) else ranking
    out: dict[str, float | None] = {}
    for col in PEER_COLUMNS:
        values = peers[col].dropna() if col in peers else pd.Series(dtype=float)
        out[col] = float(values.median()) if len(values) else None
    return out


# -- the goal: each page's own, or one common goal ------------------------------------------------


def profile_within_goal(
    ds: Dataset, filters: Filters, entity_ids, goal_minutes: float | None = None
) -> pd.DataFrame:
    """Share answered within the goal (each page's own, or `goal_minutes` for all) by weekday
    (1 = Monday) × hour of arrival, all 168 cells, with the counts it rests on."""
    cols = ["weekday", "hour", "sla_base", "within_goal", "within_goal_share"]
    if ds.is_empty or not entity_ids:
        return _full_week(_empty(cols), cols)
    values = _values(ds, filters, entity_ids) | {"goal_minutes": _goal(goal_minutes)}
    return _full_week(_run(ds, "profile_within_goal", values), cols)


def within_goal(
    ds: Dataset, filters: Filters, entity_ids, goal_minutes: float | None = None
) -> pd.DataFrame:
    """Share answered within the goal (each page's own, or `goal_minutes` for all) per entity."""
    cols = ["entity_id", "sla_base", "within_goal", "within_goal_share"]
    if ds.is_empty or not entity_ids:
        return _empty(cols)
    values = _values(ds, filters, entity_ids) | {"goal_minutes": _goal(goal_minutes)}
    return _run(ds, "within_goal", values)[cols]


def _goal(goal_minutes: float | None) -> float | None:
    if goal_minutes is None:
        return None
    goal = float(goal_minutes)
    if not 0 < goal <= 60 * 24 * 365:
        raise FilterError("the goal must be between a minute and a year")
    return goal
