"""Cell values as the contract wants them: timestamps in UTC, ids and texts, booleans, minutes.

Each function takes the cell as the reader gave it and raises `CellError` (the column and the
reason; the caller adds the file, sheet and row) when it cannot be read.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from analysis.contract import FIRST_YEAR, LAST_YEAR
from analysis.snapshot.privacy import mask_text

MAX_ID_CHARS = 256
EXCEL_EPOCH = datetime(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's leap-year bug included)
# Serials of the contract's first and last years: a number in a timestamp column between them
# is an Excel date serial, one below them in an answer column is minutes.
FIRST_SERIAL = (datetime(FIRST_YEAR, 1, 1) - EXCEL_EPOCH).days
LAST_SERIAL = (datetime(LAST_YEAR + 1, 1, 1) - EXCEL_EPOCH).days
_TRUE = {"true", "yes", "ja", "1", "sant", "x", "y", "j"}
_FALSE = {"false", "no", "nej", "0", "falskt", "n"}
_SHORTENED = re.compile(r"\d(?:[.,]\d+)?E\+\d+", re.IGNORECASE)  # 1,5E+14: Excel's display
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_CLOCK = re.compile(r"^(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$", re.IGNORECASE)
_DAY_FIRST = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})(?:[ T]+(.+))?$")
_ISO_DOTS = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:[ T]+(?:kl\.?\s*)?(\d{1,2})\.(\d{2})(?:\.(\d{2}))?)$"
)


class CellError(ValueError):
    """A cell that cannot be read: `column` and the reason."""

    def __init__(self, column: str, reason: str):
        self.column = column
        self.reason = reason
        super().__init__(f"column {column!r}: {reason}")


def quote(value: object, limit: int = 40) -> str:
    """A cell as quoted in an error: masked, then cut short (a shifted column of personal data
    is not echoed)."""
    text = str(value)
    shown = mask_text(text[: 4 * limit]) or ""
    return repr(shown if len(text) <= limit and len(shown) <= limit else shown[:limit] + "…")


def text(value: object, column: str) -> str | None:
    """A text cell; numbers as Excel shows them (integral ones without `.0`)."""
    if value is None:
        return None
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, float) and value.is_integer():
        value = str(int(value))
    elif isinstance(value, datetime | date | time | timedelta):
        value = value.isoformat() if not isinstance(value, timedelta) else str(value)
    value = str(value)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise CellError(column, "holds an unpaired UTF-16 surrogate") from None
    return value.strip() or None


def identifier(value: object, column: str, required: bool = True) -> str | None:
    """An id: text, or a whole number Excel stored as one; never a rounded one."""
    if isinstance(value, float) and not value.is_integer():
        raise CellError(column, f"{quote(value)} is not an id (format the column as text)")
    if isinstance(value, float) and abs(value) >= 2**53:
        raise CellError(column, "an id Excel rounded (more than 15 digits): format it as text")
    out = text(value, column)
    if out is None:
        if required:
            raise CellError(column, "is empty")
        return None
    if ("E" in out or "e" in out) and _SHORTENED.fullmatch(out):
        raise CellError(column, f"{quote(out)} is an id Excel shortened: format it as text")
    if len(out) > MAX_ID_CHARS:
        raise CellError(column, f"longer than {MAX_ID_CHARS} characters: not an id")
    return out


def boolean(value: object, column: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        value = str(int(value)) if float(value).is_integer() else str(value)
    v = str(value).strip().lower()
    if not v:
        return None
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise CellError(column, f"{quote(value)} is not true or false (ja/nej, yes/no, 1/0)")


def number(value: object) -> float | None:
    """A number cell or text with a decimal point or comma ("45,5"); None if it is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        v = value.strip().replace("\u00a0", "").replace(" ", "")
        if _NUMBER.match(v):
            return float(v.replace(",", "."))
    return None


class Zones:
    """How times without an offset are read: in a page's time zone; counts what it did."""

    def __init__(self, zones: dict[str, str], default: str):
        self.zones = zones
        self.default = default
        self.local: dict[str, int] = {}  # time zone name → times read in it

    def zone(self, page_id: str | None) -> ZoneInfo:
        name = self.zones.get(page_id or "", self.default)
        return ZoneInfo(name)

    def counted(self, page_id: str | None) -> ZoneInfo:
        """The page's zone, counting one time read in it."""
        zone = self.zone(page_id)
        self.local[zone.key] = self.local.get(zone.key, 0) + 1
        return zone

    def localise(self, naive: datetime, page_id: str | None) -> datetime:
        """A time without an offset, read in the page's zone, in UTC (a time that does not
        exist or exists twice on a daylight-saving change is read before the change)."""
        return naive.replace(tzinfo=self.counted(page_id)).astimezone(UTC)


def _in_range(ts: datetime, column: str, raw: object) -> datetime:
    if not FIRST_YEAR <= ts.year <= LAST_YEAR:
        raise CellError(column, f"{quote(raw)} is outside {FIRST_YEAR}–{LAST_YEAR}")
    return ts


def serial(days: float, column: str) -> datetime:
    """An Excel date serial (days since 1899-12-30, the fraction the time of day), naive."""
    if not FIRST_SERIAL <= days < LAST_SERIAL:
        raise CellError(column, f"{quote(days)} is outside {FIRST_YEAR}–{LAST_YEAR}")
    return EXCEL_EPOCH + timedelta(microseconds=round(days * 86_400_000_000))


def naive_or_aware(value: object, column: str) -> datetime | time | None:
    """A timestamp cell as a datetime (aware if it says its offset, else naive), or a time of
    day (a cell with no date); None when empty."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, time):
        return value
    days = number(value)
    if days is not None:
        if 0 <= days < 1 and not isinstance(value, str):
            return (EXCEL_EPOCH + timedelta(days=days)).time()  # an Excel time of day
        return serial(days, column)
    if not isinstance(value, str):
        raise CellError(column, f"{quote(value)} is not a date and time")
    raw = value.strip()
    v = raw.replace("\u00a0", " ")
    if m := _CLOCK.match(v):
        return _clock(m, column, raw)
    if m := _ISO_DOTS.match(v):
        v = f"{m[1]}T{int(m[2]):02d}:{m[3]}:{m[4] or '00'}"
    elif m := _DAY_FIRST.match(v):
        day, month, year, rest = int(m[1]), int(m[2]), int(m[3]), m[4]
        try:
            d = date(year, month, day)
        except ValueError:
            raise CellError(column, f"{quote(raw)} is not a date (day/month/year)") from None
        clock = time()
        if rest:
            c = _CLOCK.match(rest.strip())
            if not c:
                raise CellError(column, f"{quote(raw)} is not a date and time")
            clock = _clock(c, column, raw)
        return datetime.combine(d, clock)
    try:
        ts = datetime.fromisoformat(v.replace("Z", "+00:00") if v.endswith("Z") else v)
    except ValueError:
        raise CellError(column, f"{quote(raw)} is not a date and time (ISO 8601)") from None
    return ts


def _clock(m: re.Match, column: str, raw: str) -> time:
    try:
        return time(int(m[1]), int(m[2]), int(m[3] or 0))
    except ValueError:
        raise CellError(column, f"{quote(raw)} is not a time of day") from None


def timestamp(value: object, column: str, zones: Zones, page_id: str | None) -> datetime | None:
    """A full timestamp in UTC: as it says with an offset, else in the page's time zone."""
    ts = naive_or_aware(value, column)
    if ts is None:
        return None
    if isinstance(ts, time):
        raise CellError(column, f"{quote(value)} is a time of day without a date")
    return _utc(ts, column, value, zones, page_id)


def unzoned(value: object, column: str) -> datetime | None:
    """`timestamp` for a row whose page is not known yet: UTC if the cell says its offset,
    else naive (for `Zones.localise` once the page is known)."""
    ts = naive_or_aware(value, column)
    if ts is None:
        return None
    if isinstance(ts, time):
        raise CellError(column, f"{quote(value)} is a time of day without a date")
    _in_range(ts, column, value)
    return ts if ts.tzinfo is None else _utc(ts, column, value, None, None)


def _utc(
    ts: datetime, column: str, raw: object, zones: Zones | None, page_id: str | None
) -> datetime:
    _in_range(ts, column, raw)
    if ts.tzinfo is None:
        return zones.localise(ts, page_id)
    try:
        return _in_range(ts.astimezone(UTC), column, raw)
    except OverflowError:
        raise CellError(column, f"{quote(raw)} is outside {FIRST_YEAR}–{LAST_YEAR}") from None


def minutes(value: object, column: str) -> float | None:
    """A duration: minutes (a number, decimal comma or point), h:mm, or an Excel duration."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds() / 60
    if isinstance(value, time):
        return value.hour * 60 + value.minute + value.second / 60
    n = number(value)
    if n is not None:
        if n < 0:
            raise CellError(column, f"{quote(value)} is a negative duration")
        return n
    if isinstance(value, str) and (m := re.fullmatch(r"(\d+):(\d{2})(?::(\d{2}))?", value.strip())):
        return int(m[1]) * 60 + int(m[2]) + int(m[3] or 0) / 60
    raise CellError(column, f"{quote(value)} is not a duration (minutes or h:mm)")
