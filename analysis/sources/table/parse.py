"""`parse_files`: every table of an ingest into one ParseResult (see the package docstring)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from analysis.errors import InputError
from analysis.sources.buffer import ParseResult, Rejected
from analysis.sources.table import answer_log, facepager, long
from analysis.sources.table.columns import FACEPAGER_COLUMNS, FORMATS
from analysis.sources.table.read import Sheet, find_header, header_name, read_sheets
from analysis.sources.table.values import Zones

_LABEL = {
    "long": "the long format",
    "answer-log": "an answer log",
    "facepager": "a Facepager export",
}
_SCORES: dict[str, Callable[[list[str]], int]] = {
    "facepager": facepager.score,
    "long": long.score,
    "answer-log": answer_log.score,
}


@dataclass
class TableParse:
    result: ParseResult
    notes: list[str] = field(default_factory=list)  # what was assumed, for the user to read


def _canonical(fmt: str, role: str) -> str | None:
    if fmt == "answer-log":
        return answer_log.HEADERS[role][0] if role in answer_log.HEADERS else None
    if fmt == "long":
        return role if role in long.COLUMNS else None
    return role if role in FACEPAGER_COLUMNS else None


def _renamed(names: list[str], columns: dict[str, str], fmt: str) -> list[str]:
    """Header names with the ones `--columns` names replaced by the format's own."""
    given = {header_name(header): role for role, header in columns.items()}
    out = []
    for name in names:
        role = given.get(name)
        canonical = _canonical(fmt, role) if role else None
        out.append(canonical or name)
    return out


def _detect(sheet: Sheet, fmt: str, columns: dict[str, str]) -> tuple[str, int, list[str]]:
    formats = list(_SCORES) if fmt == "auto" else [fmt]
    best = None
    for candidate in formats:

        def score(names, candidate=candidate):
            return _SCORES[candidate](_renamed(names, columns, candidate))

        found = find_header(sheet, score)
        if found is None:
            continue
        index, names = found
        points = score(names)
        if best is None or points > best[0]:
            best = (points, candidate, index, _renamed(names, columns, candidate))
    if best is None:
        if fmt == "facepager":
            raise InputError(sheet.where(), "no Facepager header (object_id, parent_id, …)")
        if fmt == "long":
            msg = (
                "no long-format header: needs page_id, item_id, created_time, author_id or is_page"
            )
        elif fmt == "answer-log":
            msg = (
                "no answer-log header: needs an arrival column (Ankomsttid, Inkom, Arrival, …);"
                " name yours with --columns arrival=HEADER,answered=HEADER"
            )
        else:
            msg = (
                "cannot tell its format from the header (long format: page_id, item_id, "
                "created_time, …; answer log: Ankomsttid/Arrival, Svarstid/Answered; "
                "Facepager: object_id, parent_id); give --format or --columns"
            )
        raise InputError(sheet.where(), msg)
    return best[1], best[2], best[3]


def parse_files(
    paths: list[Path],
    *,
    fmt: str = "auto",
    sheet: str | None = None,
    columns: dict[str, str] | None = None,
    zones: dict[str, str] | None = None,
    default_zone: str = "Europe/Stockholm",
    skip_invalid: bool = False,
) -> TableParse:
    """Every table of `paths` as one ParseResult. Strict by default (the first bad row raises
    an InputError naming file, sheet, row and column); with `skip_invalid`, bad rows (or whole
    files) are left out and recorded in `result.rejected`."""
    if fmt not in FORMATS:
        raise InputError("--format", f"must be one of {', '.join(FORMATS)}")
    columns = columns or {}
    tz = Zones(zones or {}, default_zone)
    out = ParseResult()
    notes: list[str] = []
    long_rows: list[long.Row] = []
    for path in paths:
        path = Path(path)
        try:
            sheets = read_sheets(path, sheet)
        except InputError as exc:
            if not skip_invalid:
                raise
            out.rejected.append(Rejected(exc.path, None, str(exc)))
            continue
        detected, first_error = [], None
        for sh in sheets:
            try:
                detected.append((sh, *_detect(sh, fmt, columns)))
            except InputError as exc:
                first_error = first_error or exc
                if sh.name is not None and sheet is None and len(sheets) > 1:
                    notes.append(f"{sh.where()}: skipped (no header of a known format)")
        if not detected:  # not one table of the file is recognised: the file is bad
            if not skip_invalid:
                raise first_error
            out.rejected.append(Rejected(first_error.path, None, str(first_error)))
            continue
        for sh, kind, header, names in detected:
            number = sh.rows[header][0]
            encoding = f", {sh.encoding}" if sh.encoding and sh.encoding != "UTF-8" else ""
            notes.append(f"{sh.where()}: read as {_LABEL[kind]} (header on row {number}{encoding})")
            if kind == "long":
                long_rows += long.rows(sh, header, names, tz, out, skip_invalid)
            elif kind == "facepager":
                found, more = facepager.rows(sh, header, names, tz, out, skip_invalid)
                long_rows += found
                notes += more
            else:
                answer_log.parse(sh, header, names, tz, out, skip_invalid)
        out.counts["files"] += 1
    long.build(long_rows, out, skip_invalid, tz)
    for zone, count in sorted(tz.local.items()):
        notes.append(
            f"read {count} time(s) without a UTC offset as local time in {zone} "
            "(the page's time zone in the registry, else the default)"
        )
    if not out.pages:
        first = f" ({out.rejected[0].reason})" if out.rejected else ""
        raise InputError(paths[0] if paths else "table", f"no readable rows found{first}")
    return TableParse(out, notes)
