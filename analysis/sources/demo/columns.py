"""Arrow columns and tables of the demo world, assembled as bytes from the per-page arrays."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis.contract import (
    FACTS_SCHEMA,
    PAGES_SCHEMA,
    POSTS_SCHEMA,
    RAW_POSTS_SCHEMA,
    REPLIES_SCHEMA,
)
from analysis.errors import InputError
from analysis.hours.spec import OpeningHours
from analysis.read.metrics import REDIRECT_PATTERN
from analysis.snapshot import prepare, privacy
from analysis.snapshot.facts import with_minutes
from analysis.sources.demo.pages import PAGE_IDS, PAGES
from analysis.sources.demo.simulate import NEVER, PageYear
from analysis.sources.demo.texts import ALIASES, CLOSINGS, OPENINGS, text_pools
from analysis.sources.demo.timing import US


def _digits(values: np.ndarray, width: int) -> list[np.ndarray]:
    """Zero-padded decimal digits of numbers, as byte chunks of up to five digits (by lookup)."""
    v = np.asarray(values, dtype=np.int64)
    chunks = []
    while width > 0:
        k = min(5, width)
        chunks.append(np.take(_digit_table(k), v % 10**k))
        v = v // 10**k
        width -= k
    return chunks[::-1]


@lru_cache(maxsize=8)
def _digit_table(k: int) -> np.ndarray:
    """b"00…0" … b"99…9" (k digits) as fixed-size byte strings."""
    return np.array([f"{i:0{k}d}".encode() for i in range(10**k)], dtype=f"S{k}").view(f"V{k}")


def _fixed(n: int, *parts) -> pa.Array:
    """A string column whose rows all have the same width, assembled as bytes in numpy.

    Each part is a literal (str), an array of fixed-size byte strings (numpy void dtype, one
    per row) or a list of such arrays (`_digits`). The parts are the fields of one packed
    structured array, whose bytes become the Arrow column's data."""
    fields: list[np.ndarray | np.void] = []
    for part in parts:
        if isinstance(part, str):
            fields.append(np.void(part.encode()))
        elif isinstance(part, list):
            fields.extend(part)
        else:
            fields.append(part)
    sizes = [f.dtype.itemsize for f in fields]
    width = sum(sizes)
    if n * width >= 2**31:
        raise InputError("--items", "too many items for one demo snapshot")
    dtype = np.dtype(
        {
            "names": [f"f{i}" for i in range(len(fields))],
            "formats": [f"V{k}" for k in sizes],
            "offsets": np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(int).tolist(),
            "itemsize": width,
        }
    )
    rows = np.empty(n, dtype)
    for i, value in enumerate(fields):
        rows[f"f{i}"] = value
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    data = rows.view(np.uint8)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def _ts(values: np.ndarray, unit: int = 1) -> pa.Array:
    """Instants as a timestamp column: values × unit µs since the epoch."""
    return pa.array(values.astype(np.int64) * unit, pa.int64()).cast(pa.timestamp("us", tz="UTC"))


def _take(dictionary: pa.Array, index: np.ndarray) -> pa.Array:
    return pc.take(dictionary, pa.array(index, pa.int64()))


@lru_cache(maxsize=1)
def _combinations() -> tuple[list[str], list[str]]:
    """Every opening + text + closing a visitor can write, and every reply + signature."""
    pools = text_pools()
    visitor = [o + t + c for o in OPENINGS for t in pools.texts.values for c in CLOSINGS]
    reply = [t + a for t in pools.replies.values for a in ALIASES]
    return visitor, reply


# Rows a batch: a quarter of the contract's BATCH_ROWS. The writer holds a batch, a row group
# and the row group being written; smaller batches hold less at once (5M items: peak RSS about
# 65 MB lower) and the files are the same, row groups being cut at ROW_GROUP rows whatever comes.
BATCH_ROWS = 131_072
PID_BYTES = np.array([p.encode() for p in PAGE_IDS], dtype="S15").view("V15")
FB = "https://www.facebook.com/"


@lru_cache(maxsize=1)
def _combination_arrays() -> tuple[pa.Array, pa.Array]:
    visitor, reply = _combinations()
    return pa.array(visitor, pa.string()), pa.array(reply, pa.string())


def _kind_rows(kind: str, n: int) -> pa.Array:
    return pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(n, dtype=np.int8)), pa.array([kind])
    ).cast(pa.string())


def _slices(lo: int, hi: int) -> Iterator[tuple[int, int]]:
    for a in range(lo, hi, BATCH_ROWS):
        yield a, min(a + BATCH_ROWS, hi)


class Stored:
    """What the snapshot writer's `prepare.posts` / `prepare.replies` make of the demo's rows,
    worked out once per distinct value and taken per row.

    Those functions are row by row: the message-derived columns depend on the message only, the
    author key on the author id only. Every demo message is one of a few thousand texts and every
    author one of at most a million per page, so `prepare` runs on a table of the distinct values
    (the writer's own code, so the rows are the ones it would make) instead of on every row."""

    def __init__(self, pages: list[PageYear], key: bytes) -> None:
        pools = text_pools()
        visitor_texts, reply_texts = _combination_arrays()
        self.visitor = _prepared_messages(visitor_texts)
        self.page_post = _prepared_messages(pa.array(pools.posts.values, pa.string()))
        self.reply = prepare.replies(
            pa.table(
                {
                    "reply_id": pa.nulls(len(reply_texts), pa.string()),
                    "page_id": pa.nulls(len(reply_texts), pa.string()),
                    "item_id": pa.nulls(len(reply_texts), pa.string()),
                    "created_at": pa.nulls(len(reply_texts), pa.timestamp("us", tz="UTC")),
                    "message": reply_texts,
                }
            )
        )["message"].combine_chunks()
        self._pages, self._key = pages, key
        self._authors: dict[int, tuple[int, np.ndarray, pa.Array]] = {}

    def author_keys(self, i: int, author: np.ndarray) -> pa.Array:
        """The keys of some of page i's authors. The page's keys are made on its first batch:
        while the writer's thread still encodes the batch before (the posts file is bound by
        that thread), not before anything is written."""
        if i not in self._authors:
            # authors of page i are 100_000_000 + i * AUTHORS_PER_PAGE + a dense pool: a
            # lookup from id to the rank of the id among the page's distinct ids
            every = self._pages[i].author
            low = int(every.min())
            used = np.zeros(int(every.max()) - low + 1, dtype=bool)
            used[every - low] = True
            distinct = np.flatnonzero(used) + low
            rank = (np.cumsum(used) - 1).astype(np.int32)
            self._authors[i] = (low, rank, _author_keys(distinct, self._key))
        low, rank, keys = self._authors[i]
        return _take(keys, rank[author - low])


def _author_keys(authors: np.ndarray, key: bytes) -> pa.Array:
    """`privacy.pseudonymise` of "visitor_<author>" for each number, HMAC-SHA256 spelt out
    (RFC 2104) on copies of the two keyed hash states: half the time of copying a keyed `hmac`
    object, for the million or more distinct visitors of a large demo."""
    if len(key) > 64:  # hmac hashes such a key first: leave it to the writer's function
        return privacy.pseudonymise(_fixed(len(authors), "visitor_", _digits(authors, 9)), key)
    block = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block)).copy
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block)).copy
    keys = []
    for author in authors.tolist():
        h = inner()
        h.update(b"visitor_%09d" % author)
        o = outer()
        o.update(h.digest())
        keys.append("v_" + o.hexdigest()[:16])
    return pa.array(keys, pa.string())


def _prepared_messages(messages: pa.Array) -> pa.Table:
    """`prepare.posts` of one row per distinct message: its message-derived columns."""
    n = len(messages)
    raw = pa.table(
        {
            "post_id": pa.nulls(n, pa.string()),
            "page_id": pa.nulls(n, pa.string()),
            "kind": pa.array(["comment"] * n, pa.string()),
            "parent_id": pa.nulls(n, pa.string()),
            "created_at": pa.nulls(n, pa.timestamp("us", tz="UTC")),
            "author_id": pa.nulls(n, pa.string()),
            "message": messages,
            "is_hidden": pa.nulls(n, pa.bool_()),
            "permalink_url": pa.nulls(n, pa.string()),
        }
    )
    cols = ["message", "message_length", "is_question", "has_personnummer"]
    return prepare.posts(raw, b"\0" * 32).select(cols).combine_chunks()


def _post_batch(
    columns: dict[str, pa.Array],
    message: np.ndarray,
    texts: pa.Array,
    stored: pa.Table | None,
    author_keys: pa.Array | None,
) -> pa.Table:
    """One batch of posts: raw (the export's shape), or as stored when `stored` is given (the
    rows `prepare.posts` makes of the raw batch)."""
    if stored is None:
        columns["message"] = _take(texts, message)
        return pa.table(columns, schema=RAW_POSTS_SCHEMA)
    index = pa.array(message, pa.int64())
    out = {
        "post_id": columns["post_id"],
        "page_id": columns["page_id"],
        "kind": columns["kind"],
        "parent_id": columns["parent_id"],
        "created_at": columns["created_at"],
        "author_key": author_keys,
        "message": pc.take(stored["message"], index),
        "message_length": pc.take(stored["message_length"], index),
        "is_question": pc.take(stored["is_question"], index),
        "is_hidden": columns["is_hidden"],
        "permalink_url": columns["permalink_url"],
        "has_personnummer": pc.take(stored["has_personnummer"], index),
    }
    return pa.table(out, schema=POSTS_SCHEMA)


def post_tables(pages: list[PageYear], stored: Stored | None = None) -> Iterator[pa.Table]:
    """The posts table in batches: every page's own posts, then visitor posts, then comments
    (page by page, each in time order), at most BATCH_ROWS rows a batch.

    Raw, as an export parser hands them to the writer, or, with `stored`, as the writer stores
    them (`prepare.posts` of the raw batches under the data folder's key)."""
    pools = text_pools()
    visitor_texts, _ = _combination_arrays()
    pp_page = np.repeat(np.arange(len(pages)), [len(p.pp_t) for p in pages])
    n_pp = len(pp_page)
    pp_pid = np.take(PID_BYTES, pp_page)
    pp_num = _digits(np.concatenate([p.pp_num for p in pages]), 10)
    page_posts = {
        "post_id": _fixed(n_pp, pp_pid, "_", pp_num),
        "page_id": _fixed(n_pp, pp_pid),
        "kind": _kind_rows("page_post", n_pp),
        "parent_id": pa.nulls(n_pp, pa.string()),
        "created_at": _ts(np.concatenate([p.pp_t for p in pages])),
        "author_id": pa.nulls(n_pp, pa.string()),
        "is_hidden": pa.nulls(n_pp, pa.bool_()),
        "permalink_url": _fixed(n_pp, FB, pp_pid, "/posts/", pp_num),
    }
    yield _post_batch(
        page_posts,
        np.concatenate([p.pp_text for p in pages]),
        pa.array(pools.posts.values, pa.string()),
        None if stored is None else stored.page_post,
        None if stored is None else pa.nulls(n_pp, pa.string()),
    )
    del page_posts, pp_pid, pp_num

    def raw_authors(author: np.ndarray) -> pa.Array | None:
        return _fixed(len(author), "visitor_", _digits(author, 9)) if stored is None else None

    def authors(i: int, author: np.ndarray) -> pa.Array | None:
        return None if stored is None else stored.author_keys(i, author)

    visitor = None if stored is None else stored.visitor
    for i, p in enumerate(pages):  # visitor posts
        pid = PAGE_IDS[i]
        for a, b in _slices(0, p.n_vp):
            n, num = b - a, _digits(p.root[a:b], 10)
            h = p.hidden[a:b]
            columns = {
                "post_id": _fixed(n, pid, "_", num),
                "page_id": _fixed(n, pid),
                "kind": _kind_rows("visitor_post", n),
                "parent_id": pa.nulls(n, pa.string()),
                "created_at": _ts(p.t[a:b], US),
                "author_id": raw_authors(p.author[a:b]),
                "is_hidden": pa.array(h == 1, pa.bool_(), mask=h < 0),
                "permalink_url": _fixed(n, FB, pid, "/posts/", num),
            }
            yield _post_batch(
                columns, p.message[a:b], visitor_texts, visitor, authors(i, p.author[a:b])
            )
    first = 2_000_000_000  # comment numbers: unique over the world, in page and time order
    for i, p in enumerate(pages):  # comments
        pid = PAGE_IDS[i]
        for a, b in _slices(p.n_vp, len(p.t)):
            n = b - a
            parent = _digits(p.root[a:b], 10)
            num = _digits(first + (a - p.n_vp) + np.arange(n), 10)
            h = p.hidden[a:b]
            columns = {
                "post_id": _fixed(n, pid, "_", parent, "_", num),
                "page_id": _fixed(n, pid),
                "kind": _kind_rows("comment", n),
                "parent_id": _fixed(n, pid, "_", parent),
                "created_at": _ts(p.t[a:b], US),
                "author_id": raw_authors(p.author[a:b]),
                "is_hidden": pa.array(h == 1, pa.bool_(), mask=h < 0),
                "permalink_url": _fixed(n, FB, pid, "/posts/", parent, "?comment_id=", num),
            }
            yield _post_batch(
                columns, p.message[a:b], visitor_texts, visitor, authors(i, p.author[a:b])
            )
        first += len(p.t) - p.n_vp


def reply_tables(pages: list[PageYear], stored: Stored | None = None) -> Iterator[pa.Table]:
    """The replies table in batches: replies to visitor posts (item ids of 26 characters), then
    to comments (37), page by page. Raw, or with `stored` as the writer stores them
    (`prepare.replies`)."""
    _, reply_texts = _combination_arrays()
    if stored is not None:
        reply_texts = stored.reply
    c_first = 2_000_000_000 + np.concatenate([[0], np.cumsum([len(p.t) - p.n_vp for p in pages])])
    r_first = 3_000_000_000 + np.concatenate([[0], np.cumsum([len(p.r_item) for p in pages])])
    for on_vp in (True, False):
        for i, p in enumerate(pages):
            pid = PAGE_IDS[i]
            picked = np.flatnonzero((p.r_item < p.n_vp) == on_vp)
            for a, b in _slices(0, len(picked)):
                rows = picked[a:b]
                m, local = len(rows), p.r_item[rows].astype(np.int64)
                root = _digits(p.root[local], 10)
                if on_vp:
                    item_id = _fixed(m, pid, "_", root)
                else:
                    num = _digits(c_first[i] + local - p.n_vp, 10)
                    item_id = _fixed(m, pid, "_", root, "_", num)
                yield pa.table(
                    {
                        "reply_id": _fixed(m, pid, "_", root, "_", _digits(r_first[i] + rows, 10)),
                        "page_id": _fixed(m, pid),
                        "item_id": item_id,
                        "created_at": _ts(p.r_t[rows], US),
                        "message": _take(reply_texts, p.r_message[rows]),
                    },
                    schema=REPLIES_SCHEMA,
                )


def _first_replies(n: int, item: np.ndarray, r_t: np.ndarray, on_time: np.ndarray) -> np.ndarray:
    """The row of each item's first reply as item_facts.sql picks it, -1 for an unanswered item:
    at or after the item first, then the earliest, then the lowest reply id. An item's reply ids
    differ only in their ten-digit number, which grows with the row, so the lowest id is the
    lowest row. One pass: (late, time, row) packed into one int64 key, the minimum per item."""
    rows = np.arange(len(item), dtype=np.int64)
    if not len(rows):
        return np.full(n, -1, dtype=np.int64)
    t0 = int(r_t.min())
    if len(rows) >= 2**30 or int(r_t.max()) - t0 >= 2**31:
        raise InputError("--items", "too many replies for one demo page")
    key = (~on_time).astype(np.int64) << 62 | (r_t.astype(np.int64) - t0) << 30 | rows
    best = np.full(n, NEVER, dtype=np.int64)
    np.minimum.at(best, item, key)
    return np.where(best == NEVER, -1, best & (2**30 - 1))


def _follow_ups(
    t: np.ndarray, thread: np.ndarray, author: np.ndarray, first: np.ndarray
) -> np.ndarray:
    """item_facts.sql's follow_up_at, in seconds (NEVER for none): for an item with a first reply
    at or after it (`first`, NEVER for none), the earliest item of the same thread and author
    stamped strictly after that reply. The item itself never qualifies (it is stamped at or
    before its reply), and only the time is kept, so ties between such items do not matter.
    One search over (thread and author, time) keys: each pair's rank in the high 32 bits, the
    time since the page's first item in the low (the times are int32 seconds)."""
    out = np.full(len(t), NEVER, dtype=np.int64)
    timed = np.flatnonzero(first != NEVER)
    if not len(timed):
        return out
    order = np.lexsort((t, author, thread))
    s_thread, s_author = thread[order], author[order]
    new = np.empty(len(t), dtype=bool)
    new[0] = True
    new[1:] = (s_thread[1:] != s_thread[:-1]) | (s_author[1:] != s_author[:-1])
    pair = np.empty(len(t), dtype=np.int64)
    pair[order] = np.cumsum(new) - 1
    t0 = int(t.min())
    keys = pair[order] << 32 | (t[order].astype(np.int64) - t0)
    j = np.searchsorted(keys, pair[timed] << 32 | (first[timed] - t0), side="right")
    found = j < len(keys)
    found[found] = keys[j[found]] >> 32 == pair[timed[found]]
    out[timed[found]] = (keys[j[found]] & (2**32 - 1)) + t0
    return out


def _nullable_ts(values: np.ndarray, name: str) -> pa.Array:
    """Seconds as a FACTS_SCHEMA timestamp column, null where NEVER."""
    never = values == NEVER
    return pa.array(np.where(never, 0, values) * US, pa.int64(), mask=never).cast(
        FACTS_SCHEMA.field(name).type
    )


def fact_tables(
    pages: list[PageYear], stored: Stored, as_of: int, hours: dict[str, OpeningHours]
) -> Iterator[pa.Table]:
    """The item facts of the demo's posts and replies in batches, in the order the writer's
    query gives them (page, time, item id), without reading the written files back: the world
    knows each item's replies. Response times come from the writer's own `with_minutes`; the
    flags are item_facts.sql's, worked out on the world's numbers: the thread is the page post
    (the wall, -1, for a visitor post), an author's key is one to one with its number (every demo
    item has an author), and the redirect pattern runs once per distinct stored reply text.
    Empties `pages`, page by page: nothing else needs them."""
    question = stored.visitor["is_question"]
    personnummer = stored.visitor["has_personnummer"]
    redirects = np.asarray(
        pc.match_substring_regex(pc.fill_null(stored.reply, ""), REDIRECT_PATTERN)
    )
    c_first = 2_000_000_000 + np.concatenate([[0], np.cumsum([len(p.t) - p.n_vp for p in pages])])
    for i, pid in enumerate(PAGE_IDS):
        p = pages.pop(0)  # let each page's arrays go once its facts are out
        n, n_vp = len(p.t), p.n_vp
        item = p.r_item.astype(np.int64)
        count = np.bincount(item, minlength=n).astype(np.int32)
        on_time = p.r_t >= p.t[item]  # seconds, like the items' times
        first = np.full(n, NEVER, dtype=np.int64)
        np.minimum.at(first, item[on_time], p.r_t[on_time])
        before = np.zeros(n, dtype=bool)
        before[item[~on_time]] = True
        first_row = _first_replies(n, item, p.r_t, on_time)
        answered = first_row >= 0
        redirect = np.zeros(n, dtype=bool)
        redirect[answered] = redirects[p.r_message[first_row[answered]]]
        thread = np.where(np.arange(n) < n_vp, -1, p.root.astype(np.int64))
        follow = _follow_ups(p.t, thread, p.author, first)
        # item ids within a page: "<page>_<root>" for a visitor post, "<page>_<root>_<number>"
        # for a comment, every number ten digits: ordered by root, then the shorter first
        is_comment = np.arange(n) >= n_vp
        number = np.where(is_comment, np.arange(n) - n_vp + c_first[i], 0)
        order = np.lexsort((number, is_comment, p.root, p.t))
        for a, b in _slices(0, n):
            rows = order[a:b]
            m, vp = len(rows), rows < n_vp
            root = _digits(p.root[rows], 10)
            with_number = _fixed(m, pid, "_", root, "_", _digits(number[rows], 10))
            item_id = pc.if_else(vp, _fixed(m, pid, "_", root), with_number)
            kind = pa.DictionaryArray.from_arrays(
                pa.array(vp.astype(np.int8)), pa.array(["comment", "visitor_post"])
            ).cast(pa.string())
            got, h = first[rows], p.hidden[rows]
            base = pa.table(
                {
                    "item_id": item_id,
                    "page_id": _fixed(m, pid),
                    "kind": kind,
                    "created_at": _ts(p.t[rows], US),
                    "is_question": _take(question, p.message[rows]),
                    "observed_at": _ts(np.full(m, as_of, dtype=np.int64)),
                    "reply_count": pa.array(count[rows], pa.int32()),
                    "first_reply_at": _nullable_ts(got, "first_reply_at"),
                    "has_reply_before_item": pa.array(before[rows], pa.bool_()),
                    "is_hidden": pa.array(h == 1, pa.bool_(), mask=h < 0),
                    "has_personnummer": _take(personnummer, p.message[rows]),
                    "follow_up_at": _nullable_ts(follow[rows], "follow_up_at"),
                    "first_reply_redirects": pa.array(
                        redirect[rows], pa.bool_(), mask=~answered[rows]
                    ),
                }
            )
            yield with_minutes(base, {pid: hours[pid]})


def pages_table() -> pa.Table:
    return pa.table(
        {
            "page_id": list(PAGE_IDS),
            "page_name": [s.name for s in PAGES],
            "category": [s.category for s in PAGES],
            "link": [f"{FB}{p}" for p in PAGE_IDS],
            "fan_count": [round(s.followers * 0.96) for s in PAGES],
            "followers_count": [s.followers for s in PAGES],
        },
        schema=PAGES_SCHEMA,
    )
