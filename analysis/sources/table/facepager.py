"""Facepager CSV exports, read as the long format.

Facepager (a researchers' tool for the Graph API) exports its node tree: one row per node with
its own `id`, the `parent_id` of its parent node (Facepager's ids, not Facebook's), the
Facebook `object_id`, `object_type` (`seed` for the page a query started from, `data` for what
the API returned) and the fields of the preset (`created_time`, `message`, `from.id`, …). Only
with `from.id` can the page's own replies be told from the public's; without it the export is
refused. `from.name` is read only on the page's own rows (its name).
"""

from __future__ import annotations

from collections import Counter

from analysis.errors import InputError
from analysis.sources.buffer import ParseResult, Rejected
from analysis.sources.table import values
from analysis.sources.table.long import Row, _kept
from analysis.sources.table.read import Sheet
from analysis.sources.table.values import CellError

MARKERS = ("object_id", "object_type", "query_status", "query_type", "level")
NO_FROM = (
    "a Facepager export without a from.id column cannot tell the page's replies from the "
    "public's: add from.id to Facepager's column setup (and from to the query's fields), "
    "then export again"
)


def score(names: list[str]) -> int:
    found = set(names)
    if not {"object_id", "parent_id"} <= found:
        return 0
    return 20 + len(found & set(MARKERS))


def rows(
    sheet: Sheet, header: int, names: list[str], zones: values.Zones, out: ParseResult,
    skip_invalid: bool,
) -> tuple[list[Row], list[str]]:  # fmt: skip
    """The export's data nodes as long-format rows, and notes on what was assumed."""
    index = {n: i for i, n in reversed(list(enumerate(names)))}
    if "from.id" not in index:
        raise InputError(sheet.where(), NO_FROM)
    if "created_time" not in index:
        raise InputError(sheet.where(), "a Facepager export needs a created_time column")
    has_id = "id" in index

    def get(cells, name):
        i = index.get(name)
        return cells[i] if i is not None and i < len(cells) else None

    nodes: dict[str, tuple[int, list]] = {}
    for number, cells in sheet.rows[header + 1 :]:
        key = values.text(get(cells, "id"), "id") if has_id else None
        nodes[key or f"row{number}"] = (number, cells)
    # each data node's seed (the page the query started from)
    seeds: dict[str, str] = {}

    def seed_of(key: str, depth: int = 0) -> str | None:
        if key in seeds:
            return seeds[key]
        _, cells = nodes[key]
        parent = values.text(get(cells, "parent_id"), "parent_id")
        kind = (values.text(get(cells, "object_type"), "object_type") or "data").lower()
        if kind == "seed" or not parent or parent not in nodes or depth > 64:
            found = key if kind == "seed" or not parent else None
        else:
            found = seed_of(parent, depth + 1)
        seeds[key] = found
        return found

    data_keys = [
        k
        for k, (_, cells) in nodes.items()
        if (values.text(get(cells, "object_type"), "object_type") or "data").lower() == "data"
    ]
    # the page's own id: the seed's object_id when its posts are by it, else the author of most
    # of the seed's first-level posts (a seed may be the page's name)
    page_of_seed: dict[str, str] = {}
    notes = []
    by_seed: dict[str, Counter] = {}
    for k in data_keys:
        seed = seed_of(k)
        _, cells = nodes[k]
        if seed is not None and values.text(get(cells, "parent_id"), "parent_id") == seed:
            author = values.text(get(cells, "from.id"), "from.id")
            if author:
                by_seed.setdefault(seed, Counter())[author] += 1
    for seed, authors in by_seed.items():
        object_id = values.text(get(nodes[seed][1], "object_id"), "object_id") or seed
        if object_id in authors:
            page_of_seed[seed] = object_id
        else:
            page_of_seed[seed] = authors.most_common(1)[0][0]
            notes.append(
                f"{sheet.where()}: page {object_id!r} taken to be the author "
                f"{page_of_seed[seed]!r} of most of its posts"
            )
    page_names: dict[str, str] = {}
    for k in data_keys:  # the page's name: the seed's, else what its own rows are signed
        seed = seed_of(k)
        cells = nodes[k][1]
        if seed in page_of_seed and seed not in page_names:
            named = values.text(get(nodes[seed][1], "name"), "name")
            if not named and values.text(get(cells, "from.id"), "from.id") == page_of_seed[seed]:
                named = values.text(get(cells, "from.name"), "from.name")
            if named:
                page_names[seed] = named
    found: list[Row] = []
    for k in data_keys:
        number, cells = nodes[k]
        seed = seed_of(k)
        where = sheet.where(number)
        raw = {
            "item_id": values.text(get(cells, "object_id"), "object_id"),
            "created_time": values.text(get(cells, "created_time"), "created_time"),
            "message": values.text(get(cells, "message"), "message"),
        }
        try:
            if seed is None:
                raise CellError("parent_id", "leads to no seed node of the export")
            page_id = page_of_seed.get(seed)
            if page_id is None:
                continue  # a seed without posts by anyone: nothing to read
            parent = values.text(get(cells, "parent_id"), "parent_id")
            parent_object = None
            if parent != seed:
                parent_object = values.identifier(get(nodes[parent][1], "object_id"), "object_id")
            at = values.timestamp(get(cells, "created_time"), "created_time", zones, page_id)
            if at is None:
                raise CellError("created_time", "is empty")
            name = page_names.get(seed)
            row = Row(
                where=where,
                item_id=values.identifier(get(cells, "object_id"), "object_id"),
                page_id=page_id,
                page_name=name,
                parent_id=parent_object,
                at=at,
                author_id=values.identifier(get(cells, "from.id"), "from.id", required=False),
                is_page=None,
                message=values.text(get(cells, "message"), "message"),
                hidden=values.boolean(get(cells, "is_hidden"), "is_hidden"),
                link=values.text(get(cells, "permalink_url"), "permalink_url"),
                raw=raw,
            )
        except CellError as exc:
            error = InputError(where, str(exc))
            if not skip_invalid:
                raise error from None
            out.rejected.append(Rejected(error.path, raw["item_id"], str(error), _kept(raw)))
            continue
        found.append(row)
    return found, notes
