"""Allowed filter values and defaults, importable without pandas or DuckDB (fast CLI start-up)."""

SCOPES = ("all", "visitor_posts", "comments", "questions")
CLOCKS = ("wall", "business")
LEVELS = ("page", "agency")
DEFAULT_PENDING_HOURS = 72.0
DEFAULT_MIN_ITEMS = 10
