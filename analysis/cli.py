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

    _insight_parsers(sub)

    doc = sub.add_parser("docs", help="regenerate docs/methodology.md from the code")
    doc.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    return parser


def _view_args(p: argparse.ArgumentParser) -> None:
    """The filters every view takes (as `rank`)."""
    from analysis import settings

    _data_dir_arg(p)
    p.add_argument("--scope", choices=settings.SCOPES, default="all")
    p.add_argument("--clock", choices=settings.CLOCKS, default="wall")
    p.add_argument("--since", type=_date, help="first day (Europe/Stockholm)")
    p.add_argument("--until", type=_date, help="last day, inclusive")
    p.add_argument("--level", choices=settings.LEVELS, default="page")
    p.add_argument("--sector", help="only pages of this sector")
    p.add_argument("--snapshot", help="read the data as of this snapshot id")
    p.add_argument("--min-items", type=int, default=settings.DEFAULT_MIN_ITEMS)
    p.add_argument("--pending-hours", type=float, default=settings.DEFAULT_PENDING_HOURS)
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")


def _insight_parsers(sub) -> None:
    h = sub.add_parser("history", help="rank, reply rate and median per month or quarter")
    _view_args(h)
    h.add_argument("--by", choices=("month", "quarter"), default="month")
    q = sub.add_parser(
        "quality", help="follow-up and redirect rates (proxies), hidden items, personnummer"
    )
    _view_args(q)
    st = sub.add_parser("storms", help="bursts of inbound items, with replies during and outside")
    _view_args(st)


def _view(args: argparse.Namespace):
    from analysis.read import metrics
    from analysis.read.dataset import Dataset

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
    return Dataset(args.data_dir, snapshot=args.snapshot), filters


def _print_frame(df, fmt: str) -> None:
    """A result frame as CSV, JSON records or a plain-text table."""
    import pandas as pd

    from analysis.spreadsheet import csv_cell

    def plain(value):
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return None
        if isinstance(value, pd.Timestamp | datetime | date):
            return value.isoformat()
        return value.item() if hasattr(value, "item") else value

    rows = [[plain(v) for v in row] for row in df.astype(object).itertuples(index=False)]
    if fmt == "csv":
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(df.columns)
        out.writerows([csv_cell(v) for v in row] for row in rows)
    elif fmt == "json":
        records = [dict(zip(df.columns, row, strict=True)) for row in rows]
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(df.to_string(index=False, na_rep="–") if len(df) else "nothing to show")


def cmd_history(args: argparse.Namespace) -> int:
    from analysis.read import insights

    ds, filters = _view(args)
    _print_frame(insights.history(ds, filters, args.by).drop(columns=["is_new"]), args.format)
    return 0


def cmd_quality(args: argparse.Namespace) -> int:
    from analysis.read import insights

    ds, filters = _view(args)
    _print_frame(insights.quality_table(ds, filters), args.format)
    return 0


def cmd_storms(args: argparse.Namespace) -> int:
    from analysis.read import insights

    ds, filters = _view(args)
    _print_frame(insights.storms(ds, filters), args.format)
    return 0


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
    "rank": cmd_rank,
    "demo": cmd_demo,
    "snapshots": cmd_snapshots,
    "docs": cmd_docs,
    "history": cmd_history,
    "quality": cmd_quality,
    "storms": cmd_storms,
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
