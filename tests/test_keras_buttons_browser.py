"""The dense page's Keras card and Advanced settings in a real headless Chromium against `panel serve`.

Downloads are the browser's own (Playwright's download event); the files are then read
by Keras itself with safe_mode=True.
"""
from __future__ import annotations

import csv
import time
from urllib.parse import parse_qs

import numpy as np
import pytest

from playground.dense import keras_io
from playground.dense.settings import DenseSettings
from playground.dense.trainer import Trainer
from test_dense_browser import button, epoch, open_app

pytestmark = pytest.mark.browser

KERAS_CARD = "Keras: export and import"


def query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(page.evaluate("() => window.location.search.slice(1)")).items()}


def shown_test_loss(page) -> float:
    """The test loss as the loss header shows it (three decimals)."""
    texts = page.evaluate("() => Array.from(Bokeh.documents[0].get_model_by_name('loss-numbers').data.text)")
    return float(texts[2])


def open_card(page, title):
    page.get_by_text(title, exact=True).click()


def download(page, label, folder):
    with page.expect_download(timeout=120_000) as info:
        button(page, label).click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_export_downloads_three_files_that_keras_reads(page, app_url, tmp_path):
    keras = pytest.importorskip("keras")
    open_app(page, app_url, "?hidden=5,3&dropout=0.2&early_stopping=30&features=x1,x2,x1x2")
    for _step in range(3):
        button(page, "Step").click()
    page.wait_for_function("() => Bokeh.documents[0].get_model_by_name('epoch-counter').data.text[1] === '3'")
    open_card(page, KERAS_CARD)
    model_file = download(page, "⬇ Network (.keras)", tmp_path)
    data_file = download(page, "⬇ Data (.csv)", tmp_path)
    script_file = download(page, "⬇ Keras program (.py)", tmp_path)
    assert (model_file.name, data_file.name, script_file.name) == (
        "playground.keras", "playground-data.csv", "train_playground.py")

    model = keras.saving.load_model(model_file, safe_mode=True)
    assert [type(layer).__name__ for layer in model.layers] == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]
    rows = list(csv.DictReader(open(data_file)))
    assert list(rows[0]) == ["x1", "x2", "x1x2", "label", "split"]
    test = [r for r in rows if r["split"] == "test"]
    x = np.array([[float(r[f]) for f in ("x1", "x2", "x1x2")] for r in test], np.float32)
    labels = np.array([float(r["label"]) for r in test])
    out = model.predict(x, verbose=0)[:, 0]
    # Keras's network on the exported test points has the loss the page shows.
    assert float(np.mean(0.5 * (out - labels) ** 2)) == pytest.approx(shown_test_loss(page), abs=6e-4)
    script = script_file.read_text()
    assert "keras.layers.Dropout(0.2)" in script and "patience=30" in script
    assert not page.errors


def test_import_uses_the_files_weights_and_refuses_hostile_files(page, app_url, tmp_path):
    source = Trainer(DenseSettings(hidden=[6], activation="relu", features=["x1", "x2", "x1sq"]))
    source.step(40)
    keras_io.export_keras(source, tmp_path / "mine.keras")
    open_app(page, app_url)
    open_card(page, KERAS_CARD)
    upload = page.locator(".nn-import-keras input[type=file]")
    upload.set_input_files(str(tmp_path / "mine.keras"))
    page.get_by_text("Loaded mine.keras").wait_for(timeout=120_000)
    q = query(page)
    assert (q["hidden"], q["activation"], q["features"]) == ("6", "relu", "x1,x2,x1sq")
    assert epoch(page) == 0
    # The page's network is the file's: the same test loss as where it was exported.
    assert shown_test_loss(page) == pytest.approx(source.test_loss, abs=6e-4)

    (tmp_path / "cut.keras").write_bytes((tmp_path / "mine.keras").read_bytes()[:3000])
    upload.set_input_files(str(tmp_path / "cut.keras"))
    page.get_by_text("cannot load cut.keras").wait_for(timeout=60_000)
    assert query(page)["hidden"] == "6"          # nothing changed…
    button(page, "Step").click()                 # …and the session keeps working
    page.wait_for_function("() => Bokeh.documents[0].get_model_by_name('epoch-counter').data.text[1] === '1'")
    assert not page.errors


def test_advanced_controls_change_the_training(page, app_url):
    open_app(page, app_url, "?dataset=spiral&noise=40&hidden=8,8&learning_rate=0.3&epochs_per_frame=20")
    open_card(page, "Advanced")
    patience = page.locator(".nn-early-stopping input")
    patience.fill("5")
    patience.press("Enter")
    page.wait_for_function("() => window.location.search.includes('early_stopping=5')")
    button(page, "Up to 16 neurons").click()
    page.wait_for_function("() => window.location.search.includes('wide_layers=1')")
    zero = page.locator(".nn-init-zero input[type=checkbox]")
    zero.check()
    page.wait_for_function("() => window.location.search.includes('init_zero=1')")
    zero.uncheck()
    page.wait_for_function("() => window.location.search.includes('init_zero=0')")
    handle = page.locator(".nn-dropout .noUi-handle")
    handle.focus()
    for _press in range(4):
        handle.press("ArrowRight")
    page.wait_for_function("() => window.location.search.includes('dropout=0.2')")
    # 16 neurons: the first layer's + button now goes past 8.
    for _press in range(3):
        button(page, "+").nth(1).click()
        time.sleep(0.3)
    page.wait_for_function("() => window.location.search.includes('hidden=11')")

    # Early stopping ends the run by itself and says where.
    button(page, "▶ Play").click()
    page.get_by_text("Early stopping: stopped at epoch").first.wait_for(timeout=120_000)
    button(page, "▶ Play").wait_for(timeout=10_000)        # paused again
    stopped = epoch(page)
    time.sleep(1)
    assert epoch(page) == stopped
    text = page.get_by_text("Early stopping: stopped at epoch").first.inner_text()
    best = int(text.split("epoch ")[2].split(",")[0])
    assert best == stopped - 5
    assert not page.errors
