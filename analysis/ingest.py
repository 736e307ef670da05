"""Ingest: read an export (or fetch a page live), validate it completely, then write one snapshot
(all or nothing)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa

from analysis import storage
from analysis.datafolder import quarantine_path
from analysis.errors import DataDirError, InputError
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
    key = _existing_key(data_dir) if PREPARE_WHILE_PARSING else None
    # Packed: the export is held compressed until the snapshot writer takes it batch by batch;
    # with the folder's key, masked and pseudonymised already, by the processes that parse it
    try:
        result = graph_api.parse_paths(
            paths, skip_invalid=skip_invalid, progress=progress, pack=True, key=key
        )
    except BaseException:
        if key is not None:  # the masker remembers short texts: none kept past a failure
            from analysis.snapshot import privacy

            privacy.forget_texts()
        raise
    if key is not None and _existing_key(data_dir) != key:
        raise DataDirError(f"{data_dir}: the pseudonymisation key changed during the ingest")
    return _write(
        data_dir, result, paths, as_of=as_of, now=now, allow_future_items=allow_future_items,
        source="graph-api",
    )  # fmt: skip


# Mask and pseudonymise each file's rows in the process that parsed it (several at once for a
# big export), not in the writer's one process. Only where the data folder has its key already:
# a failed ingest must leave a new data folder as it was, so a first ingest prepares in the
# writer as before. Tests turn it off to compare.
PREPARE_WHILE_PARSING = True


def _existing_key(data_dir: Path | str) -> bytes | None:
    """The local data folder's pseudonymisation key, None if it has none yet (or is remote)."""
    from analysis.datafolder import salt_path
    from analysis.snapshot import privacy

    if storage.is_remote(data_dir) or not salt_path(Path(data_dir)).is_file():
        return None
    return privacy.load_or_create_key(Path(data_dir))


def _write(
    data_dir: Path | str,
    result: ParseResult,
    paths: list[Path],
    *,
    as_of: datetime | None,
    now: datetime,
    allow_future_items: bool,
    source: str,
    extra_counts: dict | None = None,
    notes: list[str] | None = None,
) -> IngestReport:
    """A parsed export as one new snapshot, locally or in object storage, with what
    `--skip-invalid` left out quarantined beside it."""
    check_as_of(result, as_of, allow_future_items, list(paths))
    pages, posts, replies = result.batches()
    rejected = None
    if result.rejected:
        rejected = "\n".join(quarantine.lines(result.rejected)) + "\n"
    remote = storage.is_remote(data_dir)
    info = write_snapshot_batches(
        data_dir if remote else Path(data_dir),
        pages,
        posts,
        replies,
        as_of=as_of or now,
        source=source,
        anomalies={k: v for k, v in result.anomalies.items() if v},
        extra_counts={
            "conversation": result.counts["conversation"],
            "page_comments_on_own_posts": result.counts["page_comments_on_own_posts"],
            **(extra_counts or {}),
            "rejected": len(result.rejected),
        },
        quarantine=rejected,
        now=now,
        questions=result.questions,
        prepared=result.prepared,
    )
    # in object storage the quarantine stays in the writer's local work folder
    local = storage.key_dir(data_dir) if remote else Path(data_dir)
    quarantine_file = quarantine_path(local, info.snapshot_id) if rejected else None
    return IngestReport(
        info, result.counts, result.anomalies, len(result.rejected), quarantine_file, notes
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
    # the registry of a store location is read from the writer's local copy of it
    registry_dir = storage.prepare_work_dir(data_dir) if storage.is_remote(data_dir) else data_dir
    zones = {pid: e.timezone for pid, e in load_registry(registry_dir).items() if e.timezone}
    parsed = parse_files(
        [Path(p) for p in paths],
        fmt=fmt,
        sheet=sheet,
        columns=columns,
        zones=zones,
        default_zone=DEFAULT_TIMEZONE,
        skip_invalid=skip_invalid,
    )
    return _write(
        data_dir, parsed.result, paths, as_of=as_of, now=now,
        allow_future_items=allow_future_items, source="table",
        extra_counts={"answer_log_items": parsed.result.counts["answer_log_items"]},
        notes=parsed.notes,
    )  # fmt: skip


@dataclass
class FetchReport:
    snapshot: SnapshotInfo
    pages: list[str]
    since: dict[str, datetime | None]  # per page: where its feed was read from (None: all)
    resumed: list[str]  # pages whose fetch continued from a checkpoint
    stats: object  # graph_fetch.Stats: calls, usage, retries, waits
    counts: Counter
    rejected: int
    quarantine_file: Path | None
    new_items: int  # inbound items no earlier snapshot has
    newly_answered: int  # inbound items unanswered in the latest earlier snapshot, now answered


DEFAULT_LOOKBACK = timedelta(days=14)


def fetch_graph_api(
    data_dir: Path,
    page_ids: list[str],
    *,
    token: str,
    since: datetime | None = None,
    lookback: timedelta = DEFAULT_LOOKBACK,
    api_version: str | None = None,
    base_url: str | None = None,
    keep_raw: Path | None = None,
    skip_invalid: bool = False,
    progress: Callable | None = None,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], datetime] | None = None,
    limits: object = None,
    timeout: float = 60.0,
) -> FetchReport:
    """Fetch pages from the Graph API and write them as one new snapshot (all or nothing).

    Incremental: without `since`, each page's feed is read from its latest snapshot's time
    minus `lookback` (late replies and pending items are read again; the read side keeps each
    item's latest copy), or whole for a page no snapshot has. What is read is checkpointed feed
    page by feed page (masked rows only, see analysis/snapshot/checkpoint.py), so a run that
    is killed or fails resumes there; the checkpoint goes once the snapshot is committed."""
    import time

    from analysis.contract import PAGES_SCHEMA, POSTS_SCHEMA, RAW_POSTS_SCHEMA, REPLIES_SCHEMA
    from analysis.snapshot import checkpoint, prepare, privacy
    from analysis.sources import graph_fetch
    from analysis.sources.buffer import ParseResult

    data_dir = Path(data_dir)
    clock = clock or (lambda: datetime.now(UTC))
    api_version = api_version or graph_fetch.DEFAULT_API_VERSION
    if keep_raw is not None and _inside(Path(keep_raw), data_dir):
        raise InputError(keep_raw, "--keep-raw must be outside the data folder (raw responses)")
    ids = list(dict.fromkeys(checkpoint.check_page_id(p) for p in page_ids))
    if not ids:
        raise InputError("fetch", "no page id given")
    client = graph_fetch.GraphClient(
        token,
        base_url=base_url or graph_fetch.DEFAULT_BASE_URL,
        api_version=api_version,
        timeout=timeout,
        sleep=sleep if sleep is not None else time.sleep,
        progress=progress,
        keep_raw=Path(keep_raw) if keep_raw is not None else None,
    )
    with checkpoint.fetch_lock(data_dir):
        try:
            key = privacy.load_or_create_key(data_dir)
            started = clock()
            done: list[tuple[checkpoint.Checkpoint, checkpoint.PageState]] = []
            pages: dict[str, dict] = {}
            starts: dict[str, datetime | None] = {}
            resumed: list[str] = []
            for page_id in ids:
                latest = latest_as_of(data_dir, page_id)
                start = since if since is not None else (latest - lookback if latest else None)
                starts[page_id] = start
                store = checkpoint.Checkpoint(data_dir, page_id)
                state = store.resume(start, api_version, started)
                if state.parts or state.done:
                    resumed.append(page_id)
                reader = graph_fetch.FeedReader(client, page_id, start, _limits(limits))
                where = f"graph-api:{page_id}"
                page = graph_api.page_record(reader.page(), where)
                pages.setdefault(page["page_id"], page)
                client.stats.pages += 1
                for posts, following in [] if state.done else reader.feed(state.following):
                    part = ParseResult()
                    parser = graph_api.PageParser(page["page_id"], part, skip_invalid)
                    graph_api.parse_items(parser, posts, f"{where}/feed")
                    part.flush()
                    raw_posts = _concat(part.post_chunks, RAW_POSTS_SCHEMA)
                    raw_replies = _concat(part.reply_chunks, REPLIES_SCHEMA)
                    state.counts.update(part.counts)
                    state.anomalies.update(part.anomalies)
                    state.following, state.done = following, following is None
                    lines = list(quarantine.lines(part.rejected))
                    # masked and pseudonymised before anything reaches the disk
                    store.add(
                        state, prepare.posts(raw_posts, key), prepare.replies(raw_replies), lines
                    )
                    client.stats.counts = dict(state.counts)
                if not state.done:
                    state.done = True
                    store.save(state)
                done.append((store, state))
            as_of = clock()
            posts, dup_posts = checkpoint.last_copies(
                [t for s, st in done for t in s.tables(st, "posts")], POSTS_SCHEMA, "post_id"
            )
            replies, dup_replies = checkpoint.last_copies(
                [t for s, st in done for t in s.tables(st, "replies")], REPLIES_SCHEMA, "reply_id"
            )
            counts: Counter = Counter()
            anomalies: Counter = Counter()
            rejected_lines: list[str] = []
            for store, state in done:
                counts.update(state.counts)
                anomalies.update(state.anomalies)
                rejected_lines += store.rejected(state)
            anomalies["duplicate_items"] += dup_posts
            anomalies["duplicate_replies"] += dup_replies
            info = write_snapshot_batches(
                data_dir,
                pa.Table.from_pylist(list(pages.values()), schema=PAGES_SCHEMA),
                checkpoint.batches(posts),
                checkpoint.batches(replies),
                as_of=as_of,
                source="graph-api-fetch",
                anomalies={k: v for k, v in anomalies.items() if v},
                extra_counts={
                    "conversation": counts["conversation"],
                    "page_comments_on_own_posts": counts["page_comments_on_own_posts"],
                    "rejected": len(rejected_lines),
                    "api_calls": client.stats.calls,
                },
                quarantine="\n".join(rejected_lines) + "\n" if rejected_lines else None,
                now=as_of,
                prepared=True,
            )
        finally:
            privacy.forget_texts()
        for store, _ in done:
            store.clear()
    new_items, newly_answered = _changes(data_dir, info)
    q_file = quarantine_path(data_dir, info.snapshot_id) if rejected_lines else None
    return FetchReport(
        info, ids, starts, resumed, client.stats, counts, len(rejected_lines), q_file,
        new_items, newly_answered,
    )  # fmt: skip


def fetch_registry_pages(data_dir: Path) -> list[str]:
    """The pages `refresh` fetches: those of the registry with a page_id and no `fetch = no`."""
    from analysis.datafolder import registry_path
    from analysis.registry import load_registry

    ids = [e.page_id for e in load_registry(data_dir).values() if e.fetch is not False]
    if not ids:
        raise InputError(
            registry_path(data_dir), "lists no page to fetch (a page_id without fetch = no)"
        )
    return ids


def latest_as_of(data_dir: Path, page_id: str) -> datetime | None:
    """The time of the latest snapshot that holds this page (None: no snapshot has it)."""
    import pyarrow.parquet as pq

    from analysis.datafolder import list_snapshots, read_manifest

    for snap in reversed(list_snapshots(data_dir)):
        ids = pq.read_table(snap / "pages.parquet", columns=["page_id"])["page_id"].to_pylist()
        if page_id in ids:
            return datetime.fromisoformat(read_manifest(snap)["as_of"])
    return None


def _changes(data_dir: Path, info: SnapshotInfo) -> tuple[int, int]:
    """How many inbound items of the new snapshot no earlier snapshot has, and how many the
    latest earlier snapshot holding them had unanswered and are answered now."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from analysis.datafolder import list_snapshots

    new = pq.read_table(info.path / "item_facts.parquet", columns=["item_id", "reply_count"])
    answered_now = dict(
        zip(new["item_id"].to_pylist(), new["reply_count"].to_pylist(), strict=True)
    )
    todo = set(answered_now)
    newly = 0
    for snap in reversed([s for s in list_snapshots(data_dir) if s.name < info.snapshot_id]):
        if not todo:
            break
        old = pq.read_table(snap / "item_facts.parquet", columns=["item_id", "reply_count"])
        old = old.filter(pc.is_in(old["item_id"], value_set=pa.array(sorted(todo), pa.string())))
        for item_id, count in zip(
            old["item_id"].to_pylist(), old["reply_count"].to_pylist(), strict=True
        ):
            todo.discard(item_id)
            newly += count == 0 and answered_now[item_id] > 0
    return len(todo), newly


def _limits(limits: object):
    import copy

    from analysis.sources.graph_fetch import Limits

    return copy.copy(limits) if limits is not None else Limits()


def _concat(chunks: list[pa.Table], schema: pa.Schema) -> pa.Table:
    return pa.concat_tables(chunks) if chunks else schema.empty_table()


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True
