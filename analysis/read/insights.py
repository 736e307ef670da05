"""The measures no other tool has: ranking history and movement, answer-quality proxies
(follow-up and redirect rates), moderation (hidden items, personnummer found when masking) and
storms. Definitions in analysis/methodology.py; the SQL in sql/marts/ (answer_quality,
moderation, storms, history; answer_quality_from_posts and moderation_from_posts where the
item facts cannot answer); the ranking history ranks every period in one query with the
ranking's own definitions, so a period's rank is exactly what `rank --since … --until …` gives
for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import pandas as pd
import pyarrow.parquet as pq

from analysis.contract import FACTS_FLAGS
from analysis.read import metrics, profile
from analysis.read.dataset import Dataset
from analysis.read.metrics import FilterError, Filters
from analysis.settings import ZONE

HISTORY_PERIODS = ("month", "quarter")
HISTORY_COLUMNS = (
    "period", "period_start", "period_end", "page_id", "page_name", "rank", "previous_rank",
    "movement", "reply_rate", "median_response_min", "inbound", "rated", "is_ranked",
)  # fmt: skip

# the definitions' constants live in metrics (imported without pandas or pyarrow, for the
# methodology and the CLI's help); named here too for the callers of this module
FOLLOW_UP_HOURS = metrics.FOLLOW_UP_HOURS
REDIRECT_PATTERNS = metrics.REDIRECT_PATTERNS
REDIRECT_PATTERN = metrics.REDIRECT_PATTERN
STORM_WINDOW_MINUTES = metrics.STORM_WINDOW_MINUTES
STORM_FACTOR = metrics.STORM_FACTOR
STORM_MIN_ITEMS = metrics.STORM_MIN_ITEMS


def _all_entities(ds: Dataset, filters: Filters) -> list[str]:
    ents = profile.entities(ds, filters.level)
    if filters.sector is not None:
        ents = ents[ents["sector"] == filters.sector]
    return ents["entity_id"].tolist()


def _values(ds: Dataset, filters: Filters, entity_ids) -> dict:
    ids = _all_entities(ds, filters) if entity_ids is None else list(entity_ids)
    return {
        **profile._values(ds, filters, ids),
        "reply_files": ds.files("replies"),
        "follow_up_hours": float(FOLLOW_UP_HOURS),
        "redirect_pattern": REDIRECT_PATTERN,
        "window_minutes": STORM_WINDOW_MINUTES,
        "factor": float(STORM_FACTOR),
        "min_items": STORM_MIN_ITEMS,
    }


@lru_cache(maxsize=4096)
def _has_flags(path: str) -> bool:
    """Whether an item_facts.parquet carries FACTS_FLAGS (snapshots are immutable: asked once)."""
    return set(FACTS_FLAGS) <= set(pq.read_schema(path).names)


def flags_in_facts(ds: Dataset) -> bool:
    """Whether every snapshot read has the flags in its item facts (those written since)."""
    return all(_has_flags(f) for f in ds.files("item_facts"))


def answer_quality(ds: Dataset, filters: Filters, entity_ids=None, *, plain=False) -> pd.DataFrame:
    """Follow-up and redirect rates per entity (all entities of the view when none are named).

    From the item facts' flags when one snapshot is read; from the posts and replies (`plain`,
    the same definition) when several are (a follow-up or a reply may be in another snapshot
    than the item's facts) or the snapshot predates the flags."""
    cols = [
        "entity_id", "answered", "follow_up_base", "followed_up", "follow_up_rate",
        "first_replies", "redirected", "redirect_rate",
    ]  # fmt: skip
    if ds.is_empty or entity_ids == []:
        return pd.DataFrame(columns=cols)
    fast = not plain and len(ds.snapshots) == 1 and flags_in_facts(ds)
    name = "answer_quality" if fast else "answer_quality_from_posts"
    return profile._run(ds, name, _values(ds, filters, entity_ids))[cols]


def moderation(ds: Dataset, filters: Filters, entity_ids=None, *, plain=False) -> pd.DataFrame:
    """Hidden items and personnummer found when masking, per entity and month.

    From the item facts' flags when every snapshot has them (each item's flags are its latest
    snapshot's, as its post is); from the posts (`plain`) otherwise."""
    cols = [
        "entity_id", "month_start", "inbound", "hidden", "hidden_unknown", "with_personnummer",
        "personnummer_unknown", "personnummer_hidden", "personnummer_hidden_known",
    ]  # fmt: skip
    if ds.is_empty or entity_ids == []:
        return pd.DataFrame(columns=cols)
    name = "moderation" if not plain and flags_in_facts(ds) else "moderation_from_posts"
    return profile._run(ds, name, _values(ds, filters, entity_ids))[cols]


def moderation_totals(monthly: pd.DataFrame) -> pd.DataFrame:
    """`moderation` summed over the months per entity, with its shares: hidden_share (of the
    items whose hidden state is known) and personnummer_hidden_share (of the items with a
    personnummer whose hidden state is known)."""
    counts = [c for c in monthly.columns if c not in ("entity_id", "month_start")]
    out = monthly.groupby("entity_id", as_index=False)[counts].sum()
    known = out["inbound"] - out["hidden_unknown"]
    out["hidden_share"] = (out["hidden"] / known.where(known > 0)).astype("float64")
    base = out["personnummer_hidden_known"]
    out["personnummer_hidden_share"] = (out["personnummer_hidden"] / base.where(base > 0)).astype(
        "float64"
    )
    return out


def storms(ds: Dataset, filters: Filters, entity_ids=None) -> pd.DataFrame:
    """The storms of the view's pages (see STORM_*), oldest first."""
    cols = [
        "entity_id", "page_id", "page_name", "storm_no", "start_at", "end_at", "duration_min",
        "first_item_at", "last_item_at", "size", "usual_rate", "threshold", "answered",
        "pending", "reply_rate", "median_response_min", "items_outside", "reply_rate_outside",
        "median_response_min_outside",
    ]  # fmt: skip
    if ds.is_empty or entity_ids == []:
        return pd.DataFrame(columns=cols)
    values = _values(ds, filters, entity_ids)
    pages = ds.pages
    of = pages["agency"] if filters.level == "agency" else pages["page_id"]
    values["page_ids"] = pages.loc[of.isin(values["entity_ids"]), "page_id"].tolist()
    return profile._run(ds, "storms", values)[cols]


def quality_table(ds: Dataset, filters: Filters) -> pd.DataFrame:
    """One row per entity of the ranking: follow-up, redirect and moderation figures (the CLI's
    `quality`)."""
    ranking = metrics.rank(ds, filters)[["page_id", "page_name", "inbound"]]
    aq = answer_quality(ds, filters).rename(columns={"entity_id": "page_id"})
    mod = moderation_totals(moderation(ds, filters)).rename(columns={"entity_id": "page_id"})
    mod = mod.drop(columns=["inbound"])
    out = ranking.merge(aq, on="page_id", how="left").merge(mod, on="page_id", how="left")
    for col in out.columns:
        if col not in ("page_id", "page_name") and not col.endswith(("_rate", "_share")):
            out[col] = out[col].fillna(0).astype("int64")
    return out


# -- ranking history ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    key: str  # '2017-01' or '2017-q1'
    since: date
    until: date


def _month_end(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1) - timedelta(days=1)


def periods(first: date, last: date, by: str) -> list[Span]:
    """The calendar months or quarters from the one holding `first` to the one holding `last`."""
    if by not in HISTORY_PERIODS:
        raise FilterError(f"--by must be one of {', '.join(HISTORY_PERIODS)}")
    step = 1 if by == "month" else 3
    y, m = first.year, first.month if by == "month" else 3 * ((first.month - 1) // 3) + 1
    out = []
    while date(y, m, 1) <= last:
        start = date(y, m, 1)
        end_m = m + step - 1
        end = _month_end(date(y, end_m, 1))
        key = f"{y}-{m:02d}" if by == "month" else f"{y}-q{(m - 1) // 3 + 1}"
        out.append(Span(key, start, end))
        m += step
        if m > 12:
            y, m = y + 1, m - 12
    return out


def previous_period(since: date, until: date) -> tuple[date, date]:
    """The period a ranking of [since, until] is compared with: the same number of whole
    calendar months before it when it is whole months (a month, a quarter), else the same
    number of days just before."""
    if since.day == 1 and until == _month_end(until):
        months = (until.year - since.year) * 12 + until.month - since.month + 1
        y, m = since.year, since.month - months
        while m < 1:
            y, m = y - 1, m + 12
        return date(y, m, 1), since - timedelta(days=1)
    days = (until - since).days + 1
    return since - timedelta(days=days), since - timedelta(days=1)


def movement(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """previous_rank and movement (previous rank − rank: positive is up) beside each row of a
    ranking; movement is NaN for an unranked row or one not ranked before (then is_new)."""
    before = previous.set_index("page_id")["rank"]
    out = current.copy()
    out["previous_rank"] = out["page_id"].map(before).astype("Int64")
    ranked = out["rank"].notna()
    out["is_new"] = ranked & out["previous_rank"].isna()
    out["movement"] = (out["previous_rank"] - out["rank"]).astype("Int64")
    return out


def data_days(ds: Dataset, filters: Filters) -> tuple[date | None, date | None]:
    """The first and last Stockholm day with an inbound item, within the filters' dates."""
    first_at, last_at = ds.item_span()
    first = first_at.astimezone(ZONE).date() if first_at is not None else None
    last = last_at.astimezone(ZONE).date() if last_at is not None else None
    if filters.since is not None and (first is None or filters.since > first):
        first = filters.since
    if filters.until is not None and (last is None or filters.until < last):
        last = filters.until
    return first, last


def _hour(at: datetime) -> int:
    """Whole hours since the epoch of a period bound (a local midnight: a whole UTC hour)."""
    seconds = int(at.timestamp())
    if seconds % 3600:
        raise ValueError(f"{at}: a period bound that is not a whole UTC hour")
    return seconds // 3600


def history(ds: Dataset, filters: Filters, by: str = "month", entity_ids=None) -> pd.DataFrame:
    """Each entity's rank, reply rate and median per calendar month or quarter of the data
    (within the filters' dates), with its movement since the period before (the first period's
    previous rank is that of the period before it, when the data has one). One query ranks
    every period (sql/marts/history.sql); each period's rows are `metrics.rank` of it."""
    first, last = data_days(ds, filters)
    if ds.is_empty or first is None or last is None or first > last:
        return pd.DataFrame(columns=list(HISTORY_COLUMNS))
    spans = periods(first, last, by)
    prev_since, prev_until = previous_period(spans[0].since, spans[0].until)
    starts = [prev_since, *(span.since for span in spans)]
    ends = [prev_until, *(span.until for span in spans)]
    hours, hour_periods = [], []
    for since, until in zip(starts, ends, strict=True):
        lo, hi = (_hour(t) for t in filters.with_(since=since, until=until).bounds())
        hours += range(lo, hi)
        hour_periods += [since] * (hi - lo)
    whole = filters.with_(since=prev_since, until=spans[-1].until)
    values = {**ds.params(), **whole.params(), "period_starts": starts}
    out = profile._run(ds, "history", {**values, "hours": hours, "hour_periods": hour_periods})
    span_of = {span.since: span for span in spans}
    span = out.pop("period_start").map(lambda d: span_of[pd.Timestamp(d).date()])
    out.insert(0, "period", span.map(lambda s: s.key))
    out.insert(1, "period_start", span.map(lambda s: s.since))
    out.insert(2, "period_end", span.map(lambda s: s.until))
    for col in ("rank", "previous_rank"):
        out[col] = out[col].astype("Int64")
    for col in ("inbound", "rated"):
        out[col] = out[col].astype("int64")
    out["is_ranked"] = out["is_ranked"].astype("bool")
    out["is_new"] = out["rank"].notna() & out["previous_rank"].isna()
    out["movement"] = (out["previous_rank"] - out["rank"]).astype("Int64")
    if entity_ids is not None:
        out = out[out["page_id"].isin(list(entity_ids))].reset_index(drop=True)
    return out[[*HISTORY_COLUMNS, "is_new"]]


def history_by_month(ds: Dataset, filters: Filters, entity_ids) -> pd.DataFrame:
    """`history` by month for the entities named (the profile's rank-over-time chart)."""
    return history(ds, filters, "month", entity_ids)
