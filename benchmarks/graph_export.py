"""Write a Facebook Graph API export of a snapshot's data, fast enough for millions of items.

The export has the shape `analysis.sources.graph_api` reads and the API returns: one folder per
page with `page.json` and several `feed_NNN.json` files (newest posts first, `paging` links), each
post with its comments nested under `comments.data`, and each comment with its own thread. Page
replies to a visitor post are comments under it; page replies to a top-level comment sit in that
comment's thread. Every fifth inbound item also gets a visitor's comment in its tree
(conversation, which the ingest must walk and skip).

Instead of building millions of dicts for `json.dumps`, every node's JSON text is assembled with
Arrow string kernels, column-wise, and children are joined into their parents with list offsets;
only distinct messages with unusual control characters go through `json.dumps`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

STR = pa.large_string()
POSTS_PER_FILE = 500
CONVERSATION_EVERY = 5
VISITOR_NAME = '"Besökare"'
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"


@dataclass(frozen=True)
class ExportInfo:
    path: Path
    pages: int
    files: int
    bytes: int
    inbound_items: int
    replies: int
    conversation: int


def _s(value: str) -> pa.Scalar:
    return pa.scalar(value, STR)


def _cat(*parts) -> pa.Array:
    """Concatenate string columns and literals row-wise."""
    args = [_s(p) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*args, _s(""))


def json_strings(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Each value as a JSON string literal (with quotes); null as `null`."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    values = values.cast(STR)
    out = values
    for char, escaped in (
        ("\\", "\\\\"),
        ('"', '\\"'),
        ("\n", "\\n"),
        ("\r", "\\r"),
        ("\t", "\\t"),
    ):
        out = pc.replace_substring(out, char, escaped)
    out = _cat('"', out, '"')
    odd = pc.fill_null(pc.match_substring_regex(values, _CONTROL), False)
    if pc.any(odd).as_py():
        rows = np.flatnonzero(np.asarray(odd))
        fixed = [json.dumps(v, ensure_ascii=False) for v in values.take(rows).to_pylist()]
        mask = np.zeros(len(values), dtype=bool)
        mask[rows] = True
        out = pc.replace_with_mask(out, pa.array(mask), pa.array(fixed, STR))
    return pc.fill_null(out, _s("null"))


def _timestamps(col: pa.Array) -> pa.Array:
    """The API's format, 2017-01-02T10:00:00+0000 (whole seconds)."""
    secs = col.cast(pa.timestamp("s", tz="UTC"), safe=False)
    return pc.strftime(secs, format="%Y-%m-%dT%H:%M:%S%z").cast(STR)


def _children(
    parent: np.ndarray, order_key: np.ndarray, nodes: pa.Array, n_parents: int
) -> pa.Array:
    """Per parent, the `,"comments":{…}` member holding its children's JSON (or "")."""
    order = np.lexsort((order_key, parent))
    counts = np.bincount(parent, minlength=n_parents)
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    lists = pa.LargeListArray.from_arrays(pa.array(offsets), nodes.take(pa.array(order)))
    joined = pc.binary_join(lists, _s(","))
    member = _cat(',"comments":{"data":[', joined, '],"paging":{"cursors":{"before":"MA"}}}')
    return pc.if_else(pa.array(counts > 0), member, _s(""))


def _node(ids, times, message_json, from_part, children=None) -> pa.Array:
    parts = ['{"id":"', ids, '","created_time":"', times, '","message":', message_json, from_part]
    if children is not None:
        parts.append(children)
    parts.append("}")
    return _cat(*parts)


def _from(author_ids: pa.Array, name_json: str | pa.Array) -> pa.Array:
    """`,"from":{…}`, or "" where the author is hidden (null)."""
    part = _cat(',"from":{"id":"', author_ids.cast(STR), '","name":', name_json, "}")
    return pc.fill_null(part, _s(""))


def _page(
    folder: Path, page: dict, posts: pa.Table, replies: pa.Table, posts_per_file: int
) -> tuple[int, int, int]:
    """Write one page folder; returns (files, bytes, conversation nodes)."""
    folder.mkdir(parents=True, exist_ok=True)
    page_json = json.dumps(
        {
            "id": page["page_id"],
            "name": page["page_name"],
            **{
                k: page[k]
                for k in ("category", "link", "fan_count", "followers_count")
                if page.get(k) is not None
            },
        },
        ensure_ascii=False,
    )
    (folder / "page.json").write_text(page_json, encoding="utf-8")
    pid = page["page_id"]
    page_from = f',"from":{{"id":{json.dumps(pid)},"name":{json.dumps(page["page_name"])}}}'

    n = posts.num_rows
    post_ids = posts["post_id"].combine_chunks()
    kind = posts["kind"].combine_chunks()
    created = posts["created_at"].combine_chunks()
    created_us = created.cast(pa.int64()).to_numpy(zero_copy_only=False)
    times = _timestamps(created)
    messages = json_strings(posts["message"])
    is_page_post = np.asarray(pc.equal(kind, "page_post"))
    inbound = np.flatnonzero(~is_page_post)

    # level 2/1: page replies (and conversation) under each inbound item
    r_parent = pc.index_in(replies["item_id"], value_set=post_ids)
    keep = np.asarray(pc.is_valid(r_parent))
    r = replies.filter(pa.array(keep))
    r_parent = r_parent.filter(pa.array(keep)).to_numpy(zero_copy_only=False).astype(np.int64)
    r_nodes = _node(
        r["reply_id"].combine_chunks().cast(STR),
        _timestamps(r["created_at"].combine_chunks()),
        json_strings(r["message"]),
        page_from,
    )
    r_key = r["created_at"].combine_chunks().cast(pa.int64()).to_numpy(zero_copy_only=False)
    talk = inbound[::CONVERSATION_EVERY]
    talk_ids = pc.binary_join_element_wise(
        post_ids.take(pa.array(talk)).cast(STR), _s("x"), _s("_")
    )
    talk_nodes = _node(
        talk_ids,
        times.take(pa.array(talk)),
        '"Samma fråga här"',
        ',"from":{"id":"v_talk","name":' + VISITOR_NAME + "}",
    )
    child_nodes = pa.concat_arrays([r_nodes, talk_nodes])
    child_parent = np.concatenate([r_parent, talk])
    child_key = np.concatenate([r_key, created_us[talk] + 1])
    threads = _children(child_parent, child_key, child_nodes, n)

    authors = posts["author_key"].combine_chunks()
    from_part = pc.if_else(pa.array(is_page_post), _s(page_from), _from(authors, VISITOR_NAME))
    # inbound items carry their threads; page posts get their comments next
    nodes = _node(post_ids.cast(STR), times, messages, from_part, threads)

    # level 1: comments under page posts
    is_comment = np.asarray(pc.equal(kind, "comment"))
    comment_rows = np.flatnonzero(is_comment)
    c_parent = pc.index_in(
        posts["parent_id"].combine_chunks().take(comment_rows), value_set=post_ids
    )
    c_valid = np.asarray(pc.is_valid(c_parent))
    comment_rows = comment_rows[c_valid]
    c_parent_idx = (
        c_parent.filter(pa.array(c_valid)).to_numpy(zero_copy_only=False).astype(np.int64)
    )
    comments = _children(c_parent_idx, created_us[comment_rows], nodes.take(comment_rows), n)
    pp = pa.array(np.flatnonzero(is_page_post))
    page_post_nodes = _node(
        post_ids.take(pp).cast(STR), times.take(pp), messages.take(pp), page_from, comments.take(pp)
    )
    nodes = pc.replace_with_mask(nodes, pa.array(is_page_post), page_post_nodes)
    top = np.flatnonzero(is_page_post | np.asarray(pc.equal(kind, "visitor_post")))
    top = top[np.argsort(-created_us[top], kind="stable")]  # newest first, as the API pages
    top_nodes = nodes.take(pa.array(top))

    files = max(2, -(-len(top) // posts_per_file)) if len(top) else 0
    bounds = np.linspace(0, len(top), files + 1).astype(np.int64) if files else np.zeros(1, int)
    bodies = pc.binary_join(pa.LargeListArray.from_arrays(pa.array(bounds), top_nodes), _s(","))
    written = 0
    for i, body in enumerate(bodies, start=1):
        nxt = f"https://graph.facebook.com/v2.8/{pid}/feed?limit={posts_per_file}&after=P{i}"
        paging = f'],"paging":{{"cursors":{{"before":"P{i - 1}","after":"P{i}"}},"next":"{nxt}"}}}}'
        data = b'{"data":[' + body.as_buffer().to_pybytes() + paging.encode()
        (folder / f"feed_{i:03d}.json").write_bytes(data)
        written += len(data)
    return files, written, len(talk)


def _split_by_page(snapshot: Path, work: Path) -> None:
    """Posts and replies as one Parquet folder per page (work/<table>/page_id=<id>/), so a page
    is read alone: holding a 20M-item snapshot's texts and their JSON at once outgrows memory.
    DuckDB partitions within its memory limit (it spills beyond)."""
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("set memory_limit = '2GB'")
        con.execute("set enable_progress_bar = false")
        con.execute(f"set temp_directory = '{work / 'spill'}'")
        for table, columns in _COLUMNS.items():
            rows = con.read_parquet(str(snapshot / f"{table}.parquet"), file_row_number=True)
            rows.select(*columns, "file_row_number").write_parquet(
                str(work / table), partition_by=["page_id"], write_partition_columns=True
            )
    finally:
        con.close()


def _read_page(work: Path, table: str, page_id: str) -> pa.Table:
    folder = work / table / f"page_id={page_id}"
    columns = _COLUMNS[table]
    if not folder.exists():
        schema = pq.read_schema(next((work / table).glob("*/*.parquet")))
        return schema.empty_table().select(columns)
    parts = [
        pq.read_table(f, columns=[*columns, "file_row_number"]) for f in folder.glob("*.parquet")
    ]
    # the snapshot's own row order, which decides which items get a conversation node
    table = pa.concat_tables(parts)
    return table.sort_by("file_row_number").select(columns).combine_chunks()


_COLUMNS = {
    "posts": ["post_id", "page_id", "kind", "parent_id", "created_at", "author_key", "message"],
    "replies": ["reply_id", "page_id", "item_id", "created_at", "message"],
}


def write_export(snapshot: Path, out: Path, posts_per_file: int = POSTS_PER_FILE) -> ExportInfo:
    """Write the pages, posts and replies of one snapshot folder as a Graph API export in `out`."""
    import shutil
    import tempfile

    snapshot, out = Path(snapshot), Path(out)
    pages = pq.read_table(snapshot / "pages.parquet").to_pylist()
    out.mkdir(parents=True, exist_ok=True)
    files = size = talk = inbound = replies = 0
    work = Path(tempfile.mkdtemp(prefix=".split-", dir=out.parent))
    try:
        _split_by_page(snapshot, work)
        for page in pages:
            pid = page["page_id"]
            posts = _read_page(work, "posts", pid)
            page_replies = _read_page(work, "replies", pid)
            f, b, t = _page(out / f"page_{pid}", page, posts, page_replies, posts_per_file)
            files, size, talk = files + f, size + b, talk + t
            inbound += int(pc.sum(pc.invert(pc.equal(posts["kind"], "page_post"))).as_py() or 0)
            replies += page_replies.num_rows
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return ExportInfo(out, len(pages), files, size, inbound, replies, talk)
