"""Agency profile: KPIs against the peer median, weekly trend, response-time distribution,
weekday × hour heatmaps (the Monday-morning backlog), slowest and unanswered items, own posts."""

import streamlit as st

from analysis.read.insights import STORM_FACTOR, STORM_MIN_ITEMS, moderation_totals
from analysis.read.metrics import DEFAULT_PENDING_HOURS
from analysis.read.profile import entities, peer_medians
from ui import cards, charts, controls, data, format, state, tables
from ui.i18n import t

lang = state.current_language()
ds = data.current()
view = controls.filters(ds, lang)
f = view.filters

with st.spinner(t("computing", lang)):
    ranking = data.on_goal(ds, f, data.ranking(ds, f), view.goal_minutes)
busiest = ranking.sort_values("inbound", ascending=False)["page_id"].head(1).tolist()
entity_id = controls.entity(ds, f.level, lang, busiest[0] if busiest else None)
if entity_id is None:
    st.info(t("no_entity", lang))
    st.stop()

info = entities(ds, f.level).set_index("entity_id").loc[entity_id]
names = {entity_id: str(info["entity_name"])}
goal = view.goal_minutes or float(info["sla_minutes"])  # the goal every chart here is measured on
st.title(format.md_escape(info["entity_name"]))
st.caption(view.summary + "  \n" + cards.facts(ds.pages, info, f.level, lang))
cards.profile(
    ranking.set_index("page_id").loc[entity_id],
    peer_medians(ranking),
    int(ranking["is_ranked"].sum()),
    lang,
)
st.caption(t("peer_note", lang, level_plural=t(f"level_plural_{f.level}", lang)))


def mart(name: str):
    """One profile mart for this entity (cached in ui.data; queried when first shown)."""
    with st.spinner(t("computing", lang)):
        return data.mart(ds, name, f, [entity_id])


charts.show(charts.weekly_trend(mart("profile_weekly"), names, lang, [goal]), key="trend")
storms = mart("storms")

# Below the fold, one chart at a time: tabs that rerun when switched draw only the open tab's
# chart (three Plotly charts fewer to draw on every visit; the browser's work was most of the
# time to content).
for tab, which in zip(
    st.tabs(
        [t("tab_distribution", lang), t("tab_activity", lang), t("history_title", lang)],
        key="chart_tab",
        on_change="rerun",
    ),
    ("distribution", "activity", "history"),
    strict=True,
):
    if not tab.open:
        continue
    with tab:
        if which == "distribution":
            dist = mart("profile_distribution")
            charts.show(charts.distribution(dist, names, lang, goal), key="distribution")
        elif which == "activity":
            fig = charts.mark_storms(charts.activity(mart("profile_activity"), lang), storms, lang)
            charts.show(fig, key="activity")
        else:  # the rank over the whole data, month by month (the period is one point of it)
            with st.spinner(t("computing", lang)):
                whole = f.with_(since=None, until=None)
                history = data.mart(ds, "history_month", whole, [entity_id])
            if history["rank"].notna().any():
                charts.show(charts.rank_history(history, names, lang), key="rank_history")
            else:
                st.info(t("history_empty", lang))

st.subheader(t("quality_heading", lang))
quality = mart("answer_quality").set_index("entity_id")
moderation = moderation_totals(mart("moderation")).set_index("entity_id")
cards.quality(
    quality.loc[entity_id] if entity_id in quality.index else None,
    moderation.loc[entity_id] if entity_id in moderation.index else None,
    lang,
)
st.caption(t("quality_note", lang))

# Tabs that rerun when switched: only the open tab's chart is built and drawn. The first tab
# answers "are we meeting the goal on Monday mornings?".
st.subheader(t("heat_heading", lang))
goal_text = format.duration(goal, lang)
for tab, which in zip(
    st.tabs(
        [t("heat_within", lang), t("heat_median", lang), t("heat_arrivals", lang),
         t("heat_backlog", lang)],
        key="heat_tab",
        on_change="rerun",
    ),
    ("within", "median", "arrivals", "backlog"),
    strict=True,
):  # fmt: skip
    if not tab.open:
        continue
    with tab:
        if which == "within":
            with st.spinner(t("computing", lang)):
                frame = data.within_goal_heatmap(ds, f, [entity_id], view.goal_minutes)
            title = t("heat_within_title", lang, goal=goal_text)
            charts.show(charts.within_heatmap(frame, title, lang), key="within")
            st.caption(t("heat_within_note", lang))
        elif which == "median":
            title = t("heat_median_title", lang)
            fig = charts.median_heatmap(mart("profile_heatmap"), goal, title, lang)
            charts.show(fig, key="median_response_min")
            st.caption(t("heat_median_note", lang, goal=goal_text))
        elif which == "arrivals":
            title = t("heat_arrivals_title", lang)
            fig = charts.week_heatmap(mart("profile_heatmap"), "arrivals", title,
                                      t("count", lang), lang)  # fmt: skip
            charts.show(fig, key="arrivals")
        else:
            title = t("heat_backlog_title", lang)
            fig = charts.week_heatmap(mart("profile_backlog"), "mean_waiting", title,
                                      t("count", lang), lang)  # fmt: skip
            charts.show(fig, key="mean_waiting")
            st.caption(
                t("heat_backlog_note", lang, hours=format.number(DEFAULT_PENDING_HOURS, lang))
            )

st.subheader(t("items_heading", lang))
st.caption(t("items_note", lang))
for tab, name, waited in zip(
    st.tabs(
        [t("items_slowest", lang), t("items_unanswered", lang)], key="items_tab", on_change="rerun"
    ),
    ("profile_slowest", "profile_unanswered"),
    (False, True),
    strict=True,
):
    if not tab.open:
        continue
    with tab:
        items = mart(name)
        if items.empty:
            st.info(t("no_items", lang))
        else:
            shown, config = tables.items(items, lang, waited, show_page=f.level == "agency")
            st.dataframe(shown, column_config=config, hide_index=True, key=name, placeholder="")

st.subheader(t("storms_heading", lang))
st.caption(
    t("storms_note", lang, factor=format.number(STORM_FACTOR, lang),
      min=format.number(STORM_MIN_ITEMS, lang))
)  # fmt: skip
if storms.empty:
    st.info(t("storms_none", lang))
else:
    shown, config = tables.storms(storms, lang)
    st.dataframe(shown, column_config=config, hide_index=True, key="storms", placeholder="–")
