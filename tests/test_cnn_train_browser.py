"""Live CNN training in a real headless Chromium: a few hundred Keras steps on a quarter of the digits.

The page trains on the server while the test watches what the browser receives:
the curves grow, the overview changes while it trains, the held-out accuracy
rises, the epoch slider's overview equals Keras's output for that epoch's
weights, Stop stops, and a closed tab frees the server's training slot (the
next learner in the queue starts). Every wait is for a state, never a fixed time.
"""
from __future__ import annotations

import time

import numpy as np
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.keras]

TRAINING_S = 600_000       # ms: a whole (short) training on a busy two-core machine
# A data source's columns as plain arrays (typed arrays do not cross to Python as lists).
SOURCE = ("() => Object.fromEntries(Object.entries(Bokeh.documents[0].get_model_by_name('{name}').data)"
          ".map(([k, v]) => [k, Array.from(v)]))")
GROWN = """([name, n]) => { const s = Bokeh.documents[0].get_model_by_name(name);
                            return s && s.data[Object.keys(s.data)[0]].length > n; }"""


def _open_train_tab(page, app_url):
    page.goto(app_url + "?page=cnn&cnn_tab=train")
    page.locator(".cnn-train-start button").wait_for(timeout=120_000)


def _status(page, text: str, timeout: int = TRAINING_S) -> None:
    page.locator(".cnn-train-status", has_text=text).wait_for(timeout=timeout)


def _tab(page, index: int) -> None:
    page.locator(".cnn-tabs .bk-tab").nth(index).click()


def _bars(page) -> np.ndarray:
    """The output bars' lengths, as shares of their sum: the probabilities the overview draws."""
    data = page.evaluate(SOURCE.format(name="cnn-output-bars"))
    widths = np.asarray(data["right"], float) - np.asarray(data["left"], float)
    return widths / widths.sum()


def _epoch_zero_probabilities() -> np.ndarray:
    """Keras's probabilities for the first sample with a training's epoch-0 weights (seeded: the server's too)."""
    from playground.cnn.catalogue import built_in_samples
    from playground.cnn.live_training import LiveTraining, TrainChoices
    from playground.cnn.training_queue import TrainingQueue

    training = LiveTraining(TrainChoices(batch_size=16, epochs=1, train_size=100), queue=TrainingQueue(1))
    training.start()
    try:
        deadline = time.monotonic() + 300
        while 0 not in training.snapshot_epochs():      # the thread keeps epoch 0 before its first batch
            assert time.monotonic() < deadline and training.state != "failed", training.message
            time.sleep(0.05)
        model = training.model_at(0)
    finally:
        training.close()
    image = built_in_samples("mnist")[0][0]
    return np.asarray(model(image[None], training=False))[0]


def test_live_training_curves_overview_epoch_slider_and_stop(page, app_url):
    _open_train_tab(page, app_url)
    page.locator(".cnn-train-batch select").select_option(label="16")   # 1,000 digits, 5 epochs: 315 steps
    page.locator(".cnn-train-start button").click()
    _status(page, "Training on")

    # The curves change while it trains.
    page.wait_for_function(GROWN, arg=["cnn-train-batches", 2], timeout=TRAINING_S)
    first = len(page.evaluate(SOURCE.format(name="cnn-train-batches"))["loss"])
    page.wait_for_function(GROWN, arg=["cnn-train-batches", first], timeout=TRAINING_S)

    # The explainer shows the model being trained, and its overview changes while it trains.
    _tab(page, 0)
    expect(page.locator(".cnn-model-choice select")).to_have_value("The model trained here", timeout=TRAINING_S)
    before = page.evaluate(SOURCE.format(name="cnn-output-bars"))["right"]
    page.wait_for_function("(old) => JSON.stringify(Bokeh.documents[0].get_model_by_name('cnn-output-bars')"
                           ".data.right) !== JSON.stringify(old)", arg=before, timeout=TRAINING_S)

    # It ends, and the held-out accuracy rose from the first epoch to the last.
    _tab(page, 3)
    _status(page, "Done")
    epochs = page.evaluate(SOURCE.format(name="cnn-train-epochs"))
    assert epochs["epoch"] == [1, 2, 3, 4, 5]
    accuracy = list(epochs["val_accuracy"])
    assert accuracy[-1] > accuracy[0] + 0.1, accuracy
    assert page.locator(".cnn-confusion").count() >= 1

    # The explainer's epoch slider back at 0: the overview draws Keras's probabilities for the untrained weights.
    _tab(page, 0)
    handle = page.locator(".cnn-epoch-slider .noUi-handle >> visible=true").first
    handle.focus()
    for _step in range(5):
        handle.press("ArrowLeft")
    page.locator(".cnn-epoch-slider >> visible=true", has_text=": 0").first.wait_for(timeout=60_000)
    expected = _epoch_zero_probabilities()
    page.wait_for_function("(p) => { const d = Bokeh.documents[0].get_model_by_name('cnn-output-bars').data;"
                           "const w = d.right.map((r, i) => r - d.left[i]); const s = w.reduce((a, b) => a + b);"
                           "return w.every((x, i) => Math.abs(x / s - p[i]) < 1e-4); }",
                           arg=expected.tolist(), timeout=60_000)
    np.testing.assert_allclose(_bars(page), expected, atol=1e-4)

    # Stop works: a new training stops part-way.
    _tab(page, 3)
    page.locator(".cnn-train-start button").click()
    page.wait_for_function(GROWN, arg=["cnn-train-batches", 0], timeout=TRAINING_S)
    page.locator(".cnn-train-stop button").click()
    _status(page, "Stopped")
    assert len(page.evaluate(SOURCE.format(name="cnn-train-epochs"))["epoch"]) < 5
    assert not page.errors, page.errors


def test_a_closed_tab_stops_its_training_and_frees_the_slot(browser, app_url):
    """The server trains one CNN at a time: B waits behind A, and starts once A's tab is closed."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    a, b = context.new_page(), context.new_page()
    try:
        _open_train_tab(a, app_url)
        slider = a.locator(".cnn-train-epochs .noUi-handle").first
        slider.focus()
        slider.press("End")                              # 30 epochs: far longer than this test
        a.locator(".cnn-train-epochs", has_text="30").first.wait_for(timeout=30_000)
        a.locator(".cnn-train-start button").click()
        _status(a, "Training on")
        _open_train_tab(b, app_url)
        b.locator(".cnn-train-start button").click()
        _status(b, "number 1 in the queue")
        a.close()                                        # the session ends: its training must stop
        _status(b, "Training on")
        b.locator(".cnn-train-stop button").click()
        _status(b, "Stopped")
    finally:
        context.close()
