"""Rankings (the start page): KPI header, leaderboard, reply rate × median scatter, downloads."""

import streamlit as st

from analysis.read.metrics import overview
from ui import cards, charts, controls, data, format, state, tables
from ui.i18n import t

lang = state.current_language()
ds = data.current()
view = controls.filters(ds, lang, sector=True)
level = view.filters.level

st.title(t("rankings_title", lang))
st.caption(view.summary)
with st.spinner(t("computing", lang)):
    ranking = data.on_goal(ds, view.filters, data.ranking(ds, view.filters), view.goal_minutes)
    moves = data.movement(ds, view.filters)

cards.header(overview(ranking), level, lang)

st.subheader(t("leaderboard", lang))
st.caption(
    t(
        "rankings_intro",
        lang,
        level_noun=t(f"level_noun_{level}", lang),
        min=format.number(view.filters.min_items, lang),
    )
)
if ranking.empty:
    st.info(t("no_rows", lang))
else:
    frame, config, defaults = tables.leaderboard(ranking, level, lang, moves)
    # the columns that fit a laptop whole are shown; a visitor adds or drops the others (on a
    # phone: picks the few to see beside the rank and name)
    columns = list(frame.data.columns)  # a Styler
    optional = [c for c in columns if c not in ("rank", "name")]
    with st.popover(t("choose_columns", lang), icon=":material/view_column:"):
        shown = st.multiselect(
            t("choose_columns", lang),
            optional,
            default=[c for c in optional if c in defaults],
            format_func=lambda c: config[c]["label"],
            key="w_columns",
            label_visibility="collapsed",
        )
    st.dataframe(
        frame,
        column_order=[c for c in columns if c in ("rank", "name") or c in shown],
        column_config=config,
        hide_index=True,
        key="leaderboard",
        placeholder="–",
        height=min(38 + 35 * len(ranking), 640),
    )

    # The charts are drawn on request: Plotly's 4.7 MB bundle, loaded and run in the browser
    # before the table is drawn, was most of this page's time to content (200k demo, same
    # run: 8.8 s with the scatter against 3.2 s without, a bare page 2.5 s).
    # kept in the address like every filter, so a shared link opens the chart it was sent with
    which = state.choice(
        "chart",
        ["none", "scatter", "buckets"],
        "none",
        st.segmented_control,
        t("chart_choice", lang),
        format_func=lambda c: t(f"tab_{c}", lang),
        quiet_default=True,
    )
    if which == "scatter" and ranking["median_response_min"].notna().any():
        ranked = ranking[ranking["is_ranked"]]["page_id"].head(3).tolist()
        mine = state.stored("id")  # the entity chosen on the profile page, if any
        marked = list(dict.fromkeys([*ranked, *([mine] if mine else [])]))
        names = dict(zip(ranking["page_id"], ranking["page_name"], strict=True))
        fig = charts.scatter(
            ranking, lang, view.goal_minutes, {e: names[e] for e in marked if e in names}
        )
        charts.show(fig, key="scatter")
    elif which == "scatter":
        st.info(t("scatter_empty", lang))
    elif which == "buckets":
        rated = ranking[ranking["rated"] > 0]  # in the leaderboard's order
        if not rated.empty:
            chosen = dict(zip(rated["page_id"], rated["page_name"], strict=True))
            charts.show(charts.buckets(rated, chosen, lang), key="buckets")
            pending = format.number(int(ranking["pending"].sum()), lang)
            st.caption(t("buckets_note", lang, pending=pending))

    settings = [
        (t(k, lang), v)
        for k, v in (
            ("period", view.period_label),
            ("scope", t(f"scope_{view.filters.scope}", lang)),
            ("clock", t(f"clock_{view.filters.clock}", lang)),
            ("level", t(f"level_{level}", lang)),
            ("sector", view.filters.sector or t("sector_all", lang)),
            ("goal", controls.goal_label(controls.goal_key(view.goal_minutes), lang)),
            ("sheet_snapshot", ds.latest.snapshot_id if ds.latest else ""),
            ("sheet_source", ds.latest.source if ds.latest else ""),
            ("sheet_link", state.view_link("rankings")),
        )
    ]
    name_parts = (
        t("sheet_ranking", lang),
        view.period_label.split(" (")[0],
        t(f"scope_{view.filters.scope}", lang),
        t(f"clock_{view.filters.clock}", lang),
        t(f"level_{level}", lang),
        view.filters.sector or "",
    )
    st.markdown(f"**{t('downloads', lang)}**")
    d1, d2, _ = st.columns([1, 1, 6])
    d1.download_button(
        t("download_csv", lang),
        lambda: tables.people_csv(ranking, lang),
        tables.export_name("csv", name_parts),
        "text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
    d2.download_button(
        t("download_xlsx", lang),
        lambda: tables.ranking_xlsx(ranking, settings, lang),
        tables.export_name("xlsx", name_parts),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table_view:",
        on_click="ignore",
    )

# while the visitor reads: the rankings one click away on the clock and the scopes (ui/data.py)
data.prefetch_rankings(ds, view.filters)
