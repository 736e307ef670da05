"""The benchmark run: for each size, every step in its own subprocess, then the report.

Per size: generate the demo data (analysis.sources.demo), write it as a Graph API export and
ingest it, rank it four ways (default view and one quarter, wall and business clock) in-process
against the pandas baseline and the DuckDB floor, time the CLI against its own start-up, run an
agency profile's queries, and (on one size) render the dashboard's start page through AppTest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from benchmarks import report
from benchmarks.measure import Timing, spawn

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = "100k,1M,5M,10M"
LARGEST_SIZE = "20M"  # with --largest: about 4 GB of scratch data and half an hour more
QUICK_SIZES = "2k"
BASELINES_UP_TO = "10M"  # the pandas and Polars goals are stated at 5M
DEFAULT_OUT = ROOT / "benchmarks" / "results.md"
DEFAULT_WORK = ROOT / "benchmarks" / "work"
HEAVY_REPEAT_MAX_ITEMS = 200_000  # above this, demo and ingest run once (minutes, not seconds)
STUDY_QUARTER = (date(2017, 1, 1), date(2017, 3, 31))
_SIZE = re.compile(r"^(\d+(?:\.\d+)?)([kKmM]?)$")


class StepFailed(RuntimeError):
    pass


def parse_size(text: str) -> int:
    m = _SIZE.match(text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size (e.g. 2000, 100k, 1M)")
    scale = {"": 1, "k": 1_000, "m": 1_000_000}[m[2].lower()]
    return int(float(m[1]) * scale)


def label(items: int) -> str:
    if items >= 1_000_000 and items % 1_000_000 == 0:
        return f"{items // 1_000_000}M"
    if items >= 1_000 and items % 1_000 == 0:
        return f"{items // 1_000}k"
    return str(items)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Svarstid's benchmark suite: demo generation, ingest, rank (against pandas "
        "and a DuckDB floor), the CLI, an agency profile and the dashboard, at several sizes.",
    )
    p.add_argument(
        "--sizes", help=f"inbound items per run, comma-separated (default {DEFAULT_SIZES})"
    )
    p.add_argument(
        "--largest",
        action="store_true",
        help=f"add {LARGEST_SIZE} to the sizes (the goals' largest size; minutes of demo, export "
        "and ingest, and several GB of scratch data)",
    )
    p.add_argument(
        "--quick", action="store_true", help=f"a smoke run: sizes {QUICK_SIZES}, one repeat"
    )
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the results file (Markdown)")
    p.add_argument("--work", type=Path, default=DEFAULT_WORK, help="scratch folder for the data")
    p.add_argument("--repeat", type=int, default=None, help="best of N for each timing (default 3)")
    p.add_argument(
        "--dashboard-size",
        default="10M",
        help="the size the dashboard is rendered at (else the largest size below it)",
    )
    p.add_argument(
        "--baselines-up-to",
        default=BASELINES_UP_TO,
        help="the largest size the pandas and Polars baselines run at (the DuckDB floor runs at "
        f"every size; default {BASELINES_UP_TO})",
    )
    p.add_argument(
        "--include",
        type=Path,
        action="append",
        default=[],
        help="the results.json of an earlier run whose sizes join this report (a size this run "
        "measures replaces it; each size's commit is shown); repeatable",
    )
    p.add_argument("--keep", action="store_true", help="keep the generated data in --work")
    return p


# -- subprocesses ---------------------------------------------------------------------------------


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("SVARSTID_DATA_DIR", None)
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def worker(step: str, args: dict, work: Path) -> dict:
    """Run one step in a fresh interpreter; its measurements plus its peak RSS."""
    work.mkdir(parents=True, exist_ok=True)
    in_path, out_path, log = (work / f".{step}.{ext}" for ext in ("in.json", "out.json", "log"))
    in_path.write_text(json.dumps(args, default=str), encoding="utf-8")
    out_path.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "benchmarks.worker", step, str(in_path), str(out_path)]
    with log.open("wb") as fh:
        run = spawn(cmd, cwd=ROOT, env=_env(), stdout=fh, stderr=subprocess.STDOUT)
    if run.returncode != 0 or not out_path.exists():
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise StepFailed(f"step {step} failed (exit {run.returncode}):\n{tail}")
    result = json.loads(out_path.read_text(encoding="utf-8"))
    result["peak_rss"] = max(run.peak_rss, result.get("worker_peak_rss", 0))
    result["process_seconds"] = run.seconds
    return result


def repeated(step: str, args: dict, work: Path, repeats: int, before=None) -> dict:
    """A heavy step `repeats` times, each in a fresh process: the best time, the highest peak.
    The rest is the last run's: each run replaces the data of the one before (its snapshot path
    is the one that exists afterwards)."""
    results = []
    for _ in range(repeats):
        if before:
            before()
        results.append(worker(step, args, work))
    assert results
    return {
        **results[-1],
        "seconds": min(r["seconds"] for r in results),
        "peak_rss": max(r["peak_rss"] for r in results),
        "runs": repeats,
    }


# -- the CLI against its own start-up -------------------------------------------------------------


def cli_step(data_dir: Path, views: list, work: Path, repeats: int) -> dict:
    """`python -m analysis rank … --format csv` against `python -m analysis --version`."""
    import pandas as pd

    from benchmarks.baselines import compare

    base = [sys.executable, "-m", "analysis"]
    commands = {"startup": [*base, "--version"]}
    for v in views:
        commands[v.name] = [*base, "rank", "--data-dir", str(data_dir), "--format", "csv"]
        commands[v.name] += v.cli_args()
    timings = {name: Timing() for name in commands}
    for _ in range(repeats):  # interleaved, so noise hits start-up and rank alike
        for name, cmd in commands.items():
            out = work / f".cli-{name}.csv"
            with out.open("wb") as fh, (work / ".cli.err").open("wb") as err:
                run = spawn(cmd, cwd=ROOT, env=_env(), stdout=fh, stderr=err)
            if run.returncode != 0:
                raise StepFailed(
                    f"{' '.join(cmd)} failed: {(work / '.cli.err').read_text(errors='replace')}"
                )
            timings[name].add(run.seconds, run.peak_rss)
    checks = {}
    for v in views:  # the CLI's CSV must hold the same numbers as the pandas baseline
        mine = pd.read_csv(work / f".cli-{v.name}.csv", dtype={"page_id": str})
        base_df = pd.read_parquet(work / f"pandas-{v.name}.parquet")
        checks[v.name] = f"equal on {compare(mine, base_df, 'pandas vs CLI')} pages"
    startup = timings["startup"].best
    return {
        "startup": timings["startup"].as_dict(),
        "views": {
            v.name: {
                **timings[v.name].as_dict(),
                "net": timings[v.name].best - startup,
                "check": checks[v.name],
            }
            for v in views
        },
    }


# -- one size -------------------------------------------------------------------------------------


def pick_quarter(first: str | None, last: str | None) -> tuple[date, date]:
    """The study quarter (2017 Q1) when the data covers it, else the quarter of its midpoint."""
    if not first or not last:
        return STUDY_QUARTER
    lo, hi = date.fromisoformat(first), date.fromisoformat(last)
    if lo <= STUDY_QUARTER[0] and hi >= STUDY_QUARTER[1]:
        return STUDY_QUARTER
    mid = lo + (hi - lo) / 2
    q = (mid.month - 1) // 3
    start = date(mid.year, 3 * q + 1, 1)
    end = date(mid.year + (q == 3), (3 * q + 3) % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def run_size(items: int, opts, work: Path, with_dashboard: bool, log) -> dict:
    from benchmarks.baselines import View

    name = label(items)
    base = work / name
    base.mkdir(parents=True, exist_ok=True)
    heavy = opts.repeat if items <= HEAVY_REPEAT_MAX_ITEMS else 1
    out: dict = {"label": name, "items": items, "heavy_repeats": heavy, "git": _git()}

    data_dir = base / "data"
    log(f"[{name}] demo generation ({heavy}×)")
    demo = repeated("demo", {"data_dir": str(data_dir), "items": items}, base, heavy)
    out["demo"] = demo
    snapshot = Path(demo["snapshot"])
    inbound = demo["inbound_items"]

    log(f"[{name}] Graph API export of {inbound:,} inbound items")
    export_dir = base / "export"
    out["export"] = worker("export", {"snapshot": str(snapshot), "out": str(export_dir)}, base)
    if out["export"]["inbound_items"] != inbound:
        raise StepFailed(f"the export holds {out['export']['inbound_items']} items, not {inbound}")

    log(f"[{name}] ingest ({heavy}×)")
    ingest_dir = base / "ingested"

    def fresh_ingest_dir() -> None:
        shutil.rmtree(ingest_dir, ignore_errors=True)
        ingest_dir.mkdir(parents=True)
        if (data_dir / "registry.csv").exists():  # same opening hours as the demo
            shutil.copy(data_dir / "registry.csv", ingest_dir / "registry.csv")

    ingest = repeated(
        "ingest",
        {"data_dir": str(ingest_dir), "export": str(export_dir), "as_of": demo["as_of"]},
        base,
        heavy,
        before=fresh_ingest_dir,
    )
    for key in ("inbound_items", "replies"):
        if ingest[key] != demo[key]:
            raise StepFailed(f"ingest read {ingest[key]} {key}, the demo has {demo[key]}")
    out["ingest"] = ingest
    if not opts.keep:
        shutil.rmtree(export_dir, ignore_errors=True)
        shutil.rmtree(ingest_dir, ignore_errors=True)

    since, until = pick_quarter(demo.get("first_day"), demo.get("last_day"))
    q = f"{since:%Y}-q{(since.month - 1) // 3 + 1}"
    views = [
        View("all-wall", "wall"),
        View("all-business", "business"),
        View(f"{q}-wall", "wall", since, until),
        View(f"{q}-business", "business", since, until),
    ]
    out["views"] = {v.name: {"clock": v.clock, "since": v.since, "until": v.until} for v in views}
    log(f"[{name}] rank: Svarstid, baselines, DuckDB floor ({opts.repeat}× each, 4 views)")
    view_args = [
        {"name": v.name, "clock": v.clock, "since": v.since, "until": v.until} for v in views
    ]
    out["rank"] = worker(
        "rank",
        {
            "data_dir": str(data_dir),
            "snapshot": str(snapshot),
            "views": view_args,
            "repeats": opts.repeat,
            "out_dir": str(base),
            "baselines": items <= parse_size(opts.baselines_up_to),
        },
        base,
    )
    log(f"[{name}] rank alone in its own process (peak memory)")
    out["rank_memory"] = worker(
        "rank_memory",
        {"data_dir": str(data_dir), "views": view_args},
        base,
    )
    log(f"[{name}] CLI rank against CLI start-up ({opts.repeat}×)")
    out["cli"] = cli_step(data_dir, views, base, opts.repeat)
    log(f"[{name}] the newest marts (history, buckets, storms, quality, moderation)")
    out["marts"] = worker("marts", {"data_dir": str(data_dir), "repeats": opts.repeat}, base)
    log(f"[{name}] agency profile")
    out["profile"] = worker("profile", {"data_dir": str(data_dir), "repeats": opts.repeat}, base)
    if with_dashboard:
        log(f"[{name}] dashboard start page through AppTest ({opts.repeat}×)")
        args = {"data_dir": str(data_dir)}
        first = worker("dashboard", args, base)
        out["dashboard"] = first
        for _ in range(opts.repeat - 1):
            again = worker("dashboard", args, base)
            for key in (
                "first_render",
                "filter_change",
                "filter_change_after_pause",
                "prefetch_settled",
                "warm_render",
            ):
                if key in again:
                    first[key] = min(first[key], again[key])
            first["peak_rss"] = max(first["peak_rss"], again["peak_rss"])
        first["runs"] = opts.repeat
    if not opts.keep:
        shutil.rmtree(base, ignore_errors=True)
    return out


# -- the whole run --------------------------------------------------------------------------------


def _versions() -> dict:
    out = {"python": platform.python_version()}
    for mod in ("duckdb", "pandas", "pyarrow", "numpy", "streamlit"):
        out[mod] = __import__(mod).__version__
    from analysis import __version__

    out["svarstid"] = __version__
    return out


def _git() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return f"{head}{' + uncommitted changes' if dirty else ''}" if head else "unknown"
    except OSError:
        return "unknown"


def _mem_total() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def machine() -> dict:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "memory": _mem_total(),
        "platform": platform.platform(),
        "load": os.getloadavg(),
        "versions": _versions(),
        "git": _git(),
    }


def include_sizes(results: dict, earlier: list[Path]) -> None:
    """Add the sizes of earlier runs' results.json that this run did not measure, marked with
    the file they came from; the sizes end up in order."""
    measured = {s["label"] for s in results["sizes"]}
    for path in earlier:
        for size in json.loads(Path(path).read_text(encoding="utf-8"))["sizes"]:
            if size["label"] not in measured:
                results["sizes"].append({**size, "included_from": str(path)})
                measured.add(size["label"])
    results["sizes"].sort(key=lambda s: s["items"])
    results["options"]["sizes"] = [s["label"] for s in results["sizes"]]


def main(argv: list[str] | None = None) -> int:
    opts = build_parser().parse_args(argv)
    sizes_text = opts.sizes or (QUICK_SIZES if opts.quick else DEFAULT_SIZES)
    if opts.largest:
        sizes_text += "," + LARGEST_SIZE
    sizes = sorted({parse_size(s) for s in sizes_text.split(",") if s.strip()})
    if not sizes or min(sizes) < 100:
        print("error: give sizes of at least 100 items", file=sys.stderr)
        return 2
    if opts.repeat is None:
        opts.repeat = 1 if opts.quick else 3
    dash_limit = parse_size(opts.dashboard_size)
    below = [s for s in sizes if s <= dash_limit]
    dash_size = max(below) if below else min(sizes)

    def log(msg: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True)

    results: dict = {
        "machine": machine(),
        "options": {
            "sizes": [label(s) for s in sizes],
            "repeat": opts.repeat,
            "quick": opts.quick,
            "dashboard_size": label(dash_size),
        },
        "sizes": [],
        "failures": [],
    }
    work = opts.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for items in sizes:
        try:
            results["sizes"].append(run_size(items, opts, work, items == dash_size, log))
        except StepFailed as exc:
            log(f"[{label(items)}] FAILED: {exc}")
            results["failures"].append({"size": label(items), "error": str(exc)})
    include_sizes(results, opts.include)
    results["machine"]["load_end"] = os.getloadavg()
    results["machine"]["total_seconds"] = time.perf_counter() - started
    (work / "results.json").write_text(json.dumps(results, indent=1, default=str), "utf-8")
    text = report.markdown(results)
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    opts.out.write_text(text, encoding="utf-8")
    print(text)
    log(f"wrote {opts.out} and {work / 'results.json'}")
    return 1 if results["failures"] else 0
