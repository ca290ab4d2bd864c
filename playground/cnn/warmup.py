"""Get the CNN page ready in the background, once per server process.

TensorFlow's import is most of a first CNN opening (about 10 s on a 2-core
machine). `playground serve` calls `start` as the server starts (`warm_start.py`, Panel's
`--setup`); under a bare `panel serve`, the app (`playground.app`) calls it once a session's first
page is on screen. A daemon thread then imports the CNN page's modules (TensorFlow and Keras with
them), loads the default model and its samples and explains one sample (which
traces the model's function), so that a later first opening only builds the
page. The thread keeps the normal CPU priority: a CNN page opened while it
runs waits for the same imports, and a niced thread would then hold the whole
server back on a busy machine (it cannot be given its priority back). Set
``NN_PLAYGROUND_CNN_WARMUP=0`` to turn it off (a server that only ever shows
the dense page then never loads TensorFlow).

Importing this module imports neither TensorFlow nor Panel.
"""
from __future__ import annotations

import gc
import importlib
import logging
import os
import threading
import time

log = logging.getLogger(__name__)
if log.level == logging.NOTSET:
    log.setLevel(logging.INFO)    # `panel serve` shows INFO for Bokeh's own logger only; the warm-up's end is news
ENV = "NN_PLAYGROUND_CNN_WARMUP"

_lock = threading.Lock()
_thread: threading.Thread | None = None
done = threading.Event()   # set when the warm-up has finished (or failed: the page then pays itself)


def start() -> bool:
    """Start the warm-up thread unless it has started already or is turned off; True if it runs."""
    global _thread
    if os.environ.get(ENV, "1") == "0":
        return False
    with _lock:
        if _thread is not None:
            return _thread.is_alive()
        _import_whole_first()
        _thread = threading.Thread(target=_warm_up, name="cnn-warm-up", daemon=True)
        _thread.start()
        return True


def _import_whole_first() -> None:
    """Import pandas in this (the server's) thread before the warm-up thread runs.

    Bokeh looks pandas up in `sys.modules` whenever a page streams data (the loss chart
    does at every frame). TensorFlow imports pandas on the warm-up thread, and a frame
    drawn meanwhile found the module half-imported and failed (seen in CI).
    """
    try:
        importlib.import_module("pandas")
    except ImportError:      # no pandas: nothing for Bokeh to find half-done
        pass


DONE_LINE = "CNN warm-up done"   # logged when it ends well (benchmarks wait for it: a warm server)


def _warm_up() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    started = time.perf_counter()
    try:
        # First, before TensorFlow runs anything: its thread pools can only be sized then
        # (CNN trainings must leave the dense learners a core; see training_queue).
        from playground.cnn.training_queue import limit_tensorflow_threads

        limit_tensorflow_threads()
        importlib.import_module("playground.cnn.page")   # TensorFlow, Keras, every CNN view module
        from playground.cnn.catalogue import DEFAULT_MODEL, BUILT_IN, built_in_samples, load_built_in
        from playground.cnn.explain import explain

        model = load_built_in(DEFAULT_MODEL)
        images, _names = built_in_samples(DEFAULT_MODEL)
        explain(model, images[0], list(BUILT_IN[DEFAULT_MODEL].class_names))
        _freeze_what_lives()
        log.info("%s in %.1f s", DONE_LINE, time.perf_counter() - started)
    except Exception:  # noqa: BLE001 - a failed warm-up only means the first opening is slow again
        log.warning("CNN warm-up failed; the CNN page will load when opened", exc_info=True)
    finally:
        done.set()


def _freeze_what_lives() -> None:
    """Leave everything alive now (TensorFlow's half a million objects, mostly) out of later collections.

    Panel runs a full `gc.collect()` after sessions end, and with TensorFlow loaded one
    took about 230 ms holding the GIL: every session on the server stood still, and a
    learner at the fastest speed lost that much training each time. What is frozen is
    only ever freed by reference counting; a collection first frees what is garbage now.
    """
    gc.collect()
    gc.freeze()
