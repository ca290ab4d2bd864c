"""A CIFAR-like model's BatchNormalization and Dropout layers, opened on the CNN page in headless Chromium.

The model (32×32×3, BatchNormalization with L2 regularisers and moved statistics,
Dropout) is uploaded as a legacy .h5 file, as the course saves it. The numbers the
BatchNormalization formula prints are checked against the layer's own weights and
statistics, and against the formula itself.
"""
from __future__ import annotations

import numpy as np
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.keras]

TOLERANCE = 0.0006  # numbers are printed with 3 decimals


@pytest.fixture(scope="module")
def cifar_h5(tmp_path_factory):
    """(the model, its .h5 bytes, the shapes of its traces, their kinds' facts)."""
    import keras

    from playground.cnn.explain import explain
    from playground.cnn.kinds import kind_of

    L, l2 = keras.layers, keras.regularizers.L2(1e-4)
    model = keras.Sequential([
        keras.Input((32, 32, 3)),
        L.Conv2D(4, 3, padding="same", activation="relu", kernel_regularizer=l2, name="conv1"),
        L.BatchNormalization(gamma_regularizer=l2, beta_regularizer=l2, name="bn1"),
        L.MaxPooling2D(2, name="pool1"),
        L.Dropout(0.25, name="drop1"),
        L.Conv2D(6, 3, activation="relu", kernel_regularizer=l2, name="conv2"),
        L.Flatten(name="flatten"),
        L.Dense(16, activation="relu", name="hidden"),
        L.Dropout(0.5, name="drop2"),
        L.Dense(10, activation="softmax", name="out"),
    ])
    rng = np.random.default_rng(0)
    for layer in model.layers:
        if isinstance(layer, L.BatchNormalization):
            layer.set_weights([rng.uniform(0.5, 1.5, 4), rng.normal(0, 0.3, 4), rng.normal(0.2, 0.3, 4),
                               rng.uniform(0.3, 2.0, 4)])
        elif layer.weights:
            layer.set_weights([rng.normal(0, 0.3, w.shape) for w in layer.get_weights()])
    path = tmp_path_factory.mktemp("cifar") / "cifar_like.h5"
    model.save(path)
    e = explain(model, np.zeros((32, 32, 3), np.float32))
    return model, path.read_bytes(), [t.output.shape for t in e.traces], [kind_of(t).facts for t in e.traces], \
        [t.name for t in e.traces]


def _numbers(page, selector: str) -> np.ndarray:
    texts = page.locator(selector).all_inner_texts()
    return np.array([float(t.strip().replace("\u2212", "-")) for t in texts])


OVERVIEW_SELECTION_CLEARED = """() => {
  const units = [...Bokeh.documents[0].all_models].find(m => m.data && m.data.channel && m.data.layer && m.data.label);
  return units !== undefined && units.selected.indices.length === 0;
}"""


def _click_neuron(page, cifar, layer_name: str, channel: int) -> None:
    """Click a neuron of the overview where it is drawn now: measured once the page has settled, since
    an open detail view can move the overview (a click at a position measured before lands elsewhere)."""
    from test_layout_browser import settled_box

    from playground.components.cnn.overview import HEIGHT, layout_columns

    # The overview takes a click as a selection that the server clears once it has opened the neuron;
    # a second click before the clearing comes back can be overwritten by it. Click once it is back.
    page.wait_for_function(OVERVIEW_SELECTION_CLEARED, timeout=30_000)
    page.locator(".cnn-overview").first.scroll_into_view_if_needed()
    left, top, _w, _h = settled_box(page, ".cnn-overview")
    box = {"x": left, "y": top}

    _, _, shapes, facts, names = cifar
    column = next(c for c in layout_columns(shapes, facts) if c.layer == names.index(layer_name))
    page.mouse.click(box["x"] + column.x, box["y"] + HEIGHT - column.ys[channel])


def test_batchnorm_and_dropout_layers_open_with_their_numbers(page, app_url, cifar_h5):
    model = cifar_h5[0]
    page.goto(app_url + "?page=cnn")
    page.locator(".cnn-overview").first.wait_for(timeout=90_000)
    page.get_by_text("Your image & model", exact=True).click()
    page.locator(".cnn-model-upload-input input[type=file]").set_input_files(
        files=[{"name": "cifar_like.h5", "mimeType": "application/octet-stream", "buffer": cifar_h5[1]}])
    page.locator(".cnn-model-upload-message", has_text="Loaded").wait_for(state="visible", timeout=60_000)
    page.get_by_text("Explainer", exact=True).click()
    overview = page.locator(".cnn-overview").first
    overview.wait_for(timeout=10_000)

    channel = 2
    _click_neuron(page, cifar_h5, "bn1", channel)
    formula = page.locator('.cnn-formula-batchnorm[data-layer="bn1"]')
    formula.wait_for(timeout=15_000)
    assert page.locator(".cnn-detail-title", has_text="Batch normalisation").count() == 1
    bn = model.get_layer("bn1")
    gamma, beta, mean, variance = (np.asarray(v)[channel] for v in (bn.gamma, bn.beta, bn.moving_mean,
                                                                     bn.moving_variance))
    shown = {name: _numbers(page, f".cnn-formula-{name}")[0] for name in ("gamma", "beta", "mean", "variance")}
    assert shown["gamma"] == pytest.approx(gamma, abs=TOLERANCE)
    assert shown["beta"] == pytest.approx(beta, abs=TOLERANCE)
    assert shown["mean"] == pytest.approx(mean, abs=TOLERANCE)
    assert shown["variance"] == pytest.approx(variance, abs=1e-4)
    x, y = _numbers(page, ".cnn-formula-input")[0], _numbers(page, ".cnn-formula-output")[0]
    assert y == pytest.approx(gamma * (x - mean) / np.sqrt(variance + bn.epsilon) + beta, abs=3 * TOLERANCE)
    assert page.locator(".cnn-pair-view").first.is_visible()

    _click_neuron(page, cifar_h5, "drop1", 1)
    formula = page.locator('.cnn-formula-dropout[data-layer="drop1"]')
    formula.wait_for(timeout=15_000)
    assert formula.filter(has_text="Dropout passes every value unchanged").count() == 1
    assert page.locator(".cnn-detail-title", has_text="Dropout does nothing here").count() == 1
    assert _numbers(page, ".cnn-formula-input")[0] == _numbers(page, ".cnn-formula-output")[0]
    assert page.errors == []
