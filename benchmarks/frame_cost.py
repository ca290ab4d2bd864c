"""What one live frame of the dense page costs the server: CPU time and bytes on the wire.

In-process, no browser: a real `DensePage` in a Bokeh document, a frame drawn as the live
loop draws it (`_redraw`: the frame built from the trainer, every view updated in one
hold), and the PATCH-DOC message Bokeh would send for it, serialised as the server does.
BLAS runs with one thread, as in the app (playground/app.py).

Each network is measured with the measures (metrics panel, dead/saturated neurons, gradient
sizes) as the page has them, and with them switched off, in two kinds of frame: live frames,
paced at 20 a second as while training plays (the measures then follow twice a second), and
frames at a stop, where the measures are recomputed every time (a pause, Step, a changed control).

    .venv/bin/python benchmarks/frame_cost.py [--frames 50]
"""
from __future__ import annotations

import argparse
import time

import numpy as np  # noqa: F401  (loaded before the thread limit below, which needs BLAS loaded)
from threadpoolctl import threadpool_limits

NETWORKS = {"default (circle, tanh 4-2)": {},
            "spiral, 6×8 ReLU": {"dataset": "spiral", "activation": "relu", "hidden": "8,8,8,8,8,8"}}


LIVE_PERIOD_S = 0.05    # 20 frames a second


def frame_cost(query: dict, frames: int, measures: bool = True, live: bool = False) -> tuple[float, float, int, float]:
    """(ms of CPU per drawn frame, ms per frame with its serialisation, bytes per frame, ms of it in the measures).

    `measures`: False draws the frames without the metrics panel and the diagnosis. `live`: frames
    as the live loop draws them, LIVE_PERIOD_S apart (the waits are not counted: CPU time only)."""
    import panel as pn
    from bokeh.document import Document
    from bokeh.protocol import Protocol

    from playground.dense.page import DensePage

    page = DensePage()
    page.apply_query(query)
    spent = [0.0]    # CPU time inside the measures: the same run's share, steadier than two runs' difference
    show_measures = page._show_measures

    def timed_measures():
        start = time.process_time()
        show_measures()
        spent[0] += time.process_time() - start

    page._show_measures = timed_measures if measures else (lambda: None)
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
        if live:
            time.sleep(LIVE_PERIOD_S)
        start = time.process_time()
        page._redraw(live=live)
        drawn = time.process_time()
        message = Protocol().create("PATCH-DOC", events)
        done = time.process_time()
        draw += drawn - start
        serialise += done - drawn
        size = sum(memoryview(b.data).nbytes for b in message.buffers) + len(str(message.content))
    return 1e3 * draw / frames, 1e3 * (draw + serialise) / frames, size, 1e3 * spent[0] / frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=50)
    args = parser.parse_args()
    threadpool_limits(1, user_api="blas")
    for label, query in NETWORKS.items():
        for live in (True, False):
            kind = "live frames (20/s)" if live else "frames at a stop"
            results = {}
            for measures in (False, True) * 3:     # alternated, so a slow spell hits both alike; the best of 3
                results.setdefault(measures, []).append(frame_cost(query, args.frames, measures, live))
            for measures, runs in results.items():
                draw, total, size = (min(r[k] for r in runs) for k in range(3))   # each the best of 3
                print(f"{label}, {kind}, measures {'on' if measures else 'off'}: {draw:.1f} ms to draw a frame, "
                      f"{total:.1f} ms with its message; {size / 1e3:.1f} kB a frame")
            off, on = min(r[1] for r in results[False]), min(r[1] for r in results[True])
            # Within each run with the measures: their CPU time over the rest of the frame's.
            share = sorted(r[3] / (r[1] - r[3]) for r in results[True])[1]
            print(f"{label}, {kind}: the measures cost {100 * (on - off) / off:+.1f} % server time a frame between "
                  f"runs, {100 * share:+.1f} % within a run (median of 3) (goal ≤ +10 %)")


if __name__ == "__main__":
    main()
