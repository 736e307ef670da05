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


def _columns(value: str) -> dict[str, str]:
    """`--columns arrival=Inkom,answered=Besvarad kl`: which header holds which column."""
    from analysis.sources.table.columns import COLUMN_ROLES

    out = {}
    for part in value.split(","):
        role, sep, header = part.partition("=")
        role, header = role.strip(), header.strip()
        if not sep or not role or not header:
            raise argparse.ArgumentTypeError(f"{part!r} is not NAME=HEADER")
        if role not in COLUMN_ROLES:
            hint = _suggestion(role, COLUMN_ROLES)
            raise argparse.ArgumentTypeError(
                f"{role!r} is no column name{hint}; known: {', '.join(COLUMN_ROLES)}"
            )
        out[role] = header
    return out


def _count(option: str):
    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
        if n < 0:
            raise argparse.ArgumentTypeError(f"{option} must be 0 or more, not {n}")
        return n

    return parse


def _hours(option: str):
    def parse(value: str) -> float:
        try:
            n = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a number of hours") from None
        if not 0 <= n <= 24 * 365:
            raise argparse.ArgumentTypeError(
                f"{option} must be between 0 and 8760 hours, not {n:g}"
            )
        return n

    return parse


def _suggestion(word: str, known) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


class _Parser(argparse.ArgumentParser):
    """argparse that suggests the option meant when one is mistyped."""

    def error(self, message: str):
        if message.startswith("unrecognized arguments:"):
            words = message.split(":", 1)[1].split()
            options = _all_options(self)
            hints = [
                f"{w}{_suggestion(w.split('=')[0], options)}" for w in words if w.startswith("-")
            ]
            if any("did you mean" in h for h in hints):
                message += "; " + ", ".join(h for h in hints if "did you mean" in h)
        super().error(message)


def _all_options(parser: argparse.ArgumentParser) -> set[str]:
    found = set()
    for action in parser._actions:
        found.update(o for o in action.option_strings if o.startswith("--"))
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _all_options(sub)
    return found


def _location(value: str) -> Path | str:
    """A data folder: a local path, or `s3://bucket/prefix` (kept as text)."""
    from analysis.datafolder import data_location

    return data_location(value)


def _s3(value: str) -> str:
    from analysis.datafolder import data_location

    where = data_location(value)
    if isinstance(where, Path):
        raise argparse.ArgumentTypeError(f"{value!r} is not an s3://bucket/prefix location")
    return where


def _data_dir_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data-dir",
        type=_location,
        default=None,
        help="data folder or s3://bucket/prefix (default: $SVARSTID_DATA_DIR or data/)",
    )


def _fetch_args(p: argparse.ArgumentParser) -> None:
    from analysis.sources.graph_fetch import DEFAULT_API_VERSION, DEFAULT_BASE_URL, TOKEN_VARIABLE

    _data_dir_arg(p)
    p.add_argument(
        "--token-file",
        type=Path,
        help=f"file holding the token (default: the variable ${TOKEN_VARIABLE})",
    )
    p.add_argument(
        "--since",
        type=_date,
        help="read the feed from this day, YYYY-MM-DD (a first full fetch; default: the page's "
        "latest snapshot minus --lookback, or everything for a new page)",
    )
    p.add_argument(
        "--lookback",
        type=int,
        default=14,
        metavar="DAYS",
        help="re-read this many days before the page's latest snapshot (default 14)",
    )
    p.add_argument(
        "--keep-raw",
        type=Path,
        metavar="DIR",
        help="also save raw responses (personal data!) in DIR outside the data folder "
        "(default: not saved)",
    )
    p.add_argument(
        "--skip-invalid",
        action="store_true",
        help="quarantine invalid items instead of stopping (default: stop at the first)",
    )
    p.add_argument(
        "--api-version",
        default=DEFAULT_API_VERSION,
        help=f"Graph API version (default {DEFAULT_API_VERSION})",
    )
    p.add_argument(
        "--base-url",
        default=DEFAULT_BASE_URL,
        help=f"where the API is; calls go to BASE/VERSION/… (default {DEFAULT_BASE_URL})",
    )


def build_parser() -> argparse.ArgumentParser:

    parser = _Parser(
        prog="python -m analysis",
        description="Svarstid: how fast public agencies answer the public on Facebook.",
    )
    parser.add_argument("--version", action="version", version=f"svarstid {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="read page exports into a new snapshot")
    ing_sub = ing.add_subparsers(dest="source", required=True)
    g = ing_sub.add_parser("graph-api", help="Facebook Graph API page exports (JSON)")
    _ingest_args(g)
    g.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="page folder(s)")
    t = ing_sub.add_parser(
        "table",
        help="CSV or Excel: the long format, answer logs, Facepager exports",
        description="Read CSV or .xlsx tables into one new snapshot (docs/import-format.md).",
    )
    _ingest_args(t)
    from analysis.sources.table.columns import COLUMN_ROLES, FORMATS

    t.add_argument(
        "--format",
        choices=FORMATS,
        default="auto",
        dest="table_format",
        help="the table's format (default: auto, told apart by the header; "
        f"allowed: {', '.join(FORMATS)})",
    )
    t.add_argument(
        "--sheet",
        default=None,
        help="the .xlsx sheet to read (default: every sheet whose header is recognised)",
    )
    t.add_argument(
        "--columns",
        type=_columns,
        default=None,
        metavar="NAME=HEADER,…",
        help="which header holds which column when it is not recognised, e.g. "
        "arrival=Inkom,answered=Besvarad,page=Kanal (default: none; names: "
        f"{', '.join(COLUMN_ROLES)})",
    )
    t.add_argument("paths", nargs="+", type=Path, metavar="FILE", help="CSV or .xlsx file(s)")

    reg = sub.add_parser("registry", help="the page registry (registry.csv)")
    reg_sub = reg.add_subparsers(dest="action", required=True)
    ri = reg_sub.add_parser(
        "init", help="write registry.csv for the pages in the data, defaults filled in"
    )
    _data_dir_arg(ri)
    ri.add_argument(
        "--force",
        action="store_true",
        help="overwrite an existing registry.csv (default: refuse; pages already in it are kept)",
    )

    def choices(values, default):
        return f"default: {default}; allowed: {', '.join(values)}"

    fetch = sub.add_parser("fetch", help="fetch pages from the Graph API into a new snapshot")
    fetch_sub = fetch.add_subparsers(dest="format", required=True)
    fg = fetch_sub.add_parser("graph-api", help="pages you administer, with a Page access token")
    _fetch_args(fg)
    fg.add_argument("page_ids", nargs="+", metavar="PAGE_ID", help="page id(s) or username(s)")

    rf = sub.add_parser("refresh", help="fetch every page of the registry (one new snapshot)")
    _fetch_args(rf)

    r = sub.add_parser("rank", help="rank pages or agencies")
    _view_args(r)

    d = sub.add_parser("demo", help="write the synthetic demo dataset as a snapshot")
    _data_dir_arg(d)
    d.add_argument(
        "--items", type=int, default=None, help="scale to N inbound items (default: the study's)"
    )
    d.add_argument("--seed", type=int, default=None, help="random seed (default: the demo's own)")

    s = sub.add_parser("snapshots", help="list snapshots with their coverage")
    _data_dir_arg(s)

    pub = sub.add_parser("publish", help="push committed snapshots to a shared bucket")
    _data_dir_arg(pub)
    pub.add_argument(
        "--to",
        type=_s3,
        required=True,
        help="where to publish (required): s3://bucket/prefix/<contributor>",
    )
    pub.add_argument(
        "--no-texts",
        action="store_true",
        help="leave the masked message texts out (only the figures' inputs; default: keep them)",
    )

    cmp_ = sub.add_parser("compact", help="merge the committed snapshots into one")
    _data_dir_arg(cmp_)

    _insight_parsers(sub)

    doc = sub.add_parser("docs", help="regenerate docs/methodology.md from the code")
    doc.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    return parser


def _ingest_args(p: argparse.ArgumentParser) -> None:
    _data_dir_arg(p)
    p.add_argument(
        "--as-of",
        type=_as_of,
        help="when the export was taken, ISO 8601 with a UTC offset (default: now); "
        "earlier than the newest item is refused",
    )
    p.add_argument(
        "--allow-future-items",
        action="store_true",
        help="accept items newer than --as-of (default: refuse them: the snapshot would "
        "call them just seen, so an unanswered one counts as pending, not unanswered)",
    )
    p.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the valid items, write rejected ones to DATA_DIR/quarantine/ "
        "(default: the first bad item stops the ingest, nothing written)",
    )


def _view_args(p: argparse.ArgumentParser) -> None:
    """The filters every view takes: rank, history, quality, storms."""
    from analysis import settings

    def choices(values, default):
        return f"default: {default}; allowed: {', '.join(values)}"

    _data_dir_arg(p)
    p.add_argument(
        "--scope",
        choices=settings.SCOPES,
        default="all",
        help=f"which inbound items count ({choices(settings.SCOPES, 'all')})",
    )
    p.add_argument(
        "--clock",
        choices=settings.CLOCKS,
        default="wall",
        help=f"wall clock or opening hours ({choices(settings.CLOCKS, 'wall')})",
    )
    p.add_argument(
        "--since", type=_date, help="first day, YYYY-MM-DD, Europe/Stockholm (default: the first)"
    )
    p.add_argument(
        "--until", type=_date, help="last day, inclusive, YYYY-MM-DD (default: the last)"
    )
    p.add_argument(
        "--level",
        choices=settings.LEVELS,
        default="page",
        help=f"rank pages or agencies ({choices(settings.LEVELS, 'page')})",
    )
    p.add_argument(
        "--sector", help="only pages of this sector, as in the registry (default: every sector)"
    )
    p.add_argument("--snapshot", help="read the data as of this snapshot id (default: the latest)")
    p.add_argument(
        "--min-items",
        type=_count("--min-items"),
        default=settings.DEFAULT_MIN_ITEMS,
        help="fewer rated items than this: listed, not ranked "
        f"(default: {settings.DEFAULT_MIN_ITEMS})",
    )
    p.add_argument(
        "--pending-hours",
        type=_hours("--pending-hours"),
        default=settings.DEFAULT_PENDING_HOURS,
        help="an unanswered item younger than this is pending, not ignored "
        f"(default: {settings.DEFAULT_PENDING_HOURS:g})",
    )
    p.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="output (default: table; allowed: table, csv, json)",
    )


def _insight_parsers(sub) -> None:
    h = sub.add_parser("history", help="rank, reply rate and median per month or quarter")
    _view_args(h)
    h.add_argument(
        "--by",
        choices=("month", "quarter"),
        default="month",
        help="period length (default: month; allowed: month, quarter)",
    )
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
    ds = Dataset(_rank_folder(args.data_dir, args.snapshot), snapshot=args.snapshot)
    _check_sector(ds, args.sector)
    return ds, filters


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
    from analysis.datafolder import data_location
    from analysis.ingest import ingest_graph_api

    data_dir = data_location(args.data_dir)
    if args.source == "table":
        from analysis.ingest import ingest_table

        report = ingest_table(
            data_dir,
            args.paths,
            as_of=args.as_of,
            fmt=args.table_format,
            sheet=args.sheet,
            columns=args.columns,
            skip_invalid=args.skip_invalid,
            allow_future_items=args.allow_future_items,
        )
    else:
        report = ingest_graph_api(
            data_dir,
            args.paths,
            as_of=args.as_of,
            skip_invalid=args.skip_invalid,
            progress=_progress,
            allow_future_items=args.allow_future_items,
        )
    for note in report.notes or ():
        print(note)
    _print_snapshot(report)
    c = report.snapshot.manifest["counts"]
    if c.get("answer_log_items"):
        print(f"{c['answer_log_items']} answer-log item(s): no text, each counted as a question")
    _print_rejected(report)
    return 0


def _print_snapshot(report) -> None:
    """What an ingest or a fetch wrote: the snapshot, what it holds, its anomalies."""
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


def _print_rejected(report) -> None:
    if report.quarantine_file:
        print(f"rejected {report.rejected} item(s); reasons in {report.quarantine_file}")


def cmd_registry(args: argparse.Namespace) -> int:
    """`registry init`: registry.csv for the pages in the data, every default written out."""
    from analysis import registry
    from analysis.datafolder import data_location, registry_path
    from analysis.errors import DataDirError
    from analysis.read.dataset import PAGE_DIM_COLUMNS, Dataset

    data_dir = data_location(args.data_dir)
    if isinstance(data_dir, str):
        raise DataDirError(
            f"{data_dir}: write the registry in a local data folder; publish uploads it"
        )
    path = registry_path(data_dir)
    if path.exists() and not args.force:
        raise DataDirError(
            f"{path} exists; --force rewrites it (its entries are kept, missing pages added)"
        )
    ds = Dataset(data_dir)
    if ds.is_empty:
        raise DataDirError(f"{data_dir}: no snapshots; ingest some data first")
    kept = ds.registry
    entries = []
    for row in ds._page_rows:
        values = dict(zip(PAGE_DIM_COLUMNS, row, strict=True))
        values["sla_minutes"] = int(values["sla_minutes"])
        entries.append(
            kept.get(values["page_id"])
            or registry.PageEntry(**{k: values[k] for k in registry.COLUMNS if k in values})
        )
    ds.close()
    registry.write_registry(data_dir, entries, comments=True)
    added = sum(1 for e in entries if e.page_id not in kept)
    print(f"wrote {path}: {len(entries)} page(s), {added} new with the defaults filled in")
    print("edit it by hand; opening hours take effect when the data is ingested again")
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
    from analysis.datafolder import data_location
    from analysis.errors import DataDirError, InputError
    from analysis.ingest import fetch_graph_api

    data_dir = data_location(args.data_dir)
    if isinstance(data_dir, str):
        raise DataDirError(
            f"{data_dir}: fetch into a local data folder (it keeps the checkpoint and the key), "
            "then publish it"
        )
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
    _print_snapshot(report)
    read = ", ".join(
        f"{p} since {s:%Y-%m-%d}" if s else f"{p} in full" for p, s in report.since.items()
    )
    resumed = f" (resumed: {', '.join(report.resumed)})" if report.resumed else ""
    print(f"fetched {read}{resumed} in {report.stats.calls:,} API calls")
    print(f"changes: {report.new_items} new items, {report.newly_answered} newly answered")
    _print_rejected(report)
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    from analysis.datafolder import data_location
    from analysis.errors import DataDirError
    from analysis.ingest import fetch_registry_pages

    data_dir = data_location(args.data_dir)
    if isinstance(data_dir, str):
        raise DataDirError(f"{data_dir}: refresh a local data folder, then publish it")
    return cmd_fetch(args, fetch_registry_pages(data_dir))


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
    from analysis.spreadsheet import csv_cell

    ds, filters = _view(args)
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
        if len(df) and not df["inbound"].any() and (args.since or args.until):
            print(_outside(ds, args.since, args.until))
        else:
            print(format_table(df) if len(df) else "no pages in the data")
    return 0


def _rank_folder(data_dir: Path | str | None, snapshot: str | None) -> Path | str | None:
    """The folder `rank` reads: the data folder; with no `--data-dir` and no snapshot in the
    default one, the demo the dashboard shows instead (ui/data.py: `<data folder>/demo/`, or
    the temporary folder's when the data folder is read-only), generated as it does if missing."""
    import fcntl
    import os
    import tempfile

    from analysis.datafolder import data_location, demo_dir, demo_lock_path, list_snapshots

    if data_dir is not None or snapshot is not None:
        return data_dir
    base = data_location()
    if isinstance(base, str) or list_snapshots(base) or not base.is_dir():
        return base
    parent = base if os.access(base, os.W_OK) else Path(tempfile.gettempdir()) / "svarstid"
    folder = demo_dir(parent)
    if not list_snapshots(folder):
        from analysis.sources import demo

        print(f"no snapshots in {base}/: generating the dashboard's demo in {folder}/ …",
              file=sys.stderr)  # fmt: skip
        parent.mkdir(parents=True, exist_ok=True)
        with demo_lock_path(parent).open("a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # the dashboard may be generating it right now
            if not list_snapshots(folder):
                demo.write_demo(folder)
    print(f"no snapshots in {base}/: showing the demo in {folder}/", file=sys.stderr)
    return folder


def _check_sector(ds, sector: str | None) -> None:
    """An unknown --sector is named, with the sectors there are."""
    from analysis.read.dataset import PAGE_DIM_COLUMNS
    from analysis.read.metrics import FilterError

    if sector is None or ds.is_empty:
        return
    at = PAGE_DIM_COLUMNS.index("sector")
    known = sorted({row[at] for row in ds._page_rows})
    if sector not in known:
        shown = sector if len(sector) <= 40 else sector[:40] + "…"
        raise FilterError(
            f"--sector {shown!r} is no sector of these pages{_suggestion(sector, known)}; "
            f"known: {', '.join(known)}"
        )


def _outside(ds, since, until) -> str:
    """What to say when the period holds no inbound item: the period and the data's days."""
    _, rows = ds.rows("snapshot_coverage", {"files": ds.files("item_facts")})
    period = f"--since {since or '…'} --until {until or '…'}"
    if not rows:
        return f"no inbound items in the period ({period}); the data holds none"
    from analysis.settings import ZONE

    first = min(r[3] for r in rows).astimezone(ZONE).date()
    last = max(r[4] for r in rows).astimezone(ZONE).date()
    if since and since > last:
        why = f"--since {since} is after the data's last day, {last}"
    elif until and until < first:
        why = f"--until {until} is before the data's first day, {first}"
    else:
        why = "the filters leave none in it"
    return (
        f"no inbound items in the period ({period}): {why}; the data covers {first} to {last} "
        "(Europe/Stockholm days)"
    )


def _json_value(value):
    """JSON values: NaN (never valid JSON) as null."""
    return None if isinstance(value, float) and math.isnan(value) else value


def cmd_demo(args: argparse.Namespace) -> int:
    from analysis.datafolder import data_location
    from analysis.sources import demo

    data_dir = data_location(args.data_dir)
    if isinstance(data_dir, str):
        raise SvarstidError(f"{data_dir}: write the demo into a local folder, then publish it")
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


def cmd_publish(args: argparse.Namespace) -> int:
    from analysis.datafolder import data_location
    from analysis.publish import publish

    report = publish(data_location(args.data_dir), args.to, texts=not args.no_texts)
    print(
        f"published {len(report.uploaded)} snapshot(s) to {report.target} "
        f"({len(report.skipped)} already there"
        + (f", {len(report.removed)} merged ones removed" if report.removed else "")
        + (", without message texts)" if args.no_texts else ")")
    )
    return 0


def cmd_compact(args: argparse.Namespace) -> int:
    from analysis.compact import compact
    from analysis.datafolder import data_location

    report = compact(data_location(args.data_dir))
    if report.snapshot_id is None:
        print(f"{report.location}: nothing to compact (fewer than two snapshots)")
    else:
        print(
            f"merged {len(report.merged)} snapshots into {report.snapshot_id} in {report.location}"
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
    "registry": cmd_registry,
    "demo": cmd_demo,
    "snapshots": cmd_snapshots,
    "publish": cmd_publish,
    "compact": cmd_compact,
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
