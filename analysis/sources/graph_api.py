"""Parse Facebook Graph API page exports into raw Svarstid tables.

An export is one folder per page: `page.json` (the page object) and one or more `feed*.json`, each
one response of the `/{page-id}/feed` edge with comments nested as the API nests them. The page's
own posts and replies are those whose `from.id` is the page id. Everything is validated before
anything is written; see `parse_paths`.
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from analysis.contract import FIRST_YEAR, LAST_YEAR, RAW_POSTS_SCHEMA, REPLIES_SCHEMA, TS
from analysis.errors import InputError
from analysis.snapshot.privacy import mask_text
from analysis.sources import quarantine
from analysis.sources.buffer import ParseResult, Rejected


def find_page_folders(paths: list[Path]) -> list[Path]:
    """Each PATH is a page folder (with page.json) or a folder of page folders."""
    folders: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputError(path, "no such file or folder")
        if not path.is_dir():
            raise InputError(path, "not a folder (give a page folder or a folder of page folders)")
        if (path / "page.json").is_file():
            folders.append(path)
            continue
        subs = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
        pages = [p for p in subs if (p / "page.json").is_file()]
        if not subs:
            what = "is empty" if not any(path.iterdir()) else "has no page.json"
            raise InputError(path, f"{what}: expected page.json or page folders")
        missing = [p for p in subs if p not in pages]
        if missing:
            raise InputError(missing[0], "has no page.json")
        folders.extend(pages)
    return folders


def _read_json(path: Path, fast: bool = False) -> object:
    """A JSON file's value. With `fast`, orjson reads it first (4x faster); anything orjson
    refuses (bad UTF-8, lone surrogates, NaN, depth, a BOM, truncation) is read again by the
    standard library, whose verdict and messages are the ones this module is built on."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read ({exc.strerror})") from None
    if fast:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 (byte {exc.start})") from None
    if not text.strip():
        raise InputError(path, "empty file")
    try:
        return json.loads(text)
    except RecursionError:
        raise InputError(path, "nested too deeply to be a Graph API export") from None
    except json.JSONDecodeError as exc:
        raise InputError(
            path, f"not valid JSON, perhaps truncated ({exc.msg} at line {exc.lineno})"
        ) from None
    except ValueError:  # an integer literal longer than Python converts (sys.int_info)
        raise InputError(path, "holds a number too long to be a Graph API value") from None


def _quote(value: str, limit: int = 40) -> str:
    """A value as quoted in an error line: masked, then cut short (one bad field cannot flood
    the terminal, and a shifted column of personal data is not echoed)."""
    # only a prefix is shown, so only a prefix is masked: a long value costs no more than a
    # short one (the margin keeps a number that straddles the cut whole for the masker)
    shown = mask_text(value[: 4 * limit]) or ""
    return repr(shown if len(value) <= limit and len(shown) <= limit else shown[:limit] + "…")


def _timestamp(value: object, path: Path, item_id: str | None, name: str) -> datetime:
    if value is None or value == "":
        raise InputError(path, f"missing {name}", item_id)
    if not isinstance(value, str):
        raise InputError(path, f"{name} must be an ISO 8601 text timestamp", item_id)
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        msg = f"{name} {_quote(value)} is not an ISO 8601 timestamp"
        raise InputError(path, msg, item_id) from None
    if ts.tzinfo is None:
        raise InputError(path, f"{name} {_quote(value)} has no UTC offset", item_id)
    try:
        ts = ts.astimezone(UTC)
    except OverflowError:
        ts = ts.replace(year=LAST_YEAR + 1)  # beyond year 9999 in UTC: caught just below
    if not FIRST_YEAR <= ts.year <= LAST_YEAR:
        msg = f"{name} {_quote(value)} is outside {FIRST_YEAR}–{LAST_YEAR}"
        raise InputError(path, msg, item_id)
    return ts


def _text(value: object, path: Path, item_id: str | None, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(path, f"{name} must be text", item_id)
    return _utf8(value, path, item_id, name)


def _utf8(value: str, path: Path, item_id: str | None, name: str) -> str:
    """`value`, if it can be stored: JSON's \\u escapes can spell half a UTF-16 pair, which no
    UTF-8 text (Arrow's, Parquet's) holds."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(path, f"{name} holds an unpaired UTF-16 surrogate", item_id) from None
    return value


def _link(node: dict, path: Path, item_id: str) -> str | None:
    link = node.get("permalink_url")
    return _utf8(link, path, item_id, "permalink_url") if isinstance(link, str) else None


def _item_id(item: object, path: Path) -> str:
    if not isinstance(item, dict):
        raise InputError(path, "an entry of data is not an object")
    item_id = item.get("id")
    if not isinstance(item_id, str) or not item_id:
        raise InputError(path, "an entry has no id")
    return _utf8(item_id, path, None, "id")


def _comments(node: dict, path: Path, item_id: str) -> list:
    box = node.get("comments")
    if box is None:
        return []
    data = box.get("data") if isinstance(box, dict) else None
    if not isinstance(data, list):
        raise InputError(path, "comments.data is not a list", item_id)
    return data


def _author(node: dict, path: Path, item_id: str) -> str | None:
    """The author's id; None where the API hides the author (no `from`, or null)."""
    who = node.get("from")
    if who is None:
        return None
    if isinstance(who, dict) and isinstance(who.get("id"), str) and who["id"]:
        return _utf8(who["id"], path, item_id, "from.id")
    raise InputError(path, "from must be an object with an id", item_id)


class PageParser:
    """Walks one page's feed entries (from files or fetched) and appends rows to a result."""

    def __init__(self, page_id: str, result: ParseResult, skip_invalid: bool = False):
        self.page_id = page_id
        self.out = result
        self.skip_invalid = skip_invalid

    def walk_tree(self, nodes: list, path: Path, item_id: str, item_at: datetime) -> None:
        """Comments under an inbound item: page comments are replies to it, the rest is talk."""
        for node in nodes:
            cid = _item_id(node, path)
            at = _timestamp(node.get("created_time"), path, cid, "created_time")
            author = _author(node, path, cid)
            if author == self.page_id:
                message = _text(node.get("message"), path, cid, "message")
                self.out.replies.append((cid, self.page_id, item_id, at, message))
                self.out.counts["replies"] += 1
            elif author is None:
                self.out.anomalies["comments_without_from"] += 1
            else:
                self.out.counts["conversation"] += 1
            self.walk_tree(_comments(node, path, cid), path, item_id, item_at)

    def post(self, item: object, path: Path) -> None:
        post_id = _item_id(item, path)
        at = _timestamp(item.get("created_time"), path, post_id, "created_time")
        author = _author(item, path, post_id)
        message = _text(item.get("message"), path, post_id, "message")
        hidden = item.get("is_hidden")
        hidden = hidden if isinstance(hidden, bool) else None
        link = _link(item, path, post_id)
        comments = _comments(item, path, post_id)
        if author is None:
            self.out.anomalies["posts_without_from"] += 1
            return
        if author != self.page_id:
            row = (post_id, self.page_id, "visitor_post", None, at, author, message, hidden, link)
            self.out.posts.append(row)
            self.out.counts["visitor_posts"] += 1
            self.walk_tree(comments, path, post_id, at)
            return
        row = (post_id, self.page_id, "page_post", None, at, None, message, hidden, link)
        self.out.posts.append(row)
        self.out.counts["page_posts"] += 1
        for node in comments:
            if not self.skip_invalid:
                self.page_comment(node, path, post_id)
                continue
            mark = _checkpoint(self.out)
            try:  # with --skip-invalid one bad comment does not take its siblings with it
                self.page_comment(node, path, post_id)
            except InputError as exc:
                _rollback(self.out, mark)
                self.out.rejected.append(Rejected(exc.path, exc.item_id, str(exc), _kept(node)))

    def page_comment(self, node: object, path: Path, post_id: str) -> None:
        """A top-level comment on the page's own post: an inbound item with its thread."""
        cid = _item_id(node, path)
        c_at = _timestamp(node.get("created_time"), path, cid, "created_time")
        c_author = _author(node, path, cid)
        c_message = _text(node.get("message"), path, cid, "message")
        thread = _comments(node, path, cid)
        if c_author is None:
            self.out.anomalies["comments_without_from"] += 1
            self.out.anomalies["replies_to_comments_without_from"] += sum(
                1 for n in thread if isinstance(n, dict) and _author(n, path, cid) == self.page_id
            )
            return
        if c_author == self.page_id:
            self.out.counts["page_comments_on_own_posts"] += 1
            return
        c_hidden = node.get("is_hidden") if isinstance(node.get("is_hidden"), bool) else None
        c_link = _link(node, path, cid)
        self.out.posts.append(
            (cid, self.page_id, "comment", post_id, c_at, c_author, c_message, c_hidden, c_link)
        )
        self.out.counts["comments"] += 1
        self.walk_tree(thread, path, cid, c_at)


MAX_COUNT = 10_000_000_000


def _page_object(folder: Path) -> dict:
    path = folder / "page.json"
    return page_record(_read_json(path), path)


def page_record(page: object, path: Path | str) -> dict:
    """The stored row of a page object (as the API returns it), validated and masked; `path`
    names where it came from in an error (a file, or the API call that returned it)."""
    if not isinstance(page, dict):
        raise InputError(path, "the page object must be a JSON object")
    for key in ("id", "name"):
        if not isinstance(page.get(key), str) or not page[key]:
            raise InputError(path, f"missing {key}")
        _utf8(page[key], path, None, key)

    def number(key: str) -> int | None:
        """A count of people: one larger than humanity is no count (and may be a personnummer
        written as a number), so it is not stored."""
        value = page.get(key)
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value < MAX_COUNT
        return value if ok else None

    def text_or_none(key: str) -> str | None:
        value = page.get(key)
        return _utf8(value, path, None, key) if isinstance(value, str) else None

    # every text of the page that is stored is masked as messages are: a page named after a
    # person or a phone number is the page's business, but the promise is no personal data
    category = text_or_none("category")
    return {
        "page_id": page["id"],
        "page_name": mask_text(page["name"]),
        "category": mask_text(category) if category is not None else None,
        "link": text_or_none("link"),
        "fan_count": number("fan_count"),
        "followers_count": number("followers_count"),
    }


def _feed_items(path: Path) -> list:
    doc = _read_json(path, fast=True)
    if not isinstance(doc, dict) or "data" not in doc:
        raise InputError(path, "expected an object with a data list")
    if not isinstance(doc["data"], list):
        raise InputError(path, "data is not a list")
    return doc["data"]


def _checkpoint(result: ParseResult) -> tuple[int, int]:
    return len(result.posts), len(result.replies)


def _rollback(result: ParseResult, mark: tuple[int, int]) -> None:
    del result.posts[mark[0] :]
    del result.replies[mark[1] :]


# What a quarantined item keeps: the fields the parser reads, minus the authors. Everything
# else (tagged people, reactions, attachments, unknown fields) may name someone: dropped.
def _kept(raw: object) -> object:
    return quarantine.masked_copy(raw, QUARANTINE_FIELDS)


# what of a rejected item is kept in quarantine: no authors, no tags
QUARANTINE_FIELDS = frozenset(
    {"id", "created_time", "message", "is_hidden", "permalink_url", "comments", "data"}
)


def parse_paths(
    paths: list[Path],
    *,
    skip_invalid: bool = False,
    progress: Callable[[int, int, ParseResult], None] | None = None,
    workers: int | None = None,
    pack: bool = False,
    key: bytes | None = None,
) -> ParseResult:
    """Parse every page folder under `paths`.

    Strict by default: the first problem raises an InputError naming the file (and item).
    With `skip_invalid`, a bad item or file is left out and recorded in `result.rejected`.
    With `pack`, each file's rows are kept compressed (`ParseResult.batches` reads them), not
    as Arrow tables (`ParseResult.tables`): a quarter of the memory. With `pack` and the data
    folder's pseudonymisation `key`, each file's rows are prepared for storage (masked and
    pseudonymised: `prepare.posts`, `prepare.replies`) before they are packed, in the process
    that parsed them, and `result.prepared` says so.
    """
    gc_was_on = gc.isenabled()
    gc.disable()  # millions of small containers, no cycles: collections would cost O(n²)
    try:
        return _parse_paths(paths, skip_invalid, progress, workers, pack, key if pack else None)
    finally:
        if gc_was_on:
            gc.enable()


PARALLEL_MIN_BYTES = 32 * 1024 * 1024  # smaller exports parse in one process (no start-up)


def _parse_paths(
    paths: list[Path], skip_invalid: bool, progress, workers: int | None, pack: bool, key
) -> ParseResult:
    folders = find_page_folders([Path(p) for p in paths])
    result = ParseResult()
    files: list[tuple[Path, str]] = []
    seen_pages: set[str] = set()
    for folder in folders:
        try:
            page = _page_object(folder)
        except InputError as exc:
            if not skip_invalid:
                raise
            result.rejected.append(Rejected(exc.path, None, str(exc)))
            continue
        if page["page_id"] in seen_pages:
            result.anomalies["duplicate_pages"] += 1
        else:
            result.pages.append(page)
            seen_pages.add(page["page_id"])
        feeds = sorted(folder.glob("feed*.json"))
        files.extend((f, page["page_id"]) for f in feeds)
        result.counts["pages"] += 1
    result.prepared = key is not None
    tasks = [(path, page_id, skip_invalid, pack, key) for path, page_id in files]
    for done, part in enumerate(_parsed_files(tasks, workers), start=1):
        if part.error is not None:  # strict mode: the first bad file in file order stops it
            raise InputError(*part.error)
        result.post_chunks += part.post_chunks
        result.reply_chunks += part.reply_chunks
        result.post_packs += part.post_packs
        result.reply_packs += part.reply_packs
        result.counts.update(part.counts)
        result.anomalies.update(part.anomalies)
        result.rejected += part.rejected
        if progress:
            progress(done, len(files), result)
    if not result.pages:
        first = f" ({result.rejected[0].reason})" if result.rejected else ""
        raise InputError(paths[0], f"no readable page found{first}")
    return result


def _parsed_files(tasks: list[tuple], workers: int | None) -> Iterator[ParseResult]:
    """Each feed file parsed, in file order: in this process, or for a big export in
    `workers` forked processes (default: one per core) that each parse whole files."""
    if workers is None:
        size = sum(_size(task[0]) for task in tasks)
        workers = min(os.cpu_count() or 1, 4) if size >= PARALLEL_MIN_BYTES else 1
    workers = min(workers, len(tasks))
    if workers <= 1:
        yield from map(_parse_file, tasks)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # pyarrow imports pandas (when installed) on its first pa.array(); done here, the forked
    # workers inherit it instead of each importing it again (0.3 s of a 100k-item ingest)
    pa.array([0])
    context = multiprocessing.get_context("fork")  # the parent's imports and state, at once
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        try:
            yield from pool.map(_parse_file, tasks)
        finally:
            pool.shutdown(cancel_futures=True)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def parse_items(parser: PageParser, items: list, path: Path | str) -> None:
    """Append the rows of these feed entries (posts with their comments nested) to the parser's
    result. Strict: the first bad item raises; with the parser's `skip_invalid` it is left out
    and recorded. Used for export files and for fetched feed pages alike."""
    part = parser.out
    for item in items:
        mark = _checkpoint(part)
        try:
            try:
                parser.post(item, path)
            except RecursionError:
                item_id = item.get("id") if isinstance(item, dict) else None
                raise InputError(path, "comments nested too deeply", item_id) from None
        except InputError as exc:
            if not parser.skip_invalid:
                raise
            _rollback(part, mark)
            part.rejected.append(Rejected(exc.path, exc.item_id, str(exc), _kept(item)))


def _parse_file(task: tuple) -> ParseResult:
    """One feed file's rows (Arrow tables, or packed), counts, anomalies and rejections. A
    strict-mode error comes back as `error` (path, message, item id), not raised: it crosses
    processes."""
    path, page_id, skip_invalid, pack, *rest = task  # GC is off: parse_paths turned it off
    key = rest[0] if rest else None
    part = ParseResult()
    parser = PageParser(page_id, part, skip_invalid)
    try:
        if FAST_PATH and _fast_read(path, page_id, part):
            part.counts["files"] += 1
            if pack:
                part.pack(key)
            return part
        try:
            items = _feed_items(path)
        except InputError as exc:
            if not skip_invalid:
                raise
            part.rejected.append(Rejected(exc.path, None, str(exc)))
            return part
        part.counts["files"] += 1
        parse_items(parser, items, path)
        del items
        if pack:
            part.pack(key)
        else:
            part.flush()
    except InputError as exc:
        part = ParseResult(error=(exc.path, exc.message, exc.item_id))
    return part


# --- The fast path ---------------------------------------------------------------------------
# A feed file read by Arrow's JSON reader into nested columns (four levels of comments), each
# node's part worked out level by level with numpy and checked a column at a time in Arrow. It
# reads the nodes `PageParser` reads, gives their rows in the same order, and checks at least
# what it checks; anything it cannot vouch for (any value of the
# wrong type or shape, a timestamp outside the plain `YYYY-MM-DDTHH:MM:SS[.fff[fff]]±HHMM` forms)
# hands the whole file to `PageParser`, whose rows, rejections and one-line errors are the
# reference. Checks, per node PageParser reads (posts, their comments, the threads it walks):
#   the node is an object; `id` is non-empty text; `created_time` is text, a valid date and time
#   with a UTC offset, in FIRST_YEAR–LAST_YEAR in UTC; `from` is missing/null or an object with
#   non-empty text `id`; `comments` is missing/null or an object whose `data` is a list; every
#   text read (id, from.id, message, permalink_url) is text (or null where allowed) that UTF-8
#   holds (no lone surrogate).

FAST_PATH = True  # tests turn it off to compare with PageParser alone


class _NotFast(Exception):
    """Something the fast path does not vouch for: PageParser reads the file."""


_ISO = (
    r"^(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})T(?P<h>[0-9]{2}):(?P<mi>[0-9]{2}):"
    r"(?P<s>[0-9]{2})(?:\.(?P<f>[0-9]{3}|[0-9]{6}))?"
    r"(?:(?P<z>Z)|(?P<sign>[+-])(?P<oh>[0-9]{2}):?(?P<om>[0-9]{2}))$"
)
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], np.int64)


def _utc_micros(stamps: pa.Array) -> np.ndarray:
    """Microseconds since the epoch (UTC) of ISO 8601 texts in the plain forms of `_ISO`, as
    `datetime.fromisoformat(…).astimezone(UTC)` reads them; _NotFast for anything else, and for
    an impossible date or time or a year outside FIRST_YEAR–LAST_YEAR in UTC."""
    if stamps.null_count:
        raise _NotFast
    # RE2 checks the form without captures (a DFA: a fraction of extract_regex's time); the
    # form fixes where each digit is, so the digits are read from the bytes by position
    if not pc.all(pc.match_substring_regex(stamps, _ISO)).as_py() and len(stamps):
        raise _NotFast
    n = len(stamps)
    if not n:
        return np.zeros(0, np.int64)
    stamps = pa.concat_arrays([stamps])  # offsets from zero
    _, offsets, data = stamps.buffers()
    starts = np.frombuffer(offsets, np.int32, n + 1, stamps.offset * 4).astype(np.int64)
    ends = starts[1:]
    starts = starts[:-1]
    chars = np.frombuffer(data, np.uint8)

    def at(pos: np.ndarray | int, width: int) -> np.ndarray:
        value = np.zeros(n, np.int64)
        for k in range(width):
            value = value * 10 + chars[pos + k] - 48
        return value

    y, mo, d = at(starts, 4), at(starts + 5, 2), at(starts + 8, 2)
    h, mi, s = at(starts + 11, 2), at(starts + 14, 2), at(starts + 17, 2)
    # the offset: Z (1 character), ±HHMM (5) or ±HH:MM (6); the fraction before it, if any
    zulu = chars[ends - 1] == ord("Z")
    colon = chars[ends - 3] == ord(":")
    tz_len = np.where(zulu, 1, np.where(colon, 6, 5))
    tz = ends - tz_len
    sign = np.where(chars[np.where(zulu, starts, tz)] == ord("-"), -1, 1)
    oh = np.where(zulu, 0, at(np.where(zulu, starts, tz + 1), 2))
    om = np.where(zulu, 0, at(np.where(zulu, starts, ends - 2), 2))
    flen = tz - starts - 20  # 3 or 6 digits after the dot, or -1: none
    micros = np.where(
        flen == 6,
        at(np.where(flen == 6, starts + 20, starts), 6),
        np.where(flen == 3, at(np.where(flen == 3, starts + 20, starts), 3) * 1000, 0),
    )
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    ok = (1 <= mo) & (mo <= 12)
    days_in = _MONTH_DAYS[np.where(ok, mo, 1)] + ((mo == 2) & leap)
    ok &= (1 <= d) & (d <= days_in) & (h <= 23) & (mi <= 59) & (s <= 59) & (oh <= 23) & (om <= 59)
    ok &= y >= 1
    if not ok.all():
        raise _NotFast
    # days from the civil date (H. Hinnant's algorithm; years >= 1 here)
    yy = y - (mo <= 2)
    era = yy // 400
    yoe = yy - era * 400
    doy = (153 * np.where(mo > 2, mo - 3, mo + 9) + 2) // 5 + d - 1
    days = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
    seconds = ((days * 24 + h) * 60 + mi) * 60 + s - sign * (oh * 3600 + om * 60)
    out = seconds * 1_000_000 + micros
    years = out.astype("datetime64[us]").astype("datetime64[Y]").astype(np.int64) + 1970
    if len(out) and not (FIRST_YEAR <= years.min() and years.max() <= LAST_YEAR):
        raise _NotFast
    return out


def _node_type(depth: int) -> pa.DataType:
    """A feed entry's fields PageParser reads, with `depth` more levels of comments below."""
    text = pa.string()
    fields = [
        ("id", text),
        ("created_time", text),
        ("from", pa.struct([("id", text)])),
        ("message", text),
        ("is_hidden", pa.bool_()),
        ("permalink_url", text),
    ]
    if depth:
        fields.append(("comments", pa.struct([("data", pa.list_(_node_type(depth - 1)))])))
    return pa.struct(fields)


# Posts, comments, replies to them and one level more (the Graph API nests two levels of
# comments); a file with deeper comments goes to PageParser.
FAST_LEVELS = 4
_FEED_SCHEMA = pa.schema([("data", pa.list_(_node_type(FAST_LEVELS - 1)))])
_JSON_READ = pajson.ReadOptions(use_threads=False, block_size=1 << 30)
# "infer": fields PageParser does not read are typed too, so their depth can be checked
_JSON_PARSE = pajson.ParseOptions(
    explicit_schema=_FEED_SCHEMA, unexpected_field_behavior="infer", newlines_in_values=True
)
MAX_FAST_DEPTH = 200  # far below the 1,000 levels where json and orjson stop


def _depth(t: pa.DataType) -> int:
    if pa.types.is_struct(t):
        return 1 + max((_depth(f.type) for f in t), default=0)
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return 1 + _depth(t.value_type)
    return 0


def _floats(t: pa.DataType) -> bool:
    if pa.types.is_floating(t):
        return True
    if pa.types.is_struct(t):
        return any(_floats(f.type) for f in t)
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return _floats(t.value_type)
    return False


def _fast_read(path: Path, page_id: str, out: ParseResult) -> bool:
    """`_fast_file` of the file at `path`; False where it cannot be read (PageParser says why)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return False
    return _fast_file(page_id, raw, out)


def _fast_file(page_id: str, raw: bytes, out: ParseResult) -> bool:
    """The rows of one feed file added to `out` by the fast path; False (and `out` untouched)
    where PageParser must read the file instead."""
    try:
        posts, replies, counts, anomalies = _fast_rows(page_id, raw)
    except (_NotFast, pa.ArrowException, UnicodeDecodeError, RecursionError):
        return False
    if posts.num_rows:
        out.post_chunks.append(posts)
    if replies.num_rows:
        out.reply_chunks.append(replies)
    out.counts.update({k: v for k, v in counts.items() if v})
    out.anomalies.update({k: v for k, v in anomalies.items() if v})
    return True


def _json_table(raw: bytes) -> pa.Table:
    """A feed file read by Arrow's JSON reader, where that reader accepts no more than the
    standard library's json does: _NotFast (or the reader's error) otherwise."""
    # Arrow's reader is more lenient than json in these ways, each checked here: it skips a
    # BOM, reads several documents (or none) as rows, takes Inf, -Inf and -NaN, takes bad UTF-8
    # and any depth in fields it does not type, and reads a too-long integer as inf.
    if raw.startswith(b"\xef\xbb\xbf") or b"Inf" in raw or b"NaN" in raw:
        raise _NotFast
    raw.decode("utf-8")  # UnicodeDecodeError: not UTF-8 (PageParser names the byte)
    table = pajson.read_json(pa.py_buffer(raw), read_options=_JSON_READ, parse_options=_JSON_PARSE)
    if table.num_rows != 1 or _depth(pa.struct(list(table.schema))) > MAX_FAST_DEPTH:
        raise _NotFast
    if _floats(pa.struct([f for f in table.schema if f.name != "data"])) or _floats(
        table.schema.field("data").type
    ):
        raise _NotFast  # a number json may refuse (too long an integer) or read otherwise
    return table


def _valid_text(values: pa.Array) -> None:
    """_NotFast if any of these texts is null or empty."""
    if values.null_count or pc.any(pc.equal(pc.binary_length(values), 0)).as_py():
        raise _NotFast


# What PageParser makes of a node (see PageParser.post, page_comment and walk_tree): not read,
# a post without `from`, a visitor's post, the page's post, a node of a thread it walks (a reply,
# talk or a hidden author), a comment on the page's post without `from`, by the page itself, by
# a visitor (an inbound item), a node under a comment without `from` (only its author counted).
UNSEEN, NO_FROM, VISITOR, PAGE, WALK, C_NO_FROM, C_OWN, C_IN, COUNTED = range(9)


def _fast_rows(page_id: str, raw: bytes):
    table = _json_table(raw)
    data = table.column("data").combine_chunks()
    if data.null_count:
        raise _NotFast  # no data list
    levels = []  # per level: its nodes' fields, parent index, and ancestors at each level
    nodes = data.flatten()
    parents = np.zeros(len(nodes), np.int64) - 1
    for depth in range(FAST_LEVELS):
        if nodes.null_count:
            raise _NotFast  # an entry that is no object
        cols = {f.name: nodes.field(i) for i, f in enumerate(nodes.type)}
        if depth == FAST_LEVELS - 1 or "comments" not in cols:
            if "comments" in cols and cols["comments"].null_count < len(nodes):
                raise _NotFast  # comments deeper than the fast path reads
            levels.append((cols, parents, None))
            break
        box = cols["comments"]
        kids_list = box.flatten()[box.type.get_field_index("data")]  # null where box is
        # a comments object without a data list
        if pc.any(pc.and_(box.is_valid(), kids_list.is_null())).as_py():
            raise _NotFast
        kids = kids_list.flatten()
        kid_parents = pc.list_parent_indices(kids_list).to_numpy().astype(np.int64)
        levels.append((cols, parents, kids_list))
        nodes, parents = kids, kid_parents
        if not len(nodes):
            break

    # What PageParser makes of each node, level by level (see PageParser.post/page_comment/
    # walk_tree): role, author, and for a node of a thread the index of its inbound item.
    roles, authors, items, stamp_cols = [], [], [], []
    id_cols = []
    for depth, (cols, parents, _) in enumerate(levels):
        n = len(cols["id"])
        who = cols["from"]
        author = who.flatten()[who.type.get_field_index("id")]  # null where from is
        has_from = who.is_valid().to_numpy(zero_copy_only=False)
        # from without an id, or with an empty one (checked for the nodes PageParser reads)
        bad_from = has_from & _np(pc.fill_null(pc.equal(pc.binary_length(author), 0), True))
        is_page = _np(pc.fill_null(pc.equal(author, page_id), False))
        no_from = ~has_from
        role = np.zeros(n, np.int8)
        item = np.full(n, -1, np.int64)  # global node key (depth, index) of the inbound item
        if depth == 0:
            role[:] = np.where(no_from, NO_FROM, np.where(is_page, PAGE, VISITOR))
            item[role == VISITOR] = np.nonzero(role == VISITOR)[0]
        else:
            up = roles[depth - 1][parents]
            up_item = items[depth - 1][parents]
            if depth == 1:
                role = np.where(up == VISITOR, WALK, role)
                item = np.where(up == VISITOR, parents, item)
                under_page = up == PAGE
                role = np.where(under_page & no_from, C_NO_FROM, role)
                role = np.where(under_page & has_from & is_page, C_OWN, role)
                role = np.where(under_page & has_from & ~is_page, C_IN, role)
            else:
                role = np.where(up == WALK, WALK, role)
                item = np.where(up == WALK, up_item, item)
                role = np.where(up == C_IN, WALK, role)
                item = np.where(up == C_IN, parents + (1 << 40), item)  # an inbound comment
                role = np.where(up == C_NO_FROM, COUNTED, role)
            role = role.astype(np.int8)
        seen = role != UNSEEN
        read = seen & (role != COUNTED)
        if (bad_from & seen).any():
            raise _NotFast
        ids = cols["id"]
        if (_np(pc.fill_null(pc.equal(pc.binary_length(ids), 0), True)) & read).any():
            raise _NotFast  # no id, or an empty one
        stamp_cols.append(pc.filter(cols["created_time"], pa.array(read)))
        roles.append(role)
        authors.append((author, is_page, has_from))
        items.append(item)
        id_cols.append(ids)
    micros = _utc_micros(pa.concat_arrays(stamp_cols)) if stamp_cols else np.zeros(0, np.int64)
    # back to each level's nodes: the read nodes' instants in level order
    at_cols, offset = [], 0
    for depth in range(len(levels)):
        read = (roles[depth] != UNSEEN) & (roles[depth] != COUNTED)
        at = np.zeros(len(read), np.int64)
        k = int(read.sum())
        at[read] = micros[offset : offset + k]
        offset += k
        at_cols.append(at)
    return _fast_tables(page_id, levels, roles, authors, items, id_cols, at_cols)


def _np(values: pa.Array) -> np.ndarray:
    return values.to_numpy(zero_copy_only=False)


def _fast_tables(page_id, levels, roles, authors, items, id_cols, at_cols):
    """The raw posts and replies of the nodes' roles, in PageParser's order (depth first:
    each node before its comments), with its counts and anomalies."""
    # each node's index at every level above it and its own: the depth-first order
    ancestors = [[np.arange(len(roles[0]))]]
    for depth in range(1, len(levels)):
        parents = levels[depth][1]
        ancestors.append([a[parents] for a in ancestors[-1]] + [np.arange(len(roles[depth]))])
    ts = lambda depth, rows: pa.array(at_cols[depth][rows], TS)  # noqa: E731
    none = pa.scalar(None, pa.string())

    def take(depth: int, name: str, rows: np.ndarray) -> pa.Array:
        return levels[depth][0][name].take(pa.array(rows, pa.int64()))

    # posts: visitor and page posts, and the inbound comments on the page's posts
    r0 = np.nonzero((roles[0] == VISITOR) | (roles[0] == PAGE))[0]
    r1 = np.nonzero(roles[1] == C_IN)[0] if len(levels) > 1 else np.zeros(0, np.int64)
    keys0 = np.stack([r0, np.full(len(r0), -1)])
    keys1 = np.stack([ancestors[1][0][r1], r1]) if len(r1) else np.zeros((2, 0), np.int64)
    keys = np.concatenate([keys0, keys1], axis=1)
    order = pa.array(np.lexsort(keys[::-1]), pa.int64())
    visitor0 = roles[0][r0] == VISITOR
    author0 = pc.if_else(pa.array(visitor0), authors[0][0].take(pa.array(r0, pa.int64())), none)
    n0, n1 = len(r0), len(r1)
    parent1 = id_cols[0].take(pa.array(ancestors[1][0][r1] if n1 else r1, pa.int64()))

    def both(a0: pa.Array, a1: pa.Array) -> pa.Array:
        return pa.concat_arrays([a0, a1] if n1 else [a0]).take(order)

    def field(name: str) -> pa.Array:
        return both(take(0, name, r0), take(1, name, r1) if n1 else None)

    def field_ts() -> pa.Array:
        return both(ts(0, r0), ts(1, r1) if n1 else None)

    kind0 = pc.if_else(pa.array(visitor0, pa.bool_()), "visitor_post", "page_post")
    posts = pa.table(
        [
            field("id"),
            pa.repeat(pa.scalar(page_id, pa.string()), n0 + n1),
            both(kind0.cast(pa.string()), pa.repeat(pa.scalar("comment", pa.string()), n1)),
            both(pa.nulls(n0, pa.string()), parent1),
            field_ts(),
            both(author0.cast(pa.string()), authors[1][0].take(pa.array(r1)) if n1 else None),
            field("message"),
            field("is_hidden"),
            field("permalink_url"),
        ],
        schema=RAW_POSTS_SCHEMA,
    )
    # replies: the page's nodes in the threads walked, under their inbound item
    reply_ids, reply_items, reply_at, reply_msg, reply_keys = [], [], [], [], []
    for depth in range(1, len(levels)):
        rows = np.nonzero((roles[depth] == WALK) & authors[depth][1])[0]
        if not len(rows):
            continue
        ref = items[depth][rows]
        on_comment = ref >= (1 << 40)
        item_ids = pc.if_else(
            pa.array(on_comment),
            id_cols[1].take(pa.array(np.where(on_comment, ref - (1 << 40), 0), pa.int64()))
            if len(id_cols) > 1
            else none,
            id_cols[0].take(pa.array(np.where(on_comment, 0, ref), pa.int64())),
        )
        reply_ids.append(take(depth, "id", rows))
        reply_items.append(item_ids)
        reply_at.append(ts(depth, rows))
        reply_msg.append(take(depth, "message", rows))
        key = np.full((FAST_LEVELS, len(rows)), -1, np.int64)
        for level, a in enumerate(ancestors[depth]):
            key[level] = a[rows]
        reply_keys.append(key)
    if reply_ids:
        order = pa.array(np.lexsort(np.concatenate(reply_keys, axis=1)[::-1]), pa.int64())
        cat = lambda parts, t: pa.concat_arrays([p.cast(t) for p in parts]).take(order)  # noqa: E731
        replies = pa.table(
            [
                cat(reply_ids, pa.string()),
                pa.repeat(pa.scalar(page_id, pa.string()), len(order)),
                cat(reply_items, pa.string()),
                cat(reply_at, TS),
                cat(reply_msg, pa.string()),
            ],
            schema=REPLIES_SCHEMA,
        )
    else:
        replies = REPLIES_SCHEMA.empty_table()
    walk = [(roles[d] == WALK) for d in range(len(levels))]
    page_of = [authors[d][1] for d in range(len(levels))]
    from_of = [authors[d][2] for d in range(len(levels))]
    total = lambda masks: int(sum(m.sum() for m in masks))  # noqa: E731
    counts = {
        "visitor_posts": int((roles[0] == VISITOR).sum()),
        "page_posts": int((roles[0] == PAGE).sum()),
        "comments": n1,
        "replies": total(w & p for w, p in zip(walk, page_of, strict=True)),
        "conversation": total(w & f & ~p for w, f, p in zip(walk, from_of, page_of, strict=True)),
        "page_comments_on_own_posts": total(r == C_OWN for r in roles),
    }
    anomalies = {
        "posts_without_from": int((roles[0] == NO_FROM).sum()),
        "comments_without_from": total(w & ~f for w, f in zip(walk, from_of, strict=True))
        + total(r == C_NO_FROM for r in roles),
        "replies_to_comments_without_from": total(
            (r == COUNTED) & p for r, p in zip(roles, page_of, strict=True)
        ),
    }
    return posts, replies, counts, anomalies
