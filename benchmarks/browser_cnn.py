"""Speed of the CNN explainer as a learner sees it: headless Chromium against a real `panel serve`.

Prints: the first opening of the CNN page on a fresh server (TensorFlow import,
model load, first explanation, drawing) and a second opening in the same server;
then the time from a click on a sample thumbnail to the new prediction on screen.

    .venv/bin/python benchmarks/browser_cnn.py [--clicks 20]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_dense import CHROMIUM_ARGS, find_chromium, served_app, summary  # noqa: E402  (one recipe for both benchmarks)


def open_cnn_page(browser, url: str) -> tuple[object, float]:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    start = time.perf_counter()
    page.goto(url + "?page=cnn")
    page.locator(".cnn-prediction", has_text="Prediction:").wait_for(timeout=120_000)
    return page, time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=20, help="thumbnail clicks timed")
    args = parser.parse_args(argv)

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
        for k in range(args.clicks):
            c = 1 - k % 2
            x, y = sample_position(c)
            page.wait_for_timeout(600)   # two quick taps would read as a double tap in Bokeh
            start = time.perf_counter()
            page.mouse.click(box["x"] + x, box["y"] + y)
            page.locator(".cnn-prediction", has_text=f"Prediction: {predicted[c]} (").wait_for(timeout=10_000)
            times.append(1000 * (time.perf_counter() - start))
        print(f"new image, click → new prediction shown: {summary(times, 'clicks')}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
