"""Colours, fonts and the Plotly template, defined once.

The categorical palette is Okabe–Ito (safe for the common colour-vision deficiencies); heatmaps
use Cividis, a sequential scale designed to read the same with and without colour vision.
.streamlit/config.toml repeats PRIMARY and FONT for Streamlit's own widgets.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

# Okabe & Ito (2008), "Color Universal Design", black moved last.
OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
PRIMARY = OKABE_ITO[0]
GOAL = OKABE_ITO[5]  # the response-goal line
GOAL_TEXT = "#B34700"  # the goal's labels: vermillion darkened to 4.5:1 on white
# a diverging scale for "against the goal": orange (worse) – near white – blue (better), from
# ColorBrewer's PuOr/RdBu ends, which stay apart with the common colour-vision deficiencies
DIVERGING = (
    (0.0, "#b35806"),
    (0.25, "#f1a340"),
    (0.5, "#f7f7f7"),
    (0.75, "#92c5de"),
    (1.0, "#2166ac"),
)
MUTED = "#7F7F7F"  # too few to rank, secondary text
GRID = "#E5E5E5"
SEQUENTIAL = "Cividis"
FONT = "Source Sans, Source Sans Pro, sans-serif"  # Streamlit's own web font: charts match the page
TEMPLATE = "svarstid"
CHART_HEIGHT = 380


def _template() -> go.layout.Template:
    return go.layout.Template(
        layout=go.Layout(
            colorway=list(OKABE_ITO),
            font={"family": FONT, "size": 13, "color": "#262730"},
            title={
                "font": {"size": 15},
                "x": 0,
                "xanchor": "left",
                "xref": "paper",
                "y": 1,
                "yref": "container",
                "yanchor": "top",
                "pad": {"t": 14},
            },
            paper_bgcolor="white",
            plot_bgcolor="white",
            xaxis={
                "gridcolor": GRID,
                "zeroline": False,
                "linecolor": MUTED,
                "ticks": "outside",
                "automargin": True,
            },
            yaxis={"gridcolor": GRID, "zeroline": False, "linecolor": MUTED, "ticks": "outside"},
            # the legend sits between the title and the plot, clear of the axis titles
            legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0, "xanchor": "left"},
            margin={"l": 60, "r": 20, "t": 80, "b": 50},
            hoverlabel={"font": {"family": FONT}},
            coloraxis={"colorscale": SEQUENTIAL},
            # the toolbar stands at the right edge, clear of a title on a narrow screen
            modebar={"orientation": "v"},
        )
    )


def setup() -> None:
    """Register the template and make it Plotly's default (idempotent)."""
    if TEMPLATE not in pio.templates:
        pio.templates[TEMPLATE] = _template()
    pio.templates.default = TEMPLATE


# Streamlit marks the current page's link with a grey background and shows a focused link
# the same way: a keyboard user could not tell where the focus is. A focused link gets an
# outline and an underline the current page never has.
# Streamlit's wide layout pads the main area by 5rem on either side: on a 1280 px laptop beside
# the sidebar that is 160 px the leaderboard needs (ui/tables.py: LAPTOP_TABLE_PX counts on 2rem).
CSS = """<style>
[data-testid="stSidebarNav"] a:focus-visible {
  outline: 3px solid #0072B2; outline-offset: -3px; text-decoration: underline;
  background-color: #FFFFFF;
}
@media (min-width: 640px) {
  [data-testid="stMainBlockContainer"] {
    padding-left: 2rem !important; padding-right: 2rem !important;
  }
}
</style>"""


def colour(i: int) -> str:
    return OKABE_ITO[i % len(OKABE_ITO)]


def separators(lang: str) -> str:
    """Plotly's decimal and thousands separators: 3,5 and 12 345 in Swedish."""
    return ", " if lang == "sv" else ".,"


def plotly_config() -> dict:
    """Plotly's toolbar without the logo or selection tools; PNG export named sensibly."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"filename": "svarstid", "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }
