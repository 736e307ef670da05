"""Numbers, percentages, durations and dates in Swedish (sv_SE) or English (en_GB), via babel.

Every number a visitor reads on screen goes through here, so formats are defined once.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from functools import cache

import pandas as pd
from babel.core import Locale
from babel.dates import format_date, format_datetime, get_day_names
from babel.numbers import NumberPattern, parse_pattern

from analysis.settings import TIMEZONE

LOCALES = {"sv": "sv_SE", "en": "en_GB"}
DASH = "–"  # shown where a value is undefined (no items, nothing answered)


def _locale(lang: str) -> str:
    return LOCALES.get(lang, LOCALES["sv"])


@cache
def _number_format(pattern: str, lang: str) -> tuple[NumberPattern, Locale]:
    """A parsed babel pattern and locale: format_decimal and format_percent parse both on every
    call (~70 µs; a leaderboard formats hundreds of numbers)."""
    return parse_pattern(pattern), Locale.parse(_locale(lang))


def _apply(value, pattern: str, lang: str) -> str:
    """What babel's format_decimal / format_percent do with their default options."""
    pat, locale = _number_format(pattern, lang)
    return pat.apply(
        value, locale, decimal_quantization=True, group_separator=True, numbering_system="latn"
    )


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def number(value, lang: str, decimals: int = 0, optional: bool = False) -> str:
    """12 345 (sv) / 12,345 (en); with decimals: 3,5 / 3.5 (`optional`: 3 rather than 3,0)."""
    if _missing(value):
        return DASH
    pattern = "#,##0" + ("." + ("#" if optional else "0") * decimals if decimals else "")
    return _apply(value, pattern, lang)


def percent(value, lang: str, decimals: int = 0) -> str:
    """A share 0–1 as 87 % (sv) / 87% (en)."""
    if _missing(value):
        return DASH
    pattern = (
        "#,##0" + ("." + "0" * decimals if decimals else "") + ("\u00a0%" if lang == "sv" else "%")
    )
    return _apply(value, pattern, lang)


def points(value, lang: str) -> str:
    """A difference of shares in percentage points, signed: +5 pe / +5 pp."""
    if _missing(value):
        return DASH
    unit = "pe" if lang == "sv" else "pp"
    return f"{'+' if value >= 0 else '-'}{number(abs(value) * 100, lang)} {unit}"


def interval(low, high, lang: str) -> str:
    """A Wilson interval of shares: 87–97 %."""
    if _missing(low) or _missing(high):
        return DASH
    sign = "\u00a0%" if lang == "sv" else "%"
    decimals = 1 if round(low * 100) == round(high * 100) else 0  # 99,6–100 %, not 100–100 %
    return f"{number(low * 100, lang, decimals)}–{number(high * 100, lang, decimals)}{sign}"


def duration(minutes, lang: str) -> str:
    """Minutes for people, compact: 53 min, 4,5 h, 3,2 dygn / 53 min, 4.5 h, 3.2 days."""
    if _missing(minutes):
        return DASH
    m = float(minutes)
    if m < 120:
        return f"{number(m, lang)} min"
    if m < 48 * 60:
        return f"{number(m / 60, lang, 1, optional=True)} h"
    unit = "dygn" if lang == "sv" else "days"
    return f"{number(m / 1440, lang, 1 if m < 14_400 else 0, optional=True)} {unit}"


def duration_short(minutes: float, lang: str) -> str:
    """Axis labels and bin edges: 15 min, 2 h, 1 d (whole numbers only)."""
    m = float(minutes)
    if m < 60:
        return f"{m:g} min"
    if m < 1440:
        return f"{m / 60:g} h"
    return f"{m / 1440:g} d"


def signed_duration(minutes, lang: str) -> str:
    """A difference of durations, signed: +12 min / -1 h 5 min."""
    if _missing(minutes):
        return DASH
    return ("+" if minutes >= 0 else "-") + duration(abs(minutes), lang)


def day(value: date | None, lang: str) -> str:
    """2 jan. 2017 / 2 Jan 2017."""
    if value is None or _missing(value):
        return DASH
    return format_date(value, "d MMM y", locale=_locale(lang))


def day_month(value: date, lang: str) -> str:
    """2 jan. / 2 Jan (axis labels within a year)."""
    return format_date(value, "d MMM", locale=_locale(lang))


def moment(value: datetime | pd.Timestamp | None, lang: str) -> str:
    """An instant in Stockholm time: 2 jan. 2017 11:00."""
    if value is None or _missing(value) or pd.isna(value):
        return DASH
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return format_datetime(
        ts.to_pydatetime(), "d MMM y HH:mm", tzinfo=TIMEZONE, locale=_locale(lang)
    )


def month(value: date, lang: str) -> str:
    """januari 2017 / January 2017."""
    return format_date(value, "LLLL y", locale=_locale(lang))


def quarter(value: date, lang: str) -> str:
    """K1 2017 / Q1 2017."""
    return format_date(value, "QQQ y", locale=_locale(lang))


def weekdays(lang: str) -> list[str]:
    """Monday first, abbreviated: mån … sön / Mon … Sun."""
    names = get_day_names("abbreviated", locale=_locale(lang))
    return [str(names[i]).rstrip(".").capitalize() for i in range(7)]


_MARKDOWN_SPECIAL = "\\`*_{}[]<>()#+-.!|~:$&"


_JOINER = "\u2060"  # an invisible word joiner: breaks autolinks, not the text's look

# Unicode's directional formatting characters (UAX #9): embeddings and overrides (closed by
# PDF), isolates (closed by PDI) and the marks, which open nothing.
_EMBEDDINGS = "\u202a\u202b\u202d\u202e"  # LRE RLE LRO RLO
_ISOLATES = "\u2066\u2067\u2068"  # LRI RLI FSI
_PDF, _FSI, _PDI = "\u202c", "\u2068", "\u2069"
_BIDI = set(_EMBEDDINGS + _ISOLATES + _PDF + _PDI + "\u200e\u200f\u061c")


def isolate(text: str) -> str:
    """Text from the data made unable to reorder what follows it on screen: a name holding
    right-to-left letters or directional controls (an override such as U+202E would otherwise
    mirror the rest of the line) is put in a first-strong isolate, and every embedding,
    override and isolate it leaves open is closed after it. Other text is returned as it is."""
    if not any(ch in _BIDI or unicodedata.bidirectional(ch) in ("R", "AL") for ch in text):
        return text
    # Close what is still open at the end, innermost first, by UAX #9's matching: a PDI closes
    # its isolate and all opened inside it, a PDF the last embedding inside the current isolate.
    stack = ["I"]
    for ch in text:
        if ch in _EMBEDDINGS:
            stack.append("E")
        elif ch in _ISOLATES:
            stack.append("I")
        elif ch == _PDF and stack and stack[-1] == "E":
            stack.pop()
        elif ch == _PDI and "I" in stack:
            while stack.pop() != "I":
                pass
    return _FSI + text + "".join(_PDF if kind == "E" else _PDI for kind in reversed(stack))


def md_escape(text) -> str:
    """Text from the data (page, agency and sector names) made safe to put into Markdown:
    Markdown and HTML characters escaped (`&` too, so `&lt;` is no entity), and an invisible
    word joiner put where Streamlit or GitHub-flavoured Markdown would otherwise still read
    markup after the escapes are resolved: after every colon (icon and emoji shortcodes such as
    `:material/warning:`, and `://` of bare web addresses) and before `@` (bare e-mail).
    Right-to-left text and directional controls are isolated (`isolate`)."""
    out = "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in isolate(str(text)))
    out = out.replace(":", ":" + _JOINER).replace("@", _JOINER + "@")
    return re.sub(r"(?i)w(?=ww)", lambda m: m.group(0) + _JOINER, out)
