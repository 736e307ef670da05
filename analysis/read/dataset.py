"""A read-only view of a data folder: its snapshots, its registry and one DuckDB connection.

The dashboard holds one `Dataset` per data version as a cached resource and runs each query on a
cursor of its connection; the CLI makes one per command. Tables are read straight from the
snapshots' Parquet files through the staging macros in `sql/staging/`, and the marts select
from the intermediate macros in `sql/intermediate/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from analysis import registry
from analysis.datafolder import (
    MANIFEST,
    TABLES,
    default_data_dir,
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
    "int_items_in_scope",
    "int_page_posts",
    "int_inbound_posts",
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


@dataclass(frozen=True)
class Snapshot:
    snapshot_id: str
    path: Path
    as_of: datetime
    created_at: datetime
    source: str
    counts: dict
    anomalies: dict


class Dataset:
    """Everything one query needs: which Parquet files to read and a connection to read them."""

    def __init__(self, data_dir: Path | str | None = None, snapshot: str | None = None):
        self.data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
        if not self.data_dir.is_dir():
            raise DataDirError(f"{self.data_dir}: no such data folder")
        paths = list_snapshots(self.data_dir, upto=snapshot)
        if snapshot is not None and (not paths or paths[-1].name != snapshot):
            raise DataDirError(f"{self.data_dir}: no snapshot named {snapshot!r}")
        self.pinned = snapshot
        self.snapshots = [self._snapshot(p) for p in paths]
        self.registry = registry.load_registry(self.data_dir)
        self.con = duckdb.connect()
        self._check_footers([p / f"{t}.parquet" for p in paths for t in TABLES])
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
    def _snapshot(path: Path) -> Snapshot:
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
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DataDirError(f"{path / MANIFEST}: bad manifest ({exc})") from None

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
        return version_of(self.data_dir, [s.snapshot_id for s in self.snapshots])

    def files(self, table: str) -> list[str]:
        return [str(s.path / f"{table}.parquet") for s in self.snapshots]

    def params(self, table: str = "item_facts", **extra) -> dict:
        """Bound parameters naming the Parquet files of one table (see the staging macros)."""
        return {"files": self.files(table), "dedupe": len(self.snapshots) > 1, **extra}

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of the shared connection: one per query, safe across threads."""
        return self.con.cursor()

    def query(self, name: str, params: dict) -> pd.DataFrame:
        try:
            return sql.run(self.cursor(), name, params).df()
        except duckdb.Error as exc:
            raise self._read_error(exc) from None

    def rows(self, name: str, params: dict) -> tuple[list[str], list[tuple]]:
        """A named query's column names and rows, without pandas (the CLI's fast path)."""
        try:
            cur = sql.run(self.cursor(), name, params)
            return [d[0] for d in cur.description], cur.fetchall()
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
