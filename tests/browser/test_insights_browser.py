"""The measures of issue 17 in a real Chromium: the bucket bars and the movement column on
Rankings, the rank-per-month chart, the answer-quality cards and the storms section on the
profile — drawn without errors, photographed for a human to look at."""

from __future__ import annotations

import pytest

from tests.browser.test_browser import full_page_shot, settle

pytestmark = pytest.mark.browser


def test_rankings_show_buckets_and_movement(server, page, screenshots):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server + "/?period=2017-01")
    settle(page, '[data-testid="stDataFrame"]')
    assert page.locator(".js-plotly-plot").count() == 0  # charts on request
    page.get_by_role("radio", name="Svarsfrekvens mot svarstid").click()
    settle(page, ".js-plotly-plot")
    assert page.locator(".js-plotly-plot").count() == 1  # one chart at a time: the scatter
    page.wait_for_function("location.search.includes('chart=scatter')")  # a shareable view
    page.get_by_role("radio", name="Svarstider i intervall").click()
    page.wait_for_timeout(300)
    settle(page, ".js-plotly-plot")
    page.get_by_text("Andel av bedömda inlägg").first.wait_for()
    assert page.locator(".js-plotly-plot").count() == 1
    assert page.locator('[data-testid="stException"]').count() == 0
    full_page_shot(page, screenshots / "rankings-movement-buckets.png")
    assert not errors, errors


def test_profile_shows_rank_history_quality_and_storms(server, page, screenshots):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server + "/profile?id=1004")
    settle(page, ".js-plotly-plot")
    for text in ("Rang per månad", "Uppföljningsgrad", "Personnummer dolda", "Stormar"):
        page.get_by_text(text).first.wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    full_page_shot(page, screenshots / "profile-insights.png")
    assert not errors, errors
