"""The dashboard in a real Chromium: every page opens cleanly, a shared link reopens the same
view in a new browser, the health check answers, and each page is photographed for a human to
look at (tests/artifacts/screenshots/<page>.png).
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser

PAGES = [  # (screenshot name, path, what shows the page has rendered)
    ("rankings", "/", '[data-testid="stDataFrame"]'),
    ("profile", "/profile", ".js-plotly-plot"),
    ("compare", "/compare", ".js-plotly-plot"),
    ("methodology", "/methodology", '[data-testid="stDataFrame"]'),
    ("rankings-en-agency", "/?lang=en&level=agency&clock=business", '[data-testid="stDataFrame"]'),
    ("profile-en", "/profile?lang=en&id=1004", ".js-plotly-plot"),
]
SIDEBAR = '[data-testid="stSidebar"]'


def settle(page, selector: str) -> None:
    """Wait for `selector`, then for the script run to end (the running indicator goes)."""
    page.wait_for_selector(selector)
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    page.wait_for_timeout(500)


def full_page_shot(page, path: Path) -> None:
    """Streamlit scrolls inside its main area, so grow the window to the content first."""
    for _ in range(2):  # charts lay out after the first resize
        height = page.evaluate(
            "() => Math.max(...Array.from(document.querySelectorAll("
            "'[data-testid=stMain], [data-testid=stMainBlockContainer]')).map(e => e.scrollHeight))"
        )
        page.set_viewport_size({"width": 1400, "height": min(int(height) + 60, 8000)})
        page.wait_for_timeout(1200)
    page.screenshot(path=str(path), full_page=True)


def checked(page, label: str) -> str:
    """The chosen option of a sidebar radio group."""
    group = page.locator(SIDEBAR).locator('[data-testid="stRadio"]', has_text=label).first
    return group.locator("label:has(input:checked)").inner_text().strip()


def test_health_check_answers(server):
    with urllib.request.urlopen(server + "/_stcore/health", timeout=10) as r:
        assert r.status == 200 and r.read().strip() == b"ok"


@pytest.mark.parametrize(("name", "path", "ready"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_opens_cleanly(server, page, screenshots, name, path, ready):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server + path)
    settle(page, ready)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator("h1").count() >= 1
    assert "lang=" in page.url, "the view is written into the address"
    full_page_shot(page, screenshots / f"{name}.png")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not errors, errors


def test_a_shared_link_reopens_the_same_view(server, browser, page):
    page.goto(server + "/")
    settle(page, '[data-testid="stDataFrame"]')
    side = page.locator(SIDEBAR)
    for option in ("Kommentarer", "Öppettider", "Myndighet"):
        side.get_by_text(option, exact=True).click()
        settle(page, '[data-testid="stDataFrame"]')
    side.get_by_role("link", name="Profil").click()
    settle(page, ".js-plotly-plot")
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Välj myndighet").click()
    page.get_by_role("option", name="Skatteverket").click()
    settle(page, ".js-plotly-plot")
    page.wait_for_function("() => location.search.includes('id=Skatteverket')")
    link = page.url
    assert "/profile?" in link and "scope=comments" in link and "clock=business" in link

    other = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        fresh = other.new_page()
        fresh.set_default_timeout(TIMEOUT_MS)
        fresh.goto(link)
        settle(fresh, ".js-plotly-plot")
        assert fresh.locator("h1").first.inner_text().strip() == "Skatteverket"
        assert checked(fresh, "Inkommande inlägg") == "Kommentarer"
        assert checked(fresh, "Klocka") == "Öppettider"
        assert checked(fresh, "Nivå") == "Myndighet"
        assert fresh.url == link, "the reopened view writes the same address"
        # and the filters travel on to the other pages of the new browser
        fresh.locator(SIDEBAR).get_by_role("link", name="Jämför").click()
        settle(fresh, ".js-plotly-plot")
        fresh.wait_for_function("() => location.pathname.endsWith('/compare')")
        fresh.wait_for_function("() => location.search.includes('scope=comments')")
        assert checked(fresh, "Nivå") == "Myndighet"
    finally:
        other.close()


def test_a_bad_link_gives_a_notice_not_an_error(server, page):
    page.goto(server + "/?scope=x%27%20or%201%3D1%20--&period=custom&since=9999-99-99")
    settle(page, '[data-testid="stDataFrame"]')
    assert page.locator('[data-testid="stException"]').count() == 0
    notices = " ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())
    assert "(scope)" in notices and "(since)" in notices
    assert "or 1=1" not in page.url and "9999" not in page.url
