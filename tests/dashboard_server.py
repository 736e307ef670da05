"""A real `streamlit run dashboard.py` on a free loopback port, and the Chromium that visits it:
shared by the browser tests and the load test."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package: Playwright cannot download browsers here
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-dev-shm-usage",
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(data_dir: Path, log_path: Path, app: Path = ROOT, seconds: float = 120):
    """Start the dashboard of `app` over `data_dir`, logging to `log_path`; return the process
    and its address once it answers its health check. Raises with the log's end if it does not."""
    port = free_port()
    env = {**os.environ, "SVARSTID_DATA_DIR": str(data_dir)}
    cmd = [
        sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true",
        "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log_path.open("w") as log:
        proc = subprocess.Popen(cmd, cwd=app, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{_tail(log_path)}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    stop(proc)
    raise TimeoutError(f"streamlit did not answer in {seconds:.0f} s:\n{_tail(log_path)}")


def stop(proc: subprocess.Popen) -> None:
    """Stop as a host does (SIGTERM), then kill what does not stop."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def serving(data_dir: Path, log_path: Path, app: Path = ROOT) -> Iterator[tuple]:
    """`start`, then `stop` whatever happens in the block."""
    proc, url = start(data_dir, log_path, app)
    try:
        yield proc, url
    finally:
        stop(proc)


def _tail(path: Path) -> str:
    return path.read_text("utf-8", errors="replace")[-3000:]
