"""The CNN page's background warm-up (playground/cnn/warmup.py), in fresh interpreters."""
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.keras

CHECK = """
import gc, sys, threading
from playground.cnn import warmup
assert 'tensorflow' not in sys.modules          # importing the module loads nothing
started = warmup.start()
if started:
    assert warmup.done.wait(300)
frozen = gc.get_freeze_count()
again = warmup.start()                          # once per process: no second thread
from playground.cnn.explain import _all_outputs_fn
from playground.cnn.catalogue import load_built_in
model = load_built_in('mnist')
print(started, again, 'tensorflow' in sys.modules, '_playground_all_outputs' in model.__dict__,
      'playground.cnn.page' in sys.modules, [t.name for t in threading.enumerate() if t.name == 'cnn-warm-up'],
      frozen > 100_000)
"""


def _run(env_value):
    env = dict(os.environ, NN_PLAYGROUND_CNN_WARMUP=env_value)
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=400, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.split("\n")[-2]


def test_the_warm_up_imports_the_page_loads_the_model_and_traces_it_once():
    # The model's traced function is there before any page asked for it; the thread has ended.
    # What lives then (TensorFlow's objects) is frozen: later full collections skip it.
    assert _run("1") == "True False True True True [] True"


def test_the_warm_up_can_be_turned_off():
    # Off: nothing started and nothing imported (the later load in the check imports Keras itself).
    assert _run("0") == "False False True False False [] False"


@pytest.mark.browser
def test_the_app_starts_the_warm_up_once_a_dense_page_is_on_screen(page, tmp_path):
    # The shell imports no page: the app (playground/app.py) hands it the warm-up to start.
    from browser_support import DENSE_READY, served_app, wait_for_log
    from playground.cnn.warmup import DONE_LINE

    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log, served_app(log) as url:
        page.goto(url)
        page.wait_for_function(DENSE_READY, timeout=90_000)
        assert wait_for_log(log_path, DONE_LINE, timeout_s=300), log_path.read_text()[-2000:]
