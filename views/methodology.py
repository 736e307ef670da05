"""Methodology & data: the definitions (from analysis.methodology, the code's own text),
snapshots with coverage and freshness, data-quality counts, and the page registry."""

from datetime import UTC, datetime

import streamlit as st

from analysis import methodology
from ui import data, format, state, tables
from ui.i18n import t

lang = state.current_language()
ds = data.current()

st.title(t("method_title", lang))
st.caption(t("method_intro", lang))

st.header(t("definitions", lang))
left, right = st.columns(2, gap="large")
defs = methodology.definitions(lang)
for i, (term, text) in enumerate(defs):
    with left if i < (len(defs) + 1) // 2 else right:
        st.markdown(f"**{term}**  \n{text}")

st.header(t("snapshots", lang))
st.caption(t("snapshots_intro", lang))
if ds.latest is not None:
    age = (datetime.now(UTC) - ds.latest.as_of).total_seconds() / 60
    st.markdown(
        t(
            "freshness",
            lang,
            date=format.moment(ds.latest.as_of, lang),
            age=format.duration(age, lang),
        )
    )
with st.spinner(t("computing", lang)):
    frame, config = tables.snapshots(ds, data.coverage(ds), lang)
st.dataframe(frame, column_config=config, hide_index=True)

st.subheader(t("contributions", lang))
st.caption(t("contributions_intro", lang))
frame, config = tables.contributions(ds, lang)
st.dataframe(frame, column_config=config, hide_index=True)

left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("quality", lang))
    st.caption(t("quality_intro", lang))
    frame, config = tables.manifest_counts(ds, "anomalies", "q", lang)
    st.dataframe(frame, column_config=config, hide_index=True)
with right:
    st.subheader(t("counts", lang))
    frame, config = tables.manifest_counts(ds, "counts", "c", lang)
    st.dataframe(frame, column_config=config, hide_index=True)

st.header(t("registry", lang))
st.caption(t("registry_intro", lang))
frame, config = tables.registry(ds.pages, lang)
st.dataframe(frame, column_config=config, hide_index=True)
