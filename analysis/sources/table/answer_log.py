"""The agencies' own answer logs: one row per question with its arrival and its answer.

Officers record, for every question they answer, when it arrived and when (or how long after)
it was answered — in Excel, with Swedish or English headers. A log holds no message texts and
no reply objects, so each row becomes an inbound item without text (a comment unless a type
column says it was a wall post) and, when answered, one synthetic page reply at the answer
time. Every row counts as a question: the officers log questions (see the methodology).
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, time, timedelta
from pathlib import Path

from analysis.errors import InputError
from analysis.sources.buffer import ParseResult, Rejected
from analysis.sources.table import values
from analysis.sources.table.columns import HEADERS
from analysis.sources.table.read import Sheet
from analysis.sources.table.values import CellError

ROLES = tuple(HEADERS)
_ROLE_OF = {name: role for role, names in HEADERS.items() for name in names}
_WALL = ("inlägg", "besökarinlägg", "vägg", "post", "visitor post", "visitor_post", "wall")
# what a quarantined row keeps: the roles read (no other column, which may name someone)
QUARANTINE_FIELDS = frozenset(ROLES)


def roles(names: list[str], raw: list[object]) -> dict[str, int]:
    """Column index of each role the header names; a unit in brackets ("Svarstid (min)")
    makes an answer column a duration."""
    found: dict[str, int] = {}
    for i, name in enumerate(names):
        role = _ROLE_OF.get(name)
        shown = str(raw[i] or "").lower() if i < len(raw) else ""
        if role == "answered" and re.search(r"\((min|minuter|minutes|h:mm|tim)", shown):
            role = "duration"
        if role is not None and role not in found:
            found[role] = i
    return found


def score(names: list[str]) -> int:
    found = {_ROLE_OF[n] for n in names if n in _ROLE_OF}
    if "arrival" not in found:
        return 0
    return 5 + len(found)


def page_id_of(name: str) -> str:
    """A page id from a page or channel name ("Försäkringskassan förälder" →
    "forsakringskassan-foralder"); a Facebook id (digits) as it is."""
    if name.isdigit():
        return name
    table = str.maketrans("åäöéèüÅÄÖÉÈÜ", "aaoeeuAAOEEU")
    slug = re.sub(r"[^0-9a-z]+", "-", name.translate(table).lower()).strip("-")
    return slug or hashlib.sha1(name.encode()).hexdigest()[:12]


def parse(
    sheet: Sheet, header: int, names: list[str], zones: values.Zones, out: ParseResult,
    skip_invalid: bool,
) -> int:  # fmt: skip
    """The log's rows into `out`; returns how many items it read."""
    raw_header = sheet.rows[header][1]
    index = roles(names, raw_header)
    if "answered" not in index and "duration" not in index:
        raise InputError(
            sheet.where(),
            "an answer log needs an answer column (Svarstid/Besvarad, Answered, or minutes) "
            "beside the arrival; name it with --columns answered=HEADER",
        )
    default_page = Path(sheet.path).stem
    seen: dict[tuple[str, str], int] = {}
    pages = {p["page_id"] for p in out.pages}
    read = 0
    for number, cells in sheet.rows[header + 1 :]:

        def cell(role: str, cells=cells):
            i = index.get(role)
            return cells[i] if i is not None and i < len(cells) else None

        try:
            item = _item(cell, zones, default_page, index)
        except CellError as exc:
            column = raw_header[index[exc.column]] if exc.column in index else exc.column
            error = InputError(sheet.where(number), f"column {str(column)!r}: {exc.reason}")
            if not skip_invalid:
                raise error from None
            raw = {role: _shown(cell(role)) for role in index}
            out.rejected.append(Rejected(error.path, None, str(error), _kept(raw)))
            continue
        page_id, page_name, at, answered_at, kind, text, given_id = item
        if page_id not in pages:
            pages.add(page_id)
            out.pages.append(
                {
                    "page_id": page_id,
                    "page_name": _masked(page_name),
                    "category": None,
                    "link": None,
                    "fan_count": None,
                    "followers_count": None,
                }
            )
            out.counts["pages"] += 1
        if given_id is not None:
            item_id = f"{page_id}:{given_id}"
        else:  # stable across ingests of a log that grows: page, arrival and its occurrence
            key = (page_id, at.isoformat())
            seen[key] = seen.get(key, 0) + 1
            digest = hashlib.sha1(f"{key[0]}|{key[1]}|{seen[key]}".encode()).hexdigest()[:16]
            item_id = f"log-{digest}"
        out.posts.append((item_id, page_id, kind, None, at, None, text, None, None))
        out.counts[f"{kind}s"] += 1
        out.counts["answer_log_items"] += 1
        out.questions.add(item_id)
        if answered_at is not None:
            out.replies.append((f"{item_id}:answer", page_id, item_id, answered_at, None))
            out.counts["replies"] += 1
        read += 1
    return read


def _masked(name: str) -> str:
    from analysis.snapshot.privacy import mask_text

    return mask_text(name)


def _shown(value: object) -> str | None:
    try:
        return values.text(value, "")
    except CellError:
        return None


def _kept(raw: dict) -> dict:
    from analysis.sources import quarantine

    return quarantine.masked_copy(raw, QUARANTINE_FIELDS)


def _item(cell, zones: values.Zones, default_page: str, index: dict[str, int]):
    page_name = values.text(cell("page"), "page") or default_page
    page_id = page_id_of(page_name)
    at = _arrival(cell, zones, page_id)
    answered_at = None
    if "duration" in index and cell("duration") is not None:
        answered_at = at + timedelta(minutes=values.minutes(cell("duration"), "duration"))
    elif "answered" in index:
        answered_at = _answer(cell("answered"), at, zones, page_id)
    kind_text = (values.text(cell("kind"), "kind") or "").lower()
    kind = "visitor_post" if kind_text in _WALL else "comment"
    parts = [values.text(cell("category"), "category"), values.text(cell("note"), "note")]
    text = " — ".join(p for p in parts if p) or None
    given_id = values.identifier(cell("id"), "id", required=False)
    return page_id, page_name, at, answered_at, kind, text, given_id


def _arrival(cell, zones: values.Zones, page_id: str) -> datetime:
    value = values.naive_or_aware(cell("arrival"), "arrival")
    if value is None:
        raise CellError("arrival", "is empty")
    if isinstance(value, time):  # a time of day: the date is in its own column
        day = values.naive_or_aware(cell("date"), "date")
        if day is None:
            raise CellError("arrival", "is a time of day and there is no date column beside it")
        if isinstance(day, time):
            raise CellError("date", f"{values.quote(cell('date'))} is not a date")
        value = datetime.combine(day.date(), value, day.tzinfo)
    return values.timestamp(value, "arrival", zones, page_id)


def _answer(value: object, at: datetime, zones: values.Zones, page_id: str) -> datetime | None:
    """The answer time: a timestamp; a time of day (that day, or the next if it is earlier);
    a number of minutes, or an Excel date serial; a duration."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        return at + value
    n = values.number(value)
    if isinstance(value, float) and 0 < value < 1:
        pass  # an Excel time of day without a time format: read as one just below
    elif n is not None and n < values.FIRST_SERIAL:
        return at + timedelta(minutes=values.minutes(value, "answered"))
    parsed = values.naive_or_aware(value, "answered")
    if isinstance(parsed, time):
        zone = zones.counted(page_id)
        local = at.astimezone(zone)
        answered = datetime.combine(local.date(), parsed, zone)
        if answered < local:
            answered = datetime.combine(local.date() + timedelta(days=1), parsed, zone)
        return answered.astimezone(at.tzinfo)
    return values.timestamp(parsed, "answered", zones, page_id)
