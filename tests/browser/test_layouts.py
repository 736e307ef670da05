"""Every page at a wide laptop (1440 px), a small laptop (1280 × 720) and a phone (390 × 844):
photographed for a human to look at (tests/artifacts/screenshots/<page>-<width>.png), and
checked for what a person would trip over — content wider than the screen, and leaderboard
headers and names cut (tests/artifacts/screenshots/leaderboard-<width>.png)."""

from __future__ import annotations

import io
import itertools

import pytest
from PIL import Image

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
        if width >= 1280:  # a card's label or number cut with an ellipsis on a laptop
            # one pixel over is enough for the ellipsis to eat the last letters
            cut = page.evaluate(
                "() => Array.from(document.querySelectorAll('[data-testid=stMetric] *'))"
                ".filter(e => getComputedStyle(e).textOverflow === 'ellipsis'"
                " && e.scrollWidth > e.clientWidth).map(e => e.textContent)"
            )
            assert not cut, f"cut on a {width} px screen: {cut}"
        shoot(page, screenshots / f"{name}-{width}.png", width)
    finally:
        context.close()


GRID = '[data-testid="stDataFrame"]'
# The grid's header and cell texts, and the fonts it draws them in (its theme's CSS variables)
TEXTS = """(grid) => {
  const css = getComputedStyle(grid.querySelector('canvas'));
  const family = css.getPropertyValue('--gdg-font-family');
  const font = (v) => css.getPropertyValue(v).trim() + ' ' + family;
  const c = document.createElement('canvas').getContext('2d');
  const px = (text, f) => { c.font = f; return c.measureText(text).width };
  const head = font('--gdg-header-font-style'), base = font('--gdg-base-font-style');
  const heads = Array.from(grid.querySelectorAll('thead th')).map(e => e.textContent);
  const names = Array.from(grid.querySelectorAll('tbody tr')).map(r => r.children[1].textContent);
  const s = grid.querySelector('.dvn-scroller');
  return {
    heads: heads.map(h => [h, px(h, head)]), names: names.map(n => [n, px(n, base)]),
    scroll: [s.scrollWidth, s.clientWidth],
    padding: parseFloat(css.getPropertyValue('--gdg-cell-horizontal-padding')),
  };
}"""


def column_edges(png: bytes) -> list[int]:
    """Where the grid's columns meet, read off its canvas: the vertical borders are the only
    pixel columns that are not white from the top of the header to the last row."""
    im = Image.open(io.BytesIO(png)).convert("RGB")
    w, h = im.size
    px = im.load()
    edges = [x for x in range(w) if sum(px[x, y] != (255, 255, 255) for y in range(h)) > 0.95 * h]
    return [0, *edges, w]


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("width", list(SIZES))
def test_leaderboard_headers_and_names_are_whole(browser, server, screenshots, width, lang):
    """What is cut on a canvas is cut for good: each header and name must fit its column,
    and at laptop widths the table must fit beside the sidebar (no sideways scrolling)."""
    context = browser.new_context(viewport={"width": width, "height": SIZES[width]}, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(server + f"/?lang={lang}")
        settle(page, GRID)
        page.mouse.move(0, 0)  # a hovered header draws its menu over the text
        grid = page.locator(GRID).first
        grid.scroll_into_view_if_needed()
        grid.screenshot(path=str(screenshots / f"leaderboard-{width}-{lang}.png"))
        seen = grid.evaluate(TEXTS)
        edges = column_edges(grid.locator("canvas").first.screenshot())
        widths = [b - a for a, b in itertools.pairwise(edges)]
        pad = 2 * seen["padding"]
        heads = seen["heads"]
        if width >= 1280:
            assert seen["scroll"][0] <= seen["scroll"][1], f"the table scrolls: {seen['scroll']}"
            assert len(widths) == len(heads), (widths, heads)
        else:  # on a phone the table scrolls sideways: the pinned rank and name are checked
            heads = heads[:2]
        cut = [
            (text, round(need + pad), have)
            for (text, need), have in zip(heads, widths, strict=False)
            if need + pad > have + 1
        ]
        assert not cut, f"headers cut at {width} px (text, needs, has): {cut}"
        name_px = widths[1]
        cut = [(n, round(need + pad), name_px) for n, need in seen["names"] if need + pad > name_px]
        assert not cut, f"names cut at {width} px: {cut}"
        if width < 600:  # the pinned rank and name leave room to scroll the other columns
            assert edges[2] <= 0.75 * edges[-1], (edges, "pinned columns fill the phone")
    finally:
        context.close()
