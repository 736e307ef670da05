"""Rows a source has read, held compactly until the snapshot writer takes them.

Any source (Graph API exports today; tables and a live fetch next) appends plain tuples of the
contract's raw schemas to a `ParseResult`; it moves them into Arrow tables, compresses them
(`pack`) and hands them on in batches of BATCH_ROWS with each duplicated id's last copy kept
(`batches`). What `--skip-invalid` left out travels with it as `Rejected` items.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis.contract import (
    BATCH_ROWS,
    PAGES_SCHEMA,
    POSTS_SCHEMA,
    RAW_POSTS_SCHEMA,
    REPLIES_SCHEMA,
    rebatch,
)


@dataclass
class Rejected:
    """An item (or a whole file) left out by `--skip-invalid`, with the reason."""

    path: str
    item_id: str | None
    reason: str
    raw: object = None


@dataclass
class ParseResult:
    pages: list[dict] = field(default_factory=list)
    posts: list[tuple] = field(default_factory=list)  # rows of the file being parsed
    replies: list[tuple] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    anomalies: Counter = field(default_factory=Counter)
    rejected: list[Rejected] = field(default_factory=list)
    # ids of inbound items that count as questions whatever their text (answer-log rows)
    questions: set[str] = field(default_factory=set)
    error: tuple | None = None  # a strict-mode InputError of one file (see _parse_file)
    # the packs hold rows prepared for storage (POSTS_SCHEMA: masked, pseudonymised), not raw
    prepared: bool = False
    post_chunks: list[pa.Table] = field(default_factory=list)  # rows of the files parsed
    reply_chunks: list[pa.Table] = field(default_factory=list)
    # With `pack` (see parse_paths): each file's rows as compressed Arrow IPC instead, and
    # their ids (all the duplicate check needs) apart.
    post_packs: list[_Pack] = field(default_factory=list)
    reply_packs: list[_Pack] = field(default_factory=list)

    @property
    def posts_seen(self) -> int:
        packed = sum(p.num_rows for p in self.post_packs)
        return sum(t.num_rows for t in self.post_chunks) + packed + len(self.posts)

    def newest(self):
        """The latest `created_at` of any post or reply read (None when there is none): an
        export taken before it is no export (see `ingest.check_as_of`)."""
        found = [row[4] for row in self.posts] + [row[3] for row in self.replies]
        for table in self.post_chunks + self.reply_chunks:
            found.append(pc.max(table["created_at"]).as_py())
        found += [p.newest for p in self.post_packs + self.reply_packs]
        found = [ts for ts in found if ts is not None]
        return max(found) if found else None

    def pack(self, key: bytes | None = None) -> None:
        """Compress the Arrow tables parsed so far (to about a quarter of their size); with the
        data folder's `key`, masked and pseudonymised first (`prepared`)."""
        self.flush()
        if key is not None:
            from analysis.snapshot import prepare

            self.post_chunks = [prepare.posts(t, key) for t in self.post_chunks]
            self.reply_chunks = [prepare.replies(t) for t in self.reply_chunks]
            self.prepared = True
        self.post_packs += [_Pack.of(t, "post_id") for t in self.post_chunks]
        self.reply_packs += [_Pack.of(t, "reply_id") for t in self.reply_chunks]
        self.post_chunks, self.reply_chunks = [], []

    def batches(self) -> tuple[pa.Table, Iterator[pa.Table], Iterator[pa.Table]]:
        """`tables` of a packed result as batches of BATCH_ROWS rows, unpacked one at a time;
        the packs are let go as they are read, so the result holds nothing once both
        iterators are done. Duplicates are counted here, before the first batch."""
        self.pack()
        pages = pa.Table.from_pylist(self.pages, schema=PAGES_SCHEMA)
        post_keep, dup_posts = _keep([p.keys for p in self.post_packs])
        reply_keep, dup_replies = _keep([p.keys for p in self.reply_packs])
        for p in self.post_packs + self.reply_packs:
            p.keys = None  # only the rows are needed from here on
        self.anomalies["duplicate_items"] += dup_posts
        self.anomalies["duplicate_replies"] += dup_replies
        posts_schema = POSTS_SCHEMA if self.prepared else RAW_POSTS_SCHEMA
        posts = _unpacked(self.post_packs, post_keep, posts_schema)
        replies = _unpacked(self.reply_packs, reply_keep, REPLIES_SCHEMA)
        return pages, posts, replies

    def flush(self) -> None:
        """Move the rows parsed so far into Arrow tables (compact; Python tuples are not)."""
        if self.posts:
            self.post_chunks.append(_columns(self.posts, RAW_POSTS_SCHEMA))
            self.posts.clear()
        if self.replies:
            self.reply_chunks.append(_columns(self.replies, REPLIES_SCHEMA))
            self.replies.clear()

    def tables(self) -> tuple[pa.Table, pa.Table, pa.Table]:
        """Pages, posts and replies as Arrow tables; a duplicated id keeps its last copy, in
        the place of its first."""
        self.flush()
        posts, dup_posts = _last_copies(self.post_chunks, RAW_POSTS_SCHEMA, "post_id")
        replies, dup_replies = _last_copies(self.reply_chunks, REPLIES_SCHEMA, "reply_id")
        self.post_chunks, self.reply_chunks = [posts], [replies]
        self.anomalies["duplicate_items"] += dup_posts
        self.anomalies["duplicate_replies"] += dup_replies
        return pa.Table.from_pylist(self.pages, schema=PAGES_SCHEMA), posts, replies


def _columns(rows: list[tuple], schema: pa.Schema) -> pa.Table:
    cols = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
    return pa.table([pa.array(c, f.type) for c, f in zip(cols, schema, strict=True)], schema=schema)


def _last_copies(chunks: list[pa.Table], schema: pa.Schema, key: str) -> tuple[pa.Table, int]:
    """The rows with each id's last copy, ordered by where the id first appeared (as a dict
    keyed by id would keep them), and how many copies were dropped."""
    table = pa.concat_tables(chunks) if chunks else schema.empty_table()
    keep, dropped = _keep([table[key]])
    return (table if keep is None else table.take(keep)), dropped


def _keep(keys: list) -> tuple[np.ndarray | None, int]:
    """Which rows `_last_copies` keeps of rows with these ids (arrays, in row order): None for
    all of them (no duplicates, the usual case), else their indices in order.

    By sorting, not hashing: once the ids are sorted (stably, so copies stay in row order) each
    id's copies are neighbours, the first of them its first row and the last its last. An Arrow
    hash aggregation of 5M ids took ~1 GB at once; the sort takes less than half of that."""
    ids = pa.chunked_array(keys, pa.string())
    n = len(ids)
    if n < 2:
        return None, 0
    order = pc.sort_indices(ids)
    ordered = ids.take(order).combine_chunks()
    repeats = pc.equal(ordered.slice(0, n - 1), ordered.slice(1))  # row k+1 repeats row k
    del ordered
    if not pc.any(repeats).as_py():
        return None, 0
    repeats = repeats.to_numpy(zero_copy_only=False)
    order = order.to_numpy()
    firsts = order[np.concatenate(([True], ~repeats))]  # each id's first row, by id
    lasts = order[np.concatenate((~repeats, [True]))]  # and its last row
    keep = lasts[np.argsort(firsts, kind="stable")]
    return keep, n - len(keep)


# LZ4, not zstd: the writer unpacks every file in one process, before anything else it does
# (247k items: zstd 13.0 MB, packed in 0.32-0.43 s, unpacked in 0.25-0.47 s; LZ4 21.9 MB,
# 0.15-0.24 s and 0.09-0.15 s; 83 MB as Arrow tables)
_PACKING = pa.ipc.IpcWriteOptions(compression="lz4")


@dataclass
class _Pack:
    """One file's rows as LZ4-compressed Arrow IPC, with their ids uncompressed."""

    data: pa.Buffer
    num_rows: int
    keys: pa.Array | None
    newest: object = None  # the latest created_at of its rows (a datetime), None if none

    @classmethod
    def of(cls, table: pa.Table, key: str) -> _Pack:
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema, options=_PACKING) as writer:
            writer.write_table(table)
        newest = pc.max(table["created_at"]).as_py()
        return cls(sink.getvalue(), table.num_rows, table[key].combine_chunks(), newest)

    def table(self) -> pa.Table:
        return pa.ipc.open_stream(self.data).read_all()


def _unpacked(packs: list[_Pack], keep: np.ndarray | None, schema: pa.Schema) -> Iterator[pa.Table]:
    """The rows of `packs` (kept rows only, in `keep` order) in batches of BATCH_ROWS; each pack
    is let go once read (without duplicates; with them, when the last batch is out)."""
    if keep is not None:
        yield from _taken(packs, keep, schema)
        return
    packs.reverse()  # popped from the end: first file first
    yield from rebatch((packs.pop().table() for _ in range(len(packs))), BATCH_ROWS, schema)


def _taken(packs: list[_Pack], keep: np.ndarray, schema: pa.Schema) -> Iterator[pa.Table]:
    """`_unpacked` with duplicates: each batch unpacks just the files its rows are in."""
    starts = np.cumsum([0] + [p.num_rows for p in packs])
    for offset in range(0, len(keep), BATCH_ROWS):
        rows = keep[offset : offset + BATCH_ROWS]
        files = np.searchsorted(starts, rows, side="right") - 1
        needed = np.unique(files)
        tables = [packs[f].table() for f in needed]
        sizes = np.array([t.num_rows for t in tables])
        # where each needed file starts in the concatenation of the needed files
        at = dict(zip(needed.tolist(), (np.cumsum(sizes) - sizes).tolist(), strict=True))
        base = np.array([at[f] for f in needed])[np.searchsorted(needed, files)]
        local = rows - starts[files] + base
        joined = pa.concat_tables(tables) if tables else schema.empty_table()
        yield joined.take(pa.array(local, pa.int64()))
        del tables, joined
    packs.clear()
