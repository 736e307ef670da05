"""One benchmark step in its own process: `python -m benchmarks.worker STEP IN.json OUT.json`.

Each step reads its arguments from IN.json and writes its measurements to OUT.json; the parent
reads the process's peak RSS from wait4, so every step's memory is its own.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from datetime import date, datetime
from pathlib import Path

from benchmarks.measure import interleaved, process_peak, timed

ROOT = Path(__file__).resolve().parent.parent


def _view(d: dict):
    from benchmarks.baselines import View

    return View(
        name=d["name"],
        clock=d["clock"],
        since=date.fromisoformat(d["since"]) if d.get("since") else None,
        until=date.fromisoformat(d["until"]) if d.get("until") else None,
    )


def _filters(view):
    from analysis.read.metrics import Filters

    return Filters(clock=view.clock, since=view.since, until=view.until)


# -- steps ----------------------------------------------------------------------------------------


def step_demo(args: dict) -> dict:
    """Generate the synthetic dataset with analysis.sources.demo.write_demo."""
    from analysis.sources.demo import write_demo

    data_dir = Path(args["data_dir"])
    shutil.rmtree(data_dir, ignore_errors=True)

    def run():
        return write_demo(data_dir, items=args["items"])

    seconds, peak, info = timed(run)
    counts = info.manifest["counts"]
    import duckdb

    facts = str(Path(info.path) / "item_facts.parquet")
    first, last = duckdb.execute(
        "select min(created_at at time zone 'Europe/Stockholm')::date,"
        " max(created_at at time zone 'Europe/Stockholm')::date from read_parquet(?)",
        [facts],
    ).fetchone()
    return {
        "seconds": seconds,
        "peak_rss_call": peak,
        "generator": "analysis.sources.demo.write_demo",
        "snapshot": str(info.path),
        "as_of": info.manifest["as_of"],
        "inbound_items": counts["inbound_items"],
        "posts": counts["posts"],
        "replies": counts["replies"],
        "pages": counts["pages"],
        "first_day": first.isoformat() if first else None,
        "last_day": last.isoformat() if last else None,
    }


def step_export(args: dict) -> dict:
    """Write the snapshot's data as a Graph API export (the benchmark's own writer)."""
    from benchmarks.graph_export import write_export

    out = Path(args["out"])
    shutil.rmtree(out, ignore_errors=True)
    seconds, peak, info = timed(lambda: write_export(Path(args["snapshot"]), out))
    return {
        "seconds": seconds,
        "peak_rss_call": peak,
        "files": info.files,
        "bytes": info.bytes,
        "inbound_items": info.inbound_items,
        "replies": info.replies,
        "conversation": info.conversation,
    }


def step_ingest(args: dict) -> dict:
    """Time analysis.ingest.ingest_graph_api over the export."""
    from analysis.ingest import ingest_graph_api

    data_dir = Path(args["data_dir"])
    as_of = datetime.fromisoformat(args["as_of"])
    seconds, peak, report = timed(
        lambda: ingest_graph_api(data_dir, [Path(args["export"])], as_of=as_of)
    )
    counts = report.snapshot.manifest["counts"]
    return {
        "seconds": seconds,
        "peak_rss_call": peak,
        "inbound_items": counts["inbound_items"],
        "replies": counts["replies"],
        "posts": counts["posts"],
        "rejected": report.rejected,
        "snapshot": str(report.snapshot.path),
    }


def step_rank(args: dict) -> dict:
    """Svarstid's rank against the pandas baseline and the DuckDB floor, per view."""
    import pandas as pd

    from analysis.read import metrics
    from analysis.read.dataset import Dataset
    from benchmarks.baselines import (
        compare,
        duckdb_floor,
        pandas_rank,
        pandas_rank_tables,
        polars_rank_tables,
    )

    data_dir, snapshot = Path(args["data_dir"]), Path(args["snapshot"])
    repeats = args["repeats"]
    out_dir = Path(args["out_dir"])
    # above --baselines-up-to the pandas and Polars baselines are skipped: at 20M each would
    # take minutes per view and more memory than the machine's share; the floor always runs
    baselines = args.get("baselines", True)
    warm = Dataset(data_dir)

    def open_dataset():
        Dataset(data_dir).close()

    results: dict = {"dataset_open": interleaved({"open": open_dataset}, repeats)["open"].as_dict()}
    views = {}
    for raw in args["views"]:
        view = _view(raw)
        filters = _filters(view)

        def svarstid(filters=filters):
            ds = Dataset(data_dir)
            try:
                return metrics.rank(ds, filters)
            finally:
                ds.close()

        # correctness first: the baseline must give Svarstid's numbers, the floor its counts
        mine = svarstid()
        if baselines:
            base = pandas_rank_tables(snapshot, view, data_dir)
            pages = compare(mine, base, "pandas")
            compare(mine, pandas_rank(snapshot, view), "pandas on item facts")
            compare(mine, polars_rank_tables(snapshot, view, data_dir), "polars")
        else:  # the CLI's CSV is then checked against the in-process ranking
            base, pages = mine, len(mine)
        floor = pd.DataFrame(
            duckdb_floor(snapshot, view),
            columns=["page_id", "inbound", "answered", "pending", "median_response_min"],
        )
        # the floor has no p90 or Wilson bounds: compare what it has, on the pages with items
        with_items = mine[mine["inbound"] > 0][["page_id", "inbound", "answered", "pending"]]
        floor_pages = compare(
            with_items.assign(median_response_min=mine["median_response_min"]),
            floor,
            "duckdb floor",
            columns=("inbound", "answered", "pending", "median_response_min"),
        )
        base.to_parquet(out_dir / f"pandas-{view.name}.parquet")
        runs = {
            "svarstid": svarstid,
            "svarstid_warm": lambda filters=filters: metrics.rank(warm, filters),
            "floor": lambda view=view: duckdb_floor(snapshot, view),
        }
        if baselines:
            runs["pandas"] = lambda view=view: pandas_rank_tables(snapshot, view, data_dir)
            runs["pandas_facts"] = lambda view=view: pandas_rank(snapshot, view)
            runs["polars"] = lambda view=view: polars_rank_tables(snapshot, view, data_dir)
        timings = interleaved(runs, repeats)
        checked = "both pandas, polars; " if baselines else ""
        views[view.name] = {
            "view": raw,
            "check": f"equal on {pages} pages ({checked}floor: {floor_pages} pages with items)",
            "inbound": int(mine["inbound"].sum()),
            **{name: t.as_dict() for name, t in timings.items()},
        }
    results["views"] = views
    warm.close()
    return results


def step_rank_memory(args: dict) -> dict:
    """Svarstid's rank alone, for its memory: a Dataset per view and metrics.rank, nothing else.

    `step_rank` also runs the pandas baselines, whose peaks would be counted as Svarstid's; the
    parent reads this process's peak RSS (interpreter and imports included) from wait4.
    """
    from analysis.read import metrics
    from analysis.read.dataset import Dataset

    data_dir = Path(args["data_dir"])
    start = time.perf_counter()
    inbound = {}
    for raw in args["views"]:
        view = _view(raw)
        ds = Dataset(data_dir)
        try:
            inbound[view.name] = int(metrics.rank(ds, _filters(view))["inbound"].sum())
        finally:
            ds.close()
    return {"seconds": time.perf_counter() - start, "inbound": inbound}


def step_profile(args: dict) -> dict:
    """Every `profile_*` query of analysis.read.profile for the busiest page."""
    from analysis.read import metrics, profile
    from analysis.read.dataset import Dataset

    data_dir = Path(args["data_dir"])
    repeats = args["repeats"]
    filters = metrics.Filters()
    warm = Dataset(data_dir)
    ranking = metrics.rank(warm, filters)
    page_id = str(ranking.sort_values("inbound", ascending=False)["page_id"].iloc[0])
    names = sorted(
        n for n in dir(profile) if n.startswith("profile_") and callable(getattr(profile, n))
    )

    def query(fn):
        return lambda: fn(warm, filters, [page_id])

    queries = {name: query(getattr(profile, name)) for name in names}

    def cold() -> None:
        ds = Dataset(data_dir)
        try:
            for name in queries:
                getattr(profile, name)(ds, filters, [page_id])
        finally:
            ds.close()

    timings = interleaved({**queries, "all, fresh Dataset": cold}, repeats)
    warm.close()
    return {
        "page_id": page_id,
        "page_inbound": int(ranking.set_index("page_id").loc[page_id, "inbound"]),
        "queries": {name: t.as_dict() for name, t in timings.items()},
    }


def step_marts(args: dict) -> dict:
    """The newest marts on a warm Dataset, all entities, default filters: the ranking's history
    by month, the ranking itself (it carries the response-time buckets), storms, answer quality
    and moderation."""
    from analysis.read import insights, metrics
    from analysis.read.dataset import Dataset

    data_dir = Path(args["data_dir"])
    filters = metrics.Filters()
    warm = Dataset(data_dir)
    queries = {
        "history by month": lambda: insights.history(warm, filters, "month"),
        "rank with buckets": lambda: metrics.rank(warm, filters),
        "storms": lambda: insights.storms(warm, filters),
        "answer quality": lambda: insights.answer_quality(warm, filters),
        "moderation": lambda: insights.moderation(warm, filters),
    }
    for query in queries.values():  # warm: the first run of each is not timed
        query()
    timings = interleaved(queries, args["repeats"])
    warm.close()
    return {"queries": {name: t.as_dict() for name, t in timings.items()}}


CLOCK_WIDGET = "w_clock"
SCOPE_WIDGET = "w_scope"


def _find_widget(at, key: str):
    """The AppTest widget with this key, whatever its kind."""
    for kind in ("segmented_control", "radio", "selectbox", "pills", "select_slider", "toggle"):
        try:
            return getattr(at, kind)(key=key)
        except (KeyError, AttributeError):
            continue
    return None


def step_dashboard(args: dict) -> dict:
    """The start page through streamlit.testing.v1.AppTest: first render and a filter change."""
    app = ROOT / "dashboard.py"
    os.environ["SVARSTID_DATA_DIR"] = args["data_dir"]
    from streamlit.testing.v1 import AppTest

    def fail(at) -> str | None:
        if at.exception:
            return "; ".join(str(e.message) for e in at.exception)[:500]
        return None

    at = AppTest.from_file(str(app), default_timeout=600)
    first, peak_first, _ = timed(at.run)
    if err := fail(at):
        raise RuntimeError(f"the start page raised: {err}")
    widget = _find_widget(at, CLOCK_WIDGET)
    out = {"first_render": first, "peak_rss_first": peak_first}
    if widget is None:
        out["filter_note"] = f"no widget with key {CLOCK_WIDGET!r} on the start page"
    else:
        from analysis.settings import CLOCKS

        other = next(c for c in CLOCKS if c != widget.value)  # options holds the labels
        change, _, _ = timed(lambda: widget.set_value(other).run())
        if err := fail(at):
            raise RuntimeError(f"the start page raised after a filter change: {err}")
        if _find_widget(at, CLOCK_WIDGET).value != other:
            raise RuntimeError(f"the clock did not change to {other!r}")
        out["filter_change"] = change
        out["filter_widget"] = f"{CLOCK_WIDGET} → {other}"
        # A visitor reads the page before the next click: meanwhile the rankings one click away
        # are computed (ui/data.py, prefetch_rankings). The wait is how long they take; then a
        # scope none of the runs so far has drawn.
        data = sys.modules["ui.data"]  # the module the app imported, with its caches
        settled, ok = timed(lambda: data.prefetch_settled(600))[0], data.prefetch_enabled()
        scope = _find_widget(at, SCOPE_WIDGET)
        if scope is not None and ok:
            out["prefetch_settled"] = settled
            paused, _, _ = timed(lambda: scope.set_value("questions").run())
            if err := fail(at):
                raise RuntimeError(f"the start page raised after a scope change: {err}")
            if _find_widget(at, SCOPE_WIDGET).value != "questions":
                raise RuntimeError("the scope did not change to 'questions'")
            out["filter_change_after_pause"] = paused
            out["filter_widget_after_pause"] = f"{SCOPE_WIDGET} → questions"
    # a second session in the same server process: Streamlit's caches are warm
    at2 = AppTest.from_file(str(app), default_timeout=600)
    out["warm_render"], _, _ = timed(at2.run)
    return out


STEPS = {
    "demo": step_demo,
    "export": step_export,
    "ingest": step_ingest,
    "rank": step_rank,
    "rank_memory": step_rank_memory,
    "profile": step_profile,
    "marts": step_marts,
    "dashboard": step_dashboard,
}


def main(argv: list[str]) -> int:
    step, in_path, out_path = argv
    args = json.loads(Path(in_path).read_text(encoding="utf-8"))
    start = time.perf_counter()
    result = STEPS[step](args)
    result["worker_seconds"] = time.perf_counter() - start
    result["worker_peak_rss"] = process_peak()
    Path(out_path).write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
