"""Rank over 1,000 small snapshots, over the same items compacted into one, and over the same
items written as one snapshot by the writer — interleaved in one process, best of N.

    python -m benchmarks.compaction                  # 200,000 items in 1,000 snapshots
    python -m benchmarks.compaction --items 50000 --snapshots 200 --repeats 2

The 1,000 snapshots are cut from one demo snapshot as an hourly refresh would write them: each
holds every page, the items of its hour and, again, the items of the hour before (a refresh
re-reads recent items, so half of each snapshot is an older copy that the latest must win
over). Goal: rank over the compacted snapshot within 1.2x of the single one. Writes
benchmarks/results-compaction.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis.compact import compact
from analysis.datafolder import MANIFEST, TABLES, list_snapshots, registry_path
from analysis.read import metrics
from analysis.read.dataset import Dataset
from analysis.sources import demo
from benchmarks.measure import interleaved, timed

HERE = Path(__file__).resolve().parent
GOAL = 1.2
VIEWS = [
    metrics.Filters(),
    metrics.Filters(clock="business"),
    metrics.Filters(scope="questions", level="agency"),
    metrics.Filters(scope="comments", clock="business"),
]


def split(single: Path, out: Path, snapshots: int) -> None:
    """Cut the one snapshot in `single` into `snapshots` hourly ones in `out`."""
    (src,) = list_snapshots(single)
    shutil.copy(registry_path(single), registry_path(out))
    pages = pq.read_table(src / "pages.parquet")
    facts = pq.read_table(src / "item_facts.parquet")
    posts = pq.read_table(src / "posts.parquet")
    replies = pq.read_table(src / "replies.parquet")
    manifest = json.loads((src / MANIFEST).read_text())
    # the hour of each item: by arrival order, `snapshots` equal slices
    order = pc.sort_indices(facts, [("created_at", "ascending"), ("item_id", "ascending")])
    facts = facts.take(order)
    n = facts.num_rows
    bounds = [round(i * n / snapshots) for i in range(snapshots + 1)]
    hour_of = {}
    ids = facts["item_id"].to_pylist()
    for h in range(snapshots):
        for i in range(bounds[h], bounds[h + 1]):
            hour_of[ids[i]] = h
    item_hour = pa.array([hour_of[i] for i in ids], pa.int32())
    post_hour = pa.array(
        [hour_of.get(p, -1) for p in posts["post_id"].to_pylist()], pa.int32()
    )  # -1: a page's own post, in every snapshot
    reply_hour = pa.array([hour_of.get(i, -1) for i in replies["item_id"].to_pylist()], pa.int32())
    as_of = datetime.fromisoformat(manifest["as_of"])
    root = out / "snapshots"
    root.mkdir(parents=True)
    for h in range(snapshots):
        stamp = (as_of - timedelta(hours=snapshots - 1 - h)).strftime("%Y%m%dT%H%M%SZ")
        sid = f"{stamp}_{stamp}_{h:06x}"
        d = root / sid
        d.mkdir()

        def hours(col, h=h):
            return pc.or_(pc.equal(col, h), pc.equal(col, h - 1))

        tables = {
            "pages": pages,
            "posts": posts.filter(pc.or_(hours(post_hour), pc.equal(post_hour, -1))),
            "replies": replies.filter(hours(reply_hour)),
            "item_facts": facts.filter(hours(item_hour)),
        }
        for t in TABLES:
            pq.write_table(tables[t], d / f"{t}.parquet", compression="zstd")
        m = dict(manifest, snapshot_id=sid, as_of=as_of.isoformat(), created_at=as_of.isoformat())
        m["counts"] = {"pages": pages.num_rows, "inbound_items": tables["item_facts"].num_rows}
        (d / MANIFEST).write_text(json.dumps(m))


def rank_all(folder: Path) -> list:
    ds = Dataset(folder)  # fresh, as the CLI
    try:
        return [metrics.rank_rows(ds, f)[1] for f in VIEWS]
    finally:
        ds.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.compaction")
    p.add_argument("--items", type=int, default=200_000)
    p.add_argument("--snapshots", type=int, default=1000)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--work", type=Path, default=HERE / "work" / "compaction")
    p.add_argument("--out", type=Path, default=HERE / "results-compaction.md")
    opts = p.parse_args(argv)
    shutil.rmtree(opts.work, ignore_errors=True)
    single, many, compacted = (opts.work / n for n in ("single", "many", "compacted"))
    t0 = time.perf_counter()
    demo.write_demo(single, items=opts.items, seed=42)
    many.mkdir(parents=True)
    split(single, many, opts.snapshots)
    shutil.copytree(many, compacted)
    prepared = time.perf_counter() - t0
    compact_s, compact_peak, _ = timed(lambda: compact(compacted))
    rows = sum(
        pq.ParquetFile(s / "item_facts.parquet").metadata.num_rows for s in list_snapshots(many)
    )
    same = rank_all(many) == rank_all(compacted) == rank_all(single)
    t = interleaved(
        {n: (lambda f=f: rank_all(f)) for n, f in (("many", many), ("compacted", compacted),
                                                    ("single", single))},
        opts.repeats,
    )  # fmt: skip
    r_many = t["many"].best / t["single"].best
    r_comp = t["compacted"].best / t["single"].best
    size = {n: sum(f.stat().st_size for f in d.rglob("*.parquet")) for n, d in
            (("many", many), ("compacted", compacted), ("single", single))}  # fmt: skip
    lines = [
        "# Compaction: rank over many snapshots, and over them compacted",
        "",
        f"`python -m benchmarks.compaction --items {opts.items} --snapshots {opts.snapshots} "
        f"--repeats {opts.repeats}`, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.machine()}, {os.cpu_count()} cores (shared), "
        f"Python {platform.python_version()}.",
        "",
        f"{opts.items:,} demo items cut into {opts.snapshots:,} hourly snapshots, each with its "
        f"hour's items and the previous hour's again ({rows:,} item rows stored, "
        f"{rows / opts.items:.2f} per item). Each figure: four rankings (wall and business clock, "
        "two scopes, page and agency level) with a fresh `Dataset` each, as the CLI; best of "
        f"{opts.repeats}, the three folders interleaved in one process.",
        "",
        "| data | snapshots | Parquet MB | rank (4 views) | vs one snapshot |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| one snapshot written by the writer | 1 | {size['single'] / 1e6:.1f} | "
        f"{t['single'].best:.3f} s | 1.00x |",
        f"| {opts.snapshots:,} hourly snapshots, uncompacted | {opts.snapshots:,} | "
        f"{size['many'] / 1e6:.1f} | {t['many'].best:.3f} s | {r_many:.2f}x |",
        f"| the same, after `compact` | 1 | {size['compacted'] / 1e6:.1f} | "
        f"{t['compacted'].best:.3f} s | **{r_comp:.2f}x** |",
        "",
        f"- Goal: compacted within {GOAL}x of one snapshot — "
        f"{'met' if r_comp <= GOAL else 'NOT met'} ({r_comp:.2f}x). Uncompacted: {r_many:.1f}x "
        f"({t['many'].best / t['compacted'].best:.1f}x the compacted).",
        f"- The rankings over all three folders are identical: {same}.",
        f"- `compact` itself: {compact_s:.1f} s, peak RSS {compact_peak / 1e6:.0f} MB "
        f"(preparing the folders took {prepared:.0f} s).",
        "",
    ]
    opts.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    shutil.rmtree(opts.work, ignore_errors=True)
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
