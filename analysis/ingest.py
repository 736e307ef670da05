"""Ingest: read an export, validate it completely, then write one snapshot (all or nothing)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from analysis import storage
from analysis.datafolder import quarantine_path
from analysis.errors import InputError
from analysis.snapshot.writer import SnapshotInfo, write_snapshot_batches
from analysis.sources import graph_api, quarantine
from analysis.sources.buffer import ParseResult


@dataclass
class IngestReport:
    snapshot: SnapshotInfo
    counts: Counter
    anomalies: Counter
    rejected: int
    quarantine_file: Path | None
    notes: list[str] | None = None  # what a table ingest assumed (format, time zone)


def check_as_of(
    result: ParseResult, as_of: datetime | None, allow_future_items: bool, paths: list[Path]
) -> None:
    """Refuse an `--as-of` before the newest item or reply of the export (unless
    `allow_future_items`): the snapshot would take items after it as just seen, so an
    unanswered one would count as pending instead of unanswered, and the export time would
    misstate what the data knows."""
    if as_of is None or allow_future_items:
        return
    newest = result.newest()
    if newest is not None and newest > as_of:
        where = ", ".join(str(p) for p in paths[:3]) + (" …" if len(paths) > 3 else "")
        raise InputError(
            where,
            f"--as-of {as_of:%Y-%m-%dT%H:%M:%SZ} is before the newest item or reply of the export "
            f"({newest.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}), so unanswered items would count as "
            "pending; give the time the export was taken (or --allow-future-items)",
        )


def ingest_graph_api(
    data_dir: Path,
    paths: list[Path],
    *,
    as_of: datetime | None = None,
    skip_invalid: bool = False,
    progress: Callable | None = None,
    now: datetime | None = None,
    allow_future_items: bool = False,
) -> IngestReport:
    """Parse Graph API page exports and write them as one new snapshot."""
    now = now or datetime.now(UTC)
    # Packed: the export is held compressed until the snapshot writer takes it batch by batch
    result = graph_api.parse_paths(paths, skip_invalid=skip_invalid, progress=progress, pack=True)
    check_as_of(result, as_of, allow_future_items, list(paths))
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


def ingest_table(
    data_dir: Path,
    paths: list[Path],
    *,
    as_of: datetime | None = None,
    fmt: str = "auto",
    sheet: str | None = None,
    columns: dict[str, str] | None = None,
    skip_invalid: bool = False,
    allow_future_items: bool = False,
    now: datetime | None = None,
) -> IngestReport:
    """Read CSV/Excel tables (long format, answer logs, Facepager) into one new snapshot."""
    from analysis.registry import DEFAULT_TIMEZONE, load_registry
    from analysis.sources.table.parse import parse_files

    now = now or datetime.now(UTC)
    zones = {pid: e.timezone for pid, e in load_registry(data_dir).items() if e.timezone}
    parsed = parse_files(
        [Path(p) for p in paths],
        fmt=fmt,
        sheet=sheet,
        columns=columns,
        zones=zones,
        default_zone=DEFAULT_TIMEZONE,
        skip_invalid=skip_invalid,
    )
    result = parsed.result
    check_as_of(result, as_of, allow_future_items, list(paths))
    pages, posts, replies = result.batches()
    rejected = None
    if result.rejected:
        rejected = "\n".join(quarantine.lines(result.rejected)) + "\n"
    info = write_snapshot_batches(
        Path(data_dir),
        pages,
        posts,
        replies,
        as_of=as_of or now,
        source="table",
        anomalies={k: v for k, v in result.anomalies.items() if v},
        extra_counts={
            "conversation": result.counts["conversation"],
            "page_comments_on_own_posts": result.counts["page_comments_on_own_posts"],
            "answer_log_items": result.counts["answer_log_items"],
            "rejected": len(result.rejected),
        },
        quarantine=rejected,
        now=now,
        questions=result.questions,
    )
    quarantine_file = quarantine_path(data_dir, info.snapshot_id) if rejected else None
    return IngestReport(
        info, result.counts, result.anomalies, len(result.rejected), quarantine_file, parsed.notes
    )
