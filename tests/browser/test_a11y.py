"""Accessibility in a real Chromium: axe-core (bundled by axe-playwright-python, no network)
finds no serious or critical violation on any page in either language; the leaderboard's
accessible table reads the values a sighted visitor sees; a focused navigation link looks
different from the current page's."""

from __future__ import annotations

import re

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
        + "; ".join(f"{n['target']} {n.get('failureSummary', '')[:160]!r}" for n in v["nodes"][:4])
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


def test_the_accessible_leaderboard_reads_what_is_seen(server, page):
    page.goto(f"{server}/")
    settle(page, '[data-testid="stDataFrame"]')
    cells = page.eval_on_selector_all(
        '[data-testid="stDataFrame"] table td', "cells => cells.map(c => c.textContent)"
    )
    assert len(cells) > 20
    raw = [c for c in cells if re.fullmatch(r"-?\d+\.\d{2,}", c)]
    assert not raw, f"raw floats read to a screen reader: {raw[:5]}"
    headers = page.eval_on_selector_all(
        '[data-testid="stDataFrame"] table th', "cells => cells.map(c => c.textContent)"
    )
    assert "Median (min)" in headers and "Inom 2 h (%)" in headers, "the unit is in the header"


def test_a_focused_nav_link_differs_from_the_current_page(server, page):
    page.goto(f"{server}/")
    settle(page, '[data-testid="stDataFrame"]')
    links = page.locator('[data-testid="stSidebarNav"] a')
    style = "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth, " \
        "s.textDecorationLine, s.backgroundColor].join(' ') }"  # fmt: skip
    current = links.first.evaluate(style)
    page.keyboard.press("Tab")  # focus by keyboard: :focus-visible
    links.nth(1).focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const e = document.activeElement; const s = getComputedStyle(e); "
        "return [e.tagName, s.outlineStyle, s.outlineWidth, s.textDecorationLine, "
        "s.backgroundColor].join(' ') }"
    )
    assert focused.startswith("A "), focused
    assert focused.split(" ", 1)[1] != current, (focused, current)
    assert "solid" in focused and "underline" in focused
