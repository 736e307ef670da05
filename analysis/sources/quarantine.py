"""What `--skip-invalid` leaves out, as kept beside its snapshot: masked copies, one JSON line each.

Any source hands over its rejected items as `buffer.Rejected`, each with a copy made by
`masked_copy` of the fields the source chooses to keep.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from analysis.snapshot.privacy import mask_text
from analysis.sources.buffer import Rejected

DEPTH = 32  # a real item nests comments three levels; deeper is cut, not recursed
CUT = "[nested too deeply]"


def masked_copy(raw: object, fields: frozenset[str], depth: int = 0) -> object:
    """A rejected item as kept: only `fields` of each object, every scalar masked whatever its
    JSON type (a personnummer may be written as a number), nesting cut at DEPTH levels."""
    if isinstance(raw, dict | list) and depth >= DEPTH:
        return CUT
    if isinstance(raw, dict):
        return {k: masked_copy(v, fields, depth + 1) for k, v in raw.items() if k in fields}
    if isinstance(raw, list):
        return [masked_copy(v, fields, depth + 1) for v in raw]
    if isinstance(raw, str):
        return mask_text(raw.encode("utf-8", "replace").decode("utf-8"))
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        text = repr(raw)
        masked = mask_text(text)
        return raw if masked == text else masked
    return raw


def lines(rejected: Iterable[Rejected]) -> Iterator[str]:
    """Quarantine lines; reasons quote raw values, so they are masked like messages."""
    for r in rejected:
        yield json.dumps(
            {"file": r.path, "item_id": r.item_id, "reason": mask_text(r.reason), "item": r.raw},
            ensure_ascii=False,
        )
