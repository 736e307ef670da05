"""Preparing one batch of a source's rows for storage: checked against the contract, personal
data masked, visitors pseudonymised, the text rules applied. Pure functions of their input; the
writer (`writer.py`) decides where the results go."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from analysis.contract import (
    PAGES_SCHEMA,
    POST_KINDS,
    POSTS_SCHEMA,
    RAW_POSTS_SCHEMA,
    REPLIES_SCHEMA,
)
from analysis.errors import InputError
from analysis.snapshot import privacy, text


def _conform(table: pa.Table, schema: pa.Schema, name: str) -> pa.Table:
    """The columns of `schema` from `table`, or a one-line error naming the table and column."""
    missing = [f.name for f in schema if f.name not in table.column_names]
    if missing:
        raise InputError(name, f"missing column(s) {', '.join(missing)}")
    try:
        return table.select(schema.names).cast(schema)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputError(name, f"column of the wrong type ({exc})") from None


def pages(table: pa.Table) -> pa.Table:
    return _conform(table, PAGES_SCHEMA, "pages")


def found_personnummer(
    raw: pa.Array | pa.ChunkedArray, masked: pa.Array | pa.ChunkedArray
) -> pa.Array:
    """True where masking replaced at least one personal identity or co-ordination number: the
    masked text holds more personnummer mask tokens than the raw one (a visitor may have typed
    the token itself). Only this flag is kept, never the number."""
    token = privacy.PERSONNUMMER_MASK
    before = pc.fill_null(pc.count_substring(raw, token), 0)
    after = pc.fill_null(pc.count_substring(masked, token), 0)
    return pc.greater(after, before)


def posts(raw: pa.Table, key: bytes, questions: pa.Array | None = None) -> pa.Table:
    """Stored posts from raw ones: messages masked and cut, visitors pseudonymised, questions
    marked (from the text, or because the source knows: `questions`, ids of answer-log rows),
    the finding of a personnummer flagged."""
    raw = _conform(raw, RAW_POSTS_SCHEMA, "posts")
    bad = pc.invert(pc.is_in(raw["kind"], value_set=pa.array(POST_KINDS)))
    if pc.any(bad).as_py():
        raise InputError("posts", "kind must be one of " + ", ".join(POST_KINDS))
    message = raw["message"]
    masked = privacy.mask_messages(message)
    asks = text.is_question(masked)
    if questions is not None and len(questions):
        asks = pc.or_(asks, pc.is_in(raw["post_id"], value_set=questions))
    return pa.table(
        {
            "post_id": raw["post_id"],
            "page_id": raw["page_id"],
            "kind": raw["kind"],
            "parent_id": raw["parent_id"],
            "created_at": raw["created_at"],
            "author_key": privacy.pseudonymise(raw["author_id"], key),
            "message": text.truncate(masked),
            "message_length": pc.fill_null(pc.utf8_length(message), 0).cast(pa.int64()),
            "is_question": asks,
            "is_hidden": raw["is_hidden"],
            "permalink_url": raw["permalink_url"],
            "has_personnummer": found_personnummer(message, masked),
        },
        schema=POSTS_SCHEMA,
    )


def replies(raw: pa.Table) -> pa.Table:
    """Stored replies from raw ones: messages masked and cut."""
    raw = _conform(raw, REPLIES_SCHEMA, "replies")
    masked = text.truncate(privacy.mask_messages(raw["message"]))
    return raw.set_column(raw.schema.get_field_index("message"), "message", masked)
