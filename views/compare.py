"""Compare: two to six pages or agencies side by side — KPI cards, weekly trends, distributions."""

import streamlit as st

from ui import charts, controls, data, format, state, tables
from ui.i18n import t

lang = state.current_language()
ds = data.current()
view = controls.filters(ds, lang)
f = view.filters
plural = t(f"level_plural_{f.level}", lang)

st.title(t("compare_title", lang))
st.caption(view.summary)
with st.spinner(t("computing", lang)):
    ranking = data.on_goal(ds, f, data.ranking(ds, f), view.goal_minutes)
top = ranking[ranking["is_ranked"]].sort_values("inbound", ascending=False)["page_id"]
ids = controls.entities(ds, f.level, lang, top.head(3).tolist())
names = controls.entity_names(ds, f.level)

if len(ids) < 2:
    st.info(t("compare_need_two", lang, level_plural=plural))
else:
    rows = ranking.set_index("page_id")
    frame, config = tables.compare(rows, ids, names, int(ranking["is_ranked"].sum()), f.level, lang)
    st.dataframe(frame, column_config=config, hide_index=True, key="compare_table")

    with st.spinner(t("computing", lang)):
        weekly = data.mart(ds, "profile_weekly", f, ids)
        dist = data.mart(ds, "profile_distribution", f, ids)
    chosen = {eid: names[eid] for eid in ids}  # in the chosen order: colours follow the cards
    goals = sorted(set(rows.loc[ids, "goal_minutes"].dropna()))
    charts.show(charts.weekly_trend(weekly, chosen, lang, goals), key="compare_trend")
    # below the trend, one chart at a time (tabs that rerun when switched)
    for tab, which in zip(
        st.tabs(
            [t("tab_distribution", lang), t("tab_buckets", lang)],
            key="compare_tab",
            on_change="rerun",
        ),
        ("distribution", "buckets"),
        strict=True,
    ):
        if not tab.open:
            continue
        with tab:
            if which == "distribution":
                fig = charts.distribution(dist, chosen, lang, goals)
                charts.show(fig, key="compare_distribution")
            else:
                charts.show(charts.buckets(ranking, chosen, lang), key="compare_buckets")
                pending = int(rows.loc[ids, "pending"].sum())
                st.caption(t("buckets_note", lang, pending=format.number(pending, lang)))
