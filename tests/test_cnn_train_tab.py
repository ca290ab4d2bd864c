"""The CNN page's Train tab on its Panel objects, with a real `LiveTraining` on a few hundred digits.

What the tab and the explainer show is checked against Keras itself: the
epoch slider's layer outputs against `keras.Model(inputs, layer.output)` built
from that epoch's weights, the confusion matrix against `model.predict`, the
kernels against the kept weights, the download against the trained model.
"""
from __future__ import annotations

import io
import time

import numpy as np
import pytest

pytestmark = pytest.mark.keras

WAIT_S = 600          # a busy two-core machine; the states are waited for, never slept through


def _wait(tab, condition, what: str) -> None:
    """Poll the tab (as its periodic callback would) until `condition()` holds."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what} (state {tab.training.state})"
        time.sleep(0.05)        # between two looks at the state, as the page's poller does
        tab.poll()
    tab.poll(force=True)


@pytest.fixture(scope="module")
def trained_page():
    """A CNN page whose Train tab trained TinyVGG for 2 epochs on 300 digits (batches of 16)."""
    from playground.cnn.page import CnnPage

    page = CnnPage()
    tab = page.train_tab
    tab.settings.param.update(optimizer="adam", batch_size=16, epochs=2, train_size=300)
    tab.settings.learning_rate = 0.003
    tab.start()
    _wait(tab, lambda: tab.training.state in ("done", "stopped", "failed"), "the end of training")
    assert tab.training.state == "done", tab.training.message
    yield page
    tab.close()


def _keras_outputs(model, image):
    """Every layer's output for one image, each from its own Keras sub-model."""
    import keras

    return {layer.name: np.asarray(keras.Model(model.inputs[0], layer.output)(image[None], training=False))[0]
            for layer in model.layers}


def test_the_tab_draws_the_training_and_offers_its_model(trained_page):
    from playground.cnn.url_state import TRAINED

    tab, training = trained_page.train_tab, trained_page.train_tab.training
    assert tab.charts.epochs.data["epoch"].tolist() == [1, 2]
    np.testing.assert_allclose(tab.charts.epochs.data["val_accuracy"], [e["val_accuracy"] for e in training.epochs])
    assert len(tab.charts.batches.data["loss"]) >= 19           # 300 / 16 → 19 batches an epoch
    # It learned: the held-out accuracy after training is well above the untrained model's (Keras's own count).
    untrained = training.model_at(0).predict(training.x_val, verbose=0).argmax(axis=1)
    assert training.epochs[-1]["val_accuracy"] > np.mean(untrained == training.y_val) + 0.15
    # The confusion matrix drawn is the one model.predict gives.
    predicted = training.model_at(2).predict(training.x_val, verbose=0).argmax(axis=1)
    expected = np.zeros((10, 10), int)
    np.add.at(expected, (training.y_val, predicted), 1)
    assert [int(c) for c in tab.confusion.cells.data["count"]] == expected.ravel().tolist()
    assert training.misclassified == np.flatnonzero(predicted != training.y_val).tolist()
    first, names = training.misclassified[0], training.class_names
    assert tab.misclassified.labels.data["text"][0] == f"{names[training.y_val[first]]}→{names[predicted[first]]}"
    # The model trained here is the explainer's model, at the last epoch once training is done.
    assert trained_page._model_choice.options[list(trained_page._model_choice.options)[-1]] == TRAINED
    assert trained_page.choice.key == TRAINED and trained_page._epoch_row.visible
    assert list(tab.epoch_slider.options.values()) == [0, 1, 2] and tab.epoch_slider.value == 2
    assert "Done" in tab.status.object and tab.start_button.disabled is False and tab.stop_button.disabled


@pytest.mark.parametrize("epoch", [0, 1, 2])
def test_the_epoch_slider_shows_keras_layer_outputs_of_that_epoch(trained_page, epoch):
    tab, training = trained_page.train_tab, trained_page.train_tab.training
    tab.epoch_slider.value = epoch
    reference = training.model_at(epoch)            # a model of its own, from weights_at(epoch)
    for mine, theirs in zip(reference.get_weights(), training.weights_at(epoch)):
        np.testing.assert_array_equal(mine, theirs)
    e = trained_page._explanation
    keras_outputs = _keras_outputs(reference, e.image)
    checked = 0
    for layer in reference.layers:
        # A fused activation's Keras output is the trace "<name>_<activation>" (see playground.cnn.trace).
        activation = layer.get_config().get("activation", "linear")
        trace = e.by_name.get(layer.name if activation == "linear" else f"{layer.name}_{activation}")
        if trace is not None:
            np.testing.assert_allclose(trace.output, keras_outputs[layer.name], atol=1e-4, rtol=0)
            checked += 1
    assert checked >= 8
    np.testing.assert_allclose(e.probabilities, np.asarray(reference(e.image[None], training=False))[0], atol=1e-4)
    # The kernels view shows the same epoch's first-layer kernels (row 0 on top).
    first = training.weights_at(epoch)[0]
    for k in range(first.shape[3]):
        np.testing.assert_array_equal(tab.kernels.tiles.data["image"][k], first[::-1, :, 0, k])


def test_kernels_change_from_epoch_to_epoch(trained_page):
    tab = trained_page.train_tab
    shown = {}
    for epoch in (0, 2):
        tab.epoch_slider.value = epoch
        shown[epoch] = np.stack(tab.kernels.tiles.data["image"])
    assert np.abs(shown[2] - shown[0]).max() > 1e-3


def test_a_misclassified_digit_opens_in_the_explainer_with_the_trained_model(trained_page):
    from playground.cnn.page import EXPLAINER_TAB, TRAIN_TAB
    from playground.cnn.url_state import TRAINED

    tab, training = trained_page.train_tab, trained_page.train_tab.training
    trained_page._tabs.active = TRAIN_TAB
    index = int(tab.misclassified.digits.data["index"][0])
    # What the browser's click sends: the picker's data source changes.
    tab.misclassified.picker.pick.data = dict(role=["digit"], channel=[index], row=[0], col=[0], tap=[True], n=[1])
    assert trained_page._tabs.active == EXPLAINER_TAB and trained_page.choice.key == TRAINED
    np.testing.assert_array_equal(trained_page._explanation.image, training.x_val[index])


def test_the_download_is_the_trained_model_with_its_class_names(trained_page, tmp_path):
    import keras

    from playground.cnn.catalogue import read_class_names

    training = trained_page.train_tab.training
    data = trained_page.train_tab._keras_bytes().getvalue()
    path = tmp_path / "trained.keras"
    path.write_bytes(data)
    model = keras.models.load_model(path, compile=False)
    assert read_class_names(io.BytesIO(data).getvalue()) == training.class_names
    x = training.x_val[:5]
    np.testing.assert_allclose(model.predict(x, verbose=0), training.model_at(None).predict(x, verbose=0), atol=1e-5)


def _long_training_under_way():
    """A CNN page whose Train tab runs a 30-epoch training, past its first batches."""
    from playground.cnn.page import CnnPage

    tab = CnnPage().train_tab
    tab.settings.param.update(batch_size=16, epochs=30, train_size=300)
    tab.start()
    _wait(tab, lambda: tab.training.state == "training" and tab.training.progress > 0.1, "the first batches")
    return tab


def test_stop_ends_a_training_early_and_closing_frees_it():
    tab = _long_training_under_way()
    tab.stop_button.clicks += 1
    _wait(tab, lambda: tab.training.state in ("stopped", "done", "failed"), "the stop")
    assert tab.training.state == "stopped" and len(tab.training.epochs) < 30
    assert "Stopped" in tab.status.object and not tab.start_button.disabled and tab.stop_button.disabled
    tab.close()
    assert tab.training.snapshot_epochs() == []


def test_pause_holds_the_training_and_resume_goes_on():
    tab = _long_training_under_way()
    tab.pause_button.clicks += 1
    _wait(tab, lambda: tab.training.state == "paused", "the pause")
    held = tab.training.progress
    assert tab.pause_button.label == "▶ Resume"
    tab.pause_button.clicks += 1
    _wait(tab, lambda: tab.training.progress > held, "training going on")
    tab.close()
    _wait(tab, lambda: tab.training.state in ("stopped", "done"), "the close")


def test_a_link_opens_the_train_tab_and_a_trained_model_link_says_it_cannot_travel():
    from playground.cnn.page import TRAIN_TAB, CnnPage
    from playground.cnn.url_state import TABS

    page = CnnPage()
    assert TABS[TRAIN_TAB] == "train" and page._tabs._names[TRAIN_TAB] == "Train"
    page._apply_link({"cnn_tab": "train", "cnn_model": "trained"})
    assert page._tabs.active == TRAIN_TAB
    assert page.notices and "trained on the page" in page.notices[0]
