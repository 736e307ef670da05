"""Ingest: read an export, validate it completely, then write one snapshot (all or nothing)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from analysis.ingest import graph_api
from analysis.storage import SnapshotInfo, write_snapshot

QUARANTINE = "quarantine"


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
    result = graph_api.parse_paths(paths, skip_invalid=skip_invalid, progress=progress)
    pages, posts, replies = result.tables()
    info = write_snapshot(
        Path(data_dir),
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
        now=now,
    )
    quarantine_file = None
    if result.rejected:
        folder = Path(data_dir) / QUARANTINE
        folder.mkdir(parents=True, exist_ok=True)
        quarantine_file = folder / f"{info.snapshot_id}.jsonl"
        lines = graph_api.iter_rejected_lines(result.rejected)
        text = "\n".join(lines) + "\n"
        # a lone surrogate (rejected for that reason) is written escaped, not lost
        quarantine_file.write_text(text, encoding="utf-8", errors="backslashreplace")
    return IngestReport(
        info, result.counts, result.anomalies, len(result.rejected), quarantine_file
    )
