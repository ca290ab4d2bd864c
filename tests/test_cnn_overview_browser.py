"""CNN Explainer's overview in a real browser: links drawn before any hover, the output bars, and
the overview's size at 1920×1080 (thumbnails at least CNN Explainer's 40 px), at 1366×768 and on a phone."""
from __future__ import annotations

import pytest

from test_layout_browser import BOX, SCROLL, settled_box

pytestmark = pytest.mark.browser

# What the overview's sources hold in the browser, found by name, with its maps' smallest drawn height.
OVERVIEW_JS = """(() => {
    for (const doc of window.Bokeh.documents) {
        const links = doc.get_model_by_name("cnn-overview-links");
        if (!links) continue;
        const bars = doc.get_model_by_name("cnn-output-bars");
        const maps = doc.get_model_by_name("cnn-overview-maps");
        const edges = doc.get_model_by_name("cnn-overview-edges");
        return {links: links.data.x0.length, bars: bars.data.left.length, edges: edges.data.x0.length,
                smallest_map: Math.min(...maps.data.dh)};
    }
    return null;
})()"""


def _open(browser, url: str, width: int, height: int, touch: bool = False):
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=touch, has_touch=touch)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url + "?page=cnn")
    page.locator(".cnn-overview").first.wait_for(timeout=90_000)
    return context, page


@pytest.mark.parametrize("width,height,touch", [(1920, 1080, False), (1366, 768, False), (390, 844, True)])
def test_overview_draws_every_link_and_fits_the_window(browser, app_url, width, height, touch):
    from playground.components.cnn.overview import overview_size

    context, page = _open(browser, app_url, width, height, touch)
    try:
        left, top, box_w, box_h = settled_box(page, ".cnn-overview")
        expected_w, expected_h = overview_size(width, height)
        assert (round(box_w), round(box_h)) == (expected_w, expected_h)      # one data unit is one CSS pixel
        drawn = page.evaluate(OVERVIEW_JS)
        assert drawn["links"] > 300 and drawn["edges"] == 0       # all links, before any hover
        assert drawn["bars"] == 10
        if width >= 1920:
            assert drawn["smallest_map"] >= 40                     # CNN Explainer's nodes are 40 px
            assert box_w >= 2 / 3 * width                          # no third of the screen left empty
        # The page never scrolls sideways; a wider overview scrolls inside its own box.
        scroll_width, client_width = page.evaluate(SCROLL)
        assert scroll_width <= client_width
        outer = page.evaluate(BOX, ".cnn-overview-box")
        assert outer[0] + outer[2] <= width + 1
        assert page.errors == []
    finally:
        context.close()
