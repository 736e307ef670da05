"""Cells for files people open in a spreadsheet: the CLI's CSV and the dashboard's downloads."""

from __future__ import annotations

import math

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): a page
# or agency name such as =HYPERLINK(...) would become a link or worse when the file is opened.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """Text for a CSV cell: a leading apostrophe keeps formula-like text as text (OWASP)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_cell(value: object) -> object:
    """One CSV cell: booleans as true/false, missing values empty, numbers as Python writes
    them, text made spreadsheet-safe."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return value
