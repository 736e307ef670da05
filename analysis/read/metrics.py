"""The metrics: parameterised DuckDB queries over a Dataset (definitions in methodology.py).

Every function takes a `Dataset` and a `Filters`; user choices reach SQL only as bound parameters
checked against allowlists here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from analysis.errors import SvarstidError
from analysis.read.dataset import Dataset
from analysis.settings import (
    CLOCKS,
    DEFAULT_MIN_ITEMS,
    DEFAULT_PENDING_HOURS,
    LEVELS,
    SCOPES,
    ZONE,
)

if TYPE_CHECKING:  # pandas is imported where a DataFrame is made: the CLI's rank runs without it
    import pandas as pd

WILSON_Z = 1.959963984540054  # 95 % two-sided
RANK_COLUMNS = (
    "rank", "page_id", "page_name", "agency", "accepts_visitor_posts", "inbound", "answered",
    "pending", "reply_rate", "reply_rate_low", "reply_rate_high", "median_response_min",
    "p90_response_min", "within_sla_share", "km_median_response_min",
)  # fmt: skip
# The response-time buckets, rank columns after RANK_COLUMNS and the rest: with `pending` they
# add up to `inbound`. Upper edges inclusive, on the chosen clock.
BUCKETS = (
    "answered_0_2h", "answered_2_8h", "answered_8_24h", "answered_over_24h", "answered_untimed",
    "unanswered",
)  # fmt: skip
BUCKET_EDGES_MIN = (120, 480, 1440)
# -- answer quality -------------------------------------------------------------------------------

FOLLOW_UP_HOURS = 24  # a visitor's new item in the thread up to a day after the first reply
# A first reply that sends the visitor elsewhere: (RE2 pattern, what it catches). Matched
# case-insensitively anywhere in the reply's masked text; a phone number or e-mail address in
# a reply has been masked, so its mask token is what is matched.
REDIRECT_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        r"\bringa? (?:oss|till oss|vår|vårt|kundservice|kundtjänst|kundcenter)",
        "ring oss / ring kundservice",
    ),
    (
        r"\bkontakta (?:oss|vår|vårt|kundservice|kundtjänst|kundcenter|din handläggare"
        r"|handläggaren)",
        "kontakta oss / kundservice / din handläggare",
    ),
    (r"\b(?:mejla|maila|e-posta) (?:oss|till)", "mejla oss"),
    (
        r"\bskicka (?:ett |en )?(?:mejl|mail|e-post|e-brev|pm\b|privat meddelande|meddelande)",
        "skicka ett mejl / meddelande / pm",
    ),
    (r"kontaktformulär|webbformulär|e-tjänst", "kontaktformulär, webbformulär, e-tjänst"),
    (r"mina sidor", "Mina sidor"),
    (r"servicekontor|servicecenter", "servicekontor, servicecenter"),
    (r"\bcall us|\bgive us a call|\bphone us", "call us, give us a call"),
    (r"\bcontact (?:us|our)", "contact us"),
    (r"\be-?mail us|\bsend us an? (?:e-?mail|message)", "e-mail us, send us a message"),
    (r"contact form|web form|\bmy pages", "contact form, web form, My pages"),
    (r"private message|direct message|\bdm us\b|\binbox\b", "private / direct message, inbox"),
    (r"\[telefon\]", "[telefon]"),
    (r"\[e-post\]", "[e-post]"),
)
REDIRECT_PATTERN = "(?i)(?:" + "|".join(p for p, _ in REDIRECT_PATTERNS) + ")"
# the mask tokens are spelled out (privacy.PHONE_MASK, privacy.EMAIL_MASK; a test checks them):
# importing the masker would bring pyarrow into the CLI's rank

# -- storms ---------------------------------------------------------------------------------------

STORM_WINDOW_MINUTES = 15  # fixed clock quarters (:00, :15, :30, :45)
STORM_FACTOR = 10  # × the page's usual (median non-empty) quarter-hour count …
STORM_MIN_ITEMS = 20  # … and never fewer than this many arrivals in the quarter


_EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
_LATEST = datetime(9999, 1, 1, tzinfo=UTC)


class FilterError(SvarstidError):
    """A filter value outside its allowed set."""


@dataclass(frozen=True)
class Filters:
    """What a ranking or profile is computed over. Dates are Stockholm calendar days, inclusive."""

    scope: str = "all"
    clock: str = "wall"
    level: str = "page"
    since: date | None = None
    until: date | None = None
    sector: str | None = None
    pending_hours: float = DEFAULT_PENDING_HOURS
    min_items: int = DEFAULT_MIN_ITEMS

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
                raise FilterError(f"--{name} must be a date")
        if isinstance(self.min_items, bool) or not isinstance(self.min_items, int):
            raise FilterError("the minimum item count must be a whole number")
        if isinstance(self.pending_hours, bool) or not isinstance(self.pending_hours, int | float):
            raise FilterError("the pending window must be a number of hours")
        if self.sector is not None and not isinstance(self.sector, str):
            raise FilterError("the sector must be text")
        for name, allowed in (("scope", SCOPES), ("clock", CLOCKS), ("level", LEVELS)):
            if getattr(self, name) not in allowed:
                raise FilterError(f"--{name} must be one of {', '.join(allowed)}")
        if self.since and self.until and self.since > self.until:
            raise FilterError("--since is after --until")
        if not (0 <= self.pending_hours <= 24 * 365) or self.min_items < 0:
            raise FilterError("pending window or minimum item count out of range")

    def with_(self, **changes) -> Filters:
        return replace(self, **changes)

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as UTC instants [since, until): local midnights in Europe/Stockholm."""
        since = (
            datetime.combine(self.since, time(), ZONE).astimezone(UTC) if self.since else _EARLIEST
        )
        until = (
            datetime.combine(self.until + timedelta(days=1), time(), ZONE).astimezone(UTC)
            if self.until
            else _LATEST
        )
        return since, until

    def params(self) -> dict:
        since, until = self.bounds()
        return {
            "level": self.level,
            "scope": self.scope,
            "clock": self.clock,
            "since": since,
            "until": until,
            "pending_minutes": self.pending_hours * 60.0,
            "min_items": self.min_items,
            "sector": self.sector,
        }


def rank(ds: Dataset, filters: Filters = Filters()) -> pd.DataFrame:
    """The leaderboard: one row per page or agency, ranked by reply rate, then median time."""
    import pandas as pd

    if ds.is_empty:
        return pd.DataFrame(columns=list(RANK_COLUMNS))
    df = ds.query("rank", ds.params(**filters.params(), z=WILSON_Z))
    df["rank"] = df["rank"].astype("Int64")
    for col in ("inbound", "answered", "pending", "rated", "timed", "count_pages", *BUCKETS):
        df[col] = df[col].astype("int64")
    return df


def rank_rows(ds: Dataset, filters: Filters = Filters()) -> tuple[list[str], list[tuple]]:
    """`rank` as column names and plain Python rows, without pandas (the CLI's CSV and JSON)."""
    if ds.is_empty:
        return list(RANK_COLUMNS), []
    return ds.rows("rank", ds.params(**filters.params(), z=WILSON_Z))


def overview(ranking: pd.DataFrame) -> dict:
    """KPI header figures over a ranking: pages, inbound items, overall reply rate, median."""
    rated = int(ranking["rated"].sum()) if len(ranking) else 0
    answered = int(ranking["answered"].sum()) if len(ranking) else 0
    return {
        "entities": len(ranking),
        "inbound": int(ranking["inbound"].sum()) if len(ranking) else 0,
        "pending": int(ranking["pending"].sum()) if len(ranking) else 0,
        "answered": answered,
        "reply_rate": answered / rated if rated else None,
        "median_of_medians": (
            float(ranking["median_response_min"].median())
            if len(ranking) and ranking["median_response_min"].notna().any()
            else None
        ),
    }
