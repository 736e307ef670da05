"""Masking throughput: `mask_text` and `mask_messages` on ordinary and worst-case texts.

    .venv/bin/python -m benchmarks.masking              # 10 kB, 100 kB, 1 MB; writes the results
    .venv/bin/python -m benchmarks.masking --sizes 10k,100k --out -     # print only
    .venv/bin/python -m benchmarks.masking --before 3ba7acd   # also time the masker of a commit

Throughput is MB of UTF-8 text masked per second, best of a few runs. `mask_text` gets one text
of the size; `mask_messages` a column of distinct messages of about 500 characters that add up
to the size (distinct, and the masker's memory of short texts cleared before every run, so no
run is served from it). The masker is linear if a case's throughput is the same at every size:
the goal (issue 13) is the same order of magnitude, i.e. a 1 MB text masked at no less than a
tenth of the speed of a 10 kB one.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import time
import types
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from analysis.snapshot.privacy import forget_texts, mask_messages, mask_text

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "benchmarks" / "results-masking.md"
ROW_CHARS = 500  # a long Facebook comment; the cache keeps texts up to this length
MIN_SECONDS = 0.3  # each timing repeats the call until it has run this long

SENTENCES = [
    "Hej! Jag undrar hur lång handläggningstiden är just nu för en ansökan om bostadsbidrag.",
    "Varför har jag inte fått något svar på mitt ärende? Jag skickade in allt i mars.",
    "Tack för snabbt svar, nu förstår jag hur det fungerar med blanketten.",
    "Kan man boka tid på ert kontor i Malmö eller måste man ringa först?",
    "Beslutet kom 2017-03-01 men utbetalningen har inte kommit, det gäller 12 500 kr.",
    "Öppettiderna är 08:00-16:30 på vardagar, lunchstängt 12.00–13.00.",
    "Jag har väntat i 45 minuter i telefonkön idag, är det normalt? 😕",
    "Mvh Anna, ärende 2017-123456, skickat den 3 april kl. 14.20",
]
PERSONAL = [
    "Ring mig på 070-123 45 67 efter kl 17.",
    "Mitt personnummer är 811228-9874, kan ni kolla?",
    "Mejla gärna anna.svensson@exempel.se så skickar jag underlagen.",
    "Nås på +46 8 123 456 78 eller 08-12 34 56.",
]


def ordinary(rng: random.Random, chars: int) -> str:
    """Swedish sentences; one in ten carries a phone number, personnummer or address."""
    out: list[str] = []
    n = 0
    while n < chars:
        s = rng.choice(PERSONAL) if rng.random() < 0.1 else rng.choice(SENTENCES)
        out.append(s)
        n += len(s) + 1
    return " ".join(out)[:chars]


def _repeat(pieces: list[str]) -> Callable[[random.Random, int], str]:
    def make(rng: random.Random, chars: int) -> str:
        out: list[str] = []
        n = 0
        while n < chars:
            p = rng.choice(pieces)
            out.append(p)
            n += len(p)
        return "".join(out)[:chars]

    return make


def word_run(rng: random.Random, chars: int) -> str:
    """One unbroken run of letters and dots ending in an `@` and no domain: the text that made
    the old masker's `[\\w.%+-]+@` take time growing with the square of its length."""
    return "".join(rng.choice("abcdefghij.") for _ in range(chars - 1)) + "@"


# Each worst case is built against one part of the masker: every `@` starts a scan for an
# address, every digit not after a digit a try at a personnummer, every 0, + or ( a try at a
# phone number, every folded character a translation.
CASES: dict[str, tuple[str, Callable[[random.Random, int], str]]] = {
    "ordinary": ("Swedish sentences, 1 in 10 with personal data", ordinary),
    "dense @": ("`a@b@c@…`: an @ every other character", _repeat(["a@", "b@", "c.@", "x@y"])),
    "word run then @": ("letters and dots without a break, then one `@`", word_run),
    "dense addresses": ("`anna@x.se ` over and over: all masked", _repeat(["a@x.se ", "b@y.nu "])),
    "dense digits": ("random digits without a break", _repeat(list("0123456789"))),
    "dense digit groups": (
        "`01 23 45 …`: a phone number every eight digits",
        _repeat(["01 ", "23 ", "07 ", "0-", "45 "]),
    ),
    "dense separators": (
        "digits between no-break and figure spaces, dashes, dots, slashes",
        _repeat(["0\u00a0", "1\u2007", "0\u2013", "7.", "0/", "(0", "+46 "]),
    ),
}


def best_rate(fn: Callable[[], object], nbytes: int, repeats: int) -> float:
    """MB/s of the best of `repeats` timings, each as many calls as fill MIN_SECONDS."""
    best = float("inf")
    for _ in range(repeats):
        calls, start = 0, time.perf_counter()
        while True:
            forget_texts()
            fn()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= MIN_SECONDS:
                break
        best = min(best, elapsed / calls)
    return nbytes / best / 1e6


def column(make: Callable[[random.Random, int], str], rng: random.Random, chars: int) -> pa.Array:
    rows = [make(rng, ROW_CHARS) for _ in range(max(1, chars // ROW_CHARS))]
    return pa.array(rows, type=pa.string())


def parse_size(text: str) -> int:
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1].lower(), 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def size_label(chars: int) -> str:
    return f"{chars // 1_000_000} MB" if chars >= 1_000_000 else f"{chars // 1_000} kB"


def run(sizes: list[int], repeats: int) -> dict:
    results: dict = {}
    for name, (_, make) in CASES.items():
        for chars in sizes:
            rng = random.Random(f"{name}/{chars}")
            text = make(rng, chars)
            col = column(make, rng, chars)
            text_bytes = len(text.encode("utf-8", "surrogatepass"))
            col_bytes = col.buffers()[2].size if len(col) else 0
            results[name, chars] = (
                best_rate(lambda t=text: mask_text(t), text_bytes, repeats),
                best_rate(lambda c=col: mask_messages(c), col_bytes, repeats),
            )
            print(f"{name:20} {size_label(chars):>7}: mask_text {results[name, chars][0]:6.2f} MB/s"
                  f", mask_messages {results[name, chars][1]:6.2f} MB/s", flush=True)  # fmt: skip
    return results


BEFORE_CHARS = (10_000, 30_000, 63_000)  # up to Facebook's longest message


def before(ref: str) -> list[tuple[int, float, float]]:
    """(chars, seconds of the masker at git `ref`, seconds of this one) on the word run, once
    each: the old masker's time grows with the square of the length, so a size is enough."""
    source = subprocess.run(
        ["git", "show", f"{ref}:analysis/snapshot/privacy.py"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    old = types.ModuleType("privacy_before")
    exec(compile(source, f"{ref}:analysis/snapshot/privacy.py", "exec"), old.__dict__)
    rows = []
    for chars in BEFORE_CHARS:
        text = word_run(random.Random(chars), chars)
        times = []
        for fn in (old.mask_text, mask_text):
            start = time.perf_counter()
            fn(text)
            times.append(time.perf_counter() - start)
        rows.append((chars, times[0], times[1]))
        print(f"before {ref} {chars:>6} chars: {times[0]:.3f} s, now {times[1] * 1000:.2f} ms")
    return rows


def report(
    results: dict,
    sizes: list[int],
    seconds: float,
    load: tuple,
    load_end: tuple,
    compared: tuple[str, list[tuple[int, float, float]]] | None = None,
) -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = "?"
    small, large = sizes[0], sizes[-1]
    lines = [
        "# Masking throughput",
        "",
        f"Generated by `python -m benchmarks.masking` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        f"(git {commit}); the run took {seconds:.0f} s. What is measured and why: the docstring "
        "of benchmarks/masking.py; the masking rules: [docs/privacy.md](../docs/privacy.md).",
        "",
        f"- **Machine:** {os.cpu_count()} cores, {platform.platform()}, python "
        f"{platform.python_version()}, pyarrow {pa.__version__}; load average "
        f"{'/'.join(f'{x:.1f}' for x in load)} at the start, "
        f"{'/'.join(f'{x:.1f}' for x in load_end)} at the end. The machine is shared with "
        "other work: compare the ratios, not the absolute figures.",
        "- **Throughput:** MB of UTF-8 text per second, best of the repeats; `mask_messages` "
        f"on a column of distinct {ROW_CHARS}-character messages adding up to the size. A "
        "`mask_messages` call has a fixed cost (Arrow's RE2 prefilter, the dictionary of "
        "distinct rows), so its small columns are slower per MB, never its large ones.",
        "",
        "## Throughput (MB/s)",
        "",
        "| case | what | "
        + " | ".join(f"mask_text {size_label(s)}" for s in sizes)
        + " | "
        + " | ".join(f"mask_messages {size_label(s)}" for s in sizes)
        + " |",
        "| --- | --- |" + " ---: |" * (2 * len(sizes)),
    ]
    for name, (what, _) in CASES.items():
        cells = [f"{results[name, s][0]:.2f}" for s in sizes]
        cells += [f"{results[name, s][1]:.2f}" for s in sizes]
        lines.append(f"| {name} | {what} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"## Linearity: throughput at {size_label(large)} ÷ at {size_label(small)}",
        "",
        "1.00 is perfectly linear; the goal is the same order of magnitude (at least 0.10).",
        "",
        "| case | mask_text | mask_messages | status |",
        "| --- | ---: | ---: | --- |",
    ]
    worst = float("inf")
    for name in CASES:
        r_text = results[name, large][0] / results[name, small][0]
        r_col = results[name, large][1] / results[name, small][1]
        worst = min(worst, r_text, r_col)
        status = "**MET**" if min(r_text, r_col) >= 0.1 else "**NOT MET**"
        lines.append(f"| {name} | {r_text:.2f} | {r_col:.2f} | {status} |")
    lines += [
        "",
        "## Worst case ÷ ordinary text, at each size",
        "",
        "Below 1.00 the worst case is slower than ordinary text: 0.25 is four times slower.",
        "",
        "| case | "
        + " | ".join(f"mask_text {size_label(s)}" for s in sizes)
        + " | "
        + " | ".join(f"mask_messages {size_label(s)}" for s in sizes)
        + " |",
        "| --- |" + " ---: |" * (2 * len(sizes)),
    ]
    for name in list(CASES)[1:]:
        cells = [f"{results[name, s][0] / results['ordinary', s][0]:.2f}" for s in sizes]
        cells += [f"{results[name, s][1] / results['ordinary', s][1]:.2f}" for s in sizes]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Lowest ratio between sizes: {worst:.2f} "
        f"({'MET' if worst >= 0.1 else 'NOT MET'}: the same order of magnitude at every size).",
        "",
    ]
    if compared:
        ref, rows = compared
        lines += [
            f"## Against the masker of git {ref}, same run",
            "",
            "`mask_text` once on the word run (letters and dots, then one `@`):",
            "",
            "| characters | masker of " + ref + " | this masker | ratio |",
            "| ---: | ---: | ---: | ---: |",
        ]
        for chars, old_s, new_s in rows:
            lines.append(
                f"| {chars:,} | {old_s:.3f} s | {new_s * 1000:.2f} ms | {old_s / new_s:,.0f}× |"
            )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.masking", description=__doc__)
    p.add_argument("--sizes", default="10k,100k,1M", help="text sizes in characters")
    p.add_argument("--repeats", type=int, default=3, help="timings per figure (best is kept)")
    p.add_argument("--out", default=str(DEFAULT_OUT), help="results file, or - to print only")
    p.add_argument("--before", metavar="REF", help="also time the masker of this git commit")
    args = p.parse_args(argv)
    sizes = sorted(parse_size(s) for s in args.sizes.split(","))
    load, start = os.getloadavg(), time.perf_counter()
    mask_text("\u00a0")  # build the folding table outside the timings
    results = run(sizes, args.repeats)
    compared = (args.before, before(args.before)) if args.before else None
    text = report(results, sizes, time.perf_counter() - start, load, os.getloadavg(), compared)
    if args.out == "-":
        print(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
