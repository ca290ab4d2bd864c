"""The CNN explainer's views without a browser: their rules, their layout, and the page's numbers.

Numbers the page writes into its formula views are checked against Keras's own
layer outputs; the hyperparameter rule against Keras's conv output shapes.
"""
from __future__ import annotations

import re

import numpy as np
import pytest

from playground.cnn.kinds import KINDS
from playground.components.cnn.colors import module_ids, unit_limits
from playground.components.cnn.formula import fmt
from playground.components.cnn.hyperparameters import conv_fit
from playground.components.cnn.input import rasterize_strokes
from playground.components.cnn.overview import HEIGHT, WIDTH, drawn_layers, layout_columns
from playground.theme import CNN_FORMULA_CSS

TINY_VGG_KINDS = ["input", "conv", "relu", "conv", "relu", "pool", "conv", "relu", "conv", "relu", "pool",
                  "flatten", "dense", "softmax"]
def facts(kinds: list[str]) -> list:
    """The facts the views read, as the kinds named `kinds` state them."""
    return [KINDS[k].facts for k in kinds]


TINY_VGG_MNIST_SHAPES = [(28, 28, 1), (26, 26, 10), (26, 26, 10), (24, 24, 10), (24, 24, 10), (12, 12, 10),
                         (10, 10, 10), (10, 10, 10), (8, 8, 10), (8, 8, 10), (4, 4, 10), (160,), (10,), (10,)]


# ---------------------------------------------------------------- hyperparameters

@pytest.mark.keras
def test_conv_fit_output_size_matches_keras_and_flags_what_does_not_fit():
    keras = pytest.importorskip("keras")
    layers = {(k, s): keras.layers.Conv2D(1, k, strides=s) for k in range(1, 8) for s in range(1, 4)}
    for n in range(3, 9):
        for k in range(1, 8):
            for p in range(0, 3):
                for s in range(1, 4):
                    fit = conv_fit(n, k, p, s)
                    if k > n + 2 * p:
                        assert (fit.output, fit.fits) == (0, False)
                        assert "larger than the padded input" in fit.message
                        continue
                    shape = layers[k, s].compute_output_shape((1, n + 2 * p, n + 2 * p, 1))
                    assert fit.output == shape[1], (n, k, p, s)
                    assert fit.fits == ((n + 2 * p - k) % s == 0), (n, k, p, s)
                    assert ("not divisible" in fit.message) == (not fit.fits)


def test_conv_fit_rejects_impossible_settings():
    with pytest.raises(ValueError):
        conv_fit(5, 0, 0, 1)


# ---------------------------------------------------------------- colours

def test_modules_are_the_conv_to_pool_blocks():
    assert module_ids(facts(TINY_VGG_KINDS)) == [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3]
    # A model without pooling: one block, then the head.
    assert module_ids(facts(["input", "conv", "relu", "flatten", "dense"])) == [0, 1, 1, 2, 2]


def test_colour_limits_per_unit_module_and_global():
    rng = np.random.default_rng(0)
    kinds = ["input", "conv", "relu", "pool", "conv", "flatten", "dense"]
    outputs = [rng.uniform(0, 1, (6, 6, 1)), rng.normal(0, 1, (4, 4, 3)), rng.normal(0, 2, (4, 4, 3)),
               rng.normal(0, 3, (2, 2, 3)), rng.normal(0, 5, (2, 2, 2)), rng.normal(0, 1, (8,)),
               rng.normal(0, 1, (3,))]
    per_unit = unit_limits(outputs, facts(kinds), "unit")
    np.testing.assert_allclose(per_unit[1], np.abs(outputs[1]).max(axis=(0, 1)))
    np.testing.assert_allclose(per_unit[5], [np.abs(outputs[5]).max()])

    module = unit_limits(outputs, facts(kinds), "module")
    block = max(np.abs(o).max() for o in outputs[1:4])  # conv, relu, pool
    for i in (1, 2, 3):
        np.testing.assert_allclose(module[i], block)
    np.testing.assert_allclose(module[4], np.abs(outputs[4]).max())  # a block of its own
    np.testing.assert_allclose(module[0], np.abs(outputs[0]).max())  # the input keeps its range

    everything = unit_limits(outputs, facts(kinds), "global")
    top = max(np.abs(o).max() for o in outputs[1:])
    assert all(np.allclose(lim, top) for lim in everything[1:])
    np.testing.assert_allclose(everything[0], np.abs(outputs[0]).max())


def test_an_all_zero_map_gets_a_usable_limit():
    limits = unit_limits([np.zeros((3, 3, 2))], facts(["relu"]), "unit")
    np.testing.assert_array_equal(limits[0], [1.0, 1.0])
    with pytest.raises(ValueError):
        unit_limits([np.zeros(3)], facts(["dense"]), "per-layer")


# ---------------------------------------------------------------- overview layout

def _check_layout(shapes, kinds, legend=False):
    columns = layout_columns(shapes, facts(kinds), legend=legend)
    assert [c.layer for c in columns] == drawn_layers(facts(kinds))
    rights = []
    for c in columns:
        assert 0 <= c.x - c.width / 2 and c.x + c.width / 2 <= WIDTH
        top = c.ys.max() + c.tile_h / 2 if c.kind != "vector" else c.ys[0] + c.tile_h / 2
        bottom = c.ys.min() - c.tile_h / 2
        assert bottom >= 0 and top <= HEIGHT - 30  # below the layer names
        if c.kind == "maps" and len(c.ys) > 1:
            assert np.all(-np.diff(c.ys) >= c.tile_h)  # tiles do not overlap
        rights.append((c.x - c.width / 2, c.x + c.width / 2))
    for (_, right), (left, _) in zip(rights, rights[1:]):
        assert left > right  # columns do not overlap
    return columns


def test_overview_layout_fits_tinyvgg_and_merges_the_output():
    columns = _check_layout(TINY_VGG_MNIST_SHAPES, TINY_VGG_KINDS)
    assert len(columns) == 13  # the logits are drawn as the output's bars, not a column of their own
    assert columns[-1].kind == "output" and columns[-1].layer == 13
    _check_layout(TINY_VGG_MNIST_SHAPES, TINY_VGG_KINDS, legend=True)


def test_overview_layout_fits_a_bigger_model():
    kinds = ["input"] + ["conv", "relu", "conv", "relu", "pool"] * 4 + ["flatten", "dense", "dense", "softmax"]
    shapes = [(64, 64, 3)] + [(32, 32, 32)] * 20 + [(512,), (64,), (5,), (5,)]
    columns = _check_layout(shapes, kinds)
    assert min(c.tile_h for c in columns if c.kind == "maps") > 5


# ---------------------------------------------------------------- drawing and formulas

def test_rasterized_stroke_inks_its_path_only():
    raster = rasterize_strokes([[0.1, 0.9]], [[0.5, 0.5]], size=40, pen=0.1)
    assert raster.shape == (40, 40) and raster.dtype == np.float32
    assert raster[20, 5:35].min() == pytest.approx(1.0)  # along the line
    assert raster[:10].max() == 0 and raster[30:].max() == 0  # far above and below
    assert raster[20, 0] == 0  # beyond the end
    assert rasterize_strokes([], []).max() == 0


def test_numbers_are_printed_with_a_true_minus_and_no_negative_zero():
    assert fmt(-1.23456) == "\u22121.235"
    assert fmt(-0.0001) == "0.000"
    assert fmt(2) == "2.000"


def test_formula_numbers_are_projector_sized():
    font_sizes = [int(m) for m in re.findall(r"font[^;]*?(\d+)px", CNN_FORMULA_CSS)]
    assert len(font_sizes) >= 5 and min(font_sizes) >= 14


# ---------------------------------------------------------------- the page, without a browser

@pytest.fixture(scope="module")
def cnn_page():
    pytest.importorskip("keras")
    from playground.cnn.page import CnnPage

    return CnnPage()


def _cell_numbers(html: str, css: str) -> np.ndarray:
    table = re.search(rf'<table class="cnn-grid {css}">(.*?)</table>', html).group(1)
    return np.array([float(t.replace("\u2212", "-")) for t in re.findall(r">([^<>]+)</td>", table)])


def _span_number(html: str, css: str) -> float:
    return float(re.search(rf'class="num {css}[^"]*"[^>]*>([^<]+)<', html).group(1).replace("\u2212", "-"))


def _keras_layer_output(model, name, image):
    import keras

    return np.asarray(keras.Model(model.inputs, model.get_layer(name).output)(image[None]))[0]


@pytest.mark.keras
def test_pool_and_relu_formulas_show_keras_numbers(cnn_page):
    page, model = cnn_page, cnn_page.choice.model
    image = page._explanation.image
    page.state.param.update(layer="max_pool_1", neuron=3, row=4, col=5)
    html = page.formula._pane.object
    relu = _keras_layer_output(model, "relu_1_2", image)
    np.testing.assert_allclose(_cell_numbers(html, "cnn-formula-window"), relu[8:10, 10:12, 3].ravel(), atol=6e-4)
    pooled = _keras_layer_output(model, "max_pool_1", image)[4, 5, 3]
    assert _span_number(html, "cnn-formula-output") == pytest.approx(pooled, abs=6e-4)

    page.state.param.update(layer="relu_1_1", neuron=1, row=12, col=9)
    html = page.formula._pane.object
    conv = _keras_layer_output(model, "conv_1_1", image)[12, 9, 1]
    assert _span_number(html, "cnn-formula-input") == pytest.approx(conv, abs=6e-4)
    assert _span_number(html, "cnn-formula-output") == pytest.approx(max(conv, 0.0), abs=6e-4)


@pytest.mark.keras
def test_flatten_and_softmax_views_show_keras_numbers(cnn_page):
    page, model = cnn_page, cnn_page.choice.model
    image = page._explanation.image
    page.state.param.update(layer="flatten", neuron=0, row=2, col=1, in_channel=7)
    html = page.formula._pane.object
    index = (2 * 4 + 1) * 10 + 7
    assert f'data-index="{index}"' in html
    flat = _keras_layer_output(model, "flatten", image)
    assert _span_number(html, "cnn-formula-output") == pytest.approx(flat[index], abs=6e-4)

    last = page._explanation.traces[-1].name
    page.state.param.update(layer=last, neuron=4)
    html = page.formula._pane.object
    probabilities = np.asarray(model(image[None]))[0]
    shown = [float(v) for v in re.findall(r'class="cnn-softmax-prob">([^<]+)<', html)]
    np.testing.assert_allclose(shown, probabilities, atol=6e-5)


@pytest.fixture
def fresh_page():
    pytest.importorskip("keras")
    from playground.cnn.page import CnnPage

    return CnnPage()


@pytest.mark.keras
def test_unsupported_model_upload_names_the_layers_and_keeps_the_model(fresh_page, tmp_path):
    keras = pytest.importorskip("keras")
    page = fresh_page
    before = page.choice.model
    bad = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(4, 3, name="conv"),
                            keras.layers.LayerNormalization(name="norm"), keras.layers.Flatten(),
                            keras.layers.Dense(10, activation="softmax")])
    bad.save(tmp_path / "bad.keras")
    page.uploads.model_upload.input.filename = "bad.keras"
    page.uploads.model_upload.input.value = (tmp_path / "bad.keras").read_bytes()
    assert page.choice.model is before
    assert page.uploads.model_upload.message.alert_type == "danger"
    assert "norm" in page.uploads.model_upload.message.object
    page.uploads.model_upload.input.value = b"not a zip at all"
    assert page.choice.model is before and "not a Keras model" in page.uploads.model_upload.message.object


@pytest.mark.keras
def test_every_view_works_on_an_uploaded_model_of_another_shape(fresh_page, tmp_path):
    keras = pytest.importorskip("keras")
    page = fresh_page
    other = keras.Sequential([
        keras.Input((20, 20, 3)),
        keras.layers.Conv2D(6, 5, padding="same", strides=2, activation="relu", name="wide"),
        keras.layers.MaxPooling2D(2, name="pool"),
        keras.layers.Conv2D(4, 3, name="narrow"),
        keras.layers.Activation("relu", name="act"),
        keras.layers.Flatten(name="flat"),
        keras.layers.Dense(8, activation="relu", name="hidden"),
        keras.layers.Dense(3, name="logits"),
    ])
    other.save(tmp_path / "other.keras")
    page.uploads.model_upload.input.filename = "other.keras"
    page.uploads.model_upload.input.value = (tmp_path / "other.keras").read_bytes()
    assert page.uploads.model_upload.message.alert_type == "success", page.uploads.model_upload.message.object
    assert page.choice.model is not None and tuple(page._explanation.image.shape) == (20, 20, 3)
    assert "resized to 20×20×3" in page.uploads.model_info.object

    image = page._explanation.image
    for trace in page._explanation.traces[1:]:
        page.state.param.update(layer=trace.name, neuron=0, row=1, col=2, in_channel=1)
        assert page.formula._pane.object, trace.name  # every kind has its view
    # The fused conv: its numbers are the pre-activation, from Keras's weights.
    page.state.param.update(layer="wide", neuron=5, row=3, col=0, in_channel=2)
    html = page.formula._pane.object
    kernel = np.asarray(other.get_layer("wide").kernel)[:, :, 2, 5]
    np.testing.assert_allclose(_cell_numbers(html, "cnn-formula-kernel"), kernel.ravel(), atol=6e-4)
    # TensorFlow's 'same' for a 5×5, stride-2 kernel on 20 pixels: 10 outputs, 3 rows of
    # padding in all, 1 before and 2 after; output (3, 0) reads image rows 5–9 and columns
    # −1–3, i.e. rows 6–10 and columns 0–4 of the padded image.
    padded = np.pad(image[:, :, 2], ((1, 2), (1, 2)))
    np.testing.assert_allclose(_cell_numbers(html, "cnn-formula-window"), padded[6:11, 0:5].ravel(), atol=6e-4)
    assert html.count('class="pad"') == 5  # the padding column says so
    relu_out = _keras_layer_output(other, "wide", image)[3, 0, 5]
    output = _span_number(html, "cnn-formula-output")
    assert max(output, 0.0) == pytest.approx(relu_out, abs=6e-4)


def test_conv_view_draws_a_photos_r_g_b_channels_each_in_its_own_colour():
    from playground.components.cnn.colors import CHANNEL_PALETTES
    from playground.components.cnn.conv import ConvView
    from playground.theme import CHANNEL_COLOURS

    rng = np.random.default_rng(0)
    photo, kernels = rng.random((8, 8, 3), np.float32), rng.normal(size=(3, 3, 3)).astype(np.float32)
    mids, out = rng.normal(size=(3, 6, 6)).astype(np.float32), rng.normal(size=(6, 6)).astype(np.float32)
    view = ConvView(on_pick=lambda *args: None)
    view.show(photo, kernels, mids, 0.1, out, "input", "conv · neuron 0", input_is_image=True, input_range=(0, 1))
    assert view.inputs.data["image"] == []
    for c, (source, mapper) in enumerate(zip(view.channel_inputs, view.channel_mappers)):
        (tile,) = source.data["image"]
        np.testing.assert_array_equal(np.flipud(tile), photo[:, :, c])   # tiles are stored bottom row first
        assert mapper.palette == list(CHANNEL_PALETTES[c]) and mapper.palette[-1] == CHANNEL_COLOURS[c]
    # Grey input, or activations from an earlier layer: one grey or diverging map per channel, no R, G, B.
    view.show(photo[:, :, :1], kernels[:, :, :1], mids[:1], 0.1, out, "input", "conv · neuron 0", input_is_image=True)
    assert len(view.inputs.data["image"]) == 1 and all(s.data["image"] == [] for s in view.channel_inputs)
    view.show(photo, kernels, mids, 0.1, out, "relu_1", "conv_2 · neuron 0", input_is_image=False)
    assert len(view.inputs.data["image"]) == 3 and all(s.data["image"] == [] for s in view.channel_inputs)
