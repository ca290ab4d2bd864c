"""A server shared by a class: tabs closing mid-frame log no error, an upload never stalls other sessions."""
from __future__ import annotations

import asyncio
import gc
import logging
import sys
import threading
from pathlib import Path

import pytest
from tornado.websocket import WebSocketClosedError

from browser_support import app_error, served_app, wait_for_log
from own_thread import in_own_thread, run_async
from playground.serve.closed_tabs import quiet_closed_tabs

ROOT = Path(__file__).resolve().parents[1]


def _orphaned_failure(exc: BaseException, caplog) -> list[logging.LogRecord]:
    """Run a task that fails with `exc` and that nobody awaits; return what asyncio logged for it."""
    async def fail():
        raise exc

    async def main():
        quiet_closed_tabs()
        asyncio.ensure_future(fail())
        await asyncio.sleep(0.01)
        gc.collect()        # the orphaned task is reported when it is collected

    caplog.clear()
    with caplog.at_level(logging.INFO):
        run_async(main)
    return [r for r in caplog.records if r.name in ("asyncio", "playground.serve.closed_tabs")]


def test_a_write_to_a_closed_tab_is_one_info_line_and_other_failures_stay_errors(caplog):
    closed = _orphaned_failure(WebSocketClosedError(), caplog)
    assert [(r.levelname, r.name) for r in closed] == [("INFO", "playground.serve.closed_tabs")]
    assert not any(r.exc_info for r in closed)
    other = _orphaned_failure(ValueError("a real bug"), caplog)
    assert [(r.levelname, r.name) for r in other] == [("ERROR", "asyncio")]
    assert "a real bug" in repr(other[0].exc_info[1])


def test_tabs_closing_mid_training_log_no_error(tmp_path):
    """Six learners (Bokeh clients that ack frames as the browser does) close in the middle of training."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from classroom_load import Learner, know_the_page_models
    know_the_page_models()

    log_path = tmp_path / "serve.log"
    with open(log_path, "w") as log, served_app(log) as url:
        def two_rounds():       # Bokeh's client runs its own IOLoop: on a thread of its own
            for round_ in range(2):
                learners = [Learner(url) for _ in range(3)]
                # Each closes at its own moment after its first frames, while frames are on their way:
                # the moment is counted from a frame seen, not from the clock (a busy machine is slow to start).
                threads = [threading.Thread(target=l.run_then_close, args=(3, 0.37 * i)) for i, l in
                           enumerate(learners)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join(timeout=60)
                assert all(l.record.frames for l in learners), round_
        in_own_thread(two_rounds)
        wait_for_log(log_path, "live loop ended", count=6, timeout_s=60)     # the server logs each as it ends
        text = log_path.read_text()
    assert text.count("live loop ended") == 6, text[-3000:]
    assert app_error(text) is None, text[-3000:]


FRAME_TIMES = """() => {
  const grid = Bokeh.documents[0].get_model_by_name('decision-grid');
  window.__frames = [];
  grid.properties.data.change.connect(() => window.__frames.push(Date.now()));
}"""


@pytest.fixture(scope="module")
def big_model(tmp_path_factory) -> Path:
    """A valid 12 MB model (3.1 M weights): it takes the server seconds to read and try."""
    import keras
    from keras import layers as L

    model = keras.Sequential([keras.Input((64, 64, 3)), L.Conv2D(4, 3, name="conv"), L.ReLU(), L.MaxPooling2D(2),
                              L.Flatten(), L.Dense(800), L.ReLU(), L.Dense(10, activation="softmax")])
    path = tmp_path_factory.mktemp("upload") / "big.keras"
    model.save(path)
    return path


@pytest.mark.keras
@pytest.mark.browser
def test_another_learner_keeps_training_while_a_big_model_upload_is_read(browser, app_url, big_model):
    trainer = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    trainer.goto(app_url)
    trainer.get_by_role("button", name="▶ Play", exact=True).click(timeout=60_000)
    uploader = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    uploader.goto(app_url + "?page=cnn")
    uploader.get_by_text("Your image & model", exact=True).click(timeout=120_000)
    trainer.evaluate(FRAME_TIMES)

    started = uploader.evaluate("Date.now()")
    uploader.locator(".cnn-model-upload-input input[type=file]").set_input_files(str(big_model))
    uploader.locator(".cnn-model-upload-message", has_text="Loaded big.keras").wait_for(timeout=120_000)
    ended = uploader.evaluate("Date.now()")
    frames = [t for t in trainer.evaluate("window.__frames") if started <= t <= ended]
    took = (ended - started) / 1000
    gaps = [b - a for a, b in zip([started, *frames], [*frames, ended])]
    # Read on the event loop, the upload would hold every session for all of its seconds:
    # the other learner would see no frame at all meanwhile. Read in a worker, it keeps drawing.
    assert len(frames) >= 3, (took, frames)
    assert max(gaps) / 1000 < took / 2, (took, gaps)
    uploader.get_by_text("your model big.keras", exact=False).wait_for(timeout=10_000)     # and it is in use
    trainer.context.close()
    uploader.context.close()
