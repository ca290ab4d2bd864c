"""The dense playground in a real headless Chromium against a real `panel serve`.

The views' numbers are read back from the browser's Bokeh document (by model
name), so each assertion is about what the learner's browser actually holds.
"""
from __future__ import annotations

import time
from urllib.parse import parse_qs

import numpy as np
import pytest

from browser_support import DENSE_READY

from playground.components.palettes import CLASS_SHADES, SHADES, shade_codes
from playground.dense.settings import DenseSettings
from playground.dense.trainer import Trainer

pytestmark = pytest.mark.browser



def open_app(page, app_url, query=""):
    page.goto(app_url + query)
    page.wait_for_function(DENSE_READY, timeout=60_000)


def column(page, model, name):
    """A column of a named ColumnDataSource in the browser, as a numpy array."""
    values = page.evaluate(
        "([m, c]) => Array.from(Bokeh.documents[0].get_model_by_name(m).data[c])", [model, name])
    return np.asarray(values, dtype=float)


def column_text(page, model, name="text"):
    return page.evaluate("([m, c]) => Array.from(Bokeh.documents[0].get_model_by_name(m).data[c])", [model, name])


def heatmap(page) -> np.ndarray:
    """The big map's cells as the browser holds them: shade numbers (see `shade_codes`)."""
    return np.asarray(page.evaluate(
        "() => Array.from(Bokeh.documents[0].get_model_by_name('decision-grid').data.image[0])"), dtype=np.float32)


def frame(page) -> int:
    """The number of the last frame the server drew."""
    return int(column(page, "decision-grid", "frame")[0])


def epoch(page) -> int:
    """The epoch counter as the browser shows it."""
    return int(page.evaluate(
        "() => Bokeh.documents[0].get_model_by_name('epoch-counter').data.text[1]").replace(",", ""))


def wait_epoch(page, at_least: int, timeout_s: float = 30):
    deadline = time.monotonic() + timeout_s
    while epoch(page) < at_least:
        assert time.monotonic() < deadline, f"epoch stuck at {epoch(page)}"
        page.wait_for_timeout(100)


def button(page, name):
    return page.get_by_role("button", name=name, exact=True)


def test_page_loads_without_errors(page, app_url):
    open_app(page, app_url)
    assert epoch(page) == 0
    assert len(column(page, "node-frames", "x")) == 7 + 4 + 2 + 1   # all features, 4-2 hidden, one output
    page.wait_for_timeout(500)
    assert page.errors == []


def test_play_advances_epochs_and_changes_heatmap(page, app_url):
    open_app(page, app_url)
    before = heatmap(page)
    button(page, "▶ Play").click()
    wait_epoch(page, 20)
    button(page, "❚❚ Pause").click()
    button(page, "▶ Play").wait_for()     # the server has taken the pause (and drawn where it stopped)
    page.wait_for_timeout(300)
    stopped = epoch(page)
    assert stopped >= 20
    after = heatmap(page)
    assert np.abs(after - before).max() > 0.05
    page.wait_for_timeout(500)
    assert epoch(page) == stopped      # paused means paused
    assert page.errors == []


def test_adding_a_layer_toggling_a_feature_and_changing_data_redraw(page, app_url):
    open_app(page, app_url)
    grid0, links0 = heatmap(page), len(column(page, "links", "w"))

    button(page, "+").first.click()                        # add a hidden layer (of 2 neurons)
    page.wait_for_function("() => Bokeh.documents[0].get_model_by_name('node-frames').data.x.length === 16")
    grid1 = heatmap(page)
    assert np.abs(grid1 - grid0).max() > 1e-3
    assert len(column(page, "links", "w")) == links0 + 2 * 2

    button(page, "X₁²").click()                            # a third input feature
    page.wait_for_function(f"() => Bokeh.documents[0].get_model_by_name('links').data.w.length === {links0 + 4 + 4}")
    grid2 = heatmap(page)
    assert np.abs(grid2 - grid1).max() > 1e-3

    # New data, a new (seeded) network: the points change and a frame is drawn. The
    # heatmap of an untrained network does not depend on the data, so it may not.
    points0, frame0 = column(page, "train-points", "x"), frame(page)
    button(page, "Spiral").click()
    page.wait_for_function("(n) => Bokeh.documents[0].get_model_by_name('train-points').data.x[0] !== n",
                           arg=float(points0[0]))
    assert frame(page) > frame0
    assert page.get_by_text("Spiral", exact=True).first.is_visible()   # the data set caption, not a lesson title
    assert page.errors == []


def test_reset_rules_and_display_toggles(page, app_url):
    open_app(page, app_url)
    for _ in range(3):
        button(page, "Step").click()
    wait_epoch(page, 3)
    frame0 = frame(page)
    button(page, "Discretize output").click()               # display only: no reset
    page.wait_for_function("(n) => Bokeh.documents[0].get_model_by_name('decision-grid').data.frame[0] > n",
                           arg=frame0)
    assert set(np.unique(heatmap(page))) <= {0, SHADES - 1}       # the two ends of the scale
    button(page, "Show test data").click()
    page.wait_for_function("() => Bokeh.documents[0].get_model_by_name('test-renderer').visible")
    page.get_by_role("combobox", name="Learning rate").select_option("0.1")
    page.wait_for_function("() => location.search.includes('learning_rate=0.1')")
    assert epoch(page) == 3                                  # the learning rate keeps the network
    page.get_by_role("combobox", name="Activation").select_option("ReLU")
    page.wait_for_function("() => Bokeh.documents[0].get_model_by_name('epoch-counter').data.text[1] === '0'")
    assert page.errors == []


def test_url_with_state_reproduces_data_network_and_settings(page, app_url):
    query = {"dataset": "xor", "noise": "10", "hidden": "3,2", "activation": "relu", "learning_rate": "0.1",
             "features": "x1,x2,x1x2", "seed": "7", "train_ratio": "60"}
    open_app(page, app_url, "?" + "&".join(f"{k}={v}" for k, v in query.items()))
    settings, notices = DenseSettings.from_query(query)
    assert notices == []
    expected = Trainer(settings)
    # Same data: the browser holds exactly the training points Python generates.
    np.testing.assert_allclose(column(page, "train-points", "x"), expected.train.points[:, 0], atol=1e-5)
    assert len(column(page, "test-points", "x")) == len(expected.test.labels)
    # Same network: the output heatmap is a fresh trainer's, shade for shade.
    out = expected.node_grids()[-1][0]
    np.testing.assert_array_equal(heatmap(page), shade_codes(out.ravel()))
    # Same settings in the controls.
    assert page.get_by_role("combobox", name="Learning rate").input_value() == "0.1"
    assert page.get_by_role("combobox", name="Activation").input_value() == "ReLU"
    # A change is written back to the URL, together with the rest of the state.
    page.get_by_role("combobox", name="Learning rate").select_option("0.3")
    page.wait_for_function("() => location.search.includes('learning_rate=0.3')")
    shared = {k: v[-1] for k, v in parse_qs(page.evaluate("() => location.search")[1:]).items()}
    assert DenseSettings.from_query(shared)[0].to_query() == {**settings.to_query(), "learning_rate": "0.3"}
    assert page.errors == []


def test_garbage_url_parameters_show_a_notice_and_the_app_still_trains(page, app_url):
    open_app(page, app_url, "?learning_rate=banana&hidden=99&bogus=1&noise=20")
    notices = page.locator("text=Ignored learning_rate")
    notices.wait_for()
    assert page.locator("text=Unknown setting 'bogus'").is_visible()
    assert page.locator("text=Ignored hidden").is_visible()
    assert page.get_by_role("combobox", name="Learning rate").input_value() == "0.03"   # the default stayed
    button(page, "▶ Play").click()
    wait_epoch(page, 5)
    button(page, "❚❚ Pause").click()
    button(page, "✕").click()                  # notices can be dismissed
    page.locator("text=Ignored learning_rate").wait_for(state="hidden")
    assert page.errors == []


def test_keyboard_shortcuts(page, app_url):
    open_app(page, app_url)
    page.keyboard.press("ArrowRight")
    wait_epoch(page, 1)
    assert epoch(page) == 1
    page.keyboard.press(" ")
    wait_epoch(page, 10)
    page.keyboard.press(" ")
    button(page, "▶ Play").wait_for()
    page.keyboard.press("r")
    page.wait_for_function("() => document.querySelector('body') !== null")
    for _ in range(50):
        if epoch(page) == 0:
            break
        page.wait_for_timeout(100)
    assert epoch(page) == 0
    assert page.errors == []


def test_divergence_is_shown_and_reset_recovers(page, app_url):
    open_app(page, app_url, "?dataset=reg-plane&activation=relu&learning_rate=10&hidden=8,8,8")
    button(page, "▶ Play").click()
    alert = "Bokeh.documents[0].get_model_by_name('decision-alert')"
    page.wait_for_function(f"() => {alert}.visible", timeout=30_000)
    assert "diverged" in page.evaluate(f"() => {alert}.text")
    numbers = list(column_text(page, "loss-numbers"))
    assert numbers[1] == "Test loss" and numbers[2] in ("∞", "NaN")
    assert button(page, "▶ Play").is_disabled()
    button(page, "Reset").click()
    page.wait_for_function(f"() => !{alert}.visible")
    assert epoch(page) == 0
    assert not button(page, "▶ Play").is_disabled()
    assert page.errors == []


def test_hover_shows_a_neuron_and_a_typed_weight_changes_the_network(page, app_url):
    open_app(page, app_url, "?hidden=1")     # X1, X2 → one neuron → output
    output = heatmap(page)
    box = page.locator(".nn-network").bounding_box()
    xs, ys = column(page, "node-frames", "x"), column(page, "node-frames", "y")

    def screen(x, y):   # the figure's data units are its pixels, y up
        return box["x"] + x, box["y"] + box["height"] - y

    page.mouse.move(*screen(xs[7], ys[7]))                  # node 7: the hidden neuron, after 7 features
    page.locator("text=neuron 1 of layer 1").first.wait_for()
    assert np.abs(heatmap(page) - output).max() > 1e-3
    page.mouse.move(2, 2)
    page.locator("text=neuron 1 of layer 1").first.wait_for(state="hidden")   # the map shows the output again

    link = page.evaluate("""() => { const d = Bokeh.documents[0].get_model_by_name('links').data;
        return [Array.from(d.xs[0]), Array.from(d.ys[0])]; }""")   # X₁ → the neuron
    mid = len(link[0]) // 2
    page.mouse.click(*screen(link[0][mid], link[1][mid]))
    field = page.locator(".nn-weight-input input")
    field.wait_for()
    field.fill("4")
    field.press("Enter")
    page.wait_for_function("() => Math.abs(Bokeh.documents[0].get_model_by_name('links').data.w[0] - 4) < 1e-6")
    assert np.abs(heatmap(page) - output).max() > 1e-3
    assert page.errors == []


def test_multiclass_output_and_theme_toggle(page, app_url):
    open_app(page, app_url, "?dataset=blobs&n_classes=4")
    values = heatmap(page)
    assert values.min() >= 0 and values.max() < 4 * CLASS_SHADES      # class index · shades + confidence
    assert len(column(page, "node-frames", "x")) == 7 + 4 + 2 + 4
    button(page, "◐ Dark").click()
    page.wait_for_function("() => document.documentElement.classList.contains('nn-dark')")
    page.wait_for_function(
        "() => Bokeh.documents[0].get_model_by_name('network').background_fill_color !== '#ffffff'")
    assert "theme=dark" in page.evaluate("() => location.search")
    assert page.errors == []

