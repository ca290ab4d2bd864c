"""What one live frame of the dense page costs the server: CPU time and bytes on the wire.

In-process, no browser: a real `DensePage` in a Bokeh document, a frame drawn as the live
loop draws it (`_redraw`: the frame built from the trainer, every view updated in one
hold), and the PATCH-DOC message Bokeh would send for it, serialised as the server does.
BLAS runs with one thread, as in the app (playground/app.py).

    .venv/bin/python benchmarks/frame_cost.py [--frames 50]
"""
from __future__ import annotations

import argparse
import time

import numpy as np  # noqa: F401  (loaded before the thread limit below, which needs BLAS loaded)
from threadpoolctl import threadpool_limits

NETWORKS = {"default (circle, tanh 4-2)": {},
            "spiral, 6×8 ReLU": {"dataset": "spiral", "activation": "relu", "hidden": "8,8,8,8,8,8"}}


def frame_cost(query: dict, frames: int) -> tuple[float, float, int]:
    """(ms of CPU per drawn frame, ms per frame with its serialisation, bytes per frame)."""
    import panel as pn
    from bokeh.document import Document
    from bokeh.protocol import Protocol

    from playground.dense.page import DensePage

    page = DensePage()
    page.apply_query(query)
    doc = Document()
    doc.add_root(pn.panel(page).get_root(doc))
    events: list = []
    doc.callbacks.on_change(events.append)
    page.trainer.step(5)
    draw = serialise = 0.0
    size = 0
    for _ in range(frames):
        page.trainer.step(1)
        events.clear()
        start = time.process_time()
        page._redraw()
        drawn = time.process_time()
        message = Protocol().create("PATCH-DOC", events)
        done = time.process_time()
        draw += drawn - start
        serialise += done - drawn
        size = sum(memoryview(b.data).nbytes for b in message.buffers) + len(str(message.content))
    return 1e3 * draw / frames, 1e3 * (draw + serialise) / frames, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=50)
    args = parser.parse_args()
    threadpool_limits(1, user_api="blas")
    for label, query in NETWORKS.items():
        draw, total, size = frame_cost(query, args.frames)
        print(f"{label}: {draw:.1f} ms to draw a frame, {total:.1f} ms with its message; {size / 1e3:.1f} kB a frame")


if __name__ == "__main__":
    main()
