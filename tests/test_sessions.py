"""Sessions that clean up: a bounded loss history, a hidden tab pauses, a closed tab stops quietly."""
from __future__ import annotations

import time

import numpy as np
import pytest

from browser_support import DENSE_READY, app_error, served_app
from playground.components.dense.loss_chart import LossChart
from playground.dense.trainer import HISTORY_CAP, HISTORY_KEYS, Trainer, thin_history


def test_a_history_of_20000_epochs_stays_bounded_and_evenly_spread():
    history = {"epoch": [], **{k: [] for k in HISTORY_KEYS}}
    for epoch in range(20_001):            # as the trainer records: one point per epoch, thinned as it goes
        history["epoch"].append(epoch)
        history["train_loss"].append(1.0 / (epoch + 1))
        history["test_loss"].append(2.0 / (epoch + 1))
        history["train_accuracy"].append(epoch % 7)
        history["test_accuracy"].append(epoch % 11)
        thin_history(history, HISTORY_CAP)
        assert len(history["epoch"]) <= HISTORY_CAP
    epochs = np.array(history["epoch"])
    assert epochs[0] == 0 and epochs[-1] == 20_000
    assert len(epochs) > HISTORY_CAP // 4
    assert np.all(np.diff(epochs) > 0) and np.diff(epochs).max() <= 4 * 20_000 / HISTORY_CAP   # no gaps
    # each kept value is still the one recorded at its epoch
    assert history["train_loss"] == [1.0 / (e + 1) for e in epochs]
    assert history["test_accuracy"] == [e % 11 for e in epochs]


def test_a_capped_trainer_keeps_the_values_of_an_uncapped_one_at_the_kept_epochs():
    capped, full = Trainer(history_cap=300), Trainer()
    capped.step(1500)
    full.step(1500)
    kept = capped.history["epoch"]
    assert len(kept) <= 300 and kept[-1] == capped.epoch == 1500
    for key in HISTORY_KEYS:
        assert len(capped.history[key]) == len(kept)
        assert capped.history[key] == [full.history[key][e] for e in kept]
    assert capped.test_loss == full.test_loss
    assert full.history["epoch"] == list(range(1501))       # uncapped (headless): one point per epoch


def test_the_chart_draws_a_thinned_history_at_its_epochs():
    trainer = Trainer(history_cap=200)
    chart = LossChart()
    chart.show(trainer.history, 0)
    for _ in range(900):
        trainer.step(1)
        chart.show(trainer.history, trainer.epoch)
    xs = np.asarray(chart.source.data["epoch"])
    assert xs[-1] == 900 and chart.figure.x_range.end == 900
    assert np.all(np.diff(xs) > 0)
    chart._send_all(trainer.history)            # a full resend (after a reset or theme) uses the epochs too
    data = chart.source.data
    assert set(np.asarray(data["epoch"]).astype(int)) <= set(trainer.history["epoch"])
    i = trainer.history["epoch"].index(int(data["epoch"][-1]))
    assert data["test_loss"][-1] == pytest.approx(trainer.history["test_loss"][i])
    assert chart.numbers.texts[2] == f"{trainer.test_loss:.3f}"


def test_the_served_page_uses_a_capped_history():
    from playground.dense.page import DensePage

    assert DensePage().trainer.history_cap == HISTORY_CAP


EPOCH = "() => Number(Bokeh.documents[0].get_model_by_name('epoch-counter').data.text[1].replace(/,/g, ''))"
VISIBILITY = """(state) => {
  Object.defineProperty(document, 'visibilityState', {value: state, configurable: true});
  document.dispatchEvent(new Event('visibilitychange'));
}"""
NO_VISIBILITY_EVENTS = "() => window.addEventListener('visibilitychange', e => e.stopImmediatePropagation(), true)"


def open_and_play(browser, url, min_epoch=20):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url)
    page.wait_for_function(DENSE_READY, timeout=60_000)
    page.get_by_role("button", name="▶ Play", exact=True).click()
    wait_epoch(page, min_epoch)
    return context, page


def wait_epoch(page, at_least):
    page.wait_for_function(f"() => ({EPOCH})() >= {at_least}", timeout=30_000)


def wait_still(page, quiet_s=1.0, timeout_s=20.0) -> int:
    """The epoch counter once it has not moved for `quiet_s`: a paused loop, on however busy a machine."""
    start = time.monotonic()
    last, since = page.evaluate(EPOCH), time.monotonic()
    while time.monotonic() - start < timeout_s:
        page.wait_for_timeout(100)
        now = page.evaluate(EPOCH)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return last
    raise AssertionError(f"the epoch counter still moves {timeout_s} s after the tab was hidden")


def wait_for_log(path, needle, timeout_s=5.0) -> float | None:
    """Seconds until `needle` shows in the log at `path`; None if it never does."""
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        if needle in path.read_text():
            return time.monotonic() - start
        time.sleep(0.05)
    return None


@pytest.mark.browser
def test_hidden_tab_pauses_closed_tab_stops_and_nothing_is_logged_as_an_error(browser, tmp_path, monkeypatch):
    url_for_students = "http://192.168.10.23:5006/app"
    monkeypatch.setenv("NN_PLAYGROUND_STUDENT_URL", url_for_students)   # as `playground serve --lan` sets it
    log_path = tmp_path / "serve.log"
    with open(log_path, "w") as log, served_app(log) as url:
        # 1. The header shows the student URL and its QR code.
        context, page = open_and_play(browser, url)
        assert page.locator(".nn-student-url svg").count() == 1
        assert "192.168.10.23:5006/app" in page.locator(".nn-student-url").inner_text()

        # 2. A hidden tab trains no more; shown again, it goes on.
        page.evaluate(VISIBILITY, "hidden")
        stopped = wait_still(page)            # a frame already on its way may still land
        page.wait_for_timeout(1500)
        assert page.evaluate(EPOCH) == stopped
        page.evaluate(VISIBILITY, "visible")
        wait_epoch(page, stopped + 20)
        assert page.errors == []

        # 3. Gone while training, without a "hidden" first (a phone killing the tab, a dropped
        #    network): its loop stops within 2 s, quietly. (A tab that says "hidden" first has
        #    stopped already, as in 2.)
        page.evaluate(NO_VISIBILITY_EVENTS)
        context.close()
        ended = wait_for_log(log_path, "live loop ended: the tab is closed")

        # 4. An ordinary close while training (the browser may say "hidden" first): no error either.
        context, page = open_and_play(browser, url)
        context.close()
        time.sleep(1.0)
        text = log_path.read_text()
    assert ended is not None and ended < 2.0, text[-2000:]
    assert app_error(text) is None, text[-3000:]
