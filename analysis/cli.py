"""`python -m analysis …` — the same functions the dashboard calls, from a shell.

Errors the user can fix print one line to stderr and exit with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from analysis import __version__
from analysis.errors import SvarstidError


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _as_of(value: str) -> datetime:
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO 8601 timestamp") from None
    if ts.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{value!r} has no UTC offset (add Z or +01:00)")
    from analysis.contract import FIRST_YEAR, LAST_YEAR  # pyarrow only for the commands that ingest

    try:
        utc = ts.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not FIRST_YEAR <= utc.year <= LAST_YEAR:
        raise argparse.ArgumentTypeError(
            f"{value!r} is outside the years the data can hold ({FIRST_YEAR}–{LAST_YEAR})"
        )
    return utc


def _data_dir_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="data folder (default: $SVARSTID_DATA_DIR or data/)",
    )


def _fetch_args(p: argparse.ArgumentParser) -> None:
    from analysis.sources.graph_fetch import DEFAULT_API_VERSION, DEFAULT_BASE_URL, TOKEN_VARIABLE

    _data_dir_arg(p)
    p.add_argument(
        "--token-file", type=Path, help=f"file holding the token (else ${TOKEN_VARIABLE})"
    )
    p.add_argument("--since", type=_date, help="read the feed from this day (a first full fetch)")
    p.add_argument(
        "--lookback",
        type=int,
        default=14,
        metavar="DAYS",
        help="re-read this many days before the page's latest snapshot (default 14)",
    )
    p.add_argument("--keep-raw", type=Path, metavar="DIR", help="also save raw responses here")
    p.add_argument("--skip-invalid", action="store_true", help="quarantine invalid items")
    p.add_argument("--api-version", default=DEFAULT_API_VERSION)
    p.add_argument("--base-url", default=DEFAULT_BASE_URL)


def build_parser() -> argparse.ArgumentParser:
    from analysis import settings

    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Svarstid: how fast public agencies answer the public on Facebook.",
    )
    parser.add_argument("--version", action="version", version=f"svarstid {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="read page exports into a new snapshot")
    ing_sub = ing.add_subparsers(dest="format", required=True)
    g = ing_sub.add_parser("graph-api", help="Facebook Graph API page exports (JSON)")
    _data_dir_arg(g)
    g.add_argument("--as-of", type=_as_of, help="when the export was taken (default: now)")
    g.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the valid items, write rejected ones to DATA_DIR/quarantine/",
    )
    g.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="page folder(s)")

    fetch = sub.add_parser("fetch", help="fetch pages from the Graph API into a new snapshot")
    fetch_sub = fetch.add_subparsers(dest="format", required=True)
    fg = fetch_sub.add_parser("graph-api", help="pages you administer, with a Page access token")
    _fetch_args(fg)
    fg.add_argument("page_ids", nargs="+", metavar="PAGE_ID", help="page id(s) or username(s)")

    rf = sub.add_parser("refresh", help="fetch every page of the registry (one new snapshot)")
    _fetch_args(rf)

    r = sub.add_parser("rank", help="rank pages or agencies")
    _data_dir_arg(r)
    r.add_argument("--scope", choices=settings.SCOPES, default="all")
    r.add_argument("--clock", choices=settings.CLOCKS, default="wall")
    r.add_argument("--since", type=_date, help="first day (Europe/Stockholm)")
    r.add_argument("--until", type=_date, help="last day, inclusive")
    r.add_argument("--level", choices=settings.LEVELS, default="page")
    r.add_argument("--sector", help="only pages of this sector")
    r.add_argument("--snapshot", help="read the data as of this snapshot id")
    r.add_argument("--min-items", type=int, default=settings.DEFAULT_MIN_ITEMS)
    r.add_argument("--pending-hours", type=float, default=settings.DEFAULT_PENDING_HOURS)
    r.add_argument("--format", choices=("table", "csv", "json"), default="table")

    d = sub.add_parser("demo", help="write the synthetic demo dataset as a snapshot")
    _data_dir_arg(d)
    d.add_argument("--items", type=int, default=None, help="scale to N inbound items")
    d.add_argument("--seed", type=int, default=None)

    s = sub.add_parser("snapshots", help="list snapshots with their coverage")
    _data_dir_arg(s)

    doc = sub.add_parser("docs", help="regenerate docs/methodology.md from the code")
    doc.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    return parser


def _progress(done: int, total: int, result) -> None:
    if sys.stderr.isatty() and total > 1:
        width = 30
        filled = int(width * done / total)
        items = result.posts_seen
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files, {items:,} posts"
        )
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def cmd_ingest(args: argparse.Namespace) -> int:
    from analysis.datafolder import default_data_dir
    from analysis.ingest import ingest_graph_api

    data_dir = args.data_dir or default_data_dir()
    report = ingest_graph_api(
        data_dir,
        args.paths,
        as_of=args.as_of,
        skip_invalid=args.skip_invalid,
        progress=_progress,
    )
    c = report.snapshot.manifest["counts"]
    print(f"snapshot {report.snapshot.snapshot_id} written to {report.snapshot.path}")
    print(
        f"read {c['pages']} pages, {c.get('kind_page_post', 0)} page posts, "
        f"{c.get('kind_visitor_post', 0)} visitor posts, {c.get('kind_comment', 0)} comments, "
        f"{c['replies']} page replies ({c['inbound_items']} inbound items)"
    )
    anomalies = {k: v for k, v in report.snapshot.manifest["anomalies"].items() if v}
    if anomalies:
        print("anomalies: " + ", ".join(f"{k} {v}" for k, v in sorted(anomalies.items())))
    else:
        print("anomalies: none")
    if report.quarantine_file:
        print(f"rejected {report.rejected} item(s); reasons in {report.quarantine_file}")
    return 0


class _FetchProgress:
    """A progress line on a terminal; plain lines (every 100 calls, and every wait) elsewhere."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.shown = 0

    def __call__(self, stats) -> None:
        line = (
            f"{stats.pages} page(s), {stats.posts:,} posts, {stats.comments:,} comments, "
            f"{stats.calls:,} API calls, usage {stats.usage:.0f} %"
        )
        if stats.waiting:
            line += f" — {stats.waiting}"
        if self.tty:
            sys.stderr.write(f"\r\033[K{line}")
            sys.stderr.flush()
        elif stats.waiting or stats.calls - self.shown >= 100:
            self.shown = stats.calls
            print(line, file=sys.stderr, flush=True)

    def end(self) -> None:
        if self.tty:
            sys.stderr.write("\n")


def _token(args: argparse.Namespace) -> str:
    import os

    from analysis.errors import InputError
    from analysis.sources.graph_fetch import TOKEN_VARIABLE

    if args.token_file is not None:
        try:
            return args.token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(args.token_file, f"cannot read the token file ({exc})") from None
    return os.environ.get(TOKEN_VARIABLE, "")


def cmd_fetch(args: argparse.Namespace, page_ids: list[str] | None = None) -> int:
    from datetime import timedelta

    from analysis import settings
    from analysis.datafolder import default_data_dir
    from analysis.errors import InputError
    from analysis.ingest import fetch_graph_api

    data_dir = args.data_dir or default_data_dir()
    if args.lookback < 0:
        raise InputError("--lookback", "must be 0 days or more")
    if args.lookback * 24 < settings.DEFAULT_PENDING_HOURS:
        print(
            f"warning: a look-back of {args.lookback} day(s) is shorter than the pending window "
            f"({settings.DEFAULT_PENDING_HOURS:g} h): items pending in the last snapshot may "
            "never be read again",
            file=sys.stderr,
        )
    if args.keep_raw is not None:
        print(
            f"warning: raw responses hold personal data (names, unmasked messages); "
            f"they are saved in {args.keep_raw}, outside the data folder",
            file=sys.stderr,
        )
    since = datetime.combine(args.since, datetime.min.time(), UTC) if args.since else None
    progress = _FetchProgress()
    try:
        report = fetch_graph_api(
            data_dir,
            page_ids if page_ids is not None else args.page_ids,
            token=_token(args),
            since=since,
            lookback=timedelta(days=args.lookback),
            api_version=args.api_version,
            base_url=args.base_url,
            keep_raw=args.keep_raw,
            skip_invalid=args.skip_invalid,
            progress=progress,
        )
    finally:
        progress.end()
    c = report.snapshot.manifest["counts"]
    print(f"snapshot {report.snapshot.snapshot_id} written to {report.snapshot.path}")
    read = ", ".join(
        f"{p} since {s:%Y-%m-%d}" if s else f"{p} in full" for p, s in report.since.items()
    )
    resumed = f" (resumed: {', '.join(report.resumed)})" if report.resumed else ""
    print(f"fetched {read}{resumed} in {report.stats.calls:,} API calls")
    print(
        f"read {c.get('kind_page_post', 0)} page posts, {c.get('kind_visitor_post', 0)} visitor "
        f"posts, {c.get('kind_comment', 0)} comments, {c['replies']} page replies "
        f"({c['inbound_items']} inbound items)"
    )
    print(f"changes: {report.new_items} new items, {report.newly_answered} newly answered")
    if report.quarantine_file:
        print(f"rejected {report.rejected} item(s); reasons in {report.quarantine_file}")
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    from analysis.datafolder import default_data_dir
    from analysis.ingest import fetch_registry_pages

    return cmd_fetch(args, fetch_registry_pages(args.data_dir or default_data_dir()))


def format_table(df) -> str:
    """A plain-text leaderboard for the terminal."""
    import pandas as pd

    def fmt(value, pattern: str) -> str:
        return "–" if pd.isna(value) else pattern.format(value)

    view = pd.DataFrame(
        {
            "rank": df["rank"].map(lambda v: fmt(v, "{}")),
            "page": df["page_name"],
            "inbound": df["inbound"],
            "pending": df["pending"],
            "reply rate": df["reply_rate"].map(lambda v: fmt(v, "{:.0%}")),
            "median min": df["median_response_min"].map(lambda v: fmt(v, "{:.0f}")),
            "p90 min": df["p90_response_min"].map(lambda v: fmt(v, "{:.0f}")),
            "within goal": df["within_sla_share"].map(lambda v: fmt(v, "{:.0%}")),
        }
    )
    return view.to_string(index=False)


def cmd_rank(args: argparse.Namespace) -> int:
    from analysis.read import metrics
    from analysis.read.dataset import Dataset
    from analysis.spreadsheet import csv_cell

    filters = metrics.Filters(
        scope=args.scope,
        clock=args.clock,
        level=args.level,
        since=args.since,
        until=args.until,
        sector=args.sector,
        pending_hours=args.pending_hours,
        min_items=args.min_items,
    )
    ds = Dataset(args.data_dir, snapshot=args.snapshot)
    if args.format == "csv":
        columns, rows = metrics.rank_rows(ds, filters)
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(columns)
        out.writerows([csv_cell(v) for v in row] for row in rows)
    elif args.format == "json":
        columns, rows = metrics.rank_rows(ds, filters)
        records = [dict(zip(columns, map(_json_value, row), strict=True)) for row in rows]
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        df = metrics.rank(ds, filters)
        if ds.is_demo:
            print("Synthetic demo data modelled on published figures, not real agency data.")
        print(format_table(df) if len(df) else "no pages in the data")
    return 0


def _json_value(value):
    """JSON values: NaN (never valid JSON) as null."""
    return None if isinstance(value, float) and math.isnan(value) else value


def cmd_demo(args: argparse.Namespace) -> int:
    from analysis.datafolder import default_data_dir
    from analysis.sources import demo

    data_dir = args.data_dir or default_data_dir()
    info = demo.write_demo(data_dir, items=args.items, seed=args.seed)
    c = info.manifest["counts"]
    print(
        f"demo snapshot {info.snapshot_id}: {c['pages']} pages, {c['inbound_items']:,} inbound "
        f"items, {c['replies']:,} replies (synthetic, modelled on published figures)"
    )
    return 0


def cmd_snapshots(args: argparse.Namespace) -> int:
    from analysis.read.dataset import Dataset

    ds = Dataset(args.data_dir)
    if ds.is_empty:
        print("no snapshots")
    for s in ds.snapshots:
        print(
            f"{s.snapshot_id}  as of {s.as_of:%Y-%m-%d %H:%M}Z  {s.source:10}  "
            f"{s.counts.get('inbound_items', 0):>10,} inbound items"
        )
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from analysis import methodology

    path = Path(__file__).resolve().parent.parent / "docs" / "methodology.md"
    text = methodology.markdown("en") + "\n" + methodology.markdown("sv")
    if args.check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{path} is out of date: run python -m analysis docs", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0


COMMANDS = {
    "ingest": cmd_ingest,
    "fetch": cmd_fetch,
    "refresh": cmd_refresh,
    "rank": cmd_rank,
    "demo": cmd_demo,
    "snapshots": cmd_snapshots,
    "docs": cmd_docs,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except SvarstidError as exc:
        message = " ".join(str(exc).split())  # one line, whatever a library's message holds
        print(f"error: {message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted; nothing was written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
