"""Spreadsheets as rows of cells: CSV (pandas) and .xlsx (openpyxl), whatever a spreadsheet did.

A `Sheet` is one table of one file: its name, its rows (blank rows dropped, each with its row
number as the spreadsheet shows it) and cells as the reader gives them — text from a CSV; text,
numbers, datetimes, times and booleans from Excel. Which row is the header is decided by the
format (`find_header`), since a title or a merged group row often sits above it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import InputError

MAX_COLUMNS = 256  # a CSV row with more fields than this is not a table Svarstid reads
HEADER_ROWS = 12  # the header is looked for in the first rows only
SEPARATORS = ";,\t"


@dataclass
class Sheet:
    path: Path
    name: str | None  # the Excel sheet; None for a CSV
    rows: list[tuple[int, list]]  # (row number, cells), blank rows dropped
    encoding: str | None = None  # how a CSV was decoded

    def where(self, row: int | None = None) -> str:
        """The file, sheet and row, as an error names them."""
        parts = [str(self.path)]
        if self.name is not None:
            parts.append(f"sheet {self.name!r}")
        if row is not None:
            parts.append(f"row {row}")
        return ", ".join(parts)


def read_sheets(path: Path, sheet: str | None = None) -> list[Sheet]:
    """The tables of one file: every non-empty sheet of a workbook (or just `sheet`), or the
    one table of a CSV."""
    if not path.exists():
        raise InputError(path, "no such file")
    if path.is_dir():
        raise InputError(path, "is a folder; give the CSV or .xlsx file(s) in it")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _workbook(path, sheet)
    if suffix == ".xls":
        raise InputError(path, "an old .xls workbook: save it as .xlsx or CSV in Excel first")
    if sheet is not None:
        raise InputError(path, "--sheet is for .xlsx workbooks; a CSV has one table")
    return [_csv(path)]


def decode(raw: bytes, path: Path) -> tuple[str, str]:
    """The text of a CSV and its encoding: UTF-8 (with or without Excel's byte-order mark), else
    Windows-1252 (what Excel on Windows saves as "CSV" in Sweden)."""
    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        msg = f"neither UTF-8 nor Windows-1252 text (byte {exc.start}); save it as CSV UTF-8"
        raise InputError(path, msg) from None


def separator(text: str) -> str:
    """`;`, `,` or tab: what the csv module's sniffer finds in the first lines, else the one
    the first lines hold most of."""
    lines = [line for line in text.splitlines()[: HEADER_ROWS * 2] if line.strip()]
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=SEPARATORS).delimiter
    except csv.Error:
        counts = {sep: sum(line.count(sep) for line in lines) for sep in SEPARATORS}
        return max(counts, key=lambda sep: (counts[sep], sep == ";"))


def _csv(path: Path) -> Sheet:
    import pandas as pd

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read ({exc.strerror})") from None
    text, encoding = decode(raw, path)
    if not text.strip():
        raise InputError(path, "empty file")
    sep = separator(text)

    # the table's width: the most fields of its first lines (trailing empty ones included, as
    # Excel writes them); a later, wider line is an error naming it
    head = io.StringIO("\n".join(text.splitlines()[: HEADER_ROWS * 2]))
    width = max((len(r) for r in csv.reader(head, delimiter=sep)), default=1)
    if width > MAX_COLUMNS:
        raise InputError(path, f"more than {MAX_COLUMNS} columns: not a table Svarstid reads")
    try:
        table = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            names=range(width),  # narrower rows (a title row) are filled with ""
            index_col=False,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        detail = " ".join(str(exc).split())
        if m := re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", detail):
            detail = f"line {m[2]} has {m[3]} fields, the lines above it {m[1]}"
        raise InputError(path, f"not a readable CSV table ({detail})") from None
    rows = _rows(enumerate(table.itertuples(index=False, name=None), start=1))
    return Sheet(path, None, rows, encoding)


def _trimmed(cells) -> list:
    values = list(cells)
    while values and _blank(values[-1]):
        values.pop()
    return values


def _rows(numbered: Iterator[tuple[int, tuple]]) -> list[tuple[int, list]]:
    """Rows with their numbers, blank ones dropped, trailing empty cells cut."""
    out = []
    for number, cells in numbered:
        values = _trimmed(cells)
        if values:
            out.append((number, [None if _blank(v) else v for v in values]))
    return out


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _workbook(path: Path, sheet: str | None) -> list[Sheet]:
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(path, f"not a readable .xlsx workbook ({type(exc).__name__})") from None
    names = book.sheetnames
    if sheet is not None and sheet not in names:
        raise InputError(path, f"no sheet {sheet!r}; it has {', '.join(map(repr, names))}")
    sheets = []
    for name in [sheet] if sheet is not None else names:
        ws = book[name]
        merged = _merged_values(ws)
        numbered = (
            (r, tuple(merged.get((r, c), v) for c, v in enumerate(values, start=1)))
            for r, values in enumerate(ws.iter_rows(values_only=True), start=1)
        )
        rows = _rows(numbered)
        if rows:
            sheets.append(Sheet(path, name, rows))
    if not sheets:
        raise InputError(path, "every sheet is empty")
    return sheets


def _merged_values(ws) -> dict[tuple[int, int], object]:
    """Each cell of a merged range with the range's value (Excel keeps it in the first cell
    only): a page name merged down over its rows, a header merged over two rows."""
    values = {}
    for rng in ws.merged_cells.ranges:
        value = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                values[(r, c)] = value
    return values


def header_name(value: object) -> str:
    """A header cell as matched against known names: lower case, spaces collapsed, a trailing
    colon and a unit in brackets dropped ("Svarstid (min):" → "svarstid")."""
    if value is None:
        return ""
    text = " ".join(str(value).replace("\ufeff", "").split()).lower().rstrip(":").strip()
    if text.endswith(")") and "(" in text:
        text = text[: text.rindex("(")].strip()
    return text


def find_header(sheet: Sheet, score: Callable[[list[str]], int]) -> tuple[int, list[str]] | None:
    """The index (into `sheet.rows`) and names of the header row: of the first HEADER_ROWS
    rows, the one `score` likes best (a positive score), the first of equals."""
    best: tuple[int, int, list[str]] | None = None
    for index, (_, cells) in enumerate(sheet.rows[:HEADER_ROWS]):
        names = [header_name(c) for c in cells]
        points = score(names)
        if points > 0 and (best is None or points > best[0]):
            best = (points, index, names)
    return None if best is None else (best[1], best[2])
