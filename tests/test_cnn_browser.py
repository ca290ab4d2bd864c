"""The CNN explainer in a real headless Chromium: the numbers it shows are the model's.

Expected values come from Keras itself (sub-models of the shipped model), not
from the app's numpy maths, so a mistake in either shows up here.
"""
from __future__ import annotations

import numpy as np
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.keras]

TOLERANCE = 0.0006  # numbers are printed with 3 decimals


@pytest.fixture(scope="module")
def model_and_sample():
    """The shipped model, the sample the page opens with, and its explanation."""
    from playground.cnn.explain import explain
    from playground.cnn.loading import load_default_model
    from playground.datasets.images import load_mnist_5k

    model, images = load_default_model(), load_mnist_5k()
    # The page opens with the first held-out image of class 0.
    sample = images.x_test[np.flatnonzero(images.y_test == 0)[0]]
    return model, images, sample, explain(model, sample, images.class_names)


def _keras_output(model, layer_name: str, image: np.ndarray) -> np.ndarray:
    """A layer's output for one image, straight from Keras."""
    import keras

    sub = keras.Model(model.inputs, model.get_layer(layer_name).output)
    return np.asarray(sub(image[None], training=False))[0]


def _numbers(page, selector: str) -> np.ndarray:
    texts = page.locator(selector).all_inner_texts()
    return np.array([float(t.strip().replace("\u2212", "-")) for t in texts])


def _open(page, app_url):
    page.goto(app_url + "?page=cnn")
    overview = page.locator(".cnn-overview").first
    overview.wait_for(timeout=90_000)
    page.wait_for_timeout(500)  # let Bokeh lay out the figure
    return overview.bounding_box()


def _neuron_position(box, explanation, layer_name: str, channel: int) -> tuple[float, float]:
    """Where the overview draws a neuron, from the same layout function it uses."""
    from playground.cnn.kinds import kind_of
    from playground.components.cnn.overview import HEIGHT, layout_columns

    traces = explanation.traces
    index = [t.name for t in traces].index(layer_name)
    columns = layout_columns([t.output.shape for t in traces], [kind_of(t).facts for t in traces])
    column = next(c for c in columns if c.layer == index)
    return box["x"] + column.x, box["y"] + HEIGHT - column.ys[channel]


def test_conv_formula_shows_the_models_numbers(page, app_url, model_and_sample):
    model, _, sample, explanation = model_and_sample
    box = _open(page, app_url)
    neuron = 2
    page.mouse.click(*_neuron_position(box, explanation, "conv_1_2", neuron))
    formula = page.locator('.cnn-formula-conv[data-layer="conv_1_2"]')
    formula.wait_for(timeout=15_000)
    # The window opens where there is signal (issue 24), not at (0, 0).
    opened = formula.get_attribute("data-row"), formula.get_attribute("data-col")
    assert opened != ("0", "0")

    # Point at the middle of the output map: the window moves there.
    from playground.components.cnn.conv import BOTTOM, HEIGHT, TOP, WIDTH

    view_element = page.locator(".cnn-conv-view").first
    view_element.scroll_into_view_if_needed()
    view = view_element.bounding_box()
    out_size = min(HEIGHT - TOP - BOTTOM, 200.0)
    page.mouse.move(view["x"] + WIDTH - 14 - out_size / 2 + 17, view["y"] + TOP + (HEIGHT - TOP - BOTTOM) / 2 - 9)
    moved = page.locator(f'.cnn-formula-conv:not([data-row="{opened[0]}"][data-col="{opened[1]}"])')
    moved.wait_for(timeout=10_000)
    row, col = int(moved.get_attribute("data-row")), int(moved.get_attribute("data-col"))
    channel = int(moved.get_attribute("data-channel"))
    assert int(moved.get_attribute("data-neuron")) == neuron

    layer = model.get_layer("conv_1_2")
    kernel = np.asarray(layer.kernel)[:, :, :, neuron]
    bias = float(np.asarray(layer.bias)[neuron])
    conv_input = _keras_output(model, "relu_1_1", sample)  # what conv_1_2 reads
    window = conv_input[row:row + 3, col:col + 3, :]
    products = window * kernel
    expected_output = float(_keras_output(model, "conv_1_2", sample)[row, col, neuron])

    np.testing.assert_allclose(_numbers(page, ".cnn-formula-window td"), window[:, :, channel].ravel(),
                               atol=TOLERANCE)
    np.testing.assert_allclose(_numbers(page, ".cnn-formula-kernel td"), kernel[:, :, channel].ravel(),
                               atol=TOLERANCE)
    np.testing.assert_allclose(_numbers(page, ".cnn-formula-products td"), products[:, :, channel].ravel(),
                               atol=TOLERANCE)
    np.testing.assert_allclose(_numbers(page, ".cnn-formula-channel-sums .chip"), products.sum(axis=(0, 1)),
                               atol=TOLERANCE)
    assert _numbers(page, ".cnn-formula-bias")[0] == pytest.approx(bias, abs=TOLERANCE)
    assert _numbers(page, ".cnn-formula-output")[0] == pytest.approx(expected_output, abs=TOLERANCE)
    assert expected_output != 0.0 and np.abs(products).sum() > 0  # a window that actually says something
    assert page.errors == []


def test_bad_upload_shows_a_message_and_the_page_still_works(page, app_url, model_and_sample):
    model, images, _, _ = model_and_sample
    _open(page, app_url)
    page.get_by_text("Your image & model", exact=True).click()
    page.locator(".cnn-image-upload-input input[type=file]").set_input_files(
        files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"these are not pixels"}])
    # (Panel panes render into shadow roots: match text with has_text, which pierces them.)
    message = page.locator(".cnn-image-upload-message", has_text="notes.png cannot be used")
    message.wait_for(state="visible", timeout=10_000)
    assert message.filter(has_text="not an image").count() == 1

    # Nothing else changed, and another sample can still be shown and predicted.
    page.get_by_text("Explainer", exact=True).click()
    assert page.locator(".cnn-prediction", has_text="Prediction: 0 ").count() == 1
    seven = images.x_test[np.flatnonzero(images.y_test == 7)[0]]
    expected = int(np.argmax(np.asarray(model(seven[None], training=False))[0]))
    thumbs = page.locator(".cnn-samples").first.bounding_box()
    from playground.components.cnn.input import sample_position

    page.mouse.click(thumbs["x"] + sample_position(7)[0], thumbs["y"] + sample_position(7)[1])
    page.locator(".cnn-prediction", has_text=f"Prediction: {images.class_names[expected]} ").wait_for(
        timeout=10_000)
    assert page.errors == []
