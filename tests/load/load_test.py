"""Load: 20 concurrent browser sessions against one `streamlit run dashboard.py`.

    python -m tests.load.load_test [--sessions 20] [--rounds 2] [--visits 3]
    SVARSTID_LOAD=1 pytest tests/load -m load

One Chromium, one context per session (async Playwright). Every session moves through the four
views a few times: it opens a shared link to one of them with random filters (custom dates half
the time, so the result caches see more keys than they may hold), then reaches the other three
through the sidebar, as a visitor does. Sessions start 2 s apart (a ramp-up), then all run at
once. Recorded: errors
(navigation failures, exception boxes, JavaScript errors; must be 0), the time from navigation
until the view's main content is drawn (p50, p95, max per view), and the server's resident
memory (VmRSS from /proc, sampled every 0.25 s), and the CPU time the server and the browsers
used (on one machine the browsers, standing in for the visitors' own computers, take most of
it, which is what the page times mostly measure). Memory must stay bounded: the RSS at the end of
the second round may not exceed 1.3x the peak of the first. The summary is printed and written
to benchmarks/load_results.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from analysis.settings import CLOCKS, LEVELS, SCOPES
from tests import dashboard_server
from tests.dashboard_server import CHROMIUM, CHROMIUM_ARGS

REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / "benchmarks" / "load_results.md"
MEMORY_GROWTH_LIMIT = 1.3
READY_TIMEOUT_MS = 120_000
RAMP_UP_S = 2.0  # session n starts n x this after the first
# How often a waiting session checks whether the script run has ended. Playwright's default is
# every animation frame, which makes each of the 20 pages draw 60 frames a second while it waits:
# the test itself then takes much of the CPU it is meant to leave to the server and the pages.
POLL_MS = 100

PERIODS = ("all", "last30")


# -- data and server -----------------------------------------------------------------------------


def make_data(root: Path, items: int) -> tuple[Path, str]:
    """A small data folder with the synthetic demo. Returns the folder and what it holds."""
    from analysis.sources import demo

    data = root / "data"
    info = demo.write_demo(data, items=items)
    return data, f"demo, {info.manifest['counts']['inbound_items']:,} inbound items"


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB, from /proc (psutil is not installed)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int, children: bool = False) -> float:
    """CPU time a process has used (user + system, from /proc); with `children`, also that of
    its children it has reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
    ticks = [int(f) for f in fields[11:15]]  # utime, stime, cutime, cstime
    return sum(ticks if children else ticks[:2]) / _TICKS


def browser_cpu_seconds() -> float:
    """CPU time of every Chromium process now alive, with the children each has reaped (closed
    pages' renderers are reaped by Chromium's own processes)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                comm = (entry / "comm").read_text().strip()
            except OSError:
                continue
            if comm.startswith(("chrom", "headless_shell")):
                total += cpu_seconds(int(entry.name), children=True)
    return total


class MemorySampler(threading.Thread):
    def __init__(self, pid: int, every: float = 0.25):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.samples: list[tuple[float, float]] = []
        self.marks: dict[str, int] = {}
        self._halt = threading.Event()

    def run(self) -> None:
        start = time.monotonic()
        while not self._halt.is_set():
            value = rss_mb(self.pid)
            if value is not None:
                self.samples.append((time.monotonic() - start, value))
            self._halt.wait(self.every)

    def mark(self, name: str) -> None:
        self.marks[name] = len(self.samples)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def between(self, a: str, b: str) -> list[float]:
        return [v for _, v in self.samples[self.marks[a] : self.marks[b]]]


# -- sessions -----------------------------------------------------------------------------------


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    visits: int = 0
    browser_cpu: float = 0.0  # CPU seconds of the round's Chromium, measured before it closed


# A chart, or the notice a view shows instead (too few pages with data in a short custom
# period, say); Streamlit names an st.info box stAlertContentInfo.
CHART_OR_NOTICE = '[data-testid="stPlotlyChart"], [data-testid="stAlertContentInfo"]'
VIEWS = {
    # view: (path, selector of its main content)
    "rankings": ("/", '[data-testid="stDataFrame"]'),
    "profile": ("/profile", CHART_OR_NOTICE),
    "compare": ("/compare", CHART_OR_NOTICE),
    "methodology": ("/methodology", '[data-testid="stDataFrame"]'),
}


def period(rng: random.Random) -> str:
    """A named period, or (half the time) custom dates inside the demo's year: hundreds of
    distinct filters per round, more than the result caches hold, so their limits are tested."""
    if rng.random() < 0.5:
        return f"period={rng.choice(PERIODS)}"
    since = date(2016, 8, 1) + timedelta(days=rng.randrange(300))
    until = since + timedelta(days=rng.randrange(7, 60))
    return f"period=custom&since={since}&until={until}"


def view_url(base: str, view: str, rng: random.Random) -> str:
    path = VIEWS[view][0]
    level = rng.choice(LEVELS) if view != "methodology" else "page"
    query = (
        f"{period(rng)}&scope={rng.choice(SCOPES)}&clock={rng.choice(CLOCKS)}"
        f"&level={level}&lang={rng.choice(('sv', 'en'))}"
    )
    return f"{base}{path}?{query}"


async def _settled(page, selector: str) -> None:
    """Wait until the script run has finished and the view's main content is drawn."""
    await page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=READY_TIMEOUT_MS,
        polling=POLL_MS,
    )
    await page.wait_for_selector(selector, state="visible", timeout=READY_TIMEOUT_MS)
    if await page.locator('[data-testid="stException"]').count():
        raise RuntimeError("exception box: " + (await page.locator(
            '[data-testid="stException"]').first.inner_text())[:200])  # fmt: skip


async def visit(page, url: str, selector: str) -> float:
    """Open a shared link: a full page load of the app."""
    started = time.perf_counter()
    response = await page.goto(url, wait_until="commit", timeout=READY_TIMEOUT_MS)
    if response is None or response.status >= 400:
        raise RuntimeError(f"HTTP {response.status if response else '?'}")
    await page.wait_for_selector(selector, state="visible", timeout=READY_TIMEOUT_MS)
    elapsed = time.perf_counter() - started
    await _settled(page, selector)
    return elapsed


async def navigate(page, view: str) -> float:
    """Move to another view through the sidebar, as a visitor does (no page load; the filters
    follow along in the address)."""
    path = VIEWS[view][0]
    started = time.perf_counter()
    link = page.locator(f'[data-testid="stSidebarNavLink"][href$="{path}"]').first
    await link.click(timeout=READY_TIMEOUT_MS)
    await page.wait_for_url(
        lambda u: urllib.parse.urlsplit(u).path.rstrip("/") == path.rstrip("/"),
        timeout=READY_TIMEOUT_MS,
    )
    await _settled(page, VIEWS[view][1])
    return time.perf_counter() - started


async def session(browser, base: str, n: int, visits: int, stats: Stats, seed: int) -> None:
    """`visits` passes over the four views in a random order: the first opened as a link with
    random filters, the other three reached through the sidebar."""
    rng = random.Random(seed * 1000 + n)
    await asyncio.sleep(n * RAMP_UP_S)  # visitors arrive one after another, not all at once
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.on("pageerror", lambda exc: stats.errors.append(f"session {n}: js error {exc}"))
    try:
        for _ in range(visits):
            order = list(VIEWS)
            rng.shuffle(order)
            url = view_url(base, order[0], rng)
            for i, view in enumerate(order):
                try:
                    if i == 0:
                        elapsed = await visit(page, url, VIEWS[view][1])
                    else:
                        elapsed = await navigate(page, view)
                except Exception as exc:  # every failure is an error of the run
                    first_line = str(exc).splitlines()[0] if str(exc) else ""
                    where = url if i == 0 else f"{page.url} -> {view}"
                    stats.errors.append(
                        f"session {n}: {where.removeprefix(base)}: "
                        f"{type(exc).__name__}: {first_line}"[:300]
                    )
                    continue
                stats.times.setdefault(view, []).append(elapsed)
                stats.visits += 1
    finally:
        await context.close()


async def run_round(base: str, sessions: int, visits: int, seed: int) -> Stats:
    from playwright.async_api import async_playwright

    stats = Stats()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            await asyncio.gather(
                *(session(browser, base, n, visits, stats, seed) for n in range(sessions))
            )
        finally:
            stats.browser_cpu = browser_cpu_seconds()  # one browser per round, nothing else
            await browser.close()
    return stats


# -- the whole run --------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class Result:
    sessions: int
    rounds: int
    visits: int
    data: str
    stats: list[Stats]
    rss_start: float
    rss_peaks: list[float]
    rss_ends: list[float]
    wall_seconds: list[float]
    load_average: tuple[str, str] = ("?", "?")
    server_cpu: list[float] = field(default_factory=list)  # CPU seconds per round

    @property
    def errors(self) -> list[str]:
        return [e for s in self.stats for e in s.errors]

    def times(self, view: str | None = None) -> list[float]:
        return [t for s in self.stats for v, ts in s.times.items() if view in (None, v) for t in ts]

    @property
    def memory_ok(self) -> bool:
        return self.rss_ends[-1] <= MEMORY_GROWTH_LIMIT * self.rss_peaks[0]

    def summary(self) -> str:
        lines = [
            f"{self.sessions} concurrent sessions x {self.rounds} rounds x {self.visits} passes "
            f"over 4 views; data: {self.data}",
            f"page visits: {sum(s.visits for s in self.stats)}, errors: {len(self.errors)}",
            "",
            "| view | visits | p50 s | p95 s | max s |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for view in [*VIEWS, None]:
            ts = self.times(view)
            lines.append(
                f"| {view or '**all**'} | {len(ts)} | {statistics.median(ts):.2f} | "
                f"{percentile(ts, 0.95):.2f} | {max(ts):.2f} |"
                if ts
                else f"| {view} | 0 | – | – | – |"
            )
        lines += [
            "",
            "| server memory (VmRSS) | MB |",
            "| --- | ---: |",
            f"| after start-up, before any session | {self.rss_start:.0f} |",
        ]
        for i, (peak, end) in enumerate(zip(self.rss_peaks, self.rss_ends, strict=True), 1):
            lines.append(f"| round {i}: peak | {peak:.0f} |")
            lines.append(f"| round {i}: end | {end:.0f} |")
        ratio = self.rss_ends[-1] / self.rss_peaks[0]
        lines += [
            "",
            f"end of round {self.rounds} / peak of round 1 = {ratio:.2f} "
            f"(limit {MEMORY_GROWTH_LIMIT}): {'bounded' if self.memory_ok else 'GROWING'}",
            "round wall times: " + ", ".join(f"{w:.0f} s" for w in self.wall_seconds),
            *self._cpu_lines(),
            f"machine load average (1 min) before / after: {self.load_average[0]} / "
            f"{self.load_average[1]} (other work on the machine slows every figure)",
        ]
        if self.errors:
            lines += ["", "errors (first 10):", *(f"- {e}" for e in self.errors[:10])]
        return "\n".join(lines)

    def _cpu_lines(self) -> list[str]:
        """Who used the machine: the server against the browsers standing in for visitors."""
        browsers = sum(s.browser_cpu for s in self.stats)
        server = sum(self.server_cpu)
        visits = sum(s.visits for s in self.stats)
        capacity = sum(self.wall_seconds) * (os.cpu_count() or 1)
        if not (server and browsers and visits and capacity):
            return []
        line = f"CPU seconds: server {server:.0f} ({server / visits:.2f} a visit), browsers "
        if browsers <= server:
            return [line + f"{browsers:.0f}, of the {capacity:.0f} the cores had in the rounds"]
        return [
            line + f"{browsers:.0f} ({browsers / visits:.2f} a visit), of the {capacity:.0f} the "
            "cores had in the rounds: the page times are mostly the browsers' wait for the CPU"
        ]


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def run(sessions: int = 20, rounds: int = 2, visits: int = 3, items: int = 5000,
        seed: int = 1) -> Result:  # fmt: skip
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is not installed")
    with tempfile.TemporaryDirectory(prefix="svarstid-load-") as tmp:
        root = Path(tmp)
        data, described = make_data(root, items)
        load_before = load_average()
        proc, base = dashboard_server.start(data, root / "server.log", seconds=90)
        sampler = MemorySampler(proc.pid)
        sampler.start()
        try:
            # One visit to warm the server up (imports, first Dataset), as any host would.
            asyncio.run(run_round(base, 1, 1, seed))
            time.sleep(1)
            rss_start = rss_mb(proc.pid) or float("nan")
            all_stats, peaks, ends, walls, server_cpu = [], [], [], [], []
            for r in range(rounds):
                sampler.mark(f"start{r}")
                started, cpu_before = time.monotonic(), cpu_seconds(proc.pid)
                all_stats.append(asyncio.run(run_round(base, sessions, visits, seed + r)))
                walls.append(time.monotonic() - started)
                server_cpu.append(cpu_seconds(proc.pid) - cpu_before)
                time.sleep(2)  # sessions closed: let the server drop them
                sampler.mark(f"end{r}")
                window = sampler.between(f"start{r}", f"end{r}")
                peaks.append(max(window))
                ends.append(window[-1])
        finally:
            dashboard_server.stop(proc)
            sampler.stop()
            log = (root / "server.log").read_text("utf-8", errors="replace")
        if "Traceback" in log:
            all_stats[-1].errors.append("server log holds a traceback: " + log[-500:])
        return Result(sessions, rounds, visits, described, all_stats, rss_start, peaks, ends,
                      walls, (load_before, load_average()), server_cpu)  # fmt: skip


def write_results(result: Result, path: Path = RESULTS) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    section = (
        f"## {stamp}\n\n`python -m tests.load.load_test` on {machine}, "
        f"server and browser on the same machine (loopback).\n\n{result.summary()}\n"
    )
    header = (
        "# Load test results\n\n"
        "Written by `tests/load/load_test.py` (newest first). Page time: from navigation until "
        "the view's main content (leaderboard, first chart, snapshot table) is drawn.\n\n"
    )
    old = path.read_text("utf-8") if path.exists() else ""
    previous = old.split("\n## ", 1)[1] if "\n## " in old else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + section + ("\n## " + previous if previous else ""), "utf-8")


@pytest.mark.load
@pytest.mark.skipif(os.environ.get("SVARSTID_LOAD") != "1", reason="set SVARSTID_LOAD=1")
def test_load():
    pytest.importorskip("playwright.async_api")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    result = run()
    print(result.summary())
    write_results(result)
    assert not result.errors, result.errors[:10]
    assert result.memory_ok, result.summary()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.load.load_test", description=__doc__)
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--visits", type=int, default=3, help="passes over the four views per round")
    ap.add_argument("--items", type=int, default=5000, help="demo size")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-write", action="store_true", help="do not update load_results.md")
    args = ap.parse_args(argv)
    result = run(args.sessions, args.rounds, args.visits, args.items, args.seed)
    print(result.summary())
    if not args.no_write:
        write_results(result)
        print(f"\nwrote {RESULTS.relative_to(REPO)}")
    return 0 if not result.errors and result.memory_ok else 1


if __name__ == "__main__":
    sys.exit(main())
