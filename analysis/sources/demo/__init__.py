"""The synthetic demo world: 66 Swedish agency and state-company pages, July 2016 – June 2017.

Modelled on the study in the article that started Svarstid (Smampion's ranking of 66 agencies and
state companies, January 2017) and on what the article tells about the pages behind it. Nothing
here is real data: names are real, every post, reply and number is generated.

What the study month reproduces (`rank --scope visitor_posts --since 2017-01-01 --until
2017-01-31`): 66 pages, 33 with an open wall, 11 of those without a single reply to a visitor
post; Statens veterinärmedicinska anstalt, "Sol" and "UD Resklar" answer 100 %; the fastest
medians are Lotteriinspektionen 14 min, "Försäkringskassan bostadsbidrag" 91 min and
Sjöfartsverket 137 min, every other page is slower.

What the year shows: visitors write around the clock and at weekends, pages reply in their
staffed hours (so Monday 08–10 is the busiest reply time); Pensionsmyndigheten meets its two-hour
goal on about 98 % of items on the opening-hours clock while its wall-clock median is hours; a
storm of angry comments hits Pensionsmyndigheten after a TV4 segment on efterlevandestöd at the
end of March 2017; "Försäkringskassan förälder" posts "När kommer pengarna?" a few days before
each monthly payout and gets fewer payout questions afterwards, and once got 500 comments in a
quarter of an hour (the twin parents' campaign in the autumn); "Skatteverket – Dags att
deklarera" has no response goal, asks many follow-up questions and peaks before the 2 May
deadline; open walls nobody answers, closed walls. Messages are Swedish (and other languages on
Försäkringskassan's language page), with emojis, and some carry personal identity numbers,
e-mail addresses and phone numbers, which the writer's `snapshot.prepare` masks like any
export's (run once per distinct message: every row's text is one of a few thousand).

Generation is vectorised with numpy (one loop over the 66 pages, none per row) and seeded: the
same seed gives identical tables. `--items N` scales every volume, bursts included, to N
inbound items.

The package, by layer (each module imports only the ones above it):

- `pages`: the 66 page specs, their ids and the registry entries built from them;
- `texts`: the message corpora, the planted personal data and the numbered text pools;
- `timing`: the year's local day × hour grid, arrival-time sampling and staffed hours;
- `simulate`: one page's year as compact numpy arrays, and the seeded loop over every page;
- `columns`: the Arrow tables of pages, posts, replies and item facts, assembled from those
  arrays (raw as an export parser hands them over, or already in the stored shape);
- this module: `generate` and `write_demo`, the entry points callers need, and the names tests
  look for (page ids, planted personal data).

Outside the package it imports only the data contract, the errors, the opening-hours clock and
spec, the registry, the settings, the data folder and the snapshot writer (its `prepare`, its
key and its response-time columns, so the stored rows are the writer's) and the metrics'
redirect pattern (the item facts' first_reply_redirects); nothing imports it but
the CLI, the UI, tests and benchmarks, which load it lazily (numpy and the generator are heavy).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from analysis.datafolder import list_snapshots, read_manifest
from analysis.errors import DataDirError
from analysis.registry import PageEntry, write_registry
from analysis.snapshot import privacy
from analysis.snapshot.writer import SnapshotInfo, write_snapshot_batches
from analysis.sources.demo.columns import (
    Stored,
    fact_tables,
    pages_table,
    post_tables,
    reply_tables,
)
from analysis.sources.demo.pages import PAGE_IDS, page_id, registry_entries
from analysis.sources.demo.simulate import page_years
from analysis.sources.demo.texts import PLANTED_EMAILS, PLANTED_PERSONNUMMER, PLANTED_PHONES
from analysis.sources.demo.timing import AS_OF, utc_us

__all__ = [
    "PAGE_IDS",
    "PLANTED_EMAILS",
    "PLANTED_PERSONNUMMER",
    "PLANTED_PHONES",
    "DemoWorld",
    "generate",
    "page_id",
    "write_demo",
]


@dataclass(frozen=True)
class DemoWorld:
    """Raw tables as an export parser would hand them to `storage.write_snapshot`."""

    pages: pa.Table
    posts: pa.Table
    replies: pa.Table
    registry: list[PageEntry]
    conversation: int


def generate(items: int | None = None, seed: int | None = None) -> DemoWorld:
    """The demo world's raw tables: `items` inbound items (default DEFAULT_ITEMS), seeded."""
    pages = page_years(items, seed)
    conversation = sum(p.conversation for p in pages)
    posts = pa.concat_tables(post_tables(pages))
    replies = pa.concat_tables(reply_tables(pages))
    return DemoWorld(pages_table(), posts, replies, registry_entries(), conversation)


def _refuse_real_data(data_dir: Path) -> None:
    """Demo data never goes into a folder holding real snapshots (or their registry)."""
    for snap in list_snapshots(data_dir):
        if read_manifest(snap).get("source") != "demo":
            raise DataDirError(
                f"{data_dir}: holds real snapshots; write the demo to an empty folder instead"
            )


def write_demo(data_dir: Path, items: int | None = None, seed: int | None = None) -> SnapshotInfo:
    """Write the demo's registry and one snapshot (source "demo") into `data_dir`.

    The same tables as `generate`, handed to the snapshot writer in batches as they are built:
    only the compact per-page arrays and one batch at a time are held, never the whole world.
    The batches come already in the stored shape (`Stored`: masked and pseudonymised under the
    folder's key by the writer's own `prepare`, once per distinct message and author), so the
    writer does not mask millions of rows that repeat a few thousand texts."""
    data_dir = Path(data_dir)
    _refuse_real_data(data_dir)
    pages = page_years(items, seed)
    conversation = sum(p.conversation for p in pages)
    # the registry first: write_snapshot reads its opening hours for the business clock
    write_registry(data_dir, registry_entries())
    stored = Stored(pages, privacy.load_or_create_key(data_dir))
    hours = {e.page_id: e.hours() for e in registry_entries()}
    return write_snapshot_batches(
        data_dir,
        pages_table(),
        post_tables(pages, stored),
        reply_tables(pages, stored),
        as_of=AS_OF,
        source="demo",
        extra_counts={"conversation": conversation},
        prepared=True,
        # empties `pages` page by page once the replies are written
        item_facts=fact_tables(pages, stored, utc_us(AS_OF), hours),
    )
