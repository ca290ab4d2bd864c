"""How the tests and the benchmarks get a real app and a real browser: one recipe for both."""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The background-networking flags keep Chromium from dialling out: this machine has
# no internet, and the app must not need it.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# The dense page is ready once its map is drawn, its counter shows, its keys are live, and
# it is laid out for this window (the server lays out after the browser says its size, so
# boxes measured before then move).
DENSE_READY = """() => {
  const doc = window.Bokeh && Bokeh.documents[0];
  const grid = doc && doc.get_model_by_name('decision-grid');
  const html = document.documentElement.dataset;
  return grid && grid.data.image[0].length === 10000
    && doc.get_model_by_name('epoch-counter').data.text[1] !== ''
    && html.shortcuts === 'on' && html.sized !== undefined && html.fitted === html.sized;
}"""


def find_chromium() -> str | None:
    """Debian's Chromium (or $CHROMIUM); None when there is none."""
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (path := shutil.which(candidate)):
            return path
    return None


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(cmd: list[str], url: str, log=subprocess.DEVNULL, env: dict[str, str] | None = None):
    """Run server command `cmd` until `url` answers; yields the process, stopped afterwards.

    The server runs in a process group of its own, stopped as a whole: `--num-procs N`
    forks workers that outlive a terminated parent (they ignore SIGTERM).
    """
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    deadline = time.time() + 120
    try:
        while True:
            try:
                urllib.request.urlopen(url, timeout=20).read()
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"the server did not come up: {' '.join(cmd[:4])} …")
                time.sleep(0.5)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)      # the workers, and a parent that did not stop
        except ProcessLookupError:
            pass
        proc.wait()


def wait_for_log(path: Path, text: str, count: int = 1, timeout_s: float = 180) -> bool:
    """Wait until the server log at `path` holds `text` `count` times; False on timeout."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if path.read_text(errors="replace").count(text) >= count:
            return True
        time.sleep(0.5)
    return False


@contextmanager
def served_app(log=subprocess.DEVNULL):
    """`panel serve playground/app.py` on a free loopback port; yields the app's URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/app"
    with serving([sys.executable, "-m", "panel", "serve", str(ROOT / "playground" / "app.py"),
                  "--port", str(port), "--address", "127.0.0.1",
                  "--allow-websocket-origin", f"127.0.0.1:{port}", "--num-procs", "1"], url, log):
        yield url


# TensorFlow's C++ runtime logs in glog's format ("E0000 00:00:…") while the CNN page warms up
# in the background; on a machine without a GPU it reports the missing CUDA driver as an error.
_TENSORFLOW_RUNTIME = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:.*$", re.M)
_ERRORS = re.compile(r"Traceback|ERROR|Error|exception")


def app_error_lines(log_text: str) -> list[str]:
    """The lines of a server log that report an error of the app (TensorFlow's native runtime lines left out)."""
    return [line for line in _TENSORFLOW_RUNTIME.sub("", log_text).splitlines() if _ERRORS.search(line)]


def app_error(log_text: str) -> str | None:
    """The first line with an error of the app (not TensorFlow's native runtime) in a server log, or None."""
    lines = app_error_lines(log_text)
    return lines[0] if lines else None
