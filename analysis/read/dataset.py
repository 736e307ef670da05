"""A read-only view of a data folder: its snapshots, its registry and one DuckDB connection.

The dashboard holds one `Dataset` per data version as a cached resource and runs each query on a
cursor of its connection; the CLI makes one per command. Tables are read straight from the
snapshots' Parquet files through the staging macros in `sql/staging/`, and the marts select
from the intermediate macros in `sql/intermediate/`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from analysis import federation, registry, storage
from analysis.datafolder import (
    MANIFEST,
    TABLES,
    data_location,
    list_snapshots,
    read_manifest,
    version_of,
)
from analysis.errors import DataDirError
from analysis.read import sql

if TYPE_CHECKING:
    import pandas as pd

STAGING_MACROS = ("stg_latest", "stg_item_facts", "stg_posts", "stg_replies")
# defined once page_dim exists, which they read
INTERMEDIATE_MACROS = (
    "int_page_entities",
    "int_entities",
    "int_items_in_scope",
    "int_page_posts",
    "int_inbound_posts",
    "int_goal",
)
# page_dim: each page of the data with its registry entry (defaults filled in)
PAGE_DIM_COLUMNS = (
    "page_id", "page_name", "agency", "sector", "accepts_visitor_posts", "opening_hours",
    "timezone", "sla_minutes", "fan_count", "followers_count", "link",
)  # fmt: skip
_PAGE_DIM_DDL = """
    create or replace table page_dim (
        page_id varchar, page_name varchar, agency varchar, sector varchar,
        accepts_visitor_posts boolean, opening_hours varchar, timezone varchar,
        sla_minutes double, fan_count double, followers_count bigint, link varchar
    )
"""
# one statement for all pages, each column as a list zipped by unnest: executemany costs a
# round trip per page
_PAGE_DIM_INSERT = """
    insert into page_dim select
        unnest($page_id), unnest($page_name), unnest($agency), unnest($sector),
        unnest($accepts_visitor_posts), unnest($opening_hours), unnest($timezone),
        unnest($sla_minutes), unnest($fan_count), unnest($followers_count), unnest($link)
"""
_FOOTERS = "select count(*) from parquet_file_metadata($files)"
# the first and last item time of every snapshot read: answered from the row groups' statistics
_ITEM_SPAN = "select min(created_at), max(created_at) from read_parquet($files)"


@dataclass(frozen=True)
class Snapshot:
    snapshot_id: str
    path: Path
    as_of: datetime
    created_at: datetime
    source: str
    counts: dict
    anomalies: dict
    contributor: str = federation.LOCAL
    merged_from: tuple[str, ...] = ()  # the snapshots `compact` merged into this one


class Interrupt:
    """Stops the queries of one thread's `Dataset.interruptible()` block from another thread."""

    def __init__(self) -> None:
        self.cursor: duckdb.DuckDBPyConnection | None = None
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True
        if self.cursor is not None:
            self.cursor.interrupt()


class Dataset:
    """Everything one query needs: which Parquet files to read and a connection to read them.

    `data_dir` may be `s3://bucket/prefix`: its committed snapshots are synced into the local
    cache first (analysis/storage.py). A `contributors.toml` in the folder adds other
    contributors' snapshots (analysis/federation.py)."""

    def __init__(self, data_dir: Path | str | None = None, snapshot: str | None = None):
        where = data_location(data_dir)
        self.location = str(where)
        self.data_dir = storage.sync(where) if storage.is_remote(where) else Path(where)
        if not self.data_dir.is_dir():
            raise DataDirError(f"{self.data_dir}: no such data folder")
        self.federation = federation.load(self.data_dir)
        found = [(p, federation.LOCAL) for p in list_snapshots(self.data_dir)]
        for c in self.federation.contributors[1:] if self.federation else []:
            found += [(p, c.name) for p in list_snapshots(c.folder)]
        found.sort(key=lambda pc: pc[0].name)
        if snapshot is not None and snapshot not in {p.name for p, _ in found}:
            raise DataDirError(self._missing(snapshot, found))
        if snapshot is not None:
            found = [(p, c) for p, c in found if p.name <= snapshot]
        paths = [p for p, _ in found]
        self.pinned = snapshot
        self.snapshots = [self._snapshot(p, c) for p, c in found]
        self.registry = self._registry()
        self.con = duckdb.connect()
        self._local = threading.local()  # a thread's Interrupt while it is interruptible
        # the footers read by the check below are parsed once for every later query: snapshots
        # are immutable, and DuckDB still compares each file's modification time
        self.con.execute("set parquet_metadata_cache = true")
        self._check_footers([p / f"{t}.parquet" for p in paths for t in TABLES])
        if self.federation is not None:
            self._check_one_contributor_per_page()
        self.con.execute("set TimeZone = 'UTC'")
        for name in STAGING_MACROS:
            self.con.execute(sql.load(name))
        try:
            self._build_page_dim()
        except duckdb.Error as exc:
            raise self._read_error(exc) from None
        for name in INTERMEDIATE_MACROS:
            self.con.execute(sql.load(name))

    @staticmethod
    def _snapshot(path: Path, contributor: str = federation.LOCAL) -> Snapshot:
        m = read_manifest(path)
        try:
            return Snapshot(
                snapshot_id=path.name,
                path=path,
                as_of=datetime.fromisoformat(m["as_of"]),
                created_at=datetime.fromisoformat(m["created_at"]),
                source=str(m.get("source", "unknown")),
                counts=dict(m.get("counts", {})),
                anomalies=dict(m.get("anomalies", {})),
                contributor=contributor,
                merged_from=tuple(m.get("merged_from", ())),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DataDirError(f"{path / MANIFEST}: bad manifest ({exc})") from None

    def _missing(self, snapshot: str, found: list[tuple[Path, str]]) -> str:
        """Why a pinned snapshot is not there: merged by `compact`, or never existed."""
        for path, _ in found:
            try:
                merged = read_manifest(path).get("merged_from", ())
            except DataDirError:
                continue
            if snapshot in merged:
                return (
                    f"{self.location}: snapshot {snapshot!r} was merged into {path.name} by "
                    "`compact` and is no longer kept on its own; open the link without "
                    f"`snapshot=` or pin {path.name} (the same items, as of its newest data)"
                )
        return f"{self.location}: no snapshot named {snapshot!r}"

    def _registry(self) -> dict:
        """This folder's registry; with contributors, each one's own registry for its pages,
        then the shared one, then this folder's (later wins per page)."""
        if self.federation is None:
            return registry.load_registry(self.data_dir)
        merged: dict = {}
        for c in self.federation.contributors[1:]:
            merged.update(registry.load_registry(c.folder))
        if self.federation.registry is not None:
            merged.update(registry.load_registry(self.federation.registry))
        merged.update(registry.load_registry(self.data_dir))
        return merged

    def _page_snapshots(self) -> list[tuple[str, str]]:
        """(page id, pages.parquet path) of every page in every snapshot read."""
        if not self.snapshots:
            return []
        return self.con.execute(
            "select page_id, filename from read_parquet($files, filename = true)",
            {"files": self.files("pages")},
        ).fetchall()

    def _check_one_contributor_per_page(self) -> None:
        by_file = {str(s.path / "pages.parquet"): s.contributor for s in self.snapshots}
        owner: dict[str, str] = {}
        for page_id, filename in self._page_snapshots():
            who = by_file[filename]
            if owner.setdefault(page_id, who) != who:
                self.con.close()
                first, second = sorted((owner[page_id], who))
                raise DataDirError(
                    f"{self.data_dir / federation.CONTRIBUTORS_FILE}: page {page_id} is in the "
                    f"snapshots of both {first!r} and {second!r}; a page belongs to one "
                    "contributor (stop publishing it from one, or drop that contributor)"
                )

    @cached_property
    def contributions(self) -> list[dict]:
        """Per page: who contributed its data and how fresh it is (its latest snapshot)."""
        by_file = {str(s.path / "pages.parquet"): s for s in self.snapshots}
        latest: dict[str, Snapshot] = {}
        for page_id, filename in self._page_snapshots():
            snap = by_file[filename]
            if page_id not in latest or snap.snapshot_id > latest[page_id].snapshot_id:
                latest[page_id] = snap
        names = {row[0]: row[1] for row in self._page_rows}
        return [
            {
                "page_id": page_id,
                "page_name": names.get(page_id, page_id),
                "contributor": snap.contributor,
                "snapshot_id": snap.snapshot_id,
                "as_of": snap.as_of,
            }
            for page_id, snap in sorted(latest.items(), key=lambda kv: names.get(kv[0], kv[0]))
        ]

    def _check_footers(self, paths: list[Path]) -> None:
        """Raise a one-line error naming a Parquet file whose footer cannot be read."""
        if not paths:
            return
        try:  # every footer in one query; only on failure, one at a time to name the file
            self.con.execute(_FOOTERS, {"files": [str(p) for p in paths]}).fetchall()
        except duckdb.Error:
            for path in paths:
                try:
                    self.con.execute(_FOOTERS, {"files": [str(path)]}).fetchall()
                except duckdb.Error as exc:
                    self.con.close()
                    raise DataDirError(f"{path}: not a readable Parquet file ({exc})") from None
            raise

    # -- what to read ---------------------------------------------------------------------------

    @property
    def is_empty(self) -> bool:
        return not self.snapshots

    @property
    def is_demo(self) -> bool:
        return bool(self.snapshots) and all(s.source == "demo" for s in self.snapshots)

    @property
    def latest(self) -> Snapshot | None:
        return self.snapshots[-1] if self.snapshots else None

    @property
    def version(self) -> str:
        """Changes whenever a snapshot is added or the registry is edited (a cache key)."""
        own = version_of(self.data_dir, [s.snapshot_id for s in self.snapshots])
        return own + (f"|{federation.version(self.data_dir)}" if self.federation else "")

    def files(self, table: str) -> list[str]:
        return [str(s.path / f"{table}.parquet") for s in self.snapshots]

    def params(self, table: str = "item_facts", **extra) -> dict:
        """Bound parameters naming the Parquet files of one table (see the staging macros)."""
        return {"files": self.files(table), "dedupe": len(self.snapshots) > 1, **extra}

    def item_span(self) -> tuple[datetime | None, datetime | None]:
        """The first and the last inbound item's time (UTC) over every snapshot read."""
        if self.is_empty:
            return None, None
        try:
            cur = self.cursor().execute(_ITEM_SPAN, {"files": self.files("item_facts")})
            first, last = cur.fetchone()
        except duckdb.Error as exc:
            raise self._read_error(exc) from None
        return first, last

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of the shared connection: one per query, safe across threads."""
        handle = getattr(self._local, "interrupt", None)
        if handle is not None and handle.stopped:
            raise duckdb.InterruptException("stopped before it began")
        cur = self.con.cursor()
        if handle is not None:
            handle.cursor = cur
        return cur

    @contextmanager
    def interruptible(self) -> Iterator[Interrupt]:
        """Queries this thread runs inside the block can be stopped from another thread by the
        handle's `stop()`: the running one raises duckdb.InterruptException, a later one is not
        started (the dashboard's background rankings give way to a visitor's own)."""
        handle = Interrupt()
        self._local.interrupt = handle
        try:
            yield handle
        finally:
            self._local.interrupt = None

    def query(self, name: str, params: dict) -> pd.DataFrame:
        try:
            return sql.run(self.cursor(), name, params).df()
        except duckdb.InterruptException:
            raise  # stopped on purpose (interruptible): the files are fine
        except duckdb.Error as exc:
            raise self._read_error(exc) from None

    def rows(self, name: str, params: dict) -> tuple[list[str], list[tuple]]:
        """A named query's column names and rows, without pandas (the CLI's fast path)."""
        try:
            cur = sql.run(self.cursor(), name, params)
            return [d[0] for d in cur.description], cur.fetchall()
        except duckdb.InterruptException:
            raise
        except duckdb.Error as exc:
            raise self._read_error(exc) from None

    def _read_error(self, exc: duckdb.Error) -> DataDirError:
        """Name the damaged file behind a failed query (the footer check passed, data did not)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        for snap in self.snapshots:
            for table in TABLES:
                path = snap.path / f"{table}.parquet"
                try:
                    pq.read_table(path)
                except (OSError, pa.ArrowException) as read_exc:
                    return DataDirError(f"{path}: damaged Parquet data ({read_exc})")
        return DataDirError(f"{self.data_dir}: could not read the snapshots ({exc})")

    # -- pages with their registry entries ------------------------------------------------------

    def _build_page_dim(self) -> None:
        cur = self.cursor()
        pages: list[dict] = []
        with_visitor_posts: set[str] = set()
        if self.snapshots:
            res = sql.run(cur, "stg_pages", {"files": self.files("pages")})
            names = [d[0] for d in res.description]
            pages = [dict(zip(names, row, strict=True)) for row in res.fetchall()]
            # whether a wall takes visitor posts defaults to whether it has any: a scan of every
            # item, skipped when the registry says so for every page (the demo's, most real ones)
            undecided = [
                rec["page_id"]
                for rec in pages
                if (entry := self.registry.get(rec["page_id"])) is None
                or entry.accepts_visitor_posts is None
            ]
            if undecided:
                with_visitor_posts = {
                    page_id
                    for (page_id,) in cur.execute(
                        "select distinct page_id from stg_item_facts($files, $dedupe) "
                        "where kind = 'visitor_post'",
                        self.params(),
                    ).fetchall()
                }
        rows = []
        for rec in pages:
            row = registry.resolve(
                self.registry.get(rec["page_id"]),
                rec["page_id"],
                rec["page_name"],
                rec["page_id"] in with_visitor_posts,
            )
            row["fan_count"] = rec.get("fan_count")
            row["followers_count"] = rec.get("followers_count")
            row["link"] = rec.get("link")
            rows.append(tuple(row[name] for name in PAGE_DIM_COLUMNS))
        self._page_rows = rows
        cur.execute(_PAGE_DIM_DDL)
        if rows:
            columns = [list(values) for values in zip(*rows, strict=True)]
            cur.execute(_PAGE_DIM_INSERT, dict(zip(PAGE_DIM_COLUMNS, columns, strict=True)))

    @cached_property
    def pages(self) -> pd.DataFrame:
        """page_dim as a DataFrame: one row per page with its registry values."""
        import pandas as pd

        dim = pd.DataFrame(self._page_rows, columns=list(PAGE_DIM_COLUMNS))
        return dim.astype(
            {"accepts_visitor_posts": "bool", "sla_minutes": "float64", "fan_count": "Float64"}
        )

    def close(self) -> None:
        self.con.close()
