"""Immutable Parquet snapshots: the only way data enters a data folder.

`write_snapshot` takes raw tables (from an export parser or the demo generator), has each batch
prepared for storage (`prepare.py`: masked, pseudonymised), derives item facts (`facts.py`) and
writes one new snapshot atomically: files go
to a hidden temporary folder which is renamed into place in one step, under a lock, so a crash or
an error leaves earlier snapshots untouched and no partial snapshot visible. See
docs/data-contract.md for the tables.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis import storage
from analysis.contract import (
    BATCH_ROWS,
    FACTS_SCHEMA,
    POSTS_SCHEMA,
    REPLIES_SCHEMA,
    SCHEMA_VERSION,
    rebatch,
)
from analysis.datafolder import (
    MANIFEST,
    SNAPSHOT_NAME,
    TEMPORARY_PREFIX,
    lock_path,
    quarantine_dir,
    quarantine_path,
    snapshots_dir,
    temporary_snapshot,
)
from analysis.errors import BusyError, InputError
from analysis.registry import load_registry
from analysis.snapshot import prepare, privacy
from analysis.snapshot.facts import fact_batches
from analysis.snapshot.text import MAX_MESSAGE_CHARS

# Rows per Parquet row group. DuckDB reads a file in parallel one row group per thread, so row
# groups well below a snapshot's size keep every core busy from a quarter million items up.
ROW_GROUP = 262_144


@dataclass(frozen=True)
class SnapshotInfo:
    snapshot_id: str
    path: Path | str  # a str: `s3://…/snapshots/<id>` in object storage
    manifest: dict


@contextmanager
def ingest_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data folder's lock; a second ingest at the same time is refused."""
    data_dir.mkdir(parents=True, exist_ok=True)
    fh = lock_path(data_dir).open("a+")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BusyError(
                f"{data_dir}: another ingest is writing to this data folder; try again when it ends"
            ) from None
        yield
    finally:
        fh.close()  # closing releases the lock, also when the process is killed


def _stamp(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass
class _Stream:
    """Tables of one schema produced one after another (what `_write_table` writes in a stream)."""

    schema: pa.Schema
    tables: Iterable[pa.Table]
    # write a row group in a second thread while the next is built: faster on two cores, but
    # up to one more row group in memory
    overlap: bool = False


# Columns written with a dictionary, per file (default: every column, as Arrow does). The facts'
# ids, times and minutes are nearly all distinct: trying a dictionary for them cost time and
# space (5M items: 131 -> 106 MB, a third less time writing, rank ~4 % faster to read).
_DICTIONARY = {"item_facts.parquet": ["page_id", "kind"]}


def _write_table(table: pa.Table | _Stream, path: Path) -> None:
    """One Parquet file (zstd, row groups of ROW_GROUP rows), fsynced.

    A stream is written as it comes, holding at most one row group and one table of it: the file
    is the one `pq.write_table` makes of all its tables concatenated (also when `overlap`)."""
    options = {"compression": "zstd", "use_dictionary": _DICTIONARY.get(path.name, True)}
    if isinstance(table, pa.Table):
        pq.write_table(table, path, row_group_size=ROW_GROUP, **options)
    else:
        with (
            pq.ParquetWriter(path, table.schema, **options) as writer,
            ThreadPoolExecutor(1, thread_name_prefix="parquet-writer") as pool,
        ):
            # A row group is encoded and compressed (without the GIL) in a second thread while
            # this one builds the next; one write at a time, in order, so the file is the same.
            writing: Future | None = None

            def write(group: pa.Table) -> None:
                nonlocal writing
                if writing is not None:
                    writing.result()  # raises what the write raised
                writing = pool.submit(writer.write_table, group, row_group_size=ROW_GROUP)
                if not table.overlap:
                    writing.result()

            pending: list[pa.Table] = []
            rows, written = 0, False
            for part in table.tables:
                pending.append(part)
                rows += part.num_rows
                while rows >= ROW_GROUP:
                    group = pa.concat_tables(pending)
                    write(group.slice(0, ROW_GROUP))
                    pending, rows, written = [group.slice(ROW_GROUP)], rows - ROW_GROUP, True
                    del group
            if rows or not written:  # an empty file still has its one empty row group
                write(pa.concat_tables(pending) if pending else table.schema.empty_table())
            del pending
            if writing is not None:
                writing.result()
    pa.default_memory_pool().release_unused()  # what this file held is not kept for the next
    with path.open("rb") as fh:
        os.fsync(fh.fileno())


def _new_snapshot_id(root: Path, prefix: str) -> str:
    """`prefix` and a random suffix — or, when a snapshot of the same second already exists,
    the suffix after the greatest of them: readers let the greatest name win, so a second
    snapshot written within the same second (two quick refreshes) must sort after the first."""
    same = [
        int(p.name[len(prefix) :], 16)
        for p in (root.iterdir() if root.is_dir() else ())
        if p.name.startswith(prefix) and SNAPSHOT_NAME.match(p.name)
    ]
    if not same:  # random in the lower half, so a later snapshot of the second has room
        return f"{prefix}{secrets.randbelow(0x800000):06x}"
    if max(same) >= 0xFFFFFF:
        raise RuntimeError(f"no snapshot id left after {prefix}ffffff")  # 16M in one second
    return f"{prefix}{max(same) + 1:06x}"


def write_snapshot(
    data_dir: Path,
    pages: pa.Table,
    posts: pa.Table,
    replies: pa.Table,
    *,
    as_of: datetime,
    source: str,
    anomalies: dict | None = None,
    extra_counts: dict | None = None,
    quarantine: str | None = None,
    now: datetime | None = None,
) -> SnapshotInfo:
    """Mask, pseudonymise, derive facts and write one immutable snapshot atomically.

    `quarantine` (already masked text, JSON Lines) is written beside it as
    `quarantine/<snapshot id>.jsonl`, in the same all-or-nothing step."""
    return write_snapshot_batches(
        data_dir,
        pages,
        rebatch([posts], BATCH_ROWS, posts.schema),
        rebatch([replies], BATCH_ROWS, replies.schema),
        as_of=as_of,
        source=source,
        anomalies=anomalies,
        extra_counts=extra_counts,
        quarantine=quarantine,
        now=now,
    )


def write_snapshot_batches(
    data_dir: Path,
    pages: pa.Table,
    posts: Iterable[pa.Table],
    replies: Iterable[pa.Table],
    *,
    as_of: datetime,
    source: str,
    anomalies: dict | None = None,
    extra_counts: dict | None = None,
    quarantine: str | None = None,
    now: datetime | None = None,
    questions: Iterable[str] | None = None,
    prepared: bool = False,
    item_facts: Iterable[pa.Table] | None = None,
) -> SnapshotInfo:
    """`write_snapshot` of posts and replies that come in batches (all posts, then all replies).

    With `prepared`, the batches are already in the stored shape (`prepare.posts` and
    `prepare.replies` of this data folder's key: a fetch's checkpoint holds only such rows).

    Each batch is masked and pseudonymised before it is written, then let go; item facts are
    derived afterwards from the files being written (DuckDB under a memory limit), so memory
    stays bounded by a batch and a row group, whatever the snapshot's size. The snapshot is the
    one `write_snapshot` writes of the batches concatenated. `questions`: ids of inbound items
    that count as questions whatever their text (a source that knows, such as an answer log).
    `item_facts`: with `prepared`, the facts of exactly these rows in `FACTS_SCHEMA` and the
    files' order, from a source that drew every reply itself (the demo), instead of deriving
    them from the written files."""
    if as_of.tzinfo is None:
        raise InputError("--as-of", "the snapshot time needs a UTC offset")
    if storage.is_remote(data_dir):
        return _write_remote(
            data_dir,
            lambda work: write_snapshot_batches(
                work,
                pages,
                posts,
                replies,
                as_of=as_of,
                source=source,
                anomalies=anomalies,
                extra_counts=extra_counts,
                quarantine=quarantine,
                now=now,
                questions=questions,
                prepared=prepared,
                item_facts=item_facts,
            ),
        )
    data_dir = Path(data_dir)
    asked = pa.array(sorted(questions), pa.string()) if questions else None
    now = now or datetime.now(UTC)
    pages = prepare.pages(pages)
    with ingest_lock(data_dir):
        clean_temporary(data_dir)  # leftovers of an ingest that was killed
        key = privacy.load_or_create_key(data_dir)
        registry = load_registry(data_dir)
        hours = {pid: entry.hours() for pid, entry in registry.items()}

        root = snapshots_dir(data_dir)
        snapshot_id = _new_snapshot_id(root, f"{_stamp(as_of)}_{_stamp(now)}_")
        root.mkdir(parents=True, exist_ok=True)
        tmp = temporary_snapshot(data_dir, snapshot_id)
        q_final = quarantine_path(data_dir, snapshot_id)
        q_root, q_tmp = q_final.parent, q_final.parent / f"{TEMPORARY_PREFIX}{snapshot_id}"
        tally = {"posts": 0, "replies": 0, "inbound": 0, "truncated": 0, "before_item": 0}
        kinds: dict[str, int] = {}  # in order of first appearance, as pc.value_counts gives

        def prepared_posts() -> Iterator[pa.Table]:
            for raw in posts:
                # masked before anything is written
                batch = _conform_prepared(raw) if prepared else prepare.posts(raw, key, asked)
                del raw
                tally["posts"] += batch.num_rows
                for k in pc.value_counts(batch["kind"]).to_pylist():
                    kinds[k["values"]] = kinds.get(k["values"], 0) + k["counts"]
                long = pc.greater(batch["message_length"], MAX_MESSAGE_CHARS)
                tally["truncated"] += pc.sum(long).as_py() or 0
                yield batch

        def prepared_replies() -> Iterator[pa.Table]:
            for raw in replies:
                batch = raw if prepared else prepare.replies(raw)
                del raw
                tally["replies"] += batch.num_rows
                yield batch

        def facts() -> Iterator[pa.Table]:
            spill = tmp / ".spill"
            try:
                batches = item_facts
                if batches is None:
                    batches = fact_batches(
                        tmp / "posts.parquet",
                        tmp / "replies.parquet",
                        as_of,
                        hours,
                        spill_dir=spill,
                    )
                for batch in batches:
                    tally["inbound"] += batch.num_rows
                    tally["before_item"] += pc.sum(batch["has_reply_before_item"]).as_py() or 0
                    yield batch
            finally:
                shutil.rmtree(spill, ignore_errors=True)

        try:
            tmp.mkdir()
            _write_table(pages, tmp / "pages.parquet")
            _write_table(_Stream(POSTS_SCHEMA, prepared_posts(), True), tmp / "posts.parquet")
            _write_table(_Stream(REPLIES_SCHEMA, prepared_replies(), True), tmp / "replies.parquet")
            # overlapped too: a row group of facts is small beside DuckDB's memory
            # (5M items: 8.1 -> 7.3 s, peak 1.29 -> 1.32 GB)
            _write_table(_Stream(FACTS_SCHEMA, facts(), True), tmp / "item_facts.parquet")
            manifest = {
                "schema_version": SCHEMA_VERSION,
                "snapshot_id": snapshot_id,
                "as_of": as_of.astimezone(UTC).isoformat(),
                "created_at": now.astimezone(UTC).isoformat(),
                "source": source,
                "counts": {
                    "pages": pages.num_rows,
                    "posts": tally["posts"],
                    "replies": tally["replies"],
                    "inbound_items": tally["inbound"],
                    **{f"kind_{k}": n for k, n in kinds.items()},
                    **(extra_counts or {}),
                },
                "anomalies": {
                    "reply_before_item": tally["before_item"],
                    "truncated_messages": tally["truncated"],
                    **(anomalies or {}),
                },
            }
            (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            if quarantine is not None:
                # Renamed into place just before the snapshot: a crash in between leaves a
                # quarantine file without its snapshot, which the next ingest removes.
                q_root.mkdir(exist_ok=True)
                # a lone surrogate (rejected for that reason) is written escaped, not lost
                with q_tmp.open("w", encoding="utf-8", errors="backslashreplace") as fh:
                    fh.write(quarantine)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.rename(q_tmp, q_final)
            final = root / snapshot_id
            os.rename(tmp, final)
            _fsync_dir(root)
            if quarantine is not None:
                _fsync_dir(q_root)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            if quarantine is not None and not (root / snapshot_id).exists():
                for leftover in (q_tmp, q_final):
                    leftover.unlink(missing_ok=True)
            raise
        finally:
            privacy.forget_texts()
        return SnapshotInfo(snapshot_id, final, manifest)


def _write_remote(uri: str, write_local) -> SnapshotInfo:
    """A snapshot for a data folder in object storage: written by the local writer into the
    writer's work folder (which keeps the key), uploaded with its manifest last, then removed
    locally. Under the store's lock; leftovers of interrupted uploads are removed first."""
    loc = storage.location(uri)
    with storage.write_lock(loc):
        storage.clean_uncommitted(loc)
        work = storage.prepare_work_dir(uri)
        info = write_local(work)
        try:
            storage.upload_snapshot(info.path, loc)
        finally:
            shutil.rmtree(info.path, ignore_errors=True)
    return SnapshotInfo(info.snapshot_id, f"{loc.uri}/snapshots/{info.snapshot_id}", info.manifest)


def _conform_prepared(batch: pa.Table) -> pa.Table:
    return batch.select(POSTS_SCHEMA.names).cast(POSTS_SCHEMA)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def clean_temporary(data_dir: Path) -> int:
    """Remove leftovers of interrupted ingests (hidden temporary folders and files, quarantine
    files whose snapshot was never renamed into place); returns how many."""
    root = snapshots_dir(data_dir)
    removed = 0
    if root.is_dir():
        for p in root.glob(f"{TEMPORARY_PREFIX}*"):
            shutil.rmtree(p, ignore_errors=True)
            removed += 1
    q_root = quarantine_dir(data_dir)
    if q_root.is_dir():
        for p in q_root.iterdir():
            orphan = (
                SNAPSHOT_NAME.match(p.stem)
                and p.suffix == ".jsonl"
                and not (root / p.stem).is_dir()
            )
            if p.name.startswith(TEMPORARY_PREFIX) or orphan:
                p.unlink(missing_ok=True)
                removed += 1
    return removed
