"""Accessibility in a real Chromium: axe-core (bundled by axe-playwright-python, no network)
finds no serious or critical violation on any page in either language; the leaderboard's
accessible table reads the values a sighted visitor sees; a focused navigation link looks
different from the current page's."""

from __future__ import annotations

import pytest

from tests.browser.test_browser import settle

pytestmark = pytest.mark.browser

PAGES = [  # (path, what shows the page has rendered)
    ("/", '[data-testid="stDataFrame"]'),
    ("/profile", ".js-plotly-plot"),
    ("/compare", ".js-plotly-plot"),
    ("/methodology", '[data-testid="stDataFrame"]'),
]
SEVERE = ("serious", "critical")


def severe(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): "
        + "; ".join(
            f"{n['target']} {n.get('failureSummary', '')[:160]!r}" for n in v["nodes"][:4]
        )
        for v in results.response["violations"]
        if v["impact"] in SEVERE
    ]


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(("path", "ready"), PAGES, ids=[p[0] for p in PAGES])
def test_no_serious_axe_violations(server, page, path, ready, lang):
    page.goto(f"{server}{path}?lang={lang}")
    settle(page, ready)
    found = severe(page)
    assert not found, "\n".join(found)
