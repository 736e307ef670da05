"""SQL files, one query or macro per file, in three layers read in this order.

`staging/` renames and dedupes the snapshots' tables; `intermediate/` defines once what the marts
share (which items a view counts, and their entity); `marts/` aggregates one answer per file.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).parent
LAYERS = ("staging", "intermediate", "marts")


@cache
def load(name: str) -> str:
    """The text of `<layer>/<name>.sql`."""
    for layer in LAYERS:
        path = SQL_DIR / layer / f"{name}.sql"
        if path.exists():
            return path.read_text(encoding="utf-8")
    raise KeyError(f"no SQL file named {name!r}")


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None):
    """Run a named query with bound parameters (user input never becomes SQL text)."""
    return con.execute(load(name), params or {})
