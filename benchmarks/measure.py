"""Timing and memory: best-of-N timings, peak RSS of a call and of a subprocess."""

from __future__ import annotations

import os
import resource
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_CLEAR_REFS = Path("/proc/self/clear_refs")
_STATUS = Path("/proc/self/status")
_earlier_peak = 0  # the highest peak seen before the last reset


def reset_peak() -> bool:
    """Reset this process's peak RSS (Linux: writing 5 to clear_refs); False where unsupported.

    The reset also lowers what wait4 reports to a parent, so the peak before it is kept for
    `process_peak`.
    """
    global _earlier_peak
    _earlier_peak = max(_earlier_peak, peak_rss())
    try:
        _CLEAR_REFS.write_text("5")
        return True
    except OSError:
        return False


def peak_rss() -> int:
    """This process's peak resident set size in bytes since start or the last `reset_peak`."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def process_peak() -> int:
    """The peak RSS of the whole process so far, across resets."""
    return max(_earlier_peak, peak_rss())


@dataclass
class Timing:
    """Best (minimum) wall time over repeats, and the highest peak RSS seen during a call."""

    best: float = float("inf")
    runs: int = 0
    peak: int = 0

    def add(self, seconds: float, peak: int) -> None:
        self.best = min(self.best, seconds)
        self.runs += 1
        self.peak = max(self.peak, peak)

    def as_dict(self) -> dict:
        return {"seconds": self.best, "runs": self.runs, "peak_rss": self.peak}


def timed(fn: Callable[[], object]) -> tuple[float, int, object]:
    """Run fn once: (seconds, peak RSS in bytes during the call, result)."""
    reset_peak()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    return seconds, peak_rss(), result


def interleaved(methods: dict[str, Callable[[], object]], repeats: int) -> dict[str, Timing]:
    """Best of `repeats` for each method, run round-robin so that noise hits all of them alike."""
    out = {name: Timing() for name in methods}
    for _ in range(repeats):
        for name, fn in methods.items():
            seconds, peak, _ = timed(fn)
            out[name].add(seconds, peak)
    return out


@dataclass(frozen=True)
class Spawned:
    seconds: float
    returncode: int
    peak_rss: int  # bytes, the child's own high-water mark (like /usr/bin/time's maxresident)


def spawn(cmd: list[str], *, cwd: Path, env: dict, stdout, stderr) -> Spawned:
    """Run a command to completion; wall time and its peak RSS from wait4's rusage."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=stdout, stderr=stderr)
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Spawned(seconds, proc.returncode, usage.ru_maxrss * 1024)
