"""Plotly figures: each takes a result frame and the language, and returns a titled figure.

Colours, fonts and separators come from ui.theme; hover texts use ui.format, so numbers read
the same in charts, tables and KPI cards. Figures are plain data: pages show them with show().
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from analysis.read.profile import RESPONSE_EDGES
from ui import format, theme
from ui.i18n import t

LOG_TICKS = (1, 5, 15, 30, 60, 120, 240, 480, 1440, 2880, 10080, 43200)


def _layout(fig: go.Figure, title: str, lang: str, height: int = theme.CHART_HEIGHT) -> go.Figure:
    legend_on_top = fig.layout.showlegend is not False and len(fig.data) > 1
    legend_y = fig.layout.legend.y if fig.layout.legend.y is not None else 1
    if fig.layout.legend.orientation == "v" or legend_y <= 0:
        legend_on_top = False
    lines = wrap(title).count("<br>")
    fig.update_layout(
        template=theme.TEMPLATE,
        title={"text": wrap(title)},
        separators=theme.separators(lang),
        height=height,
        margin={"t": (90 if legend_on_top else 50) + 20 * lines},
    )
    return fig


def wrap(title: str, width: int = 44) -> str:
    """A long chart title on two or more lines (Plotly does not wrap, and a phone is narrow):
    broken at spaces, before a long parenthesis (a unit such as "(%)" stays on its line)."""
    if len(title) <= width:
        return title
    lines, line = [], ""
    for word in title.split(" "):
        long_aside = word.startswith("(") and len(word) > 4 and len(line) > width // 2
        if line and (len(line) + 1 + len(word) > width or long_aside):
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def show(fig: go.Figure, key: str | None = None) -> None:
    """Show a figure with the app's template (not Streamlit's theme) and a lean toolbar."""
    st.plotly_chart(fig, theme=None, config=theme.plotly_config(), key=key, width="stretch")


def bin_labels(lang: str) -> list[str]:
    """'0–15 min', '15–30 min', '1–2 h', …, '≥ 7 d' for RESPONSE_EDGES."""
    out = []
    for i, lo in enumerate(RESPONSE_EDGES):
        if i + 1 == len(RESPONSE_EDGES):
            out.append(f"≥ {format.duration_short(lo, lang)}")
            continue
        hi = format.duration_short(RESPONSE_EDGES[i + 1], lang)
        lo_text = format.duration_short(lo, lang) if lo else "0"
        lo_num, _, lo_unit = lo_text.partition(" ")
        _, _, hi_unit = hi.partition(" ")
        out.append(f"{lo_num}–{hi}" if lo_unit in ("", hi_unit) else f"{lo_text}–{hi}")
    return out


def _week_axis(fig: go.Figure, dates, lang: str, most: int = 8, **where) -> None:
    """Date ticks in the page's language (Plotly only speaks English): at most `most` labels."""
    days = sorted({pd.Timestamp(d).date() for d in dates})
    if not days:
        return
    step = max(1, -(-len(days) // most))
    ticks = days[::step]
    labels = [
        format.day(d, lang) if i == 0 or d.year != ticks[i - 1].year else format.day_month(d, lang)
        for i, d in enumerate(ticks)
    ]
    fig.update_xaxes(tickvals=list(ticks), ticktext=labels, **where)


def goal_bin(goal_minutes: float) -> float:
    """Where the goal falls on the categorical bin axis (an edge between two bins)."""
    for i, edge in enumerate(RESPONSE_EDGES):
        if goal_minutes <= edge:
            if i == 0:
                return -0.5
            lo = RESPONSE_EDGES[i - 1]
            return i - 1.5 + (goal_minutes - lo) / (edge - lo)
    return len(RESPONSE_EDGES) - 0.5


# -- rankings -------------------------------------------------------------------------------------


_LABEL_SLOTS = (-22, 24, -48, 50)  # vertical offsets (px) of a scatter label from its point


def scatter(
    ranking: pd.DataFrame, lang: str, goal_minutes=120, highlight: dict[str, str] | None = None
) -> go.Figure:
    """Reply rate × median response time (log x), the Wilson interval as error bars, a dashed
    line at the goal (one number; or the rows' own goals, `goal_minutes` per row, one line per
    distinct goal with its count), and the entities of `highlight` (id → name) labelled."""
    fig = go.Figure()
    df = ranking[ranking["median_response_min"].notna() & ranking["reply_rate"].notna()].copy()
    df["median_plot"] = df["median_response_min"].clip(lower=1)
    df["hover"] = [
        f"<b>{_esc(r.page_name)}</b><br>{t('col_reply_rate', lang)}: "
        f"{format.percent(r.reply_rate, lang)} "
        f"({format.interval(r.reply_rate_low, r.reply_rate_high, lang)})<br>"
        f"{t('col_median', lang)}: {format.duration(r.median_response_min, lang)}<br>"
        f"{t('col_inbound', lang)}: {format.number(r.inbound, lang)}"
        for r in df.itertuples()
    ]
    sectors = sorted(df["sector"].dropna().unique())
    if len(sectors) <= len(theme.OKABE_ITO):  # a colour per sector while they stay tellable
        colours = {s: theme.colour(i) for i, s in enumerate(sectors)}
        groups = [(str(s), df[(df["sector"] == s) & df["is_ranked"]], colours[s]) for s in sectors]
    else:
        colours = dict.fromkeys(sectors, theme.PRIMARY)
        groups = [(t("scatter_ranked", lang), df[df["is_ranked"]], theme.PRIMARY)]
    # pages too small to rank: one legend entry, open circles in their sector's colour
    groups.append((t("scatter_unranked", lang), df[~df["is_ranked"]], theme.MUTED))
    for name, sub, colour in groups:
        if sub.empty:
            continue
        ranked = bool(sub["is_ranked"].iloc[0])
        point_colours = sub["sector"].map(colours).fillna(theme.MUTED).tolist()
        fig.add_trace(
            go.Scatter(
                x=sub["median_plot"],
                y=sub["reply_rate"] * 100,
                mode="markers",
                name=_esc(name),
                marker={
                    "color": point_colours if ranked else "rgba(0,0,0,0)",
                    "size": 11 if ranked else 10,
                    "line": {"width": 1.5, "color": "white" if ranked else theme.MUTED},
                },
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": (sub["reply_rate_high"] - sub["reply_rate"]) * 100,
                    "arrayminus": (sub["reply_rate"] - sub["reply_rate_low"]) * 100,
                    "color": colour,
                    "thickness": 1,
                    "width": 0,
                },
                hovertext=sub["hover"],
                hoverinfo="text",
            )
        )
    if goal_minutes is not None and not isinstance(goal_minutes, pd.Series | list):
        lines = {float(goal_minutes): None}
    else:  # the rows' own goals: a line per goal, with how many rows use it
        lines = df["goal_minutes"].dropna().value_counts().sort_index().to_dict() or {120.0: None}
    first_goal, last_goal = min(lines), max(lines)
    x_min = max(1.0, float(df["median_plot"].min()) / 2) if len(df) else 1.0
    x_max = max(last_goal * 2, float(df["median_plot"].max()) * 2) if len(df) else 10_000.0
    for i, (goal, count) in enumerate(lines.items()):
        fig.add_vline(x=goal, line={"color": theme.GOAL, "dash": "dash", "width": 1.5})
        label = format.duration(goal, lang)
        fig.add_annotation(  # on a log axis an annotation's x is the exponent, unlike a shape's
            x=math.log10(goal),
            y=2 + 6 * i,
            text=t("scatter_goal", lang, goal=label)
            if count is None or len(lines) == 1
            else t("goals_differ", lang, goal=label, n=format.number(count, lang)),
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            font={"color": theme.GOAL_TEXT},
        )
    placed: list[tuple[float, float, int]] = []  # (log10 median, rate %, slot) of labels
    for eid in highlight or {}:
        hit = df[df["page_id"] == eid]
        if hit.empty:
            continue
        lx = math.log10(float(hit["median_plot"].iloc[0]))
        ly = float(hit["reply_rate"].iloc[0]) * 100
        # a label near another one's point takes the next free slot (below, then higher above,
        # then lower below), so the top entities, which sit close together, never overprint
        near = {slot for x, y, slot in placed if abs(x - lx) < 0.4 and abs(y - ly) < 12}
        slot = next(i for i in range(len(_LABEL_SLOTS)) if i not in near or i == 3)
        placed.append((lx, ly, slot))
        fig.add_annotation(
            x=lx,
            y=ly,
            text=_esc(highlight[eid]),
            showarrow=True,
            arrowhead=0,
            arrowcolor=theme.MUTED,
            ax=14,
            ay=_LABEL_SLOTS[slot],
            xanchor="left",
            font={"size": 12, "color": "#262730"},
            bgcolor="rgba(255,255,255,0.85)",
        )
    fig.add_annotation(
        x=math.log10(x_min),
        y=101,
        xref="x",
        yref="y",
        text=f"← {t('scatter_corner', lang)}",
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        font={"color": theme.colour(2), "size": 13},
    )
    fig.add_shape(
        type="rect",
        x0=x_min,
        x1=first_goal,
        y0=80,
        y1=100,
        xref="x",
        yref="y",
        fillcolor=theme.colour(2),
        opacity=0.08,
        line_width=0,
        layer="below",
    )
    ticks = [m for m in LOG_TICKS if x_min <= m <= x_max]
    fig.update_xaxes(
        type="log",
        title=t("scatter_x", lang),
        range=[math.log10(x_min), math.log10(x_max)],
        tickvals=ticks,
        ticktext=[format.duration_short(m, lang) for m in ticks],
    )
    fig.update_yaxes(title=t("scatter_y", lang), range=[0, 106], ticksuffix="")
    # the legend below the plot: beside it, it took a third of a phone's width
    fig.update_layout(legend={"orientation": "h", "x": 0, "y": -0.18, "yanchor": "top"})
    fig.update_layout(margin={"b": 110})
    return _layout(fig, t("scatter_title", lang), lang, height=540)


def _esc(text) -> str:
    """Plotly renders a subset of HTML in legends and hover text: escape names from the data.
    Names never go into a hovertemplate, whose %{…} placeholders Plotly would fill: templates
    refer to them as %{fullData.name}, which is inserted as it is. Right-to-left names and
    directional controls are isolated so that they cannot mirror the rest of a label."""
    if text is None:
        return ""
    return format.isolate(str(text)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- profile and compare --------------------------------------------------------------------------


def weekly_trend(weekly: pd.DataFrame, names: dict[str, str], lang: str, goals=()) -> go.Figure:
    """Reply rate (top) and median response time in hours (bottom) per week, a line per entity,
    with a dashed line at each goal in `goals` (minutes)."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    for i, eid in enumerate(names):
        part = weekly[weekly["entity_id"] == eid]
        name = _esc(names[eid])
        colour = theme.colour(i)
        fig.add_trace(
            go.Scatter(
                x=part["week_start"],
                y=part["reply_rate"] * 100,
                mode="lines+markers",
                name=name,
                legendgroup=name,
                line={"color": colour},
                hovertemplate="%{x|%Y-%m-%d}: %{y:.0f} %<extra>%{fullData.name}</extra>",
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=part["week_start"],
                y=part["median_response_min"] / 60,
                mode="lines+markers",
                name=name,
                legendgroup=name,
                showlegend=False,
                line={"color": colour, "dash": "dot"},
                customdata=[format.duration(m, lang) for m in part["median_response_min"]],
                hovertemplate="%{x|%Y-%m-%d}: %{customdata}<extra>%{fullData.name}</extra>",
            ),
            row=2,
            col=1,
        )
    for goal in sorted(set(goals)):
        fig.add_hline(
            y=goal / 60,
            line={"color": theme.GOAL, "dash": "dash", "width": 1.5},
            annotation_text=t("goal_line", lang, goal=format.duration(goal, lang)),
            annotation_position="top left",
            annotation_font_color=theme.GOAL_TEXT,
            row=2,
            col=1,
        )
    fig.update_yaxes(title=t("axis_rate", lang), range=[0, 105], row=1, col=1)
    fig.update_yaxes(title=t("axis_median_h", lang), rangemode="tozero", row=2, col=1)
    fig.update_xaxes(title=t("week", lang), row=2, col=1)
    _week_axis(fig, weekly["week_start"], lang)
    fig.update_layout(showlegend=len(names) > 1)
    return _layout(fig, t("trend_title", lang), lang, height=460)


def distribution(
    dist: pd.DataFrame, names: dict[str, str], lang: str, goal_minutes=None
) -> go.Figure:
    """Share of answered items per response-time bin; a bar group per entity; a dashed line
    at the goal (`goal_minutes`: one number, or several when the entities' goals differ)."""
    labels = bin_labels(lang)
    fig = go.Figure()
    for i, eid in enumerate(names):
        part = dist[dist["entity_id"] == eid]
        name = _esc(names[eid])
        fig.add_trace(
            go.Bar(
                x=[labels[b] for b in part["bin"]],
                y=part["share"] * 100,
                name=name,
                marker_color=theme.colour(i),
                customdata=part["count_items"],
                hovertemplate="%{x}: %{y:.0f} % (%{customdata})<extra>%{fullData.name}</extra>",
            )
        )
    many = goal_minutes if isinstance(goal_minutes, list | tuple | set) else [goal_minutes]
    for goal in sorted({g for g in many if g}):
        fig.add_vline(
            x=goal_bin(goal),
            line={"color": theme.GOAL, "dash": "dash", "width": 1.5},
            annotation_text=t("dist_goal", lang, goal=format.duration(goal, lang)),
            annotation_position="top right",
            annotation_font_color=theme.GOAL_TEXT,
        )
    fig.update_xaxes(categoryorder="array", categoryarray=labels, tickangle=-45, automargin=True)
    fig.update_yaxes(title=t("dist_y", lang), rangemode="tozero")
    fig.update_layout(barmode="group", showlegend=len(names) > 1, bargap=0.15)
    return _layout(fig, t("dist_title", lang), lang)


def activity(df: pd.DataFrame, lang: str) -> go.Figure:
    """Inbound items per week (bars, left axis) beside the page's own posts (line, right axis):
    own posts are far fewer, so they get their own scale."""
    weekly = df.groupby("week_start", as_index=False)[["page_posts", "inbound"]].sum()
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Bar(
            x=weekly["week_start"],
            y=weekly["inbound"],
            name=t("activity_inbound", lang),
            marker_color=theme.colour(4),
        ),
        secondary_y=False,
    )
    fig.add_trace(
        go.Scatter(
            x=weekly["week_start"],
            y=weekly["page_posts"],
            name=t("activity_own", lang),
            mode="lines+markers",
            line={"color": theme.colour(1), "width": 2},
        ),
        secondary_y=True,
    )
    fig.update_layout(bargap=0.2)
    fig.update_xaxes(title=t("week", lang))
    _week_axis(fig, weekly["week_start"], lang, most=5)
    most_posts = float(weekly["page_posts"].max()) if len(weekly) else 0.0
    fig.update_yaxes(title=t("activity_inbound_axis", lang), rangemode="tozero", secondary_y=False)
    fig.update_yaxes(
        title=t("activity_own_axis", lang),
        rangemode="tozero",
        showgrid=False,
        tick0=0,
        dtick=max(1, math.ceil(most_posts / 4)),  # whole posts, about four ticks
        automargin=True,
        secondary_y=True,
    )
    return _layout(fig, t("activity_title", lang), lang)


def _week_grid(df: pd.DataFrame, value: str) -> np.ndarray:
    grid = df.pivot(index="weekday", columns="hour", values=value).reindex(
        index=range(1, 8), columns=range(24)
    )
    return grid.to_numpy(dtype=float)


def _week_figure(trace: go.Heatmap, title: str, lang: str) -> go.Figure:
    fig = go.Figure(trace)
    fig.update_yaxes(autorange="reversed", title=t("weekday", lang), showgrid=False)
    hours = [f"{h:02d}" for h in range(0, 24, 3)]
    fig.update_xaxes(
        title=t("hour", lang), showgrid=False, ticks="", tickvals=hours, ticktext=hours
    )
    return _layout(fig, title, lang, height=360)


def week_heatmap(df: pd.DataFrame, value: str, title: str, unit: str, lang: str) -> go.Figure:
    """A weekday (rows, Monday on top) × hour (columns) heatmap of one count column of `df`,
    each cell's value written in it."""
    days = format.weekdays(lang)
    decimals = 1 if value == "mean_waiting" else 0
    z = _week_grid(df, value)
    finite = z[np.isfinite(z)]
    # one burst (500 comments in a quarter of an hour) must not wash out the week's pattern:
    # the colour scale ends at the 98th percentile and the few cells above it saturate
    zmin = zmax = None
    if finite.size:
        zmin, zmax = 0.0, float(finite.max()) or 1.0
        p98 = float(np.quantile(finite, 0.98))
        if 0 < p98 and zmax > 1.5 * p98:
            zmax = p98
    text = [
        ["" if not np.isfinite(v) or v == 0 else format.number(v, lang, decimals) for v in row]
        for row in z
    ]
    return _week_figure(
        go.Heatmap(
            z=z,
            zmin=zmin,
            zmax=zmax,
            x=[f"{h:02d}" for h in range(24)],
            y=days,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 10},
            colorscale=theme.SEQUENTIAL,
            colorbar={"title": {"text": unit}},
            hoverongaps=False,
            hovertemplate="%{y} %{x}:00 — %{text} " + unit + "<extra></extra>",
            xgap=1,
            ygap=1,
        ),
        title,
        lang,
    )


def median_heatmap(df: pd.DataFrame, goal_minutes: float, title: str, lang: str) -> go.Figure:
    """Median response time by weekday × hour of arrival on a logarithmic colour scale that
    divides at the goal (blue faster, orange slower) and is capped a factor 16 either side of
    it, so 30 minutes and 15 hours look different; each cell's median is written in it."""
    days = format.weekdays(lang)
    z = _week_grid(df, "median_response_min")
    goal = float(goal_minutes)
    low, high = goal / 16, goal * 16
    logz = np.log10(np.clip(np.where(np.isfinite(z), z, np.nan), low, high))
    text = [[format.duration(v, lang) if np.isfinite(v) else "" for v in row] for row in z]
    ticks = [m for m in LOG_TICKS if low <= m <= high]
    return _week_figure(
        go.Heatmap(
            z=logz,
            zmin=math.log10(low),
            zmax=math.log10(high),
            x=[f"{h:02d}" for h in range(24)],
            y=days,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 9},
            colorscale=[[1 - p, c] for p, c in theme.DIVERGING[::-1]],
            colorbar={
                "title": {"text": t("kpi_median", lang)},
                "tickvals": [math.log10(m) for m in ticks],
                "ticktext": [format.duration_short(m, lang) for m in ticks],
            },
            hoverongaps=False,
            hovertemplate="%{y} %{x}:00 — %{text}<extra></extra>",
            xgap=1,
            ygap=1,
        ),
        title,
        lang,
    )


def within_heatmap(df: pd.DataFrame, title: str, lang: str) -> go.Figure:
    """Share answered within the goal by weekday × hour of arrival: a diverging scale centred
    on 50 % (the median meets the goal), the share written in each cell, counts on hover."""
    days = format.weekdays(lang)
    share = _week_grid(df, "within_goal_share") * 100
    n = _week_grid(df, "within_goal")
    base = _week_grid(df, "sla_base")
    text = [[f"{v:.0f}" if np.isfinite(v) else "" for v in row] for row in share]
    counts = [
        [
            t("of_items", lang, n=format.number(a, lang), base=format.number(b, lang))
            if np.isfinite(b) and b > 0
            else ""
            for a, b in zip(ra, rb, strict=True)
        ]
        for ra, rb in zip(n, base, strict=True)
    ]
    return _week_figure(
        go.Heatmap(
            z=share,
            zmin=0,
            zmax=100,
            zmid=50,
            x=[f"{h:02d}" for h in range(24)],
            y=days,
            text=text,
            customdata=counts,
            texttemplate="%{text}",
            textfont={"size": 10},
            colorscale=[list(p) for p in theme.DIVERGING],
            colorbar={"title": {"text": "%"}, "tickvals": [0, 25, 50, 75, 100]},
            hoverongaps=False,
            hovertemplate="%{y} %{x}:00 — %{text} % (%{customdata})<extra></extra>",
            xgap=1,
            ygap=1,
        ),
        title,
        lang,
    )


# -- the measures of analysis/read/insights.py ----------------------------------------------------

# the response-time buckets, fast to slow, then answered-but-untimed and unanswered: greens to
# oranges, then greys (Okabe–Ito is for categories; these are ordered)
BUCKET_COLOURS = ("#1a9850", "#91cf60", "#fdae61", "#d73027", "#bdbdbd", "#525252")


def buckets(ranking: pd.DataFrame, names: dict[str, str], lang: str) -> go.Figure:
    """Answered within 0–2 h, 2–8 h, 8–24 h, > 24 h, untimed and unanswered as shares of the
    rated items: one stacked bar per entity, in the order of `names` (top first). Pending items
    are apart: in the hover of the unanswered part and the caption."""
    from analysis.read.metrics import BUCKETS

    rows = ranking.set_index("page_id").loc[list(names)]
    rated = rows["rated"].where(rows["rated"] > 0)
    labels = [_esc(names[e]) for e in names]
    fig = go.Figure()
    for col, colour in zip(BUCKETS, BUCKET_COLOURS, strict=True):
        fig.add_trace(
            go.Bar(
                y=labels,
                x=(rows[col] / rated * 100).tolist(),
                orientation="h",
                name=t(f"bucket_{col}", lang),
                marker_color=colour,
                customdata=np.stack([rows[col], rows["pending"]], axis=-1),
                hovertemplate=(
                    "%{y}: %{x:.0f} % (%{customdata[0]})<extra>%{fullData.name}</extra>"
                    if col != "unanswered"
                    else "%{y}: %{x:.0f} % (%{customdata[0]}; "
                    + t("bucket_pending_hover", lang)
                    + " %{customdata[1]})<extra>%{fullData.name}</extra>"
                ),
            )
        )
    # the legend below the bars: on a phone its six entries take three rows, over the title
    fig.update_layout(
        barmode="stack",
        bargap=0.25,
        legend={
            "traceorder": "normal",
            "orientation": "h",
            "x": 0,
            "y": 0,
            "yref": "container",
            "yanchor": "bottom",
        },
        margin={"b": 150},
    )
    fig.update_xaxes(title=t("buckets_x", lang), range=[0, 100])
    fig.update_yaxes(autorange="reversed", automargin=True, type="category")
    height = max(theme.CHART_HEIGHT, 200 + 22 * len(labels))
    return _layout(fig, t("buckets_title", lang), lang, height=height)


def rank_history(history: pd.DataFrame, names: dict[str, str], lang: str) -> go.Figure:
    """Rank per month (1 on top, whole places), a line per entity; gaps where it was not
    ranked. Months are labelled in the page's language (Plotly only speaks English)."""
    periods = sorted(set(history["period_start"]))
    labels = {p: format.month(p, lang) for p in periods}
    fig = go.Figure()
    for i, eid in enumerate(names):
        part = history[history["page_id"] == eid]
        fig.add_trace(
            go.Scatter(
                x=[labels[p] for p in part["period_start"]],
                y=part["rank"].astype("Float64").astype("float64"),
                mode="lines+markers",
                name=_esc(names[eid]),
                line={"color": theme.colour(i)},
                customdata=(part["reply_rate"] * 100).tolist(),
                hovertemplate=(
                    "%{x}: " + t("col_rank", lang) + " %{y} (%{customdata:.0f} %)"
                    "<extra>%{fullData.name}</extra>"
                ),
            )
        )
    worst = float(history["rank"].astype("Float64").max()) if history["rank"].notna().any() else 1
    fig.update_yaxes(
        title=t("col_rank", lang), range=[worst + 0.5, 0.5], tick0=1, dtick=max(1, round(worst / 6))
    )
    fig.update_xaxes(
        title=t("history_x", lang),
        type="category",
        categoryorder="array",
        categoryarray=[labels[p] for p in periods],
    )
    fig.update_layout(showlegend=len(names) > 1)
    return _layout(fig, t("history_title", lang), lang)


def mark_storms(fig: go.Figure, storms: pd.DataFrame, lang: str) -> go.Figure:
    """A dashed line at the start of each storm on a chart with a date axis, labelled with its
    size (the labels are numbers, never text from the data)."""
    for _, s in storms.iterrows():
        start = pd.Timestamp(s["start_at"])
        fig.add_vline(
            x=start.tz_convert("Europe/Stockholm").tz_localize(None).to_pydatetime(),
            line={"color": theme.GOAL, "dash": "dot", "width": 1.5},
        )
        fig.add_annotation(
            x=start.tz_convert("Europe/Stockholm").tz_localize(None).to_pydatetime(),
            y=1,
            yref="paper",
            text=t("storm_mark", lang, size=format.number(s["size"], lang)),
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font={"color": theme.GOAL, "size": 11},
        )
    return fig
