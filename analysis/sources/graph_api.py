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

import orjson
import pyarrow as pa

from analysis.contract import FIRST_YEAR, LAST_YEAR
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
) -> ParseResult:
    """Parse every page folder under `paths`.

    Strict by default: the first problem raises an InputError naming the file (and item).
    With `skip_invalid`, a bad item or file is left out and recorded in `result.rejected`.
    With `pack`, each file's rows are kept compressed (`ParseResult.batches` reads them), not
    as Arrow tables (`ParseResult.tables`): a sixth of the memory.
    """
    gc_was_on = gc.isenabled()
    gc.disable()  # millions of small containers, no cycles: collections would cost O(n²)
    try:
        return _parse_paths(paths, skip_invalid, progress, workers, pack)
    finally:
        if gc_was_on:
            gc.enable()


PARALLEL_MIN_BYTES = 32 * 1024 * 1024  # smaller exports parse in one process (no start-up)


def _parse_paths(
    paths: list[Path], skip_invalid: bool, progress, workers: int | None, pack: bool
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
    tasks = [(path, page_id, skip_invalid, pack) for path, page_id in files]
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


def _parse_file(task: tuple[Path, str, bool, bool]) -> ParseResult:
    """One feed file's rows (Arrow tables, or packed), counts, anomalies and rejections. A
    strict-mode error comes back as `error` (path, message, item id), not raised: it crosses
    processes."""
    path, page_id, skip_invalid, pack = task  # GC is off: parse_paths turned it off before forking
    part = ParseResult()
    parser = PageParser(page_id, part, skip_invalid)
    try:
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
            part.pack()
        else:
            part.flush()
    except InputError as exc:
        part = ParseResult(error=(exc.path, exc.message, exc.item_id))
    return part
