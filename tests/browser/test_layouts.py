"""Every page at a wide laptop (1440 px), a small laptop (1280 × 720) and a phone (390 × 844):
photographed for a human to look at (tests/artifacts/screenshots/<page>-<width>.png), and
checked for what a person would trip over — content wider than the screen, and leaderboard
names cut at laptop widths."""

from __future__ import annotations

import pytest

from tests.browser.test_browser import settle

pytestmark = pytest.mark.browser

PAGES = [
    ("rankings", "/", '[data-testid="stDataFrame"]'),
    ("profile", "/profile?id=1004", ".js-plotly-plot"),
    ("compare", "/compare", ".js-plotly-plot"),
    ("methodology", "/methodology", '[data-testid="stDataFrame"]'),
]
SIZES = {1440: 900, 1280: 720, 390: 844}


def shoot(page, path, width: int) -> None:
    for _ in range(2):  # Streamlit scrolls inside its main area: grow the window to it
        height = page.evaluate(
            "() => Math.max(...Array.from(document.querySelectorAll("
            "'[data-testid=stMain], [data-testid=stMainBlockContainer]')).map(e => e.scrollHeight))"
        )
        page.set_viewport_size({"width": width, "height": min(int(height) + 60, 9000)})
        page.wait_for_timeout(1000)
    page.screenshot(path=str(path), full_page=True)


@pytest.mark.parametrize("width", list(SIZES))
@pytest.mark.parametrize(("name", "path", "ready"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_at_every_width(browser, server, screenshots, name, path, ready, width):
    context = browser.new_context(viewport={"width": width, "height": SIZES[width]}, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(server + path)
        settle(page, ready)
        wide = page.evaluate(
            "() => { const m = document.querySelector('[data-testid=stMain]');"
            " return [m.scrollWidth, m.clientWidth] }"
        )
        assert wide[0] <= wide[1] + 1, f"the page is wider than the screen: {wide}"
        shoot(page, screenshots / f"{name}-{width}.png", width)
    finally:
        context.close()
