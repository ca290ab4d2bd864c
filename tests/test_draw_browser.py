"""Drawing your own data on the big map in a real browser, with a mouse and with touch."""
import pytest

from test_layout_browser import open_at

POINTS = "(name) => Bokeh.documents[0].get_model_by_name(name).data.x.length"
WAIT = 90_000    # a busy machine: the server may be loading TensorFlow for the CNN page meanwhile
COUNT_IS = "([name, n]) => Bokeh.documents[0].get_model_by_name(name).data.x.length === n"


def choose(page, text, hint):
    """Pick a draw mode and wait until the server has it (it then says what a tap does)."""
    page.locator(".nn-draw-mode .bk-btn", has_text=text).first.click()
    page.locator(".nn-draw-hint", has_text=hint).first.wait_for()


def map_spot(page, fx, fy):
    """Viewport (x, y) at fractions of the map's picture: inside its plotting area for 0.3–0.7."""
    box = page.locator(".nn-decision-map").first.bounding_box()
    return box["x"] + fx * box["width"], box["y"] + fy * box["height"] * 0.85   # the legend takes the foot


@pytest.mark.browser
@pytest.mark.parametrize("touch", [False, True], ids=["mouse", "touch"])
def test_draw_erase_and_clear_points_on_the_map(browser, app_url, touch):
    context, page = open_at(browser, app_url, 1366, 768, has_touch=touch)   # laid out: the map stays put
    try:
        assert page.evaluate(POINTS, "train-points") == 250           # the circle's training points
        choose(page, "Draw", "adds a training point")
        page.locator(".nn-decision-map").first.scroll_into_view_if_needed()
        tap = page.touchscreen.tap if touch else page.mouse.click
        spots = [map_spot(page, fx, fy) for fx, fy in ((0.35, 0.35), (0.6, 0.4), (0.45, 0.65))]
        for n, spot in enumerate(spots, 1):
            tap(*spot)
            page.wait_for_function(COUNT_IS, timeout=WAIT, arg=["train-points", n])    # the drawn points are the data now
        xs = sorted(page.evaluate("() => Array.from(Bokeh.documents[0].get_model_by_name('train-points').data.x)"))
        # Where they were put: the spots left to right are at 35 %, 45 % and 60 % of the picture's width.
        assert -6 < xs[0] < xs[1] < xs[2] < 6 and xs[2] - xs[0] > 2
        choose(page, "Test point", "test points")
        tap(*map_spot(page, 0.55, 0.55))
        page.wait_for_function(COUNT_IS, timeout=WAIT, arg=["test-points", 1])
        choose(page, "Erase", "removes the nearest")
        tap(*spots[1])
        page.wait_for_function(COUNT_IS, timeout=WAIT, arg=["train-points", 2])       # the one under the finger went
        page.locator(".nn-draw-clear .bk-btn").first.click()
        page.wait_for_function(COUNT_IS, timeout=WAIT, arg=["train-points", 0])
        page.wait_for_function(COUNT_IS, timeout=WAIT, arg=["test-points", 0])
        assert page.errors == []
    finally:
        context.close()
