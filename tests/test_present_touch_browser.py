"""Present mode (key P, the header button, ?present) and touch screens (a tap does what hover does)."""
import pytest

from test_layout_browser import BOX, SCROLL, js, open_at, settled_box

EPOCH = "() => Bokeh.documents[0].get_model_by_name('epoch-counter').data.text[1]"
CAPTION_HOVERED = "(hovered)"


def open_page(browser, url, width=1920, height=1080, **context_args):
    return open_at(browser, url, width, height, **context_args)


def map_side(page) -> float:
    return page.evaluate(BOX, ".nn-decision-map")[2]


def wait_map_side(page, above: float | None = None, below: float | None = None) -> None:
    if above is not None:
        page.wait_for_function(js("return deep('.nn-decision-map')[0].getBoundingClientRect().width > arg;"), arg=above)
    if below is not None:
        page.wait_for_function(js("return deep('.nn-decision-map')[0].getBoundingClientRect().width < arg;"), arg=below)
    page.wait_for_timeout(500)


@pytest.mark.browser
def test_key_p_and_the_button_switch_present_mode_and_the_keys_still_work(browser, app_url):
    context, page = open_page(browser, app_url)
    try:
        data_heading = page.get_by_text("Data", exact=True)
        assert data_heading.is_visible()
        side, net = map_side(page), page.evaluate(BOX, ".nn-network")
        page.keyboard.press("p")
        wait_map_side(page, above=side)
        assert not data_heading.is_visible()                       # the side controls are gone
        big_net = page.evaluate(BOX, ".nn-network")
        assert big_net[2] > net[2] and map_side(page) > side
        assert page.evaluate(SCROLL)[0] <= page.evaluate(SCROLL)[1]
        left, top, w, h = page.evaluate(BOX, ".nn-decision-map")
        assert top + h <= 1080 and w >= 0.5 * 1080                 # larger, still wholly on screen
        # Space, → and R act in present mode too.
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => ({EPOCH})() === '1'")
        page.keyboard.press(" ")
        page.wait_for_function(f"() => Number(({EPOCH})().replace(',', '')) > 5")
        page.keyboard.press(" ")
        page.keyboard.press("r")
        page.wait_for_function(f"() => ({EPOCH})() === '0'")
        # The header button leaves present mode.
        page.locator(".nn-present button, .nn-present .bk-btn").first.click()
        wait_map_side(page, below=map_side(page))
        assert data_heading.is_visible()
        assert page.errors == []
    finally:
        context.close()


@pytest.mark.browser
def test_present_in_the_url_opens_in_present_mode(browser, app_url):
    context, page = open_page(browser, app_url + "?present&dataset=xor", 1366, 768)
    try:
        assert not page.get_by_text("Data", exact=True).is_visible()
        left, top, w, h = page.evaluate(BOX, ".nn-decision-map")
        assert w >= 0.4 * 768 and top + h <= 768
        _l, _t, dw, dh = page.evaluate(BOX, ".nn-network")
        assert dw * dh >= 0.3 * 1366 * 768                           # the room of the data column goes to it
        assert page.evaluate(SCROLL)[0] <= page.evaluate(SCROLL)[1]
        assert "present" in page.url
        page.keyboard.press("p")                # leaving present mode takes it out of the URL
        page.wait_for_function("() => !location.search.includes('present')")
        assert page.get_by_text("Data", exact=True).is_visible()
        assert "dataset=xor" in page.url and page.errors == []   # the rest of the state stays
    finally:
        context.close()


def node_point(page, name: str) -> tuple[float, float]:
    """Where on the screen the diagram draws the node called `name` (e.g. 'neuron 1 of layer 1')."""
    x, y = page.evaluate("""(name) => {
      const doc = Bokeh.documents[0], src = doc.get_model_by_name('node-frames');
      const i = src.data.label.indexOf(name);
      return [src.data.x[i], src.data.y[i]]; }""", name)
    left, top, w, h = settled_box(page, ".nn-network")
    return left + x, top + h - y        # data units are pixels from the figure's lower left


@pytest.mark.browser
def test_a_tap_shows_a_neuron_in_the_big_map_and_the_weight_and_bias_cards(browser, app_url):
    context, page = open_page(browser, app_url, 1366, 768, has_touch=True, is_mobile=False)
    try:
        x, y = node_point(page, "neuron 2 of layer 1")
        page.touchscreen.tap(x, y)
        page.get_by_text("neuron 2 of layer 1", exact=True).wait_for()
        assert CAPTION_HOVERED in page.locator("b", has_text="neuron 2 of layer 1").locator("..").inner_text()
        # A bias mark: its card says the bias's value, the model's own.
        size = page.evaluate("() => Bokeh.documents[0].get_model_by_name('node-frames').data.size[0]")
        bx, by = page.evaluate("""() => { const s = Bokeh.documents[0].get_model_by_name('biases');
          return [s.data.x[0], s.data.y[0]]; }""")
        left, top, w, h = settled_box(page, ".nn-network")
        page.wait_for_timeout(600)      # a second tap as a person makes it, not a double tap
        page.touchscreen.tap(left + bx, top + h - by)
        card = page.get_by_text("Bias of neuron 1 of layer 1", exact=False)
        card.wait_for()
        bias = page.evaluate("() => Bokeh.documents[0].get_model_by_name('biases').data.b[0]")
        assert f"{bias:.3f}" in card.inner_text()
        # A link: the weight card, where the weight can be typed.
        page.wait_for_timeout(600)      # again a person's second tap, not a double tap
        x1, y1 = node_point(page, "X₁")
        x2, y2 = node_point(page, "neuron 1 of layer 1")
        start = x1 + size / 2
        # Halfway along the curve from X₁ to neuron 1 (curves are symmetric about their middle).
        page.touchscreen.tap((start + x2 - size / 2) / 2, (y1 + y2) / 2)
        page.get_by_text("Weight X₁ → neuron 1 of layer 1", exact=False).wait_for()
        assert page.locator(".nn-weight-input input").is_visible()
        assert size > 0 and page.errors == []
    finally:
        context.close()
