"""Ingest: read an export, validate it completely, then write one snapshot (all or nothing)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from analysis import storage
from analysis.datafolder import quarantine_path
from analysis.snapshot.writer import SnapshotInfo, write_snapshot_batches
from analysis.sources import graph_api, quarantine


@dataclass
class IngestReport:
    snapshot: SnapshotInfo
    counts: Counter
    anomalies: Counter
    rejected: int
    quarantine_file: Path | None


def ingest_graph_api(
    data_dir: Path,
    paths: list[Path],
    *,
    as_of: datetime | None = None,
    skip_invalid: bool = False,
    progress: Callable | None = None,
    now: datetime | None = None,
) -> IngestReport:
    """Parse Graph API page exports and write them as one new snapshot."""
    now = now or datetime.now(UTC)
    # Packed: the export is held compressed until the snapshot writer takes it batch by batch
    result = graph_api.parse_paths(paths, skip_invalid=skip_invalid, progress=progress, pack=True)
    pages, posts, replies = result.batches()
    rejected = None
    if result.rejected:
        rejected = "\n".join(quarantine.lines(result.rejected)) + "\n"
    info = write_snapshot_batches(
        data_dir if storage.is_remote(data_dir) else Path(data_dir),
        pages,
        posts,
        replies,
        as_of=as_of or now,
        source="graph-api",
        anomalies={k: v for k, v in result.anomalies.items() if v},
        extra_counts={
            "conversation": result.counts["conversation"],
            "page_comments_on_own_posts": result.counts["page_comments_on_own_posts"],
            "rejected": len(result.rejected),
        },
        quarantine=rejected,
        now=now,
    )
    # in object storage the quarantine stays in the writer's local work folder
    local = storage.key_dir(data_dir) if storage.is_remote(data_dir) else data_dir
    quarantine_file = quarantine_path(local, info.snapshot_id) if rejected else None
    return IngestReport(
        info, result.counts, result.anomalies, len(result.rejected), quarantine_file
    )
