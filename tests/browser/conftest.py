"""A running dashboard and one real Chromium for the browser tests (marker `browser`).

Shared by every module in tests/browser: Playwright's sync API allows one running instance per
thread, so the browser is session-wide and modules open their own contexts from it.

The server is `streamlit run dashboard.py` on a free loopback port against the seeded app world
(tests/conftest.py: app_data); it is stopped by its process id when the session ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dashboard_server import CHROMIUM, CHROMIUM_ARGS, serving

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
# Generous: a busy CI machine renders Plotly slowly in software; a healthy page takes seconds.
TIMEOUT_MS = 120_000


def pytest_collection_modifyitems(items):
    skip = None
    if not CHROMIUM.exists():
        skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing (make browser-deps installs it)")
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            skip = pytest.mark.skip(reason="playwright is not installed (requirements-dev.txt)")
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)
            if skip:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def server(app_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with serving(app_data, log) as (_, url):
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    """A fresh context (no cookies, no session) and page at 1400 × 1000, in Swedish."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="sv-SE")
    p = context.new_page()
    p.set_default_timeout(TIMEOUT_MS)
    try:
        yield p
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
