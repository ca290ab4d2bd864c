"""Speed of the CNN explainer as a learner sees it: headless Chromium against a real `panel serve`.

Prints: the first opening of the CNN page on a fresh server (TensorFlow import,
model load, first explanation, drawing) and a second opening in the same server;
then the time from a click on a sample thumbnail to the new prediction on screen.
Then, on another fresh server, the first opening of the CNN page after a learner
has had the dense page open for `--idle` seconds (the server warms the CNN page
up in the background meanwhile; `--no-warmup` turns that off, for the "before").

    .venv/bin/python benchmarks/browser_cnn.py [--clicks 20] [--idle 25] [--no-warmup]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_dense import DENSE_READY, CHROMIUM_ARGS, find_chromium, served_app, summary  # noqa: E402  (one recipe for both benchmarks)


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
    args = parser.parse_args(argv)
    if args.no_warmup:
        os.environ["NN_PLAYGROUND_CNN_WARMUP"] = "0"   # the served app inherits it
    print(f"background warm-up: {'off' if args.no_warmup else 'on'}; CPU cores: {os.cpu_count()}")
    from playwright.sync_api import sync_playwright

    if not args.after_dense_only:
        first_openings_and_clicks(args.clicks)
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


def first_openings_and_clicks(clicks: int) -> None:
    from playwright.sync_api import sync_playwright

    from playground.cnn.loading import load_default_model
    from playground.components.cnn.input import sample_position
    from playground.datasets.images import load_mnist_5k

    data, model = load_mnist_5k(), load_default_model()
    firsts = {c: data.x_test[np.flatnonzero(data.y_test == c)[0]] for c in (0, 1)}
    predicted = {c: int(np.argmax(model(x[None]))) for c, x in firsts.items()}
    with served_app() as url, sync_playwright() as pw:
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
