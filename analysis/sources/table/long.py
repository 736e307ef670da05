"""Svarstid's open import format (docs/import-format.md): one row per post or comment.

The rows of every long-format file of one ingest are walked as one tree, the way the Graph API
parser walks nested comments: a row without `parent_id` is a post (the page's if its author is
the page), a row with one sits in that post's comment tree. Facepager exports are turned into
these rows too (`facepager.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from analysis.errors import InputError
from analysis.sources.buffer import ParseResult, Rejected
from analysis.sources.table import values
from analysis.sources.table.columns import ALIASES, COLUMNS, REQUIRED
from analysis.sources.table.read import Sheet
from analysis.sources.table.values import CellError

# what a quarantined row keeps: never its author
QUARANTINE_FIELDS = frozenset(set(COLUMNS) - {"author_id"})


def score(names: list[str]) -> int:
    found = {ALIASES.get(n, n) for n in names} & set(COLUMNS)
    if not set(REQUIRED) <= found or not {"author_id", "is_page"} & found:
        return 0
    return 10 + len(found)


@dataclass
class Row:
    where: str  # file, sheet, row
    item_id: str
    page_id: str | None
    page_name: str | None
    parent_id: str | None
    at: datetime
    author_id: str | None
    is_page: bool | None  # None: decided by author_id == page_id
    message: str | None
    hidden: bool | None
    link: str | None
    raw: dict | tuple  # what quarantine keeps of it (see _kept)

    def by_page(self, page_id: str) -> bool | None:
        """Whether the page wrote it; None when the export does not say who did."""
        if self.is_page is not None:
            return self.is_page
        if self.author_id is None:
            return None
        return self.author_id == page_id


def rows(
    sheet: Sheet, header: int, names: list[str], zones: values.Zones, out: ParseResult,
    skip_invalid: bool,
) -> list[Row]:  # fmt: skip
    """The sheet's rows below its header as `Row`s; a bad one raises (or is rejected)."""
    index = {}
    for i, n in enumerate(names):
        index.setdefault(ALIASES.get(n, n), i)
    if "author_id" not in index and "is_page" not in index:
        raise InputError(sheet.where(), "needs an author_id or an is_page column")
    found = []
    for number, cells in sheet.rows[header + 1 :]:

        def cell(name: str, cells=cells):
            i = index.get(name)
            return cells[i] if i is not None and i < len(cells) else None

        try:
            row = _row(sheet.where(number), cell, zones)
            row.raw = (index, cells)  # made a dict only if the row is quarantined
            found.append(row)
        except CellError as exc:
            error = InputError(sheet.where(number), str(exc))
            if not skip_invalid:
                raise error from None
            item_id = _safe_id(cell("item_id"))
            out.rejected.append(Rejected(error.path, item_id, str(error), _kept((index, cells))))
    return found


def _safe_id(value: object) -> str | None:
    try:
        return values.identifier(value, "item_id", required=False)
    except CellError:
        return None


def _kept(raw: dict | tuple) -> dict:
    """A rejected row as quarantined: its known columns but the author, masked. `raw` is a
    dict, or (column index, cells) as `rows` keeps it."""
    from analysis.sources import quarantine

    if isinstance(raw, tuple):
        index, cells = raw
        raw = {k: _shown(cells[i]) if i < len(cells) else None for k, i in index.items()}
    return quarantine.masked_copy(raw, QUARANTINE_FIELDS)


def _shown(value: object) -> str | None:
    try:
        return values.text(value, "")
    except CellError:
        return None


def _row(where: str, cell, zones: values.Zones) -> Row:
    page_id = values.identifier(cell("page_id"), "page_id", required=False)
    if page_id is None:  # a comment that leaves its page to its post: localised in `build`
        at = values.unzoned(cell("created_time"), "created_time")
    else:
        at = values.timestamp(cell("created_time"), "created_time", zones, page_id)
    if at is None:
        raise CellError("created_time", "is empty")
    return Row(
        where=where,
        item_id=values.identifier(cell("item_id"), "item_id"),
        page_id=page_id,
        page_name=values.text(cell("page_name"), "page_name"),
        parent_id=values.identifier(cell("parent_id"), "parent_id", required=False),
        at=at,
        author_id=values.identifier(cell("author_id"), "author_id", required=False),
        is_page=values.boolean(cell("is_page"), "is_page"),
        message=values.text(cell("message"), "message"),
        hidden=values.boolean(cell("is_hidden"), "is_hidden"),
        link=values.text(cell("permalink"), "permalink"),
        raw={},
    )


def build(found: list[Row], out: ParseResult, skip_invalid: bool, zones: values.Zones) -> None:
    """Walk the rows of every file as one tree into `out` (pages, posts, replies, counts); a
    local time of a row without page_id is read in its post's page's time zone."""
    by_id: dict[str, Row] = {}
    for row in found:
        if row.item_id in by_id:
            out.anomalies["duplicate_items"] += 1
        by_id[row.item_id] = row  # the last copy wins, as in a snapshot
    roots: dict[str, Row] = {}
    paths: dict[str, list[Row]] = {}  # item id → its ancestors and itself, root first
    bad: set[str] = set()
    pages = {p["page_id"] for p in out.pages}
    names: dict[str, str] = {}
    for row in found:
        if row.page_id is not None and row.page_name:
            names.setdefault(row.page_id, row.page_name)
    for row in by_id.values():
        try:
            paths[row.item_id] = _path(row, by_id, paths)
        except InputError as exc:
            if not skip_invalid:
                raise
            bad.add(row.item_id)
            out.rejected.append(Rejected(exc.path, row.item_id, str(exc), _kept(row.raw)))
    for item_id, path in paths.items():
        if any(p.item_id in bad for p in path):
            continue
        root = path[0]
        try:
            _check_page(path)
        except InputError as exc:
            if not skip_invalid:
                raise
            out.rejected.append(Rejected(exc.path, item_id, str(exc), _kept(by_id[item_id].raw)))
            continue
        roots.setdefault(root.item_id, root)
        page_id = root.page_id
        row = path[-1]
        if row.at.tzinfo is None:
            row.at = zones.localise(row.at, page_id)
        if page_id not in pages:
            pages.add(page_id)
            name = names.get(page_id)
            out.pages.append(
                {
                    "page_id": page_id,
                    "page_name": _masked(name or page_id),
                    "category": None,
                    "link": None,
                    "fan_count": None,
                    "followers_count": None,
                }
            )
            out.counts["pages"] += 1
        _place(path, page_id, out)


def _masked(name: str) -> str:
    from analysis.snapshot.privacy import mask_text

    return mask_text(name)


def _path(row: Row, by_id: dict[str, Row], known: dict[str, list[Row]]) -> list[Row]:
    chain = [row]
    seen = {row.item_id}
    while chain[-1].parent_id is not None:
        parent_id = chain[-1].parent_id
        if parent_id in known:
            return known[parent_id] + chain[::-1]
        parent = by_id.get(parent_id)
        if parent is None:
            msg = f"column 'parent_id': {values.quote(parent_id)} is no item_id of these files"
            raise InputError(chain[-1].where, msg)
        if parent.item_id in seen:
            raise InputError(row.where, "column 'parent_id': the rows' parents form a loop")
        seen.add(parent.item_id)
        chain.append(parent)
    return chain[::-1]


def _check_page(path: list[Row]) -> None:
    root = path[0]
    if root.page_id is None:
        raise InputError(root.where, "column 'page_id': is empty on a post (a row without parent)")
    for row in path[1:]:
        if row.page_id is not None and row.page_id != root.page_id:
            msg = f"column 'page_id': {values.quote(row.page_id)} differs from its post's"
            raise InputError(row.where, msg)


def _place(path: list[Row], page_id: str, out: ParseResult) -> None:
    """One row as the Graph API parser would place the same node."""
    row, root = path[-1], path[0]
    root_by_page = root.by_page(page_id)
    if len(path) == 1:
        if root_by_page is None:
            out.anomalies["posts_without_from"] += 1
            return
        kind = "page_post" if root_by_page else "visitor_post"
        author = None if root_by_page else row.author_id
        out.posts.append(
            (row.item_id, page_id, kind, None, row.at, author, row.message, row.hidden, row.link)
        )
        out.counts[f"{kind}s"] += 1
        return
    if root_by_page is None:
        return  # under a post whose author is unknown: left out with it
    by_page = row.by_page(page_id)
    if not root_by_page:  # a visitor post's tree: page comments are its replies
        _reply_or_talk(row, by_page, root.item_id, page_id, out)
        return
    top = path[1]
    top_by_page = top.by_page(page_id)
    if len(path) == 2:  # a top-level comment under the page's own post
        if by_page is None:
            out.anomalies["comments_without_from"] += 1
        elif by_page:
            out.counts["page_comments_on_own_posts"] += 1
        else:
            out.posts.append(
                (row.item_id, page_id, "comment", root.item_id, row.at, row.author_id,
                 row.message, row.hidden, row.link)
            )  # fmt: skip
            out.counts["comments"] += 1
        return
    if top_by_page is None:
        if by_page:
            out.anomalies["replies_to_comments_without_from"] += 1
        return
    if top_by_page:
        return  # the thread of the page's own comment is not an inbound item's
    _reply_or_talk(row, by_page, top.item_id, page_id, out)


def _reply_or_talk(row: Row, by_page: bool | None, item_id: str, page_id: str, out) -> None:
    if by_page:
        out.replies.append((row.item_id, page_id, item_id, row.at, row.message))
        out.counts["replies"] += 1
    elif by_page is None:
        out.anomalies["comments_without_from"] += 1
    else:
        out.counts["conversation"] += 1
