"""Compaction: many committed snapshots merged into one that gives exactly the same numbers.

Between the two halves, like `ingest.py`: it reads snapshots with the read side's `stg_latest`
and writes one with the snapshot writer's Parquet settings.

An hourly refresh makes ~9,000 snapshots a year; every query reads each table through
`stg_latest` (each row from its latest snapshot). The merged snapshot holds exactly those rows —
`stg_latest` of each table over the merged snapshots, as stored — so a query over it reads the
same rows without deduplicating.

Its id sorts after every snapshot it merges (its `as_of` is theirs at the latest, its creation
time now), so a snapshot written afterwards still wins; its manifest lists them in
`merged_from`, so a link pinned to one of them can say where it went. The new snapshot is
committed first (a rename here, its manifest in object storage), the merged ones removed after:
a reader in between sees both, and both give the same numbers.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from analysis import storage
from analysis.contract import (
    FACTS_SCHEMA,
    PAGES_SCHEMA,
    POSTS_SCHEMA,
    REPLIES_SCHEMA,
    SCHEMA_VERSION,
)
from analysis.datafolder import (
    MANIFEST,
    list_snapshots,
    quarantine_dir,
    quarantine_path,
    read_manifest,
    snapshots_dir,
    temporary_snapshot,
)
from analysis.read import sql
from analysis.snapshot import writer
from analysis.snapshot.facts import MEMORY_LIMIT, create_flags
from analysis.snapshot.text import MAX_MESSAGE_CHARS

_SQL = (Path(__file__).parent / "compact.sql").read_text(encoding="utf-8")
_FACTS_SQL = (Path(__file__).parent / "compact_facts.sql").read_text(encoding="utf-8")
# table -> (its id column, its schema)
_TABLES = {
    "pages": ("page_id", PAGES_SCHEMA),
    "posts": ("post_id", POSTS_SCHEMA),
    "replies": ("reply_id", REPLIES_SCHEMA),
    "item_facts": ("item_id", FACTS_SCHEMA),
}
_STAMP = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class CompactReport:
    snapshot_id: str | None  # None when there was nothing to merge
    merged: list[str]
    location: str


def _new_id(last: str, now: datetime) -> str:
    """An id after `last`: its as_of stamp, created now (or a second after `last`'s)."""
    as_of, created, _ = last.split("_")
    stamp = now.astimezone(UTC).strftime(_STAMP)
    if stamp <= created:
        stamp = (datetime.strptime(created, _STAMP) + timedelta(seconds=1)).strftime(_STAMP)
    return f"{as_of}_{stamp}_{secrets.token_hex(3)}"


def _merge(paths: list[Path], out: Path, snapshot_id: str, now: datetime) -> dict:
    """Write the merged tables of `paths` into the folder `out` and return its manifest."""
    manifests = [read_manifest(p) for p in paths]
    spill = out / ".spill"
    # bounded like the writer's facts: DuckDB spills the dedupe and the sort beyond the limit
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": str(spill)})
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(sql.load("stg_latest"))
        counts: dict[str, int] = {}
        for table, (key, schema) in _TABLES.items():
            files = [str(p / f"{table}.parquet") for p in paths]
            if table == "item_facts":  # after posts and replies: its flags come from theirs
                con.read_parquet(str(out / "posts.parquet")).create_view("posts")
                con.read_parquet(str(out / "replies.parquet")).create_view("replies")
                create_flags(con, "item_flags")
                query = con.sql(_FACTS_SQL, params={"files": files})
            else:
                query = con.sql(_SQL, params={"files": files, "key": key})
            reader = query.to_arrow_reader(writer.ROW_GROUP)
            counts[table] = 0

            def tables(reader=reader, schema=schema, table=table):
                for batch in reader:
                    counts[table] += batch.num_rows
                    yield pa.Table.from_batches([batch]).select(schema.names).cast(schema)

            writer._write_table(writer._Stream(schema, tables()), out / f"{table}.parquet")
        facts = str(out / "item_facts.parquet")
        before = con.execute(
            "select count(*) filter (where has_reply_before_item) from read_parquet($f)",
            {"f": facts},
        ).fetchone()[0]
        kind_counts = dict(
            con.execute(
                "select kind, count(*) from read_parquet($f) group by kind order by kind",
                {"f": str(out / "posts.parquet")},
            ).fetchall()
        )
        truncated = con.execute(
            "select count(*) from read_parquet($f) where message_length > $n",
            {"f": str(out / "posts.parquet"), "n": MAX_MESSAGE_CHARS},
        ).fetchone()[0]
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    sources = sorted({str(m.get("source", "unknown")) for m in manifests})
    other_anomalies: dict[str, int] = {}
    for m in manifests:
        for k, v in m.get("anomalies", {}).items():
            if k not in ("reply_before_item", "truncated_messages") and isinstance(v, int):
                other_anomalies[k] = other_anomalies.get(k, 0) + v
    return {
        "schema_version": SCHEMA_VERSION,
        "snapshot_id": snapshot_id,
        "as_of": max(datetime.fromisoformat(m["as_of"]) for m in manifests).isoformat(),
        "created_at": now.astimezone(UTC).isoformat(),
        "source": sources[0] if len(sources) == 1 else "compacted",
        "merged_from": [p.name for p in paths],
        "counts": {
            "pages": counts["pages"],
            "posts": counts["posts"],
            "replies": counts["replies"],
            "inbound_items": counts["item_facts"],
            **{f"kind_{k}": n for k, n in kind_counts.items()},
        },
        # the two recomputed from the merged rows; the others summed over the merged ingests
        "anomalies": {
            "reply_before_item": before,
            "truncated_messages": truncated,
            **other_anomalies,
        },
    }


def _compact_local(data_dir: Path, paths: list[Path], now: datetime) -> str:
    """Merge `paths` (snapshots of `data_dir`) into a new snapshot of `data_dir`, committed by
    rename; their quarantine files are joined into the new one's. Returns the new id."""
    snapshot_id = _new_id(paths[-1].name, now)
    tmp = temporary_snapshot(data_dir, snapshot_id)
    try:
        tmp.mkdir(parents=True)
        manifest = _merge(paths, tmp, snapshot_id, now)
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        rejected = [quarantine_path(data_dir, p.name) for p in paths]
        rejected = [q for q in rejected if q.exists()]
        if rejected:
            q_tmp = quarantine_dir(data_dir) / f".tmp-{snapshot_id}"
            with q_tmp.open("wb") as fh:
                for q in rejected:
                    fh.write(q.read_bytes())
                fh.flush()
                os.fsync(fh.fileno())
            os.rename(q_tmp, quarantine_path(data_dir, snapshot_id))
        os.rename(tmp, snapshots_dir(data_dir) / snapshot_id)
        writer._fsync_dir(snapshots_dir(data_dir))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return snapshot_id


def compact(data_dir: Path | str, *, now: datetime | None = None) -> CompactReport:
    """Merge all committed snapshots of a data folder (local or s3://) into one."""
    now = now or datetime.now(UTC)
    if storage.is_remote(data_dir):
        return _compact_remote(storage.normalise(data_dir), now)
    data_dir = Path(data_dir)
    with writer.ingest_lock(data_dir):
        writer.clean_temporary(data_dir)
        paths = list_snapshots(data_dir)
        if len(paths) < 2:
            return CompactReport(None, [], str(data_dir))
        snapshot_id = _compact_local(data_dir, paths, now)
        for p in paths:  # only now that the merged snapshot is committed
            shutil.rmtree(p)
            quarantine_path(data_dir, p.name).unlink(missing_ok=True)
    return CompactReport(snapshot_id, [p.name for p in paths], str(data_dir))


def _compact_remote(uri: str, now: datetime) -> CompactReport:
    loc = storage.location(uri)
    with storage.write_lock(loc):
        storage.clean_uncommitted(loc)
        cache = storage.sync(uri)
        paths = list_snapshots(cache)
        if len(paths) < 2:
            return CompactReport(None, [], uri)
        work = storage.key_dir(uri) / "compacting"
        shutil.rmtree(work, ignore_errors=True)
        snapshot_id = _new_id(paths[-1].name, now)
        out = work / snapshot_id
        try:
            out.mkdir(parents=True)
            manifest = _merge(paths, out, snapshot_id, now)
            (out / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            storage.upload_snapshot(out, loc)  # committed by its manifest, written last
        finally:
            shutil.rmtree(work, ignore_errors=True)
        for p in paths:
            storage.remove_snapshot(loc, p.name)
    storage.sync(uri)
    return CompactReport(snapshot_id, [p.name for p in paths], uri)
