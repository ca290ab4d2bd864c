"""Speed of the CNN explainer as a learner sees it: headless Chromium against a real `panel serve`.

Prints: the first opening of the CNN page on a fresh server (TensorFlow import,
model load, first explanation, drawing) and a second opening in the same server;
then the time from a click on a sample thumbnail to the new prediction on screen.
Then, on another fresh server, the first opening of the CNN page after a learner
has had the dense page open for `--idle` seconds (the server warms the CNN page
up in the background meanwhile; `--no-warmup` turns that off, for the "before").

`--fresh-server` instead times the first CNN page on freshly started servers, served as
`playground serve` serves it (the warm-up starts with the server, `--setup`) and as a
bare `panel serve playground/app.py` (the warm-up waits for a first page): opened
as soon as the server answers, and once the server has been up as long as its warm-up takes.
`--app DIR` serves another checkout's app (e.g. `git archive HEAD` unpacked), for a "before".

    .venv/bin/python benchmarks/browser_cnn.py [--clicks 20] [--idle 25] [--no-warmup] [--fresh-server]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_dense import DENSE_READY, CHROMIUM_ARGS, find_chromium, served_app, summary  # noqa: E402  (one recipe for both benchmarks)
from browser_support import free_port, serving, wait_for_log  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def served(app_root: Path = ROOT, setup: bool = False, log=subprocess.DEVNULL):
    """`panel serve` of `app_root`'s app on a free port, with `playground serve`'s warm-up script when
    `setup`; yields the app's URL. Another checkout is imported from its own tree (PYTHONPATH)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/app"
    cmd = [sys.executable, "-m", "panel", "serve", str(app_root / "playground" / "app.py"), "--port", str(port),
           "--address", "127.0.0.1", "--allow-websocket-origin", f"127.0.0.1:{port}", "--num-procs", "1"]
    if setup:
        cmd += ["--setup", str(app_root / "playground" / "cnn" / "warm_start.py")]
    env = dict(os.environ, PYTHONPATH=str(app_root)) if app_root != ROOT else None
    with serving(cmd, url, log, env=env):
        yield url


def open_cnn_page(browser, url: str) -> tuple[object, float]:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    start = time.perf_counter()
    page.goto(url + "?page=cnn")
    page.locator(".cnn-prediction", has_text="Prediction:").wait_for(timeout=300_000)
    return page, time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=20, help="thumbnail clicks timed")
    parser.add_argument("--idle", type=float, default=25, help="seconds on the dense page before the CNN page")
    parser.add_argument("--no-warmup", action="store_true", help="servers without the background warm-up")
    parser.add_argument("--after-dense-only", action="store_true",
                        help="only the CNN page's first opening after the dense page")
    parser.add_argument("--fresh-server", action="store_true",
                        help="only the first CNN page on fresh servers, warm-up with the server and without")
    parser.add_argument("--app", type=Path, default=ROOT, help="the checkout whose app is served")
    args = parser.parse_args(argv)
    if args.fresh_server:
        fresh_server_openings(args.app)
        return 0
    if args.no_warmup:
        os.environ["NN_PLAYGROUND_CNN_WARMUP"] = "0"   # the served app inherits it
    print(f"background warm-up: {'off' if args.no_warmup else 'on'}; CPU cores: {os.cpu_count()}")
    from playwright.sync_api import sync_playwright

    if not args.after_dense_only:
        first_openings_and_clicks(args.clicks, args.app)
    with served_app() as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS)
        dense = browser.new_page(viewport={"width": 1280, "height": 720})
        dense.goto(url)
        dense.wait_for_function(DENSE_READY, timeout=60_000)
        dense.wait_for_timeout(1000 * args.idle)
        page, later = open_cnn_page(browser, url)
        print(f"first opening of the CNN page, {args.idle:g} s after the dense page (fresh server): {later:.2f} s")
        browser.close()
    return 0


def fresh_server_openings(app_root: Path) -> None:
    """The first CNN page of fresh servers: with the warm-up started with the server (`--setup`, as
    `playground serve` runs it) and without (a bare `panel serve playground/app.py`)."""
    from playwright.sync_api import sync_playwright

    from playground.cnn.warmup import DONE_LINE

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS)
        warm_up = 0.0
        for setup in (True, False):
            name = "warm-up with the server (playground serve)" if setup else "bare panel serve app.py"
            with tempfile.NamedTemporaryFile("w", suffix=".log") as log, served(app_root, setup, log) as url:
                up = time.perf_counter()
                if setup:
                    wait_for_log(Path(log.name), DONE_LINE, timeout_s=300)
                    warm_up = time.perf_counter() - up
                    print(f"{name}: warm-up done {warm_up:.1f} s after the server answered")
                else:
                    time.sleep(warm_up)      # up as long: a teacher starts the server before the class
                page, first = open_cnn_page(browser, url)
                print(f"{name}: first CNN page, opened {time.perf_counter() - up - first:.1f} s after the "
                      f"server answered: {first:.2f} s")
                page.close()
                page, later = open_cnn_page(browser, url)
                print(f"{name}: a later CNN page, same server (the floor a warm-up can reach): {later:.2f} s")
                page.close()
            with tempfile.NamedTemporaryFile("w", suffix=".log") as log, served(app_root, setup, log) as url:
                page, first = open_cnn_page(browser, url)
                print(f"{name}: first CNN page, opened as soon as the server answered: {first:.2f} s")
                page.close()
        browser.close()


def first_openings_and_clicks(clicks: int, app_root: Path = ROOT) -> None:
    from playwright.sync_api import sync_playwright

    from playground.cnn.loading import load_default_model
    from playground.components.cnn.input import sample_position
    from playground.datasets.images import load_mnist_5k

    data, model = load_mnist_5k(), load_default_model()
    firsts = {c: data.x_test[np.flatnonzero(data.y_test == c)[0]] for c in (0, 1)}
    predicted = {c: int(np.argmax(model(x[None]))) for c, x in firsts.items()}
    with served(app_root) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS)
        page, first = open_cnn_page(browser, url)
        print(f"first opening of the CNN page (fresh server): {first:.2f} s")
        page.close()
        page, second = open_cnn_page(browser, url)
        print(f"a later opening (same server): {second:.2f} s")
        box = page.locator(".cnn-samples").first.bounding_box()
        times = []
        for k in range(clicks):
            c = 1 - k % 2
            x, y = sample_position(c)
            page.wait_for_timeout(600)   # two quick taps would read as a double tap in Bokeh
            start = time.perf_counter()
            page.mouse.click(box["x"] + x, box["y"] + y)
            page.locator(".cnn-prediction", has_text=f"Prediction: {predicted[c]} (").wait_for(timeout=10_000)
            times.append(1000 * (time.perf_counter() - start))
        print(f"new image, click → new prediction shown: {summary(times, 'clicks')}")
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
