"""SQL files, one query per file: `staging/` renames and dedupes, `marts/` joins and aggregates."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).parent


@cache
def load(name: str) -> str:
    """The text of `staging/<name>.sql` or `marts/<name>.sql`."""
    for layer in ("staging", "marts"):
        path = SQL_DIR / layer / f"{name}.sql"
        if path.exists():
            return path.read_text(encoding="utf-8")
    raise KeyError(f"no SQL file named {name!r}")


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None):
    """Run a named query with bound parameters (user input never becomes SQL text)."""
    return con.execute(load(name), params or {})
