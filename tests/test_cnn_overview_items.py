"""CNN Explainer's overview, and better (issue 24, item 6), without a browser.

The page is built as in a session (`CnnPage()`), with the shipped TinyVGG; the numbers drawn are
checked against Keras's own layers and weights.
"""
from __future__ import annotations

import numpy as np
import pytest

from playground.cnn.pace import SWEEP_SECONDS, WindowClock, windows_per_second
from playground.cnn.windows import next_cell
from playground.components.cnn.overview import HEIGHT, WIDTH, overview_size


@pytest.fixture(scope="module")
def cnn_page():
    pytest.importorskip("keras")
    from playground.cnn.page import CnnPage

    return CnnPage()


def _index(page, name: str) -> int:
    return [t.name for t in page._explanation.traces].index(name)


def _click(page, name: str, channel: int = 0) -> None:
    """What a click on a neuron of the overview calls (the units' tap callback)."""
    index = _index(page, name)
    unit = page.overview._units_index.index((index, channel))
    page.overview.units.selected.indices = [unit]


# ---------------------------------------------------------------- links and bars

def test_every_link_is_drawn_before_any_hover(cnn_page):
    page = cnn_page
    units = page.overview.units.data
    links = page.overview.links.data
    assert page.overview.links.name == "cnn-overview-links"
    # Each unit's lines, counted from the model: a 1:1 step reads one map, others all of the previous column.
    expected = sum(min(n, 1) if one else n for n, one in zip(units["prev_count"], units["one_to_one"]))
    facts = page._facts()
    shapes = [t.output.shape for t in page._explanation.traces]
    # TinyVGG: conv reads every map of the previous column; ReLU and pooling their own; the flatten
    # strip every map of the last pool; each class bar the strip.
    channels = [s[-1] if len(s) == 3 else 1 for s in shapes]
    counted = 0
    drawn = [i for i in range(len(shapes)) if not (i == len(shapes) - 2 and facts[-1].gives_probabilities)]
    for prev, cur in zip(drawn, drawn[1:]):
        n_cur = shapes[cur][0] if cur == drawn[-1] else channels[cur] if len(shapes[cur]) == 3 else 1
        n_prev = channels[prev] if len(shapes[prev]) == 3 else 1
        counted += n_cur * (1 if facts[cur].one_to_one else n_prev)
    assert len(links["x0"]) == expected == counted > 300
    assert page.overview.edges.data["x0"] == []          # nothing hovered


def test_output_bars_are_the_probabilities(cnn_page):
    page = cnn_page
    bars = page.overview.bars
    assert bars.name == "cnn-output-bars"
    lengths = np.subtract(bars.data["right"], bars.data["left"])
    p = page._explanation.probabilities
    np.testing.assert_allclose(lengths / lengths.max(), p / p.max(), atol=1e-6)


def test_a_selected_neuron_darkens_its_own_links(cnn_page):
    page = cnn_page
    _click(page, "conv_1_2", 3)
    chosen = page.overview.selected_links.data
    units = page.overview.units.data
    unit = page.overview._units_index.index((_index(page, "conv_1_2"), 3))
    assert len(chosen["x0"]) == units["prev_count"][unit] == 10
    assert set(chosen["y1"]) == {units["y"][unit]}


# ---------------------------------------------------------------- the size

def test_the_overview_grows_with_the_window_and_keeps_its_smallest_size():
    assert overview_size(390, 844) == (WIDTH, HEIGHT)
    assert overview_size(1280, 720) == (WIDTH, HEIGHT)
    assert overview_size(1366, 768) == (WIDTH, HEIGHT)
    width, height = overview_size(1920, 1080)
    assert width >= 1920 * 2 / 3 and height > HEIGHT


def test_resizing_redraws_at_the_new_size(cnn_page):
    page = cnn_page
    page.resize(1920, 1080)
    fig = page.overview.figure
    width, height = overview_size(1920, 1080)
    assert (fig.width, fig.height, fig.x_range.end, fig.y_range.end) == (width, height, width, height)
    tiles = page.overview.act_images.data["dh"]
    assert min(tiles) >= 40                    # CNN Explainer's nodes are 40 px
    assert max(page.overview.units.data["x"]) > 0.8 * width
    page.resize(1280, 720)
    assert (fig.width, fig.height) == (WIDTH, HEIGHT)


# ---------------------------------------------------------------- the softmax view

@pytest.mark.keras
def test_softmax_view_draws_the_output_layers_weights_to_the_chosen_class(cnn_page):
    page, model = cnn_page, cnn_page.choice.model
    last = page._explanation.traces[-1].name
    _click(page, last, 7)
    assert page._views["logits"].visible
    dense = next(layer for layer in model.layers if layer.__class__.__name__ == "Dense")
    kernel = np.asarray(dense.kernel.numpy())
    flatten = page._explanation.trace("flatten")
    h, w, c = flatten.input.shape
    tiles = page.logits_view.tiles.data["image"]
    assert len(tiles) == c
    for ch, tile in enumerate(tiles):
        # Drawn bottom row first (Bokeh's images); folded back as Keras's Flatten unrolled the maps.
        np.testing.assert_allclose(tile[::-1], kernel[:, 7].reshape(h, w, c)[:, :, ch], atol=0)
    texts = page.logits_view.labels.data["text"]
    logit = float(np.asarray(keras_logits(model, page._explanation.image))[7])
    assert any(t.endswith(f"{logit:.3f}".replace("-", "\u2212")) for t in texts), texts


def keras_logits(model, image):
    """The output layer before its softmax, from Keras: the flatten output times the kernel, plus the bias."""
    import keras

    dense = model.layers[-1]
    flat = keras.Model(model.inputs, dense.input)(image[None])
    return np.asarray(flat)[0] @ np.asarray(dense.kernel.numpy()) + np.asarray(dense.bias.numpy())


# ---------------------------------------------------------------- the first window and flatten

@pytest.mark.keras
def test_the_first_conv_window_has_nonzero_products(cnn_page):
    page = cnn_page
    _click(page, "conv_1_1", 2)
    st, t = page.state, page._explanation.trace("conv_1_1")
    assert (st.row, st.col) != (0, 0)
    window = t.input[st.row:st.row + 3, st.col:st.col + 3, st.in_channel]
    products = window * t.kernel[:, :, st.in_channel, 2]
    assert np.abs(products).max() > 1e-3
    assert "0.000" not in page.formula._pane.object.split("cnn-formula-products")[1][:40]


@pytest.mark.keras
def test_clicking_the_flatten_strip_shows_the_neuron_it_names(cnn_page):
    page = cnn_page
    _click(page, "flatten")
    flat = page._explanation.trace("flatten")
    k = int(np.argmax(flat.output))
    assert page.state.neuron == k
    assert f'data-index="{k}"' in page.formula._pane.object
    assert f"neuron {k}." in page._detail_title.object
    # Pointing at another cell of the vector names that one.
    page._pick_cell("vector", 0, 1, 3, True)
    h, w, c = flat.input.shape
    assert page.state.neuron == 1 * w * c + 3
    assert f'data-index="{w * c + 3}"' in page.formula._pane.object


# ---------------------------------------------------------------- the speed

def test_window_clock_keeps_the_pace_whatever_the_ticks():
    now = [0.0]
    clock = WindowClock(lambda: now[0])
    moved = 0
    for dt in (0.25, 0.25, 0.7, 0.05, 0.75):      # irregular ticks: a slow redraw, a quick one
        now[0] += dt
        moved += clock.due(4.0)
    assert moved == 8                              # 2 s at 4 windows a second
    now[0] += 1.0
    assert clock.due(16.0) == 0                    # a new pace starts counting afresh
    now[0] += 1.0
    assert clock.due(16.0) == 16


def test_speeds_range_from_reading_pace_to_a_sweep_of_the_map():
    assert windows_per_second("4", 62 * 62) == 4.0
    sweep = windows_per_second("sweep", 62 * 62)
    assert 10 <= 62 * 62 / sweep <= 20 and sweep == 62 * 62 / SWEEP_SECONDS


def test_next_cell_moves_many_windows_and_wraps():
    assert next_cell(0, 0, (4, 5)) == (0, 1)
    assert next_cell(0, 4, (4, 5)) == (1, 0)
    assert next_cell(3, 4, (4, 5)) == (0, 0)
    assert next_cell(1, 2, (4, 5), 9) == (3, 1)
    assert next_cell(3, 3, (4, 5), 3) == (0, 1)


@pytest.mark.keras
def test_the_speed_control_sets_the_windows_a_second(cnn_page):
    page = cnn_page
    _click(page, "conv_1_1", 0)
    oh, ow = page._explanation.trace("conv_1_1").output.shape[:2]
    now = [0.0]
    page._clock = WindowClock(lambda: now[0])
    for label, per_second in (("4 windows/s", 4), ("16 windows/s", 16), ("whole map in 15 s", oh * ow / 15)):
        page._speed.value = page._speed.options[label]          # what a click on the button sets
        page.state.param.update(row=0, col=0)
        page._tick()                                            # the new pace starts counting
        for _ in range(8):                                      # 2 s of ticks
            now[0] += 0.25
            page._tick()
        st = page.state
        assert st.row * ow + st.col == int(2 * per_second + 1e-9), label
    page._speed.value = "4"


def test_weight_tiles_fold_a_flattened_map_back_and_square_any_other_vector():
    from playground.components.cnn.logit_weights import biggest_terms, weight_tiles

    maps = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4)       # (H, W, C)
    tiles = weight_tiles(maps.reshape(-1), maps.shape)                  # as Keras's Flatten unrolls it
    np.testing.assert_array_equal(tiles, maps.transpose(2, 0, 1))
    square = weight_tiles(np.arange(7, dtype=np.float32), None)
    assert square.shape == (1, 3, 3)
    np.testing.assert_array_equal(square.ravel()[:7], np.arange(7))
    assert np.isnan(square.ravel()[7:]).all()
    assert list(biggest_terms(np.array([1.0, -3.0, 2.0]), np.array([1.0, 1.0, -1.0]), 2)) == [1, 2]
