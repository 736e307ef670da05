"""A fetch's checkpoint: what a live fetch has read so far, so a killed or failed run resumes.

One folder per page in the data folder's private fetch folder (`datafolder.fetch_dir`):

```
<page id>/state.json              where to continue: the feed's next query (no token), counts
<page id>/part-000001.posts.parquet     the rows of each feed page read, stored shape:
<page id>/part-000001.replies.parquet   masked and pseudonymised, as a snapshot holds them
<page id>/part-000001.rejected.jsonl    quarantine lines (masked copies) with --skip-invalid
```

Only rows already prepared for storage are written (`prepare.posts` / `prepare.replies`), so
the checkpoint holds no more personal data than a snapshot does, and never the token (a
continuation is a query without it). The parts are written before the state that names them,
the state by an atomic rename: a run killed at any moment leaves a checkpoint that is either the
previous one or the next one. Deleted once the snapshot is committed.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.contract import BATCH_ROWS, POSTS_SCHEMA, REPLIES_SCHEMA, rebatch
from analysis.datafolder import fetch_dir, fetch_lock_path
from analysis.errors import BusyError, InputError

VERSION = 1
MAX_AGE = timedelta(days=2)  # older cursors may have expired: such a checkpoint starts over
_PAGE_ID = re.compile(r"^[A-Za-z0-9._-]{1,100}$")


def check_page_id(page_id: str) -> str:
    """A page id or username as the API takes it (and as a folder name is safe)."""
    if not _PAGE_ID.match(page_id) or page_id in (".", ".."):
        raise InputError(page_id, "not a page id (digits, or the page's username)")
    return page_id


@dataclass
class PageState:
    """How far the fetch of one page has come."""

    page_id: str
    since: str | None  # the `since` the feed is read with (ISO), or None for all of it
    api_version: str
    started_at: str
    following: dict | None = None  # the feed query that continues after the last part
    done: bool = False
    parts: int = 0
    counts: Counter = field(default_factory=Counter)
    anomalies: Counter = field(default_factory=Counter)

    def to_json(self) -> str:
        d = {**self.__dict__, "version": VERSION}
        return json.dumps(d, indent=1, sort_keys=True)


@contextmanager
def fetch_lock(data_dir: Path) -> Iterator[None]:
    """Only one fetch at a time writes a data folder's checkpoints."""
    folder = fetch_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    fh = fetch_lock_path(data_dir).open("a+")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BusyError(f"{data_dir}: another fetch is running on this data folder") from None
        yield
    finally:
        fh.close()


class Checkpoint:
    """The checkpoint of one page's fetch (see the module docstring)."""

    def __init__(self, data_dir: Path, page_id: str):
        self.folder = fetch_dir(data_dir) / check_page_id(page_id)
        self.page_id = page_id

    def resume(self, since: datetime | None, api_version: str, now: datetime) -> PageState:
        """The saved state if it was made for the same `since` and API version and is recent;
        else a fresh one (and the old parts are removed)."""
        wanted = since.astimezone(UTC).isoformat() if since else None
        state = self._load()
        if state is not None:
            started = datetime.fromisoformat(state.started_at)
            same = state.since == wanted and state.api_version == api_version
            if same and now - started <= MAX_AGE:
                self._drop_parts_after(state.parts)
                return state
        self.clear()
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return PageState(self.page_id, wanted, api_version, now.astimezone(UTC).isoformat())

    def add(
        self, state: PageState, posts: pa.Table, replies: pa.Table, rejected: list[str]
    ) -> None:
        """Save one feed page's prepared rows, then the state that counts them."""
        n = state.parts + 1
        pq.write_table(posts.cast(POSTS_SCHEMA), self._part(n, "posts.parquet"))
        pq.write_table(replies.cast(REPLIES_SCHEMA), self._part(n, "replies.parquet"))
        if rejected:
            self._part(n, "rejected.jsonl").write_text("\n".join(rejected) + "\n", "utf-8")
        state.parts = n
        self.save(state)

    def save(self, state: PageState) -> None:
        tmp = self.folder / "state.json.tmp"
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(state.to_json())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.folder / "state.json")

    def tables(self, state: PageState, kind: str) -> list[pa.Table]:
        return [pq.read_table(self._part(n, f"{kind}.parquet")) for n in range(1, state.parts + 1)]

    def rejected(self, state: PageState) -> list[str]:
        out: list[str] = []
        for n in range(1, state.parts + 1):
            path = self._part(n, "rejected.jsonl")
            if path.exists():
                out += path.read_text("utf-8").splitlines()
        return out

    def clear(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _part(self, n: int, name: str) -> Path:
        return self.folder / f"part-{n:06d}.{name}"

    def _load(self) -> PageState | None:
        path = self.folder / "state.json"
        try:
            d = json.loads(path.read_text("utf-8"))
            if d.pop("version", None) != VERSION:
                return None
            d["counts"], d["anomalies"] = Counter(d["counts"]), Counter(d["anomalies"])
            return PageState(**d)
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def _drop_parts_after(self, parts: int) -> None:
        """Parts written by a run killed before its state named them."""
        for p in self.folder.glob("part-*"):
            try:
                n = int(p.name.split(".")[0].removeprefix("part-"))
            except ValueError:
                continue
            if n > parts:
                p.unlink(missing_ok=True)


def last_copies(tables: list[pa.Table], schema: pa.Schema, key: str) -> tuple[pa.Table, int]:
    """The rows with each id's last copy (an item the feed returned twice, as a page shifted
    while it was read), in order of first appearance, and how many copies were dropped."""
    table = pa.concat_tables([t.cast(schema) for t in tables]) if tables else schema.empty_table()
    if table.num_rows < 2:
        return table, 0
    index = pa.array(np.arange(table.num_rows))
    grouped = (
        pa.table({"k": table[key], "i": index})
        .group_by("k", use_threads=False)
        .aggregate([("i", "min"), ("i", "max")])
    )
    if grouped.num_rows == table.num_rows:
        return table, 0
    firsts = grouped["i_min"].to_numpy()
    keep = grouped["i_max"].to_numpy()[np.argsort(firsts, kind="stable")]
    return table.take(pa.array(keep)), table.num_rows - len(keep)


def batches(table: pa.Table) -> Iterator[pa.Table]:
    return rebatch([table], BATCH_ROWS, table.schema)
