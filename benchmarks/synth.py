"""A stand-in for `analysis.sources.demo.write_demo` while that module does not exist yet.

Vectorised (numpy) and seeded: N inbound items over 66 pages of very different size, visitor
posts and comments under page posts, daytime-heavy arrival times, per-page reply rates and
lognormal response times, a few second replies, replies stamped before their item, questions and
messages with personal data for the masking to find. Written through `storage.write_snapshot`, so
the snapshot is exactly what an ingest would write. Only used when `analysis.sources.demo` is missing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

PAGES = 66
START = datetime(2016, 10, 1, tzinfo=UTC)
END = datetime(2017, 9, 30, tzinfo=UTC)
AS_OF = datetime(2017, 10, 1, 6, 0, tzinfo=UTC)
COMMENTS_PER_PAGE_POST = 25
VISITOR_POST_SHARE = 0.35
TS = pa.timestamp("us", tz="UTC")
US_PER_MIN = 60_000_000

MESSAGES = (
    "Hur ansöker jag om bostadstillägg?",
    "När kommer pengarna?",
    "Tack för hjälpen!",
    "Varför dröjer mitt beslut? Jag har väntat i åtta veckor.",
    "Kan ni ringa mig på 070-123 45 67",
    "Mejla mig på anna.svensson@example.se",
    "Jag har skickat in alla papper nu.",
    "Ingen svarar i telefon",
    "Vad gäller för mig som bor utomlands",
    "Mitt personnummer är 811228-9874, kan ni kolla?",
    "Bra information, tack",
    "Gäller detta även egenföretagare?",
    "Handläggningstiden är alldeles för lång",
    "What documents do I need?",
    None,
)
REPLIES = (
    "Hej! Så här gör du: logga in på Mina sidor.",
    "Hej, vi förstår att det är frustrerande. Handläggningstiden är just nu åtta veckor.",
    "Tack för din fråga! Skicka ett meddelande via Mina sidor så hjälper vi dig.",
    "Hej! Pengarna betalas ut den 25:e.",
)
PAGE_POSTS = (
    "Nu kan du ansöka digitalt!",
    "Påminnelse: deklarationen ska vara inne den 2 maj.",
    "Vi har öppet som vanligt i helgen.",
)


def _times(rng: np.random.Generator, n: int) -> np.ndarray:
    """UTC instants (int64 µs) between START and END, weighted to Swedish office hours."""
    days = (END - START).days
    day = rng.integers(0, days, n)
    # local hour of day: mostly 07–22, some at night; Stockholm is UTC+1/+2, so shift by 1 h
    hour = np.clip(rng.normal(13.0, 4.0, n), 0, 23.99) - 1.0
    minutes = day * 1440 + (hour * 60).astype(np.int64)
    return int(START.timestamp() * 1_000_000) + minutes * US_PER_MIN


def _cat(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _ids(prefix: pa.Array, sep: str, n: int) -> pa.Array:
    """prefix + sep + row number: unique ids built column-wise."""
    return _cat(prefix, sep, pa.array(np.arange(n)).cast(pa.string()))


def raw_tables(items: int, seed: int = 42) -> tuple[pa.Table, pa.Table, pa.Table]:
    """Pages, raw posts and replies with `items` inbound items (storage's raw schemas)."""
    rng = np.random.default_rng(seed)
    page_ids = np.array([f"{10_000_000 + i * 137}" for i in range(PAGES)])
    weight = 1.0 / np.arange(1, PAGES + 1) ** 0.8  # a few big pages, a long tail
    weight /= weight.sum()
    pages = pa.table(
        {
            "page_id": page_ids,
            "page_name": [f"Myndighet {i + 1:02d}" for i in range(PAGES)],
            "category": ["Government organization"] * PAGES,
            "link": [f"https://www.facebook.com/{p}" for p in page_ids],
            "fan_count": rng.integers(1_000, 300_000, PAGES),
            "followers_count": rng.integers(1_000, 300_000, PAGES),
        }
    )

    page_of = np.sort(rng.choice(PAGES, items, p=weight))
    created = _times(rng, items)
    is_visitor = rng.random(items) < VISITOR_POST_SHARE
    n_comments = int((~is_visitor).sum())
    # page posts: one per ~25 comments of the same page, published before their comments
    comment_page = page_of[~is_visitor]
    per_page = np.bincount(comment_page, minlength=PAGES)
    pp_count = -(-per_page // COMMENTS_PER_PAGE_POST)
    pp_start = np.concatenate(([0], np.cumsum(pp_count)[:-1]))
    n_pp = int(pp_count.sum())
    pp_page = np.repeat(np.arange(PAGES), pp_count)
    pp_created = _times(rng, n_pp)
    pick = (rng.random(n_comments) * pp_count[comment_page]).astype(np.int64)
    parent = pp_start[comment_page] + pick
    comment_created = np.maximum(created[~is_visitor], pp_created[parent] + 5 * US_PER_MIN)
    created[~is_visitor] = comment_created

    # strings are built with Arrow kernels: numpy's fixed-width unicode would take gigabytes
    pid = pa.array(page_ids)
    item_ids = _ids(pid.take(pa.array(page_of)), "_", items)
    pp_ids = _ids(pid.take(pa.array(pp_page)), "_p", n_pp)
    parent_ids = pa.nulls(items, pa.string())
    parent_ids = pc.replace_with_mask(
        parent_ids, pa.array(~is_visitor), pp_ids.take(pa.array(parent))
    )
    visitors = rng.integers(0, max(1, items // 4), items)
    authors = _cat("u", pa.array(visitors).cast(pa.string()))
    kinds = pa.array(["page_post", "visitor_post", "comment"])
    kind = np.concatenate([np.zeros(n_pp, np.int64), np.where(is_visitor, 1, 2)])
    messages = pa.array(MESSAGES, pa.string())
    posts = pa.table(
        {
            "post_id": pa.concat_arrays([pp_ids, item_ids]),
            "page_id": pid.take(pa.array(np.concatenate([pp_page, page_of]))),
            "kind": kinds.take(pa.array(kind)),
            "parent_id": pa.concat_arrays([pa.nulls(n_pp, pa.string()), parent_ids]),
            "created_at": pa.array(np.concatenate([pp_created, created]), pa.int64()).cast(TS),
            "author_id": pa.concat_arrays([pa.nulls(n_pp, pa.string()), authors]),
            "message": pa.concat_arrays(
                [
                    pa.array(PAGE_POSTS).take(pa.array(rng.integers(0, 3, n_pp))),
                    messages.take(pa.array(rng.integers(0, len(MESSAGES), items))),
                ]
            ),
            "is_hidden": pa.nulls(n_pp + items, pa.bool_()),
            "permalink_url": pa.nulls(n_pp + items, pa.string()),
        }
    )

    # replies: per-page reply rate and median delay; 10 % get a second reply, 0.2 % come early
    rate = rng.uniform(0.45, 0.98, PAGES)[page_of]
    median_min = np.exp(rng.uniform(np.log(15), np.log(900), PAGES))[page_of]
    answered = rng.random(items) < rate
    delay_s = np.exp(np.log(median_min) + rng.normal(0, 1.2, items)) * 60
    first_at = created + delay_s.astype(np.int64) * 1_000_000  # whole seconds, as the API has
    early = rng.random(items) < 0.002
    first_at[early] = created[early] - 30 * US_PER_MIN
    second = answered & (rng.random(items) < 0.10)
    rows = np.concatenate([np.flatnonzero(answered), np.flatnonzero(second)])
    at = np.concatenate([first_at[answered], first_at[second] + 45 * US_PER_MIN])
    seen = at < int(AS_OF.timestamp() * 1_000_000)  # an export holds no reply after its time
    rows, at = rows[seen], at[seen]
    replies = pa.table(
        {
            "reply_id": _ids(item_ids.take(pa.array(rows)), "_r", len(rows)),
            "page_id": pid.take(pa.array(page_of[rows])),
            "item_id": item_ids.take(pa.array(rows)),
            "created_at": pa.array(at, pa.int64()).cast(TS),
            "message": pa.array(REPLIES).take(pa.array(rng.integers(0, len(REPLIES), len(rows)))),
        }
    )
    return pages, posts, replies


def write_synthetic(data_dir: Path, items: int, seed: int = 42):
    """Write one snapshot of `items` inbound items (like `write_demo`); returns its SnapshotInfo."""
    from analysis.snapshot.writer import write_snapshot

    pages, posts, replies = raw_tables(items, seed)
    return write_snapshot(Path(data_dir), pages, posts, replies, as_of=AS_OF, source="demo")
