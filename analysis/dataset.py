"""A read-only view of a data folder: its snapshots, its registry and one DuckDB connection.

The dashboard holds one `Dataset` per data version as a cached resource and runs each query on a
cursor of its connection; the CLI makes one per command. Tables are read straight from the
snapshots' Parquet files through the staging macros in `sql/staging/`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis import registry, sql
from analysis.errors import DataDirError
from analysis.storage import check_parquet, list_snapshots, read_manifest

DEFAULT_DATA_DIR = Path("data")
STAGING_MACROS = ("stg_item_facts", "stg_posts", "stg_replies")


def default_data_dir() -> Path:
    return Path(os.environ.get("SVARSTID_DATA_DIR") or DEFAULT_DATA_DIR)


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
        for p in paths:
            for table in ("pages", "posts", "replies", "item_facts"):
                check_parquet(p / f"{table}.parquet")
        self.registry = registry.load_registry(self.data_dir)
        self.con = duckdb.connect()
        self.con.execute("set TimeZone = 'UTC'")
        for name in STAGING_MACROS:
            self.con.execute(sql.load(name))
        try:
            self._build_page_dim()
        except duckdb.Error as exc:
            raise self._read_error(exc) from None

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
            raise DataDirError(f"{path / 'manifest.json'}: bad manifest ({exc})") from None

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
        reg = registry.registry_path(self.data_dir)
        mtime = reg.stat().st_mtime_ns if reg.exists() else 0
        ids = ",".join(s.snapshot_id for s in self.snapshots)
        return f"{ids}|{mtime}"

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

    def _read_error(self, exc: duckdb.Error) -> DataDirError:
        """Name the damaged file behind a failed query (the footer check passed, data did not)."""
        for snap in self.snapshots:
            for table in ("pages", "posts", "replies", "item_facts"):
                path = snap.path / f"{table}.parquet"
                try:
                    pq.read_table(path)
                except (OSError, pa.ArrowException) as read_exc:
                    return DataDirError(f"{path}: damaged Parquet data ({read_exc})")
        return DataDirError(f"{self.data_dir}: could not read the snapshots ({exc})")

    # -- pages with their registry entries ------------------------------------------------------

    def _build_page_dim(self) -> None:
        cur = self.cursor()
        if self.snapshots:
            pages = sql.run(cur, "stg_pages", {"files": self.files("pages")}).df()
            with_visitor_posts = set(
                cur.execute(
                    "select distinct page_id from stg_item_facts($files, $dedupe) "
                    "where kind = 'visitor_post'",
                    self.params(),
                )
                .df()["page_id"]
                .tolist()
            )
        else:
            pages = pd.DataFrame(columns=["page_id", "page_name", "fan_count", "followers_count"])
            with_visitor_posts = set()
        rows = []
        for rec in pages.to_dict("records"):
            row = registry.resolve(
                self.registry.get(rec["page_id"]),
                rec["page_id"],
                rec["page_name"],
                rec["page_id"] in with_visitor_posts,
            )
            row["fan_count"] = rec.get("fan_count")
            row["followers_count"] = rec.get("followers_count")
            row["link"] = rec.get("link")
            rows.append(row)
        dim = pd.DataFrame(
            rows,
            columns=[
                "page_id", "page_name", "agency", "sector", "accepts_visitor_posts",
                "opening_hours", "timezone", "sla_minutes", "fan_count", "followers_count", "link",
            ],
        )  # fmt: skip
        dim = dim.astype(
            {"accepts_visitor_posts": "bool", "sla_minutes": "float64", "fan_count": "Float64"}
        )
        self.pages = dim
        cur.register("page_dim_df", dim)
        cur.execute("create or replace table page_dim as select * from page_dim_df")
        cur.unregister("page_dim_df")

    def close(self) -> None:
        self.con.close()
