"""Svarstid's dashboard: `streamlit run dashboard.py`.

The entry script is the frame around every page: it reads the address (ui.state), opens the
data (ui.data: the data folder, else the synthetic demo), draws the language switch and the
data box in the sidebar, labels demo data, and runs the page chosen in the navigation.

Pages live in views/ with stable url paths, so links keep working. Not in pages/: Streamlit
treats a pages/ folder as an old-style multipage app on a fresh server's first run (and in
every AppTest run), running a linked page without this frame.
"""

from __future__ import annotations

import logging

import streamlit as st

from analysis.errors import SvarstidError
from ui import data, format, state, theme
from ui.i18n import t

st.set_page_config(page_title="Svarstid", page_icon="⏱️", layout="wide")
theme.setup()
st.html(theme.CSS)
state.begin()
lang = state.language()

PAGES = [
    st.Page(
        "views/rankings.py",
        title=t("nav_rankings", lang),
        icon=":material/leaderboard:",
        url_path="rankings",
        default=True,
    ),
    st.Page(
        "views/profile.py",
        title=t("nav_profile", lang),
        icon=":material/account_balance:",
        url_path="profile",
    ),
    st.Page(
        "views/compare.py",
        title=t("nav_compare", lang),
        icon=":material/compare_arrows:",
        url_path="compare",
    ),
    st.Page(
        "views/methodology.py",
        title=t("nav_methodology", lang),
        icon=":material/menu_book:",
        url_path="methodology",
    ),
]
page = st.navigation(PAGES, position="sidebar", expanded=True)

notices = st.container()  # URL warnings land here, above the page
try:
    folder = data.source(t("generating_demo", lang))
    pinned = state.snapshot(data.snapshot_ids(folder))
    with st.spinner(t("computing", lang)):
        ds = data.dataset(folder, pinned)
except SvarstidError:
    logging.getLogger("svarstid").exception("the data folder could not be read")
    st.error(t("data_error", lang))
    st.stop()

if ds.is_demo:
    st.warning(t("demo_banner", lang), icon=":material/science:")
asked = st.query_params.get("snapshot")
if asked and not pinned and (into := data.merged_into(ds, asked)):
    notices.warning(t("snapshot_merged", lang, snapshot=asked, into=into))


def data_box() -> None:
    """Which snapshot is shown, how fresh it is, and the switch that pins it in the link."""
    with st.sidebar:
        st.divider()
        st.subheader(t("data_heading", lang))
        if ds.latest is not None:
            which = t("snapshot_pinned", lang) if pinned else t("snapshot_latest", lang)
            st.caption(
                t("snapshot_in_use", lang, snapshot=ds.latest.snapshot_id)
                + f" ({which})  \n"
                + t("data_as_of", lang, date=format.moment(ds.latest.as_of, lang))
                + (f"  \n:orange[{t('demo_short', lang)}]" if ds.is_demo else "")
            )
        state.pin_switch(
            ds.latest.snapshot_id if ds.latest else None,
            t("pin_snapshot", lang),
            t("pin_help", lang),
        )
        st.caption(t("share_hint", lang))


try:
    page.run()
except SvarstidError:  # a damaged table found by a page's query: a message, not a trace
    logging.getLogger("svarstid").exception("a page could not read the data folder")
    st.error(t("data_error", lang))
finally:  # also when a page stops early: the data box and the address are always written
    data_box()
    state.finish(notices)
