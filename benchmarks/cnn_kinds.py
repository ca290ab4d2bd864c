"""Speed of the layer kinds on a CIFAR-like model (32×32×3, BatchNormalization, Dropout), no browser.

Prints: loading the same model from .keras and from legacy .h5 through the app's loader
(config preflight, then Keras), the preflight alone, one explanation per image, and every
formula of one neuron per layer (what a click on the page computes).

    .venv/bin/python benchmarks/cnn_kinds.py [--images 20]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace


class _NoView:
    """The detail views' stand-in: only the numbers are timed here, not the drawing."""

    def show(self, *args, **kwargs):
        pass

    def move(self, *args, **kwargs):
        pass


def _ms(times: list[float]) -> str:
    return f"median {1000 * statistics.median(times):.1f} ms (min {1000 * min(times):.1f}, n={len(times)})"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=20)
    args = parser.parse_args(argv)

    import numpy as np

    from playground.cnn.explain import explain
    from playground.cnn.kinds import Selection, kind_of
    from playground.cnn.loading import load_model
    from playground.cnn.model import build_cifar_like
    from playground.cnn.preflight import check_code_free, check_layers, read_config, read_h5_config

    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        model = build_cifar_like()
        paths = {fmt: Path(tmp) / f"cifar_like.{fmt}" for fmt in ("keras", "h5")}
        for path in paths.values():
            model.save(path)
        print(f"model: {model.count_params():,} weights; files: "
              + ", ".join(f"{p.suffix} {p.stat().st_size:,} bytes" for p in paths.values()))
        for fmt, path in paths.items():
            reader = read_h5_config if fmt == "h5" else read_config
            pre, load = [], []
            for _ in range(5):
                t0 = time.perf_counter()
                config = reader(path)
                check_code_free(config)
                check_layers(config)
                pre.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                loaded = load_model(path)
                load.append(time.perf_counter() - t0)
            print(f"{fmt:>5}: preflight {_ms(pre)}; whole load {_ms(load)}")

        images = rng.uniform(0, 1, (args.images + 1, 32, 32, 3)).astype("float32")
        explain(loaded, images[0])   # builds the one-call function once
        times = []
        for image in images[1:]:
            t0 = time.perf_counter()
            e = explain(loaded, image)
            times.append(time.perf_counter() - t0)
        print(f"explain one image: {_ms(times)}")

        views = SimpleNamespace(conv=_NoView(), pair=_NoView(), flatten=_NoView())
        for i, trace in enumerate(e.traces[1:], start=1):
            kind = kind_of(trace)
            sel = Selection(trace, i, e, neuron=0)
            t0 = time.perf_counter()
            kind.show_detail(views, sel)
            html = kind.show_cell(views, sel)
            print(f"  {trace.name:<12} {kind.name:<15} detail + formula {1000 * (time.perf_counter() - t0):6.2f} ms"
                  f"  ({len(html):,} characters of HTML)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
