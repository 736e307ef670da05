"""Speed as a visitor feels it: time to content in a real Chromium (Playwright), for every
page of the dashboard, against a bare Streamlit page with one table served the same way in
the same run, reported as ratios (the machine is shared and noisy; ratios travel).

    python -m benchmarks.browser                      # 200,000 demo items, 3 repeats
    python -m benchmarks.browser --items 5000000 --repeats 1
    python -m benchmarks.browser --no-first-start     # skip the empty-folder first start
    python -m benchmarks.browser --data-dir /work/bench-data/5M --repeats 1   # a copy of it

Measured, each in a fresh browser context (a new session, as a new visitor):
- bare: the bare page (`st.dataframe` of a six-row frame, the dashboard's .streamlit config)
  until its table is on screen and the script run has ended;
- cold: each dashboard page the first time it is opened on a freshly started server (its
  queries not yet cached; the first page also pays for the server's first script run);
- warm: each page again, once its results are cached, in --repeats rounds that each visit
  the bare page first (best of the rounds, and the median of each round's page / bare);
- returning visitor: the same, in a browser that opened the page before (its cache holds
  Streamlit's scripts, Plotly's 4.7 MB among them), against the bare page visited so too;
- filter: on the rankings page, a click on another scope until the KPI card shows the new
  count (best of --repeats, each on a scope not yet cached, then on a cached one), and then
  the same after a visitor has read the page for a few seconds (the server ranks the views
  one click away meanwhile);
- first start: the dashboard on an empty data folder, generating the synthetic demo (200k
  items) before its first page — what a new host sees once; beside it the bare page's own
  first start (its server start and first visit), the floor any Streamlit app stands on.

Goals (issue 18): every page warm ≤ 1.25× the bare page; a filter change ≤ 0.5 s; a cold
first start ≤ 2× the bare page. Writes benchmarks/results-browser.md.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.dashboard_server import CHROMIUM, CHROMIUM_ARGS, start, stop  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results-browser.md"
TABLE = '[data-testid="stDataFrame"]'
CHART = ".js-plotly-plot"
PAGES = [  # (name, path, what shows the page's content)
    ("rankings", "/", TABLE),
    ("profile", "/profile", CHART),
    ("compare", "/compare", CHART),
    ("methodology", "/methodology", TABLE),
]
BARE = """import pandas as pd
import streamlit as st

st.title("Bare")
st.dataframe(pd.DataFrame({"page": list("abcdef"), "reply_rate": [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]}))
"""
IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"


def visit(browser, url: str, ready: str, returning: bool = False) -> float:
    """Seconds from navigation to `ready` on screen with the script run ended. `returning`: a
    visitor who was here before (the page opened once in the same browser profile first, so
    the browser's cache holds Streamlit's scripts)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="sv-SE")
    try:
        for _ in range(2 if returning else 1):
            page = context.new_page()
            page.set_default_timeout(300_000)
            began = time.perf_counter()
            page.goto(url)
            page.wait_for_selector(ready, state="visible")
            page.wait_for_function(IDLE, polling=50)
            took = time.perf_counter() - began
            page.close()
        return took
    finally:
        context.close()


READING_S = 5  # a visitor's look at the leaderboard before the next click


def filter_changes(browser, url: str, repeats: int) -> dict:
    """A click on a scope until the inbound-items card shows the new number: at once after the
    page is drawn (uncached, then cached), and after a visitor has read the page for
    READING_S seconds (meanwhile the server ranks the views one click away, ui/data.py)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(300_000)
    card = '[data-testid="stMetricValue"]'

    def click(label: str) -> float:
        before = page.locator(card).nth(1).inner_text()
        began = time.perf_counter()
        page.locator('[data-testid="stSidebar"] label').filter(has_text=label).first.click()
        page.wait_for_function(
            "([sel, old]) => { const e = document.querySelectorAll(sel)[1];"
            " return e && e.innerText !== old }",
            arg=[card, before],
            polling=20,
        )
        took = time.perf_counter() - began
        page.wait_for_function(IDLE, polling=50)
        return took

    def open_(path: str) -> None:
        page.goto(url + path)
        page.wait_for_selector(TABLE)
        page.wait_for_function(IDLE, polling=50)

    out = {"uncached": [], "cached": [], "after_reading": []}
    try:
        open_("/")
        scopes = ["Kommentarer", "Besökarinlägg", "Frågor", "Alla"]
        for round_ in range(repeats * 2):
            kind = "uncached" if round_ < len(scopes) - 1 else "cached"  # "Alla" was shown
            out[kind].append(click(scopes[round_ % len(scopes)]))
        # a period none of the clicks above has shown, so nothing of it is cached but what the
        # server ranks while the visitor reads
        open_("/?period=study")
        for label in ["Frågor", "Kommentarer", "Besökarinlägg"][: max(repeats, 1)]:
            page.wait_for_timeout(READING_S * 1000)
            out["after_reading"].append(click(label))
    finally:
        context.close()
    return out


def serve(data_dir: Path, app: Path, log: Path):
    """The server, its address and the seconds it took to answer its health check."""
    began = time.perf_counter()
    proc, url = start(data_dir, log, app=app, seconds=600)
    return proc, url, time.perf_counter() - began


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-first-start", action="store_true")
    parser.add_argument(
        "--data-dir", type=Path, help="measure over a copy of this data folder (not --items)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    opts = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from analysis.sources.demo import write_demo

    work = Path(tempfile.mkdtemp(prefix="svarstid-browser-"))
    try:
        data = work / "data"
        if opts.data_dir:
            print(f"data: a copy of {opts.data_dir} …", flush=True)
            shutil.copytree(opts.data_dir, data)
        else:
            print(f"demo data: {opts.items:,} items …", flush=True)
            write_demo(data, items=opts.items)
        bare_app = work / "bare"
        bare_app.mkdir()
        (bare_app / "dashboard.py").write_text(BARE, encoding="utf-8")
        shutil.copytree(ROOT / ".streamlit", bare_app / ".streamlit")

        res: dict = {"cold": {}, "warm": {}, "bare": []}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            bare, bare_url, res["bare_start"] = serve(data, bare_app, work / "bare.log")
            dash = None
            try:
                res["bare_first"] = visit(browser, bare_url, TABLE)  # the server's first run
                dash, url, res["dash_start"] = serve(data, ROOT, work / "dash.log")
                for name, path, ready in PAGES:
                    res["cold"][name] = visit(browser, url + path, ready)
                    print(f"cold {name}: {res['cold'][name]:.2f} s", flush=True)
                # Interleaved: each round visits the bare page, then every page, so a change in
                # the machine's load (shared, noisy) weighs on both sides of each ratio alike.
                res["warm"] = {name: [] for name, _, _ in PAGES}
                res["again"] = {name: [] for name, _, _ in PAGES}
                res["again_bare"] = []
                for round_ in range(opts.repeats):
                    res["bare"].append(visit(browser, bare_url, TABLE))
                    for name, path, ready in PAGES:
                        res["warm"][name].append(visit(browser, url + path, ready))
                    res["again_bare"].append(visit(browser, bare_url, TABLE, returning=True))
                    for name, path, ready in PAGES:
                        res["again"][name].append(visit(browser, url + path, ready, True))
                    print(
                        f"round {round_ + 1}: bare {res['bare'][-1]:.2f} s, "
                        + ", ".join(f"{n} {v[-1]:.2f} s" for n, v in res["warm"].items()),
                        flush=True,
                    )
                res["filter"] = filter_changes(browser, url, opts.repeats)
            finally:
                stop(bare)
                if dash is not None:
                    stop(dash)
            if not opts.no_first_start:
                empty = work / "empty"
                empty.mkdir()
                first, first_url, started = serve(empty, ROOT, work / "first.log")
                try:
                    res["first_start"] = started + visit(browser, first_url, TABLE)
                finally:
                    stop(first)
                print(f"first start: {res['first_start']:.2f} s", flush=True)
            browser.close()
        write(res, opts)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def write(res: dict, opts) -> None:
    bare = min(res["bare"])
    size = f"a copy of {opts.data_dir}" if opts.data_dir else f"{opts.items:,} demo items"
    ok = "✓"
    rows = [
        "| page | cold (s) | warm best (s) | warm median (s) | best / bare best | "
        "median of round ratios | goal ≤ 1.25× | returning visitor best (s) | returning / bare |",
        "|---|---:|---:|---:|---:|---:|:---:|---:|---:|",
    ]
    again_bare = min(res["again_bare"])
    for name, _, _ in PAGES:
        warm = res["warm"][name]
        ratio = min(warm) / bare
        rounds = statistics.median(w / b for w, b in zip(warm, res["bare"], strict=True))
        rows.append(
            f"| {name} | {res['cold'][name]:.2f} | {min(warm):.2f} | "
            f"{statistics.median(warm):.2f} | {ratio:.2f}× | {rounds:.2f}× | "
            f"{ok if ratio <= 1.25 else '✗'} | {min(res['again'][name]):.2f} | "
            f"{min(res['again'][name]) / again_bare:.2f}× |"
        )
    filt = res["filter"]
    lines = [
        "# Browser timings: time to content as a visitor feels it",
        "",
        "`python -m benchmarks.browser` (benchmarks/browser.py): Playwright with "
        f"{CHROMIUM} on {platform.platform()}, {size}, best of "
        f"{opts.repeats}. Each visit is a fresh browser context (a new session); the time runs "
        "from navigation until the page's table or first chart is visible and the script run "
        "has ended. The bare page (one `st.dataframe`, the same .streamlit config) is served "
        "by the same Streamlit in the same run, visited in each round just before the pages.",
        "",
        f"Bare page: best {bare:.2f} s (median {statistics.median(res['bare']):.2f} s). "
        f"Server start (health check answering): bare {res['bare_start']:.1f} s, dashboard "
        f"{res['dash_start']:.1f} s. A returning visitor (the browser's cache warm): the bare "
        f"page best {again_bare:.2f} s.",
        "",
        *rows,
        "",
        "Filter change (rankings, a click on a scope until the inbound card changes): "
        f"at once after the page is drawn, uncached best {min(filt['uncached']):.2f} s, cached "
        f"best {min(filt['cached']) if filt['cached'] else float('nan'):.2f} s; after "
        f"{READING_S} s of reading (the views one click away ranked meanwhile), on a period not "
        f"shown before: best {min(filt['after_reading']):.2f} s, worst "
        f"{max(filt['after_reading']):.2f} s (goal ≤ 0.5 s).",
    ]
    if "first_start" in res:
        first = res["first_start"]
        lines += [
            "",
            f"First start on an empty data folder (server start, 200k-item demo generated, "
            f"rankings on screen): {first:.1f} s = {first / bare:.1f}× the bare page "
            f"(goal ≤ 2×). The bare page's own first start (server start and first visit): "
            f"{res['bare_start'] + res['bare_first']:.1f} s = "
            f"{(res['bare_start'] + res['bare_first']) / bare:.1f}× its warm visit.",
        ]
    opts.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
