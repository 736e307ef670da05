"""KPI cards: st.metric rows for the rankings header and a profile (Compare has a table)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import format
from ui.i18n import t


def header(kpi: dict, level: str, lang: str) -> None:
    """Rankings: pages (or agencies), inbound items, overall reply rate, median."""
    c = st.columns(4)
    c[0].metric(
        t("kpi_agencies" if level == "agency" else "kpi_pages", lang),
        format.number(kpi["entities"], lang),
        border=True,
    )
    c[1].metric(
        t("kpi_inbound", lang),
        format.number(kpi["inbound"], lang),
        border=True,
        help=t("kpi_pending_note", lang, pending=format.number(kpi["pending"], lang)),
    )
    c[2].metric(t("kpi_reply_rate", lang), format.percent(kpi["reply_rate"], lang), border=True)
    c[3].metric(
        t("kpi_median", lang),
        format.duration(kpi["median_of_medians"], lang),
        border=True,
        help=t("kpi_median_help", lang),
    )


def _delta(value, peer, kind: str, lang: str) -> str | None:
    if pd.isna(value) or peer is None:
        return None
    if kind == "share":
        return format.points(value - peer, lang)
    return format.signed_duration(value - peer, lang)


def profile(row: pd.Series, peers: dict, ranked: int, lang: str) -> None:
    """A profile's KPIs, each against the peer median (green is better, also for times)."""
    c = st.columns(5)
    c[0].metric(
        t("col_reply_rate", lang),
        format.percent(row["reply_rate"], lang),
        _delta(row["reply_rate"], peers["reply_rate"], "share", lang),
        border=True,
        help=t("col_interval", lang)
        + ": "
        + format.interval(row["reply_rate_low"], row["reply_rate_high"], lang),
    )
    for col, key, label in (
        (c[1], "median_response_min", "kpi_median"),
        (c[2], "p90_response_min", "kpi_p90"),
    ):
        col.metric(
            t(label, lang),
            format.duration(row[key], lang),
            _delta(row[key], peers[key], "time", lang),
            delta_color="inverse",
            border=True,
        )
    c[3].metric(
        t("kpi_within", lang),
        format.percent(row["within_sla_share"], lang),
        _delta(row["within_sla_share"], peers["within_sla_share"], "share", lang),
        border=True,
    )
    rank = (
        t("rank_of", lang, rank=int(row["rank"]), total=ranked)
        if pd.notna(row["rank"])
        else t("not_ranked", lang)
    )
    c[4].metric(
        t("kpi_inbound", lang),
        format.number(row["inbound"], lang),
        rank,
        delta_color="off",
        delta_arrow="off",
        border=True,
        help=t("kpi_pending_note", lang, pending=format.number(row["pending"], lang)),
    )


def facts(pages: pd.DataFrame, info: pd.Series, level: str, lang: str) -> str:
    """'Sector · 2 pages · opening hours … · goal 2 h' for a profile's caption (Markdown-safe)."""
    mine = pages[pages["agency" if level == "agency" else "page_id"] == info.name]
    n = int(info["count_pages"])
    return t(
        "profile_facts",
        lang,
        sector=format.md_escape(info["sector"]),
        pages=t("page_count_one", lang) if n == 1 else t("pages_count", lang, n=n),
        hours=format.md_escape(", ".join(sorted(set(mine["opening_hours"])))),
        goal=format.duration(info["sla_minutes"], lang),
    )


def quality(aq: pd.Series | None, mod: pd.Series | None, lang: str) -> None:
    """A profile's answer-quality proxies and moderation figures (analysis/read/insights.py)."""

    def n(value) -> str:
        return format.number(0 if value is None or pd.isna(value) else value, lang)

    def get(row: pd.Series | None, key: str):
        return None if row is None else row.get(key)

    c = st.columns(4)
    c[0].metric(
        t("kpi_follow_up", lang),
        format.percent(get(aq, "follow_up_rate"), lang),
        border=True,
        help=t("kpi_follow_up_help", lang, n=n(get(aq, "followed_up")),
               base=n(get(aq, "follow_up_base"))),
    )  # fmt: skip
    c[1].metric(
        t("kpi_redirect", lang),
        format.percent(get(aq, "redirect_rate"), lang),
        border=True,
        help=t("kpi_redirect_help", lang, n=n(get(aq, "redirected")),
               base=n(get(aq, "first_replies"))),
    )  # fmt: skip
    known = None if mod is None else mod["inbound"] - mod["hidden_unknown"]
    c[2].metric(
        t("kpi_hidden", lang),
        format.percent(get(mod, "hidden_share"), lang),
        border=True,
        help=t("kpi_hidden_help", lang, n=n(get(mod, "hidden")), base=n(known)),
    )
    c[3].metric(
        t("kpi_pnr", lang),
        format.percent(get(mod, "personnummer_hidden_share"), lang),
        border=True,
        help=t("kpi_pnr_help", lang, found=n(get(mod, "with_personnummer")),
               n=n(get(mod, "personnummer_hidden")), base=n(get(mod, "personnummer_hidden_known"))),
    )  # fmt: skip
