"""The filter widgets the pages share, each one kept in the address by ui.state.

`filters()` draws period, scope, clock, level (and sector) in the sidebar and returns the
`analysis.read.metrics.Filters` to compute with, plus a one-line description of the view.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from analysis.read import profile
from analysis.read.dataset import Dataset
from analysis.read.metrics import Filters
from analysis.settings import CLOCKS, LEVELS, SCOPES, STUDY_MONTH
from ui import data, format, state
from ui.i18n import t

CUSTOM = "custom"
OWN_GOAL = "own"
COMMON_GOALS = ("1", "2", "4", "8", "24")  # hours (`goal=2` in the address)


@dataclass(frozen=True)
class View:
    filters: Filters
    period_label: str
    summary: str
    goal_minutes: float | None = None  # a common goal; None: each page's own


def period_label(p: profile.Period, lang: str) -> str:
    if p.kind in ("all", "last30", "study"):
        return t(f"period_{p.kind}", lang)
    if p.kind == "quarter":
        return format.quarter(p.since, lang)
    return format.month(p.since, lang).capitalize()


def filters(ds: Dataset, lang: str, sector: bool = False) -> View:
    """Sidebar filters; `sector` adds the sector choice (the rankings page)."""
    first, last = profile.data_range(data.coverage(ds))
    presets = {p.key: p for p in profile.period_presets(first, last)}
    labels = {k: period_label(p, lang) for k, p in presets.items()} | {
        CUSTOM: t("period_custom", lang)
    }
    side = st.sidebar
    side.subheader(t("filters", lang))
    key = state.choice(
        "period", [*presets, CUSTOM], "all", side.selectbox, t("period", lang), labels.__getitem__
    )
    if key == CUSTOM:
        since, until = state.day_range(
            ("since", "until"),
            (first or STUDY_MONTH[0], last or STUDY_MONTH[0]),
            side.date_input,
            (t("since", lang), t("until", lang)),
        )
        label = f"{format.day(since, lang)}–{format.day(until, lang)}"
    else:
        since, until = presets[key].since, presets[key].until
        label = labels[key]
        if key not in ("all",) and since and until:
            label += f" ({format.day(since, lang)}–{format.day(until, lang)})"
    scope = state.choice(
        "scope", SCOPES, "all", side.radio, t("scope", lang), lambda v: t(f"scope_{v}", lang)
    )
    clock = state.choice(
        "clock",
        CLOCKS,
        "wall",
        side.radio,
        t("clock", lang),
        lambda v: t(f"clock_{v}", lang),
        help=t("clock_help", lang),
    )
    level = state.choice(
        "level",
        LEVELS,
        "page",
        side.radio,
        t("level", lang),
        lambda v: t(f"level_{v}", lang),
        horizontal=True,
    )
    goal = state.choice(
        "goal",
        [OWN_GOAL, *COMMON_GOALS],
        OWN_GOAL,
        side.selectbox,
        t("goal", lang),
        lambda v: goal_label(v, lang),
        help=t("goal_help", lang),
    )
    goal_minutes = None if goal == OWN_GOAL else float(goal) * 60
    chosen_sector = None
    if sector:
        sectors = sorted(ds.pages["sector"].dropna().unique().tolist())
        picked = state.choice(
            "sector",
            ["", *sectors],
            "",
            side.selectbox,
            t("sector", lang),
            lambda v: v or t("sector_all", lang),
        )
        chosen_sector = picked or None
    f = Filters(
        scope=scope, clock=clock, level=level, since=since, until=until, sector=chosen_sector
    )
    summary = t(
        "view_summary",
        lang,
        period=label,
        scope=t(f"scope_{scope}", lang),
        clock=t(f"clock_{clock}", lang),
    )
    if goal_minutes is not None:
        summary += " · " + goal_label(goal, lang)
    if chosen_sector:
        summary += f" · {format.md_escape(chosen_sector)}"
    return View(f, label, summary, goal_minutes)


def goal_key(goal_minutes: float | None) -> str:
    return OWN_GOAL if goal_minutes is None else f"{goal_minutes / 60:g}"


def goal_label(goal: str, lang: str) -> str:
    if goal == OWN_GOAL:
        return t("goal_own", lang)
    return t("goal_common", lang, goal=format.duration(float(goal) * 60, lang))


def entity_names(ds: Dataset, level: str) -> dict[str, str]:
    ents = profile.entities(ds, level)
    return dict(zip(ents["entity_id"], ents["entity_name"], strict=True))


def entity(ds: Dataset, level: str, lang: str, default: str | None) -> str | None:
    """One page or agency (`id=` in the address), chosen in the page's main area."""
    names = entity_names(ds, level)
    if not names:
        return None
    return state.choice(
        "id",
        list(names),
        default if default in names else next(iter(names)),
        st.selectbox,
        t("profile_pick", lang, level_noun=t(f"level_noun_{level}", lang)),
        names.__getitem__,
    )


def entities(ds: Dataset, level: str, lang: str, default: list[str]) -> list[str]:
    """Two to six pages or agencies (repeated `ids=` in the address)."""
    names = entity_names(ds, level)
    return state.several(
        "ids",
        list(names),
        [d for d in default if d in names][: profile.MAX_ENTITIES],
        st.multiselect,
        t("compare_pick", lang, level_plural=t(f"level_plural_{level}", lang)),
        names.__getitem__,
        max_selections=profile.MAX_ENTITIES,
    )
