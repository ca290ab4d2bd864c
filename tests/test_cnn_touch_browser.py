"""Touch: on a tablet a tap does what hover does on the CNN page (Playwright's touch emulation).

Hovering a neuron in the overview shows what it reads, and hovering a cell of a
step-through map moves the window there; a touch screen has no hover, so a tap
must do both. Each test taps at a place computed from the views' own layout.
"""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def traces():
    """The shipped model's layers for the first sample (names, kinds, output shapes)."""
    pytest.importorskip("keras")
    from playground.cnn.explain import explain
    from playground.cnn.loading import load_default_model
    from playground.datasets.images import load_mnist_5k

    images = load_mnist_5k()
    sample = images.x_test[(images.y_test == 0).argmax()]
    return explain(load_default_model(), sample, list(images.class_names)).traces


@pytest.fixture
def tablet(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, has_touch=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert not errors, errors


# How many connection lines the overview draws now (its edges source, found by name).
EDGE_COUNT_JS = """(() => {
    for (const doc of window.Bokeh.documents) {
        const edges = doc.get_model_by_name("cnn-overview-edges");
        if (edges) return edges.data.x0.length;
    }
    return -1;
})()"""


def _open(page, url: str):
    page.goto(url)
    page.locator(".cnn-overview").first.wait_for(timeout=90_000)
    return _overview_box(page)


def _overview_box(page) -> dict:
    """The overview where it is now, once the page has settled: a tap that opens a detail view scrolls
    the page to it, so a box measured before that tap is stale."""
    from test_layout_browser import settled_box

    page.locator(".cnn-overview").first.scroll_into_view_if_needed()     # as a person scrolls back up to it
    left, top, width, height = settled_box(page, ".cnn-overview")
    return {"x": left, "y": top, "width": width, "height": height}


def _neuron_at(box, traces, layer: str, channel: int) -> tuple[float, float]:
    from playground.cnn.kinds import kind_of
    from playground.components.cnn.overview import HEIGHT, layout_columns

    index = [t.name for t in traces].index(layer)
    columns = layout_columns([t.output.shape for t in traces], [kind_of(t).facts for t in traces])
    column = next(c for c in columns if c.layer == index)
    return box["x"] + column.x, box["y"] + HEIGHT - column.ys[channel]


def _pair_cell(box, trace, role: str, row: int, col: int) -> tuple[float, float]:
    """Screen position of a cell of the pair view's input or output map (PairView.show's layout)."""
    from playground.components.cnn.pair import BOTTOM, HEIGHT, TOP, WIDTH

    h, w = trace.input.shape[:2]
    oh, ow = trace.output.shape[:2]
    avail_h = HEIGHT - TOP - BOTTOM
    cell = min(avail_h / max(h, oh), (WIDTH - 3 * 24) / 2 / max(w, ow), 40.0)
    mid = HEIGHT - TOP - avail_h / 2
    x0, rows = (24, h) if role == "input" else (WIDTH / 2 + 12, oh)
    top = mid + rows * cell / 2
    return box["x"] + x0 + (col + 0.5) * cell, box["y"] + HEIGHT - (top - (row + 0.5) * cell)


def test_a_tap_on_an_overview_neuron_shows_what_it_reads_and_selects_it(tablet, app_url, traces):
    box = _open(tablet, app_url + "?page=cnn")
    tablet.touchscreen.tap(*_neuron_at(box, traces, "conv_1_2", 3))
    # What hover shows: a line from each neuron it reads (conv_1_2 reads all of relu_1_1's) ...
    reads = next(t for t in traces if t.name == "relu_1_1").output.shape[-1]
    tablet.wait_for_function(EDGE_COUNT_JS + f" === {reads}", timeout=10_000)
    # ... and what a click does: its formula.
    tablet.locator('.cnn-formula-conv[data-layer="conv_1_2"][data-neuron="3"]').wait_for(timeout=15_000)
    # A ReLU neuron reads one neuron: its own channel of the convolution before it.
    tablet.wait_for_timeout(700)      # a second tap as a person makes it, not a double tap
    tablet.touchscreen.tap(*_neuron_at(_overview_box(tablet), traces, "relu_1_2", 5))
    tablet.wait_for_function(EDGE_COUNT_JS + " === 1", timeout=10_000)


def test_a_tap_on_a_pooling_map_moves_the_window_there(tablet, app_url, traces):
    _open(tablet, app_url + "?page=cnn&cnn_layer=max_pool_1&cnn_neuron=2")
    tablet.locator('.cnn-formula-pool[data-layer="max_pool_1"]').wait_for(timeout=15_000)
    trace = next(t for t in traces if t.name == "max_pool_1")
    view = tablet.locator(".cnn-pair-view").first
    view.scroll_into_view_if_needed()
    tablet.wait_for_timeout(300)
    box = view.bounding_box()

    tablet.touchscreen.tap(*_pair_cell(box, trace, "output", 5, 7))
    tablet.locator('.cnn-formula-pool[data-row="5"][data-col="7"]').wait_for(timeout=10_000)
    # A tap on the input side moves the window to the output cell that reads it (after a
    # pause: two quick taps are one double tap to the browser).
    tablet.wait_for_timeout(700)
    tablet.touchscreen.tap(*_pair_cell(box, trace, "input", 9, 4))
    tablet.locator('.cnn-formula-pool[data-row="4"][data-col="2"]').wait_for(timeout=10_000)


def test_a_tap_on_a_convolution_output_moves_its_window(tablet, app_url, traces):
    from playground.components.cnn.conv import BOTTOM, HEIGHT, TOP, WIDTH

    _open(tablet, app_url + "?page=cnn&cnn_layer=conv_1_2&cnn_neuron=1")
    opened = tablet.locator('.cnn-formula-conv[data-layer="conv_1_2"]')
    opened.wait_for(timeout=15_000)
    row, col = opened.get_attribute("data-row"), opened.get_attribute("data-col")    # where there is signal
    view = tablet.locator(".cnn-conv-view").first
    view.scroll_into_view_if_needed()
    tablet.wait_for_timeout(300)
    box = view.bounding_box()
    # The middle of the output map, where the browser test of the conv view points too.
    out_size = min(HEIGHT - TOP - BOTTOM, 200.0)
    tablet.touchscreen.tap(box["x"] + WIDTH - 14 - out_size / 2 + 17,
                           box["y"] + TOP + (HEIGHT - TOP - BOTTOM) / 2 - 9)
    moved = tablet.locator(f'.cnn-formula-conv[data-layer="conv_1_2"]:not([data-row="{row}"][data-col="{col}"])')
    moved.wait_for(timeout=10_000)
    assert moved.get_attribute("data-neuron") == "1"
