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
    # one option per period: a month that is the study month is offered once, as the study
    # month (links that name the month still open it)
    same = {
        k: "study"
        for k, p in presets.items()
        if "study" in presets and p.kind == "month" and (p.since, p.until) == STUDY_MONTH
    }
    presets = {k: p for k, p in presets.items() if k not in same}
    labels = {k: period_label(p, lang) for k, p in presets.items()} | {
        CUSTOM: t("period_custom", lang)
    }
    side = st.sidebar
    side.subheader(t("filters", lang))
    key = state.choice(
        "period",
        [*presets, CUSTOM],
        "all",
        side.selectbox,
        t("period", lang),
        labels.__getitem__,
        aliases=same,
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


def _across_levels(ds: Dataset, level: str):
    """Map a page id to its agency (level 'agency') or an agency to its pages (level 'page')."""
    pages = ds.pages.sort_values("page_name")
    if level == "agency":
        agency_of = dict(zip(pages["page_id"], pages["agency"], strict=True))
        return lambda ids: list(dict.fromkeys(agency_of[i] for i in ids if i in agency_of))
    pages_of = pages.groupby("agency", sort=False)["page_id"].apply(list).to_dict()
    return lambda ids: list(dict.fromkeys(p for i in ids for p in pages_of.get(i, [])))


def _mapped_note(old: list[str], new: list[str], level: str, names: dict, lang: str) -> None:
    st.caption(
        t(
            "level_mapped",
            lang,
            old=", ".join(format.md_escape(o) for o in old),
            new=", ".join(format.md_escape(names[n]) for n in new),
            level_plural=t(f"level_plural_{level}", lang),
        )
    )


def entity(ds: Dataset, level: str, lang: str, default: str | None) -> str | None:
    """One page or agency (`id=` in the address), chosen in the page's main area; after a
    switch of level the page's agency (or the agency's first page) stays chosen."""
    names = entity_names(ds, level)
    if not names:
        return None
    across = _across_levels(ds, level)
    old = state.remap("id", names.__contains__, lambda v: (across([v]) or [None])[0])
    chosen = state.choice(
        "id",
        list(names),
        default if default in names else next(iter(names)),
        st.selectbox,
        t("profile_pick", lang, level_noun=t(f"level_noun_{level}", lang)),
        names.__getitem__,
    )
    if old is not None:
        _mapped_note([entity_names(ds, _other(level)).get(old, old)], [chosen], level, names, lang)
    return chosen


def entities(ds: Dataset, level: str, lang: str, default: list[str]) -> list[str]:
    """Two to six pages or agencies (repeated `ids=` in the address); after a switch of level
    the chosen pages become their agencies (or the agencies their pages, at most six)."""
    names = entity_names(ds, level)
    across = _across_levels(ds, level)
    old = state.remap(
        "ids",
        lambda v: all(x in names for x in v),
        lambda v: across(v)[: profile.MAX_ENTITIES],
    )
    chosen = state.several(
        "ids",
        list(names),
        [d for d in default if d in names][: profile.MAX_ENTITIES],
        st.multiselect,
        t("compare_pick", lang, level_plural=t(f"level_plural_{level}", lang)),
        names.__getitem__,
        max_selections=profile.MAX_ENTITIES,
    )
    if old is not None:
        before = entity_names(ds, _other(level))
        _mapped_note([before.get(o, o) for o in old], chosen, level, names, lang)
    return chosen


def _other(level: str) -> str:
    return "page" if level == "agency" else "agency"
