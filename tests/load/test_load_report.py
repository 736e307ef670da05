"""The load test's own accounting, without browsers: CPU times and the summary's CPU line."""

from __future__ import annotations

import os
import time

import pytest

from tests.load import load_test


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs /proc")
def test_cpu_seconds_counts_this_process_work():
    before = load_test.cpu_seconds(os.getpid())
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:  # 0.3 CPU-seconds of work
        pass
    used = load_test.cpu_seconds(os.getpid()) - before
    assert 0.2 <= used <= 2.0
    assert load_test.cpu_seconds(2**22 + 12345) == 0.0  # no such process: nothing, no error


def _result(server: float, browsers: float) -> load_test.Result:
    stats = load_test.Stats(times={"rankings": [1.0, 2.0]}, visits=2, browser_cpu=browsers)
    return load_test.Result(
        sessions=1, rounds=1, visits=1, data="test", stats=[stats], rss_start=100.0,
        rss_peaks=[120.0], rss_ends=[110.0], wall_seconds=[10.0], server_cpu=[server],
    )  # fmt: skip


def test_summary_says_who_used_the_cpu():
    text = _result(server=4.0, browsers=30.0).summary()
    assert "CPU seconds: server 4 (2.00 a visit), browsers 30 (15.00 a visit)" in text
    assert "mostly the browsers' wait" in text
    assert "mostly the browsers" not in _result(server=30.0, browsers=4.0).summary()
    assert "CPU seconds" not in _result(server=0.0, browsers=0.0).summary()  # not measured
