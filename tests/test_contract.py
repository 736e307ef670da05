"""The data contract's batching: every source and the writer hand rows on in the same batches."""

from __future__ import annotations

import pyarrow as pa
import pytest

from analysis.contract import rebatch

SCHEMA = pa.schema([("n", pa.int64())])


def _tables(*sizes: int) -> list[pa.Table]:
    start, out = 0, []
    for size in sizes:
        out.append(pa.table({"n": list(range(start, start + size))}, schema=SCHEMA))
        start += size
    return out


@pytest.mark.parametrize(
    ("sizes", "rows", "expected"),
    [
        ((7,), 3, [3, 3, 1]),
        ((6,), 3, [3, 3]),
        ((2, 2, 2), 3, [3, 3]),
        ((1, 0, 5, 0), 4, [4, 2]),
        ((0,), 3, [0]),
        ((), 3, [0]),
    ],
)
def test_rows_come_out_in_order_in_batches_of_the_size(sizes, rows, expected):
    batches = list(rebatch(_tables(*sizes), rows, SCHEMA))
    assert [b.num_rows for b in batches] == expected
    assert [v for b in batches for v in b["n"].to_pylist()] == list(range(sum(sizes)))
    assert all(b.schema == SCHEMA for b in batches)


def test_a_generator_is_read_as_the_batches_need_it():
    read: list[int] = []

    def tables():
        for i, table in enumerate(_tables(2, 2, 2, 2)):
            read.append(i)
            yield table

    batches = rebatch(tables(), 3, SCHEMA)
    next(batches)
    assert read == [0, 1]
