"""The page registry: a small hand-edited CSV beside the snapshots (see docs/data-contract.md).

It says which agency runs a page, its sector, its opening hours and response goal, and whether
its wall accepts visitor posts. Pages missing from it get the defaults below.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, fields
from pathlib import Path

from analysis.datafolder import registry_path
from analysis.errors import InputError
from analysis.hours.spec import DEFAULT_HOURS_SPEC, OpeningHours
from analysis.settings import TIMEZONE

DEFAULT_SECTOR = "Övrigt"
DEFAULT_TIMEZONE = TIMEZONE
DEFAULT_SLA_MINUTES = 120
COLUMNS = (
    "page_id",
    "page_name",
    "agency",
    "sector",
    "accepts_visitor_posts",
    "opening_hours",
    "timezone",
    "sla_minutes",
    "fetch",
)
# what `registry init` writes above the header, one line per column (lines starting with #
# are comments: skipped when the registry is read)
COLUMN_COMMENTS = {
    "page_id": "the page's id in the data (do not change)",
    "page_name": "the page's name (for you; the data's name is shown)",
    "agency": "the organisation behind the page; pages of one agency rank together "
    "with --level agency (default: the page name)",
    "sector": f"a group to filter by, e.g. Socialförsäkring (default: {DEFAULT_SECTOR})",
    "accepts_visitor_posts": "true or false: whether the wall takes visitors' posts "
    "(default: whether the data has any)",
    "opening_hours": "when the business clock runs, e.g. mon-fri 08:00-16:00 "
    "(default: mon-fri 08:00-16:00; takes effect at the next ingest)",
    "timezone": f"the page's time zone, also for times without an offset (default: {TIMEZONE})",
    "sla_minutes": f"the response goal in minutes (default: {DEFAULT_SLA_MINUTES})",
    "fetch": "no to leave the page out of `refresh` (default: fetched when it has a page_id)",
}
_TRUE = {"true", "yes", "ja", "1", "sant"}
_FALSE = {"false", "no", "nej", "0", "falskt"}


@dataclass(frozen=True)
class PageEntry:
    """One registry row; `None` means "use the default"."""

    page_id: str
    page_name: str | None = None
    agency: str | None = None
    sector: str | None = None
    accepts_visitor_posts: bool | None = None
    opening_hours: str | None = None
    timezone: str | None = None
    sla_minutes: int | None = None
    fetch: bool | None = None  # False: `refresh` leaves this page out

    def hours(self) -> OpeningHours:
        return OpeningHours.parse(
            self.opening_hours or DEFAULT_HOURS_SPEC, self.timezone or DEFAULT_TIMEZONE
        )


def _parse_bool(
    value: str, path: Path, page_id: str, name: str = "accepts_visitor_posts"
) -> bool | None:
    v = value.strip().lower()
    if not v:
        return None
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise InputError(path, f"{name} must be true or false, not {value!r}", page_id)


def _parse_row(row: dict[str, str], path: Path) -> PageEntry:
    page_id = (row.get("page_id") or "").strip()
    if not page_id:
        raise InputError(path, "a row has no page_id")

    def text(key: str) -> str | None:
        return (row.get(key) or "").strip() or None

    sla = text("sla_minutes")
    try:
        sla_minutes = int(sla) if sla else None
    except ValueError:
        raise InputError(
            path, f"sla_minutes must be a whole number, not {sla!r}", page_id
        ) from None
    entry = PageEntry(
        page_id=page_id,
        page_name=text("page_name"),
        agency=text("agency"),
        sector=text("sector"),
        accepts_visitor_posts=_parse_bool(row.get("accepts_visitor_posts") or "", path, page_id),
        opening_hours=text("opening_hours"),
        timezone=text("timezone"),
        sla_minutes=sla_minutes,
        fetch=_parse_bool(row.get("fetch") or "", path, page_id, "fetch"),
    )
    try:
        entry.hours()
    except (ValueError, KeyError) as exc:
        raise InputError(path, f"opening_hours/timezone: {exc}", page_id) from None
    return entry


def load_registry(data_dir: Path) -> dict[str, PageEntry]:
    """Read `registry.csv`; a missing file is an empty registry."""
    path = registry_path(data_dir)
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text") from None
    lines = [line for line in text.splitlines(keepends=True) if not line.lstrip().startswith("#")]
    reader = csv.DictReader(io.StringIO("".join(lines)))
    if reader.fieldnames is None or "page_id" not in reader.fieldnames:
        raise InputError(path, "the header must include page_id")
    return {entry.page_id: entry for entry in (_parse_row(r, path) for r in reader)}


def write_registry(data_dir: Path, entries: list[PageEntry], comments: bool = False) -> Path:
    """Write the registry atomically (used by `demo` and `registry init`; users edit the file
    by hand). With `comments`, a comment line per column above the header."""
    path = registry_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        if comments:
            fh.write(
                "# Svarstid page registry: one row per page; an empty cell takes the default.\n"
            )
            for name in COLUMNS:
                fh.write(f"# {name}: {COLUMN_COMMENTS[name]}\n")
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for e in entries:
            values = [getattr(e, f.name) for f in fields(PageEntry)]
            writer.writerow(
                [
                    "" if v is None else ("true" if v is True else "false" if v is False else v)
                    for v in values
                ]
            )
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path


def resolve(entry: PageEntry | None, page_id: str, page_name: str, has_visitor_posts: bool) -> dict:
    """The registry values for one page with every default filled in."""
    e = entry or PageEntry(page_id=page_id)
    return {
        "page_id": page_id,
        "page_name": page_name,
        "agency": e.agency or page_name,
        "sector": e.sector or DEFAULT_SECTOR,
        "accepts_visitor_posts": (
            e.accepts_visitor_posts if e.accepts_visitor_posts is not None else has_visitor_posts
        ),
        "opening_hours": str(e.hours()),
        "timezone": e.timezone or DEFAULT_TIMEZONE,
        "sla_minutes": e.sla_minutes if e.sla_minutes is not None else DEFAULT_SLA_MINUTES,
    }
