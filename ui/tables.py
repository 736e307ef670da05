"""Tables as visitors read them (display frames + column configs) and as they download them.

Display frames keep numbers numeric so a click on a column header sorts correctly; the column
configs give units. Text from the public is passed as plain strings to st.dataframe, which shows
it as text (no Markdown or HTML is rendered).
"""

from __future__ import annotations

import csv
import io
import math
from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from analysis import methodology
from analysis.read.metrics import BUCKETS, DEFAULT_MIN_ITEMS, DEFAULT_PENDING_HOURS, RANK_COLUMNS
from analysis.spreadsheet import csv_cell
from ui import format
from ui.i18n import t

MIN = DEFAULT_MIN_ITEMS
PCT_FORMAT = {"sv": "%d %%", "en": "%d%%"}  # the progress bar's label (whole percents)

# The data grid draws on a canvas in Source Sans at 14 px and cuts what does not fit its
# column, so the leaderboard sizes each column to its header and its widest value. Advance
# widths of Source Sans at 14 px (measured in Chromium), rounded up per group; any other
# character counts as wide.
_GLYPHS = {
    2.8: " \u00a0\u202f",
    3.7: "ijlI.,:;'·",
    4.9: "ftr()-/!",
    6.0: "sz?",
    7.1: "aceégkvxyJLYF0123456789=–åä",
    7.8: "bdhnopquüöAESTVXZÅÄ",
    8.7: "BCDGKPR&↑↓",
    9.3: "HNOQUÖ",
    11.7: "mwMW%",
}
_PX = {ch: px for px, chars in _GLYPHS.items() for ch in chars}
CELL_PADDING = 2 * 8 + 4  # the grid's padding on either side, and a margin for rounding
# What a 1280 px laptop leaves the table: the window less the sidebar (300 px), the main
# area's padding (ui/theme.py: 2 × 32 px), the grid's border and a vertical scrollbar.
LAPTOP_TABLE_PX = 1280 - 300 - 2 * 32 - 2 - 16
# A name column wider than this is not pinned: on a phone (390 px) pinned columns cannot
# scroll away, and a wide one would leave no room for any other.
PIN_NAME_PX = 220


def text_px(text) -> int:
    """The width a column needs to show `text` whole in the data grid."""
    return math.ceil(sum(_PX.get(ch, 12.0) for ch in str(text))) + CELL_PADDING


def column_px(label: str, shown, least: int = 0) -> int:
    """A column's width: its header and every value shown in it whole."""
    return max([least, text_px(label), *(text_px(v) for v in shown)])


def fitting(widths: dict[str, int], always: list[str], wanted: list[str], room: int) -> list[str]:
    """The columns to show by default: `always`, then each of `wanted` (most wanted first)
    that still fits beside them in `room` pixels. The others stay a click away."""
    used = sum(widths[c] for c in always)
    out = list(always)
    for c in wanted:
        if c in widths and used + widths[c] <= room:
            out.append(c)
            used += widths[c]
    return out


def flags(row, lang: str, short: bool = False) -> str:
    """A row's notes: too few to rank, closed wall, no items. `short`: the leaderboard's
    compact wording (the column's help says the rest)."""
    notes = []
    if row["inbound"] == 0:
        notes.append(t("flag_no_items", lang))
    elif not row["is_ranked"]:
        rated = row.get("rated")
        notes.append(
            t(
                "flag_too_few_short" if short else "flag_too_few_n",
                lang,
                n=format.number(rated, lang),
                min=format.number(MIN, lang),
            )
            if rated is not None and not pd.isna(rated)
            else t("flag_too_few", lang)
        )
    if not row["accepts_visitor_posts"]:
        notes.append(t("flag_closed_wall", lang))
    return " · ".join(notes)


def move_text(movement, is_new: bool, lang: str) -> str:
    """↑3, ↓1, = or new for a leaderboard row; empty for an unranked one."""
    if is_new:
        return t("move_new", lang)
    if movement is None or pd.isna(movement):
        return ""
    movement = int(movement)
    return f"↑{movement}" if movement > 0 else f"↓{-movement}" if movement < 0 else "="


def leaderboard(ranking: pd.DataFrame, level: str, lang: str, moves: dict | None = None):
    """The leaderboard as a Styler (Swedish/English display, numeric values for sorting), its
    st.dataframe column_config, and the columns shown by default: those that fit a 1280 px
    laptop whole, most wanted first (the rest stay in the column chooser). `moves` (from
    ui.data.movement): a movement column beside the rank, against the period it names."""
    # Values rounded to what is shown, one unit per column (in its header): the accessible
    # table a screen reader reads holds the raw values, and they must be the ones on screen.
    df = pd.DataFrame(
        {
            "rank": ranking["rank"].astype("Float64"),
            "name": ranking["page_name"],
            "reply_rate": (ranking["reply_rate"] * 100).round(0),
            "interval": [
                format.interval(lo, hi, lang)
                for lo, hi in zip(
                    ranking["reply_rate_low"], ranking["reply_rate_high"], strict=True
                )
            ],
            "median": ranking["median_response_min"].astype("float64").round(0),
            "p90": ranking["p90_response_min"].astype("float64").round(0),
            "within": (ranking["within_sla_share"].astype("float64") * 100).round(0),
            "goal": (ranking["goal_minutes"] / 60).round(1) if "goal_minutes" in ranking else pd.NA,
            "inbound": ranking["inbound"],
            "pending": ranking["pending"],
            "flags": [flags(r, lang, short=True) for _, r in ranking.iterrows()],
        }
    )
    if level == "agency":
        df.insert(2, "pages", ranking["count_pages"])
    if moves is not None:
        moved = moves["frame"].set_index("page_id")
        df.insert(
            1,
            "move",
            [
                move_text(moved.at[p, "movement"], bool(moved.at[p, "is_new"]), lang)
                if p in moved.index
                else ""
                for p in ranking["page_id"]
            ],
        )
    shown = {  # each column's text as the grid draws it
        "rank": lambda v: format.number(v, lang),
        "median": lambda v: format.number(v, lang),
        "p90": lambda v: format.number(v, lang),
        "within": lambda v: format.number(v, lang),
        "goal": lambda v: format.number(v, lang, 1, optional=True),
        "inbound": lambda v: format.number(v, lang),
        "pending": lambda v: format.number(v, lang),
        "pages": lambda v: format.number(v, lang),
    }
    styled = df.style.format(
        {c: f for c, f in shown.items() if c in df and c != "pages"}, na_rep=format.DASH
    )
    goals = df["goal"].dropna().unique() if "goal_minutes" in ranking else []
    one_goal = float(goals[0]) if len(goals) == 1 else None  # hours
    labels = {
        "rank": t("col_rank", lang),
        "move": t("col_move", lang),
        "name": t(f"col_name_{level}", lang),
        "pages": t("col_pages", lang),
        "reply_rate": t("col_reply_rate", lang),
        "interval": t("col_interval_short", lang),
        "median": t("col_median_min", lang),
        "p90": t("col_p90_min", lang),
        # one goal for every row is named in the header (and its column stays hidden below)
        "within": t("col_within_goal_pct", lang, goal=format.duration(one_goal * 60, lang))
        if one_goal is not None
        else t("col_within_pct", lang),
        "goal": t("col_goal_row", lang),
        "inbound": t("col_inbound", lang),
        "pending": t("col_pending", lang),
        "flags": t("col_flags", lang),
    }

    def texts(c: str) -> list[str]:
        if c in shown:
            return [format.DASH if pd.isna(v) else shown[c](v) for v in df[c]]
        return [str(v) for v in df[c]]

    least = {"rank": text_px("99"), "reply_rate": 100}  # the bar needs room beside its label
    px = {c: column_px(labels[c], texts(c), least.get(c, 0)) for c in df.columns}
    pin_name = px["name"] <= PIN_NAME_PX
    cc = st.column_config
    config = {
        "rank": cc.NumberColumn(
            labels["rank"],
            help=t("col_rank_help", lang, min=format.number(MIN, lang)),
            width=px["rank"],
            pinned=True,
        ),
        "move": cc.TextColumn(
            labels["move"],
            help=t(
                "col_move_help",
                lang,
                since=format.day(moves["since"], lang) if moves else "",
                until=format.day(moves["until"], lang) if moves else "",
            ),
            width=px.get("move"),
        ),
        "name": cc.TextColumn(labels["name"], width=px["name"], pinned=pin_name),
        "pages": cc.NumberColumn(labels["pages"], width=px.get("pages")),
        "reply_rate": cc.ProgressColumn(
            labels["reply_rate"],
            format=PCT_FORMAT.get(lang, PCT_FORMAT["sv"]),
            min_value=0,
            max_value=100,
            width=px["reply_rate"],
        ),
        "interval": cc.TextColumn(
            labels["interval"], help=t("col_interval_help", lang), width=px["interval"]
        ),
        "median": cc.NumberColumn(labels["median"], width=px["median"]),
        "p90": cc.NumberColumn(labels["p90"], help=t("col_p90_help", lang), width=px["p90"]),
        "within": cc.NumberColumn(
            labels["within"], help=t("col_within_help", lang), width=px["within"]
        ),
        "goal": cc.NumberColumn(
            labels["goal"], help=t("col_goal_row_help", lang), width=px["goal"]
        ),
        "inbound": cc.NumberColumn(labels["inbound"], width=px["inbound"]),
        "pending": cc.NumberColumn(
            labels["pending"],
            help=t("col_pending_help", lang, hours=format.number(DEFAULT_PENDING_HOURS, lang)),
            width=px["pending"],
        ),
        "flags": cc.TextColumn(labels["flags"], help=t("col_flags_help", lang), width=px["flags"]),
    }
    # One goal for every row (a common goal, or pages that share one) is said in the caption
    # and the goal control; the column earns its room only when rows differ.
    goals_differ = len(goals) > 1
    wanted = ["reply_rate", "median", "within", "flags", "interval", "move", "inbound"]
    wanted += ["pages", *(["goal"] if goals_differ else []), "p90", "pending"]
    if not df["flags"].str.len().any():
        wanted.remove("flags")
    defaults = fitting(px, ["rank", "name"], wanted, LAPTOP_TABLE_PX)
    return styled, {c: v for c, v in config.items() if c in df}, defaults


def compare(
    rows: pd.DataFrame, ids: list[str], names: dict[str, str], ranked: int, level: str, lang: str
):
    """The compare page's entities × measures: one row per entity, numbered as the charts'
    colours, every value whole and with its unit (a table instead of cards, which cut numbers
    at 1280 px). Text, formatted as seen, so a screen reader reads the same."""
    out = []
    for i, eid in enumerate(ids, 1):
        r = rows.loc[eid]
        out.append(
            {
                "n": i,
                "name": names[eid],
                "reply_rate": format.percent(r["reply_rate"], lang),
                "interval": format.interval(r["reply_rate_low"], r["reply_rate_high"], lang),
                "median": format.duration(r["median_response_min"], lang),
                "within": format.percent(r["within_sla_share"], lang),
                "goal": format.duration(r.get("goal_minutes"), lang),
                "inbound": format.number(r["inbound"], lang),
                "rank": t("rank_short", lang, rank=int(r["rank"]), total=ranked)
                if pd.notna(r["rank"])
                else t("not_ranked", lang),
            }
        )
    cc = st.column_config
    # widths that fit a 1280 px laptop beside the sidebar (about 830 px for the table)
    config = {
        "n": cc.NumberColumn("#", width=32),
        "name": cc.TextColumn(t(f"col_name_{level}", lang), width=180),
        "reply_rate": cc.TextColumn(t("col_reply_rate", lang), width=100),
        "interval": cc.TextColumn(
            t("col_interval", lang), help=t("col_interval_help", lang), width=90
        ),
        "median": cc.TextColumn(t("kpi_median", lang), width=100),
        "within": cc.TextColumn(t("kpi_within", lang), width=80),
        "goal": cc.TextColumn(t("goal", lang), width=70),
        "inbound": cc.TextColumn(t("col_inbound", lang), width=70),
        "rank": cc.TextColumn(
            t("col_rank", lang), help=t("col_rank_help", lang, min=MIN), width=90
        ),
    }
    return pd.DataFrame(out, columns=list(config)), config


def items(df: pd.DataFrame, lang: str, waited: bool = False, show_page: bool = True):
    """Slowest or unanswered items: time, (page,) kind, text, response time, link."""
    out = pd.DataFrame(
        {
            "time": [format.moment(v, lang) for v in df["created_at"]],
            "page": df["page_name"],
            "kind": [t(f"kind_{k}", lang) for k in df["kind"]],
            "text": df["message"].fillna("").astype(str),
            "minutes": df["waited_minutes"] if waited else df["response_minutes"],
            "link": df["permalink_url"],
        }
    )
    if not show_page:
        out = out.drop(columns="page")
    styled = out.style.format({"minutes": lambda v: format.duration(v, lang)}, na_rep="")
    cc = st.column_config
    config = {
        "time": cc.TextColumn(t("col_time", lang), width=140),
        "page": cc.TextColumn(t("col_page", lang), width=160),
        "kind": cc.TextColumn(t("col_kind", lang), width=110),
        "text": cc.TextColumn(t("col_text", lang), width="large"),
        "minutes": cc.NumberColumn(t("col_waited" if waited else "col_response", lang), width=90),
        "link": cc.LinkColumn(t("col_link", lang), display_text=t("open_link", lang), width=70),
    }
    return styled, config


# -- downloads ------------------------------------------------------------------------------------


def ranking_csv(ranking: pd.DataFrame) -> bytes:
    """The same CSV as `python -m analysis rank --format csv` (UTF-8, rates as fractions,
    formula-like text neutralised for spreadsheets)."""
    cols = [*RANK_COLUMNS, *[c for c in ranking.columns if c not in RANK_COLUMNS]]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(cols)
    for row in ranking[cols].astype(object).itertuples(index=False):
        writer.writerow([csv_cell(None if v is pd.NA else v) for v in row])
    return buf.getvalue().encode("utf-8")


# The downloads' columns, in order: (ranking column, header key, kind). Kinds: "int" whole
# counts, "min" minutes rounded to whole minutes as on screen, "share" fractions (percent in
# Excel, percent numbers in the CSV), "text".
EXPORT_COLUMNS = (
    ("rank", "col_rank", "int"),
    ("page_id", "x_id", "text"),
    ("page_name", "x_name", "text"),
    ("agency", "col_name_agency", "text"),
    ("sector", "col_sector", "text"),
    ("count_pages", "col_pages", "int"),
    ("reply_rate", "x_reply_rate", "share"),
    ("reply_rate_low", "x_low", "share"),
    ("reply_rate_high", "x_high", "share"),
    ("median_response_min", "x_median", "min"),
    ("p90_response_min", "x_p90", "min"),
    ("km_median_response_min", "x_km", "min"),
    ("within_sla_share", "x_within", "share"),
    ("goal_minutes", "x_goal", "min"),
    ("inbound", "col_inbound", "int"),
    ("answered", "col_answered", "int"),
    ("pending", "col_pending", "int"),
    *((b, f"bucket_{b}", "int") for b in BUCKETS),
    ("flags", "col_flags", "text"),
)


def export_frame(ranking: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[str]]:
    """The ranking as people download it: the columns of EXPORT_COLUMNS the ranking has,
    minutes rounded to whole minutes, notes in words; headers in the UI's language. Returns
    the frame (keyed by ranking column) and each column's kind."""
    df = ranking.copy()
    if {"inbound", "is_ranked", "accepts_visitor_posts"} <= set(df.columns):
        df["flags"] = [flags(r, lang) for _, r in ranking.iterrows()]
    out, kinds = {}, []
    for col, _, kind in EXPORT_COLUMNS:
        if col not in df or (col == "count_pages" and (df[col] == 1).all()):
            continue
        values = df[col]
        if kind == "min":
            values = values.astype("float64").round(0)
        elif kind == "int":
            values = values.astype("Float64")
        out[col] = values
        kinds.append(kind)
    return pd.DataFrame(out), kinds


def export_headers(frame: pd.DataFrame, lang: str) -> list[str]:
    keys = {col: key for col, key, _ in EXPORT_COLUMNS}
    timed = {f"bucket_{b}" for b in BUCKETS[:4]}  # "0–2 h" alone says too little in a sheet
    return [
        f"{t('col_answered', lang)} {t(keys[c], lang)}" if keys[c] in timed else t(keys[c], lang)
        for c in frame.columns
    ]


def people_csv(ranking: pd.DataFrame, lang: str) -> bytes:
    """The dashboard's CSV, for a double click in a spreadsheet: UTF-8 with a byte-order mark;
    in Swedish `;` between cells and a decimal comma (as Swedish Excel expects), in English `,`
    and a decimal point; headers in the UI's language; shares as percent numbers, minutes whole.
    (The CLI's machine-readable CSV is `ranking_csv`.)"""
    frame, kinds = export_frame(ranking, lang)
    sep, decimal = (";", ",") if lang == "sv" else (",", ".")
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    writer.writerow(export_headers(frame, lang))
    for row in frame.astype(object).itertuples(index=False):
        cells = []
        for value, kind in zip(row, kinds, strict=True):
            if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
                cells.append("")
            elif kind == "share":
                cells.append(f"{float(value) * 100:.1f}".replace(".", decimal))
            elif kind in ("int", "min"):
                cells.append(str(int(value)))
            else:
                cells.append(csv_cell(str(value)))
        writer.writerow(cells)
    return buf.getvalue().encode("utf-8-sig")


NUMBER_FORMATS = {"share": "0.0%", "min": "#,##0", "int": "#,##0"}


def ranking_xlsx(ranking: pd.DataFrame, settings: list[tuple[str, str]], lang: str) -> bytes:
    """An Excel workbook: the ranking (headers in the UI's language, minutes whole, a number
    format per column), the definitions it rests on and the filters used (a link to the view
    as a clickable link)."""
    buf = io.BytesIO()
    defs = pd.DataFrame(
        methodology.definitions(lang), columns=[t("sheet_term", lang), t("sheet_text", lang)]
    )
    used = pd.DataFrame(settings, columns=[t("sheet_param", lang), t("sheet_value", lang)])
    frame, kinds = export_frame(ranking, lang)
    data = frame.astype({c: "float64" for c, k in zip(frame, kinds, strict=True) if k != "text"})
    data.columns = export_headers(frame, lang)
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        data.to_excel(xl, sheet_name=t("sheet_ranking", lang), index=False)
        defs.to_excel(xl, sheet_name=t("sheet_definitions", lang), index=False)
        used.to_excel(xl, sheet_name=t("sheet_filters", lang), index=False)
        sheet = xl.sheets[t("sheet_ranking", lang)]
        for j, (header, kind) in enumerate(zip(data.columns, kinds, strict=True), start=1):
            letter = sheet.cell(row=1, column=j).column_letter
            sheet.column_dimensions[letter].width = max(10, min(40, len(header) + 2))
            if kind in NUMBER_FORMATS:
                for cell in sheet[letter][1:]:
                    cell.number_format = NUMBER_FORMATS[kind]
        sheet.freeze_panes = "D2"
        for ws in xl.sheets.values():  # names from the data are text, never formulas
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        cell.data_type = "s"
        filters = xl.sheets[t("sheet_filters", lang)]
        for row in filters.iter_rows(min_row=2):
            value = row[1].value
            if isinstance(value, str) and value.startswith(("https://", "http://")):
                row[1].hyperlink = value
                row[1].style = "Hyperlink"
        for name, widths in (
            (t("sheet_definitions", lang), (28, 120)),
            (t("sheet_filters", lang), (28, 80)),
        ):
            ws = xl.sheets[name]
            ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = widths
    return buf.getvalue()


def _slug(text: str) -> str:
    """ASCII for a file name: 'Hela datamängden' → 'hela-datamangden'."""
    import re
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:40]


def export_name(ext: str, parts: tuple[str, ...] = ()) -> str:
    """svarstid-<view parts>-<today>.<ext>: the file says the view it holds (period, scope,
    clock, level …)."""
    words = [w for w in (_slug(p) for p in parts) if w]
    return "-".join(["svarstid", *words, f"{datetime.now(UTC):%Y%m%d}"]) + f".{ext}"


# -- methodology & data ---------------------------------------------------------------------------


def snapshot_label(s, lang: str) -> str:
    """A short column label for a snapshot: its export day and the end of its id."""
    return f"{format.day(s.as_of.date(), lang)} ·{s.snapshot_id[-6:]}"


def snapshots(ds, coverage: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict]:
    """One row per snapshot, newest first: id, source, as of, coverage, size."""
    cov = coverage.set_index("snapshot_id")
    rows = []
    for s in reversed(ds.snapshots):
        first = cov["first_item_at"].get(s.snapshot_id)
        last = cov["last_item_at"].get(s.snapshot_id)
        rows.append(
            {
                "id": s.snapshot_id,
                "source": t("source_demo", lang) if s.source == "demo" else s.source,
                "as_of": format.moment(s.as_of, lang),
                "first": format.moment(first, lang),
                "last": format.moment(last, lang),
                "items": int(s.counts.get("inbound_items", 0)),
                "pages": int(s.counts.get("pages", 0)),
            }
        )
    cc = st.column_config
    config = {
        "id": cc.TextColumn(t("col_snapshot", lang), width=300),
        "source": cc.TextColumn(t("col_source", lang), width=90),
        "as_of": cc.TextColumn(t("col_as_of", lang), width=125),
        "first": cc.TextColumn(t("col_first_item", lang), width=125),
        "last": cc.TextColumn(t("col_last_item", lang), width=125),
        "items": cc.NumberColumn(t("col_items", lang), width=100),
        "pages": cc.NumberColumn(t("col_pages", lang), width=55),
    }
    return pd.DataFrame(rows, columns=list(config)), config


def manifest_counts(ds, attr: str, prefix: str, lang: str) -> tuple[pd.DataFrame, dict]:
    """A manifest's counts or anomalies: one row per key, one column per snapshot (newest
    first); keys Svarstid knows are explained, others shown as they are."""
    from ui.i18n import has

    snaps = list(reversed(ds.snapshots))
    keys = list(dict.fromkeys(k for s in snaps for k in getattr(s, attr)))
    rows = [
        {"what": t(f"{prefix}_{k}", lang) if has(f"{prefix}_{k}") else k}
        | {s.snapshot_id: int(getattr(s, attr).get(k, 0) or 0) for s in snaps}
        for k in keys
    ]
    cc = st.column_config
    config = {"what": cc.TextColumn(t("col_what", lang), width=300)} | {
        s.snapshot_id: cc.NumberColumn(snapshot_label(s, lang), width=115) for s in snaps
    }
    return pd.DataFrame(rows, columns=list(config)), config


def registry(pages: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict]:
    """The registry as the data uses it: every page with its defaults filled in."""
    reg = pages.sort_values(["agency", "page_name"])
    yes_no = {True: t("yes", lang), False: t("no", lang)}
    frame = pd.DataFrame(
        {
            "page": reg["page_name"],
            "agency": reg["agency"],
            "sector": reg["sector"],
            "hours": reg["opening_hours"],
            "goal": reg["sla_minutes"],
            "wall": reg["accepts_visitor_posts"].map(yes_no),
            "fans": reg["fan_count"],
        }
    )
    cc = st.column_config
    config = {
        "page": cc.TextColumn(t("col_page", lang), width=200),
        "agency": cc.TextColumn(t("col_name_agency", lang), width=180),
        "sector": cc.TextColumn(t("col_sector", lang), width=130),
        "hours": cc.TextColumn(t("col_hours", lang), width=180),
        "goal": cc.NumberColumn(t("col_goal", lang), format="%d", width=95),
        "wall": cc.TextColumn(t("col_open_wall", lang), width=80),
        "fans": cc.NumberColumn(t("col_fans", lang), format="%d", width=60),
    }
    return frame, config


def contributions(ds, lang: str) -> tuple[pd.DataFrame, dict]:
    """One row per page: who contributed its data (contributors.toml) and how fresh it is."""
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    rows = [
        {
            "page": c["page_name"],
            "contributor": t("contributor_local", lang)
            if c["contributor"] == "local"
            else c["contributor"],
            "as_of": format.moment(c["as_of"], lang),
            "age": format.duration((now - c["as_of"]).total_seconds() / 60, lang),
            "snapshot": c["snapshot_id"],
        }
        for c in ds.contributions
    ]
    cc = st.column_config
    config = {
        "page": cc.TextColumn(t("col_page", lang), width=220),
        "contributor": cc.TextColumn(t("col_contributor", lang), width=160),
        "as_of": cc.TextColumn(t("col_as_of", lang), width=125),
        "age": cc.TextColumn(t("col_age", lang), width=110),
        "snapshot": cc.TextColumn(t("col_snapshot", lang), width=300),
    }
    return pd.DataFrame(rows, columns=list(config)), config


def storms(df: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict]:
    """The storms of a profile: start (Stockholm), page, duration, size, reply rate and median
    during and outside."""
    shown = pd.DataFrame(
        {
            "start": [format.moment(v, lang) for v in df["start_at"]],
            "page": df["page_name"],
            "duration": [format.duration(v, lang) for v in df["duration_min"]],
            "size": df["size"],
            "rate": [format.percent(v, lang) for v in df["reply_rate"]],
            "rate_out": [format.percent(v, lang) for v in df["reply_rate_outside"]],
            "median": [format.duration(v, lang) for v in df["median_response_min"]],
            "median_out": [format.duration(v, lang) for v in df["median_response_min_outside"]],
        }
    )
    cc = st.column_config
    config = {
        "start": cc.TextColumn(t("col_storm_start", lang)),
        "page": cc.TextColumn(t("col_storm_page", lang)),
        "duration": cc.TextColumn(t("col_storm_duration", lang)),
        "size": cc.NumberColumn(t("col_storm_size", lang)),
        "rate": cc.TextColumn(t("col_storm_rate", lang)),
        "rate_out": cc.TextColumn(t("col_storm_rate_out", lang)),
        "median": cc.TextColumn(t("col_storm_median", lang)),
        "median_out": cc.TextColumn(t("col_storm_median_out", lang)),
    }
    return shown, config
