"""Allowed filter values, defaults and the constants every layer shares; pure Python, so the CLI
starts fast (no pandas, DuckDB or pyarrow)."""

from datetime import date
from zoneinfo import ZoneInfo

SCOPES = ("all", "visitor_posts", "comments", "questions")
CLOCKS = ("wall", "business")
LEVELS = ("page", "agency")
DEFAULT_PENDING_HOURS = 72.0
DEFAULT_MIN_ITEMS = 10
# The time zone of calendar days (periods, weekdays, hours of arrival) and of the default opening
# hours; a page's own time zone comes from the registry.
TIMEZONE = "Europe/Stockholm"
ZONE = ZoneInfo(TIMEZONE)
# The month the 2017 ranking that started Svarstid looked at, first and last day.
STUDY_MONTH = (date(2017, 1, 1), date(2017, 1, 31))
