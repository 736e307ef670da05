"""Where the dashboard's data comes from, and the only place that caches.

- The data folder is `$SVARSTID_DATA_DIR` or `data/`. When it holds no snapshot, the dashboard
  shows the synthetic demo in `<data folder>/demo/`, generating it on first start under a file
  lock so that two sessions starting at once do not both write it.
- One `Dataset` per data version is a cached resource; the version (snapshot folder names and
  the registry's modification time) is checked on every run with a directory listing, so a new
  snapshot shows up without a restart.
- Query results are cached data keyed on the data version and the filter values, with a bound
  on entries and age so memory stays bounded on a busy host.
- A data folder in object storage (`SVARSTID_DATA_DIR=s3://bucket/prefix`), and the s3://
  contributors of a `contributors.toml`, are synced into the local cache at most once every
  `$SVARSTID_REFRESH_SECONDS` (default 300); between syncs every run reads the local copy, and the
  first run after one shows the new snapshots without a restart.
"""

from __future__ import annotations

import fcntl
import logging
import os
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis import federation, storage
from analysis.datafolder import (
    data_location,
    data_version,
    demo_dir,
    demo_lock_path,
    list_snapshots,
)
from analysis.read import insights, metrics, profile
from analysis.read.dataset import Dataset
from analysis.settings import CLOCKS

RESULT_CACHE = {"max_entries": 256, "ttl": 3600, "show_spinner": False}
DATASET_KEY = "_svarstid_dataset"
REFRESH_VARIABLE = "SVARSTID_REFRESH_SECONDS"
REFRESH_SECONDS = float(os.environ.get(REFRESH_VARIABLE) or 300)
PREFETCH_VARIABLE = "SVARSTID_PREFETCH"
LOG = logging.getLogger(__name__)


@st.cache_data(ttl=REFRESH_SECONDS, max_entries=16, show_spinner=False)
def _synced(uri: str) -> str:
    """The local copy of a store location, synced at most once per refresh interval."""
    return str(storage.sync(uri))


@st.cache_data(ttl=REFRESH_SECONDS, max_entries=16, show_spinner=False)
def _contributors_synced(path: str) -> bool:
    federation.sync_all(Path(path))
    return True


def _has_data(path: Path) -> bool:
    return bool(list_snapshots(path)) or federation.contributors_path(path).is_file()


def snapshot_ids(path: Path) -> list[str]:
    """The snapshots a link may pin: the folder's own and its contributors' (as synced)."""
    ids = [p.name for p in list_snapshots(path)]
    fed = (
        federation.load(path, sync=False) if federation.contributors_path(path).is_file() else None
    )
    for c in fed.contributors[1:] if fed else []:
        ids += [p.name for p in list_snapshots(c.folder)]
    return sorted(ids)


def merged_into(ds: Dataset, snapshot_id: str) -> str | None:
    """The snapshot `compact` merged `snapshot_id` into, if it did."""
    for s in ds.snapshots:
        if snapshot_id in s.merged_from:
            return s.snapshot_id
    return None


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(path, os.W_OK)


def source(spinner_text: str) -> Path:
    """The folder to show: the data folder, else its demo (generated once)."""
    try:  # root-level secrets become environment variables (Streamlit Community Cloud)
        st.secrets.load_if_toml_exists()
    except Exception:  # a broken secrets file must not stop the dashboard
        pass
    where = data_location()
    base = Path(_synced(where)) if storage.is_remote(where) else where
    if federation.contributors_path(base).is_file():
        _contributors_synced(str(base))
    if _has_data(base):
        return base
    writable = not storage.is_remote(where) and _writable(base)
    parent = base if writable else Path(tempfile.gettempdir()) / "svarstid"
    demo_folder = demo_dir(parent)
    if list_snapshots(demo_folder):
        return demo_folder
    from analysis.sources import demo  # numpy and the generator load only when a demo is made

    parent.mkdir(parents=True, exist_ok=True)
    with st.spinner(spinner_text, show_time=True):
        with demo_lock_path(parent).open("a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # a second session waits here, then finds the data
            if not list_snapshots(demo_folder):
                demo.write_demo(demo_folder)
    return demo_folder


@st.cache_resource(max_entries=4, show_spinner=False)
def _dataset(path: str, snapshot: str | None, version: str) -> Dataset:
    return Dataset(Path(path), snapshot=snapshot)


def dataset(path: Path, snapshot: str | None) -> Dataset:
    """The Dataset for this data version (cached), remembered for this run's page."""
    version = data_version(path, snapshot)
    if federation.contributors_path(path).is_file():
        version += "|" + federation.version(path)
    ds = _dataset(str(path), snapshot, version)
    st.session_state[DATASET_KEY] = ds
    return ds


def current() -> Dataset:
    """The Dataset dashboard.py opened for this run."""
    return st.session_state[DATASET_KEY]


def key(ds: Dataset) -> str:
    """A cache key naming the data a result was computed from."""
    return f"{ds.data_dir.resolve()}|{ds.pinned}|{ds.version}"


# -- cached results: `_ds` is not hashed, `data_key` and the filters are --------------------------


@st.cache_data(**RESULT_CACHE)
def _ranking(_ds: Dataset, data_key: str, filters: metrics.Filters) -> pd.DataFrame:
    return metrics.rank(_ds, filters)


def ranking(ds: Dataset, filters: metrics.Filters) -> pd.DataFrame:
    data_key = key(ds)
    yield_to_visitor((data_key, filters))
    return _ranking(ds, data_key, filters)


# -- the rankings one click away, computed while the visitor reads the page -----------------------
# At 10M items a new ranking is one scan of every item (~0.6 s on two cores, the DuckDB floor
# alone ~0.3 s), so a click on the clock or a scope cannot be answered in a blink by the query;
# it can by the cache, if the query ran while the visitor was reading. One worker thread runs
# them one after another, behind the page's own queries, into the same cache the page reads
# (Streamlit holds a per-key lock, so a click on a view being prefetched waits for that run
# instead of starting a second one). A visitor's queries go first: each one drops the queued
# views and stops the one being ranked unless it is the view asked for (the rankings page queues
# its neighbours again at its end). `SVARSTID_PREFETCH=0` turns it off on a host that would
# rather not spend the CPU.
_PREFETCH = ThreadPoolExecutor(max_workers=1, thread_name_prefix="svarstid-prefetch")
# each queued view with its future (None for the moment between reserving and submitting)
_QUEUED: dict[tuple[str, metrics.Filters], Future | None] = {}
# a bound on the background work a busy host takes on: past it, new views are not prefetched
PREFETCH_MAX_QUEUED = 8
_QUEUED_LOCK = threading.Lock()
_RUNNING: dict[str, object] = {}  # "job" and its "stop" handle while a view is being ranked


def prefetch_enabled() -> bool:
    return os.environ.get(PREFETCH_VARIABLE, "1").strip().lower() not in ("0", "false", "no", "off")


# the order the scopes are prefetched in: the questions-only view first (the one the methodology
# sets apart), then the whole inbound, then each kind of item
PREFETCH_SCOPES = ("questions", "all", "visitor_posts", "comments")


def neighbours(filters: metrics.Filters) -> list[metrics.Filters]:
    """The views one click away on the sidebar's clock and scope: the other clock first (the
    clock is the methodology's main choice), then each other scope."""
    clocks = [filters.with_(clock=c) for c in CLOCKS if c != filters.clock]
    scopes = [filters.with_(scope=s) for s in PREFETCH_SCOPES if s != filters.scope]
    return clocks + scopes


def prefetch_rankings(ds: Dataset, filters: metrics.Filters) -> int:
    """Queue the neighbouring views' rankings (see above), each with the period before it when
    the page shows the movement against it; returns how many were queued."""
    if not prefetch_enabled():
        return 0
    data_key = key(ds)
    views = []
    for view in neighbours(filters):
        before = period_before(view)  # what its movement column is ranked against
        views += [view] if before is None else [view, before]
    queued = 0
    for view in views:
        job = (data_key, view)
        with _QUEUED_LOCK:
            if job in _QUEUED or len(_QUEUED) >= PREFETCH_MAX_QUEUED:
                continue
            _QUEUED[job] = None
        future = _PREFETCH.submit(_prefetch_one, ds, job)
        with _QUEUED_LOCK:
            if job in _QUEUED:  # not already run and gone
                _QUEUED[job] = future
        queued += 1
    return queued


def yield_to_visitor(wanted: tuple[str, metrics.Filters] | None = None) -> int:
    """Make way for a visitor's query: drop the queued views no worker has begun and stop the
    one being ranked, unless it is `wanted` (its result is the visitor's); returns how many
    views were dropped or stopped."""
    dropped = 0
    with _QUEUED_LOCK:
        for job, future in list(_QUEUED.items()):
            if future is not None and future.cancel():
                del _QUEUED[job]
                dropped += 1
        running = _RUNNING.get("job")
        if running is not None and running != wanted:
            _RUNNING["stop"].stop()
            dropped += 1
    return dropped


def _prefetch_one(ds: Dataset, job: tuple[str, metrics.Filters]) -> None:
    try:
        with ds.interruptible() as handle:
            with _QUEUED_LOCK:
                _RUNNING.update(job=job, stop=handle)
            _ranking(ds, *job)  # a cached view returns at once
    except Exception:  # stopped, or failed: the visitor's own click computes it and shows why
        LOG.debug("prefetch of %s did not finish", job[1], exc_info=True)
    finally:
        with _QUEUED_LOCK:
            _RUNNING.clear()
            _QUEUED.pop(job, None)


def prefetch_settled(timeout: float) -> bool:
    """Wait until no prefetch is queued or running (the benchmark's and the tests' pause)."""
    done = threading.Event()
    _PREFETCH.submit(done.set)  # one worker: this runs after everything queued before it
    return done.wait(timeout)


@st.cache_data(**RESULT_CACHE)
def _coverage(_ds: Dataset, data_key: str) -> pd.DataFrame:
    return profile.snapshot_coverage(_ds)


def coverage(ds: Dataset) -> pd.DataFrame:
    return _coverage(ds, key(ds))


# The marts a page may ask for by name, each with the function that runs it.
MARTS = {
    "profile_weekly": profile.profile_weekly,
    "profile_distribution": profile.profile_distribution,
    "profile_heatmap": profile.profile_heatmap,
    "profile_backlog": profile.profile_backlog,
    "profile_slowest": profile.profile_slowest,
    "profile_unanswered": profile.profile_unanswered,
    "profile_activity": profile.profile_activity,
    "answer_quality": insights.answer_quality,
    "moderation": insights.moderation,
    "storms": insights.storms,
    "history_month": insights.history_by_month,
}


@st.cache_data(**RESULT_CACHE)
def _mart(_ds: Dataset, data_key: str, name: str, filters: metrics.Filters, ids: tuple) -> object:
    return MARTS[name](_ds, filters, list(ids))


def mart(ds: Dataset, name: str, filters: metrics.Filters, ids) -> pd.DataFrame:
    """One of the profile marts (analysis/read/profile.py) for the given pages or agencies."""
    if name not in MARTS:
        raise KeyError(name)
    yield_to_visitor()
    return _mart(ds, key(ds), name, filters, tuple(ids))


def period_before(filters: metrics.Filters) -> metrics.Filters | None:
    """The view a ranking's movement is measured against: the same view over the period before
    the chosen one (None for the whole data, which has no movement)."""
    if filters.since is None or filters.until is None:
        return None
    since, until = insights.previous_period(filters.since, filters.until)
    return filters.with_(since=since, until=until)


def movement(ds: Dataset, filters: metrics.Filters) -> dict | None:
    """The leaderboard's movement against the period before the chosen one (None for the whole
    data): {'frame': page_id, movement, is_new; 'since', 'until': the period before}."""
    before = period_before(filters)
    if before is None:
        return None
    moved = insights.movement(ranking(ds, filters), ranking(ds, before))
    frame = moved[["page_id", "movement", "is_new"]]
    return {"frame": frame, "since": before.since, "until": before.until}


# -- the goal: each page's own (None) or one common goal in minutes -------------------------------


@st.cache_data(**RESULT_CACHE)
def _goal_mart(
    _ds: Dataset, data_key: str, name: str, filters: metrics.Filters, ids: tuple, goal
) -> pd.DataFrame:
    fn = profile.profile_within_goal if name == "profile_within_goal" else profile.within_goal
    return fn(_ds, filters, list(ids), goal)


def within_goal_heatmap(ds: Dataset, filters: metrics.Filters, ids, goal: float | None):
    """Share within the goal by weekday × hour of arrival (profile.profile_within_goal)."""
    yield_to_visitor()
    return _goal_mart(ds, key(ds), "profile_within_goal", filters, tuple(ids), goal)


def goals(ds: Dataset, level: str) -> pd.Series:
    """Each entity's own goal in minutes (an agency's: the median of its pages' goals)."""
    ents = profile.entities(ds, level)
    return ents.set_index("entity_id")["sla_minutes"].astype("float64")


def on_goal(ds: Dataset, filters: metrics.Filters, ranking: pd.DataFrame, goal: float | None):
    """The ranking with each row's goal (`goal_minutes`) and, on a common goal, its
    `within_sla_share` recomputed on that goal (the rank itself rests on the reply rate)."""
    out = ranking.copy()
    own = goals(ds, filters.level)
    out["goal_minutes"] = out["page_id"].map(own) if goal is None else float(goal)
    if goal is None or out.empty:
        return out
    ids = tuple(out["page_id"])
    shares = _goal_mart(ds, key(ds), "within_goal", filters, ids, float(goal))
    out["within_sla_share"] = (
        out["page_id"].map(shares.set_index("entity_id")["within_goal_share"]).astype("float64")
    )
    return out
