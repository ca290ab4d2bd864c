"""Benchmarks of the numpy engine: the course's lecture table and raw speed."""
from __future__ import annotations

import json
import math
import platform
import statistics
import time
from dataclasses import dataclass

import numpy as np

from playground.datasets.features import FEATURES
from playground.dense.headless import solved_at
from playground.dense.settings import DenseSettings
from playground.dense.trainer import Trainer

TARGET = 0.05   # "solved": the first epoch whose test loss is at or below this


@dataclass(frozen=True)
class LectureRow:
    label: str
    settings: dict          # DenseSettings values on top of the defaults (lr 0.03, batch 10, ratio 50, noise 0)
    epochs: int             # how long the lecture ran it
    lecture: str            # what the lecture notes report


LECTURE = [
    LectureRow("circle, X1 X2, tanh 4-2", {"dataset": "circle"}, 109, "test loss 0.016 at epoch 109"),
    LectureRow("XOR, X1 X2, tanh 4-2", {"dataset": "xor"}, 223, "test loss 0.004 at epoch 223"),
    LectureRow("Gaussian, X1 X2, tanh 4-2", {"dataset": "gauss"}, 20, "solved in ~20 epochs"),
    LectureRow("spiral, X1 X2, tanh 4-2", {"dataset": "spiral"}, 6000, "no solution; 0.439 at epoch 6008"),
    LectureRow("spiral, all 7 features, tanh 8", {"dataset": "spiral", "features": list(FEATURES), "hidden": [8]},
               1014, "test loss 0.007 at epoch 1014"),
    LectureRow("spiral, X1 X2, ReLU 8×6", {"dataset": "spiral", "hidden": [8] * 6, "activation": "relu"},
               605, "test loss 0.023 at epoch 605"),
]


def lecture_table(seeds: int = 5) -> list[dict]:
    """Each lecture row over `seeds` seeds (data and weights), classic mode."""
    rows = []
    for row in LECTURE:
        solved, final_test, final_train = [], [], []
        for seed in range(seeds):
            trainer = Trainer(DenseSettings(seed=seed, data_seed=seed, **row.settings))
            assert trainer.settings.classic
            trainer.step(row.epochs)
            solved.append(solved_at(trainer.history["test_loss"], TARGET))
            final_test.append(trainer.test_loss)
            final_train.append(trainer.train_loss)
        hits = [s for s in solved if s is not None]
        rows.append({
            "row": row.label, "epochs": row.epochs, "lecture": row.lecture,
            "solved": f"{len(hits)}/{seeds}",
            # Unsolved seeds count as "later than the run": the median is over all seeds.
            "median_solved_at": _median_epoch(solved),
            "median_test_loss": statistics.median(final_test),
            "median_train_loss": statistics.median(final_train),
            "test_loss_range": (min(final_test), max(final_test)),
            "solved_at": solved, "test_loss": final_test,
        })
    return rows


def _median_epoch(solved: list[int | None]) -> float | None:
    """Median first-solved epoch; an unsolved seed counts as never (None if the median is never)."""
    mid = statistics.median(s if s is not None else math.inf for s in solved)
    return None if mid == math.inf else mid


def engine_speed(repeats: int = 5, epochs: int = 200) -> list[dict]:
    """Epochs per second (best of `repeats`) and the all-node 100×100 grid evaluation time."""
    cases = [("default: circle, tanh 4-2, batch 10", {}),
             ("spiral, ReLU 8×6, batch 10", {"dataset": "spiral", "hidden": [8] * 6, "activation": "relu"})]
    out = []
    for label, values in cases:
        trainer = Trainer(DenseSettings(**values))
        trainer.step(10)   # warm up
        rates = []
        for _ in range(repeats):
            start = time.perf_counter()
            trainer.step(epochs)
            rates.append(epochs / (time.perf_counter() - start))
        grid_times = []
        for _ in range(20):
            start = time.perf_counter()
            trainer.node_grids()
            grid_times.append(time.perf_counter() - start)
        out.append({"case": label, "epochs_per_second": round(max(rates), 1),
                    "epochs_per_second_median": round(statistics.median(rates), 1),
                    "grid_ms_median": round(1000 * statistics.median(grid_times), 2)})
    return out


def machine() -> str:
    import os

    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}"


def run(which: str, seeds: int = 5, as_json: bool = False) -> int:
    if which == "lecture":
        rows = lecture_table(seeds)
        if as_json:
            print(json.dumps(rows))
            return 0
        print(f"Lecture table, classic mode, {seeds} seeds each (lr 0.03, batch 10, ratio 50 %, noise 0); "
              f"'solved' = test loss ≤ {TARGET}.  [{machine()}]")
        print("Losses are at the lecture's epoch: median over seeds, and [best – worst].")
        print(f"{'row':32} {'epochs':>6} {'solved':>6} {'median epoch':>12} {'test loss':>9} {'[best – worst]':>17} "
              f"{'train loss':>10}  lecture")
        for r in rows:
            med = "—" if r["median_solved_at"] is None else f"{r['median_solved_at']:g}"
            lo, hi = r["test_loss_range"]
            print(f"{r['row']:32} {r['epochs']:6d} {r['solved']:>6} {med:>12} {r['median_test_loss']:9.4f} "
                  f"{f'[{lo:.4f} – {hi:.4f}]':>17} {r['median_train_loss']:10.4f}  {r['lecture']}")
        return 0
    rows = engine_speed()
    if as_json:
        print(json.dumps(rows))
        return 0
    print(f"Engine speed, headless  [{machine()}]")
    for r in rows:
        print(f"{r['case']:38} {r['epochs_per_second']:8.1f} epochs/s (best of 5; median {r['epochs_per_second_median']:.1f})"
              f"   all nodes on 100×100 grid: {r['grid_ms_median']:.2f} ms")
    return 0
